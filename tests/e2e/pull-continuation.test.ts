/**
 * A pull that uses up its execution's budget (a 100,000-line month: see docs/PERFORMANCE.md) compares
 * with the PSA in a one-off continuation instead of running past Apps Script's limit. Through the built
 * bundle, with the smallest budget and a slow source standing in for a huge month:
 *  - the continued pull ends with exactly the tab an uninterrupted pull writes;
 *  - staff edits made before the continuation and before a re-pull survive, and the comparison uses them;
 *  - lines gone at the source become "Removed at source";
 *  - a scheduled pull-then-push that spent its budget pulling pushes from its continuation, once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, createGasEnvironment, setClock } from '../../local/gas';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { urlMapFor } from '../../local/workbench/vendors';
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { contractFixtureOf } from '../contract/support';
import { DEMO_SOURCES, firstPsaWhere } from './bundle-host';
import { demoSourceWithHooks } from './connector-hooks';

const code = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');
const TAB = `Billing ${DEMO_MONTH}`;
const NOW = Date.parse('2026-11-01T09:00:00Z');
// A PSA that keeps seat counts on contract services; the source slowed down stands in for a huge month.
const PSA = firstPsaWhere((p) => p.capabilities.quantityTargets);
const { isMutation } = contractFixtureOf(PSA) as PsaContractFixture;
const { id: SOURCE, hooks: source } = demoSourceWithHooks();
const CONNECTED = [...DEMO_SOURCES, PSA];

interface PullView {
  lines: number;
  removed: number;
  problems: string[];
  comparison?: string;
}

describe('a pull too large for one execution compares in a continuation (built bundle)', () => {
  let sb: RunningSandboxes;

  beforeAll(async () => {
    sb = await startSandboxes(CONNECTED.map((kind) => ({ kind })));
  });
  afterAll(() => sb.stop());

  /** A connected, refreshed workbook with the defaults a person sets; `budget` in seconds. */
  async function workbook(budget?: number) {
    for (const k of CONNECTED) await sb.admin(k).reset();
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    const host = new LocalHost(runtime, code);
    setClock(host.state, NOW);
    let clock = NOW;
    const call = <T>(fn: string, ...args: unknown[]): T => {
      const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result as T;
    };
    const creds = demoCredentials();
    for (const kind of CONNECTED) call('saveConnection', kind, creds[kind]);
    call('refreshClients');
    const d = call<{
      settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
      codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
    }>('getDefaults');
    call('saveDefaults', {
      ...d.settings,
      global: {
        ...d.settings.global,
        productLifecycle: 'auto-create',
        codes: {
          ...d.settings.global.codes,
          itemCode: d.codes.itemCodes[0].id,
          serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
        },
      },
    });
    if (budget) host.state.properties.document['bg.executionBudgetSeconds'] = String(budget);
    const handlers = () => host.state.triggers.map((t) => t.handler);
    /** Fires the continuation triggers a minute apart until none is left. */
    const continuations = (from?: number): number => {
      if (from !== undefined) clock = from;
      let n = 0;
      while (handlers().includes('continueJob_') && n < 20) {
        clock += 61_000;
        for (const r of host.fireDueTriggers(clock)) {
          if (!r.ok) throw new Error(`${r.functionName} failed: ${r.error?.message}`);
          n++;
        }
      }
      return n;
    };
    /** The month tab as getValues and getFormulas see it. */
    const sheet = () => {
      const env = createGasEnvironment(runtime);
      try {
        const s = env.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName(TAB);
        if (!s) throw new Error(`no tab ${TAB}`);
        const range = s.getDataRange();
        return { values: range.getValues(), formulas: range.getFormulas() };
      } finally {
        env.end();
      }
    };
    const column = (header: string): unknown[] => {
      const { values } = sheet();
      const c = values[0].indexOf(header);
      return values.slice(1).map((r) => r[c]);
    };
    /** What a person types into the cell of the row holding `key`. */
    const type = (key: string, header: string, value: unknown) => {
      const { values } = sheet();
      const row = values.findIndex((r) => r[0] === key) + 1;
      const col = values[0].indexOf(header) + 1;
      let letters = '';
      for (let n = col; n > 0; n = Math.floor((n - 1) / 26))
        letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
      host.edit({ sheet: TAB, a1: `${letters}${row}`, value, user: 'owner@example.com' });
    };
    const cellOf = (key: string, header: string): unknown => {
      const { values } = sheet();
      return values.find((r) => r[0] === key)?.[values[0].indexOf(header)];
    };
    return { host, call, handlers, continuations, sheet, column, type, cellOf };
  }

  /** The source answers its month's charges slowly: the demo pull then needs more than the smallest budget. */
  const slowSource = () => sb.admin(SOURCE).faults(source.slowMonth(10_000));

  it('ends with the same tab as an uninterrupted pull, keeps staff edits and marks removed lines', async () => {
    const whole = await workbook();
    const once = whole.call<PullView>('pullBillingMonth', DEMO_MONTH);
    expect(once.comparison).toBe('done');
    expect(whole.handlers()).toEqual([]);
    const expected = whole.sheet();

    const wb = await workbook(20);
    await slowSource();
    const first = wb.call<PullView>('pullBillingMonth', DEMO_MONTH);
    expect(first.comparison).toBe('continuing');
    expect(first.problems.join(' ')).toMatch(/continues in the background/);
    expect(wb.handlers()).toEqual(['continueJob_']);
    // Written, not compared yet.
    expect(first.lines).toBe(once.lines);
    expect(wb.column('Action').every((v) => v === '')).toBe(true);
    expect(wb.continuations()).toBe(1);
    expect(wb.handlers()).toEqual([]);
    expect(wb.host.state.properties.document['bg.checkpoint']).toBeUndefined();
    expect(wb.sheet()).toEqual(expected);
    expect(wb.call<{ step: string } | null>('getJobProgress')?.step).toBe(
      `Compared ${DEMO_MONTH} with the PSA`,
    );

    // Staff edit the tab; a line disappears at the source; the month is pulled again and again continues.
    const keys = wb.column('Line key') as string[];
    const actions = wb.column('Action') as string[];
    const seats = keys[actions.findIndex((a) => /^Set quantity/.test(a))];
    const charge = keys[actions.findIndex((a) => /^Add charge/.test(a))];
    const noted = keys[3];
    const quantity = wb.cellOf(seats, 'Quantity') as number;
    const difference = wb.cellOf(seats, 'Difference') as number;
    wb.type(seats, 'Quantity', quantity + 7);
    wb.type(noted, 'Note', 'Checked with the client');
    wb.type(noted, 'Approved', true);
    const state = await sb.admin(SOURCE).state();
    source.dropRecurringLine(
      state,
      new Set([seats, charge, noted].map((k) => String(wb.cellOf(k, 'Customer id')))),
    );
    await sb.admin(SOURCE).setState(state);
    await slowSource();
    const again = wb.call<PullView>('pullBillingMonth', DEMO_MONTH);
    expect(again.comparison).toBe('continuing');
    expect(again.removed).toBeGreaterThan(0);
    // An edit made while the comparison waits for its trigger is compared too: it reads the tab afresh.
    wb.type(charge, 'Quantity', 9);
    expect(wb.continuations()).toBe(1);
    expect(wb.cellOf(seats, 'Quantity')).toBe(quantity + 7);
    expect(wb.cellOf(seats, 'Difference')).toBeCloseTo(difference + 7, 6);
    expect(wb.cellOf(charge, 'Action')).toMatch(/^Add charge: 9 × /);
    expect(wb.cellOf(noted, 'Note')).toBe('Checked with the client');
    expect(wb.cellOf(noted, 'Approved')).toBe(true);
    const statuses = wb.column('Status') as string[];
    expect(statuses.filter((st) => st.startsWith('Removed at source'))).toHaveLength(again.removed);
  });

  it('a push made while the comparison waits for its trigger leaves it to run afterwards', async () => {
    const wb = await workbook(20);
    await slowSource();
    expect(wb.call<PullView>('pullBillingMonth', DEMO_MONTH).comparison).toBe('continuing');
    await sb.admin(SOURCE).faults([]);
    wb.host.state.properties.document['bg.executionBudgetSeconds'] = '270';
    expect(
      wb.call<{ changed: number }>('approveRows', DEMO_MONTH, { approve: true }).changed,
    ).toBeGreaterThan(10);
    const pushed = wb.call<{ finished: boolean; applied: number }>('pushBillingMonth', DEMO_MONTH);
    expect(pushed).toMatchObject({ finished: true });
    expect(pushed.applied).toBeGreaterThan(10);
    // The finished push did not drop the comparison's checkpoint; the comparison sees what it pushed.
    expect(wb.handlers()).toEqual(['continueJob_']);
    expect(wb.continuations()).toBe(1);
    const approved = wb.column('Approved');
    const actions = wb.column('Action');
    const pushedRows = actions.filter((a, i) => approved[i] === true);
    expect(pushedRows.length).toBeGreaterThan(10);
    expect(pushedRows.every((a) => String(a).startsWith('Already in the PSA'))).toBe(true);
  });

  it('a nightly pull-then-push that spent its budget pulling pushes from its continuation, once', async () => {
    const wb = await workbook(20);
    // Late October: the nightly sync bills the demo month itself.
    setClock(wb.host.state, Date.parse('2026-10-28T12:00:00Z'));
    // Pulled and approved once, so the nightly run has approved rows to push.
    wb.call('pullBillingMonth', DEMO_MONTH);
    wb.continuations(Date.parse('2026-10-28T12:00:00Z'));
    wb.call('approveRows', DEMO_MONTH, { approve: true });
    const planned = wb.call<{ steps: unknown[] }>('dryRunPush', DEMO_MONTH).steps.length;
    expect(planned).toBeGreaterThan(10);
    wb.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });
    await slowSource();
    await sb.admin(PSA).clearRequests();
    // 02:00 New York time on the 29th: the nightly run pulls the month, then has no time left to push.
    // Google runs an hourly trigger at a minute of its choosing within the hour: the hour's last minute.
    const at = Date.parse('2026-10-29T06:59:00Z');
    const [run] = wb.host.fireDueTriggers(at);
    expect(run.functionName).toBe('dispatchJobs_');
    expect(run.ok).toBe(true);
    // Nothing sent to the PSA, not even the reads a push plans from: that is the continuation's work.
    expect(await sb.admin(PSA).requests()).toEqual([]);
    expect(wb.handlers()).toContain('continueJob_');
    expect(wb.call<{ lastRun: { outcome: string } }>('getSchedule').lastRun.outcome).toBe('continuing');
    await sb.admin(SOURCE).faults([]);
    expect(wb.continuations(at)).toBeGreaterThan(0);
    expect(wb.handlers()).not.toContain('continueJob_');
    expect(wb.call<{ lastRun: { outcome: string } }>('getSchedule').lastRun.outcome).toBe('finished');
    // Every planned change landed exactly once (one Ledger row each), and nothing is left to do.
    expect((await sb.admin(PSA).requests()).filter(isMutation).length).toBeGreaterThanOrEqual(planned);
    const ledger = JSON.stringify(wb.host.state.spreadsheets[0].sheets.find((t) => t.name === 'Ledger'));
    expect(new Set(ledger.match(/[0-9a-f]{16}:[0-9a-f]{16}/g) ?? []).size).toBe(planned);
    await sb.admin(PSA).clearRequests();
    expect(wb.call<{ applied: number; steps: number }>('pushBillingMonth', DEMO_MONTH)).toMatchObject({
      applied: 0,
      steps: 0,
    });
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);
  });

  it('a nightly sync early in a month with every source failing is recorded as failed, tab or no tab', async () => {
    const wb = await workbook();
    // 30 November: the nightly sync is queued for 02:00 New York time on 1 December, whose month has no tab.
    setClock(wb.host.state, Date.parse('2026-11-30T12:00:00Z'));
    wb.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });
    for (const s of DEMO_SOURCES) await sb.admin(s).faults([{ status: 401, times: 10_000 }]);
    type Last = { lastRun: { outcome: string; month: string; message: string; trigger: string } };
    const tabs = () => wb.host.state.spreadsheets[0].sheets.map((t) => t.name);

    // Refused credentials are not "nothing to sync yet", even before the month has a tab.
    const [early] = wb.host.fireDueTriggers(Date.parse('2026-12-01T07:59:00Z'));
    expect(early.ok).toBe(true);
    expect(wb.call<Last>('getSchedule').lastRun).toMatchObject({
      trigger: 'nightly',
      month: '2026-12',
      outcome: 'failed',
      message: expect.stringMatching(/^Nothing was pulled: /),
    });
    expect(tabs()).not.toContain('Billing 2026-12');

    // Once staff have a December tab, the same failure is still a failure.
    const sheets = wb.host.state.spreadsheets[0].sheets;
    sheets.push({
      ...structuredClone(sheets[0]),
      id: 424242,
      name: 'Billing 2026-12',
      rows: [],
      protections: [],
      developerMetadata: [],
    });
    const [later] = wb.host.fireDueTriggers(Date.parse('2026-12-02T07:59:00Z'));
    expect(later.ok).toBe(true);
    expect(wb.call<Last>('getSchedule').lastRun).toMatchObject({
      trigger: 'nightly',
      month: '2026-12',
      outcome: 'failed',
      message: expect.stringMatching(/^Nothing was pulled: /),
    });
    for (const s of DEMO_SOURCES) await sb.admin(s).faults([]);
  });
});
