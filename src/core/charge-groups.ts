/**
 * Grouped charges (#23 "charge detail"): on a PSA that can keep one charge for many lines (capability
 * `groupedCharges`), the setting `chargeDetail: 'grouped'` bills one charge per contract, product (its SKU at
 * the integration), billing month and currency instead of one per source line.
 *
 * Convergence and the Ledger work as for a line's charge: the grouped charge carries a key of its own,
 * derived from what groups it (so every run derives the same key, and a re-run finds the charge by it);
 * its values are the exact sum of its member lines, rounded once to cents, and its description lists each
 * member's detail. A member that changes changes the group's values, so the next push updates that one
 * charge; a second push with nothing changed finds it equal and sends nothing. Grid rows stay one per line.
 */
import type { BillingLine } from './billing-line';
import { keyOf } from './line-key';
import { centsToNumber, chargeFormNote, toMicros, type Micros } from './money';
import { billedOn } from './periods';
import type { ArrearsMode } from './settings';

const SEP = '\u001f';

/** What one grouped charge gathers. */
export interface ChargeGroupParts {
  source: string;
  /** The PSA contract the charge goes on. */
  contractId: string;
  /**
   * The product as the integration names it (its SKU), not the PSA product id: a product BillGrid creates
   * in the push is 'new:SKU' before and its PSA id after, and the key must not change between the two.
   */
  sku: string;
  /** The billing month (YYYY-MM) the lines are billed in (arrears mode applied). */
  month: string;
  currency: string;
}

/**
 * The grouped charge's key: a line key's form ('BG-' + 16 hex digits, so a PSA finds it where it finds line
 * keys), hashed from a text no line identity can produce (it starts with a marker field).
 */
export function chargeGroupKey(p: ChargeGroupParts): string {
  return keyOf(['charge-group', p.source, p.contractId, p.sku, p.month, p.currency].join(SEP));
}

/** The group key of a line resolved to a charge on `contractId`. */
export function chargeGroupKeyOf(
  line: Pick<
    BillingLine,
    'source' | 'sku' | 'currency' | 'chargeType' | 'periodStart' | 'periodEnd' | 'effectiveDate'
  >,
  contractId: string,
  arrearsMode: ArrearsMode,
): string {
  return chargeGroupKey({
    source: line.source,
    contractId,
    sku: line.sku,
    month: billedOn(line, arrearsMode).billingMonth,
    currency: line.currency,
  });
}

/** The description holds at most this much of the members' detail (PSAs cap descriptions; Autotask 2,000). */
export const GROUP_DETAIL_MAX = 1000;

const E10 = 10n ** 10n;

/** a / b rounded half away from zero (b > 0). */
function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = (abs + b / 2n) / b;
  return neg ? -q : q;
}

const numberOfMicros = (m: Micros): number => {
  const neg = m < 0n;
  const a = neg ? -m : m;
  return (neg ? -1 : 1) * Number(`${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, '0')}`);
};

export interface GroupValues {
  quantity: number;
  unitPrice: number;
  unitCost: number;
  /** The group's amount in cents: Σ quantity × unit price of its lines, exact, rounded once. */
  amountCents: bigint;
  /** True when the lines' prices (or costs) differ: the charge is 1 × the amount, the detail in the description. */
  asAmount: boolean;
  description: string;
}

/**
 * The grouped charge's values from its member lines (any order; sorted by key here). Same unit price and
 * cost on every line: Σ quantity × that price (exactly the sum of the lines' amounts). Otherwise 1 × the
 * amount, Σ quantity × unit price over the lines exactly, rounded once to cents (the cost likewise).
 */
export function groupValues(members: readonly BillingLine[]): GroupValues {
  const lines = members.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let quantity = 0n;
  // Millionths × millionths: Σ quantity × unit price held at 12 decimals, rounded once (to cents) at the end.
  let amount = 0n;
  let cost = 0n;
  const price0 = toMicros(lines[0].unitPrice);
  const cost0 = toMicros(lines[0].unitCost);
  let samePrice = true;
  for (const l of lines) {
    const q = toMicros(l.quantity);
    const p = toMicros(l.unitPrice);
    const c = toMicros(l.unitCost);
    quantity += q;
    amount += q * p;
    cost += q * c;
    if (p !== price0 || c !== cost0) samePrice = false;
  }
  const amountCents = divRound(amount, E10);
  const detail = lines
    .map((l) => `${l.description || l.productName || l.sku}: ${chargeFormNote(l.quantity, l.unitPrice)}`)
    .join('; ');
  const head = `${lines.length} line${lines.length === 1 ? '' : 's'}: `;
  const room = GROUP_DETAIL_MAX - head.length;
  const description = head + (detail.length > room ? `${detail.slice(0, room - 1)}…` : detail);
  if (samePrice) {
    return {
      quantity: numberOfMicros(quantity),
      unitPrice: numberOfMicros(price0),
      unitCost: numberOfMicros(cost0),
      amountCents,
      asAmount: false,
      description,
    };
  }
  return {
    quantity: 1,
    unitPrice: centsToNumber(amountCents),
    unitCost: centsToNumber(divRound(cost, E10)),
    amountCents,
    asAmount: true,
    description,
  };
}
