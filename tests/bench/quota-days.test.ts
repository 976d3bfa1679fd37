/** The bench's "days needed" column: a month over a daily quota is spread over days (issue #25). */
import type { MonthRun, StepFigures } from '../../local/bench/month';
import { daysNeeded, HUGE_RUN_GROWTH, projectMonth, quotaTable } from '../../local/bench/report';
import { QUOTA_PROFILES } from '../../local/gas/quotas';
import { planFor } from '../../local/bench/run';

describe('days a month needs under the daily quotas', () => {
  it('the documented 100,000-line push (55,149 requests, ~95 min) needs 3 consumer days and 1 Workspace day', () => {
    const q = {
      urlFetchCalls: 55_149,
      propertiesReadWrites: 30_000,
      triggerRuntimeS: 0,
      allRuntimeS: 95 * 60,
    };
    expect(daysNeeded(q, QUOTA_PROFILES.consumer)).toBe(3);
    expect(daysNeeded(q, QUOTA_PROFILES.workspace)).toBe(1);
  });

  it('trigger runtime alone can decide it: 200 min of runtime is 3 consumer days', () => {
    const q = { urlFetchCalls: 10, propertiesReadWrites: 10, triggerRuntimeS: 0, allRuntimeS: 200 * 60 };
    expect(daysNeeded(q, QUOTA_PROFILES.consumer)).toBe(3);
    expect(daysNeeded({ ...q, allRuntimeS: 0 }, QUOTA_PROFILES.consumer)).toBe(1);
  });
});

describe("the 100,000-line month's quota use, projected from its measured pull and the 20,000-line month", () => {
  const step = (name: string, urlFetchCalls: number, propertiesReadWrites: number, modelledS: number) =>
    ({ step: name, urlFetchCalls, propertiesReadWrites, modelledS }) as StepFigures;
  const month = (lines: number, steps: StepFigures[], pulledOnly: boolean) =>
    ({
      psa: 'psa-a',
      spec: { lines, clients: lines / 20, accounts: 1 },
      pulledOnly,
      steps,
      quota: { urlFetchCalls: 0, propertiesReadWrites: 0, triggerRuntimeS: 0, allRuntimeS: 0 },
    }) as unknown as MonthRun;
  const early = (k: number) => [
    step('connect', 0, 10, 1),
    step('refresh clients', 10 * k, 20, 10 * k),
    step('defaults', 0, 5, 2),
    step('pull + compare', 100 * k, 50, 60 * k),
  ];
  const pulled = month(100_000, early(5), true);
  const smaller = month(
    20_000,
    [
      ...early(1),
      step('approve all', 27, 30, 13),
      step('push (+ continuations)', 10_000, 4_000, 900),
      step('push again', 32, 40, 22),
    ],
    false,
  );

  it('adds the later steps of the smaller month × their growth to what the large pull measured', () => {
    const p = projectMonth(pulled, smaller);
    const g = HUGE_RUN_GROWTH;
    const push = g['push (+ continuations)'];
    expect(p.quota.urlFetchCalls).toBe(
      Math.round(
        550 +
          27 * g['approve all'].urlFetchCalls +
          10_000 * push.urlFetchCalls +
          32 * g['push again'].urlFetchCalls,
      ),
    );
    expect(p.quota.propertiesReadWrites).toBe(
      Math.round(
        85 +
          30 * g['approve all'].urlFetchCalls +
          4_000 * push.urlFetchCalls +
          40 * g['push again'].urlFetchCalls,
      ),
    );
    expect(p.quota.allRuntimeS).toBeCloseTo(
      353 + 13 * g['approve all'].modelledS + 900 * push.modelledS + 22 * g['push again'].modelledS,
      1,
    );
    // The push grows faster than the lines (its continuations each read the whole tab again).
    expect(push.modelledS).toBeGreaterThan(5);
    const table = quotaTable([pulled], [p]);
    expect(table).toMatch(/psa-a 100000 \(pull only\)/);
    expect(table).toMatch(/psa-a 100000 \(projected\) .* no \/ yes +\d+ \/ 1$/m);
    expect(table).toMatch(/projected\): connect … pull \+ compare measured at 100000 lines/);
  });

  it('refuses inputs it has no growth figures for', () => {
    expect(() => projectMonth(smaller, smaller)).toThrow(/pull-only/);
    expect(() => projectMonth(pulled, month(2_000, smaller.steps, false))).toThrow(/20,000 → 100,000/);
  });
});

describe('npm run bench -- --quota', () => {
  it('pulls the 100,000-line month only, and with --huge runs it whole (nothing projected)', () => {
    const hundred = (argv: string[]) => planFor(argv).months.find((m) => m.lines === 100_000);
    expect(hundred(['--quota'])).toMatchObject({ pullOnly: true });
    expect(hundred(['--quota', '--huge'])).toMatchObject({ pullOnly: false });
    expect(planFor(['--quota', '--huge']).months.map((m) => m.lines)).toEqual([2_000, 20_000, 100_000]);
  });
});
