/**
 * One Crayon billing record → one BillGrid line. A record with meter columns is Azure consumption (billed
 * in arrears for the usage period); a seat record's ChargeType says whether it is the cycle fee or a
 * pro-rata charge/credit for a mid-cycle change; a one-time statement's records are one-off charges.
 * The line's cycle comes from the subscription's billingCycle (annual prepaid seats → 'annual', so they
 * can go to a fixed-price contract), else from the charge period's length.
 */
import { addDays, addMonths, differenceInCalendarDays, format, parseISO } from 'date-fns';
import {
  CURRENCIES,
  isRealIsoDate,
  parseRawBillingLine,
  type BillingCycle,
  type ChargeType,
  type RawBillingLine,
} from '../../../core/billing-line';
import { round6 } from '../common/http-util';
import type { CrayonRecord, CrayonStatement, CrayonSubscription, CrayonTenant } from './schemas';

/** Crayon BillingCycleEnum (SDK): 1 Monthly, 2 Annual, 3 None, 4 OneTime, 5 BiAnnually, 7 TwoYears, 8 ThreeYears, 9 Quarterly. */
const CYCLE: Record<number, BillingCycle | 'unsupported'> = {
  1: 'monthly',
  2: 'annual',
  4: 'one-time',
  5: 'unsupported',
  7: 'annual',
  8: 'annual',
  9: 'unsupported',
};

/** Provision types of billing statements (apidocs): Seat 1, Usage 2, OneTime 3. */
export const PROVISION = { seat: 1, usage: 2, oneTime: 3 } as const;

/**
 * Microsoft's charge types as Crayon passes them on (e.g. 'Cycle fee', 'Prorate fees for add quantity',
 * 'Prorate credit for remove quantity'; NCE: 'cycleCharge', 'new', 'addQuantity', 'removeQuantity',
 * 'cancelImmediate', 'renew'). Unverified beyond these forms: anything else is reported, not guessed.
 */
export function chargeKind(chargeType: string): ChargeType | undefined {
  const t = chargeType.toLowerCase().replace(/[\s_-]+/g, '');
  if (/cyclefee|cyclecharge|renew|recurring/.test(t)) return 'recurring';
  if (/prorat|addquantity|removequantity|new|purchase|cancel|convert|credit|refund/.test(t))
    return 'pro-rata';
  if (/onetime/.test(t)) return 'one-off';
  return undefined;
}

/** The date part of Crayon's date-times ('2026-10-01T00:00:00', '2026-10-01T00:00:00+00:00'). */
function dateOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const d = value.slice(0, 10);
  return isRealIsoDate(d) ? d : undefined;
}

/** A period stated as [start, start + n months) ends the day before; lines carry inclusive ends. */
function inclusiveEnd(start: string, end: string): string {
  const s = parseISO(start);
  for (const months of [1, 12, 24, 36]) {
    if (format(addMonths(s, months), 'yyyy-MM-dd') === end)
      return format(addDays(parseISO(end), -1), 'yyyy-MM-dd');
  }
  return end;
}

export interface RecordContext {
  statement: CrayonStatement;
  /** The statement's invoice-profile currency. */
  currency: string | undefined;
  tenant: CrayonTenant | undefined;
  subscription: CrayonSubscription | undefined;
}

export type RecordOutcome = { ok: true; line: RawBillingLine } | { ok: false; message: string };

export function recordToLine(r: CrayonRecord, ctx: RecordContext): RecordOutcome {
  if (!ctx.tenant) {
    return {
      ok: false,
      message: `no Crayon customer tenant matches '${r.TenantPrimaryDomain ?? r.CompanyName ?? '(no tenant)'}'`,
    };
  }
  const currency = (r.Currency ?? ctx.currency ?? '').toUpperCase();
  if (!currency) return { ok: false, message: 'the record has no currency' };
  if (ctx.currency && r.Currency && r.Currency.toUpperCase() !== ctx.currency.toUpperCase()) {
    return {
      ok: false,
      message: `currency ${r.Currency} differs from the invoice profile's ${ctx.currency}`,
    };
  }
  if (!(CURRENCIES as readonly string[]).includes(currency)) {
    return { ok: false, message: `currency '${currency}' is not supported` };
  }

  const azure = Boolean(r.MeterId);
  let chargeType: ChargeType;
  let start: string | undefined;
  let end: string | undefined;
  if (azure) {
    chargeType = 'arrears';
    start = dateOf(r.ProductStartDate);
    end = dateOf(r.ProductEndDate);
  } else if (ctx.statement.provisionType === PROVISION.oneTime && !r.ChargeStartDate) {
    chargeType = 'one-off';
    start = dateOf(r.OrderDate) ?? dateOf(ctx.statement.startDate);
    end = start;
  } else {
    const kind = chargeKind(r.ChargeType ?? '');
    if (!kind) return { ok: false, message: `charge type '${r.ChargeType ?? ''}' is not one BillGrid knows` };
    chargeType = kind;
    start = dateOf(r.ChargeStartDate);
    end = dateOf(r.ChargeEndDate);
  }
  if (!start)
    return {
      ok: false,
      message: `the charge start date '${(azure ? r.ProductStartDate : r.ChargeStartDate) ?? ''}' is not a real date`,
    };
  if (!end)
    return {
      ok: false,
      message: `the charge end date '${(azure ? r.ProductEndDate : r.ChargeEndDate) ?? ''}' is not a real date`,
    };
  end = inclusiveEnd(start, end);

  let cycle: BillingCycle;
  if (azure) cycle = 'usage';
  else if (chargeType === 'one-off') cycle = 'one-time';
  else {
    const fromSub = ctx.subscription?.billingCycle ? CYCLE[ctx.subscription.billingCycle] : undefined;
    if (fromSub === 'unsupported') {
      return {
        ok: false,
        message: `billing cycle ${ctx.subscription?.billingCycle} (quarterly or bi-annual) is not one BillGrid bills`,
      };
    }
    // No usable cycle on the subscription: a charge covering about a year is an annual prepayment.
    cycle =
      fromSub ?? (differenceInCalendarDays(parseISO(end), parseISO(start)) >= 360 ? 'annual' : 'monthly');
  }

  const sku = azure
    ? (r.ProductId ?? r.ProductSku)
    : (ctx.subscription?.product?.partNumber ?? ctx.subscription?.partNumber ?? r.ProductId);
  if (!sku) return { ok: false, message: 'the record has no product id' };
  const productName =
    (azure ? 'Azure plan' : undefined) ??
    r.OfferName ??
    ctx.subscription?.product?.itemName ??
    r.SkuName ??
    r.ProductName ??
    r.SubscriptionName ??
    sku;

  // A credit: Microsoft states the removed seats as a positive quantity with a negative amount.
  const total = r.ResellerSalesPriceTotal ?? round6(r.Quantity * (r.ResellerSalesUnitPrice ?? r.UnitPrice));
  const quantity = total < 0 && r.Quantity > 0 ? -r.Quantity : r.Quantity;
  const unitPrice = r.ResellerSalesUnitPrice ?? r.UnitPrice;

  const term = ctx.subscription?.termDuration;
  const termNote =
    cycle === 'monthly' && term && /^P\d+Y$/.test(term)
      ? ` (${term.slice(1, -1)}-year term, billed monthly)`
      : '';
  const what = azure
    ? `${r.MeterName ?? 'Azure'}${r.Category ? ` (${[r.Category, r.Subcategory].filter(Boolean).join(' / ')})` : ''}`
    : `${productName}${r.ChargeType ? `, ${r.ChargeType}` : ''}${termNote}`;

  const line = {
    source: 'crayon',
    customerId: String(ctx.tenant.id),
    customerName: ctx.tenant.name,
    subscriptionId: r.SubscriptionId ?? '',
    sku,
    productName,
    description: `${what}, ${start} to ${end}`,
    periodStart: start,
    periodEnd: end,
    cycle,
    chargeType,
    quantity,
    unitCost: round6(r.UnitPrice),
    unitPrice: round6(unitPrice),
    total: round6(total),
    currency,
    effectiveDate: chargeType === 'arrears' ? end : start,
    orderId: '',
    // Crayon's ids for the charge: the publisher subscription and the meter (Azure) or charge type.
    recordId: [r.SubscriptionId ?? '', azure ? r.MeterId : (r.ChargeType ?? ''), start].join('|'),
    ...(azure ? { tags: ['azure'] } : {}),
  };
  const parsed = parseRawBillingLine(line);
  return parsed.ok ? { ok: true, line: parsed.line } : { ok: false, message: parsed.message };
}
