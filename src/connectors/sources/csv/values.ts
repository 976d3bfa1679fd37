/**
 * Cell values as distributors' exports write them → numbers and ISO dates, strictly: a value is read
 * only when it can mean one thing under the profile's formats; otherwise the row gets a message naming
 * the column and the value. Cells may be text (CSV) or what a spreadsheet hands over (numbers, Dates).
 */
import { isRealIsoDate } from '../../../core/billing-line';

export type Cell = string | number | boolean | Date | null | undefined;

export const DATE_FORMATS = ['yyyy-mm-dd', 'dd/mm/yyyy', 'mm/dd/yyyy', 'dd.mm.yyyy', 'dd-mmm-yyyy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DECIMAL_MARKS = ['.', ','] as const;
export type DecimalMark = (typeof DECIMAL_MARKS)[number];

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const show = (c: Cell): string => (c instanceof Date ? c.toISOString() : String(c));

/** Text that a spreadsheet would run as a formula (or DDE payload) if written as it is. */
export const looksLikeFormula = (s: string): boolean =>
  /^[=+\-@\t\r]/.test(s) && !/^[+-]?[\d.,\s]+$/.test(s.trim());

export const isBlank = (c: Cell): boolean =>
  c === null || c === undefined || (typeof c === 'string' && c.trim() === '');

/**
 * A number: optional currency sign or code, thousands separators (grouped by three: ',' or '.' — the
 * other one is the decimal mark — and spaces or apostrophes), negatives as '-12', '(12)' or '12-'.
 * "1,5" under a '.' profile is refused rather than read as 15 or 1.5.
 */
export function parseNumber(cell: Cell, label: string, decimal: DecimalMark): Parsed<number> {
  if (typeof cell === 'number') {
    return Number.isFinite(cell)
      ? { ok: true, value: cell }
      : { ok: false, message: `${label} ${cell} is not a usable number` };
  }
  if (isBlank(cell)) return { ok: false, message: `${label} is missing` };
  const raw = show(cell).trim();
  if (/^[=@]/.test(raw) || /^[+-]\s*[A-Za-z]/.test(raw))
    return {
      ok: false,
      message: `${label} '${raw}' looks like a formula; formulas in imported files are never run`,
    };
  let s = raw.replace(/[\u00a0\u202f]/g, ' ');
  let negative = false;
  const bracket = /^\((.*)\)$/.exec(s);
  if (bracket) {
    negative = true;
    s = bracket[1].trim();
  }
  s = s.replace(/^(?:[A-Z]{3}\s*|[$€£¥]\s*)/, '').replace(/(?:\s*[A-Z]{3}|\s*[$€£¥])$/, '');
  const bracket2 = /^\((.*)\)$/.exec(s.trim());
  if (bracket2 && !negative) {
    negative = true;
    s = bracket2[1];
  }
  s = s.trim();
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1).trim();
  } else if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1).trim();
  } else if (s.startsWith('+')) s = s.slice(1).trim();
  s = s.replace(/^[$€£¥]\s*/, '');
  const group = decimal === '.' ? ',' : '.';
  const esc = (c: string) => (c === '.' ? '\\.' : c);
  const pattern = new RegExp(
    `^(\\d{1,3}(?:[${esc(group)} '’]\\d{3})+|\\d+)(?:${esc(decimal)}(\\d+))?$|^${esc(decimal)}(\\d+)$`,
  );
  const m = pattern.exec(s);
  if (!m) {
    if (/^\d+[eE][+-]?\d+$|^\d+\.\d+[eE][+-]?\d+$/.test(s))
      return {
        ok: false,
        message: `${label} '${raw}' is in scientific notation (a spreadsheet shortened it); export it with full digits`,
      };
    if (decimal === '.' && /^\d+,\d{1,2}$/.test(s))
      return {
        ok: false,
        message: `${label} '${raw}' uses a decimal comma, but this profile reads '.' as the decimal mark`,
      };
    if (decimal === ',' && /^\d+\.\d{1,2}$/.test(s))
      return {
        ok: false,
        message: `${label} '${raw}' uses a decimal point, but this profile reads ',' as the decimal mark`,
      };
    return { ok: false, message: `${label} '${raw}' is not a number` };
  }
  const whole = (m[1] ?? '0').replace(/[^\d]/g, '');
  const frac = m[2] ?? m[3] ?? '';
  const value = Number(`${whole}${frac ? `.${frac}` : ''}`);
  return Number.isFinite(value)
    ? { ok: true, value: negative ? -value : value }
    : { ok: false, message: `${label} '${raw}' is not a number` };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Spreadsheet serial day (1899-12-30 epoch, as Sheets and Excel for Windows count). */
function fromSerial(n: number): string {
  const d = new Date(Date.UTC(1899, 11, 30) + Math.round(n) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/**
 * A date under the profile's format. ISO yyyy-mm-dd is always accepted (it cannot be misread); a time
 * after the date is ignored; spreadsheet Dates and serial numbers are taken as they are.
 */
export function parseDate(cell: Cell, label: string, format: DateFormat): Parsed<string> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, message: `${label} is not a date` };
    return { ok: true, value: `${cell.getFullYear()}-${pad(cell.getMonth() + 1)}-${pad(cell.getDate())}` };
  }
  if (typeof cell === 'number') {
    if (cell > 20000 && cell < 80000) return { ok: true, value: fromSerial(cell) };
    return { ok: false, message: `${label} ${cell} is not a date` };
  }
  if (isBlank(cell)) return { ok: false, message: `${label} is missing` };
  const raw = show(cell).trim();
  const s = raw.replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[AP]M)?$/i, '');
  let y: number;
  let mo: number;
  let d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const num = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const named = /^(\d{1,2})[\s-]([A-Za-z]{3})[A-Za-z]*[\s,-]+(\d{4})$/.exec(s);
  const wrong = (): Parsed<string> => ({
    ok: false,
    message: `${label} '${raw}' is not a date in the profile's ${format} form`,
  });
  if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (num && format !== 'yyyy-mm-dd' && format !== 'dd-mmm-yyyy') {
    if (format === 'dd.mm.yyyy' ? !s.includes('.') : !s.includes('/')) return wrong();
    const [a, b] = [Number(num[1]), Number(num[2])];
    [d, mo] = format === 'mm/dd/yyyy' ? [b, a] : [a, b];
    y = Number(num[3]);
    if (mo > 12) {
      return {
        ok: false,
        message: `${label} '${raw}' has no month ${mo}: the file's dates may be ${format === 'mm/dd/yyyy' ? 'dd/mm/yyyy' : 'mm/dd/yyyy'}, not ${format}`,
      };
    }
  } else if (named && format === 'dd-mmm-yyyy') {
    const idx = MONTHS.indexOf(named[2].toLowerCase());
    if (idx < 0) return { ok: false, message: `${label} '${raw}' names no month` };
    [y, mo, d] = [Number(named[3]), idx + 1, Number(named[1])];
  } else return wrong();
  const value = `${y}-${pad(mo)}-${pad(d)}`;
  return isRealIsoDate(value)
    ? { ok: true, value }
    : { ok: false, message: `${label} '${raw}' is not a real date` };
}

/** Which date formats every sample fits (ISO samples fit any); used to suggest a profile's format. */
export function dateFormatsFitting(samples: readonly Cell[]): DateFormat[] {
  return DATE_FORMATS.filter((f) => samples.every((c) => isBlank(c) || parseDate(c, 'd', f).ok));
}

/** The decimal mark the samples imply: ',' when some value only reads with a decimal comma. */
export function decimalFitting(samples: readonly Cell[]): DecimalMark {
  const dot = samples.filter((c) => !isBlank(c) && parseNumber(c, 'n', '.').ok).length;
  const comma = samples.filter((c) => !isBlank(c) && parseNumber(c, 'n', ',').ok).length;
  return comma > dot ? ',' : '.';
}
