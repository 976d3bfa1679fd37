/**
 * The benchmark's structural claims, kept true by CI at a tiny scale (the full `npm run bench` is not
 * part of npm test): Sheets calls per step do not grow with the rows, the pull's requests stay at the
 * APIs' paging minimum, a push sends one change per step, a second push sends none, nothing duplicates.
 */
import { runMonth } from '../../local/bench/run';

describe('benchmark harness at a tiny scale', () => {
  it('keeps calls per step flat, requests at the minimum, and bills once', async () => {
    const small = await runMonth(12, 4, 1);
    const large = await runMonth(36, 12, 2);
    const step = (r: typeof small, name: string) => r.steps.find((s) => s.step === name)!;
    expect(large.lines).toBeGreaterThan(small.lines * 2.5);
    for (const name of ['refresh clients', 'pull month', 'approve all', 'push again']) {
      // Sheets calls per step: a constant, whatever the number of rows (a few calls of slack for tabs that
      // exist or not, e.g. the first product mapping written).
      expect(Math.abs(step(large, name).sheetsCalls - step(small, name).sheetsCalls)).toBeLessThanOrEqual(4);
    }
    for (const r of [small, large]) {
      const pull = step(r, 'pull month');
      const sourceRequests = (pull.byApi.pax8 ?? 0) + (pull.byApi.twilio ?? 0);
      const minimum = r.pullHttpMinimum.pax8 + r.pullHttpMinimum.twilio;
      expect(sourceRequests).toBeGreaterThanOrEqual(minimum);
      expect(sourceRequests).toBeLessThanOrEqual(Math.ceil(minimum * 1.05));
      const push = step(r, 'push (+ continuations)');
      expect(push.mutations).toBe(r.planned);
      expect(r.secondPushMutations).toBe(0);
      expect(r.secondPushApplied).toBe(0);
      expect(r.duplicateChargeKeys).toBe(0);
    }
    console.log(
      `bench smoke: ${small.lines} → ${large.lines} lines; pull Sheets calls ${step(small, 'pull month').sheetsCalls} → ${step(large, 'pull month').sheetsCalls}`,
    );
  }, 120_000);
});
