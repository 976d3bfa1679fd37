/**
 * Issue #24 item 6: BillGrid has no viewer role. Google runs it only for people who can edit the
 * spreadsheet, and Spreadsheet.getEditors() does not name everyone who can: people who edit through a
 * Google Group or through sharing with the whole domain are not on it. Through the built bundle in the
 * emulator, such people set BillGrid up, map and approve like any editor, and the owner's and admins'
 * rights still hold. (BillGrid used to take anyone missing from getEditors() for a viewer and refuse them.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, createState, type ExecutionResult } from '../../local/gas';
import { SOURCE_KINDS } from '../../src/jobs/connections';

const bundle = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');

const OWNER = 'ann@northwind.example';
/** Edits through the Google Group the spreadsheet is shared with. */
const GINA = 'gina@contractor.example';
/** Edits because everyone at northwind.example may. */
const DORA = 'dora@northwind.example';
/** Neither: can only view. */
const VIC = 'vic@contractor.example';

describe('people who edit through a group or the domain (not in getEditors())', () => {
  const state = createState({ owner: OWNER, now: Date.parse('2026-11-05T09:00:00Z') });
  state.spreadsheets[0].editors = [OWNER];
  state.spreadsheets[0].groupEditors = { 'billing@contractor.example': [GINA] };
  state.spreadsheets[0].domainEditors = 'northwind.example';
  const host = new LocalHost(new GasRuntime(state, { quotaProfile: 'unlimited' }), bundle);
  const run = (fn: string, args: unknown[], user: string): ExecutionResult =>
    host.run(fn, args, { kind: 'sidebar', user });
  const ok = (fn: string, args: unknown[], user: string): unknown => {
    const r = run(fn, args, user);
    if (!r.ok) throw new Error(`${fn} as ${user} failed: ${r.error?.message}`);
    return r.result;
  };

  it('are editors: Google runs BillGrid for them, and BillGrid lets them set it up and map', () => {
    // Google opens the spreadsheet's scripts for them (onOpen builds the menu), not for someone who can only view.
    expect(host.open(VIC)).toEqual([]);
    const [opened] = host.open(GINA);
    expect(opened.error).toBeNull();
    expect(host.state.ui.menus.length).toBeGreaterThan(0);

    expect(ok('getSessionInfo', [], GINA)).toMatchObject({ role: 'editor', owner: null, canManage: true });
    // The first to save a BillGrid setting becomes its owner, whoever shared the file with them.
    const { settings } = ok('getDefaults', [], DORA) as { settings: unknown };
    ok('saveDefaults', [settings], DORA);
    expect(ok('getSessionInfo', [], DORA)).toMatchObject({ role: 'owner', owner: DORA, canPush: true });

    // Gina maps: a client excluded from invoicing.
    ok('finishWizard', [], GINA);
    const customer = { source: SOURCE_KINDS[0], customerId: 'c-1', customerName: 'Contoso' };
    const view = ok('excludeClient', [customer], GINA) as {
      rows: Array<{ customerId: string; status: string }>;
    };
    expect(view.rows.find((r) => r.customerId === 'c-1')?.status).toBe('excluded');

    // The owner's and admins' rights still hold for her.
    expect(ok('getSessionInfo', [], GINA)).toMatchObject({
      role: 'editor',
      canManage: false,
      canPush: false,
    });
    expect(run('pushBillingMonth', ['2026-10'], GINA).error?.message).toMatch(/^Only the BillGrid owner/);
    expect(run('saveDefaults', [settings], GINA).error?.message).toMatch(/^Only the BillGrid owner/);
  });
});
