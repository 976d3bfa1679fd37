/**
 * Elapsed time of a month under a PSA's request limit, from the bench's per-step figures (the sandboxes
 * run with the limit lifted, so the bench counts requests instead of waiting). The limit is the PSA's
 * hosted tenants' (its bench hooks' `hostedLimit`, from its SOURCES.md).
 *
 * Model (a lower bound for a client that paces itself at the limit, never one that is refused): a
 * step's requests are spread evenly over its modelled time; a request waits until fewer than `requests`
 * were sent in the `windowS` seconds before it; each continuation execution of a step starts a trigger
 * gap later (Apps Script's one-off triggers fire about a minute after they are due: an assumption, the
 * docs give no figure). The waits push the rest of the step back.
 */
import { table } from './report';
import type { MonthRun, StepFigures } from './month';

export interface RateLimit {
  requests: number;
  windowS: number;
}

export const TRIGGER_GAP_S = 60;

export interface LimitedStep {
  step: string;
  requests: number;
  modelledS: number;
  elapsedS: number;
}

/** Each step's elapsed seconds under the limit, the steps run one after the other. */
export function elapsedUnderLimit(
  steps: StepFigures[],
  api: string,
  limit: RateLimit,
  triggerGapS = TRIGGER_GAP_S,
): LimitedStep[] {
  const sent: number[] = [];
  let clock = 0;
  return steps.map((s) => {
    const r = s.requests[api];
    const n = r ? r.reads + r.writes + r.setup : 0;
    const start = clock;
    // Only a pull or a push continues from a trigger; other steps' executions are separate sidebar calls.
    const continues = /^(pull|push)/.test(s.step);
    const gaps = continues ? Math.max(0, s.executions - 1) * triggerGapS : 0;
    let delay = 0;
    for (let k = 0; k < n; k++) {
      const natural = start + ((k + 0.5) * s.modelledS) / n + delay;
      const free = sent.length >= limit.requests ? sent[sent.length - limit.requests] + limit.windowS : 0;
      const t = Math.max(natural, free);
      delay += t - natural;
      sent.push(t);
    }
    clock = start + s.modelledS + gaps + delay;
    return { step: s.step, requests: n, modelledS: s.modelledS, elapsedS: clock - start };
  });
}

const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

/** The month's steps under the limit, and the whole month (connect to push again). */
export function limitTable(run: MonthRun, api: string, limit: RateLimit): string {
  const rows = elapsedUnderLimit(run.steps, api, limit);
  const total = rows.reduce((a, r) => ({ n: a.n + r.requests, m: a.m + r.modelledS, e: a.e + r.elapsedS }), {
    n: 0,
    m: 0,
    e: 0,
  });
  // The share of one hour's budget (the limit scaled to an hour) the requests use: on a real tenant the budget
  // is shared with every other integration.
  const perHour = (limit.requests * 3600) / limit.windowS;
  const share = (n: number): string => `${Math.round((100 * n) / perHour)} %`;
  return table(
    [
      'step',
      `${api} requests`,
      'modelled s',
      `elapsed s at ${limit.requests}/${limit.windowS} s`,
      `share of ${perHour}/h`,
    ],
    [
      ...rows.map((r) => [r.step, String(r.requests), r1(r.modelledS), r1(r.elapsedS), share(r.requests)]),
      ['whole month', String(total.n), r1(total.m), r1(total.e), share(total.n)],
    ],
  );
}
