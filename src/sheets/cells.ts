/**
 * Reading what people leave in cells: typed numbers, pasted text, dates Sheets converted, checkboxes.
 * These turn a cell into what the core zod schemas expect, leaving anything unusable as it is so the
 * schema's message quotes it ("Quantity 'ten' is not a number").
 */
import type { CellValue } from '../platform/spreadsheet';

/** Turns a date cell into yyyy-mm-dd (in the spreadsheet's time zone; supplied by the caller). */
export type DateText = (d: Date) => string;

/** Fallback date formatter (local time); the grid passes the spreadsheet's time zone one. */
export const localIsoDate: DateText = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Text cell, exactly as it stands (a vendor's leading tab or space is part of the text): numbers typed
 * into an id column become their digits; dates become yyyy-mm-dd.
 */
export function cellText(v: unknown, dateText: DateText = localIsoDate): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return String(v);
}

const PLAIN_NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

/**
 * Number cell: a number stays; text that is plainly a number (pasted as text, e.g. "12.50" or "1,234")
 * becomes one; blank becomes '' (the schema says "is missing"); anything else is left for the message.
 */
export function cellNumber(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (isBlank(v)) return '';
  if (typeof v === 'string') {
    const s = v.trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
    return PLAIN_NUMBER.test(s) ? Number(s) : v.trim();
  }
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

/** Date cell: a Date (Sheets converted a typed date) becomes yyyy-mm-dd; text is trimmed; blank is ''. */
export function cellDate(v: unknown, dateText: DateText = localIsoDate): unknown {
  if (v instanceof Date) return dateText(v);
  if (isBlank(v)) return '';
  if (typeof v === 'string') return v.trim();
  return v;
}

/** Enumerations are compared in their canonical case ('Recurring' → 'recurring', 'usd' → 'USD'). */
export const cellLower = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toLowerCase() : v);
export const cellUpper = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toUpperCase() : v);

/** Checkbox cell: TRUE/FALSE (also as pasted text); blank is unticked. Anything else is an error (null). */
export function cellCheckbox(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (isBlank(v)) return false;
  if (typeof v === 'string') {
    const s = v.trim().toUpperCase();
    if (s === 'TRUE') return true;
    if (s === 'FALSE') return false;
  }
  return null;
}

/** Two cells hold the same value (numbers within rounding noise, text ignoring outer spaces). */
export function sameCell(a: unknown, b: unknown): boolean {
  const na = typeof a === 'number' ? a : null;
  const nb = typeof b === 'number' ? b : null;
  if (na !== null && nb !== null) return Math.abs(na - nb) < 1e-9;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return cellText(a).trim() === cellText(b).trim() && (na === null) === (nb === null);
}

/** A value for JSON (the hidden Pulled values record): dates as text. */
export const jsonCell = (v: CellValue | null | undefined): string | number | boolean =>
  v === null || v === undefined ? '' : v instanceof Date ? localIsoDate(v) : v;
