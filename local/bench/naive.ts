/**
 * The naive baseline: the reference PSA's month written the way hand-made billing scripts usually are
 * (cell by cell, one fetch per record, every call sequential), run as its own bundle in the emulator
 * against the same sandboxes and data. The script comes from the PSA's bench hooks (`naive`,
 * local/sandbox/bench.ts).
 *
 * It runs on a slice of the month (the first `lines` lines of its sources) and is extrapolated linearly
 * to the full month; that is exact for such a script, whose every call is per line apart from a few
 * fixed ones (token, invoice list, item pages), which the extrapolation keeps fixed.
 */
import { GasRuntime, LocalHost, setClock } from '../gas';
import type { ExecutionStats } from '../gas';
import { urlMapFor } from '../workbench/vendors';
import { BENCH_MONTH, bigMonth, sourceLines, type BigMonthSpec } from './big-msp';
import type { BenchedPsa } from './minimum';
import { callTotals } from './calls';
import { startBenchSandboxes } from './sandboxes';

export interface NaiveFigures {
  /** The PSA it pushes to (connector id). */
  psa: string;
  /** What the script bills, in words. */
  title: string;
  measuredLines: number;
  pushed: number;
  sheetsCalls: number;
  /** Every service call, accessors included. */
  serviceCalls: number;
  /** Calls that leave the script's process (local/bench/calls.ts). */
  roundTrips: number;
  http: number;
  modelledS: number;
  /** Per line and fixed part, from two slice sizes. */
  extrapolated: {
    lines: number;
    sheetsCalls: number;
    serviceCalls: number;
    roundTrips: number;
    http: number;
    modelledS: number;
    executions6min: number;
  };
  note: string;
}

function totals(s: ExecutionStats) {
  const c = callTotals(s);
  return { ...c, http: s.httpRequests, modelledS: s.modelledMs / 1000 };
}

/**
 * Runs the naive script on two slices (`lines` and `lines / 2`) of the month `spec` describes, and
 * extrapolates each figure linearly (fixed part + per-line part) to the month's source lines.
 */
export async function naiveBaseline(
  spec: BigMonthSpec,
  lines: number,
  psa: BenchedPsa,
): Promise<NaiveFigures> {
  const naive = psa.bench.naive;
  if (!naive) throw new Error(`The bench hooks of '${psa.id}' have no naive baseline`);
  const fixture = bigMonth(spec, psa.bench);
  const fullLines = sourceLines(fixture);
  const sources = Object.fromEntries(naive.sources.map((id) => [id, fixture.sources[id].fixture]));
  const run = async (n: number) => {
    const sb = await startBenchSandboxes(
      [
        ...naive.sources.map((id) => ({ kind: id, fixture: sources[id] })),
        { kind: psa.id, fixture: fixture.psa },
      ],
      { skipRollbackCopyOf: psa.bench.copiesStateOnWrite ? [psa.id] : [] },
    );
    try {
      const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
      setClock(runtime.state, Date.parse('2026-11-02T14:00:00Z'));
      const host = new LocalHost(runtime, naive.script);
      const r = host.run(
        naive.fn,
        [naive.config({ month: BENCH_MONTH, sources, psa: fixture.psa }, n)],
        // Measured without the 6-minute stop, to see how long it would need.
        { limitMs: 7 * 24 * 3600 * 1000 },
      );
      if (!r.ok) throw new Error(`naive script failed: ${r.error?.message}`);
      return { ...totals(r.stats), pushed: (r.result as { pushed: number }).pushed };
    } finally {
      await sb.stop();
    }
  };
  const big = await run(lines);
  const small = await run(Math.floor(lines / 2));
  const half = lines - Math.floor(lines / 2);
  const line = (a: number, b: number) => {
    const per = (a - b) / half;
    return Math.round(a + per * (fullLines - lines));
  };
  const modelledS = line(big.modelledS, small.modelledS);
  return {
    psa: psa.id,
    title: naive.title,
    measuredLines: lines,
    pushed: big.pushed,
    sheetsCalls: big.sheets,
    serviceCalls: big.all,
    roundTrips: big.roundTrips,
    http: big.http,
    modelledS: Math.round(big.modelledS),
    extrapolated: {
      lines: fullLines,
      sheetsCalls: line(big.sheets, small.sheets),
      serviceCalls: line(big.all, small.all),
      roundTrips: line(big.roundTrips, small.roundTrips),
      http: line(big.http, small.http),
      modelledS,
      executions6min: Math.ceil(modelledS / 360),
    },
    note:
      `measured on the first ${lines} and ${Math.floor(lines / 2)} ${naive.slice} of the month, extrapolated linearly ` +
      `(fixed part + per-line part) to its ${fullLines} source lines; a hand-made script has no continuation, ` +
      `so on Google it would stop at the 6-minute limit`,
  };
}
