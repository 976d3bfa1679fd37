/**
 * Issue #24, "Done when": in the emulator's add-on mode, across two documents, an editor who is not an
 * admin cannot obtain any credential or owner status through any server function (every entry of
 * src/api/functions.ts, with arguments that pass its checks), each function refuses the roles below its
 * declared right, and the add-on's script properties hold no customer secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, createState, type ExecutionResult } from '../../local/gas';
import { newSheetState } from '../../local/gas/state';
import { demoCredentials } from '../../local/demo/credentials';
import { RIGHTS, type ServerFunctionName } from '../../src/api/functions';
import { CONNECTION_KINDS } from '../../src/api/connections';
import { connector } from '../../src/connectors/registry';
import { SOURCE_KINDS } from '../../src/jobs/connections';

const bundle = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');

const OWNER_A = 'ann@msp-a.example';
const OWNER_B = 'bert@msp-b.example';
const EVE = 'eve@msp-a.example';
const DOC_A = '1BillingA';
const DOC_B = '1BillingB';
const MONTH = '2026-10';
const SOURCE = SOURCE_KINDS[0];
const customer = { source: SOURCE, customerId: 'c-1' };

/** Arguments that pass each function's schema, so its rights check (not its argument check) answers. */
const ARGS: Record<ServerFunctionName, unknown[]> = {
  getSessionInfo: [],
  setAdmins: [[EVE]],
  getSetupState: [],
  finishWizard: [],
  getConnections: [],
  saveConnection: [CONNECTION_KINDS[0], {}],
  clearConnection: [CONNECTION_KINDS[0]],
  testConnection: [CONNECTION_KINDS[0]],
  checkConnection: [CONNECTION_KINDS[0], {}],
  assignClient: [{ ...customer, customerName: 'C', companyId: '1' }],
  listCompanies: [],
  listClients: [],
  unassignClient: [customer],
  excludeClient: [{ ...customer, customerName: 'C' }],
  includeClient: [customer],
  confirmClients: [[customer]],
  saveClientOverrides: [{ ...customer, overrides: {} }],
  listInvoiceChoices: [customer],
  listProductMappings: [MONTH],
  assignProduct: [{ source: SOURCE, sku: 'SKU-1', productId: null }],
  listContractLinks: [],
  linkContract: [{ ...customer, contractId: '9' }],
  setContractProrate: [{ contractId: '9', prorate: 'off' }],
  createMissingInPsa: [{ ...customer, customerName: 'C', companyId: null, month: MONTH }],
  listServiceSync: [MONTH],
  stopServiceSync: [{ ...customer, subscriptionId: '' }],
  resumeServiceSync: [{ ...customer, subscriptionId: '' }],
  syncServiceNow: [{ ...customer, subscriptionId: '', month: MONTH }],
  rememberLineLinks: [MONTH],
  refreshClients: [],
  listBillingMonths: [],
  pullBillingMonth: [MONTH, null],
  listIntegrations: [],
  listImportProfiles: [],
  previewFileImport: [{ file: { name: 'usage.csv', text: 'a,b\n1,2\n' }, month: MONTH }],
  importFile: [{ file: { name: 'usage.csv', text: 'a,b\n1,2\n' }, month: MONTH, profile: {} }],
  uploadFileChunk: [{ id: 'upload-0001', index: 0, count: 1, data: 'YWJj' }],
  renameImportProfile: ['profile-usage', 'Usage'],
  deleteImportProfile: ['profile-usage'],
  drivePickerStatus: [],
  openDrivePicker: ['pick-0001'],
  finishDrivePick: [{ uploadId: 'pick-0001', cancelled: true }],
  drivePickResult: ['pick-0001'],
  setIntegrationEnabled: [SOURCE, false],
  reconcileBillingMonth: [MONTH],
  reviewBillingMonth: [MONTH],
  approveRows: [MONTH, { approve: true }],
  dryRunPush: [MONTH, {}],
  pushBillingMonth: [MONTH],
  estimateMonthQuota: [MONTH],
  getJobProgress: [],
  continueJobs: [],
  showGridRow: [{ month: MONTH, row: 2 }],
  getPushStatus: [MONTH],
  getLedgerStatus: [],
  acknowledgeLedgerChange: [],
  getDefaults: [],
  saveDefaults: [], // filled with the document's own defaults below
  getSchedule: [],
  saveSchedule: [{ dayOfMonth: 3, hour: 6, pullFirst: false, nightlyHour: null }],
  stopSchedule: [],
  takeOverSchedule: [],
};

/**
 * Every secret stored in a document (passwords, keys, tokens). Identifiers (user names, client ids, a
 * tenant's host) are shown as ••••1234 on purpose and appear in the fields' hints and in URLs.
 */
function hiddenValues(creds: Record<string, Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [kind, values] of Object.entries(creds)) {
    const exposure = new Map(connector(kind).fields.map((f) => [f.name, f.exposure]));
    for (const [field, v] of Object.entries(values)) if (exposure.get(field) === 'secret') out.push(v);
  }
  return out;
}

/** Document B's credentials: the demo ones with every secret changed, so the two documents differ. */
function otherCredentials(base: Record<string, Record<string, string>>) {
  return Object.fromEntries(
    Object.entries(base).map(([kind, values]) => {
      const secret = new Set(
        connector(kind)
          .fields.filter((f) => f.exposure === 'secret')
          .map((f) => f.name),
      );
      return [
        kind,
        Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) ? `${v}Bx` : v])),
      ];
    }),
  );
}

describe('add-on: an editor who is not an admin, across two documents', () => {
  const state = createState({
    spreadsheetId: DOC_A,
    owner: OWNER_A,
    now: Date.parse('2026-11-05T09:00:00Z'),
  });
  state.spreadsheets[0].editors = [OWNER_A, EVE];
  state.spreadsheets.push({
    ...state.spreadsheets[0],
    id: DOC_B,
    name: 'Billing B',
    owner: OWNER_B,
    editors: [OWNER_B, EVE],
    sheets: [newSheetState(0, 'Sheet1')],
  });
  const rt = new GasRuntime(state, { deployment: 'addon', quotaProfile: 'unlimited', user: EVE });
  const host = new LocalHost(rt, bundle);
  const call = (fn: string, args: unknown[], user: string, document: string): ExecutionResult =>
    host.run(fn, args, { kind: 'sidebar', user, document });
  const ok = (fn: string, args: unknown[], user: string, document: string): unknown => {
    const r = call(fn, args, user, document);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };

  const credsA = demoCredentials();
  const credsB = otherCredentials(credsA);
  const hidden = [...hiddenValues(credsA), ...hiddenValues(credsB)];
  const outputs: Array<{ doc: string; fn: string; text: string }> = [];
  const results = new Map<string, ExecutionResult>();

  /** Document B runs the functions that read credentials or rights (each bundle run costs ~1 s). */
  const IN_B = new Set<ServerFunctionName>([
    'getSessionInfo',
    'setAdmins',
    'getConnections',
    'saveConnection',
    'clearConnection',
    'testConnection',
    'checkConnection',
    'pullBillingMonth',
    'refreshClients',
    'dryRunPush',
    'saveDefaults',
    'takeOverSchedule',
  ]);
  const docProps = (doc: string) =>
    doc === DOC_A ? rt.state.properties.document : (rt.state.properties.documents ??= {})[doc];

  beforeAll(() => {
    for (const [doc, owner, creds] of [
      [DOC_A, OWNER_A, credsA],
      [DOC_B, OWNER_B, credsB],
    ] as const) {
      // The owner saves one connection through BillGrid (and so becomes its owner); the others are
      // stored as saveConnection stores them, to keep the test fast.
      const [first, ...rest] = Object.keys(creds);
      ok('saveConnection', [first, creds[first]], owner, doc);
      for (const kind of rest) docProps(doc)[`billgrid.secret.${kind}`] = JSON.stringify(creds[kind]);
      for (const fn of Object.keys(ARGS) as ServerFunctionName[]) {
        if (doc === DOC_B && !IN_B.has(fn)) continue;
        const args =
          fn === 'saveDefaults'
            ? [(ok('getDefaults', [], owner, doc) as { settings: unknown }).settings]
            : ARGS[fn];
        const r = call(fn, args, EVE, doc);
        results.set(`${doc}:${fn}`, r);
        const text = JSON.stringify([r.result ?? null, r.error?.message ?? '', r.logs.map((l) => l.message)]);
        outputs.push({ doc, fn, text });
      }
    }
  });

  it('calls every server function in document A and those reading credentials or rights in B', () => {
    expect(outputs).toHaveLength(Object.keys(RIGHTS).length + IN_B.size);
    expect(hidden.length).toBeGreaterThan(CONNECTION_KINDS.length);
  });

  it('no server function gives the editor any credential, of either document', () => {
    const leaks = outputs.flatMap((o) =>
      hidden.filter((v) => o.text.includes(v)).map((v) => `${o.doc} ${o.fn}: …${v.slice(-4)}`),
    );
    expect(leaks).toEqual([]);
  });

  it('every function for owners or admins refuses the editor; the editor stays an editor', () => {
    for (const doc of [DOC_A, DOC_B]) {
      const refusedWrongly = (Object.keys(RIGHTS) as ServerFunctionName[])
        .filter((fn) => RIGHTS[fn] === 'manager' || RIGHTS[fn] === 'owner')
        .filter((fn) => doc === DOC_A || IN_B.has(fn))
        .filter((fn) => !/^Only the BillGrid owner/.test(results.get(`${doc}:${fn}`)?.error?.message ?? ''));
      expect(refusedWrongly).toEqual([]);
      const owner = doc === DOC_A ? OWNER_A : OWNER_B;
      expect(ok('getSessionInfo', [], EVE, doc)).toMatchObject({ role: 'editor', owner, admins: [] });
      expect(ok('getSchedule', [], owner, doc)).toMatchObject({ owner: null });
    }
  });

  it("each document keeps its own credentials; the add-on's script properties hold none", () => {
    const values = (p: Record<string, string>) => Object.values(p).join('\n');
    const script = values(rt.state.properties.script);
    expect(hidden.filter((v) => script.includes(v))).toEqual([]);
    expect(Object.keys(rt.state.properties.script).filter((k) => /secret|owner|admins/.test(k))).toEqual([]);
    const stored = (props: Record<string, string> | undefined) =>
      Object.fromEntries(
        Object.keys(credsA).map((kind) => [kind, JSON.parse(props?.[`billgrid.secret.${kind}`] ?? 'null')]),
      );
    expect(stored(docProps(DOC_A))).toEqual(credsA);
    expect(stored(docProps(DOC_B))).toEqual(credsB);
    expect(docProps(DOC_A)['billgrid.owner']).toBe(JSON.stringify(OWNER_A));
    expect(docProps(DOC_B)['billgrid.owner']).toBe(JSON.stringify(OWNER_B));
  });
});
