/**
 * The job queue and the single hourly dispatcher per document (issue #24, docs/SECURITY.md "Schedule").
 *
 * Every job BillGrid runs without a person waiting (the monthly push, the nightly sync, the continuation of
 * a push or pull that ran out of time, …) is an entry `{ name, at }` in document properties. One clock
 * trigger per document, created by the recorded schedule owner and firing at most hourly, runs the due
 * jobs; a trigger created by anyone else does nothing, says so in the log and removes itself. An Editor
 * add-on may hold only one clock trigger per user per document, at most hourly: this is that trigger.
 *
 * API for code that wants to run later ("run this job at/after time T"):
 * - `registerJob(name, { run, next? })` once at load: what the job does; `next(now)` makes it recurring
 *   (the time of its following run, computed before it runs).
 * - `runJobAt(name, atMs)` / `runJobAfter(name, ms)`: (re)queue it; one entry per name, the last call wins.
 * - `cancelJob(name)`, `jobAt(name)`.
 * A job's state lives where the job keeps it (e.g. the checkpoint in src/jobs/run.ts); the queue only says
 * when. Due jobs run one per execution (each may use a whole execution's budget), one-off jobs first.
 * Besides the dispatcher, one-off jobs run sooner: in the bound script from a one-off wake-up trigger
 * (Apps Script allows it there), and in both deployments from the open sidebar (`runDueJobs`).
 */
import { z } from 'zod';
import { deployment } from '../platform/deployment';
import { effectiveUserEmail } from '../platform/identity';
import { readJson, writeJson } from '../platform/store';
import { deleteTriggers, ensureDispatcherTrigger, scheduleContinuation } from '../platform/triggers';
import { readScheduleOwner, recordScheduleOwner, triggerMayRun } from './schedule';

export interface JobHandler {
  run(): void;
  /** Recurring jobs: when the next run is due after `now` (null: no more runs). */
  next?(now: number): number | null;
}

const QUEUE_KEY = 'bg.jobs';
const entrySchema = z.lazy(() => z.object({ name: z.string().min(1), at: z.number() }));
const queueSchema = z.array(entrySchema);
export type QueuedJob = z.infer<typeof entrySchema>;

const handlers = new Map<string, JobHandler>();

export function registerJob(name: string, handler: JobHandler): void {
  handlers.set(name, handler);
}

const isOneOff = (name: string): boolean => !handlers.get(name)?.next;

/** The queue as stored; a damaged value reads as empty (its jobs are re-queued by whoever owns them). */
export function queuedJobs(): QueuedJob[] {
  const r = readJson(QUEUE_KEY, queueSchema);
  return r.ok && r.value ? r.value : [];
}

function saveQueue(jobs: QueuedJob[]): void {
  writeJson(QUEUE_KEY, jobs);
}

export function jobAt(name: string): number | null {
  return queuedJobs().find((j) => j.name === name)?.at ?? null;
}

/**
 * Queue `name` to run at or after `atMs` (epoch milliseconds), replacing its earlier entry. `quiet`: in the
 * add-on deployment no dispatcher is made for it (nor its schedule owner recorded): the recorded owner's
 * dispatcher or the open sidebar runs it (a safety net, e.g. the continuation of a push that may be killed).
 */
export function runJobAt(name: string, atMs: number, quiet = false): void {
  saveQueue([...queuedJobs().filter((j) => j.name !== name), { name, at: Math.round(atMs) }]);
  if (!quiet || deployment() === 'bound') wake(name, atMs);
}

export function runJobAfter(name: string, ms: number, now = Date.now()): void {
  runJobAt(name, now + ms);
}

export function cancelJob(name: string): void {
  const jobs = queuedJobs();
  const left = jobs.filter((j) => j.name !== name);
  if (left.length !== jobs.length) saveQueue(left);
  if (isOneOff(name) && !left.some((j) => isOneOff(j.name))) deleteTriggers('continuation');
}

/**
 * Makes sure something will run a job queued for `at`. The dispatcher runs every job; in the bound script
 * a one-off job also gets a wake-up trigger at its time (a continuation need not wait for the hour).
 */
function wake(name: string, at: number): void {
  if (isOneOff(name) && deployment() === 'bound') {
    const first = Math.min(
      at,
      ...queuedJobs()
        .filter((j) => isOneOff(j.name))
        .map((j) => j.at),
    );
    scheduleContinuation(first);
    return;
  }
  ensureDispatcher();
}

/**
 * The current user's dispatcher, when the schedule has no owner whose dispatcher runs: the user becomes
 * its owner. A recorded owner's dispatcher is taken to exist (Google shows nobody else's triggers).
 */
export function ensureDispatcher(): void {
  const me = effectiveUserEmail();
  const owner = readScheduleOwner();
  if (owner?.email && owner.email !== me) return;
  ensureDispatcherTrigger();
  if (owner?.email !== me) recordScheduleOwner(me);
}

/** Removes the due job that runs next (one-off jobs first, then the earliest) and returns it. */
function takeDue(now: number, filter: (name: string) => boolean): QueuedJob | null {
  const jobs = queuedJobs();
  const due = jobs
    .filter((j) => j.at <= now && filter(j.name))
    .sort((a, b) => Number(isOneOff(b.name)) - Number(isOneOff(a.name)) || a.at - b.at)[0];
  if (!due) return null;
  const handler = handlers.get(due.name);
  const next = handler?.next ? handler.next(now) : null;
  // A recurring job moves on before it runs: a run that fails or is cut off is not repeated every hour.
  saveQueue(
    jobs.flatMap((j) =>
      j.name !== due.name ? [j] : next !== null && next !== undefined ? [{ name: j.name, at: next }] : [],
    ),
  );
  return due;
}

/**
 * Runs at most one due job (the name, or null). `only` limits which (the sidebar runs one-off jobs only:
 * a scheduled run belongs to the schedule owner's trigger). An unknown name is dropped and reported.
 */
export function runDueJobs(options: { now?: number; only?: 'one-off' } = {}): string | null {
  const now = options.now ?? Date.now();
  const job = takeDue(now, (name) => options.only !== 'one-off' || isOneOff(name));
  if (!job) return null;
  const handler = handlers.get(job.name);
  if (!handler) {
    console.warn(`BillGrid: no job called '${job.name}'; dropped from the queue`);
    return job.name;
  }
  handler.run();
  return job.name;
}

/** What the dispatcher did in one firing (for the log and tests). */
export type DispatchOutcome = { ran: string | null; left: number } | { skipped: true; message: string };

/**
 * The dispatcher trigger's handler. Only the schedule owner's trigger works; another account's (an admin
 * taken over, a stopped schedule) does nothing, says so and removes itself. A dispatcher with nothing left
 * to run removes itself too; queuing a job installs it again.
 */
export function dispatch(now = Date.now()): DispatchOutcome {
  const may = triggerMayRun(effectiveUserEmail());
  if (!may.ok) {
    deleteTriggers('dispatcher');
    console.warn(`BillGrid dispatcher skipped: ${may.message}`);
    return { skipped: true, message: may.message };
  }
  const ran = runDueJobs({ now });
  const left = queuedJobs().length;
  stopDispatcherIfIdle();
  console.log(`BillGrid dispatcher: ${ran ? `ran ${ran}` : 'nothing due'}; ${left} job(s) queued`);
  return { ran, left };
}

/** With nothing queued, the current user's dispatcher goes and nobody's runs (owner recorded as none). */
export function stopDispatcherIfIdle(): void {
  if (queuedJobs().length > 0) return;
  deleteTriggers('dispatcher');
  recordScheduleOwner(null);
}
