/**
 * Time-driven triggers. BillGrid keeps one recurring trigger per document, the hourly dispatcher
 * (src/jobs/dispatcher.ts), which runs the monthly push, the nightly sync and continuations from the job
 * queue in document properties: an Editor add-on may hold one clock trigger per user per document, at
 * most hourly. The bound script may also set a one-off wake-up for a continuation due within the hour.
 * Handlers end in '_': Apps Script's private functions, which triggers can run but the browser cannot
 * call through google.script.run (so nobody starts a scheduled push from the sidebar's console).
 */

export const HANDLERS = {
  dispatcher: 'dispatchJobs_',
  /** One-off wake-up for a continuation (bound script only). */
  continuation: 'continueJob_',
  /** Before the dispatcher: recurring triggers of their own, removed when the schedule is migrated. */
  monthly: 'runScheduledMonth_',
  nightly: 'runNightlySync_',
} as const;

/** The handlers' names before they were private: an older install's triggers, removed on rescheduling. */
const LEGACY: Partial<Record<TriggerKind, string>> = {
  monthly: 'runScheduledMonth',
  nightly: 'runNightlySync',
  continuation: 'continueJob',
};

export type TriggerKind = keyof typeof HANDLERS;

/** Apps Script allows 20 triggers per user per script; BillGrid needs at most 2. */
export const MAX_TRIGGERS = 20;

export interface TriggerInfo {
  id: string;
  kind: TriggerKind;
}

const kindOf = (handler: string): TriggerKind | null =>
  (Object.keys(HANDLERS) as TriggerKind[]).find((k) => HANDLERS[k] === handler || LEGACY[k] === handler) ??
  null;

/**
 * The current user's triggers in this spreadsheet. In an add-on, getProjectTriggers() would also list the
 * user's triggers in every other document the add-on serves; getUserTriggers(spreadsheet) does not.
 */
function myTriggers(): GoogleAppsScript.Script.Trigger[] {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  return ss ? ScriptApp.getUserTriggers(ss) : ScriptApp.getProjectTriggers();
}

export function listTriggers(): TriggerInfo[] {
  const out: TriggerInfo[] = [];
  for (const t of myTriggers()) {
    const kind = kindOf(t.getHandlerFunction());
    if (kind) out.push({ id: t.getUniqueId(), kind });
  }
  return out;
}

export function deleteTriggers(kind: TriggerKind): number {
  let n = 0;
  for (const t of myTriggers()) {
    if (kindOf(t.getHandlerFunction()) === kind) {
      ScriptApp.deleteTrigger(t);
      n++;
    }
  }
  return n;
}

function assertRoom(): void {
  if (ScriptApp.getProjectTriggers().length >= MAX_TRIGGERS) {
    throw new Error(
      `This script already has ${MAX_TRIGGERS} triggers, Apps Script's limit; remove one first.`,
    );
  }
}

/** The current user's hourly dispatcher in this document, created unless it exists. True when created. */
export function ensureDispatcherTrigger(): boolean {
  if (listTriggers().some((t) => t.kind === 'dispatcher')) return false;
  assertRoom();
  ScriptApp.newTrigger(HANDLERS.dispatcher).timeBased().everyHours(1).create();
  return true;
}

/**
 * One wake-up at a time, at an absolute time (the one the job was queued for: `after(ms)` would count from
 * a later moment, and the job would not be due yet when it fires).
 */
export function scheduleContinuation(atMs: number): string {
  deleteTriggers('continuation');
  assertRoom();
  return ScriptApp.newTrigger(HANDLERS.continuation)
    .timeBased()
    .at(new Date(Math.max(atMs, Date.now())))
    .create()
    .getUniqueId();
}
