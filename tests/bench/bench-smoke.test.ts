/**
 * The benchmark's structural claims at a tiny scale, so CI keeps them true (the full `npm run bench` is
 * not part of npm test): through the built bundle, per PSA, at two month sizes —
 *  - Sheets calls per step and execution do not grow with the rows;
 *  - the pull reads the sources at the APIs' paging minimum (≤ 1.05 ×), and Autotask's push sends
 *    one write per entity that changed, with its reads within 1.05 × the minimum overall;
 *  - nothing is billed twice and a second push changes nothing.
 */
import { runMonth, type MonthRun } from '../../local/bench/month';
import { minimumTotal } from '../../local/bench/minimum';

const step = (r: MonthRun, name: string) => {
  const s = r.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no step ${name}`);
  return s;
};

describe.each(['autotask', 'halo'] as const)('bench harness at a tiny scale (%s)', (psa) => {
  let small: MonthRun;
  let large: MonthRun;

  beforeAll(async () => {
    small = await runMonth({ psa, spec: { lines: 120, clients: 6, subaccounts: 2 } });
    large = await runMonth({ psa, spec: { lines: 300, clients: 15, subaccounts: 5 } });
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
      const sources = ['pax8', 'twilio'];
      const made = sources.reduce((n, k) => n + pull.requests[k].reads, 0);
      const minimum = sources.reduce((n, k) => n + (pull.minimum?.byApi[k] ?? 0), 0);
      expect(minimum).toBeGreaterThan(0);
      expect(made).toBeGreaterThanOrEqual(minimum);
      expect(made).toBeLessThanOrEqual(Math.floor(minimum * 1.05));
    }
  });

  it('bills every entity once: no duplicate, a second push changes nothing', () => {
    for (const r of [small, large]) {
      expect(r.duplicates).toEqual({ chargeKeys: 0, adjustments: 0, invoiceLineKeys: 0, invoices: 0 });
      expect(r.changes.total).toBeGreaterThan(0);
      expect(r.failures).toEqual([]);
      expect(r.refusedWrites).toBe(0);
      expect(r.secondPush).toEqual({ applied: 0, steps: 0, writes: 0 });
    }
  });

  if (psa === 'autotask') {
    it('pushes with one write per changed entity and few reads beyond the minimum', () => {
      for (const r of [small, large]) {
        const push = step(r, 'push (+ continuations)');
        expect(push.requests.autotask.writes).toBe(r.changes.total);
        // Beyond the minimum: a few reads per execution (billing codes, services, the plan's chunked
        // queries) and the re-read of units and charges before each batch of 100 steps — no read per row.
        const extra = push.http - minimumTotal(push.minimum!);
        expect(extra).toBeGreaterThanOrEqual(0);
        expect(extra).toBeLessThanOrEqual(5 * push.executions + 2 * Math.ceil(r.changes.total / 100));
      }
      // At 20,000 lines this is within 1.05 × the minimum (npm run bench, docs/PERFORMANCE.md).
    });
  }

  if (psa === 'halo') {
    it('pushes within 1.2 × the minimum: a batch lists its invoices once, no read per invoice', () => {
      for (const r of [small, large]) {
        const push = step(r, 'push (+ continuations)');
        expect(push.http).toBeLessThanOrEqual(1.2 * minimumTotal(push.minimum!));
        // One GET per execution at most: it compares the list view with the detail view.
        expect(push.requests.halo.byPath['GET /Invoice/:id'] ?? 0).toBeLessThanOrEqual(push.executions);
      }
    });
  }
});
