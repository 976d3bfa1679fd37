/**
 * A large MSP's month for the benchmark, built by each connector's bench hooks (local/sandbox/bench.ts):
 *  - sources that bill per account ('accounts') first: a month of usage for each of the first
 *    `accounts` clients, named like them;
 *  - the other sources ('rest') share the lines left over, spread over every client;
 *  - the PSA's side from the clients and the seats and products the sources bill.
 * Clients are "Company 0001"… at every vendor. Everything is deterministic: the same arguments give the
 * same month.
 */
import type { PsaBench, SourceBenchMonth } from '../sandbox/bench';
import { benchedSources } from '../sandbox/registry';

export const BENCH_MONTH = '2026-10';

export interface BigMonthSpec {
  /** Source lines wanted (all sources together). */
  lines: number;
  clients: number;
  /** Clients with an account at each source that bills per account (usage). */
  accounts: number;
}

export interface BigMonth {
  spec: BigMonthSpec;
  /** Each benched source's fixture and figures, by connector id (in the registry's order). */
  sources: Record<string, SourceBenchMonth>;
  /** The PSA's fixture. */
  psa: unknown;
  /** Per-client settings the month is run with (company id → client settings). */
  clientSettings: Record<string, unknown>;
}

export const companyName = (i: number): string => `Company ${String(i).padStart(4, '0')}`;

/** The sources' side of the month, by connector id. */
export function bigSources(spec: BigMonthSpec): Record<string, SourceBenchMonth> {
  const base = { month: BENCH_MONTH, clients: spec.clients, companyName, accounts: spec.accounts };
  const all = benchedSources();
  const out: Record<string, SourceBenchMonth> = {};
  let used = 0;
  for (const s of all.filter((x) => x.bench.share === 'accounts')) {
    out[s.id] = s.bench.build({ ...base, lines: 0 });
    used += out[s.id].lines;
  }
  const rest = all.filter((x) => x.bench.share === 'rest');
  rest.forEach((s, k) => {
    // The lines left, split evenly (the first takes the remainder).
    const left = spec.lines - used;
    const share =
      k === 0 ? left - Math.floor(left / rest.length) * (rest.length - 1) : Math.floor(left / rest.length);
    out[s.id] = s.bench.build({ ...base, lines: share });
  });
  // Back in the registry's order.
  return Object.fromEntries(all.filter((s) => out[s.id]).map((s) => [s.id, out[s.id]]));
}

export function bigMonth(spec: BigMonthSpec, psa: PsaBench): BigMonth {
  const sources = bigSources(spec);
  const seats = new Map<number, Map<string, number>>();
  for (const s of Object.values(sources))
    for (const [client, bySku] of s.seats) {
      const m = seats.get(client) ?? new Map<string, number>();
      for (const [sku, n] of bySku) m.set(sku, (m.get(sku) ?? 0) + n);
      seats.set(client, m);
    }
  const products = Object.values(sources).flatMap((s) => s.products);
  const built = psa.build({ month: BENCH_MONTH, clients: spec.clients, companyName, seats, products });
  return { spec, sources, psa: built.state, clientSettings: built.clientSettings ?? {} };
}

/** Source lines of the month (all sources). */
export const sourceLines = (m: Pick<BigMonth, 'sources'>): number =>
  Object.values(m.sources).reduce((n, s) => n + s.lines, 0);
