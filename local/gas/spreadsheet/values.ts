/**
 * What Sheets does with a value written through setValue(s), and how it displays a value.
 *
 * Writes behave like Sheets' (en_US locale):
 * - '=…' becomes a formula; "'…" is stored as literal text without the apostrophe;
 * - strings that look like numbers, percentages, currency, fractions ('1 1/2'), TRUE/FALSE, dates or
 *   times are converted ('00123' → 123, '10%' → 0.1, '2026-10-01', 'Oct 2026', 'Jan 5', '1/2' → a Date
 *   at midnight in the spreadsheet's time zone, '10:30' → a time on 1899-12-30), see parseDateText,
 *   unless the cell's number format is plain text ('@');
 * - numbers, booleans and Dates are kept; null/undefined/'' empty the cell.
 */
import type { CellState, StoredValue } from '../state';
import { isDate } from '../service';
import { formatDate, zonedParts, zonedToEpoch } from '../dates';

/** A value as Apps Script returns it from getValues. */
export type JsValue = string | number | boolean | Date;

export interface Written {
  v?: StoredValue;
  f?: string;
}

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function parseNumberText(text: string): number | null {
  let s = text.trim();
  if (!s) return null;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  let percent = false;
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trim();
  }
  s = s.replace(/^([+-]?)\$/, '$1');
  const mixed = /^([+-]?)(\d+) (\d+)\/(\d+)$/.exec(s);
  if (mixed && +mixed[4] !== 0 && +mixed[3] < +mixed[4]) {
    const n = +mixed[2] + +mixed[3] / +mixed[4];
    return (mixed[1] === '-') !== negative ? -n : n;
  }
  if (!/\d/.test(s) || !NUMBER.test(s)) return null;
  let n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n)) return null;
  if (percent) n /= 100;
  return negative ? -n : n;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 'Oct', 'October', 'Sept' → 1..12 (Sheets accepts the full name and any 3+ letter prefix). */
function monthOf(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return null;
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i < 0 ? null : i + 1;
}

/** Two-digit years as Sheets reads them: 00–29 → 20xx, 30–99 → 19xx. */
function fullYear(y: string): number {
  if (y.length > 2) return +y;
  const n = +y;
  return n < 30 ? 2000 + n : 1900 + n;
}

const TIME = String.raw`(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*([ap]\.?m\.?)?`;

/** '10:30', '10:30:15', '3 pm', '10:30 AM' → [h, m, s]; a bare number is not a time. */
function parseTime(t: string): [number, number, number] | null {
  const m = new RegExp(`^${TIME}$`, 'i').exec(t.trim());
  if (!m || (m[2] === undefined && m[4] === undefined)) return null;
  let h = +m[1];
  const ampm = m[4]?.toLowerCase().replace(/\./g, '');
  if (ampm) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return [h, +(m[2] ?? 0), +(m[3] ?? 0)];
}

/**
 * Dates and times Sheets (en_US) recognises in typed text: ISO 'yyyy-m-d', 'yyyy/m/d', 'm/d/yyyy',
 * 'm/d/yy', 'm/d', 'm-d-yyyy', month names ('Oct 2026', 'Jan 5', '5 Jan 2026', 'January 5, 2026',
 * '5-Jan'), each optionally followed by a time; and times alone ('10:30', '3 pm'), which Sheets
 * stores as a time on 1899-12-30. A missing year is the current one; a missing day is the 1st.
 */
function parseDateText(text: string, tz: string, now: number): number | null {
  const s = text.trim().replace(/\s+/g, ' ');
  const timeOnly = parseTime(s);
  if (timeOnly) return checkedDate(1899, 12, 30, ...timeOnly, tz);
  const thisYear = zonedParts(now, tz).year;
  const split = /^(.*?)(?:[ T]((?:\d{1,2}:\d{2}|\d{1,2}\s*[ap]\.?m\.?)[^]*))?$/i.exec(s);
  const datePart = split?.[1] ?? s;
  const time = split?.[2] !== undefined ? parseTime(split[2]) : [0, 0, 0];
  if (!time) return null;
  const [h, mi, se] = time as [number, number, number];
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(datePart);
  if (m) return checkedDate(+m[1], +m[2], +m[3], h, mi, se, tz);
  m = /^(\d{1,2})([-/])(\d{1,2})(?:\2(\d{2}|\d{4}))?$/.exec(datePart);
  if (m) return checkedDate(m[4] ? fullYear(m[4]) : thisYear, +m[1], +m[3], h, mi, se, tz);
  // Month name first: 'Oct 2026', 'Oct-26', 'Jan 5', 'January 5, 2026', 'Jan 5 2026'.
  m = /^([a-z]+\.?)[ -](\d{1,4})(?:,? (\d{2}|\d{4}))?$/i.exec(datePart);
  if (m && monthOf(m[1])) {
    const mo = monthOf(m[1]) as number;
    if (m[3] !== undefined) return checkedDate(fullYear(m[3]), mo, +m[2], h, mi, se, tz);
    if (m[2].length === 4) return checkedDate(+m[2], mo, 1, h, mi, se, tz);
    if (+m[2] > 31) return checkedDate(fullYear(m[2]), mo, 1, h, mi, se, tz);
    return checkedDate(thisYear, mo, +m[2], h, mi, se, tz);
  }
  // Day first: '5 Jan', '5-Jan', '5 Jan 2026', '5-Jan-2026', '5 January, 2026'.
  m = /^(\d{1,2})[ -]([a-z]+\.?)(?:,?[ -](\d{2}|\d{4}))?$/i.exec(datePart);
  if (m && monthOf(m[2])) {
    return checkedDate(m[3] ? fullYear(m[3]) : thisYear, monthOf(m[2]) as number, +m[1], h, mi, se, tz);
  }
  return null;
}

function checkedDate(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  tz: string,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCDate() !== d) return null;
  return zonedToEpoch(y, mo, d, h, mi, s, tz);
}

/** Converts one value written by a script into what the cell stores. */
export function fromWritten(
  value: unknown,
  numberFormat: string | undefined,
  tz: string,
  now: number = Date.now(),
): Written {
  if (value === null || value === undefined) return {};
  if (typeof value === 'number') return Number.isFinite(value) ? { v: value } : { v: '#NUM!' };
  if (typeof value === 'boolean') return { v: value };
  if (isDate(value)) {
    const t = value.getTime();
    return Number.isNaN(t) ? { v: String(value) } : { v: { d: t } };
  }
  const text = String(value);
  if (text === '') return {};
  if (numberFormat === '@') return { v: text };
  if (text.startsWith("'")) return text.length > 1 ? { v: text.slice(1) } : {};
  if (text.startsWith('=') && text.length > 1) return { f: text };
  const n = parseNumberText(text);
  if (n !== null) return { v: n };
  const upper = text.trim().toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return { v: upper === 'TRUE' };
  const d = parseDateText(text, tz, now);
  if (d !== null) return { v: { d } };
  return { v: text };
}

export function toJs(v: StoredValue | undefined): JsValue {
  if (v === undefined) return '';
  if (typeof v === 'object') return new Date(v.d);
  return v;
}

export function isEmptyCell(c: CellState | null | undefined): boolean {
  return !c || (c.v === undefined && c.f === undefined);
}

/** Days since 1899-12-30 in `tz` (Sheets' date serial numbers). */
export function dateToSerial(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  return (wall - Date.UTC(1899, 11, 30)) / 86_400_000;
}

function general(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const s = String(Number(n.toPrecision(10)));
  return s.replace('e+', 'E+').replace('e-', 'E-');
}

function withGrouping(n: number, decimals: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function decimalsOf(fmt: string): number {
  const m = /\.([0#]+)/.exec(fmt);
  return m ? m[1].length : 0;
}

/** Sheets date/time number-format tokens → SimpleDateFormat. */
function sheetsDatePattern(fmt: string): string {
  const tokens = fmt.match(/yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am\/pm|a\/p|"[^"]*"|./gi) ?? [];
  const out: string[] = [];
  tokens.forEach((t, i) => {
    const lower = t.toLowerCase();
    const prev = tokens
      .slice(0, i)
      .reverse()
      .find((x) => /[a-z]/i.test(x));
    const next = tokens.slice(i + 1).find((x) => /[a-z]/i.test(x));
    const hasAmPm = tokens.some((x) => /am\/pm|a\/p/i.test(x));
    if (lower === 'mm' || lower === 'm') {
      const minutes = (prev && /^h/i.test(prev)) || (next && /^s/i.test(next));
      out.push(minutes ? 'mm' : lower === 'mm' ? 'MM' : 'M');
    } else if (lower === 'mmmm') out.push('MMMM');
    else if (lower === 'mmm') out.push('MMM');
    else if (lower === 'dddd') out.push('EEEE');
    else if (lower === 'ddd') out.push('EEE');
    else if (lower === 'dd' || lower === 'd' || lower === 'yyyy' || lower === 'yy') out.push(lower);
    else if (lower === 'hh' || lower === 'h') out.push(hasAmPm ? lower : lower.toUpperCase());
    else if (lower === 'ss' || lower === 's') out.push(lower);
    else if (lower === 'am/pm' || lower === 'a/p') out.push('a');
    else if (t.startsWith('"')) out.push(`'${t.slice(1, -1)}'`);
    else out.push(/[a-z]/i.test(t) ? `'${t}'` : t);
  });
  return out.join('');
}

function isDateFormat(fmt: string): boolean {
  return /[yd]|h+:|:s/i.test(fmt.replace(/"[^"]*"/g, ''));
}

/** The text Sheets shows for a value under a number format (common formats only). */
export function displayText(value: JsValue, fmt: string | undefined, tz: string): string {
  if (value === '') return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value;
  if (isDate(value)) {
    const ms = value.getTime();
    if (fmt && fmt !== '@' && isDateFormat(fmt)) return formatDate(ms, tz, sheetsDatePattern(fmt));
    const p = zonedParts(ms, tz);
    const midnight = p.hour === 0 && p.minute === 0 && p.second === 0;
    return formatDate(ms, tz, midnight ? 'M/d/yyyy' : 'M/d/yyyy H:mm:ss');
  }
  const n = value;
  if (!fmt || fmt === '@' || /^general$/i.test(fmt)) return general(n);
  const positive = fmt.split(';')[0];
  if (isDateFormat(positive)) {
    return formatDate(Date.UTC(1899, 11, 30) + n * 86_400_000, 'UTC', sheetsDatePattern(positive));
  }
  const decimals = decimalsOf(positive);
  if (positive.includes('%')) return `${(n * 100).toFixed(decimals)}%`;
  const currency = /\$/.test(positive) ? '$' : '';
  const body = positive.includes(',') ? withGrouping(Math.abs(n), decimals) : Math.abs(n).toFixed(decimals);
  return `${n < 0 ? '-' : ''}${currency}${body}`;
}
