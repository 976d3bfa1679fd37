/**
 * What the sandboxes logged, summarised per API: reads, writes and setup requests (OAuth tokens,
 * Autotask zone discovery), and the answers that were refused.
 */
import type { LoggedRequest } from '../sandbox/framework';

export interface ApiRequests {
  reads: number;
  writes: number;
  /** Tokens and zone discovery: per execution or per token lifetime, not per record. */
  setup: number;
  /** Writes the API refused (4xx/5xx). */
  refusedWrites: number;
  /** Requests answered 429 (throttled and retried). */
  throttled: number;
  /** Requests by method and path with ids and query left out (`POST /Contracts/:id/Charges`). */
  byPath: Record<string, number>;
}

export const emptyRequests = (): ApiRequests => ({
  reads: 0,
  writes: 0,
  setup: 0,
  refusedWrites: 0,
  throttled: 0,
  byPath: {},
});

const shape = (r: Pick<LoggedRequest, 'method' | 'path'>): string =>
  `${r.method} ${r.path.replace(/^\/(atservicesrest\/v1\.0|api|2010-04-01|v1)/i, '').replace(/\/(-?\d+|[0-9a-f-]{36}|AC[0-9a-f]{32})(?=\/|$)/gi, '/:id')}`;

const SETUP = /(oauth\/token|auth\/token|\/token$|zoneinformation|\/security\/(authenticate|refreshtoken)$)/i;
/**
 * Some APIs read through a POST (Autotask's …/query, Kaseya BMS's …/search); everything else that is not a
 * GET changes something.
 */
const isWrite = (r: Pick<LoggedRequest, 'method' | 'path'>): boolean =>
  r.method !== 'GET' && !/\/query(\/count|\/next)?$/i.test(r.path) && !/\/search$/i.test(r.path);

export function summarise(log: readonly Pick<LoggedRequest, 'method' | 'path' | 'status'>[]): ApiRequests {
  const out = emptyRequests();
  for (const r of log) {
    if (r.status === 429) out.throttled++;
    const k = shape(r);
    out.byPath[k] = (out.byPath[k] ?? 0) + 1;
    if (SETUP.test(r.path)) out.setup++;
    else if (isWrite(r)) {
      out.writes++;
      if (r.status >= 400) out.refusedWrites++;
    } else out.reads++;
  }
  return out;
}

export function add(a: ApiRequests, b: ApiRequests): ApiRequests {
  return {
    reads: a.reads + b.reads,
    writes: a.writes + b.writes,
    setup: a.setup + b.setup,
    refusedWrites: a.refusedWrites + b.refusedWrites,
    throttled: a.throttled + b.throttled,
    byPath: Object.fromEntries(
      [...new Set([...Object.keys(a.byPath), ...Object.keys(b.byPath)])].map((k) => [
        k,
        (a.byPath[k] ?? 0) + (b.byPath[k] ?? 0),
      ]),
    ),
  };
}

export const total = (r: ApiRequests): number => r.reads + r.writes + r.setup;
