/**
 * An import profile: how one vendor's export maps onto BillGrid's fields. Profiles are remembered per
 * vendor (stored by the caller as JSON; parsed here with zod) and suggested from a file's header row.
 */
import { z } from 'zod';
import { CHARGE_TYPES, CURRENCIES } from '../../../core/billing-line';
import {
  DATE_FORMATS,
  DECIMAL_MARKS,
  type Cell,
  dateFormatsFitting,
  decimalFitting,
  isBlank,
} from './values';
import { DELIMITERS } from './text';

/** BillGrid's fields a column can feed, in the users' words. */
export const IMPORT_FIELDS = [
  'customer',
  'customerId',
  'recordId',
  'sku',
  'productName',
  'description',
  'quantity',
  'unitCost',
  'unitPrice',
  'totalCost',
  'totalPrice',
  'currency',
  'periodStart',
  'periodEnd',
  'chargeType',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const FIELD_LABELS: Record<ImportField, string> = {
  customer: 'Customer',
  customerId: 'Customer id',
  recordId: 'Record id',
  sku: 'SKU',
  productName: 'Product name',
  description: 'Description',
  quantity: 'Quantity',
  unitCost: 'Unit cost',
  unitPrice: 'Unit price',
  totalCost: 'Total cost',
  totalPrice: 'Total price',
  currency: 'Currency',
  periodStart: 'Period start',
  periodEnd: 'Period end',
  chargeType: 'Charge type',
};

/** Header texts seen in distributors' exports, normalised (lower case, letters and digits only). */
const SYNONYMS: Record<ImportField, string[]> = {
  customer: [
    'customer',
    'customername',
    'company',
    'companyname',
    'client',
    'clientname',
    'enduser',
    'endcustomer',
    'endcustomername',
    'organisation',
    'organization',
    'organizationname',
    'account',
    'accountname',
    'tenantname',
    'reseller customer',
  ],
  customerId: [
    'customerid',
    'customernumber',
    'companyid',
    'clientid',
    'accountid',
    'accountnumber',
    'tenantid',
    'endcustomerid',
    'customerref',
    'tenantreference',
  ],
  recordId: [
    'recordid',
    'lineid',
    'chargeid',
    'subscriptionid',
    'subscription',
    'orderlineid',
    'invoicelineid',
    'id',
    'reference',
    'lineref',
    'transactionid',
  ],
  sku: [
    'sku',
    'productcode',
    'partnumber',
    'itemcode',
    'productid',
    'mpn',
    'vendorpartnumber',
    'offerid',
    'partno',
    'code',
    'item',
  ],
  productName: ['productname', 'product', 'offername', 'itemname', 'servicename', 'plan', 'subscriptionname'],
  description: ['description', 'details', 'itemdescription', 'linedescription', 'notes', 'memo'],
  quantity: ['quantity', 'qty', 'seats', 'licences', 'licenses', 'units', 'count'],
  unitCost: [
    'unitcost',
    'cost',
    'costprice',
    'buyprice',
    'resellerprice',
    'partnerprice',
    'unitbuy',
    'costeach',
  ],
  unitPrice: [
    'unitprice',
    'price',
    'sellprice',
    'salesprice',
    'rrp',
    'msrp',
    'unitsell',
    'priceeach',
    'retailprice',
    'resellersalesunitprice',
  ],
  totalCost: [
    'totalcost',
    'extendedcost',
    'costtotal',
    'linecost',
    'subtotal',
    'amount',
    'netamount',
    'extendedprice',
    'linetotal',
  ],
  totalPrice: [
    'totalprice',
    'totalsell',
    'extendedsell',
    'salestotal',
    'resellersalespricetotal',
    'totalsaleprice',
  ],
  currency: ['currency', 'currencycode', 'ccy', 'cur'],
  periodStart: [
    'periodstart',
    'startdate',
    'from',
    'fromdate',
    'billingstart',
    'chargestartdate',
    'servicestart',
    'start',
  ],
  periodEnd: [
    'periodend',
    'enddate',
    'to',
    'todate',
    'billingto',
    'validto',
    'chargeto',
    'billingend',
    'chargeenddate',
    'serviceend',
    'end',
  ],
  chargeType: ['chargetype', 'type', 'billingtype', 'linetype', 'category', 'charge'],
};

export const normaliseHeader = (h: string): string =>
  h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const chargeTypeEnum = z.enum(CHARGE_TYPES);

export const importProfileSchema = z.lazy(() =>
  z.object({
    /** Slug used in the source id (`file-import-<id>`) and so in line keys: never change it once lines are billed. */
    id: z.string({ error: 'Profile id is missing' }).regex(/^[a-z0-9][a-z0-9-]{0,23}$/, {
      error: 'Profile id must be lower-case letters, digits and dashes (at most 24)',
    }),
    /** The vendor, as the user names it: "Dicker Data", "Leader". */
    name: z.string().trim().min(1, { error: 'Profile name is missing' }),
    /** Header text for each field used (as it appears in the file; matched ignoring case and punctuation). */
    columns: z.partialRecord(z.enum(IMPORT_FIELDS), z.string().trim().min(1)),
    /** The normalised header row the profile was made from, to recognise the layout next time. */
    header: z.array(z.string()).default([]),
    delimiter: z.enum(DELIMITERS).optional(),
    dateFormat: z.enum(DATE_FORMATS).default('yyyy-mm-dd'),
    decimal: z.enum(DECIMAL_MARKS).default('.'),
    /** Some statements show what the MSP owes as negative numbers: 'invert' flips every amount and quantity sign. */
    sign: z.enum(['as-is', 'invert']).default('as-is'),
    defaultCurrency: z.enum(CURRENCIES).optional(),
    defaultChargeType: chargeTypeEnum.default('recurring'),
    /** The file's charge-type words → BillGrid's (matched ignoring case and punctuation). */
    chargeTypes: z.record(z.string(), chargeTypeEnum).default({}),
    /** Added to the cost when the file has no sell price. */
    markupPercent: z.number().min(-100).max(1000).default(0),
    /** Exact repeats of a row are refused unless the vendor really bills the same thing twice in one file. */
    duplicates: z.enum(['refuse', 'keep']).default('refuse'),
  }),
);
export type ImportProfile = z.output<typeof importProfileSchema>;
export type ImportProfileInput = z.input<typeof importProfileSchema>;

export function parseImportProfile(
  input: unknown,
): { ok: true; profile: ImportProfile } | { ok: false; message: string } {
  const r = importProfileSchema.safeParse(input);
  if (r.success) return { ok: true, profile: r.data };
  const issue = r.error.issues[0];
  return {
    ok: false,
    message: `Import profile: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`,
  };
}

/** Words for charge types that need no profile entry. */
export const DEFAULT_CHARGE_WORDS: Record<string, (typeof CHARGE_TYPES)[number]> = {
  recurring: 'recurring',
  monthly: 'recurring',
  subscription: 'recurring',
  licence: 'recurring',
  license: 'recurring',
  prorata: 'pro-rata',
  prorate: 'pro-rata',
  prorated: 'pro-rata',
  proration: 'pro-rata',
  arrears: 'arrears',
  usage: 'usage',
  consumption: 'usage',
  payg: 'usage',
  oneoff: 'one-off',
  onetime: 'one-off',
  onceoff: 'one-off',
  setup: 'one-off',
  hardware: 'one-off',
  credit: 'one-off',
  refund: 'one-off',
};

const jaccard = (a: readonly string[], b: readonly string[]): number => {
  const A = new Set(a);
  const B = new Set(b);
  let both = 0;
  for (const x of A) if (B.has(x)) both++;
  return A.size + B.size === 0 ? 0 : both / (A.size + B.size - both);
};

export interface ProfileSuggestion {
  /** A remembered profile whose header matches this file's, or a new one guessed from the header. */
  profile: ImportProfile;
  remembered: boolean;
  /** 0..1: how closely the header matched (1 for identical). */
  score: number;
  /** Fields guessed or still unassigned, for the user to confirm. */
  unassigned: ImportField[];
}

/**
 * The profile for a file: the remembered profile with the most similar header (≥ 0.8 of the columns in
 * common), else a new one whose columns are guessed from the header's words and whose date format and
 * decimal mark are guessed from the first rows.
 */
export function suggestProfile(
  header: readonly string[],
  sampleRows: readonly (readonly Cell[])[],
  remembered: readonly ImportProfile[],
  fallbackName = 'New import',
): ProfileSuggestion {
  const norm = header.map(normaliseHeader);
  let best: { p: ImportProfile; score: number } | undefined;
  for (const p of remembered) {
    const score = jaccard(norm, p.header.map(normaliseHeader));
    if (!best || score > best.score) best = { p, score };
  }
  if (best && best.score >= 0.8) {
    const unassigned = IMPORT_FIELDS.filter((f) => !best.p.columns[f]);
    return { profile: best.p, remembered: true, score: best.score, unassigned };
  }
  const columns: Partial<Record<ImportField, string>> = {};
  const taken = new Set<number>();
  // Exact synonyms first (in field order), so 'Unit Price' is not taken by a looser match.
  for (const f of IMPORT_FIELDS) {
    const i = norm.findIndex((h, k) => !taken.has(k) && SYNONYMS[f].some((s) => normaliseHeader(s) === h));
    if (i >= 0) {
      columns[f] = header[i];
      taken.add(i);
    }
  }
  const column = (f: ImportField) => {
    const i = columns[f] ? header.indexOf(columns[f]) : -1;
    return i < 0 ? [] : sampleRows.map((r) => r[i]);
  };
  const dates = [...column('periodStart'), ...column('periodEnd')];
  const fitting = dateFormatsFitting(dates.filter((c) => !isBlank(c)));
  const amounts = (['quantity', 'unitCost', 'unitPrice', 'totalCost', 'totalPrice'] as const).flatMap(column);
  const profile = importProfileSchema.parse({
    id: slug(fallbackName),
    name: fallbackName,
    columns,
    header: norm,
    dateFormat: fitting.length === DATE_FORMATS.length ? 'yyyy-mm-dd' : (fitting[0] ?? 'yyyy-mm-dd'),
    decimal: decimalFitting(amounts),
  });
  return {
    profile,
    remembered: false,
    score: best?.score ?? 0,
    unassigned: IMPORT_FIELDS.filter((f) => !columns[f]),
  };
}

export const slug = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '') || 'import';
