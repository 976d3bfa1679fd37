/**
 * Twilio usage records of one account → billing lines: zero-priced categories dropped, leaves only
 * (see categories.ts), blocked unless they add up to Twilio's total to the cent, markup applied.
 * Pure: problems are appended to the list passed in.
 */
import { CURRENCIES, parseRawBillingLine, type RawBillingLine } from '../../../core/billing-line';
import type { BillingPeriod, SourceCustomer, SourceProblem } from '../../../core/source';
import { microsToNumber, toMicros } from '../../../core/money';
import { round6, zodReason } from '../common/http-util';
import { TOTAL_CATEGORY, selectBilledCategories, type PricedCategory } from './categories';
import type { TwilioConfig } from './config';
import { usageRecord, type UsageRecord } from './schemas';
import { readValues, readableField, valuesOf, type RecordValues } from '../../../core/unbillable';

export function usageLines(
  c: SourceCustomer,
  raw: unknown[],
  period: BillingPeriod,
  config: Pick<TwilioConfig, 'lineMode' | 'markupPercent'>,
  problems: SourceProblem[],
): RawBillingLine[] {
  const priced: Array<PricedCategory & { record: UsageRecord }> = [];
  const currencies = new Set<string>();
  raw.forEach((r, n) => {
    const rec = usageRecord.safeParse(r);
    const recordId = `${c.id}/${recordLabel(r, n + 1)}`;
    if (!rec.success) {
      problems.push({
        customerId: c.id,
        customerName: c.name,
        recordId,
        message: `Twilio usage record skipped: ${zodReason(rec.error)}`,
        values: readableRecord(c, r, period),
      });
      return;
    }
    const price = rec.data.price ?? 0;
    if (price === 0) return;
    const unit = rec.data.price_unit?.trim().toUpperCase();
    if (!unit || !(CURRENCIES as readonly string[]).includes(unit)) {
      problems.push({
        customerId: c.id,
        customerName: c.name,
        recordId,
        message: unit
          ? `Twilio usage record skipped: currency '${unit}' is not supported`
          : 'Twilio usage record skipped: it has a price but no currency',
        values: readableRecord(c, r, period),
      });
      return;
    }
    currencies.add(unit);
    priced.push({
      category: rec.data.category,
      description: rec.data.description?.trim() || rec.data.category,
      price,
      record: rec.data,
    });
  });
  if (currencies.size > 1) {
    problems.push({
      customerId: c.id,
      customerName: c.name,
      message: `Twilio reported usage in several currencies (${[...currencies].join(', ')}); check this account`,
    });
  }
  const byCategory = new Map(priced.map((p) => [p.category, p.record]));
  const currency = [...currencies][0] ?? 'USD';
  let billed: PricedCategory[];
  if (config.lineMode === 'total') billed = priced.filter((p) => p.category === TOTAL_CATEGORY);
  else {
    const selection = selectBilledCategories(priced);
    if (selection.blocked) {
      // A problem naming the account without a record: this account's rows are left as they are.
      problems.push({
        customerId: c.id,
        customerName: c.name,
        message: `Twilio usage of ${c.name} not billed: ${selection.blocked}`,
      });
      return [];
    }
    billed = selection.billed;
  }
  const lines: RawBillingLine[] = [];
  for (const b of billed) {
    const rec = byCategory.get(b.category);
    const candidate = line(c, b, currency, period, config.markupPercent, rec);
    const parsed = parseRawBillingLine(candidate);
    if (parsed.ok) lines.push(parsed.line);
    else
      problems.push({
        customerId: c.id,
        customerName: c.name,
        recordId: `${c.id}/${b.category}`,
        message: `Twilio line skipped: ${parsed.message}`,
        values: valuesOf(candidate),
      });
  }
  return lines;
}

/** One line: quantity 1 at Twilio's price for the period (usage and unit are in the description). */
function line(
  c: SourceCustomer,
  b: PricedCategory,
  currency: string,
  period: BillingPeriod,
  markupPercent: number,
  rec: UsageRecord | undefined,
): RawBillingLine {
  const cost = microsToNumber(toMicros(b.price));
  const price = round6(cost * (1 + markupPercent / 100));
  // In 'total' mode the record is Twilio's grand total; elsewhere a category or an "other" remainder.
  const isTotalRecord = b.category === TOTAL_CATEGORY && rec !== undefined;
  const productName = isTotalRecord ? 'Twilio usage' : b.description;
  const used =
    rec && !isTotalRecord && rec.usage != null && rec.usage_unit ? ` (${rec.usage} ${rec.usage_unit})` : '';
  return {
    source: 'twilio',
    customerId: c.id,
    customerName: c.name,
    subscriptionId: c.id,
    sku: b.category,
    productName,
    description: `${productName}${used}, ${period.start} to ${period.end}`,
    periodStart: period.start,
    periodEnd: period.end,
    cycle: 'usage',
    chargeType: 'usage',
    quantity: 1,
    unitCost: cost,
    unitPrice: price,
    total: price,
    currency: currency as RawBillingLine['currency'],
    effectiveDate: period.end,
    orderId: '',
  };
}

/** What could be read of a usage record BillGrid cannot bill, as its row shows it (the line's own fields). */
function readableRecord(c: SourceCustomer, raw: unknown, period: BillingPeriod): RecordValues {
  const v = (k: string) => readableField(raw, k);
  const unit = v('price_unit');
  return readValues({
    customerId: c.id,
    customerName: c.name,
    subscriptionId: c.id,
    sku: v('category'),
    productName: v('description'),
    description: v('description'),
    periodStart: period.start,
    periodEnd: period.end,
    cycle: 'usage',
    chargeType: 'usage',
    quantity: 1,
    total: v('price'),
    unitPrice: v('price'),
    currency: typeof unit === 'string' ? unit.toUpperCase() : unit,
  });
}

/** A label for a record in problems: its category when readable, else its position. */
function recordLabel(raw: unknown, position: number): string {
  const category = raw && typeof raw === 'object' ? (raw as { category?: unknown }).category : undefined;
  return typeof category === 'string' && category ? category : `record #${position}`;
}
