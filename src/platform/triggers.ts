/**
 * Time-driven triggers: the monthly push, the optional nightly quantity sync, one-off continuations.
 * Their handlers end in '_': Apps Script's private functions, which triggers can run but the browser
 * cannot call through google.script.run (so nobody starts a scheduled push from the sidebar's console).
 */

export const HANDLERS = {
  monthly: 'runScheduledMonth_',
  nightly: 'runNightlySync_',
  continuation: 'continueJob_',
} as const;

/** The handlers' names before they were private: an older install's triggers, removed on rescheduling. */
const LEGACY: Record<TriggerKind, string> = {
  monthly: 'runScheduledMonth',
  nightly: 'runNightlySync',
  continuation: 'continueJob',
};

export type TriggerKind = keyof typeof HANDLERS;

/** Apps Script allows 20 triggers per user per script; BillGrid needs at most 3. */
export const MAX_TRIGGERS = 20;

export interface TriggerInfo {
  id: string;
  kind: TriggerKind;
}

const kindOf = (handler: string): TriggerKind | null =>
  (Object.keys(HANDLERS) as TriggerKind[]).find((k) => HANDLERS[k] === handler || LEGACY[k] === handler) ??
  null;

export function listTriggers(): TriggerInfo[] {
  const out: TriggerInfo[] = [];
  for (const t of ScriptApp.getProjectTriggers()) {
    const kind = kindOf(t.getHandlerFunction());
    if (kind) out.push({ id: t.getUniqueId(), kind });
  }
  return out;
}

export function deleteTriggers(kind: TriggerKind): number {
  let n = 0;
  for (const t of ScriptApp.getProjectTriggers()) {
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

/**
 * Replaces any existing monthly trigger (never two). The day and hour are the spreadsheet's, as staff set
 * and see them; without inTimezone Google would read them in the script's zone (appsscript.json).
 */
export function scheduleMonthly(dayOfMonth: number, hour: number, timeZone: string): string {
  deleteTriggers('monthly');
  assertRoom();
  return ScriptApp.newTrigger(HANDLERS.monthly)
    .timeBased()
    .onMonthDay(dayOfMonth)
    .atHour(hour)
    .inTimezone(timeZone)
    .create()
    .getUniqueId();
}

export function scheduleNightly(hour: number, timeZone: string): string {
  deleteTriggers('nightly');
  assertRoom();
  return ScriptApp.newTrigger(HANDLERS.nightly)
    .timeBased()
    .everyDays(1)
    .atHour(hour)
    .inTimezone(timeZone)
    .create()
    .getUniqueId();
}

/** One continuation at a time: a job resumes from its checkpoint exactly once. */
export function scheduleContinuation(afterMs: number): string {
  deleteTriggers('continuation');
  assertRoom();
  return ScriptApp.newTrigger(HANDLERS.continuation).timeBased().after(afterMs).create().getUniqueId();
}
