/**
 * One Pax8 invoice item → one BillGrid line. Pax8's item `type` says what the charge is (subscription,
 * prorate, one-time, credits…) and `term` how it is billed (Monthly, Annual, Arrears for Azure usage…).
 */
import { addDays, addMonths, format, parseISO } from 'date-fns';
import {
  CURRENCIES,
  parseRawBillingLine,
  type BillingCycle,
  type ChargeType,
  type RawBillingLine,
} from '../../../core/billing-line';
import { toMicros, unitPriceFor } from '../../../core/money';
import { round6 } from '../common/http-util';
import type { Pax8Invoice, Pax8InvoiceItem } from './schemas';
import { readValues, readableField, type RecordValues } from '../../../core/unbillable';

const TERM_CYCLE: Record<string, BillingCycle> = {
  monthly: 'monthly',
  annual: 'annual',
  '1 year': 'annual',
  '2 year': 'annual',
  '2-year': 'annual',
  '3 year': 'annual',
  '3-year': 'annual',
  trial: 'monthly',
  arrears: 'usage',
  'one-time': 'one-time',
  activation: 'one-time',
  rebate: 'one-time',
};

/** Item types that are charges or credits to pass on; payment credits are payments, not charges. */
const TYPE_CHARGE: Record<string, ChargeType | 'skip'> = {
  subscription: 'recurring',
  prorate: 'pro-rata',
  'one-time': 'one-off',
  'service-charge': 'one-off',
  rebate: 'one-off',
  'service-credit': 'one-off',
  'invoice-credit': 'one-off',
  'payment-credit': 'skip',
};

/**
 * Azure consumption (plan/arrears), not a licence that merely has "Azure" in its name (Azure AD P1).
 * Pax8's Azure SKU families: MST-AZR… (Azure plan), AZR-ARR-… (arrears usage) are consumption;
 * MST-ARI… are reserved instances — a commitment billed like a licence, never dropped or collapsed as usage.
 */
export function isAzureConsumption(item: Pax8InvoiceItem): boolean {
  const sku = (item.sku ?? '').trim().toUpperCase();
  if (sku.startsWith('MST-ARI')) return false;
  if (sku.startsWith('MST-AZR') || sku.startsWith('AZR-ARR-')) return true;
  const text = [item.productName, item.description, item.sku, item.vendorName].filter(Boolean).join(' ');
  if (!/azure/i.test(text)) return false;
  return (
    (item.term ?? '').toLowerCase() === 'arrears' ||
    /\bazure (plan|subscription|consumption|usage)\b/i.test(text)
  );
}

/**
 * Pax8 sometimes states a period as [start, start + n months) — e.g. 2019-04-01 to 2019-05-01 — and
 * sometimes inclusive (2025-02-01 to 2025-02-28). Lines carry inclusive ends, so the exclusive form is
 * moved back one day.
 */
export function inclusiveEnd(start: string, end: string): string {
  const s = parseISO(start);
  for (const months of [1, 3, 12, 24, 36]) {
    if (format(addMonths(s, months), 'yyyy-MM-dd') === end)
      return format(addDays(parseISO(end), -1), 'yyyy-MM-dd');
  }
  return end;
}

export type ItemOutcome = { ok: true; line: RawBillingLine } | { ok: false; message: string; skip?: boolean };

export interface ItemContext {
  invoice: Pax8Invoice;
  companyName: string | undefined;
  /** The company is set up for bill-on-behalf: Pax8 invoices its end customer directly. */
  billOnBehalf?: boolean;
  /** The subscription's billing term, when the item's own term does not say. */
  subscriptionTerm: string | undefined;
}

export function itemToLine(item: Pax8InvoiceItem, ctx: ItemContext): ItemOutcome {
  const type = item.type.trim().toLowerCase();
  const kind = TYPE_CHARGE[type];
  if (kind === undefined) return { ok: false, message: `item type '${item.type}' is not one BillGrid knows` };
  if (kind === 'skip') {
    return {
      ok: false,
      skip: true,
      message: 'payment credit left out: it is a payment to Pax8, not a charge to bill',
    };
  }
  if (item.billedByPax8 === true || ctx.billOnBehalf === true) {
    return {
      ok: false,
      skip: true,
      message:
        item.billedByPax8 === true
          ? 'billed by Pax8 directly to the client (billedByPax8), so not billed again'
          : 'the company is bill-on-behalf (Pax8 invoices the client directly), so not billed again',
    };
  }
  const term = (item.term ?? '').trim().toLowerCase();
  const arrears = term === 'arrears';
  const chargeType: ChargeType = kind === 'recurring' && arrears ? 'arrears' : kind;
  let cycle: BillingCycle | undefined;
  if (chargeType === 'one-off') cycle = 'one-time';
  else if (chargeType === 'arrears') cycle = 'usage';
  else cycle = TERM_CYCLE[term] ?? TERM_CYCLE[(ctx.subscriptionTerm ?? '').trim().toLowerCase()];
  if (!cycle) return { ok: false, message: `billing term '${item.term ?? ''}' is not one BillGrid knows` };

  const sku = item.sku?.trim() || item.productId?.trim();
  if (!sku) return { ok: false, message: 'the item has no SKU or product id' };
  const currency = (item.currencyCode ?? ctx.invoice.currencyCode ?? '').trim().toUpperCase();
  if (!currency) return { ok: false, message: 'the item has no currency' };
  if (!(CURRENCIES as readonly string[]).includes(currency)) {
    return { ok: false, message: `currency '${currency}' is not supported` };
  }
  const priced = pricing(item);
  if (!priced.ok) return priced;
  const { unitPrice, unitCost, total } = priced;

  const periodEnd = inclusiveEnd(item.startPeriod, item.endPeriod);
  const productName = item.productName?.trim() || item.description?.trim() || sku;
  const what = item.description?.trim() || productName;
  const rate = (item.rateType ?? '').trim().toLowerCase();
  const priceNote =
    unitPrice !== item.price
      ? ` (${rate && rate !== 'single' ? `${rate} price` : 'priced'}: ${total} for ${item.quantity})`
      : '';
  const line = {
    source: 'pax8',
    customerId: item.companyId,
    customerName: ctx.companyName ?? item.companyName?.trim() ?? '',
    subscriptionId: item.subscriptionId ?? '',
    sku,
    productName,
    description: `${what}${item.details ? ` (${item.details})` : ''}${priceNote}, ${item.startPeriod} to ${periodEnd}`,
    periodStart: item.startPeriod,
    periodEnd,
    cycle,
    chargeType,
    quantity: item.quantity,
    unitCost: round6(unitCost),
    unitPrice,
    total,
    currency,
    effectiveDate: chargeType === 'arrears' ? periodEnd : item.startPeriod,
    orderId: '',
    recordId: item.id,
    ...(isAzureConsumption(item) ? { tags: ['azure'] } : {}),
  };
  const parsed = parseRawBillingLine(line);
  return parsed.ok ? { ok: true, line: parsed.line } : { ok: false, message: parsed.message };
}

type Priced =
  { ok: true; unitPrice: number; unitCost: number; total: number } | { ok: false; message: string };

/**
 * What the client owes is Pax8's `total`; a PSA bills quantity × unit price. For per-unit items the two
 * agree and Pax8's price is kept. For flat, volume and tiered items (and any total that includes fees)
 * they do not: the unit price is derived from the total so that quantity × unit price = total to the
 * cent, and when no such price exists the item is refused rather than billed at a wrong amount.
 */
function pricing(item: Pax8InvoiceItem): Priced {
  const total = item.total ?? item.quantity * item.price;
  const cost =
    item.costTotal !== undefined && item.quantity !== 0
      ? item.costTotal / item.quantity
      : (item.cost ?? undefined);
  if (cost === undefined) return { ok: false, message: 'the item has no cost' };
  const listed = toMicros(item.quantity) * toMicros(item.price);
  const sameAsListed = listed === toMicros(total) * 1_000_000n;
  const flat = (item.chargeType ?? '').trim().toLowerCase() === 'flat';
  if (sameAsListed && !flat) {
    return { ok: true, unitPrice: item.price, unitCost: item.cost ?? cost, total: round6(total) };
  }
  const unitPrice = unitPriceFor(total, item.quantity);
  if (unitPrice === null) {
    return {
      ok: false,
      message: `Pax8's total ${total} for quantity ${item.quantity} cannot be billed as quantity × a unit price to the cent; bill this item by hand`,
    };
  }
  return { ok: true, unitPrice, unitCost: cost, total: round6(total) };
}

/**
 * What could be read of an invoice item BillGrid cannot bill, for its row in the month's tab: each field
 * as Pax8 sent it when it is text or a number (a malformed value is shown as it came).
 */
export function readableItem(raw: unknown, companyName: string | undefined, currency?: string): RecordValues {
  const v = (k: string) => readableField(raw, k);
  return readValues({
    customerId: v('companyId'),
    customerName: companyName ?? v('companyName'),
    subscriptionId: v('subscriptionId'),
    sku: v('sku') || v('productId'),
    productName: v('productName'),
    description: v('description'),
    periodStart: v('startPeriod'),
    periodEnd: v('endPeriod'),
    quantity: v('quantity'),
    unitCost: v('cost'),
    unitPrice: v('price'),
    total: v('total'),
    currency: v('currencyCode') ?? currency,
    recordId: v('id'),
  });
}
