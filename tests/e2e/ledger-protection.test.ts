/**
 * Issue #24 item 4, through the built bundle in the emulator's add-on mode: the Ledger tab is protected so
 * that only BillGrid's owner, its admins and the schedule owner can write it (Sheets' own protection, not a
 * warning), and the protection follows the admins and the schedule owner.
 * - an editor who is not an admin cannot write the Ledger: by hand, by a script of their own, or through
 *   BillGrid (the sidebar's push and the menu's are refused, naming who can push; nothing is sent);
 * - an older warning-only protection is taken over by the first push, an admin's push is recorded (it
 *   continues from the admin's open sidebar; an editor's sidebar leaves it alone), and a re-run sends no
 *   change;
 * - saving the admins and taking over the schedule keep the protection's editors in step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clockNow, LocalHost, setClock } from '../../local/gas';
import { DEMO_MONTH } from '../../local/demo/msp';
import { applyEdit } from '../../local/gas/events';
import { PROTECTED_MESSAGE } from '../../local/gas/spreadsheet/guard';
import type { PsaFaultHooks } from '../reliability/support/fault-suite';
import { billableDefaults, psasWhere, startBundle, type BundleHost } from './bundle-host';

/** The first sandboxed PSA with fault hooks: they say which requests change something. */
const psa = psasWhere().find((p) =>
  fs.existsSync(path.resolve(__dirname, '..', 'connectors', 'psa', p.id, 'fault-hooks.ts')),
);
if (!psa) throw new Error('no PSA has fault hooks');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- fault hooks load by convention
const { hooks } = require(`../connectors/psa/${psa.id}/fault-hooks`) as { hooks: PsaFaultHooks };

const A = 'owner@example.com'; // the spreadsheet's owner and BillGrid's
const B = 'admin-b@example.com';
const C = 'admin-c@example.com';
const E = 'editor-e@example.com';

describe('add-on: only the owner, admins and schedule owner can write the Ledger', () => {
  let b: BundleHost;
  const run = (user: string, fn: string, ...args: unknown[]) => b.run(fn, args, user);
  const as = (user: string, fn: string, ...args: unknown[]): unknown => {
    const r = run(user, fn, ...args);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const ledger = () => b.sheet('Ledger');
  const protections = () =>
    ledger().protections.map((p) => ({ warningOnly: p.warningOnly, editors: p.editors }));
  const editorsOnLedger = () => {
    const [p, ...others] = ledger().protections;
    expect(others).toEqual([]);
    expect(p?.warningOnly).toBe(false);
    return [...(p?.editors ?? [])].sort();
  };
  /** A script of the user's own, run as them (in the bound script any editor can write one). */
  const script = (user: string, body: string) =>
    new LocalHost(
      b.host.runtime,
      `function s() { const sh = SpreadsheetApp.getActive().getSheetByName('Ledger'); ${body} }`,
    ).run('s', [], { user });
  const requests = async () => b.sb.admin(b.psa).requests();
  const mutations = async () =>
    (await requests()).filter((r) =>
      hooks.writes.some(
        (m) =>
          (!m.method || m.method === r.method) &&
          (!m.pathPrefix || r.path.startsWith(m.pathPrefix)) &&
          (!m.pathIncludes || r.path.includes(m.pathIncludes)),
      ),
    );

  beforeAll(async () => {
    b = await startBundle(psa.id, hooks.sources, { deployment: 'addon' });
    b.host.state.spreadsheets[0].editors = [A, B, C, E];
    as(A, 'setAdmins', [B]);
    as(A, 'refreshClients');
    billableDefaults(b);
    as(A, 'pullBillingMonth', DEMO_MONTH, null);
    as(A, 'approveRows', DEMO_MONTH, { approve: true });
    // A Ledger from an older BillGrid (no rows yet): protected with a warning only, which anyone may click
    // through.
    const header = [
      'Time',
      'Run id',
      'User',
      'Line key',
      'PSA entity',
      'PSA id',
      'Operation',
      'Before',
      'After',
      'Result',
      'Message',
      'Idempotency key',
    ];
    const old = script(
      A,
      `const t = SpreadsheetApp.getActive().insertSheet('Ledger');
       t.getRange(1, 1, 1, ${header.length}).setValues([${JSON.stringify(header)}]);
       t.protect().setDescription('BillGrid ledger: history of pushes, append-only').setWarningOnly(true);`,
    );
    expect(old.ok).toBe(true);
  }, 120_000);
  afterAll(() => b.sb.stop());

  it("an editor's push is refused, naming who can push, before anything is sent; an admin's push is recorded under a real protection", async () => {
    expect(as(E, 'getSessionInfo')).toMatchObject({ role: 'editor', canPush: false });
    await b.sb.admin(b.psa).clearRequests();
    expect(run(E, 'pushBillingMonth', DEMO_MONTH).error?.message).toBe(
      `Only the BillGrid owner (${A}) or an admin (${B}) may push to the PSA: every push is recorded in the Ledger, which only they can write. Approve the rows and ask one of them to push.`,
    );
    // The menu's push checks the same right.
    const ss = b.host.state.spreadsheets[0];
    const monthTab = ss.sheets.find((s) => s.name.includes(DEMO_MONTH));
    if (!monthTab) throw new Error('no month tab');
    ss.activeSheetId = monthTab.id;
    const alerts = b.host.state.ui.alerts.length;
    expect(b.host.run('menuPushActiveTab', [], { kind: 'menu', user: E }).ok).toBe(true);
    expect(b.host.state.ui.alerts.slice(alerts).map((a) => a.prompt)).toEqual([
      expect.stringMatching(/^Only the BillGrid owner .* may push to the PSA/),
    ]);
    expect(await requests()).toEqual([]);
    expect(protections()).toEqual([{ warningOnly: true, editors: expect.arrayContaining([E]) }]);

    // The admin's push outlives its execution (small batches and budget, as in ledger-chain-addon) and
    // continues from the open sidebar, with no trigger firing: the editor's sidebar leaves a push's
    // continuation alone (it would write the Ledger), the admin's runs it.
    const doc = b.host.state.properties.document;
    doc['bg.executionBudgetSeconds'] = '20';
    doc['bg.pushBatchSize'] = '1';
    type Pushed = { applied: number; failed: number; continuing: boolean };
    const first = as(B, 'pushBillingMonth', DEMO_MONTH) as Pushed;
    expect(first.continuing).toBe(true);
    const pushed = { applied: first.applied, failed: first.failed };
    let sidebarRuns = 0;
    for (let i = 0; doc['bg.checkpoint'] && i < 40; i++) {
      setClock(b.host.state, clockNow(b.host.state) + 5 * 60_000);
      const checkpoint = doc['bg.checkpoint'];
      expect(as(E, 'continueJobs')).toEqual({ ran: false });
      expect(doc['bg.checkpoint']).toBe(checkpoint);
      expect(as(B, 'continueJobs')).toEqual({ ran: true });
      sidebarRuns++;
    }
    expect(doc['bg.checkpoint']).toBeUndefined();
    expect(sidebarRuns).toBeGreaterThanOrEqual(1);
    delete doc['bg.executionBudgetSeconds'];
    delete doc['bg.pushBatchSize'];
    const status = as(B, 'getPushStatus', DEMO_MONTH) as { lastRun: { outcome: string; message: string } };
    expect(status.lastRun.outcome).toBe('finished');
    pushed.applied = b.rows('Ledger').filter((r) => r.Result === 'applied').length;
    expect(pushed.applied).toBeGreaterThan(0);
    expect(b.rows('Ledger').filter((r) => r.Result === 'failed')).toEqual([]);
    console.log(`admin's push: 1 + ${sidebarRuns} executions, continued from the sidebar`);
    // The older warning-only protection became one only the owner and the admin are on.
    expect(editorsOnLedger()).toEqual([A, B].sort());
    const users = b.rows('Ledger').map((r) => r.User);
    expect(users.length).toBeGreaterThanOrEqual(pushed.applied);
    expect(new Set(users)).toEqual(new Set([B]));
  }, 60_000);

  it('the editor cannot change the Ledger by hand or by a script of their own; the admin can; the re-run bills nothing twice', async () => {
    const before = JSON.stringify(ledger().rows);
    expect(() => applyEdit(b.host.runtime, { sheet: 'Ledger', a1: 'J2', value: 'failed', user: E })).toThrow(
      PROTECTED_MESSAGE,
    );
    for (const body of [
      "sh.getRange('J2').setValue('failed');",
      'sh.deleteRows(2, 1);',
      "sh.appendRow(['forged']);",
      'sh.getProtections(SpreadsheetApp.ProtectionType.SHEET)[0].remove();',
      'SpreadsheetApp.getActive().deleteSheet(sh);',
    ]) {
      expect([body, script(E, body).error?.message]).toEqual([body, PROTECTED_MESSAGE]);
    }
    expect(JSON.stringify(ledger().rows)).toBe(before);
    expect(as(E, 'getLedgerStatus')).toMatchObject({ ok: true, alarm: null });

    await b.sb.admin(b.psa).clearRequests();
    const rerun = run(A, 'pushBillingMonth', DEMO_MONTH);
    expect(rerun.result).toMatchObject({ applied: 0, failed: 0, continuing: false });
    // What keeping the protection in step costs a push execution (nothing to change: reads only).
    const protectionCalls = Object.entries(rerun.stats.calls).filter(([name]) =>
      /Protection|getProtections|User\.getEmail|getOwner/.test(name),
    );
    console.log(
      `Ledger protection check in a push execution: ${JSON.stringify(Object.fromEntries(protectionCalls))}`,
    );
    expect(await mutations()).toEqual([]);
    // An admin is on the protection: Sheets lets them type (the chain reports it, tests/e2e/ledger-chain-addon).
    expect(() =>
      applyEdit(b.host.runtime, { sheet: 'Ledger', a1: 'M1', value: 'Chain', user: B }),
    ).not.toThrow();
  }, 60_000);

  it('the protection follows the admins and the schedule owner', () => {
    as(A, 'saveSchedule', { dayOfMonth: 3, hour: 6, pullFirst: false, nightlyHour: null });
    as(A, 'setAdmins', [C]);
    expect(editorsOnLedger()).toEqual([A, C].sort());
    expect(() => applyEdit(b.host.runtime, { sheet: 'Ledger', a1: 'J2', value: 'x', user: B })).toThrow(
      PROTECTED_MESSAGE,
    );
    expect(run(B, 'pushBillingMonth', DEMO_MONTH).error?.message).toMatch(
      /^Only the BillGrid owner .*\(admin-c@/,
    );
    // C takes the schedule over, then stops being an admin: as schedule owner C's dispatcher still records
    // the scheduled runs, so C stays on the protection until someone else takes the schedule.
    as(C, 'takeOverSchedule');
    as(A, 'setAdmins', []);
    expect(editorsOnLedger()).toEqual([A, C].sort());
    expect(as(C, 'getSessionInfo')).toMatchObject({ role: 'editor', canPush: false });
    as(A, 'takeOverSchedule');
    expect(editorsOnLedger()).toEqual([A]);
  });
});
