import { z } from 'zod';

/** What the finance user sees when a value is absent (undefined, null or an empty cell). */
const isMissing = (v: unknown): boolean => v === undefined || v === null || v === '';

const show = (v: unknown): string => (typeof v === 'string' ? v : String(v));

const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;

/** Days in a month of the proleptic Gregorian calendar (what JavaScript's Date uses); month 1–12. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True for a yyyy-mm-dd string naming a real calendar day (rejects 2026-02-30). Plain arithmetic, no Date:
 * every line of a pull is checked, several times.
 */
export function isRealIsoDate(s: string): boolean {
  if (typeof s !== 'string' || s.length !== 10 || !DATE_FORM.test(s)) return false;
  const month = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const day = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  if (month < 1 || month > 12 || day < 1) return false;
  const year =
    (s.charCodeAt(0) - 48) * 1000 +
    (s.charCodeAt(1) - 48) * 100 +
    (s.charCodeAt(2) - 48) * 10 +
    (s.charCodeAt(3) - 48);
  return day <= daysInMonth(year, month);
}

/** An ISO date (yyyy-mm-dd) field whose messages name the field, e.g. "Period start '2026-02-30' is not a real date". */
export const isoDateOf = (label: string) =>
  z
    .string({ error: (iss) => (isMissing(iss.input) ? `${label} is missing` : `${label} is not a date`) })
    .min(1, { error: `${label} is missing` })
    .regex(DATE_FORM, { error: (iss) => `${label} '${show(iss.input)}' is not a date in yyyy-mm-dd form` })
    .refine(isRealIsoDate, { error: (iss) => `${label} '${show(iss.input)}' is not a real date` });

/** ISO date (yyyy-mm-dd), the only date form that crosses a boundary. */
export const isoDate = isoDateOf('Date');

const enumOf = <T extends readonly [string, ...string[]]>(label: string, values: T, tail: string) =>
  z.enum(values, {
    error: (iss) => (isMissing(iss.input) ? `${label} is missing` : `${label} '${show(iss.input)}' ${tail}`),
  });

export const CHARGE_TYPES = ['recurring', 'pro-rata', 'arrears', 'usage', 'one-off'] as const;
export const chargeType = enumOf('Charge type', CHARGE_TYPES, `is not one of ${CHARGE_TYPES.join(', ')}`);
export type ChargeType = z.infer<typeof chargeType>;

/** Charge types whose quantity may be negative (credits and refunds); a seat count or usage never is. */
export const NEGATIVE_QUANTITY_ALLOWED: readonly ChargeType[] = ['pro-rata', 'one-off'];

export const BILLING_CYCLES = ['monthly', 'annual', 'one-time', 'usage'] as const;
export const billingCycle = enumOf(
  'Billing cycle',
  BILLING_CYCLES,
  `is not one of ${BILLING_CYCLES.join(', ')}`,
);
export type BillingCycle = z.infer<typeof billingCycle>;

/** Currencies we bill in; anything else is rejected rather than guessed. */
export const CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'AUD',
  'NZD',
  'CAD',
  'ZAR',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
] as const;
export const currency = enumOf('Currency', CURRENCIES, `is not supported (${CURRENCIES.join(', ')})`);
export type Currency = z.infer<typeof currency>;

/** A finite number; text such as 'ten', NaN and Infinity are refused with the field's name. */
export const finiteNumberOf = (label: string) =>
  z
    .number({
      error: (iss) => {
        if (isMissing(iss.input)) return `${label} is missing`;
        if (typeof iss.input === 'number') return `${label} ${show(iss.input)} is not a usable number`;
        return `${label} '${show(iss.input)}' is not a number`;
      },
    })
    .refine(Number.isFinite, { error: (iss) => `${label} ${show(iss.input)} is not a usable number` });

/** A required text field; `allowEmpty` for descriptive fields a vendor may leave blank. */
const textOf = (label: string, allowEmpty = false) => {
  const s = z.string({
    error: (iss) => (isMissing(iss.input) ? `${label} is missing` : `${label} is not text`),
  });
  return allowEmpty ? s : s.trim().min(1, { error: `${label} is missing` });
};

const lineShape = {
  source: textOf('Source'),
  customerId: textOf('Customer id'),
  customerName: textOf('Customer name', true),
  subscriptionId: textOf('Subscription id', true),
  sku: textOf('Product/SKU'),
  productName: textOf('Product name', true),
  description: textOf('Description', true),
  periodStart: isoDateOf('Period start'),
  periodEnd: isoDateOf('Period end'),
  cycle: billingCycle,
  chargeType,
  quantity: finiteNumberOf('Quantity'),
  unitCost: finiteNumberOf('Unit cost'),
  unitPrice: finiteNumberOf('Unit price'),
  total: finiteNumberOf('Total'),
  currency,
  effectiveDate: isoDateOf('Effective date'),
  /** Groups lines that the PSA should invoice together (e.g. an Ingram order). Empty when none. */
  orderId: z.string().default(''),
  /**
   * The vendor's own id for this charge (invoice item id, usage record id) when it has one.
   * Part of the line key, so genuinely repeated charges get distinct, stable keys.
   */
  recordId: z.string().optional(),
  /** Source flags, e.g. 'azure' set by the Pax8 connector; used by the Azure recognition rule. */
  tags: z.array(z.string()).optional(),
  /**
   * What the source counted, for staff to check a quantity against (e.g. "3 devices: HQ-PC-01, …"): shown in the
   * grid's Evidence column, refreshed by every pull; never part of the key, the comparison or a push.
   */
  evidence: z.string().optional(),
};

type LineFields = {
  periodStart: string;
  periodEnd: string;
  chargeType: ChargeType;
  quantity: number;
};

/** Rules that involve two fields; messages say which values clash. */
const checkLine = (l: LineFields, ctx: z.RefinementCtx): void => {
  if (l.periodEnd < l.periodStart) {
    ctx.addIssue({
      code: 'custom',
      message: `Period end ${l.periodEnd} is before period start ${l.periodStart}`,
      path: ['periodEnd'],
    });
  }
  if (l.quantity < 0 && !NEGATIVE_QUANTITY_ALLOWED.includes(l.chargeType)) {
    ctx.addIssue({
      code: 'custom',
      message: `Quantity ${l.quantity} cannot be negative for a ${l.chargeType} charge`,
      path: ['quantity'],
    });
  }
};

/** A line as a connector produces it, before its key is computed. */
export const rawBillingLine = z.object(lineShape).superRefine(checkLine);

/** One charge from a source, normalised. Amounts are in the line's currency. */
export const billingLine = z
  .object({
    /** Stable key: same across re-pulls, independent of row order (see line-key.ts). */
    key: textOf('Line key'),
    ...lineShape,
  })
  .superRefine(checkLine);

export type BillingLine = z.infer<typeof billingLine>;
/** A line before its key is computed (what a connector produces). */
export type RawBillingLine = Omit<BillingLine, 'key'>;

/** The first problem of a failed parse, as one sentence for finance staff. */
export function firstMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The line is not valid';
  // Object-level type problems (input not an object at all).
  if (issue.path.length === 0 && issue.code === 'invalid_type') return 'The line is empty or not a record';
  return issue.message;
}

/** Parse one keyed line (e.g. a grid row); on failure ONE readable message for the Status cell. */
export function parseBillingLine(
  input: unknown,
): { ok: true; line: BillingLine } | { ok: false; message: string } {
  const r = billingLine.safeParse(input);
  return r.success ? { ok: true, line: r.data } : { ok: false, message: firstMessage(r.error) };
}

/** Parse one connector line that has no key yet. */
export function parseRawBillingLine(
  input: unknown,
): { ok: true; line: RawBillingLine } | { ok: false; message: string } {
  const r = rawBillingLine.safeParse(input);
  return r.success ? { ok: true, line: r.data } : { ok: false, message: firstMessage(r.error) };
}

/**
 * What tells a person one charge from another with the same client and product: its description, the
 * vendor subscription and the billing period (two Azure subscriptions of one client are two charges).
 */
export function identifies(
  line: Pick<RawBillingLine, 'description' | 'periodStart' | 'periodEnd' | 'subscriptionId'> | undefined,
): string {
  if (!line) return '';
  const period = `${line.periodStart} to ${line.periodEnd}`;
  const parts = [line.description.includes(period) ? line.description : `${line.description}, ${period}`];
  if (line.subscriptionId && !line.description.includes(line.subscriptionId))
    parts.push(`subscription ${line.subscriptionId}`);
  return parts.filter(Boolean).join(' · ');
}
