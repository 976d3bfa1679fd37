/**
 * Exact money. Amounts cross boundaries as JavaScript numbers (cells, JSON), whose binary form cannot
 * hold most cents (0.1 + 0.2 ≠ 0.3). Wherever money is summed, each amount is read back to the decimal
 * it was written as (the shortest decimal that round-trips, i.e. what the vendor sent) and held as an
 * integer count of millionths (bigint): vendors price to at most 5 decimals (Twilio) and BillGrid's own
 * unit prices to 6. Sums are exact; a total is rounded once, at the end, to cents, half away from zero.
 * Amounts in different currencies are never added: totals are kept per currency.
 */

/** Decimal places held exactly. */
export const MONEY_DECIMALS = 6;
const SCALE = 10n ** BigInt(MONEY_DECIMALS);
const CENT = SCALE / 100n;

/** An exact amount in millionths of the currency unit. */
export type Micros = bigint;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Decimal text of a number as written (no exponent), e.g. 1e-7 → '0.0000001'. */
function decimalText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Very small or very large: fixed notation with enough digits to round at 6 decimals.
  return n.toFixed(MONEY_DECIMALS + 2);
}

/**
 * The exact amount of `value` (a number or a decimal string such as Twilio's "2192.84855"), rounded
 * half away from zero at the 6th decimal. Throws on text that is not a plain decimal or a non-finite number.
 */
export function toMicros(value: number | string): Micros {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${value} is not an amount`);
  const text = typeof value === 'number' ? decimalText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`'${text}' is not an amount`);
  const [, minus, whole, frac = ''] = m;
  const digits = (frac + '0'.repeat(MONEY_DECIMALS + 1)).slice(0, MONEY_DECIMALS + 1);
  let micros = BigInt(whole) * SCALE + BigInt(digits.slice(0, MONEY_DECIMALS));
  // Half away from zero: the first dropped digit decides (the sign is applied after).
  if (digits.charCodeAt(MONEY_DECIMALS) - 48 >= 5) micros += 1n;
  return minus && micros !== 0n ? -micros : micros;
}

/** The nearest whole number of cents, half away from zero. */
export function microsToCents(m: Micros): bigint {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const cents = (a + CENT / 2n) / CENT;
  return neg ? -cents : cents;
}

/** A whole number of cents as a number (exact: cents are integers). */
export const centsToNumber = (c: bigint): number => Number(c) / 100;

/** Micros as a number rounded to 6 decimals (for a unit price or an unrounded line amount). */
export function microsToNumber(m: Micros): number {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const text = `${a / SCALE}.${(a % SCALE).toString().padStart(MONEY_DECIMALS, '0')}`;
  return (neg ? -1 : 1) * Number(text);
}

/** Exact sum of amounts (numbers as written), not rounded. */
export function sumMicros(values: Iterable<number | string>): Micros {
  let s = 0n;
  for (const v of values) s += toMicros(v);
  return s;
}

/** The exact sum, rounded once to cents, as a number (e.g. for a total shown to a person). */
export const sumToCents = (values: Iterable<number | string>): number =>
  centsToNumber(microsToCents(sumMicros(values)));

/** `quantity × unitPrice` exactly (both as written), rounded once to cents: what a PSA invoices. */
export function extendedCents(quantity: number, unitPrice: number): bigint {
  const product = toMicros(quantity) * toMicros(unitPrice); // millionths × millionths
  return microsToCents(divRound(product, SCALE));
}

/** `quantity × unitPrice` exactly at 6 decimals (rounded half away from zero there, not to cents). */
export function productMicros(quantity: number, unitPrice: number): Micros {
  return divRound(toMicros(quantity) * toMicros(unitPrice), SCALE);
}

/** a / b rounded half away from zero (b > 0). */
function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = (abs + b / 2n) / b;
  return neg ? -q : q;
}

/**
 * A unit price such that quantity × unit price is `total` to the cent, or null when none exists at
 * 6 decimals (e.g. 1 cent over 3 units). Prefers the shortest price: cents when they work.
 */
export function unitPriceFor(total: number, quantity: number): number | null {
  if (quantity === 0) return toMicros(total) === 0n ? 0 : null;
  const want = microsToCents(toMicros(total));
  const q = toMicros(quantity);
  const totalMicros = toMicros(total);
  // Unit price in micros ≈ total / quantity; try the cent-rounded one first, then the exact millionth.
  const exact = divRound(totalMicros * SCALE, q);
  const candidates = [divRound(exact, CENT) * CENT, exact];
  for (const c of candidates) {
    if (microsToCents(divRound(c * q, SCALE)) === want) return microsToNumber(c);
  }
  return null;
}

/** Totals per currency, each exact until read, then rounded once. */
export class CurrencyTotals {
  private readonly sums = new Map<string, Micros>();

  add(currency: string, amount: number | string): void {
    this.sums.set(currency, (this.sums.get(currency) ?? 0n) + toMicros(amount));
  }

  /** One entry per currency seen, in currency order, rounded to cents. */
  entries(): Array<{ currency: string; total: number }> {
    return [...this.sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, m]) => ({ currency, total: centsToNumber(microsToCents(m)) }));
  }

  micros(currency: string): Micros {
    return this.sums.get(currency) ?? 0n;
  }

  get size(): number {
    return this.sums.size;
  }
}

/** 1234.5 → '1234.50', -3 → '-3.00' (cents, no grouping). */
export function formatCents(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

/** A charge as a PSA that keeps quantities and prices to a fixed number of decimals is sent it. */
export interface ChargeForm {
  quantity: number;
  unitPrice: number;
  unitCost: number;
  /**
   * True when the PSA's rounded quantity × unit price would not bill the line's amount to the cent: the
   * charge is then 1 × the amount (and its cost), and the line's quantity × unit price goes in the description.
   */
  asAmount: boolean;
}

const roundTo = (n: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
};

/**
 * How to send a charge of `quantity × unitPrice` to a PSA that rounds both to `decimals` places (Autotask:
 * 4), so that it bills what the source billed: 113.5 × 0.02024 is 2.30 to the cent, but 113.5 × 0.0202
 * is 2.29. When the rounded values reproduce the amount to the cent they are sent as they are; otherwise
 * 1 × the amount, exact and rounded once (to cents), with the cost 1 × quantity × unit cost.
 */
export function chargeForm(
  quantity: number,
  unitPrice: number,
  unitCost: number,
  decimals: number,
): ChargeForm {
  const q = roundTo(quantity, decimals);
  const p = roundTo(unitPrice, decimals);
  const want = extendedCents(quantity, unitPrice);
  if (extendedCents(q, p) === want)
    return { quantity: q, unitPrice: p, unitCost: roundTo(unitCost, decimals), asAmount: false };
  return {
    quantity: 1,
    unitPrice: centsToNumber(want),
    unitCost: roundTo(microsToNumber(productMicros(quantity, unitCost)), decimals),
    asAmount: true,
  };
}

/** "113.5 × 0.02024", the line's own figures, for the description of a charge sent as its amount. */
export const chargeFormNote = (quantity: number, unitPrice: number): string =>
  `${decimalText(quantity)} × ${decimalText(unitPrice)}`;
