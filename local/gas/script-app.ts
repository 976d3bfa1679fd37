/**
 * ScriptApp: installable triggers stored in the state and fired by the emulator clock
 * (see `dueTriggers` / `markFired`, used by fireDueTriggers in env.ts and host.ts).
 * - at most 20 triggers per user per script, as on Google;
 * - a one-off trigger (after/at) fires once and then stays listed (disabled) until deleted, as on
 *   Google, so it still counts towards the 20;
 * - atHour(h)/onMonthDay fire at a minute within the hour chosen once per trigger, as Google does
 *   (option `triggerMinute`), or at nearMinute()'s quarter; the time zone given by inTimezone() is kept
 *   with the trigger for every later firing.
 */
import type { GasState, TriggerSchedule, TriggerState } from './state';
import { nextId } from './state';
import { EmuObject, GAS_CLASS, isDate, unwrap, type Ctx } from './service';
import { GasError } from './execution';
import type { Emulates } from './emulates';
import { zonedParts, zonedToEpoch } from './dates';
import { EmuSpreadsheet } from './spreadsheet/spreadsheet';
import { assertAddonTriggerAllowed, documentOf } from './addon';

type ScriptApp = GoogleAppsScript.Script.ScriptApp;
type Trigger = GoogleAppsScript.Script.Trigger;
type TriggerBuilder = GoogleAppsScript.Script.TriggerBuilder;
type ClockTriggerBuilder = GoogleAppsScript.Script.ClockTriggerBuilder;
type SpreadsheetTriggerBuilder = GoogleAppsScript.Script.SpreadsheetTriggerBuilder;

const names = (...keys: string[]) => Object.freeze(Object.fromEntries(keys.map((k) => [k, k])));

export const AuthMode = names('NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL');
export const TriggerSource = names('SPREADSHEETS', 'CLOCK', 'FORMS', 'DOCUMENTS', 'CALENDAR');
export const EventType = names(
  'CLOCK',
  'ON_OPEN',
  'ON_EDIT',
  'ON_FORM_SUBMIT',
  'ON_CHANGE',
  'ON_EVENT_UPDATED',
);
export const WeekDay = names('SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY');
const WEEKDAYS = Object.keys(WeekDay);

export const TRIGGER_LIMIT = 20;
export const TOO_MANY_TRIGGERS =
  'This script has too many triggers. Triggers must be deleted from the script before more can be added.';

// ---- schedule arithmetic (shared with the hosts) ----

function addDaysWall(ms: number, days: number, tz: string): number {
  const p = zonedParts(ms, tz);
  return zonedToEpoch(p.year, p.month, p.day + days, p.hour, p.minute, 0, tz);
}

/** First firing strictly after `after` (or the one following `prev` for recurring schedules). */
export function nextRun(
  s: TriggerSchedule,
  after: number,
  tz: string,
  prev: number | null = null,
): number | null {
  switch (s.kind) {
    case 'once':
      return prev === null ? s.at : null;
    case 'minutes':
    case 'hours': {
      const step = s.every * (s.kind === 'minutes' ? 60_000 : 3_600_000);
      let t = (prev ?? after) + step;
      while (t <= after) t += step;
      return t;
    }
    case 'days':
    case 'weeks': {
      const stepDays = s.kind === 'days' ? s.every : 7 * s.every;
      let t: number;
      if (prev !== null) {
        t = addDaysWall(prev, stepDays, tz);
      } else {
        const p = zonedParts(after, tz);
        t = zonedToEpoch(p.year, p.month, p.day, s.hour, s.minute, 0, tz);
        if (s.kind === 'weeks') t = addDaysWall(t, (s.weekDay - p.weekday + 7) % 7, tz);
      }
      while (t <= after) t = addDaysWall(t, stepDays, tz);
      return t;
    }
    case 'month': {
      const p = zonedParts(prev ?? after, tz);
      for (let i = 0; i < 48; i++) {
        const y = p.year + Math.floor((p.month - 1 + i) / 12);
        const m = ((p.month - 1 + i) % 12) + 1;
        const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
        if (s.day > daysInMonth) continue;
        const t = zonedToEpoch(y, m, s.day, s.hour, s.minute, 0, tz);
        if (t > after && (prev === null || t > prev)) return t;
      }
      return null;
    }
  }
}

export function dueTriggers(state: GasState, now: number): TriggerState[] {
  return state.triggers
    .filter((t) => t.source === 'CLOCK' && t.nextRunAt !== null && t.nextRunAt <= now)
    .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0));
}

export function markFired(t: TriggerState, now: number, tz: string): void {
  t.runs += 1;
  t.lastRunAt = now;
  const zone = t.schedule && 'timeZone' in t.schedule ? (t.schedule.timeZone ?? tz) : tz;
  t.nextRunAt = t.schedule ? nextRun(t.schedule, now, zone, t.nextRunAt) : null;
}

/** A minute 0–59 that stays the same for the same trigger (FNV-1a of what identifies it). */
export function spreadMinute(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % 60;
}

/** The event object Apps Script passes to a time-driven trigger's handler (fields in UTC). */
export function clockEvent(t: TriggerState, now: number): Record<string, unknown> {
  const d = new Date(now);
  const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    authMode: 'FULL',
    triggerUid: t.id,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    'day-of-month': d.getUTCDate(),
    'day-of-week': d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    'week-of-year': Math.ceil(((now - jan1) / 86_400_000 + new Date(jan1).getUTCDay() + 1) / 7),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    timezone: 'UTC',
  };
}

// ---- service classes ----

export class EmuTrigger
  extends EmuObject
  implements
    Emulates<
      Trigger,
      'getEventType' | 'getHandlerFunction' | 'getTriggerSource' | 'getTriggerSourceId' | 'getUniqueId'
    >
{
  readonly [GAS_CLASS] = 'ScriptApp.Trigger';
  constructor(
    ctx: Ctx,
    readonly _id: string,
  ) {
    super(ctx);
  }
  private _t(): TriggerState {
    const t = this._ctx.rt.state.triggers.find((x) => x.id === this._id);
    if (!t) throw new GasError('This trigger has been deleted.');
    return t;
  }
  getEventType(): string {
    return this._t().eventType;
  }
  getHandlerFunction(): string {
    return this._t().handler;
  }
  getTriggerSource(): string {
    return this._t().source;
  }
  getTriggerSourceId(): string {
    return this._t().sourceId;
  }
  getUniqueId(): string {
    return this._id;
  }
}

function createTrigger(
  ctx: Ctx,
  partial: Omit<TriggerState, 'id' | 'user' | 'lastRunAt' | 'runs' | 'document'>,
): EmuTrigger {
  const state = ctx.rt.state;
  if (state.triggers.filter((t) => t.user === ctx.exec.user).length >= TRIGGER_LIMIT)
    throw new GasError(TOO_MANY_TRIGGERS);
  assertAddonTriggerAllowed(ctx, partial.source === 'CLOCK' ? partial.schedule : null);
  const id = String(8_000_000_000_000_000 + nextId(state) * 7919);
  const document = documentOf(ctx);
  state.triggers.push({ ...partial, id, user: ctx.exec.user, document, lastRunAt: null, runs: 0 });
  return new EmuTrigger(ctx, id);
}

export class EmuClockTriggerBuilder
  extends EmuObject
  implements
    Emulates<
      ClockTriggerBuilder,
      | 'after'
      | 'at'
      | 'atDate'
      | 'atHour'
      | 'create'
      | 'everyDays'
      | 'everyHours'
      | 'everyMinutes'
      | 'everyWeeks'
      | 'inTimezone'
      | 'nearMinute'
      | 'onMonthDay'
      | 'onWeekDay'
    >
{
  readonly [GAS_CLASS] = 'ScriptApp.ClockTriggerBuilder';
  private _once: number | null = null;
  private _every: { unit: 'minutes' | 'hours' | 'days' | 'weeks'; n: number } | null = null;
  private _monthDay: number | null = null;
  private _weekDay: number | null = null;
  private _hour: number | null = null;
  private _minute: number | null = null;
  private _tz: string;

  constructor(
    ctx: Ctx,
    private readonly _handler: string,
  ) {
    super(ctx);
    this._tz = ctx.rt.options.scriptTimeZone;
  }

  after(ms: number): this {
    this._once = this._ctx.rt.now() + Math.max(0, Number(ms));
    return this;
  }
  at(date: GoogleAppsScript.Base.Date): this {
    const d = unwrap(date);
    if (!isDate(d))
      throw new GasError(
        "The parameters (String) don't match the method signature for ScriptApp.ClockTriggerBuilder.at.",
      );
    this._once = d.getTime();
    return this;
  }
  atDate(year: number, month: number, day: number): this {
    this._once = zonedToEpoch(year, month, day, 0, 0, 0, this._tz);
    return this;
  }
  atHour(hour: number): this {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new GasError('Invalid argument: hour');
    this._hour = hour;
    return this;
  }
  nearMinute(minute: number): this {
    this._minute = Math.max(0, Math.min(59, Math.round(minute / 15) * 15));
    return this;
  }
  everyMinutes(n: number): this {
    if (![1, 5, 10, 15, 30].includes(n))
      throw new GasError('The value passed to everyMinutes() must be 1, 5, 10, 15 or 30.');
    this._every = { unit: 'minutes', n };
    return this;
  }
  everyHours(n: number): this {
    if (![1, 2, 4, 6, 8, 12].includes(n))
      throw new GasError('The value passed to everyHours() must be 1, 2, 4, 6, 8 or 12.');
    this._every = { unit: 'hours', n };
    return this;
  }
  everyDays(n: number): this {
    this._every = { unit: 'days', n: Math.max(1, Math.trunc(n)) };
    return this;
  }
  everyWeeks(n: number): this {
    this._every = { unit: 'weeks', n: Math.max(1, Math.trunc(n)) };
    return this;
  }
  onMonthDay(day: number): this {
    if (!Number.isInteger(day) || day < 1 || day > 31) throw new GasError('Invalid argument: day');
    this._monthDay = day;
    return this;
  }
  onWeekDay(day: string): this {
    const i = WEEKDAYS.indexOf(String(day));
    if (i < 0) throw new GasError('Invalid argument: day');
    this._weekDay = i;
    if (!this._every) this._every = { unit: 'weeks', n: 1 };
    return this;
  }
  inTimezone(tz: string): this {
    this._tz = String(tz);
    return this;
  }

  /** nearMinute's quarter, else the minute Google would pick within the hour. */
  private _fireMinute(): number {
    if (this._minute !== null) return this._minute;
    const pinned = this._ctx.rt.options.triggerMinute;
    if (pinned !== 'spread') return pinned;
    const st = this._ctx.rt.state;
    return spreadMinute(
      `${this._handler}|${this._ctx.exec.user}|${st.triggers.length}|${this._ctx.rt.now()}`,
    );
  }

  private _schedule(): TriggerSchedule {
    const hour = this._hour ?? 0;
    if (this._once !== null) return { kind: 'once', at: this._once };
    const at = { hour, minute: this._fireMinute(), timeZone: this._tz };
    if (this._monthDay !== null) return { kind: 'month', day: this._monthDay, ...at };
    if (this._every?.unit === 'weeks') {
      return { kind: 'weeks', every: this._every.n, weekDay: this._weekDay ?? 1, ...at };
    }
    if (this._every?.unit === 'days') return { kind: 'days', every: this._every.n, ...at };
    if (this._every) return { kind: this._every.unit, every: this._every.n };
    throw new GasError(
      'The trigger has no schedule: call after(), at(), everyMinutes/Hours/Days/Weeks() or onMonthDay() first.',
    );
  }

  create(): EmuTrigger {
    const schedule = this._schedule();
    const now = this._ctx.rt.now();
    return createTrigger(this._ctx, {
      handler: this._handler,
      source: 'CLOCK',
      eventType: 'CLOCK',
      sourceId: '',
      schedule,
      nextRunAt: nextRun(schedule, schedule.kind === 'once' ? -Infinity : now, this._tz),
    });
  }
}

export class EmuSpreadsheetTriggerBuilder
  extends EmuObject
  implements Emulates<SpreadsheetTriggerBuilder, 'create' | 'onChange' | 'onEdit' | 'onFormSubmit' | 'onOpen'>
{
  readonly [GAS_CLASS] = 'ScriptApp.SpreadsheetTriggerBuilder';
  private _event = '';
  constructor(
    ctx: Ctx,
    private readonly _handler: string,
    private readonly _sourceId: string,
  ) {
    super(ctx);
  }
  onOpen(): this {
    this._event = 'ON_OPEN';
    return this;
  }
  onEdit(): this {
    this._event = 'ON_EDIT';
    return this;
  }
  onChange(): this {
    this._event = 'ON_CHANGE';
    return this;
  }
  onFormSubmit(): this {
    this._event = 'ON_FORM_SUBMIT';
    return this;
  }
  create(): EmuTrigger {
    if (!this._event)
      throw new GasError(
        'The trigger has no event: call onOpen(), onEdit(), onChange() or onFormSubmit() first.',
      );
    return createTrigger(this._ctx, {
      handler: this._handler,
      source: 'SPREADSHEETS',
      eventType: this._event,
      sourceId: this._sourceId,
      schedule: null,
      nextRunAt: null,
    });
  }
}

export class EmuTriggerBuilder
  extends EmuObject
  implements Emulates<TriggerBuilder, 'timeBased' | 'forSpreadsheet'>
{
  readonly [GAS_CLASS] = 'ScriptApp.TriggerBuilder';
  constructor(
    ctx: Ctx,
    private readonly _handler: string,
  ) {
    super(ctx);
  }
  timeBased(): EmuClockTriggerBuilder {
    return new EmuClockTriggerBuilder(this._ctx, this._handler);
  }
  forSpreadsheet(sheet: EmuSpreadsheet | string): EmuSpreadsheetTriggerBuilder {
    const s = unwrap(sheet);
    const id = s instanceof EmuSpreadsheet ? s.getId() : String(s);
    return new EmuSpreadsheetTriggerBuilder(this._ctx, this._handler, id);
  }
}

export class EmuService
  extends EmuObject
  implements Emulates<GoogleAppsScript.Script.Service, 'getUrl' | 'isEnabled'>
{
  readonly [GAS_CLASS] = 'ScriptApp.Service';
  getUrl(): string {
    return `https://script.google.com/macros/s/${this._ctx.rt.state.scriptId}/exec`;
  }
  isEnabled(): boolean {
    return true;
  }
}

export class EmuAuthorizationInfo extends EmuObject {
  readonly [GAS_CLASS] = 'ScriptApp.AuthorizationInfo';
  getAuthorizationStatus(): string {
    return 'NOT_REQUIRED';
  }
  getAuthorizationUrl(): string | null {
    return null;
  }
}

export class EmuScriptApp
  extends EmuObject
  implements
    Emulates<
      ScriptApp,
      | 'deleteTrigger'
      | 'getOAuthToken'
      | 'getProjectTriggers'
      | 'getScriptId'
      | 'getService'
      | 'newTrigger'
      | 'getUserTriggers'
    >
{
  readonly [GAS_CLASS] = 'ScriptApp';
  readonly AuthMode = AuthMode;
  readonly TriggerSource = TriggerSource;
  readonly EventType = EventType;
  readonly WeekDay = WeekDay;
  readonly AuthorizationStatus = names('REQUIRED', 'NOT_REQUIRED');
  readonly InstallationSource = names('APPS_MARKETPLACE_DOMAIN_ADD_ON', 'NONE', 'WEB_STORE_ADD_ON');

  newTrigger(functionName: string): EmuTriggerBuilder {
    if (typeof functionName !== 'string' || !functionName)
      throw new GasError('Invalid argument: functionName');
    return new EmuTriggerBuilder(this._ctx, functionName);
  }
  getProjectTriggers(): EmuTrigger[] {
    return this._ctx.rt.state.triggers
      .filter((t) => t.user === this._ctx.exec.user)
      .map((t) => new EmuTrigger(this._ctx, t.id));
  }
  /** The user's triggers in that spreadsheet: its document triggers and the clock triggers created there. */
  getUserTriggers(spreadsheet: EmuSpreadsheet): EmuTrigger[] {
    const id = unwrap(spreadsheet).getId();
    const home = this._ctx.rt.state.activeSpreadsheetId;
    return this._ctx.rt.state.triggers
      .filter(
        (t) =>
          t.user === this._ctx.exec.user &&
          (t.sourceId === id || (t.source === 'CLOCK' && (t.document ?? home) === id)),
      )
      .map((t) => new EmuTrigger(this._ctx, t.id));
  }
  deleteTrigger(trigger: EmuTrigger): void {
    const t = unwrap(trigger);
    if (!(t instanceof EmuTrigger))
      throw new GasError(
        "The parameters (Object) don't match the method signature for ScriptApp.deleteTrigger.",
      );
    this._ctx.rt.state.triggers = this._ctx.rt.state.triggers.filter((x) => x.id !== t._id);
  }
  getOAuthToken(): string {
    return `ya29.emulated-${this._ctx.exec.user.replace(/[^a-z0-9]/gi, '')}`;
  }
  getScriptId(): string {
    return this._ctx.rt.state.scriptId;
  }
  getService(): EmuService {
    return new EmuService(this._ctx);
  }
  getAuthorizationInfo(_authMode: string): EmuAuthorizationInfo {
    return new EmuAuthorizationInfo(this._ctx);
  }
  getInstallationSource(): string {
    return this._ctx.rt.options.deployment === 'addon' ? 'APPS_MARKETPLACE_DOMAIN_ADD_ON' : 'NONE';
  }
}
