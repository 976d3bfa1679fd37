/**
 * Execution time budget. Apps Script stops an execution at 6 minutes; a job checks the budget between
 * steps and saves a checkpoint well before that (default: stop starting new work after 4.5 minutes,
 * leaving time to write statuses, the ledger and the continuation trigger).
 */
export const EXECUTION_LIMIT_MS = 6 * 60 * 1000;
export const DEFAULT_BUDGET_MS = 4.5 * 60 * 1000;

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
