/**
 * Issue #24, "Done when": in the emulator's add-on mode (one clock trigger per user per document, at most
 * hourly; triggers run as their creator), the monthly push, the nightly sync and a continuation over five
 * executions all run through the single hourly dispatcher; two admins scheduling produce one schedule and
 * exactly one monthly run. Built bundle, Pax8 + Twilio → Autotask sandboxes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setClock } from '../../local/gas';
import { DEMO_MONTH } from '../../local/demo/msp';
import type { PsaFaultHooks } from '../reliability/support/fault-suite';
import { billableDefaults, psasWhere, startBundle, type BundleHost } from './bundle-host';

const A = 'owner@example.com';
const B = 'admin-b@example.com';
const HOUR = 3_600_000;

/** The first sandboxed PSA with fault hooks: they say which requests change something. */
const psa = psasWhere().find((p) =>
  fs.existsSync(path.resolve(__dirname, '..', 'connectors', 'psa', p.id, 'fault-hooks.ts')),
);
if (!psa) throw new Error('no PSA has fault hooks');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- fault hooks load by convention
const { hooks } = require(`../connectors/psa/${psa.id}/fault-hooks`) as { hooks: PsaFaultHooks };

describe('add-on: one hourly dispatcher per document runs every job', () => {
  let b: BundleHost;
  const as = (user: string, fn: string, ...args: unknown[]): unknown => {
    const r = b.run(fn, args, user);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const triggers = () => b.host.state.triggers.map((t) => [t.handler, t.user]);
  const doc = () => b.host.state.properties.document;
  const mutations = async () =>
    (await b.sb.admin(psa.id).requests()).filter((r) =>
      hooks.writes.some(
        (m) =>
          (!m.method || m.method === r.method) &&
          (!m.pathPrefix || r.path.startsWith(m.pathPrefix)) &&
          (!m.pathIncludes || r.path.includes(m.pathIncludes)),
      ),
    );
  type Last = { lastRun: { outcome: string; message: string; month: string; trigger: string } | null };

  beforeAll(async () => {
    b = await startBundle(psa.id, hooks.sources, { deployment: 'addon' });
    as(A, 'setAdmins', [B]);
    as(A, 'refreshClients');
    billableDefaults(b);
    as(A, 'pullBillingMonth', DEMO_MONTH, null);
    as(A, 'approveRows', DEMO_MONTH, { approve: true });
  }, 300_000);
  afterAll(() => b.sb.stop());

  it('a push that outlives its budget continues from the dispatcher, hour by hour, until done', async () => {
    doc()['bg.executionBudgetSeconds'] = '20';
    // A slow PSA (each change takes 0.5 s, counted as such in modelled time): the demo month's push no
    // longer fits the smallest budget (20 s less its 5 s reserve). The push checks its budget between
    // batches; its first check comes after 94 of 170 steps (~34 rounds of writes: 17 s of delays alone,
    // plus the model's fixed cost of its reads and sheet writes, however fast the machine).
    await b.sb.admin(psa.id).faults(hooks.writes.map((match) => ({ match, delayMs: 500, times: 10_000 })));
    const planned = (as(A, 'dryRunPush', DEMO_MONTH, {}) as { steps: unknown[] }).steps.length;
    const first = as(A, 'pushBillingMonth', DEMO_MONTH) as { continuing: boolean };
    expect(first.continuing).toBe(true);
    // No one-off trigger in an add-on: the pusher's hourly dispatcher is the only trigger.
    expect(triggers()).toEqual([['dispatchJobs_', A]]);
    expect(b.host.state.triggers[0].schedule).toEqual({ kind: 'hours', every: 1 });

    let executions = 1;
    let clock = Date.parse('2026-11-01T09:00:00Z');
    while (doc()['bg.checkpoint'] && executions < 12) {
      clock += HOUR;
      const fired = b.host.fireDueTriggers(clock);
      expect(fired.map((r) => [r.functionName, r.ok])).toEqual([['dispatchJobs_', true]]);
      executions++;
    }
    expect(executions).toBeGreaterThanOrEqual(2);
    expect(doc()['bg.checkpoint']).toBeUndefined();
    // Nothing left to run: the dispatcher removed itself.
    expect(triggers()).toEqual([]);
    await b.sb.admin(psa.id).faults([]);
    await b.sb.admin(psa.id).clearRequests();
    doc()['bg.executionBudgetSeconds'] = '270';
    expect((as(A, 'pushBillingMonth', DEMO_MONTH) as { applied: number }).applied).toBe(0);
    expect(await mutations()).toEqual([]);
    const ledger = JSON.stringify(b.host.state.spreadsheets[0].sheets.find((s) => s.name === 'Ledger'));
    expect(new Set(ledger.match(/[0-9a-f]{16}:[0-9a-f]{16}/g) ?? []).size).toBe(planned);
    console.log(`add-on continuation: ${planned} steps in ${executions} executions`);
  }, 300_000);

  it('two admins: A schedules, B takes over; one nightly sync and exactly one monthly run, all through B’s dispatcher', async () => {
    setClock(b.host.state, Date.parse('2026-11-01T10:00:00Z'));
    as(A, 'saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: 1 });
    // Saving again reuses A's dispatcher (the add-on would refuse a second clock trigger).
    const view = as(A, 'saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: 1 }) as {
      nextRun: string;
      nextSync: string;
    };
    expect(view).toMatchObject({
      nextRun: '2026-11-02 06:00 (America/New_York)',
      nextSync: '2026-11-02 01:00 (America/New_York)',
    });
    expect(triggers()).toEqual([['dispatchJobs_', A]]);
    expect(() => as(B, 'saveSchedule', { dayOfMonth: 2, hour: 7, pullFirst: false, nightlyHour: 1 })).toThrow(
      /belongs to owner@example\.com.*Take over the schedule first/,
    );
    expect(as(B, 'takeOverSchedule')).toMatchObject({ owner: B, yours: true });
    expect(triggers()).toEqual([
      ['dispatchJobs_', A],
      ['dispatchJobs_', B],
    ]);

    // 01:20 New York on the 2nd: the nightly sync is due. A's dispatcher does nothing and goes.
    const night = b.host.fireDueTriggers(Date.parse('2026-11-02T06:20:00Z'));
    expect(night.map((r) => r.ok)).toEqual([true, true]);
    expect(night.flatMap((r) => r.logs.map((l) => l.message)).join('\n')).toMatch(
      /dispatcher skipped: The schedule now belongs to admin-b@example\.com; this trigger \(created by owner@example\.com\)/,
    );
    expect(triggers()).toEqual([['dispatchJobs_', B]]);
    expect((as(B, 'getSchedule') as Last).lastRun).toMatchObject({ trigger: 'nightly', month: '2026-11' });

    // Hours before the monthly run: nothing runs.
    expect(b.host.fireDueTriggers(Date.parse('2026-11-02T10:20:00Z'))).toHaveLength(1);
    expect((as(B, 'getSchedule') as Last).lastRun?.trigger).toBe('nightly');
    // 06:20 New York: the monthly run, once, under B.
    const month = b.host.fireDueTriggers(Date.parse('2026-11-02T11:20:00Z'));
    expect(month.map((r) => [r.functionName, r.ok])).toEqual([['dispatchJobs_', true]]);
    expect((as(B, 'getSchedule') as Last).lastRun).toMatchObject({
      trigger: 'scheduled',
      month: DEMO_MONTH,
      outcome: 'finished',
    });
    for (const h of [1, 2, 3]) b.host.fireDueTriggers(Date.parse('2026-11-02T11:20:00Z') + h * HOUR);
    expect(b.host.state.mail.map((m) => m.subject)).toEqual(['BillGrid scheduled run for 2026-10: finished']);
    expect(as(B, 'getSchedule')).toMatchObject({ nextRun: '2026-12-02 06:00 (America/New_York)' });

    // Stopping by A: B's dispatcher does nothing at its next firing and removes itself.
    expect(as(A, 'stopSchedule')).toMatchObject({ owner: null, active: { monthly: false } });
    const after = b.host.fireDueTriggers(Date.parse('2026-11-02T16:20:00Z'));
    expect(after[0].logs.map((l) => l.message).join()).toMatch(/The schedule was stopped/);
    expect(triggers()).toEqual([]);
  }, 300_000);
});
