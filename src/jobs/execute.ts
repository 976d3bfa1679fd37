/**
 * Runs a push plan against a PSA in batches: journal 'pending' for the batch → convergent apply →
 * journal the results. Stops between batches when the time budget runs low, so the caller can checkpoint
 * and continue later; because every step re-reads the PSA before it mutates, a continuation simply
 * rebuilds the plan.
 */
import type { PsaTarget, PushStep, StepOutcome } from '../core/psa';
import { entityOf, keyedStep } from '../core/push-plan';
import type { PlannedStep } from '../core/push-plan';
import { isDailyQuota } from '../platform/quota';
import type { LineResult } from '../sheets/grid';
import type { Journal, JournalEntry } from './ledger';

export interface ExecuteResult {
  finished: boolean;
  applied: number;
  unchanged: number;
  failed: number;
  /** Per line key, for the Status and PSA reference cells. */
  byLine: Map<string, LineResult>;
  /** Stopped because the account's daily Apps Script quota is used up: continue the next day. */
  dailyQuota?: boolean;
}

export interface ExecuteOptions {
  runId: string;
  user: string;
  chargeContainer: 'contract' | 'invoice';
  /** Checked before each batch. */
  hasTime: () => boolean;
  /** Steps sent together (connectors with applyAll parallelise within their API's limits). */
  batchSize?: number;
  now?: () => Date;
  /** Called after each batch (progress for the sidebar). */
  onStep?: (done: number, total: number) => void;
  /** Moves finished journal entries to the Ledger tab; called when the journal nears the properties quota. */
  flushJournal?: () => void;
}

// Each batch re-reads what it changes (convergence); 100 keeps those reads near 1 % of the requests.
const DEFAULT_BATCH = 100;

/**
 * Line keys a journal entry lists; a step that sums more (a grouped charge of a busy product) lists these and
 * counts the rest, so its entry stays within a property's 9 KB. Each row's Status names its grouped charge.
 */
export const JOURNAL_LINE_KEYS = 200;
const journalKeys = (keys: string[]): string[] =>
  keys.length <= JOURNAL_LINE_KEYS
    ? keys
    : [...keys.slice(0, JOURNAL_LINE_KEYS), `… and ${keys.length - JOURNAL_LINE_KEYS} more`];

/** 'grouped charge BG-… (n lines)' for a step that bills lines in one grouped charge; null otherwise. */
export function groupedChargeLabel(step: Pick<PushStep, 'ref' | 'lineKeys'>): string | null {
  if (step.ref.kind !== 'charge' || step.lineKeys[0] === step.ref.lineKey) return null;
  const n = step.lineKeys.length;
  return `grouped charge ${step.ref.lineKey} (${n} line${n === 1 ? '' : 's'})`;
}

function applyBatch(psa: PsaTarget, steps: readonly PushStep[]): StepOutcome[] {
  const failedAll = (err: unknown): StepOutcome[] =>
    steps.map(() => ({
      status: 'failed',
      message: err instanceof Error ? err.message : String(err),
      retryable: true,
    }));
  if (psa.applyAll) {
    try {
      return psa.applyAll(steps);
    } catch (err) {
      // A transport failure after retries: the next run re-reads the PSA before doing anything.
      return failedAll(err);
    }
  }
  return steps.map((s) => {
    try {
      return psa.apply(s);
    } catch (err) {
      return failedAll(err)[0];
    }
  });
}

/**
 * Consecutive steps in batches of at most `size`, never splitting one entity's steps between two batches
 * unless they alone exceed `size`: a PSA that writes an entity once per batch (a HaloPSA invoice with all
 * its lines) then writes it once, not once per batch it straddles.
 */
export function batchesOf<T>(items: readonly T[], size: number, entity: (t: T) => string): T[][] {
  const runs: T[][] = [];
  for (const t of items) {
    const last = runs[runs.length - 1];
    if (last && entity(last[0]) === entity(t) && last.length < size) last.push(t);
    else runs.push([t]);
  }
  const out: T[][] = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    if (last && last.length + run.length <= size) last.push(...run);
    else out.push([...run]);
  }
  return out;
}

export function executePlan(
  steps: readonly PlannedStep[],
  psa: PsaTarget,
  journal: Journal,
  opts: ExecuteOptions,
): ExecuteResult {
  const now = opts.now ?? (() => new Date());
  const size = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const result: ExecuteResult = { finished: true, applied: 0, unchanged: 0, failed: 0, byLine: new Map() };
  let done = 0;
  // Steps the journal already holds an entry for (an interrupted run's): such an entry may be the only
  // record that the step was sent, so it is never dropped, even when this attempt sends nothing.
  const heldBefore = steps.length ? journal.heldKeys() : new Set<string>();
  for (const planned of batchesOf(steps, size, (s) => entityOf(s.ref, opts.chargeContainer))) {
    if (!opts.hasTime()) {
      result.finished = false;
      break;
    }
    // Keys are hashed for the steps sent, not for the whole plan.
    const batch = planned.map(keyedStep);
    const pending: JournalEntry[] = batch.map((step) => ({
      time: now().toISOString(),
      runId: opts.runId,
      user: opts.user,
      idempotencyKey: step.idempotencyKey,
      operation: step.operation,
      entity: entityOf(step.ref, opts.chargeContainer),
      lineKeys: journalKeys(step.lineKeys),
      psaId: null,
      before: step.before,
      after: step.after,
      result: 'pending',
      message: '',
    }));
    journal.writeAll(pending);
    const outcomes = applyBatch(psa, batch);
    const at = now().toISOString();
    // A step that certainly sent nothing leaves no journal entry and its row says it waits: the next
    // comparison then knows no push sent it and need not look for it on posted invoices or past lists.
    const unsent = outcomes.map(
      (o, k) => o.status === 'failed' && o.notSent === true && !heldBefore.has(batch[k].idempotencyKey),
    );
    journal.forget(batch.flatMap((s, k) => (unsent[k] ? [s.idempotencyKey] : [])));
    journal.writeAll(
      pending.flatMap((e, k) => {
        if (unsent[k]) return [];
        const o = outcomes[k];
        return [
          {
            ...e,
            time: at,
            psaId: o.status === 'failed' ? null : o.psaId,
            result: o.status,
            message: o.message,
          },
        ];
      }),
    );
    outcomes.forEach((o, k) => {
      if (o.status === 'applied') result.applied++;
      else if (o.status === 'unchanged') result.unchanged++;
      else result.failed++;
      // A grouped charge's rows each say which charge they went to.
      const label = groupedChargeLabel(batch[k]);
      const said: LineResult = unsent[k] ? { status: 'waiting', message: o.message } : o;
      const line: LineResult = label ? { ...said, message: `In ${label}: ${said.message}` } : said;
      for (const key of batch[k].lineKeys) result.byLine.set(key, line);
    });
    if (journal.needsFlush) opts.flushJournal?.();
    done += batch.length;
    opts.onStep?.(done, steps.length);
    // A rate limit that outlasts this execution: stop here, the continuation goes on once it has room.
    if (outcomes.some((o) => o.status === 'failed' && o.continueLater)) {
      result.finished = false;
      break;
    }
    // Past the day's UrlFetch quota every further request fails the same way: stop, resume tomorrow.
    if (outcomes.some((o) => o.status === 'failed' && isDailyQuota(o.message))) {
      result.finished = false;
      result.dailyQuota = true;
      break;
    }
  }
  return result;
}
