import { z } from 'zod';

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

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  /** Seconds; Halo issues one-hour tokens. */
  expires_in: z.number().positive().optional(),
});

/** Halo client ("Area"). */
export const haloClient = z.object({
  id,
  name: z.string({ error: 'name is missing' }),
  inactive: z.boolean().nullish(),
  /** Tax code used on item lines for this client; 0 or absent when the client has none. */
  item_tax_code: z.number().int().nullish(),
});
export type HaloClient = z.infer<typeof haloClient>;

export const haloItem = z.object({
  id,
  name: z.string({ error: 'name is missing' }),
  description: optText,
  supplier_part_code: optText,
  internalreference: optText,
  assetgroup_id: z.number().int().nullish(),
  baseprice: z.number().nullish(),
  costprice: z.number().nullish(),
  /** Income account code. */
  nominalcode: optText,
  /** Expense (cost of sales) account code. */
  purchasenominalcode: optText,
  taxcode: z.number().int().nullish(),
  inactive: z.boolean().nullish(),
});
export type HaloItem = z.infer<typeof haloItem>;

/** Item groups are Halo asset groups with "Use for Items". */
export const haloAssetGroup = z.object({ id, name: z.string({ error: 'name is missing' }) });
export type HaloAssetGroup = z.infer<typeof haloAssetGroup>;

export const haloTax = z.object({ id, name: z.string({ error: 'name is missing' }) });

/** InvoiceDetail: one invoice line. */
export const haloLine = z
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
  })
  .loose();
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
  lines: z.array(z.unknown()).nullish(),
});
export type HaloInvoice = z.infer<typeof haloInvoice>;

/**
 * A list answer: Halo returns `{ record_count, <key>: [...] }` (with page_no/page_size when paginated),
 * and some endpoints answer a bare array. Records stay unknown here so each is parsed on its own.
 */
export function listEnvelope(key: string) {
  return z.unknown().transform((v, ctx): { records: unknown[]; count: number } => {
    if (Array.isArray(v)) return { records: v, count: v.length };
    const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
    const records = o?.[key];
    if (!o || !Array.isArray(records)) {
      ctx.addIssue({ code: 'custom', message: `the answer has no '${key}' list` });
      return z.NEVER;
    }
    const count = o.record_count;
    return { records, count: typeof count === 'number' && count >= 0 ? count : records.length };
  });
}
