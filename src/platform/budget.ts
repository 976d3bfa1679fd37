/**
 * Execution time budget. Apps Script stops an execution at 6 minutes; a job checks the budget between
 * steps and saves a checkpoint well before that (default: stop starting new work after 4.5 minutes,
 * leaving time to write statuses, the ledger and the continuation trigger).
 */
export const EXECUTION_LIMIT_MS = 6 * 60 * 1000;
export const DEFAULT_BUDGET_MS = 4.5 * 60 * 1000;
/**
 * What one cell written costs on Google, the deferred commit included (a 4,000-cell write and its flush:
 * ~610 ms; local/gas/LATENCY.md). Large writes are split so that each execution writes what fits.
 */
export const CELL_WRITE_MS = 0.15;

export interface TimeBudget {
  elapsedMs(): number;
  /** True while there is time to start another unit of work. */
  hasTime(reserveMs?: number): boolean;
}

export function startBudget(limitMs = DEFAULT_BUDGET_MS, now: () => number = () => Date.now()): TimeBudget {
  const started = now();
  return {
    elapsedMs: () => now() - started,
    hasTime: (reserveMs = 0) => now() - started + reserveMs < limitMs,
  };
}
