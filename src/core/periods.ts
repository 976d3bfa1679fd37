import {
  addMonths,
  differenceInCalendarDays,
  endOfMonth,
  format,
  getDaysInMonth,
  isAfter,
  isBefore,
  max as maxDate,
  min as minDate,
  parseISO,
  startOfMonth,
} from 'date-fns';
import { daysInMonth, isRealIsoDate } from './billing-line';
import type { ChargeType } from './billing-line';
import type { ArrearsMode } from './settings';
import type { BillingPeriod } from './source';

/**
 * P32 billing periods. A billing month is 'yyyy-mm'; periods are ISO dates, end inclusive.
 * Calendar dates do not depend on a time zone; "which month is it now" does, so that takes one.
 * date-fns works on local Date values here; we only ever format them back to dates, never to instants.
 */

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isBillingMonth(month: string): boolean {
  return MONTH.test(month);
}

function monthStart(month: string): Date {
  if (typeof month !== 'string' || !MONTH.test(month)) {
    throw new PeriodError(`Billing month '${String(month)}' is not in yyyy-mm form (e.g. 2026-10)`);
  }
  return parseISO(`${month}-01`);
}

function day(iso: string, label = 'Date'): Date {
  if (typeof iso !== 'string' || !isRealIsoDate(iso)) {
    throw new PeriodError(`${label} '${String(iso)}' is not a real date in yyyy-mm-dd form`);
  }
  return parseISO(iso);
}

const ymd = (d: Date): string => format(d, 'yyyy-MM-dd');
const ym = (d: Date): string => format(d, 'yyyy-MM');

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new PeriodError(`Time zone '${timeZone}' is not known`);
  }
}

/** First and last day of a billing month, e.g. '2026-10' → 2026-10-01 … 2026-10-31. */
export function billingPeriod(month: string, timeZone = 'UTC'): BillingPeriod {
  assertTimeZone(timeZone);
  const s = monthStart(month);
  return { month, start: ymd(s), end: ymd(endOfMonth(s)) };
}

/** The billing month containing `now` in the spreadsheet's time zone. */
export function currentBillingMonth(now: Date, timeZone: string): string {
  assertTimeZone(timeZone);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(now);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

export const previousMonth = (month: string): string => ym(addMonths(monthStart(month), -1));

/**
 * The month after a billing month, and the month of an ISO date: string arithmetic (they run for every
 * arrears line of a pull), with the same checks and messages as the Date-based functions above.
 */
export function nextMonth(month: string): string {
  if (typeof month !== 'string' || !MONTH.test(month)) monthStart(month); // throws the usual message
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12
    ? `${String(y + 1).padStart(4, '0')}-01`
    : `${month.slice(0, 5)}${m < 9 ? '0' : ''}${m + 1}`;
}

export function monthOf(isoDate: string): string {
  if (typeof isoDate !== 'string' || !isRealIsoDate(isoDate)) day(isoDate); // throws the usual message
  return isoDate.slice(0, 7);
}

/** The last day of a billing month as an ISO date, e.g. '2026-02' → '2026-02-28'. */
function lastDayOf(month: string): string {
  if (typeof month !== 'string' || !MONTH.test(month)) monthStart(month); // throws the usual message
  return `${month}-${daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))}`;
}

/**
 * The billing month whose invoice carries usage that ended on `periodEnd`:
 * 'most-recent' → the month the usage ended in (its invoice is the most recent one when usage closes);
 * 'next'        → the month after.
 */
export function arrearsBillingMonth(periodEnd: string, mode: ArrearsMode): string {
  const m = monthOf(periodEnd);
  return mode === 'next' ? nextMonth(m) : m;
}

const isArrears = (t: ChargeType): boolean => t === 'arrears' || t === 'usage';

/** The billing month a line lands on: arrears/usage by the arrears mode, anything else by its period start. */
export function billingMonthOf(
  line: { chargeType: ChargeType; periodStart: string; periodEnd: string },
  mode: ArrearsMode,
): string {
  return isArrears(line.chargeType) ? arrearsBillingMonth(line.periodEnd, mode) : monthOf(line.periodStart);
}

/**
 * Where an arrears/usage line is billed: its billing month by the arrears mode, and its effective date (the
 * PSA's charge/effective date) kept inside that month — 'next' moves it to the 1st of the following month.
 * Other lines are billed as they are.
 */
export function billedOn(
  line: { chargeType: ChargeType; periodStart: string; periodEnd: string; effectiveDate: string },
  mode: ArrearsMode,
): { billingMonth: string; effectiveDate: string } {
  const billingMonth = billingMonthOf(line, mode);
  if (!isArrears(line.chargeType)) return { billingMonth, effectiveDate: line.effectiveDate };
  const first = `${billingMonth}-01`;
  const last = lastDayOf(billingMonth);
  const d = line.effectiveDate;
  return { billingMonth, effectiveDate: d < first ? first : d > last ? last : d };
}

export interface Proration {
  /** Days of the line's period inside the billing month. */
  days: number;
  /** Days in the billing month. */
  daysInPeriod: number;
  /** days / daysInPeriod, 0–1. */
  fraction: number;
}

/** How much of a billing month (default: the month the period starts in) a partial period covers. */
export function proration(periodStart: string, periodEnd: string, month?: string): Proration {
  const s = day(periodStart, 'Period start');
  const e = day(periodEnd, 'Period end');
  if (isBefore(e, s)) throw new PeriodError(`Period end ${periodEnd} is before period start ${periodStart}`);
  const ms = month ? monthStart(month) : startOfMonth(s);
  const me = endOfMonth(ms);
  const daysInPeriod = getDaysInMonth(ms);
  const from = maxDate([s, ms]);
  const to = minDate([e, me]);
  const days = isAfter(from, to) ? 0 : differenceInCalendarDays(to, from) + 1;
  return { days, daysInPeriod, fraction: days / daysInPeriod };
}

/**
 * Crayon's rules for PSA contracts billed in arrears: the contract must start on or before the first
 * usage synced, and on the 1st of a month or the PSA prorates the first invoice.
 */
export function contractStartWarnings(contractStart: string, firstUsage: string | null): string[] {
  const start = day(contractStart, 'Contract start');
  const out: string[] = [];
  if (firstUsage !== null && isAfter(start, day(firstUsage, 'First usage'))) {
    out.push(
      `Contract starts ${contractStart}, after the first usage on ${firstUsage}; that usage cannot be billed on it`,
    );
  }
  if (start.getDate() !== 1) {
    out.push(
      `Contract starts ${contractStart}, not on the 1st of a month; the PSA will prorate its first invoice`,
    );
  }
  return out;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as a person reads it in a time zone, with the offset, e.g. '2026-11-05 09:12:03.000 +13:00'
 * for 2026-11-04T20:12:03Z in Pacific/Auckland. Lossless: `instantOfZoned` gives the ISO instant back.
 * Intl, not Utilities.formatDate, so a Ledger of thousands of rows costs no Apps Script calls.
 */
export function zonedTimestamp(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  let f = zoneFormats.get(timeZone);
  if (!f) {
    assertTimeZone(timeZone);
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, millis);
  const offsetMin = Math.round((local - ms) / 60_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)} ` +
    `${two(p.hour)}:${two(p.minute)}:${two(p.second)}.${String(millis).padStart(3, '0')} ` +
    `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

const ZONED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{3})?) ([+-]\d{2}:\d{2})$/;

/** The ISO instant of a `zonedTimestamp` text; null for any other text. */
export function instantOfZoned(text: string): string | null {
  const m = ZONED.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3]}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
