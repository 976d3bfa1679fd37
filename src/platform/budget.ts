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

/** When this execution loaded the script (each Apps Script execution loads it afresh). */
const LOADED_AT = Date.now();
/** The job budget started last in this execution, if any: what a connector may still spend waiting. */
let current: { limitMs: number; budget: TimeBudget } | null = null;

/**
 * Milliseconds this execution may still spend: what is left of the running job's budget, else of Apps
 * Script's 6 minutes less the default budget's reserve (a sidebar call).
 */
export function executionTimeLeftMs(now: () => number = () => Date.now()): number {
  if (current) return current.limitMs - current.budget.elapsedMs();
  return DEFAULT_BUDGET_MS - (now() - LOADED_AT);
}

export function startBudget(limitMs = DEFAULT_BUDGET_MS, now: () => number = () => Date.now()): TimeBudget {
  const started = now();
  const budget: TimeBudget = {
    elapsedMs: () => now() - started,
    hasTime: (reserveMs = 0) => now() - started + reserveMs < limitMs,
  };
  current = { limitMs, budget };
  return budget;
}
