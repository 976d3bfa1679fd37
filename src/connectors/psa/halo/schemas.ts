import { z } from 'zod';
import type { LatestInvoiceRule } from '../../../core/settings';

/**
 * HaloPSA response shapes, only the fields BillGrid uses (Halo sends many more; zod drops them).
 * Field names follow Halo's own API schemas (InvoiceHeader, InvoiceDetail, Item, Area, Tax), see SOURCES.md.
 * Optional text fields may come back as null or be missing altogether.
 */
const optText = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const optNumber = z
  .number()
  .nullish()
  .transform((n) => n ?? 0);
const id = z.number({ error: 'id is missing or not a number' }).int();

export const tokenResponse = z.lazy(() =>
  z.object({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    /** Seconds; Halo issues one-hour tokens. */
    expires_in: z.number().positive().optional(),
  }),
);

/**
 * `GET /api/authinfo` (no token needed): the authorisation server and the tenant. Field names as Halo's
 * PowerShell module reads them (the spec declares the path without a response schema).
 */
export const authInfoResponse = z.lazy(() =>
  z.object({
    auth_url: z.string().regex(/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/i, {
      error: 'auth_url is not a web address',
    }),
    tenant_id: z.string().nullish(),
  }),
);

/** Halo client ("Area"). */
export const haloClient = z.object({
  id,
  name: z.string({ error: 'name is missing' }),
  inactive: z.boolean().nullish(),
  /** Tax code used on item lines for this client; 0 or absent when the client has none. */
  item_tax_code: z.number().int().nullish(),
  /** False: the client pays no tax; Halo applies none whatever the line's tax code. */
  taxable: z.boolean().nullish(),
  /** Halo computes the client's sales tax itself (a tax integration); BillGrid must not override it. */
  automatic_sales_tax: z.boolean().nullish(),
  /** The bill-to client: Halo raises this client's invoices on that client (0 or absent: none). */
  client_to_invoice: z.number().int().nullish(),
  /** The client's reference (Area `ref`, free text; see SOURCES.md); Clients searches by it. */
  ref: z.string().nullish(),
});
export type HaloClient = z.infer<typeof haloClient>;

export const haloItem = z.lazy(() =>
  z.object({
    id,
    name: z.string({ error: 'name is missing' }),
    description: optText,
    supplier_part_code: optText,
    internalreference: optText,
    /** Where Halo's distributor integrations may key an item they sync (Item declares both; unverified which). */
    externalreference: optText,
    third_party_id: optText,
    assetgroup_id: z.number().int().nullish(),
    baseprice: z.number().nullish(),
    costprice: z.number().nullish(),
    /** Income account code. */
    nominalcode: optText,
    /** Expense (cost of sales) account code. */
    purchasenominalcode: optText,
    taxcode: z.number().int().nullish(),
    inactive: z.boolean().nullish(),
  }),
);
export type HaloItem = z.infer<typeof haloItem>;

/** Item groups are Halo asset groups with "Use for Items". */
export const haloAssetGroup = z.lazy(() => z.object({ id, name: z.string({ error: 'name is missing' }) }));
export type HaloAssetGroup = z.infer<typeof haloAssetGroup>;

export const haloTax = z.lazy(() => z.object({ id, name: z.string({ error: 'name is missing' }) }));

/** InvoiceDetail: one invoice line. */
export const haloLine = z.lazy(() =>
  z
    .object({
      id,
      ihid: z.number().int().nullish(),
      _itemid: z.number().int().nullish(),
      item_code: optText,
      item_shortdescription: optText,
      item_longdescription: optText,
      nominal_code: optText,
      tax_code: z
        .union([z.string(), z.number()])
        .nullish()
        .transform((v) => (v === null || v === undefined ? '' : String(v))),
      qty_order: optNumber,
      unit_price: optNumber,
      unit_cost: optNumber,
      comment_1: optText,
      tax_code_overriden: z.boolean().nullish(),
      override_tax_code: z.number().int().nullish(),
      /** Recurring invoice lines: deactivated (not billed), one-time charge and where it was billed. */
      isinactive: z.boolean().nullish(),
      onetimecharge: z.boolean().nullish(),
      onetimechargeinvoiceid: z.number().int().nullish(),
    })
    .loose(),
);
export type HaloLine = z.infer<typeof haloLine>;

/** InvoiceHeader: an invoice or a recurring invoice. */
export const haloInvoice = z.object({
  id,
  client_id: z.number({ error: 'client_id is missing' }).int(),
  client_name: optText,
  invoicenumber: optText,
  invoice_date: optText,
  reference: optText,
  posted: z.boolean().nullish(),
  /** States that make an invoice unfit to take more charges ('latest', see isOpenInvoice). */
  voided: z.boolean().nullish(),
  datesent: z.string().nullish(),
  amountpaid: z.number().nullish(),
  datepaid: z.string().nullish(),
  creditlinkedtoinvoiceid: z.number().nullish(),
  total: z.number().nullish(),
  /** Bill-to: the client an invoice was raised for when Halo raised it on its bill-to client. */
  original_client_id: z.number().int().nullish(),
  /** Recurring invoices: when the next invoice is generated. */
  nextcreationdate: z.string().nullish(),
  lines: z.array(z.unknown()).nullish(),
});
export type HaloInvoice = z.infer<typeof haloInvoice>;

/** Halo writes an unset date as 1900-01-01 (or leaves it out): a real date is after 1901. */
const isSetDate = (d: string | null | undefined): boolean => !!d && d.slice(0, 4) > '1901';

/**
 * Why an invoice must not take more charges, or null when it can: posted, a credit note, voided,
 * already sent to the client (unless the rule is 'unpaid', setting `latestInvoice`), or (partly) paid.
 * Field names from InvoiceHeader; which of them a tenant fills depends on its accounting sync (SOURCES.md).
 */
export function closedBecause(h: HaloInvoice, rule: LatestInvoiceRule = 'unsent'): string | null {
  if (h.posted) return 'posted';
  if ((h.creditlinkedtoinvoiceid ?? 0) > 0 || (h.total ?? 0) < 0) return 'a credit note';
  if (h.voided) return 'voided';
  if (rule === 'unsent' && isSetDate(h.datesent)) return 'already sent';
  if ((h.amountpaid ?? 0) > 0 || isSetDate(h.datepaid)) return 'paid';
  return null;
}

/**
 * A list answer: Halo returns `{ record_count, <key>: [...] }` (with page_no/page_size when paginated),
 * and some endpoints answer a bare array. Records stay unknown here so each is parsed on its own.
 */
export function listEnvelope(key: string) {
  return z.unknown().transform((v, ctx): { records: unknown[]; count: number } => {
    if (Array.isArray(v)) return { records: v, count: v.length };
    const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
    // The key the list sits under; an object holding exactly one list under another key is read too (the
    // key of unpaged lists such as /Tax is not documented).
    const lists = o ? Object.values(o).filter((x) => Array.isArray(x)) : [];
    const records = o && Array.isArray(o[key]) ? o[key] : lists.length === 1 ? lists[0] : undefined;
    if (!o || !Array.isArray(records)) {
      ctx.addIssue({ code: 'custom', message: `the answer has no '${key}' list` });
      return z.NEVER;
    }
    const count = o.record_count;
    return { records, count: typeof count === 'number' && count >= 0 ? count : records.length };
  });
}
