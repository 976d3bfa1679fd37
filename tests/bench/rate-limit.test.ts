/** The bench's table of a month under a PSA's hosted request limit (issue #23 item 1). */
import type { MonthRun, StepFigures } from '../../local/bench/month';
import { limitTable } from '../../local/bench/rate-limit';
import { benchedPsas } from '../../local/sandbox/registry';

describe("a month under a PSA's request limit", () => {
  const step = (name: string, requests: number, modelledS: number) =>
    ({
      step: name,
      executions: 1,
      modelledS,
      requests: { 'psa-a': { reads: requests, writes: 0, setup: 0 } },
    }) as unknown as StepFigures;
  const month = { psa: 'psa-a', steps: [step('pull + compare', 1_000, 60), step('push', 4_000, 300)] };

  it("shows each step's and the whole month's share of an hour's budget, the limit scaled to an hour", () => {
    // 300 requests per 5 minutes is 3,600 an hour: 5,000 requests are 139 % of it.
    const rows = limitTable(month as unknown as MonthRun, 'psa-a', { requests: 300, windowS: 300 }).split(
      '\n',
    );
    expect(rows[0]).toMatch(/share of 3600\/h\s*$/);
    expect(rows.find((r) => r.startsWith('pull + compare'))).toMatch(/ 28 %$/);
    expect(rows.find((r) => r.startsWith('push'))).toMatch(/ 111 %$/);
    expect(rows.find((r) => r.startsWith('whole month'))).toMatch(/^whole month\s+5000\s.* 139 %$/);
  });

  it('every benched PSA says its hosted limit, so the bench reports its elapsed time and budget share', () => {
    const psas = benchedPsas();
    expect(psas.length).toBeGreaterThan(0);
    expect(psas.filter((p) => !p.bench.hostedLimit).map((p) => p.id)).toEqual([]);
  });
});
