/**
 * Crayon Cloud-iQ shapes (specs/crayon_cloudiq_openapi.json; apidocs.crayon.com; see SOURCES.md). API
 * responses are read after `camelKeys` (the docs' examples are PascalCase, the spec camelCase), billing
 * records after `pascalKeys` (the SDK's column names). Records are parsed one by one.
 */
import { z } from 'zod';

/** Every key's first letter lower-cased, recursively: one schema reads either casing. */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
    );
  }
  return value;
}

/** A flat record's keys with the first letter upper-cased (billing-record columns). */
export function pascalKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]),
  );
}

export const tokenResponse = z.lazy(() =>
  z.object({
    accessToken: z.string().min(1),
    expiresIn: z.number().positive(),
    tokenType: z.string().nullable().optional(),
  }),
);

/** Crayon SDK's Error: errorCode, message, parameters, objectErrors. */
export const crayonError = z.lazy(() =>
  z.object({
    errorCode: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
  }),
);

/** A list page: the SDK's ApiCollection { totalHits, items } or, as the spec has it, a bare array. */
export const collectionPage = z.lazy(() =>
  z.object({
    totalHits: z.number().int().nonnegative(),
    items: z.array(z.unknown(), { error: "the response has no 'items' list" }),
  }),
);

const objectRef = z.lazy(() => z.object({ id: z.number().int(), name: z.string().nullable().optional() }));
const text = z.string().nullable().optional();

export const organization = z.lazy(() => z.object({ id: z.number().int(), name: text }));

export const invoiceProfile = z.lazy(() =>
  z.object({
    id: z.number().int(),
    name: text,
    organization: objectRef.nullable().optional(),
  }),
);

export const customerTenant = z.lazy(() =>
  z.object({
    id: z.number().int(),
    name: z.string({ error: 'name is missing' }).trim().min(1, { error: 'name is missing' }),
    domain: text,
    reference: text,
    publisherCustomerId: text,
    entityStatus: z.number().int().nullable().optional(),
    organization: objectRef.nullable().optional(),
    invoiceProfile: objectRef.nullable().optional(),
  }),
);
export type CrayonTenant = z.infer<typeof customerTenant>;

export const subscription = z.lazy(() =>
  z.object({
    id: z.number().int(),
    publisherSubscriptionId: text,
    customerTenant: z.object({ id: z.number().int() }).nullable().optional(),
    product: z
      .object({ id: z.number().int().optional(), partNumber: text, itemName: text })
      .nullable()
      .optional(),
    name: text,
    quantity: z.number().optional(),
    billingCycle: z.number().int().nullable().optional(),
    termDuration: text,
    startDate: text,
    endDate: text,
    partNumber: text,
  }),
);
export type CrayonSubscription = z.infer<typeof subscription>;

export const billingStatement = z.lazy(() =>
  z.object({
    id: z.number().int(),
    totalSalesPrice: z.object({ value: z.number().optional(), currencyCode: text }).nullable().optional(),
    invoiceProfile: objectRef.nullable().optional(),
    organization: objectRef.nullable().optional(),
    startDate: z.string().min(10),
    endDate: z.string().min(10),
    provisionType: z.number().int(),
    orderId: text,
  }),
);
export type CrayonStatement = z.infer<typeof billingStatement>;

export const billingFile = z.lazy(() =>
  z.object({
    fileName: z.string().nullable().optional(),
    data: z.string({ error: 'the file has no data' }),
  }),
);

const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A cell as the file gives it: JSON number or text, or blank. */
const rawCell = z.lazy(() => z.union([z.string(), z.number()]).nullable().optional());
const rawNumber = (label: string) =>
  z.union([z.number(), z.string()], {
    error: (iss) => (isMissing(iss.input) ? `${label} is missing` : `${label} is not a number`),
  });

const TEXT_COLUMNS = [
  'CompanyName',
  'TenantReference',
  'TenantPrimaryDomain',
  'ProductId',
  'Publisher',
  'Unit',
  'Currency',
  'SubscriptionId',
  'SubscriptionName',
  'ChargeType',
  'OfferName',
  'ChargeStartDate',
  'ChargeEndDate',
  'ProductSku',
  'MeterId',
  'MeterName',
  'Category',
  'Subcategory',
  'ProductStartDate',
  'ProductEndDate',
  'OrderDate',
  'SkuName',
  'ProductName',
] as const;
const REQUIRED_NUMBERS = ['UnitPrice', 'Quantity'] as const;
const OPTIONAL_NUMBERS = ['ResellerSalesUnitPrice', 'ResellerSalesPriceTotal', 'Amount'] as const;

type TextColumn = (typeof TEXT_COLUMNS)[number];
type RecordShape = { [K in TextColumn]?: string } & { [K in (typeof REQUIRED_NUMBERS)[number]]: number } & {
  [K in (typeof OPTIONAL_NUMBERS)[number]]?: number;
};

/** A decimal from JSON (number) or a file cell (text, '.' or ',' as decimal mark); NaN when it is not one. */
function decimalOf(v: string | number): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  const t = v.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^-?\d+,\d+$/.test(t)) return Number(t.replace(',', '.'));
  return NaN;
}

/**
 * One billing record (Crayon SDK BillingRecord columns; seat records add the subscription and charge
 * columns, Azure records the meter columns). Only what BillGrid uses is checked; other columns pass.
 * Types are checked per column, then one pass turns text into numbers (files carry everything as text)
 * — one transform per record, not per cell: files run to tens of thousands of records.
 */
export const billingRecord = z.lazy(() =>
  z
    .object({
      ...Object.fromEntries(TEXT_COLUMNS.map((c) => [c, rawCell])),
      ...Object.fromEntries(REQUIRED_NUMBERS.map((c) => [c, rawNumber(c)])),
      ...Object.fromEntries(OPTIONAL_NUMBERS.map((c) => [c, rawNumber(c).nullable().optional()])),
    } as Record<string, z.ZodType<string | number | null | undefined>>)
    .transform((r, ctx): RecordShape => {
      const out: Record<string, string | number | undefined> = {};
      for (const c of TEXT_COLUMNS) out[c] = isMissing(r[c]) ? undefined : String(r[c]).trim();
      for (const c of [...REQUIRED_NUMBERS, ...OPTIONAL_NUMBERS]) {
        const v = r[c];
        if (isMissing(v)) {
          if ((REQUIRED_NUMBERS as readonly string[]).includes(c))
            ctx.addIssue({ code: 'custom', path: [c], message: `${c} is missing` });
          continue;
        }
        const n = decimalOf(v as string | number);
        if (Number.isNaN(n))
          ctx.addIssue({ code: 'custom', path: [c], message: `${c} '${String(v)}' is not a number` });
        else out[c] = n;
      }
      return out as RecordShape;
    }),
);
export type CrayonRecord = z.infer<typeof billingRecord>;
