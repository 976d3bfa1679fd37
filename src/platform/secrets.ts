/**
 * Credentials and the add-on's settings (owner, admins, last connection tests) kept in the spreadsheet's
 * document properties, never in a cell. Document properties are this spreadsheet's alone in both
 * deployments; script properties are shared by every document an add-on serves, so they hold no
 * customer value (docs/SECURITY.md). Values are read in full only by server code that calls a vendor;
 * anything bound for the sidebar goes through `maskSecret`/`readMasked`.
 */
import { deployment } from './deployment';

/** The subset of Apps Script's Properties the store needs; injectable for tests. */
export interface PropertyBag {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
}

/** Keys BillGrid once kept in script properties that belong to the spreadsheet (credentials, owner, …). */
const CUSTOMER_KEY = /^billgrid\.(?!rateWindow\.)/;
/** Set in document properties once the script properties were moved over (or found empty). */
const MOVED_KEY = 'billgrid.movedFromScriptProperties';

function documentStore(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties() ?? PropertiesService.getScriptProperties();
}

/**
 * Moves credentials and settings an older bound BillGrid saved in script properties into this
 * spreadsheet's document properties (values already there win), then deletes them from script
 * properties. Only in the bound script: an add-on's script properties are shared by every document, so
 * nothing found there is ever adopted by one of them. Returns the document properties after the move.
 */
function moveFromScriptProperties(
  doc: GoogleAppsScript.Properties.Properties,
  current: Record<string, string>,
): Record<string, string> {
  if (current[MOVED_KEY] || deployment() === 'addon') return current;
  const script = PropertiesService.getScriptProperties();
  const moved: Record<string, string> = { [MOVED_KEY]: new Date().toISOString() };
  const legacy = Object.entries(script.getProperties()).filter(([k]) => CUSTOMER_KEY.test(k));
  for (const [k, v] of legacy) if (current[k] === undefined) moved[k] = v;
  doc.setProperties(moved);
  for (const [k] of legacy) script.deleteProperty(k);
  return { ...current, ...moved };
}

/**
 * The spreadsheet's properties read once (one getProperties call) and then served from memory, for the
 * length of one server call: each property read costs a round trip on Google, and a sidebar call reads
 * several. Writes go straight through.
 */
export function customerProperties(): PropertyBag {
  const props = documentStore();
  let cache: Record<string, string> | null = null;
  const all = () => (cache ??= moveFromScriptProperties(props, { ...props.getProperties() }));
  return {
    getProperty: (key) => all()[key] ?? null,
    setProperty(key, value) {
      all();
      props.setProperty(key, value);
      all()[key] = value;
      return this;
    },
    deleteProperty(key) {
      all();
      props.deleteProperty(key);
      delete all()[key];
      return this;
    },
  };
}

const SECRET_PREFIX = 'billgrid.secret.';

/** How much of a stored value the sidebar may see. */
export type Exposure = 'public' | 'identifier' | 'secret';

/** `secret` → 'set'; `identifier` → '••••1234' (last four); `public` → as stored. */
export function maskSecret(value: string, exposure: Exposure): string {
  if (exposure === 'public') return value;
  if (exposure === 'secret' || value.length < 8) return 'set';
  return `••••${value.slice(-4)}`;
}

export class SecretStore {
  constructor(private readonly bag: PropertyBag = customerProperties()) {}

  /** Full values: for server code that calls the vendor only. Null when nothing is stored. */
  read(namespace: string): Record<string, string> | null {
    const raw = this.bag.getProperty(SECRET_PREFIX + namespace);
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      return null;
    }
  }

  /** What the sidebar may see: each stored field masked by its exposure (unknown fields count as secret). */
  readMasked(namespace: string, exposure: Record<string, Exposure>): Record<string, string> | null {
    const values = this.read(namespace);
    if (!values) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) out[k] = maskSecret(v, exposure[k] ?? 'secret');
    return out;
  }

  write(namespace: string, values: Record<string, string>): void {
    this.bag.setProperty(SECRET_PREFIX + namespace, JSON.stringify(values));
  }

  clear(namespace: string): void {
    this.bag.deleteProperty(SECRET_PREFIX + namespace);
  }
}

/** Small JSON settings in the spreadsheet's document properties (owner, admins, last connection tests, ...). */
export class SettingsStore {
  constructor(private readonly bag: PropertyBag = customerProperties()) {}

  get(key: string): unknown {
    const raw = this.bag.getProperty(`billgrid.${key}`);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    if (value === undefined) this.bag.deleteProperty(`billgrid.${key}`);
    else this.bag.setProperty(`billgrid.${key}`, JSON.stringify(value));
  }
}
