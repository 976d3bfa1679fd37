/**
 * Per-connector test hooks the bundle tests reach by convention, so they never name a vendor:
 *  - what a source gives the tests that change its data mid-month (tests/e2e/continuation-schedule,
 *    tests/e2e/pull-continuation): tests/connectors/sources/<id>/month-hooks.ts exporting `hooks`; the
 *    tests pick the first demo source that has them;
 *  - a PSA's change requests, from its fault hooks (tests/connectors/psa/<id>/fault-hooks.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Fault, LoggedRequest } from '../../local/sandbox/framework';
import type { PsaFaultHooks } from '../reliability/support/fault-suite';
import { DEMO_SOURCES } from './bundle-host';

export interface SourceMonthHooks<S = unknown> {
  /** A client adds `n` seats at the vendor: one recurring line with more than one seat gets `n` more. */
  addSeats(state: S, n: number): void;
  /** A recurring line of a customer not in `keep` is gone at the vendor. */
  dropRecurringLine(state: S, keep: ReadonlySet<string>): void;
  /** A request that reads the month's charges (a pull sends one, a push none). */
  readsMonth(r: Pick<LoggedRequest, 'method' | 'path'>): boolean;
  /** The vendor answers every read of the month's charges after `delayMs` (a huge month). */
  slowMonth(delayMs: number): Fault[];
}

const SOURCE_TESTS = path.resolve(__dirname, '..', 'connectors', 'sources');
const fileOf = (id: string) => path.join(SOURCE_TESTS, id, 'month-hooks.ts');

/** The first demo source with month hooks, and its hooks. */
export function demoSourceWithHooks(): { id: string; hooks: SourceMonthHooks } {
  const id = DEMO_SOURCES.find((s) => fs.existsSync(fileOf(s)));
  if (!id) throw new Error(`no demo source (${DEMO_SOURCES.join(', ')}) has month hooks`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- hooks load by convention
  return { id, hooks: (require(fileOf(id)) as { hooks: SourceMonthHooks }).hooks };
}

/** A PSA's change requests, one matcher per kind of change (its fault hooks' `writes`). */
export function psaWrites(psa: string): NonNullable<Fault['match']>[] {
  const file = path.resolve(__dirname, '..', 'connectors', 'psa', psa, 'fault-hooks.ts');
  if (!fs.existsSync(file)) throw new Error(`PSA '${psa}' has no fault hooks (${file})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- hooks load by convention
  return (require(file) as { hooks: PsaFaultHooks }).hooks.writes;
}
