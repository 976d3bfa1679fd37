/**
 * Counting Apps Script service calls for the bench. "Round trips" are the calls that leave the script's
 * process — a Sheets read or write, a fetch or fetchAll, a Properties/Cache/Lock/trigger/mail call — as
 * opposed to accessors answered in process (a Range's row number, an HTTPResponse's status or body, a
 * builder). The latency model (local/gas/latency.ts) already tells which is which.
 */
import { callCostMs, LATENCY, type ExecutionStats } from '../gas';

const split = (key: string): [string, string] => {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
};

export function isRoundTrip(key: string): boolean {
  const [cls, method] = split(key);
  if (cls === 'UrlFetchApp') return method === 'fetch' || method === 'fetchAll';
  return callCostMs(cls, method) >= LATENCY.cacheMs;
}

export function callTotals(s: ExecutionStats): { all: number; sheets: number; roundTrips: number } {
  let all = 0;
  let sheets = 0;
  let roundTrips = 0;
  for (const [k, v] of Object.entries(s.calls)) {
    all += v;
    if (k.startsWith('SpreadsheetApp')) sheets += v;
    if (isRoundTrip(k)) roundTrips += v;
  }
  return { all, sheets, roundTrips };
}
