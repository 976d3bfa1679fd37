/**
 * A vendor record BillGrid cannot bill (a field it cannot read, a value out of range): it still gets a
 * row in the month's tab, with the vendor's values as far as they could be read and the reason in Status,
 * so nothing the vendor charged is invisible. Such a row can never be approved or pushed; a later pull
 * that reads the record correctly turns it back into a normal row (same key when its identity could be
 * read, otherwise matched by the vendor's record id).
 */
import { keyOf, lineIdentity } from './line-key';
import type { RawBillingLine } from './billing-line';

/** The fields a row shows, as far as a connector could read them (text where the value was not usable). */
export const RECORD_FIELDS = [
  'customerId',
  'customerName',
  'subscriptionId',
  'sku',
  'productName',
  'description',
  'periodStart',
  'periodEnd',
  'cycle',
  'chargeType',
  'quantity',
  'unitCost',
  'unitPrice',
  'total',
  'currency',
  'effectiveDate',
  'orderId',
  'recordId',
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];
export type RecordValues = Partial<Record<RecordField, string | number>>;

export interface UnbillableRecord {
  source: string;
  values: RecordValues;
  /** Why it cannot be billed, in the user's words (shown after "Cannot be billed: "). */
  reason: string;
  /** A preview of a charge not invoiced yet (see SourceProblem.preview): shown after "Preview: ". */
  preview?: boolean;
}

/** An unbillable record with its line key. */
export interface KeyedUnbillable extends UnbillableRecord {
  key: string;
}

const text = (v: string | number | undefined): string =>
  typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : (v ?? '').trim();

/** A vendor record's field as it came, when it is text or a usable number (anything else: undefined). */
export function readableField(raw: unknown, key: string): string | number | undefined {
  const x = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) ? x : undefined;
}

/** The fields that could be read, without the ones that could not. */
export function readValues(values: RecordValues): RecordValues {
  return Object.fromEntries(Object.entries(values).filter(([, x]) => x !== undefined)) as RecordValues;
}

/** What a connector produced, whatever its shape, as readable values (for a line core refused). */
export function valuesOf(line: unknown): RecordValues {
  const out: RecordValues = {};
  for (const f of RECORD_FIELDS) {
    const v = readableField(line, f);
    const flag = line && typeof line === 'object' ? (line as Record<string, unknown>)[f] : undefined;
    if (v !== undefined) out[f] = v;
    else if (typeof flag === 'boolean') out[f] = String(flag);
  }
  return out;
}

function identityOf(u: UnbillableRecord): string {
  const v = u.values;
  return lineIdentity({
    source: u.source,
    customerId: text(v.customerId),
    subscriptionId: text(v.subscriptionId),
    sku: text(v.sku),
    chargeType: text(v.chargeType) as RawBillingLine['chargeType'],
    periodStart: text(v.periodStart),
    periodEnd: text(v.periodEnd),
    recordId: text(v.recordId) || undefined,
  });
}

/**
 * Keys for unbillable records: the key the record would have as a normal line (so a later pull that
 * reads it lands on the same row), unless a billable line of this pull already has that key; records
 * that repeat one identity are one row (the first reason is kept).
 */
export function keyUnbillable(
  records: readonly UnbillableRecord[],
  taken: ReadonlySet<string>,
): KeyedUnbillable[] {
  const out = new Map<string, KeyedUnbillable>();
  for (const r of records) {
    const identity = identityOf(r);
    let key = keyOf(identity);
    if (taken.has(key)) key = keyOf(`${identity}\u001funbillable`);
    if (!out.has(key)) out.set(key, { ...r, key });
  }
  return [...out.values()];
}

/** The vendor's own record reference (source and record id), to recognise a record read correctly later. */
export function recordRef(source: string, recordId: string | number | undefined): string | null {
  const id = text(recordId);
  return id ? `${source}\u001f${id}` : null;
}

export const valueText = text;
