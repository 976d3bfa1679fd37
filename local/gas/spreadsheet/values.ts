/**
 * What Sheets does with a value written through setValue(s), and how it displays a value.
 *
 * Writes behave like Sheets' (en_US locale):
 * - '=…' becomes a formula; "'…" is stored as literal text without the apostrophe;
 * - strings that look like numbers, percentages, currency, TRUE/FALSE or dates are converted
 *   ('00123' → 123, '10%' → 0.1, '2026-10-01' → a Date at midnight in the spreadsheet's time zone),
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
  if (!/\d/.test(s) || !NUMBER.test(s)) return null;
  let n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n)) return null;
  if (percent) n /= 100;
  return negative ? -n : n;
}

function parseDateText(text: string, tz: string): number | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) return checkedDate(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), tz);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) return checkedDate(+m[3], +m[1], +m[2], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), tz);
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
export function fromWritten(value: unknown, numberFormat: string | undefined, tz: string): Written {
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
  const d = parseDateText(text, tz);
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
