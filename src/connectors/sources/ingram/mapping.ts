/**
 * Ingram Micro order and invoice lines → BillGrid lines (pure). Every line is a one-off sale with the
 * Ingram order number as `orderId` (so a PSA billing "a new invoice per order" gets one per order) and
 * a record id made of Ingram's own ids, so keys stay the same across re-pulls.
 */
import { parseRawBillingLine, type RawBillingLine } from '../../../core/billing-line';
import { round6 } from '../common/http-util';
import type { IngramInvoiceLine, IngramOrderLine } from './schemas';

export const INGRAM_SOURCE_ID = 'ingram';

/**
 * Ingram has no end-customer id: the end user is a name typed on each order. Its normalised form (trimmed,
 * single spaces, upper case, as Ingram stores it) is the customer id, so one client's orders group together.
 */
export const customerIdOf = (companyName: string): string =>
  companyName.trim().replace(/\s+/g, ' ').toUpperCase();

const MAX_SERIALS = 50;

/** Serial numbers as one readable tail: "S/N A1, A2" (at most 50, then "+n more"). */
export function serialText(serials: readonly string[]): string {
  const list = serials.map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return '';
  const shown = list.slice(0, MAX_SERIALS).join(', ');
  return `S/N ${shown}${list.length > MAX_SERIALS ? ` (+${list.length - MAX_SERIALS} more)` : ''}`;
}

export function orderLineSerials(line: IngramOrderLine): string[] {
  return (line.shipmentDetails ?? []).flatMap((s) =>
    (s.carrierDetails ?? []).flatMap((c) =>
      (c.trackingDetails ?? []).flatMap((t) => (t.serialNumbers ?? []).map((n) => n.serialNumber ?? '')),
    ),
  );
}

export interface LineContext {
  orderNumber: string;
  /** yyyy-mm-dd: the order date (orders) or the invoice date (invoices). */
  date: string;
  customerName: string;
  purchaseOrder?: string | null;
  invoiceNumber?: string;
  currency: string;
  markupPercent: number;
}

interface Sale {
  lineNumber: string;
  sku: string;
  productName: string;
  quantity: number;
  unitCost: number;
  extendedPrice?: number | null;
  currency?: string | null;
  serials: string[];
  subscription?: { id: string; start?: string | null; end?: string | null; term?: string | null };
}

const dateOnly = (s: string | null | undefined): string | undefined =>
  s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : undefined;

/** A term such as "12 Months" or "1 Year" → annual; shorter → monthly. */
function cycleOf(term: string | null | undefined): 'annual' | 'monthly' | 'one-time' {
  if (!term) return 'one-time';
  const m = /(\d+)\s*(month|year)/i.exec(term);
  if (!m) return 'one-time';
  const months = Number(m[1]) * (m[2].toLowerCase() === 'year' ? 12 : 1);
  return months >= 12 ? 'annual' : 'monthly';
}

function toLine(
  sale: Sale,
  ctx: LineContext,
): { ok: true; line: RawBillingLine } | { ok: false; message: string } {
  if (sale.extendedPrice !== undefined && sale.extendedPrice !== null) {
    const expected = sale.quantity * sale.unitCost;
    if (Math.abs(expected - sale.extendedPrice) > 0.011) {
      return {
        ok: false,
        message: `extended price ${sale.extendedPrice} is not quantity ${sale.quantity} × unit price ${sale.unitCost}; not billed until it is checked`,
      };
    }
  }
  const price = round6(sale.unitCost * (1 + ctx.markupPercent / 100));
  const sub = sale.subscription;
  const start = (sub && dateOnly(sub.start)) ?? ctx.date;
  const end = (sub && dateOnly(sub.end)) ?? start;
  const where = ctx.invoiceNumber
    ? `Ingram invoice ${ctx.invoiceNumber}, order ${ctx.orderNumber}`
    : `Ingram order ${ctx.orderNumber}`;
  const parts = [
    sale.productName || sale.sku,
    `${where}${ctx.purchaseOrder ? `, PO ${ctx.purchaseOrder}` : ''}`,
    sub?.id ? `subscription ${sub.id}${sub.term ? ` (${sub.term})` : ''}` : '',
    serialText(sale.serials),
  ].filter(Boolean);
  return parseRawBillingLine({
    source: INGRAM_SOURCE_ID,
    customerId: customerIdOf(ctx.customerName),
    customerName: ctx.customerName,
    subscriptionId: sub?.id ?? '',
    sku: sale.sku,
    productName: sale.productName,
    description: parts.join(' — '),
    periodStart: start,
    periodEnd: end < start ? start : end,
    cycle: cycleOf(sub?.term),
    chargeType: 'one-off',
    quantity: sale.quantity,
    unitCost: sale.unitCost,
    unitPrice: price,
    total: round6(sale.quantity * price),
    currency: (sale.currency || ctx.currency || '').toUpperCase(),
    effectiveDate: ctx.date,
    orderId: ctx.orderNumber,
    recordId: `${ctx.invoiceNumber ?? ctx.orderNumber}/${sale.lineNumber}`,
  });
}

const skuOf = (l: { vendorPartNumber?: string | null; ingramPartNumber?: string | null }): string =>
  (l.vendorPartNumber || l.ingramPartNumber || '').trim();

export function orderLineToLine(line: IngramOrderLine, ctx: LineContext) {
  const sub = line.serviceContractInfo?.subscriptions;
  return toLine(
    {
      lineNumber: line.ingramOrderLineNumber,
      sku: skuOf(line),
      productName: (line.partDescription ?? '').trim(),
      quantity: line.quantityOrdered,
      unitCost: line.unitPrice,
      extendedPrice: line.extendedPrice,
      currency: line.currencyCode,
      serials: orderLineSerials(line),
      subscription: sub?.subscriptionId
        ? {
            id: sub.subscriptionId,
            start: sub.subcriptionStartDate,
            end: sub.subcriptionEndDate,
            term: sub.subscriptionTerm,
          }
        : undefined,
    },
    ctx,
  );
}

export function invoiceLineToLine(line: IngramInvoiceLine, ctx: LineContext) {
  return toLine(
    {
      lineNumber: line.ingramLineNumber,
      sku: skuOf(line),
      productName: (line.productDescription ?? '').trim(),
      quantity: line.quantity,
      unitCost: line.unitPrice,
      extendedPrice: line.extendedPrice,
      currency: line.currencyCode,
      serials: (line.serialNumbers ?? []).map((s) => s.serialNumber ?? ''),
    },
    ctx,
  );
}
