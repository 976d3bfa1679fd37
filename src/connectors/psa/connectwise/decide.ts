/**
 * Pure decisions for one push step, given the agreement's additions as ConnectWise holds them right now.
 * Convergent by construction: an addition holds an absolute quantity, so a re-run that finds the wanted
 * quantity sends nothing; a charge is found by the line key in its invoice description before anything is
 * created. Billed history is never deleted: a quantity that drops to 0 cancels its addition (cancelledDate).
 */
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import type { PushStep } from '../../../core/psa';
import { sameMoney, sameQuantity } from '../../../core/reconcile';
import type { Proration } from './config';
import type { CwAddition } from './schemas';

export interface Change {
  method: 'post' | 'patch';
  path: string;
  body: unknown;
  what: string;
}

export type Decision =
  | { kind: 'unchanged'; psaId: string; message: string }
  /** Changes sent in order; each needs the previous one to have landed. */
  | { kind: 'send'; changes: Change[]; psaId: string | null }
  | { kind: 'fail'; message: string; retryable: boolean };

/** ConnectWise's invoiceDescription length is not documented (SOURCES.md): BillGrid stays well under any plausible limit. */
export const INVOICE_DESCRIPTION_MAX = 200;
const KEY_IN_TEXT = new RegExp(LINE_KEY_PATTERN.source.replace(/^\^|\$$/g, ''));

/** The line key an addition's invoice description carries (BillGrid's charges), or null. */
export function lineKeyOf(text: string | null | undefined): string | null {
  return text ? (KEY_IN_TEXT.exec(text)?.[0] ?? null) : null;
}

/** Invoice description of a charge: what the client reads, then the line key that lets a re-run find it. */
export function chargeDescription(step: PushStep, lineKey: string): string {
  const suffix = ` (${lineKey})`;
  const label = (
    step.after.description ||
    step.after.productName ||
    step.after.sku ||
    'BillGrid charge'
  ).trim();
  const room = INVOICE_DESCRIPTION_MAX - suffix.length;
  return (label.length > room ? `${label.slice(0, room - 1)}…` : label) + suffix;
}

const fmt = (n: number): string => String(Math.round(n * 10_000) / 10_000);
const instant = (d: string): string => `${d}T00:00:00Z`;

/** The 1st of the month of `iso`, and of the month after. */
export const monthStart = (iso: string): string => `${iso.slice(0, 7)}-01`;
export function nextMonthStart(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Quantity additions (not BillGrid charges) of one product that are not cancelled on or before `date`. */
export function openAdditions(
  additions: readonly CwAddition[],
  productId: number,
  date: string,
): CwAddition[] {
  return additions.filter(
    (a) =>
      a.product.id === productId &&
      !lineKeyOf(a.invoiceDescription) &&
      (!a.cancelledDate || a.cancelledDate > date),
  );
}

const patch = (fields: Record<string, unknown>) =>
  Object.entries(fields).map(([path, value]) => ({ op: 'replace', path, value }));

/**
 * A new quantity addition from the step's date. It continues the product's latest addition on this
 * agreement (its invoice description and billCustomer) when there is one, so a change made in two
 * requests ends the same whether or not a crash came between them.
 */
function addition(step: PushStep, base: string, productId: number, additions: readonly CwAddition[]): Change {
  const { quantity, unitPrice, unitCost, effectiveDate: date } = step.after;
  const prior = additions
    .filter((x) => x.product.id === productId && !lineKeyOf(x.invoiceDescription))
    .sort((x, y) => y.id - x.id)[0];
  return {
    method: 'post',
    path: base,
    body: {
      product: { id: productId },
      billCustomer: prior?.billCustomer ?? 'Billable',
      quantity,
      unitPrice,
      unitCost,
      effectiveDate: instant(date),
      invoiceDescription: (
        prior?.invoiceDescription ||
        step.after.description ||
        step.after.productName
      ).slice(0, INVOICE_DESCRIPTION_MAX),
    },
    what: `adding the addition with ${fmt(quantity)} from ${date}`,
  };
}

export function decideQuantity(
  step: PushStep,
  agreementId: number,
  productId: number,
  additions: readonly CwAddition[],
  proration: Proration,
): Decision {
  const { quantity, unitPrice, unitCost, effectiveDate: date } = step.after;
  if (!Number.isFinite(quantity) || quantity < 0)
    return {
      kind: 'fail',
      retryable: false,
      message: `${fmt(quantity)} is not a quantity an addition can hold`,
    };
  const open = openAdditions(additions, productId, date);
  if (open.length > 1) {
    return {
      kind: 'fail',
      retryable: false,
      message: `Agreement ${agreementId} has ${open.length} open additions for this product (${open.map((a) => a.id).join(', ')}); cancel all but one in ConnectWise, then push again`,
    };
  }
  const base = `finance/agreements/${agreementId}/additions`;
  const a = open[0];
  if (!a && quantity === 0) {
    // Nothing open bills this product: 0 is already what ConnectWise bills (a cancelled addition stays as history).
    const ended = additions
      .filter((x) => x.product.id === productId && !lineKeyOf(x.invoiceDescription))
      .sort((x, y) => y.id - x.id)[0];
    return {
      kind: 'unchanged',
      psaId: ended ? String(ended.id) : '',
      message: ended ? `Addition ${ended.id} is cancelled: nothing billed` : 'No addition: nothing billed',
    };
  }
  if (!a) return { kind: 'send', psaId: null, changes: [addition(step, base, productId, additions)] };
  const samePrices = sameMoney(a.unitPrice ?? 0, unitPrice) && sameMoney(a.unitCost ?? 0, unitCost);
  if (sameQuantity(a.quantity, quantity) && samePrices)
    return {
      kind: 'unchanged',
      psaId: String(a.id),
      message: `Already ${fmt(quantity)} on addition ${a.id}`,
    };
  const path = `${base}/${a.id}`;
  const started = a.effectiveDate ?? date;
  if (quantity === 0) {
    // Cancel, never delete: what was billed stays in ConnectWise's history.
    const on = started > date ? started : date;
    return {
      kind: 'send',
      psaId: String(a.id),
      changes: [
        {
          method: 'patch',
          path,
          body: patch({ cancelledDate: instant(on) }),
          what: `cancelling addition ${a.id} from ${on}`,
        },
      ],
    };
  }
  if (proration === 'prorate' && started < date) {
    // The change takes effect on its date: the addition in force ends there and a new one starts, so a
    // prorating agreement bills each part for its days and the earlier quantity stays in history.
    return {
      kind: 'send',
      psaId: null,
      changes: [
        {
          method: 'patch',
          path,
          body: patch({ cancelledDate: instant(date) }),
          what: `ending addition ${a.id} (${fmt(a.quantity)}) on ${date}`,
        },
        addition(step, base, productId, [...additions, { ...a, cancelledDate: date }]),
      ],
    };
  }
  const fields: Record<string, unknown> = {};
  if (!sameQuantity(a.quantity, quantity)) fields.quantity = quantity;
  if (!sameMoney(a.unitPrice ?? 0, unitPrice)) fields.unitPrice = unitPrice;
  if (!sameMoney(a.unitCost ?? 0, unitCost)) fields.unitCost = unitCost;
  return {
    kind: 'send',
    psaId: String(a.id),
    changes: [
      {
        method: 'patch',
        path,
        body: patch(fields),
        what: `setting addition ${a.id} from ${fmt(a.quantity)} to ${fmt(quantity)}`,
      },
    ],
  };
}

/** `found`: the agreement's additions whose invoice description carries the step's line key. */
export function decideCharge(
  step: PushStep,
  agreementId: number,
  found: readonly CwAddition[],
  productId: number | null,
): Decision {
  if (step.ref.kind !== 'charge') return { kind: 'fail', retryable: false, message: 'Not a charge step' };
  const a = step.after;
  const description = chargeDescription(step, step.ref.lineKey);
  const existing = [...found].sort((x, y) => x.id - y.id)[0];
  const base = `finance/agreements/${agreementId}/additions`;
  if (existing) {
    const dup =
      found.length > 1
        ? ` (ConnectWise has ${found.length} additions for this line; BillGrid keeps ${existing.id})`
        : '';
    const fields: Record<string, unknown> = {};
    if (!sameQuantity(existing.quantity, a.quantity)) fields.quantity = a.quantity;
    if (!sameMoney(existing.unitPrice ?? 0, a.unitPrice)) fields.unitPrice = a.unitPrice;
    if (!sameMoney(existing.unitCost ?? 0, a.unitCost)) fields.unitCost = a.unitCost;
    if ((existing.invoiceDescription ?? '') !== description) fields.invoiceDescription = description;
    if (!Object.keys(fields).length)
      return {
        kind: 'unchanged',
        psaId: String(existing.id),
        message: `Addition ${existing.id} is already up to date${dup}`,
      };
    return {
      kind: 'send',
      psaId: String(existing.id),
      changes: [
        {
          method: 'patch',
          path: `${base}/${existing.id}`,
          body: patch(fields),
          what: `the update of addition ${existing.id}${dup}`,
        },
      ],
    };
  }
  if (productId === null)
    return {
      kind: 'fail',
      retryable: false,
      message: `No ConnectWise catalog item for '${a.productName || a.sku}'`,
    };
  // Billed once: the addition covers exactly the charge's month (effective on its 1st, cancelled on the next 1st).
  const from = monthStart(a.effectiveDate);
  return {
    kind: 'send',
    psaId: null,
    changes: [
      {
        method: 'post',
        path: base,
        body: {
          product: { id: productId },
          billCustomer: 'Billable',
          quantity: a.quantity,
          unitPrice: a.unitPrice,
          unitCost: a.unitCost,
          effectiveDate: instant(from),
          cancelledDate: instant(nextMonthStart(from)),
          invoiceDescription: description,
        },
        what: `the new addition '${description}'`,
      },
    ],
  };
}
