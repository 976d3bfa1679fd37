/**
 * What Autotask's push costs in the bench's month at a tiny scale (tests/bench/bench-smoke.test.ts holds
 * the claims every PSA shares): one write per entity that changed, and few reads beyond the minimum.
 */
import { minimumTotal } from '../../../../local/bench/minimum';
import { runMonth, type MonthRun } from '../../../../local/bench/month';

describe('Autotask push in the bench month (built bundle)', () => {
  let r: MonthRun;

  beforeAll(async () => {
    r = await runMonth({ psa: 'autotask', spec: { lines: 300, clients: 15, accounts: 5 } });
  }, 120_000);

  it('pushes with one write per changed entity and few reads beyond the minimum', () => {
    const push = r.steps.find((s) => s.step === 'push (+ continuations)')!;
    expect(r.changes.total).toBeGreaterThan(0);
    expect(push.requests.autotask.writes).toBe(r.changes.total);
    // Beyond the minimum: a few reads per execution (billing codes, services, the plan's chunked
    // queries) and the re-read of units and charges before each batch of 100 steps — no read per row.
    const extra = push.http - minimumTotal(push.minimum!);
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThanOrEqual(5 * push.executions + 2 * Math.ceil(r.changes.total / 100));
    // At 20,000 lines this is within 1.05 × the minimum (npm run bench, docs/PERFORMANCE.md).
  });
});
