/**
 * What HaloPSA's push costs in the bench's month at a tiny scale (tests/bench/bench-smoke.test.ts holds
 * the claims every PSA shares): within 1.2 × the minimum, a batch lists its invoices once.
 */
import { minimumTotal } from '../../../../local/bench/minimum';
import { runMonth, type MonthRun } from '../../../../local/bench/month';

describe('HaloPSA push in the bench month (built bundle)', () => {
  let r: MonthRun;

  beforeAll(async () => {
    r = await runMonth({ psa: 'halo', spec: { lines: 300, clients: 15, accounts: 5 } });
  }, 120_000);

  it('pushes within 1.2 × the minimum: a batch lists its invoices once, no read per invoice', () => {
    const push = r.steps.find((s) => s.step === 'push (+ continuations)')!;
    expect(r.changes.total).toBeGreaterThan(0);
    expect(push.http).toBeLessThanOrEqual(1.2 * minimumTotal(push.minimum!));
    // One GET per execution at most: it compares the list view with the detail view.
    expect(push.requests.halo.byPath['GET /Invoice/:id'] ?? 0).toBeLessThanOrEqual(push.executions);
  });
});
