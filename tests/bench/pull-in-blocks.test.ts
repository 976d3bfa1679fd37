/**
 * At Sheets' real write cost (~0.15 ms a cell, local/gas/LATENCY.md) a 100,000-line month's tab (3.6 M
 * cells) cannot be written in one 6-minute execution. The pull writes what fits and continues (issue #25):
 * here a 3,000-line month with a 20-second budget stands in for it, through the built bundle.
 *  - the pull takes several executions, each within its budget, and the first one says so;
 *  - the tab ends exactly as an uninterrupted pull writes it, compared with the PSA;
 *  - each source is fetched once for the whole pull: the continuations write from what the first execution
 *    kept (a hidden tab), not from a fresh fetch of every source;
 *  - a continuation killed by the time limit half-way through its write is run again and the pull finishes;
 *  - the month then pushes once, in several executions of which one is killed by the time limit half-way:
 *    its continuation (queued before it sent anything) resumes it; nothing billed twice, a second push
 *    changes nothing.
 */
import { BENCH_PSAS, runMonth, type MonthRun } from '../../local/bench/month';

const spec = { lines: 3000, clients: 150, accounts: 10 };
const psa = BENCH_PSAS[0];
const step = (r: MonthRun, name: string) => {
  const s = r.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no step ${name}`);
  return s;
};

describe('a month too large for one execution is pulled in blocks (built bundle, the first bench PSA)', () => {
  let whole: MonthRun;
  let blocks: MonthRun;

  beforeAll(async () => {
    whole = await runMonth({ psa, spec, stopAfterPull: true, captureTab: true });
    // The first continuation is killed after 10 s of its 20 s budget, in the middle of its write; so is the
    // push's first, in the middle of its requests.
    blocks = await runMonth({
      psa,
      spec,
      budgetSeconds: 20,
      captureTab: true,
      killPullContinuation: { nth: 1, afterMs: 10_000 },
      killPushContinuation: { nth: 1, afterMs: 10_000 },
    });
  }, 300_000);

  it('writes in several executions, each within its budget', () => {
    expect(step(whole, 'pull + compare').executions).toBe(1);
    const pull = step(blocks, 'pull + compare');
    // Written in two parts at least, then compared (in the last part or a continuation of its own).
    expect(pull.executions).toBeGreaterThanOrEqual(3);
    // Within the 20 s budget: a write of the whole tab alone (3,000 × 36 cells × 0.15 ms) takes 16 s.
    expect(pull.longestExecutionS).toBeLessThan(20);
    expect(blocks.gridLines).toBe(whole.gridLines);
  });

  it('fetches each source once for the whole pull, however many executions write it', () => {
    const wholePull = step(whole, 'pull + compare');
    const pull = step(blocks, 'pull + compare');
    const sources = Object.keys(pull.requests).filter((k) => k !== psa);
    expect(sources.length).toBeGreaterThan(0);
    for (const k of sources) {
      expect(wholePull.requests[k].reads).toBeGreaterThan(0);
      expect({ source: k, reads: pull.requests[k].reads }).toEqual({
        source: k,
        reads: wholePull.requests[k].reads,
      });
    }
    // The PSA is read once too: by the comparison, after the last block.
    expect(pull.requests[psa].reads).toBe(wholePull.requests[psa].reads);
  });

  it('runs a continuation killed half-way through its write again, and the pull finishes', () => {
    const killed = blocks.killed.filter((k) => k.step === 'pull + compare');
    expect(killed).toHaveLength(1);
    expect(killed[0].error).toMatch(/Exceeded maximum execution time/);
    // Killed while writing: some rows written, not all.
    expect(killed[0].cellsWritten).toBeGreaterThan(0);
    expect(step(blocks, 'pull + compare').executions).toBeGreaterThanOrEqual(3);
  });

  it('ends with the tab an uninterrupted pull writes, compared with the PSA', () => {
    // Protection ids come from the workbook's id counter, which the continuation triggers also use.
    const tab = (r: MonthRun) => r.pulledTab?.replace(/"id":\d+,"type":"RANGE"/g, '"type":"RANGE"');
    expect(tab(blocks)).toBeDefined();
    // Compared whole (values, formats, validations, rules, protections) but printed briefly if not equal.
    expect(tab(blocks) === tab(whole)).toBe(true);
    expect(whole.pulledTab).toMatch(/Set quantity|Add charge/);
  });

  it('resumes a push continuation killed half-way, from the continuation it queued before sending anything', () => {
    const killed = blocks.killed.filter((k) => k.step === 'push (+ continuations)');
    expect(killed).toHaveLength(1);
    expect(killed[0].error).toMatch(/Exceeded maximum execution time/);
    // The push went on after the kill: more executions than the kill, and every change made (below).
    expect(step(blocks, 'push (+ continuations)').executions).toBeGreaterThanOrEqual(3);
  });

  it('then pushes once: no duplicate, a second push changes nothing', () => {
    // The PSA's bench hooks count duplicates by kind: some kinds, none of them twice.
    expect(Object.keys(blocks.duplicates).length).toBeGreaterThan(0);
    expect(Object.values(blocks.duplicates).filter((n) => n !== 0)).toEqual([]);
    expect(blocks.changes.total).toBeGreaterThan(0);
    expect(blocks.failures).toEqual([]);
    expect(blocks.secondPush).toEqual({ applied: 0, steps: 0, writes: 0 });
  });
});
