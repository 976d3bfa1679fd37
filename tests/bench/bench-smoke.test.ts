/**
 * The benchmark's structural claims at a tiny scale, so CI keeps them true (the full `npm run bench` is
 * not part of npm test): through the built bundle, per PSA, at two month sizes —
 *  - Sheets calls per step and execution do not grow with the rows;
 *  - the pull reads the sources at the APIs' paging minimum (≤ 1.05 ×);
 *  - nothing is billed twice and a second push changes nothing.
 * Every PSA with bench hooks (local/sandbox/<id>/bench.ts) runs; what each PSA's push costs against
 * its minimum is checked in tests/connectors/psa/<id>/bench-push.test.ts.
 */
import { BENCH_PSAS, runMonth, type MonthRun } from '../../local/bench/month';
import { benchedSources } from '../../local/sandbox/registry';

const step = (r: MonthRun, name: string) => {
  const s = r.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no step ${name}`);
  return s;
};

describe.each(BENCH_PSAS)('bench harness at a tiny scale (%s)', (psa) => {
  let small: MonthRun;
  let large: MonthRun;

  beforeAll(async () => {
    small = await runMonth({ psa, spec: { lines: 120, clients: 6, accounts: 2 } });
    large = await runMonth({ psa, spec: { lines: 300, clients: 15, accounts: 5 } });
  }, 120_000);

  it('keeps Sheets calls per step and execution flat as the rows grow', () => {
    expect(large.gridLines).toBeGreaterThanOrEqual(small.gridLines * 2.5);
    for (const s of small.steps) {
      const l = step(large, s.step);
      // A few calls of slack: a tab or a validation rule that exists at one size and not the other. A push
      // also moves its journal to the Ledger tab every ~200 KB (about 7 calls each): per execution that is
      // bounded by the execution's time, but below one full execution it grows with the steps.
      const slack = s.step.startsWith('push (') ? 25 : 3;
      expect(Math.abs(l.sheetsCallsPerExecution - s.sheetsCallsPerExecution)).toBeLessThanOrEqual(slack);
    }
  });

  it('reads the sources at their paging minimum', () => {
    for (const r of [small, large]) {
      const pull = step(r, 'pull + compare');
      const sources = benchedSources().map((x) => x.id);
      expect(sources.length).toBeGreaterThan(0);
      const made = sources.reduce((n, k) => n + pull.requests[k].reads, 0);
      const minimum = sources.reduce((n, k) => n + (pull.minimum?.byApi[k] ?? 0), 0);
      expect(minimum).toBeGreaterThan(0);
      expect(made).toBeGreaterThanOrEqual(minimum);
      expect(made).toBeLessThanOrEqual(Math.floor(minimum * 1.05));
    }
  });

  it('bills every entity once: no duplicate, a second push changes nothing', () => {
    for (const r of [small, large]) {
      expect(Object.keys(r.duplicates).length).toBeGreaterThan(0);
      expect(Object.values(r.duplicates).filter((n) => n !== 0)).toEqual([]);
      expect(r.changes.total).toBeGreaterThan(0);
      expect(r.failures).toEqual([]);
      expect(r.refusedWrites).toBe(0);
      expect(r.secondPush).toEqual({ applied: 0, steps: 0, writes: 0 });
    }
  });
});
