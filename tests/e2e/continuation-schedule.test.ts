/**
 * Jobs as Apps Script runs them, through the built bundle: a push that outlives its time budget saves a
 * checkpoint and resumes from a one-off trigger until done (no duplicates, trigger removed); the monthly
 * schedule runs on its day and hour, and refuses to run while products must be matched by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  GasRuntime,
  LocalHost,
  createState,
  deserializeState,
  serializeState,
  setClock,
} from '../../local/gas';
import type { GasState } from '../../local/gas/state';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { urlMapFor } from '../../local/workbench/vendors';
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { contractFixtureOf } from '../contract/support';
import { DEMO_SOURCES, firstPsaWhere } from './bundle-host';
import { demoSourceWithHooks, psaWrites } from './connector-hooks';

const code = () => fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');
// A PSA that keeps seat counts on contract services (a seat change is one change request).
const PSA = firstPsaWhere((p) => p.capabilities.quantityTargets);
const { isMutation } = contractFixtureOf(PSA) as PsaContractFixture;
// The source whose seats a client changes (the first demo source with month hooks).
const { id: SOURCE, hooks: source } = demoSourceWithHooks();
const CONNECTED = [...DEMO_SOURCES, PSA];

describe('checkpoints, continuations and the monthly schedule (built bundle)', () => {
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const handlers = () => host.state.triggers.map((t) => t.handler);
  /** A client adds seats at the source: one recurring line with more than one seat gets `n` more. */
  const addSeatsAtSource = async (n: number) => {
    const state = await sb.admin(SOURCE).state();
    source.addSeats(state, n);
    await sb.admin(SOURCE).setState(state);
  };
  const pulledMonth = async () => (await sb.admin(SOURCE).requests()).some(source.readsMonth);

  const doc = () => host.state.properties.document;

  /** The connected, refreshed, pulled and approved workbook, and the sandboxes' states with it. */
  let workbook: string;
  const sandboxStates: Record<string, unknown> = {};
  const newHost = (state: GasState) =>
    new LocalHost(new GasRuntime(state, { urlMap: urlMapFor(sb.urls) }), code());

  beforeAll(async () => {
    sb = await startSandboxes(CONNECTED.map((kind) => ({ kind })));
    host = newHost(createState({ owner: 'owner@example.com' }));
    // The demo month's data is October 2026; "now" is early November.
    setClock(host.state, Date.parse('2026-11-01T09:00:00Z'));
    const creds = demoCredentials();
    for (const kind of CONNECTED) call('saveConnection', kind, creds[kind]);
    call('refreshClients');
    const d = call('getDefaults') as {
      settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
      codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
    };
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
    call('pullBillingMonth', DEMO_MONTH);
    call('approveRows', DEMO_MONTH, { approve: true });
    workbook = serializeState(host.state);
    for (const k of CONNECTED) sandboxStates[k] = await sb.admin(k).state();
  });
  afterAll(() => sb.stop());

  // Each test starts from that workbook (set up once: connecting, refreshing and pulling per test cost
  // several seconds each) with the sandboxes as they were then.
  beforeEach(async () => {
    for (const k of CONNECTED) {
      await sb.admin(k).setState(sandboxStates[k]);
      await sb.admin(k).clearFaults();
      await sb.admin(k).clearRequests();
    }
    host = newHost(deserializeState(workbook));
  });

  it('continues from a checkpoint through one-off triggers until done, then removes the trigger', async () => {
    doc()['bg.executionBudgetSeconds'] = '20';
    // A slow PSA (every change takes 400 ms, counted as such in modelled time): the demo month's push no
    // longer fits the smallest budget, even with writes sent three at a time.
    await sb.admin(PSA).faults(psaWrites(PSA).map((match) => ({ match, delayMs: 400, times: 10_000 })));
    const planned = (call('dryRunPush', DEMO_MONTH) as { steps: unknown[] }).steps.length;
    const first = call('pushBillingMonth', DEMO_MONTH) as { continuing: boolean; applied: number };
    expect(first.continuing).toBe(true);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.applied).toBeLessThan(planned);
    expect(handlers()).toEqual(['continueJob_']);
    expect(doc()['bg.checkpoint']).toBeDefined();

    let rounds = 0;
    let clock = Date.parse('2026-11-01T09:00:00Z');
    while (handlers().includes('continueJob_') && rounds < 20) {
      clock += 61_000;
      const fired = host.fireDueTriggers(clock);
      expect(fired.every((r) => r.ok)).toBe(true);
      rounds++;
    }
    expect(rounds).toBeGreaterThan(0);
    expect(handlers()).toEqual([]);
    expect(doc()['bg.checkpoint']).toBeUndefined();

    // Everything landed exactly once: a fresh push changes nothing, and the ledger has one row per step.
    await sb.admin(PSA).clearRequests();
    await sb.admin(PSA).faults([]);
    doc()['bg.executionBudgetSeconds'] = '270';
    expect((call('pushBillingMonth', DEMO_MONTH) as { applied: number }).applied).toBe(0);
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);
    const ledger = host.state.spreadsheets[0].sheets.find((s) => s.name === 'Ledger')!;
    const rows = JSON.stringify(ledger);
    const keys = rows.match(/[0-9a-f]{16}:[0-9a-f]{16}/g) ?? [];
    expect(new Set(keys).size).toBe(planned);
    console.log(`continuation: ${planned} steps in ${rounds + 1} executions`);
  });

  it('a scheduled push killed by the time limit half-way resumes by itself from the continuation it queued first', async () => {
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: null });
    // A slow PSA: the push takes about 25 s of its 270 s budget; Apps Script kills it after 8 s (a request
    // that hung past the budget's reserve would do the same), before it can record what comes next.
    await sb.admin(PSA).faults(psaWrites(PSA).map((match) => ({ match, delayMs: 400, times: 10_000 })));
    const planned = (call('dryRunPush', DEMO_MONTH) as { steps: unknown[] }).steps.length;
    const killed = host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'), { limitMs: 8_000 });
    expect(killed.map((r) => r.error?.message)).toEqual([
      expect.stringMatching(/Exceeded maximum execution time/),
    ]);
    const sentBeforeKill = (await sb.admin(PSA).requests()).filter(isMutation).length;
    expect(sentBeforeKill).toBeGreaterThan(0);
    expect(sentBeforeKill).toBeLessThan(planned);
    // Nobody pushes again: the continuation queued before the first request runs once the killed execution
    // cannot be running any more (7 minutes on), from the checkpoint stored with it.
    expect(doc()['bg.checkpoint']).toBeDefined();
    expect(handlers()).toContain('continueJob_');
    let clock = Date.parse('2026-11-02T11:59:00Z');
    let rounds = 0;
    while (handlers().includes('continueJob_') && rounds < 20) {
      clock += 61_000;
      expect(host.fireDueTriggers(clock).every((r) => r.ok)).toBe(true);
      rounds++;
    }
    expect(rounds).toBeGreaterThanOrEqual(7);
    expect(handlers()).not.toContain('continueJob_');
    expect(doc()['bg.checkpoint']).toBeUndefined();
    const s = call('getSchedule') as { lastRun: { outcome: string; month: string; trigger: string } };
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'scheduled' });
    // Everything landed exactly once: a fresh push changes nothing; the ledger has each step's key once.
    await sb.admin(PSA).faults([]);
    await sb.admin(PSA).clearRequests();
    expect((call('pushBillingMonth', DEMO_MONTH) as { applied: number }).applied).toBe(0);
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);
    const ledger = JSON.stringify(host.state.spreadsheets[0].sheets.find((t) => t.name === 'Ledger'));
    expect(new Set(ledger.match(/[0-9a-f]{16}:[0-9a-f]{16}/g) ?? []).size).toBe(planned);
  });

  it('a push with no room left for a trigger still pushes (without the safety net for a kill)', async () => {
    // Apps Script's 20 triggers per user per script, all taken by something else: ON_EDIT triggers that
    // never fire here.
    for (let i = 0; i < 20; i++)
      host.state.triggers.push({
        id: `other-${i}`,
        handler: 'somethingElse',
        source: 'SPREADSHEETS',
        eventType: 'ON_EDIT',
        sourceId: host.state.spreadsheets[0].id,
        user: 'owner@example.com',
        schedule: null,
        nextRunAt: null,
        lastRunAt: null,
        runs: 0,
      });
    const r = call('pushBillingMonth', DEMO_MONTH) as { finished: boolean; applied: number; failed: number };
    expect(r).toMatchObject({ finished: true, failed: 0 });
    expect(r.applied).toBeGreaterThan(0);
    expect(doc()['bg.checkpoint']).toBeUndefined();
    expect(doc()['bg.jobs'] ?? '[]').not.toMatch(/continuation/);
  });

  it('a push that fails (not killed) leaves no checkpoint and no continuation behind it', () => {
    call('clearConnection', PSA);
    const r = host.run('pushBillingMonth', [DEMO_MONTH], { kind: 'sidebar', user: 'owner@example.com' });
    expect(r.error?.message).toMatch(/No PSA is connected/);
    expect(doc()['bg.checkpoint']).toBeUndefined();
    expect(doc()['bg.jobs'] ?? '[]').not.toMatch(/continuation/);
    expect(handlers()).not.toContain('continueJob_');
  });

  it('runs the nightly quantity sync: pulls the current month, pushes its approved rows, then only what changed at the source', async () => {
    // Late October: the month being used is the demo month itself.
    setClock(host.state, Date.parse('2026-10-28T12:00:00Z'));
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });
    // One trigger runs both: the hourly dispatcher.
    expect(handlers()).toEqual(['dispatchJobs_']);
    type Last = { lastRun: { outcome: string; message: string; month: string; trigger: string } };
    const changed = (s: Last) => Number(/: (\d+) changed/.exec(s.lastRun.message)?.[1]);

    // 02:00 New York time on the 29th: only the nightly trigger is due.
    await sb.admin(SOURCE).clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-29T06:59:00Z'));
    let s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'nightly' });
    expect(changed(s)).toBeGreaterThan(0);
    // It pulled the month first.
    expect(await pulledMonth()).toBe(true);

    // A client adds two seats at the source during the day: the next night pushes exactly that change.
    await addSeatsAtSource(2);
    await sb.admin(PSA).clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-30T06:59:00Z'));
    s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'nightly' });
    expect(changed(s)).toBe(1);
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toHaveLength(1);

    await sb.admin(PSA).clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-31T06:59:00Z'));
    s = call('getSchedule') as Last;
    expect(changed(s)).toBe(0);
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);
    // Nightly runs do not e-mail the owner; the monthly run does.
    expect(host.state.mail).toEqual([]);
  });

  it('with "pull first", the monthly run pulls the month again and pushes what changed at the source', async () => {
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: null });
    call('pushBillingMonth', DEMO_MONTH);
    // A client adds two seats at the source after the month was pulled, approved and pushed.
    await addSeatsAtSource(2);
    await sb.admin(SOURCE).clearRequests();
    await sb.admin(PSA).clearRequests();

    host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    const s = call('getSchedule') as { lastRun: { outcome: string; month: string; trigger: string } };
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'scheduled' });
    expect(await pulledMonth()).toBe(true);
    // Exactly the seat change went to the PSA (without the pull it would have sent nothing).
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toHaveLength(1);
  });

  it('runs the monthly schedule on its day and hour, and refuses in manual product mode', async () => {
    const view = call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: null }) as {
      active: { monthly: boolean };
      nextRun: string;
    };
    expect(view.active.monthly).toBe(true);
    expect(view.nextRun).toBe('2026-11-02 06:00 (America/New_York)');
    expect(handlers()).toEqual(['dispatchJobs_']);

    // On the 2nd at 06:00 New York time the run pushes the previous month's approved rows, as pulled.
    await sb.admin(SOURCE).clearRequests();
    host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    expect(await sb.admin(SOURCE).requests()).toEqual([]);
    type Last = { lastRun: { outcome: string; message: string; month: string; trigger: string } };
    let s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'scheduled' });
    expect(s.lastRun.message).toMatch(/^2026-10: \d+ changed/);
    expect(Number(/: (\d+) changed/.exec(s.lastRun.message)?.[1])).toBeGreaterThan(0);

    // Manual product mode: the next month's run refuses and says why; nothing is pushed.
    const d = call('getDefaults') as { settings: { global: Record<string, unknown> } };
    call('saveDefaults', { ...d.settings, global: { ...d.settings.global, productLifecycle: 'manual' } });
    host.fireDueTriggers(Date.parse('2026-12-02T11:59:00Z'));
    s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'refused', month: '2026-11' });
    expect(s.lastRun.message).toMatch(/reconcile by hand/);

    // Nobody watches a scheduled run: the owner got one e-mail per run, saying how it went.
    const mails = host.state.mail.map((m) => `${m.to} | ${m.subject}`);
    expect(mails).toEqual([
      'owner@example.com | BillGrid scheduled run for 2026-10: finished',
      'owner@example.com | BillGrid scheduled run for 2026-11: refused',
    ]);

    const stopped = call('stopSchedule') as { active: { monthly: boolean } };
    expect(stopped.active.monthly).toBe(false);
    expect(handlers()).toEqual([]);
  });
  it('two admins: A schedules, B takes over; exactly one monthly run happens, under B', async () => {
    const A = 'owner@example.com';
    const B = 'admin-b@example.com';
    const as = (user: string, fn: string, ...args: unknown[]) =>
      host.run(fn, args, { kind: 'sidebar', user });
    expect(as(A, 'setAdmins', [B]).ok).toBe(true);
    expect(as(A, 'saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: null }).ok).toBe(
      true,
    );

    // B sees A's schedule (not A's triggers, which Google hides from B), and cannot change it in place.
    const seen = as(B, 'getSchedule').result as {
      owner: string;
      yours: boolean;
      active: { monthly: boolean };
    };
    expect(seen).toMatchObject({ owner: A, yours: false, active: { monthly: true } });
    const refused = as(B, 'saveSchedule', { dayOfMonth: 2, hour: 7, pullFirst: false, nightlyHour: null });
    expect(refused.error?.message).toMatch(/belongs to owner@example\.com.*Take over the schedule first/);

    const taken = as(B, 'takeOverSchedule').result as { owner: string; yours: boolean };
    expect(taken).toMatchObject({ owner: B, yours: true });
    // Both accounts now have a dispatcher: B cannot remove A's.
    expect(host.state.triggers.map((t) => [t.handler, t.user])).toEqual([
      ['dispatchJobs_', A],
      ['dispatchJobs_', B],
    ]);

    await sb.admin(PSA).clearRequests();
    const fired = host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    expect(fired.map((r) => r.ok)).toEqual([true, true]);
    // A's trigger ran as A, did nothing, said so, and removed itself.
    const skipped = fired.find((r) => r.logs.some((l) => /skipped/.test(l.message)));
    expect(skipped?.logs.map((l) => l.message).join('\n')).toMatch(
      /dispatcher skipped: The schedule now belongs to admin-b@example\.com; this trigger \(created by owner@example\.com\)/,
    );
    expect(host.state.triggers.map((t) => [t.handler, t.user])).toEqual([['dispatchJobs_', B]]);
    // Exactly one run: one summary mail, one finished run, the month's charges sent once.
    expect(host.state.mail.map((m) => m.subject)).toEqual(['BillGrid scheduled run for 2026-10: finished']);
    const last = (as(B, 'getSchedule').result as { lastRun: { outcome: string; month: string } }).lastRun;
    expect(last).toMatchObject({ outcome: 'finished', month: DEMO_MONTH });
    const sent = (await sb.admin(PSA).requests()).filter(isMutation).length;
    expect(sent).toBeGreaterThan(0);

    // The next month: only B's trigger fires, and a second firing changes nothing at the PSA.
    await sb.admin(PSA).clearRequests();
    expect(host.fireDueTriggers(Date.parse('2026-12-02T11:59:00Z'))).toHaveLength(1);
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toHaveLength(0);

    // Stopping by either admin stops the schedule (a leftover trigger of the other does nothing).
    expect((as(A, 'stopSchedule').result as { owner: string | null }).owner).toBeNull();
    expect(
      host
        .fireDueTriggers(Date.parse('2027-01-02T11:59:00Z'))[0]
        .logs.map((l) => l.message)
        .join(),
    ).toMatch(/The schedule was stopped/);
    expect(host.state.triggers).toEqual([]);
  });
});
