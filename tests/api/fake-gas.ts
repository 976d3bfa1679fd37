/**
 * Minimal stand-ins for the Apps Script globals that src/api reaches through src/platform
 * (script and document properties, the active user, the spreadsheet's editors), so the API can be tested in-process.
 */
export interface FakeGas {
  /** Script properties (shared by every document an add-on serves: no customer value belongs here). */
  props: Map<string, string>;
  /** Document properties (credentials, owner and admins, settings, tenant checks). */
  docProps: Map<string, string>;
  /** The user running the next call. */
  user: string;
  /** Spreadsheet editors; null makes getEditors() throw (scope not granted). */
  editors: string[] | null;
  /** Calls made to the fake services, e.g. 'getProperties' → 1 (script), 'doc.getProperties' → 1. */
  calls: Record<string, number>;
}

export function installFakeGas(initial: Partial<FakeGas> = {}): FakeGas {
  const gas: FakeGas = {
    props: new Map(),
    docProps: new Map(),
    user: 'owner@northwind.example',
    editors: null,
    calls: {},
    ...initial,
  };
  const count = (name: string) => {
    gas.calls[name] = (gas.calls[name] ?? 0) + 1;
  };
  const bag = {
    getProperties: () => {
      count('getProperties');
      return Object.fromEntries(gas.props);
    },
    getProperty: (k: string) => {
      count('getProperty');
      return gas.props.get(k) ?? null;
    },
    setProperty: (k: string, v: string) => {
      if (typeof v !== 'string') throw new Error('setProperty takes a string');
      gas.props.set(k, v);
      return bag;
    },
    deleteProperty: (k: string) => {
      gas.props.delete(k);
      return bag;
    },
  };
  const user = () => ({ getEmail: () => gas.user });
  const g = globalThis as Record<string, unknown>;
  const docBag = {
    getProperties: () => {
      count('doc.getProperties');
      return Object.fromEntries(gas.docProps);
    },
    getProperty: (k: string) => {
      count('doc.getProperty');
      return gas.docProps.get(k) ?? null;
    },
    setProperty: (k: string, v: string) => {
      gas.docProps.set(k, v);
      return docBag;
    },
    setProperties: (all: Record<string, string>) => {
      for (const [k, v] of Object.entries(all)) gas.docProps.set(k, v);
      return docBag;
    },
    deleteProperty: (k: string) => {
      gas.docProps.delete(k);
      return docBag;
    },
  };
  g.PropertiesService = { getScriptProperties: () => bag, getDocumentProperties: () => docBag };
  g.Session = { getActiveUser: user, getEffectiveUser: user };
  g.SpreadsheetApp = {
    // A spreadsheet with no BillGrid tabs yet: enough for the screens' reads to answer "nothing yet".
    getActiveSpreadsheet: () => ({
      getSheetByName: () => null,
      getSheets: () => [],
      getSpreadsheetTimeZone: () => 'America/New_York',
      getEditors: () => {
        if (gas.editors === null) throw new Error('You do not have permission to call getEditors');
        return gas.editors.map((e) => ({ getEmail: () => e }));
      },
    }),
  };
  return gas;
}

/** The message of the error `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected an error');
}

export const SID = 'AC0123456789abcdef0123456789abcdef';
export const TOKEN = 'f00dfacecafe1234deadbeef98765432';
