/**
 * What ConnectWise's push costs in the bench's month at a tiny scale (tests/bench/bench-smoke.test.ts holds
 * the claims every PSA shares; `npm run bench -- --psa connectwise` the 2,000 / 20,000-line figures in
 * docs/PERFORMANCE.md): one write per addition or catalog item that had to change (an addition holds an
 * absolute quantity), and reads beyond the minimum only per batch and per execution, never per row.
 */
import { minimumTotal } from '../../../../local/bench/minimum';
import { runMonth, type MonthRun } from '../../../../local/bench/month';

describe('ConnectWise push in the bench month (built bundle)', () => {
  let r: MonthRun;

  beforeAll(async () => {
    r = await runMonth({ psa: 'connectwise', spec: { lines: 300, clients: 15, accounts: 5 } });
  }, 180_000);

  it('pushes with one write per changed entity and few reads beyond the minimum', () => {
    const push = r.steps.find((s) => s.step === 'push (+ continuations)')!;
    expect(r.changes.total).toBeGreaterThan(0);
    expect(push.requests.connectwise.writes).toBe(r.changes.total);
    // Beyond the minimum: per batch of 100 steps the re-read of its agreements' additions and a catalog
    // lookup for auto-created SKUs; per execution the agreements and catalog. No read per row.
    const extra = push.http - minimumTotal(push.minimum!);
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThanOrEqual(3 * push.executions + 16 * Math.ceil(r.planned / 100));
  });

  it('refreshes at the paging minimum (one list each of companies, agreements and the catalog)', () => {
    const refresh = r.steps.find((s) => s.step === 'refresh clients')!;
    expect(refresh.requests.connectwise.reads).toBe(refresh.minimum!.byApi.connectwise);
  });
});
