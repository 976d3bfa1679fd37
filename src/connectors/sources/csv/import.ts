/**
 * One vendor export + its import profile → BillGrid lines for a billing month, row by row: every row
 * either becomes exactly one line or is listed with its row number and the reason. Problems with the
 * file as a whole (no header, a column the profile needs is absent, the wrong delimiter) are a FileError:
 * nothing is imported from a file BillGrid cannot read with confidence.
 *
 * Line keys: the identity of a line (source `csv-<profile>`, customer, SKU, charge type, period and the
 * file's record id when the profile maps one) never includes amounts, names or the row's position, so a
 * re-import of an edited file updates its lines; a row gone from the file is "Removed at source".
 */
import {
  NEGATIVE_QUANTITY_ALLOWED,
  parseRawBillingLine,
  type ChargeType,
  type RawBillingLine,
} from '../../../core/billing-line';
import type { BillingPeriod } from '../../../core/source';
import {
  DEFAULT_CHARGE_WORDS,
  FIELD_LABELS,
  IMPORT_FIELDS,
  normaliseHeader,
  type ImportField,
  type ImportProfile,
} from './profile';
import { decodeBytes, detectDelimiter, FileError, parseCsv } from './text';
import { isBlank, looksLikeFormula, parseDate, parseNumber, type Cell, type Parsed } from './values';

export interface ImportInput {
  /** Cells as read: CSV text, or a spreadsheet's values (numbers, Dates) for an XLSX converted by Sheets. */
  rows: Cell[][];
  /** The row number a user sees for each row (file line or sheet row); index + 1 when absent. */
  rowNumbers?: number[];
  /** E.g. the encoding guess; shown with the preview. */
  notes?: string[];
}

export interface RowFailure {
  row: number;
  message: string;
}

export interface ImportResult {
  lines: RawBillingLine[];
  /** The row each line came from (parallel to `lines`). */
  lineRows: number[];
  failures: RowFailure[];
  notes: string[];
  headerRow: number;
  dataRows: number;
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;
const MAX_HEADER_SEARCH = 10;

/** The connector's id (registry `IMPORTS`): never a source id itself; each profile's integration is below it. */
export const IMPORT_CONNECTOR_ID = 'file-import';

/** The integration (source id) of a profile: in line keys and mapping tabs, so stable once billed. */
export const sourceIdOf = (profile: Pick<ImportProfile, 'id'>): string =>
  `${IMPORT_CONNECTOR_ID}-${profile.id}`;

/** A CSV file (bytes or text) → rows for `importRows`, with the encoding note when there is one. */
export function readCsvFile(
  file: ArrayLike<number> | string,
  profile?: Pick<ImportProfile, 'delimiter'>,
): ImportInput {
  const decoded = typeof file === 'string' ? { text: file, note: undefined } : decodeBytes(file);
  const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
  if (text.trim() === '') throw new FileError('The file is empty');
  const delimiter = profile?.delimiter ?? detectDelimiter(text);
  const { rows, rowLines } = parseCsv(text, delimiter);
  return { rows, rowNumbers: rowLines, notes: decoded.note ? [decoded.note] : [] };
}

const text = (c: Cell): string =>
  isBlank(c) ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c).trim();

/** The customer id a name gives when the file has no id column: trimmed, single spaces, upper case. */
export const customerIdFromName = (name: string): string => name.trim().replace(/\s+/g, ' ').toUpperCase();

/** First day of the month before the one `iso` (yyyy-mm-dd) is in. */
function monthBefore(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

function cycleOf(t: ChargeType) {
  return t === 'usage' || t === 'arrears'
    ? ('usage' as const)
    : t === 'one-off'
      ? ('one-time' as const)
      : ('monthly' as const);
}

/** Which fields a profile must map for a row to be billable. */
function checkProfile(p: ImportProfile): void {
  const c = p.columns;
  const missing: string[] = [];
  if (!c.customer && !c.customerId) missing.push('Customer (or Customer id)');
  if (!c.sku) missing.push('SKU');
  if (!c.unitCost && !c.unitPrice && !c.totalCost && !c.totalPrice) missing.push('a cost, price or total');
  if (missing.length) throw new FileError(`Profile '${p.name}' maps no column to ${missing.join(', ')}`);
}

/** The header row: among the first rows, the one holding the most of the profile's columns. */
function findHeader(
  rows: Cell[][],
  p: ImportProfile,
): { index: number; at: Partial<Record<ImportField, number>> } {
  const wanted = IMPORT_FIELDS.flatMap((f) =>
    p.columns[f] ? [[f, normaliseHeader(p.columns[f])] as const] : [],
  );
  let best = { index: -1, found: -1, at: {} as Partial<Record<ImportField, number>> };
  rows.slice(0, MAX_HEADER_SEARCH).forEach((row, index) => {
    const norm = row.map((c) => normaliseHeader(text(c)));
    const at: Partial<Record<ImportField, number>> = {};
    for (const [f, h] of wanted) {
      const i = norm.indexOf(h);
      if (i >= 0) at[f] = i;
    }
    const found = Object.keys(at).length;
    if (found > best.found) best = { index, found, at };
  });
  if (best.found < wanted.length) {
    const first = rows[best.index] ?? rows[0] ?? [];
    const lone = first.length === 1 ? text(first[0]) : '';
    const other = [';', '\t', '|', ','].find((d) => lone.includes(d));
    if (other) {
      const name = other === '\t' ? 'tabs' : `'${other}'`;
      throw new FileError(
        `The header row is one single column containing ${name}: the file is separated by ${name}, not by what the profile expects`,
      );
    }
    const absent = wanted
      .filter(([f]) => best.at[f] === undefined)
      .map(([f]) => `'${p.columns[f]}' (${FIELD_LABELS[f]})`);
    const seen = first.map(text).filter(Boolean).slice(0, 12).join(', ');
    throw new FileError(
      `Column${absent.length > 1 ? 's' : ''} ${absent.join(', ')} of profile '${p.name}' ${absent.length > 1 ? 'are' : 'is'} not in the file's header (found: ${seen || 'nothing'})`,
    );
  }
  return { index: best.index, at: best.at };
}

function chargeTypeOf(raw: string, p: ImportProfile): Parsed<ChargeType> {
  if (raw === '') return { ok: true, value: p.defaultChargeType };
  const key = normaliseHeader(raw);
  const mapped = Object.entries(p.chargeTypes).find(([k]) => normaliseHeader(k) === key)?.[1];
  const value =
    mapped ??
    DEFAULT_CHARGE_WORDS[key] ??
    (['recurring', 'pro-rata', 'arrears', 'usage', 'one-off'] as const).find(
      (t) => normaliseHeader(t) === key,
    );
  return value
    ? { ok: true, value }
    : {
        ok: false,
        message: `Charge type '${raw}' is not known: add it to the profile's charge types (recurring, pro-rata, arrears, usage, one-off)`,
      };
}

type RowOutcome = { ok: true; line: RawBillingLine; notes: string[] } | { ok: false; message: string };

function readRow(
  row: Cell[],
  at: Partial<Record<ImportField, number>>,
  p: ImportProfile,
  period: BillingPeriod,
  chargeTypes: (raw: string) => Parsed<ChargeType>,
): RowOutcome {
  const cell = (f: ImportField): Cell => (at[f] === undefined ? undefined : row[at[f]]);
  const notes: string[] = [];
  const str = (f: ImportField): string => {
    const v = text(cell(f));
    if (v && looksLikeFormula(v))
      notes.push(
        `${FIELD_LABELS[f]} '${v.slice(0, 40)}' starts like a formula; it is kept as text and never run`,
      );
    return v;
  };
  const num = (f: ImportField): Parsed<number> | undefined =>
    at[f] === undefined ? undefined : parseNumber(cell(f), FIELD_LABELS[f], p.decimal);
  const fail = (message: string): RowOutcome => ({ ok: false, message });

  const customerName = str('customer');
  const customerId = str('customerId') || (customerName ? customerIdFromName(customerName) : '');
  if (!customerId) return fail('Customer is missing');
  const sku = str('sku');
  if (!sku) return fail('SKU is missing');
  if (/^\d+(\.\d+)?E\+\d+$/i.test(sku))
    return fail(`SKU '${sku}' was shortened by a spreadsheet (scientific notation); export it as text`);

  const sign = p.sign === 'invert' ? -1 : 1;
  const qtyParsed = num('quantity') ?? { ok: true as const, value: 1 };
  if (!qtyParsed.ok) return fail(qtyParsed.message);
  const quantity = qtyParsed.value * (p.sign === 'invert' && qtyParsed.value < 0 ? -1 : 1);
  const amounts: Partial<Record<'unitCost' | 'unitPrice' | 'totalCost' | 'totalPrice', number>> = {};
  for (const f of ['unitCost', 'unitPrice', 'totalCost', 'totalPrice'] as const) {
    if (at[f] === undefined) continue;
    // A blank cost beside a price (or the reverse) is allowed; a blank in the only money column is not.
    if (
      isBlank(cell(f)) &&
      (['unitCost', 'unitPrice', 'totalCost', 'totalPrice'] as const).some(
        (g) => g !== f && at[g] !== undefined && !isBlank(cell(g)),
      )
    )
      continue;
    const r = num(f)!;
    if (!r.ok) return fail(r.message);
    amounts[f] = r.value * sign;
  }
  const per = (total: number | undefined): number | undefined => {
    if (total === undefined) return undefined;
    if (quantity === 0) return total === 0 ? 0 : Number.NaN;
    return round6(total / quantity);
  };
  let unitCost = amounts.unitCost ?? per(amounts.totalCost);
  let unitPrice = amounts.unitPrice ?? per(amounts.totalPrice);
  if (Number.isNaN(unitCost) || Number.isNaN(unitPrice))
    return fail(`Quantity is 0 but the total is not: the unit amount cannot be worked out`);
  if (unitPrice === undefined && unitCost !== undefined)
    unitPrice = round6(unitCost * (1 + p.markupPercent / 100));
  if (unitCost === undefined) unitCost = 0;
  if (unitPrice === undefined) return fail('No price: the row has neither a price nor a cost');
  const total = amounts.totalPrice ?? round6(quantity * unitPrice);
  if (
    amounts.totalPrice !== undefined &&
    amounts.unitPrice !== undefined &&
    Math.abs(quantity * amounts.unitPrice - amounts.totalPrice) > 0.011
  )
    return fail(
      `Total price ${amounts.totalPrice} is not quantity ${quantity} × unit price ${amounts.unitPrice}`,
    );
  if (
    amounts.totalCost !== undefined &&
    amounts.unitCost !== undefined &&
    Math.abs(quantity * amounts.unitCost - amounts.totalCost) > 0.011
  )
    return fail(
      `Total cost ${amounts.totalCost} is not quantity ${quantity} × unit cost ${amounts.unitCost}`,
    );

  const rawCurrency = str('currency').toUpperCase();
  const currency = rawCurrency || p.defaultCurrency || '';
  if (!currency) return fail('Currency is missing (the profile has no default currency)');

  let periodStart = period.start;
  let periodEnd = period.end;
  if (at.periodStart !== undefined) {
    const s = parseDate(cell('periodStart'), 'Period start', p.dateFormat);
    if (!s.ok) return fail(s.message);
    periodStart = s.value;
    periodEnd = s.value;
  }
  if (at.periodEnd !== undefined) {
    const e = parseDate(cell('periodEnd'), 'Period end', p.dateFormat);
    if (!e.ok) return fail(e.message);
    periodEnd = e.value;
    if (at.periodStart === undefined) periodStart = e.value;
  }
  // Usage and arrears are billed after the fact: the month before the billing month is theirs too.
  const ct = chargeTypes(str('chargeType'));
  if (!ct.ok) return fail(ct.message);
  const earliest = ct.value === 'usage' || ct.value === 'arrears' ? monthBefore(period.start) : period.start;
  if (periodEnd < earliest || periodStart > period.end) {
    return fail(
      `The row is for ${periodStart}${periodEnd !== periodStart ? ` to ${periodEnd}` : ''}, outside ${period.month} (${period.start} to ${period.end})`,
    );
  }
  if (quantity < 0 && !NEGATIVE_QUANTITY_ALLOWED.includes(ct.value) && p.sign === 'as-is') {
    return fail(
      `Quantity ${quantity} cannot be negative for a ${ct.value} charge (a credit? map its type to one-off or pro-rata)`,
    );
  }
  const productName = str('productName');
  const parsed = parseRawBillingLine({
    source: sourceIdOf(p),
    customerId,
    customerName: customerName || customerId,
    subscriptionId: '',
    sku,
    productName: productName || sku,
    description: str('description') || productName || sku,
    periodStart,
    periodEnd,
    cycle: cycleOf(ct.value),
    chargeType: ct.value,
    quantity,
    unitCost,
    unitPrice,
    total,
    currency,
    effectiveDate: periodStart,
    orderId: '',
    recordId: str('recordId') || undefined,
  });
  return parsed.ok ? { ok: true, line: parsed.line, notes } : fail(parsed.message);
}

/** Every row of the file → a line or a failure. Throws FileError when the file cannot be read at all. */
export function importRows(input: ImportInput, profile: ImportProfile, period: BillingPeriod): ImportResult {
  checkProfile(profile);
  const rows = input.rows;
  if (rows.length === 0 || rows.every((r) => r.every(isBlank))) throw new FileError('The file is empty');
  const rowNo = (i: number) => input.rowNumbers?.[i] ?? i + 1;
  const { index, at } = findHeader(rows, profile);
  const width = rows[index].length;
  const lines: RawBillingLine[] = [];
  const lineRows: number[] = [];
  const failures: RowFailure[] = [];
  const notes = [...(input.notes ?? [])];
  const seen = new Map<string, number>();
  // A file repeats a handful of charge-type words: read each once.
  const typeCache = new Map<string, Parsed<ChargeType>>();
  const chargeTypes = (raw: string): Parsed<ChargeType> => {
    let r = typeCache.get(raw);
    if (!r) typeCache.set(raw, (r = chargeTypeOf(raw, profile)));
    return r;
  };
  let dataRows = 0;
  for (let i = index + 1; i < rows.length; i++) {
    const row = rows[i];
    if (row.every(isBlank)) continue;
    dataRows++;
    const n = rowNo(i);
    if (row.length < width || row.slice(width).some((c) => !isBlank(c))) {
      failures.push({
        row: n,
        message: `Row ${n} has ${row.length} cells but the header has ${width}: a delimiter inside an unquoted cell, or a cell missing`,
      });
      continue;
    }
    const signature = row.slice(0, width).map(text).join('\u001f');
    const earlier = seen.get(signature);
    if (earlier !== undefined && profile.duplicates === 'refuse') {
      failures.push({
        row: n,
        message: `Row ${n} repeats row ${earlier} exactly and is not imported twice (if both are real charges, set the profile to keep repeats)`,
      });
      continue;
    }
    if (earlier === undefined) seen.set(signature, n);
    const out = readRow(row, at, profile, period, chargeTypes);
    if (out.ok) {
      lines.push(out.line);
      lineRows.push(n);
      for (const note of out.notes) notes.push(`Row ${n}: ${note}`);
    } else failures.push({ row: n, message: `Row ${n}: ${out.message}` });
  }
  if (dataRows === 0) notes.push('The file has a header but no data rows');
  return { lines, lineRows, failures, notes, headerRow: rowNo(index), dataRows };
}

export interface PreviewRow {
  row: number;
  customer: string;
  customerId: string;
  sku: string;
  description: string;
  chargeType: ChargeType;
  quantity: number;
  unitCost: number;
  unitPrice: number;
  total: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

export interface ImportPreview {
  /** Set when nothing can be imported; then the other lists are empty. */
  fileError?: string;
  columns: Array<{ field: ImportField; label: string; column: string }>;
  /** The first rows as they will land in the grid. */
  sample: PreviewRow[];
  /** Every row that will not be imported, with its reason. */
  failures: RowFailure[];
  notes: string[];
  counts: { rows: number; ok: number; failed: number };
}

/** What an import would do, without doing it: the sidebar shows this before the user confirms. */
export function previewImport(
  input: ImportInput,
  profile: ImportProfile,
  period: BillingPeriod,
  sampleSize = 10,
): ImportPreview {
  const columns = IMPORT_FIELDS.flatMap((f) =>
    profile.columns[f] ? [{ field: f, label: FIELD_LABELS[f], column: profile.columns[f] }] : [],
  );
  try {
    const r = importRows(input, profile, period);
    return {
      columns,
      sample: r.lines.slice(0, sampleSize).map((l, k) => ({
        row: r.lineRows[k],
        customer: l.customerName,
        customerId: l.customerId,
        sku: l.sku,
        description: l.description,
        chargeType: l.chargeType,
        quantity: l.quantity,
        unitCost: l.unitCost,
        unitPrice: l.unitPrice,
        total: l.total,
        currency: l.currency,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
      })),
      failures: r.failures,
      notes: r.notes,
      counts: { rows: r.dataRows, ok: r.lines.length, failed: r.failures.length },
    };
  } catch (err) {
    if (!(err instanceof FileError)) throw err;
    return {
      fileError: err.message,
      columns,
      sample: [],
      failures: [],
      notes: input.notes ?? [],
      counts: { rows: 0, ok: 0, failed: 0 },
    };
  }
}
