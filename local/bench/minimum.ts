/**
 * The fewest requests the APIs allow for each step, computed from the fixtures — not from BillGrid's
 * plan or its request log — by each connector's bench hooks (local/sandbox/bench.ts):
 *  - reads: for every list the step needs, ceil(records / the API's largest page), at least 1;
 *  - writes: one request per entity that had to change, counted by comparing the PSA's state before the
 *    push (the fixture) with its state after it (records created or changed).
 * Setup requests (OAuth tokens, zone discovery) are counted apart: they depend on how long a token lives
 * and how many executions a step takes, not on the month's size.
 */
import type { MinimumPart, PsaBench } from '../sandbox/bench';
import { benchOf } from '../sandbox/registry';
import { BENCH_MONTH, type BigMonth } from './big-msp';

/** A PSA the bench runs a month against: its connector id and its bench hooks. */
export interface BenchedPsa {
  id: string;
  bench: PsaBench;
}

export interface Minimum {
  /** Per API. */
  byApi: Record<string, number>;
  /** What the figure is made of, for the report. */
  parts: string[];
}

type Part = [api: string, what: string, requests: number];

function sum(parts: Part[]): Minimum {
  const byApi: Record<string, number> = {};
  for (const [api, , n] of parts) byApi[api] = (byApi[api] ?? 0) + n;
  return { byApi, parts: parts.map(([api, what, n]) => `${api} ${what}: ${n}`) };
}

const tag = (api: string, parts: MinimumPart[]): Part[] => parts.map(([what, n]) => [api, what, n]);

export const minimumTotal = (m: Minimum): number => Object.values(m.byApi).reduce((a, b) => a + b, 0);

/** Each source's parts, from its hook. */
function sourceParts(f: BigMonth, which: 'refreshMinimum' | 'pullMinimum'): Part[] {
  return Object.entries(f.sources).flatMap(([id, s]) => {
    const b = benchOf(id);
    return b?.kind === 'source' ? tag(id, b[which](s.fixture)) : [];
  });
}

/** Refresh clients: the sources' customers, the PSA's companies, what they are billed on, products, codes. */
export function refreshMinimum(f: BigMonth, psa: BenchedPsa): Minimum {
  return sum([...sourceParts(f, 'refreshMinimum'), ...tag(psa.id, psa.bench.refreshMinimum(f.psa))]);
}

/** Pull + compare: the month's charges at the sources, and the PSA's side of the month. */
export function pullMinimum(f: BigMonth, psa: BenchedPsa): Minimum {
  return sum([...sourceParts(f, 'pullMinimum'), ...tag(psa.id, psa.bench.readMinimum(f.psa, BENCH_MONTH))]);
}

/** Reading the PSA's side of the month (to reconcile); `after`: the PSA once the month was pushed. */
export function reviewMinimum(f: BigMonth, psa: BenchedPsa, after?: unknown): Minimum {
  return sum(tag(psa.id, psa.bench.readMinimum(f.psa, BENCH_MONTH, after)));
}

export interface Changes {
  /** Entities created or changed, by kind. */
  byKind: Record<string, number>;
  total: number;
}

/** Entities the push had to create or change: the PSA's state after the push against the fixture. */
export function changes(psa: BenchedPsa, before: BigMonth, after: unknown): Changes {
  const byKind = psa.bench.changes(before.psa, after);
  return { byKind, total: Object.values(byKind).reduce((a, b) => a + b, 0) };
}

/** Anything billed twice in the PSA's final state, by kind (all zero: none). */
export type Duplicates = Record<string, number>;

export const duplicates = (psa: BenchedPsa, after: unknown): Duplicates => psa.bench.duplicates(after);

export const duplicateTotal = (d: Duplicates): number => Object.values(d).reduce((a, b) => a + b, 0);
