/**
 * Jobs as Apps Script runs them: under the document lock, within a time budget, with a checkpoint and a
 * one-off continuation trigger when the budget runs out, and the outcome recorded for the sidebar.
 * A continuation re-runs the same job with the same run id; because pushes are convergent it only does
 * what is still missing.
 */
import { z } from 'zod';
import {
  billingSettingsSchema,
  defaultBillingSettings,
  lifecycleInForce,
  resolveSettings,
} from '../core/settings';
import type { BillingSettings } from '../core/settings';
import { isBillingMonth, previousMonth, currentBillingMonth } from '../core/periods';
import { RateLimitWait } from '../core/http';
import type { PsaTarget } from '../core/psa';
import { CELL_WRITE_MS, DEFAULT_BUDGET_MS, EXECUTION_LIMIT_MS, startBudget } from '../platform/budget';
import type { TimeBudget } from '../platform/budget';
import { activeUserEmail } from '../platform/identity';
import { sendRunSummary } from '../platform/mail';
import { documentProperties, getCached, newRunId, putCached, shownTime } from '../platform/runtime';
import { SettingsStore } from '../platform/secrets';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { DAILY_QUOTA_WINDOW_MS, isDailyQuota } from '../platform/quota';
import { deleteJson, readJson, writeJson } from '../platform/store';
import type { WriteLimit } from '../sheets/grid';
import { findMonthSheet } from '../sheets/month-tabs';
import { monthTabName } from '../sheets/tabs';
import {
  connectedPsa,
  connectedSources,
  disabledIntegrations,
  sourceKinds,
  sourceNames,
  sourceNamesInWords,
} from './connections';
import { cancelJob, jobAt, registerJob, runDueJobs, runJobAfter, runJobAt } from './dispatcher';
import { Journal, propertiesJournal } from './ledger';
import { ledgerAlarm, LedgerTamperedError, readLedgerHead, requireIntactLedger } from './ledger-guard';
import { LedgerLockedError, requireLedgerWritable } from './ledger-writers';
import { keysMaybeSent, NothingPulledError, pullMonthInMemory, pushMonth, reconcileMonth } from './month';
import type { MonthContext, PullSummary, PushSummary } from './month';
import type { SyncedLine } from '../sheets/mappings';

export const SETTINGS_KEY = 'bg.settings';
const CHECKPOINT_KEY = 'bg.checkpoint';
const LAST_RUN_KEY = 'bg.lastRun';
const PROGRESS_KEY = 'bg.progress';
/** A continuation starts a minute after the previous execution stopped. */
const CONTINUE_AFTER_MS = 60_000;
/** The job (src/jobs/dispatcher.ts) that resumes the checkpoint. */
export const CONTINUATION_JOB = 'continuation';

/** Resume the checkpoint `ms` from now (through the dispatcher's queue). */
function continueAfter(ms: number): void {
  runJobAfter(CONTINUATION_JOB, ms);
}

/** When the queued continuation runs, as staff read it: '2026-11-03 10:00 (Europe/London)'. */
function continuationTime(): string {
  const at = jobAt(CONTINUATION_JOB) ?? Date.now() + DAILY_QUOTA_WINDOW_MS;
  return shownTime(new Date(at).toISOString(), activeSpreadsheet().getSpreadsheetTimeZone());
}

/** What the user is told when the account's daily quota stops a job: what continues, and when. */
function quotaMessage(err: unknown, what: string): string {
  const why = err instanceof Error ? err.message : String(err);
  return `The Google account's daily Apps Script quota is used up (${why}). ${what} continues at ${continuationTime()}, when the quota renews.`;
}

export function loadSettings(): BillingSettings {
  const r = readJson(SETTINGS_KEY, billingSettingsSchema);
  if (!r.ok) throw new Error(`${r.message}. Open Defaults in the sidebar and save them again.`);
  return r.value ?? defaultBillingSettings();
}

export function saveSettings(settings: BillingSettings): void {
  writeJson(SETTINGS_KEY, billingSettingsSchema.parse(settings));
}

const checkpointSchema = z.lazy(() =>
  z.object({
    /**
     * push: a push; month: a scheduled pull then push; compare: the comparison after a large pull;
     * pull: a pull whose tab was too large to write in one execution (then its comparison).
     */
    job: z.enum(['push', 'month', 'compare', 'pull']),
    month: z.string(),
    runId: z.string(),
    trigger: z.enum(['manual', 'scheduled', 'nightly']),
    pullFirst: z.boolean(),
    continuations: z.number().int(),
    startedAt: z.string(),
    /** A scheduled pull-then-push whose pull has not finished writing the tab: pull again first. */
    pullPending: z.boolean().optional(),
    /** "Sync now" of one contract service: its continuations push only that service too. */
    service: z.object({ source: z.string(), customerId: z.string(), subscriptionId: z.string() }).optional(),
  }),
);
export type Checkpoint = z.infer<typeof checkpointSchema>;

const lastRunSchema = z.lazy(() =>
  z.object({
    at: z.string(),
    runId: z.string(),
    trigger: z.string(),
    month: z.string(),
    outcome: z.enum(['finished', 'continuing', 'failed', 'refused']),
    message: z.string(),
  }),
);
export type LastRun = z.infer<typeof lastRunSchema>;

export function lastRun(): LastRun | null {
  const r = readJson(LAST_RUN_KEY, lastRunSchema);
  return r.ok ? r.value : null;
}

function recordRun(run: LastRun): void {
  writeJson(LAST_RUN_KEY, run);
}

export interface Progress {
  runId: string;
  step: string;
  done: number;
  total: number;
}

/** Progress for the sidebar to poll, in the document cache (cheap, shared between executions). */
export function reportProgress(p: Progress): void {
  putCached(PROGRESS_KEY, p, 600);
}

const progressSchema = z.lazy(() =>
  z.object({ runId: z.string(), step: z.string(), done: z.number(), total: z.number() }),
);

export function readProgress(): Progress | null {
  const r = progressSchema.safeParse(getCached(PROGRESS_KEY));
  return r.success ? r.data : null;
}

function assertMonth(month: string): void {
  if (!isBillingMonth(month))
    throw new Error(`'${month}' is not a billing month (use yyyy-mm, e.g. 2026-10)`);
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Pull a month, then compare it with the PSA from the rows still in memory. When the pull has used the
 * execution's budget, the comparison is checkpointed and continues from a one-off trigger a minute later,
 * reading the tab afresh. A tab too large to write in one execution (a 100,000-line month writes 3.6
 * million cells, ~9 minutes on Google) is written in blocks: the continuation pulls again and writes
 * what is still missing, then compares.
 */
export function runPull(month: string, budgetMs?: number, only?: string): PullSummary {
  assertMonth(month);
  return withDocumentLock('the pull', () => pullAndCompare(month, newRunId(), 0, budgetMs, only));
}

/** Cells the execution may still write before keeping `reserveMs` in hand (see CELL_WRITE_MS). */
function writeLimit(budget: TimeBudget, limitMs: number, reserveMs: number): WriteLimit {
  return {
    cellsAllowed: () => Math.max(0, (limitMs - reserveMs - budget.elapsedMs()) / CELL_WRITE_MS),
  };
}

function pullAndCompare(
  month: string,
  runId: string,
  continuations: number,
  budgetMs?: number,
  only?: string,
): PullSummary {
  const limit = budgetMs ?? configuredBudgetMs() ?? DEFAULT_BUDGET_MS;
  const budget = startBudget(limit);
  const reserve = reserveFor(limit);
  const ss = activeSpreadsheet();
  const settings = loadSettings();
  const enabled = connectedSources();
  const sources = only ? enabled.filter((s) => s.id === only) : enabled;
  if (only && sources.length === 0) {
    throw new Error(
      disabledIntegrations().includes(only)
        ? `${sourceNames()[only] ?? only} is disabled: enable it first (its credentials are kept)`
        : `${sourceNames()[only] ?? only} is not connected`,
    );
  }
  if (sources.length === 0)
    throw new Error(
      disabledIntegrations().length
        ? `Every connected integration is disabled: enable one to pull`
        : `No source is connected yet: enter ${sourceNamesInWords()} credentials in Connect.`,
    );
  // Rows of integrations not pulled now (disabled, or another one pulled alone) are left as they are.
  const untouched = sourceKinds().filter((k) => !sources.some((s) => s.id === k));
  reportProgress({ runId, step: `Pulling ${month}`, done: 0, total: 2 });
  const pending = readJson(CHECKPOINT_KEY, checkpointSchema);
  const other = pending.ok && pending.value ? pending.value : null;
  // This month's own continuation (its comparison or the rest of its write) is replaced by this run.
  const mine = other !== null && other.month === month && (other.job === 'compare' || other.job === 'pull');
  const checkpoint = (job: 'compare' | 'pull', afterMs = CONTINUE_AFTER_MS): void => {
    writeJson(CHECKPOINT_KEY, {
      job,
      month,
      runId,
      trigger: 'manual',
      pullFirst: false,
      continuations,
      startedAt: new Date().toISOString(),
    } satisfies Checkpoint);
    continueAfter(afterMs);
  };
  let pulled: ReturnType<typeof pullMonthInMemory>;
  try {
    pulled = pullMonthInMemory(ss, month, sources, settings, untouched, writeLimit(budget, limit, reserve), {
      runId,
      // A continuation of this run writes from what its first execution fetched (kept in a hidden tab).
      resume: continuations > 0,
    });
  } catch (err) {
    if (!isDailyQuota(err)) throw err;
    // Nothing was written: the whole pull, then its comparison, runs again when the quota renews.
    let message: string;
    if (other && !mine) {
      message = `The Google account's daily Apps Script quota is used up (${errorText(err)}) and a push of ${other.month} is still continuing: pull ${month} again once it has finished.`;
    } else {
      checkpoint('pull', DAILY_QUOTA_WINDOW_MS);
      message = quotaMessage(
        err,
        `Nothing was written yet: the pull of ${month}, then the comparison with the PSA,`,
      );
      recordRun({
        at: new Date().toISOString(),
        runId,
        trigger: 'manual',
        month,
        outcome: 'continuing',
        message,
      });
    }
    reportProgress({ runId, step: message, done: 0, total: 2 });
    return {
      month,
      tab: monthTabName(month),
      lines: 0,
      added: 0,
      updated: 0,
      removed: 0,
      dropped: 0,
      collapsed: 0,
      unbillable: 0,
      problems: [message],
      sources: [],
      comparison: other && !mine ? 'skipped' : 'continuing',
    };
  }
  const { summary, context } = pulled;
  if (!pulled.complete) {
    const written = `${summary.rowsWritten ?? 0} of ${summary.lines} rows`;
    if (other && !mine) {
      summary.comparison = 'skipped';
      summary.problems.push(
        `Only ${written} were written: the month is too large for one run and a push of ${other.month} is still continuing; pull again once it has finished`,
      );
    } else {
      checkpoint('pull');
      summary.comparison = 'continuing';
      summary.problems.push(
        `This month is too large to write in one run: ${written} are written. The rest, then the comparison with the PSA, continue in the background a minute apart; do not push until the pull has finished.`,
      );
    }
  } else if (budget.hasTime(reserve)) {
    reportProgress({ runId, step: `Comparing ${month} with the PSA`, done: 1, total: 2 });
    const compared = compare(ss, month, settings, context);
    if (compared.dailyQuota && !(other && !mine)) {
      checkpoint('compare', DAILY_QUOTA_WINDOW_MS);
      summary.comparison = 'continuing';
      const message = quotaMessage(compared.dailyQuota, `The comparison of ${month} with the PSA`);
      summary.problems.push(message);
      recordRun({
        at: new Date().toISOString(),
        runId,
        trigger: 'manual',
        month,
        outcome: 'continuing',
        message,
      });
    } else {
      summary.comparison = compared.problem ? 'failed' : 'done';
      if (compared.problem) summary.problems.push(compared.problem);
      // A continuation of this month still waiting for its trigger has nothing left to do.
      if (mine) clearCheckpoint();
    }
  } else if (other && !mine) {
    // One checkpoint at a time: a push in progress keeps its continuation.
    summary.comparison = 'skipped';
    summary.problems.push(
      `Not compared with the PSA yet: a push of ${other.month} is still continuing; click Compare with PSA once it has finished`,
    );
  } else {
    checkpoint('compare');
    summary.comparison = 'continuing';
    summary.problems.push(
      'The comparison with the PSA (PSA quantity now, Difference, Action) continues in the background: this month took the whole run to pull. It fills in within a few minutes.',
    );
  }
  const step = pulled.complete
    ? `Pulled ${month}`
    : `Pulling ${month}: ${summary.rowsWritten ?? 0} of ${summary.lines} rows written`;
  reportProgress({ runId, step, done: pulled.complete ? 2 : 1, total: 2 });
  return summary;
}

/**
 * Compare the month with the PSA and fill its reconciliation columns; the problem when it could not, and
 * the error when that was the account's daily quota (the comparison then continues the next day).
 */
function compare(
  ss: Spreadsheet,
  month: string,
  settings: BillingSettings,
  known?: MonthContext,
): { problem: string | null; dailyQuota: unknown } {
  try {
    reconcileMonth(ss, month, connectedPsa(), settings, known, documentKeysMaybeSent(ss));
    return { problem: null, dailyQuota: null };
  } catch (err) {
    return {
      problem: `Not compared with the PSA: ${errorText(err)}`,
      dailyQuota: isDailyQuota(err) ? err : null,
    };
  }
}

/**
 * Keys a push may have sent without the month's rows showing it (keysMaybeSent over the document's
 * journal): every comparison passes them, so the PSA is told which keys no push has sent (a connector
 * may then read less, e.g. open invoices only) and a key a push may have sent is never read as unsent.
 */
export function documentKeysMaybeSent(ss: Spreadsheet): Set<string> | null {
  return keysMaybeSent(ss, new Journal(propertiesJournal(documentProperties())));
}

function clearCheckpoint(): void {
  deleteJson(CHECKPOINT_KEY);
  cancelJob(CONTINUATION_JOB);
}

/** A Workspace account's executions run up to 30 minutes (a budget set past 6 minutes says it is one). */
const WORKSPACE_EXECUTION_LIMIT_MS = 30 * 60_000;
/**
 * A pull or push execution may be killed by Apps Script's time limit before it records what comes next:
 * queued again for once an execution with this budget can no longer be running, it then resumes from the
 * checkpoint it leaves in place.
 */
const retryKilledAfterMs = (budgetMs: number): number =>
  (budgetMs > EXECUTION_LIMIT_MS ? WORKSPACE_EXECUTION_LIMIT_MS : EXECUTION_LIMIT_MS) + CONTINUE_AFTER_MS;

/**
 * The rest of a pull too large for one execution: written from what the first execution fetched (kept in a
 * hidden tab; fetched again only when it cannot be read back), only what is missing; then the comparison.
 * The checkpoint stays until this execution replaces or clears it, so a killed continuation runs again.
 */
function continuePull(cp: Checkpoint): void {
  continueAfter(retryKilledAfterMs(configuredBudgetMs() ?? DEFAULT_BUDGET_MS));
  try {
    pullAndCompare(cp.month, cp.runId, cp.continuations + 1);
  } catch (err) {
    // A pull that fails (not the time limit: that ends the execution) is not retried: as a fresh pull.
    clearCheckpoint();
    throw err;
  }
}

/** The comparison a large pull left for its continuation: the tab is read afresh (staff may have edited it). */

function continueCompare(cp: Checkpoint): void {
  clearCheckpoint();
  reportProgress({ runId: cp.runId, step: `Comparing ${cp.month} with the PSA`, done: 0, total: 1 });
  const { problem, dailyQuota } = compare(activeSpreadsheet(), cp.month, loadSettings());
  if (dailyQuota) {
    writeJson(CHECKPOINT_KEY, { ...cp, continuations: cp.continuations + 1 } satisfies Checkpoint);
    continueAfter(DAILY_QUOTA_WINDOW_MS);
    const message = quotaMessage(dailyQuota, `The comparison of ${cp.month} with the PSA`);
    recordRun({
      at: new Date().toISOString(),
      runId: cp.runId,
      trigger: cp.trigger,
      month: cp.month,
      outcome: 'continuing',
      message,
    });
    reportProgress({ runId: cp.runId, step: message, done: 0, total: 1 });
    return;
  }
  const step = problem ?? `Compared ${cp.month} with the PSA`;
  reportProgress({ runId: cp.runId, step, done: 1, total: 1 });
}

export function runReconcile(month: string): Record<string, number> {
  assertMonth(month);
  return withDocumentLock('the comparison with the PSA', () => {
    const ss = activeSpreadsheet();
    return reconcileMonth(ss, month, connectedPsa(), loadSettings(), undefined, documentKeysMaybeSent(ss))
      .counts;
  });
}

export interface PushRunResult extends PushSummary {
  /** Set when the budget ran out: the rest continues from a trigger in about a minute. */
  continuing: boolean;
}

/**
 * Push a month's approved rows. Resumes the checkpointed run when one exists for the same month, so a
 * click while a continuation is pending joins it instead of starting a parallel run.
 */
export function runPush(
  month: string,
  trigger: Checkpoint['trigger'] = 'manual',
  pullFirst = false,
  budgetMs?: number,
  service?: SyncedLine,
): PushRunResult {
  assertMonth(month);
  return withDocumentLock(service ? 'the sync of this service' : 'the push', () => {
    const existing = readJson(CHECKPOINT_KEY, checkpointSchema);
    const cp = existing.ok ? existing.value : null;
    // The tab of a pull still being written is incomplete: pushing it now would leave rows out.
    if (cp?.job === 'pull')
      throw new Error(
        `The pull of ${cp.month} is still being written in the background; push once it has finished (a few minutes).`,
      );
    // A push of the whole month still under way pushes this service too (when approved): one run at a time.
    if (service && cp && cp.month === month && cp.job !== 'compare' && !cp.service)
      throw new Error(
        `The push of ${month} is still under way and pushes this service's approved rows too; sync one service once it has finished.`,
      );
    // A pending comparison of this month is superseded: the push plans from a fresh read anyway. A pending
    // sync of one service is joined by the same sync and taken over by a push of the whole month (which
    // plans from a fresh read, so whatever that sync already sent is not sent again).
    const sameScope = (c: Checkpoint) =>
      service ? sameService(c.service, service) : c.service === undefined;
    const resume = cp && cp.month === month && cp.job !== 'compare' && sameScope(cp) ? cp : null;
    const checkpoint: Checkpoint = resume ?? {
      job: pullFirst ? 'month' : 'push',
      month,
      runId: newRunId(),
      trigger,
      pullFirst,
      continuations: 0,
      startedAt: new Date().toISOString(),
      ...(service
        ? {
            service: {
              source: service.source,
              customerId: service.customerId,
              subscriptionId: service.subscriptionId,
            },
          }
        : {}),
    };
    return executeCheckpoint(checkpoint, budgetMs);
  });
}

const BUDGET_KEY = 'bg.executionBudgetSeconds';
const budgetSchema = z.number().min(20).max(1700);

/**
 * The execution budget: 4.5 minutes unless an admin set `bg.executionBudgetSeconds` (e.g. higher on a
 * Workspace account with 30-minute executions, lower to hand over to continuations sooner).
 */
function configuredBudgetMs(): number | undefined {
  const r = readJson(BUDGET_KEY, budgetSchema);
  return r.ok && r.value !== null ? r.value * 1000 : undefined;
}

const BATCH_KEY = 'bg.pushBatchSize';
const batchSchema = z.lazy(() => z.number().int().min(1).max(1000));

/**
 * Steps a push sends between two checks of the time left: the PSA's own size (100 by default) unless an
 * admin set `bg.pushBatchSize` (smaller makes a slow PSA's continuations stop sooner; tests use it to get
 * many executions out of a small month).
 */
function configuredBatchSize(): number | undefined {
  const r = readJson(BATCH_KEY, batchSchema);
  return r.ok && r.value !== null ? r.value : undefined;
}

const serviceLabel = (s: SyncedLine): string =>
  s.subscriptionId ? `subscription ${s.subscriptionId}` : `${s.customerId}'s default contract`;

const sameService = (a: SyncedLine | undefined, b: SyncedLine): boolean =>
  a !== undefined &&
  a.source === b.source &&
  a.customerId === b.customerId &&
  a.subscriptionId === b.subscriptionId;

/** Time kept in hand for the status/ledger writes and the continuation trigger. */
const reserveFor = (limitMs: number): number => Math.min(60_000, limitMs / 4);

function executeCheckpoint(resumed: Checkpoint, budgetMs?: number): PushRunResult {
  // Once this execution has pulled the whole month, its continuations must not pull it again.
  const { pullPending, ...checkpoint } = resumed;
  const limit = budgetMs ?? configuredBudgetMs() ?? DEFAULT_BUDGET_MS;
  const budget = startBudget(limit);
  const reserve = reserveFor(limit);
  const ss = activeSpreadsheet();
  // A Ledger changed by hand stops every push (and continuation) until an admin acknowledges it.
  requireIntactLedger(ss);
  // Only BillGrid's owner, admins and schedule owner may write the Ledger (Sheets enforces it): checked,
  // with the protection kept in step, before anything is sent.
  requireLedgerWritable(ss);
  const watch = watchForKill(resumed, limit);
  try {
    return pushOrPull(checkpoint, pullPending, ss, budget, limit, reserve);
  } catch (err) {
    watch.stand();
    throw err;
  }
}

/**
 * Apps Script may kill an execution at its time limit before it records what comes next (a request or a
 * write that outlasted the budget's reserve). So before a push sends anything, its checkpoint is stored and
 * its continuation queued for once the execution can no longer be running: a killed push, scheduled or not,
 * resumes from it (the journal then tells what may have been sent). Finishing clears both; stopping for time
 * queues the continuation at its own time. Another job's checkpoint (a comparison still to run) is left as
 * it is, and so is its continuation. `stand()`: the run failed (not killed), so neither stays behind it.
 */
function watchForKill(checkpoint: Checkpoint, budgetMs: number): { stand(): void } {
  const stored = readJson(CHECKPOINT_KEY, checkpointSchema);
  const other = stored.ok && stored.value !== null && stored.value.runId !== checkpoint.runId;
  if (other || !stored.ok) return { stand: () => undefined };
  const fresh = stored.value === null;
  if (fresh) writeJson(CHECKPOINT_KEY, checkpoint);
  const at = Math.round(Date.now() + retryKilledAfterMs(budgetMs));
  try {
    runJobAt(CONTINUATION_JOB, at, true);
  } catch (err) {
    // No room for its wake-up trigger (Apps Script's 20): the push goes on as before this safety net, its
    // queue entry left for the dispatcher or the open sidebar.
    console.warn(`BillGrid: the continuation of a killed push could not be scheduled: ${String(err)}`);
  }
  return {
    stand() {
      if (jobAt(CONTINUATION_JOB) === at) cancelJob(CONTINUATION_JOB);
      // Ours, as stored above: every later write of it counts one more continuation.
      const now = fresh ? readJson(CHECKPOINT_KEY, checkpointSchema) : null;
      if (
        now?.ok &&
        now.value?.runId === checkpoint.runId &&
        now.value.continuations === checkpoint.continuations
      )
        deleteJson(CHECKPOINT_KEY);
    },
  };
}

/** The pull first when the checkpoint says so, then the push (executeCheckpoint). */
function pushOrPull(
  checkpoint: Checkpoint,
  pullPending: boolean | undefined,
  ss: Spreadsheet,
  budget: TimeBudget,
  limit: number,
  reserve: number,
): PushRunResult {
  const settings = loadSettings();
  const psa = connectedPsa();
  let known: MonthContext | undefined;
  if (checkpoint.pullFirst && (checkpoint.continuations === 0 || pullPending)) {
    const sources = connectedSources();
    const untouched = sourceKinds().filter((k) => !sources.some((s) => s.id === k));
    let pulled: ReturnType<typeof pullMonthInMemory>;
    try {
      pulled = pullMonthInMemory(
        ss,
        checkpoint.month,
        sources,
        settings,
        untouched,
        writeLimit(budget, limit, reserve),
        { runId: checkpoint.runId, resume: checkpoint.continuations > 0 },
      );
    } catch (err) {
      if (!isDailyQuota(err)) throw err;
      // Nothing written: pull again, then push, when the quota renews.
      return waitingForQuota(
        { ...checkpoint, pullPending: true },
        err,
        `The pull of ${checkpoint.month}, then its push,`,
      );
    }
    // A tab too large for one execution: the continuation pulls again and writes the rest first.
    if (!pulled.complete) return pulledOnly({ ...checkpoint, pullPending: true });
    known = pulled.context;
    if (!budget.hasTime(reserve)) return pulledOnly(checkpoint);
  }
  const journal = new Journal(propertiesJournal(documentProperties()));
  try {
    return pushAndRecord(ss, checkpoint, psa, settings, journal, budget, reserve, known);
  } catch (err) {
    // The PSA's rate limit left no room for the push's reads in this execution: the continuation reads.
    if (err instanceof RateLimitWait) return waitingForRateLimit(checkpoint, err, psa.target);
    // The day's quota ran out while reading the PSA, before anything was sent: the push waits for it.
    if (isDailyQuota(err)) return waitingForQuota(checkpoint, err, `The push of ${checkpoint.month}`);
    throw err;
  }
}

function pushAndRecord(
  ss: Spreadsheet,
  checkpoint: Checkpoint,
  psa: ReturnType<typeof connectedPsa>,
  settings: BillingSettings,
  journal: Journal,
  budget: TimeBudget,
  reserve: number,
  known: MonthContext | undefined,
): PushRunResult {
  const { summary } = pushMonth(ss, checkpoint.month, psa, settings, {
    runId: checkpoint.runId,
    user: activeUserEmail(),
    journal,
    hasTime: () => budget.hasTime(reserve),
    known,
    batchSize: configuredBatchSize(),
    ...(checkpoint.service ? { only: checkpoint.service } : {}),
    // A continuation may plan from what this push read and wrote (PsaReadScope.pushBeganAt).
    ...(checkpoint.continuations > 0 ? beganAt(checkpoint) : {}),
    onStep: (done, total) => {
      if (done % 25 === 0 || done === total) {
        reportProgress({ runId: checkpoint.runId, step: `Pushing ${checkpoint.month}`, done, total });
      }
    },
  });
  if (summary.finished) {
    // Another job's checkpoint (a comparison still to run) keeps its continuation.
    const stored = readJson(CHECKPOINT_KEY, checkpointSchema);
    if (!stored.ok || !stored.value || stored.value.runId === checkpoint.runId) clearCheckpoint();
  } else {
    writeJson(CHECKPOINT_KEY, { ...checkpoint, continuations: checkpoint.continuations + 1 });
    // Spread over days: past the account's daily quota the rest waits until the quota renews. Else when
    // the PSA's rate limit has room again (a paced PSA), at least a minute on.
    continueAfter(summary.dailyQuota ? DAILY_QUOTA_WINDOW_MS : resumeAfterMs(psa.target));
  }
  recordRun({
    at: new Date().toISOString(),
    runId: checkpoint.runId,
    trigger: checkpoint.trigger,
    month: checkpoint.month,
    outcome: summary.refused
      ? 'refused'
      : summary.finished
        ? summary.failed > 0
          ? 'failed'
          : 'finished'
        : 'continuing',
    // Past the daily quota, the user sees when the rest goes.
    message:
      (checkpoint.service ? `Sync now of ${serviceLabel(checkpoint.service)}: ` : '') +
      (summary.dailyQuota && !summary.finished
        ? `${describePush(summary)} (at ${continuationTime()})`
        : describePush(summary)),
  });
  return { ...summary, continuing: !summary.finished };
}

/** When the checkpointed push began, as PushOptions.pushBeganAt; nothing when its record is unreadable. */
function beganAt(checkpoint: Checkpoint): { pushBeganAt?: number } {
  const t = Date.parse(checkpoint.startedAt);
  return Number.isFinite(t) ? { pushBeganAt: t } : {};
}

/** The rate limit has no room before this execution ends: the push continues once it has. */
function waitingForRateLimit(checkpoint: Checkpoint, err: RateLimitWait, psa: PsaTarget): PushRunResult {
  return waitFor(checkpoint, Math.max(err.waitMs, resumeAfterMs(psa)), `${checkpoint.month}: ${err.message}`);
}

/** The account's daily quota is used up: the job continues when it renews, and the user sees when. */
function waitingForQuota(checkpoint: Checkpoint, err: unknown, what: string): PushRunResult {
  writeJson(CHECKPOINT_KEY, { ...checkpoint, continuations: checkpoint.continuations + 1 });
  continueAfter(DAILY_QUOTA_WINDOW_MS);
  const result = waitFor(checkpoint, null, `${checkpoint.month}: ${quotaMessage(err, what)}`);
  return { ...result, dailyQuota: true };
}

/** Records a job that continues later (after `afterMs`, or as already queued when null). */
function waitFor(checkpoint: Checkpoint, afterMs: number | null, message: string): PushRunResult {
  if (afterMs !== null) {
    writeJson(CHECKPOINT_KEY, { ...checkpoint, continuations: checkpoint.continuations + 1 });
    continueAfter(afterMs);
  }
  const summary: PushSummary = {
    month: checkpoint.month,
    runId: checkpoint.runId,
    finished: false,
    steps: 0,
    applied: 0,
    unchanged: 0,
    failed: 0,
    skipped: 0,
    invalidRows: 0,
  };
  recordRun({
    at: new Date().toISOString(),
    runId: checkpoint.runId,
    trigger: checkpoint.trigger,
    month: checkpoint.month,
    outcome: 'continuing',
    message,
  });
  return { ...summary, continuing: true };
}

/**
 * When a continuation should start: a minute on, or later when the PSA says its rate limit has no room
 * before then (a continuation starting earlier would only wait, spending the account's trigger runtime).
 */
export function resumeAfterMs(psa: PsaTarget): number {
  const ready = psa.resumeInMs?.() ?? 0;
  return Math.max(CONTINUE_AFTER_MS, Number.isFinite(ready) ? Math.min(ready, MAX_RESUME_MS) : 0);
}

/** A rate-limit window is at most this long; a longer answer is a bug, not a reason to wait a day. */
const MAX_RESUME_MS = 60 * 60 * 1000;

/** A scheduled pull that used the whole budget: the push starts in the continuation. */
function pulledOnly(checkpoint: Checkpoint): PushRunResult {
  return waitFor(
    checkpoint,
    CONTINUE_AFTER_MS,
    checkpoint.pullPending
      ? `${checkpoint.month}: pulling (too large for one run); the pull, then the push, continue shortly`
      : `${checkpoint.month}: pulled; the push continues shortly`,
  );
}

export function describePush(s: PushSummary): string {
  if (s.refused) return `${s.month}: ${s.refused.message}`;
  const parts = [`${s.applied} changed`, `${s.unchanged} already up to date`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.skipped) parts.push(`${s.skipped} not approved`);
  if (s.invalidRows) parts.push(`${s.invalidRows} rows with errors not pushed`);
  const next = s.dailyQuota
    ? "; the Google account's daily Apps Script quota is used up, the rest continues in 24 hours"
    : '; continuing shortly';
  return `${s.month}: ${parts.join(', ')}${s.finished ? '' : next}`;
}

/** The continuation trigger's handler: resume the checkpointed job, or tidy up if there is none. */
export function continueJob(): void {
  withDocumentLock('the continuation', () => {
    const cp = readJson(CHECKPOINT_KEY, checkpointSchema);
    if (!cp.ok || !cp.value) {
      cancelJob(CONTINUATION_JOB);
      return;
    }
    if (cp.value.job === 'compare') continueCompare(cp.value);
    else if (cp.value.job === 'pull') continuePull(cp.value);
    else {
      try {
        executeCheckpoint(cp.value);
      } catch (err) {
        if (!(err instanceof LedgerTamperedError) && !(err instanceof LedgerLockedError)) throw err;
        // The checkpoint stays; the acknowledgement queues its continuation again (resumeStoppedPush).
        const refused: LastRun = {
          at: new Date().toISOString(),
          runId: cp.value.runId,
          trigger: cp.value.trigger,
          month: cp.value.month,
          outcome: 'refused',
          message: err.message,
        };
        recordRun(refused);
        if (cp.value.trigger === 'scheduled') notifyOwner(refused);
      }
    }
  });
}

registerJob(CONTINUATION_JOB, { run: continueJob });

/** The job waiting for a continuation is a push (it writes the Ledger), not a pull or a comparison. */
export function continuationWritesLedger(): boolean {
  const cp = readJson(CHECKPOINT_KEY, checkpointSchema);
  return cp.ok && cp.value !== null && cp.value.job !== 'pull' && cp.value.job !== 'compare';
}

/**
 * After an owner or admin acknowledged a change to the Ledger: a push whose continuation the check
 * stopped goes on (a minute later, from the dispatcher, the wake-up or the open sidebar). True when queued.
 */
export function resumeStoppedPush(): boolean {
  const cp = readJson(CHECKPOINT_KEY, checkpointSchema);
  if (!cp.ok || !cp.value || jobAt(CONTINUATION_JOB) !== null) return false;
  continueAfter(CONTINUE_AFTER_MS);
  return true;
}

/**
 * The bound script's one-off wake-up trigger: runs the due one-off job (the continuation). A checkpoint
 * saved before the job queue existed (no queue entry) resumes as before.
 */
export function wakeUp(): void {
  const ran = runDueJobs({ only: 'one-off' });
  if (ran === null && jobAt(CONTINUATION_JOB) === null) continueJob();
}

/** The month a scheduled run bills: the previous month in the spreadsheet's time zone. */
export function scheduledMonth(now = new Date()): string {
  return previousMonth(currentBillingMonth(now, activeSpreadsheet().getSpreadsheetTimeZone()));
}

/**
 * Automatic runs are refused while products must be reconciled by hand (P21 manual mode) anywhere a run
 * could post: for a connected integration (global setting with its override) or for any client whose own
 * override asks for it. An integration overridden to another mode no longer blocks.
 */
export function refuseReason(settings: BillingSettings, sourceIds: readonly string[]): string | null {
  const where: string[] = [];
  for (const id of sourceIds) {
    if (lifecycleInForce(resolveSettings(settings, id, null)) === 'manual') where.push(`integration ${id}`);
  }
  // A client's own "reconcile by hand" (unless it also switches lifecycle management off).
  const clients = Object.entries(settings.clients).filter(
    ([, o]) => o.productLifecycle === 'manual' && o.productLifecycleEnabled !== false,
  );
  if (clients.length) where.push(`${clients.length} client(s) with their own setting`);
  return where.length
    ? `Automatic runs are off while the product mode is "reconcile by hand" (${where.join('; ')}): every product must be matched by a person first. Choose the default-item or auto-create mode in Defaults, or push by hand.`
    : null;
}

/**
 * The Ledger chain's head for the run summary: outside the spreadsheet, it lets the owner see later
 * whether the Ledger (and, in the bound script, the anchor in document properties) was rewritten.
 */
function ledgerLine(): string {
  // The push checked the Ledger before it ran: what it found is stored (no second read of the tab).
  const alarm = ledgerAlarm();
  const head = readLedgerHead();
  return alarm
    ? `Ledger check: ${alarm.message} (found ${alarm.at}); pushes wait for an owner or admin to acknowledge it.`
    : `Ledger chain: ${head.rows} rows, last hash ${head.hash}. Keep this mail: a Ledger rewritten later no longer ends in this hash.`;
}

/** Scheduled runs have nobody watching: tell the owner how it went (the sidebar shows it too). */
function notifyOwner(run: LastRun): void {
  const owner = new SettingsStore().get('owner');
  if (typeof owner !== 'string') return;
  const subject = `BillGrid ${run.trigger} run for ${run.month}: ${run.outcome}`;
  const body = [
    `${subject}.`,
    '',
    run.message,
    '',
    `Run ${run.runId || '—'} at ${shownTime(run.at, activeSpreadsheet().getSpreadsheetTimeZone())}. The Ledger tab lists every change; the sidebar's Schedule tab shows the last and next run.`,
    '',
    ledgerLine(),
  ].join('\n');
  try {
    sendRunSummary(owner, subject, body);
  } catch {
    // A mail quota or permission problem must not turn a finished billing run into a failed one.
  }
}

function hasMonthTab(month: string): boolean {
  return findMonthSheet(activeSpreadsheet(), month) !== null;
}

export function runScheduled(trigger: 'scheduled' | 'nightly', pullFirst: boolean): void {
  const month =
    trigger === 'nightly'
      ? currentBillingMonth(new Date(), activeSpreadsheet().getSpreadsheetTimeZone())
      : scheduledMonth();
  const reason = refuseReason(
    loadSettings(),
    connectedSources().map((src) => src.id),
  );
  if (reason) {
    const refused: LastRun = {
      at: new Date().toISOString(),
      runId: '',
      trigger,
      month,
      outcome: 'refused',
      message: reason,
    };
    recordRun(refused);
    if (trigger === 'scheduled') notifyOwner(refused);
    return;
  }
  try {
    runPush(month, trigger, pullFirst);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Early in a month no source bills the nightly sync's month yet and it has no tab: nothing to do, not
    // a failure. A source whose read failed (e.g. refused credentials) is a failure whatever the day, and
    // once the month has a tab, a pull that reads nothing at all is a failure again.
    const notYet =
      trigger === 'nightly' && err instanceof NothingPulledError && err.failures === 0 && !hasMonthTab(month);
    recordRun({
      at: new Date().toISOString(),
      runId: '',
      trigger,
      month,
      outcome: notYet
        ? 'finished'
        : err instanceof LedgerTamperedError || err instanceof LedgerLockedError
          ? 'refused'
          : 'failed',
      message: notYet ? `Nothing to sync yet for ${month} (${message})` : message,
    });
  }
  const last = lastRun();
  if (last && trigger === 'scheduled') notifyOwner(last);
}
