/**
 * Demo HaloPSA tenant for Northwind Managed IT, derived from local/demo/msp.ts:
 * every client with a psaName is a Halo client (id 100 + its number: c01 → 101), some items match demo
 * SKUs, several clients have a latest invoice and a recurring invoice with lines, one client has its own
 * tax code. Recurring invoice ids are negative, as Halo numbers them.
 */
import { DEMO_CLIENTS } from '../../demo/msp';

export interface HaloLineRec {
  id: number;
  ihid: number;
  _itemid: number;
  item_code: string;
  item_shortdescription: string;
  item_longdescription: string;
  nominal_code: string;
  tax_code: string;
  qty_order: number;
  unit_price: number;
  unit_cost: number;
  /** BillGrid's line key; absent when the tenant does not keep it (variant lineKey 'dropped'). */
  comment_1?: string;
  [field: string]: unknown;
}

export interface HaloInvoiceRec {
  id: number;
  client_id: number;
  client_name: string;
  invoicenumber: string;
  /** Invoices only: recurring invoices have no invoice date (they carry nextcreationdate). */
  invoice_date?: string;
  reference: string;
  posted: boolean;
  lines: HaloLineRec[];
  /** Any other field InvoiceHeader declares: voided, datesent, paymentstatus, amountpaid, … */
  [field: string]: unknown;
}

/** A Halo client (Area), with the fields billing depends on. */
export interface HaloClientRec {
  id: number;
  name: string;
  inactive: boolean;
  /** The client's own tax code for item lines (0: none). */
  item_tax_code: number;
  /** False: the client pays no tax (Halo charges 0 whatever the tax code). Default true. */
  taxable?: boolean;
  /** Halo computes sales tax itself (e.g. through Avalara); a tax code override would bypass it. */
  automatic_sales_tax?: boolean;
  /** Bill-to client: invoices raised for this client are raised on that client (0: none). */
  client_to_invoice?: number;
  /** The client's reference (Area `ref`), free text; absent when none was entered. */
  ref?: string;
}

/**
 * Behaviours the public sources leave open; tests run BillGrid under each (see SOURCES.md):
 *  - lineKey: whether Halo keeps `comment_1` as sent ('kept'), keeps it but leaves it out of the list
 *    view (`includelines=true`, 'dropped-on-list'), or does not keep it at all ('dropped');
 *  - computed: whether Halo recomputes net/tax amounts on every save ('recomputed') or keeps computed
 *    fields a client sends back ('honoured'), so stale ones survive;
 *  - retryAfter: whether a 429 carries Retry-After (no public source shows Halo sending one);
 *  - listView: whether the list view's lines (`includelines=true`) carry every field of the detail view
 *    ('full') or leave some out ('summary': `comment_2`, `startdate`, `enddate`, fields staff set and
 *    BillGrid does not), as list views of many APIs do; no public list answer with lines shows which;
 *  - postedFilter: whether the invoice lists honour `notpostedonly` / `postedonly` (bool, declared in the
 *    spec: "Filter on invoices that have (not) been posted") or ignore them and answer every invoice;
 *  - dateWindow: what `invoicedatestart` / `invoicedateend` with a date do. The spec types both as bool
 *    ("Include the field invoicedatestart in the response"), so a tenant may ignore a date there
 *    ('ignored', the default), filter on the invoice date ('honoured') or refuse the request ('rejected').
 *  - listOrder: whether the invoice lists honour `order` / `orderdesc` (declared in the spec: "The name of
 *    the field to order by first"; that `invoice_date` and `id` are names it takes is unverified) or
 *    answer in their own order ('ignored': by id, oldest first).
 */
export interface HaloVariant {
  lineKey: 'kept' | 'dropped-on-list' | 'dropped';
  computed: 'recomputed' | 'honoured';
  retryAfter: boolean;
  listView: 'full' | 'summary';
  postedFilter?: 'honoured' | 'ignored';
  dateWindow?: 'ignored' | 'honoured' | 'rejected';
  listOrder?: 'honoured' | 'ignored';
  /**
   * How the unpaged lists the spec gives no envelope for (/Tax, /AssetGroup) answer: a bare array (the
   * default) or `{ record_count, <key>: [...] }` as the paged lists do. Unverified either way (SOURCES.md).
   */
  unpagedLists?: 'bare' | 'keyed';
}

export const DEFAULT_VARIANT: HaloVariant = {
  lineKey: 'kept',
  computed: 'recomputed',
  retryAfter: false,
  listView: 'full',
  postedFilter: 'honoured',
  dateWindow: 'ignored',
  listOrder: 'honoured',
};

/** Line fields the 'summary' list view leaves out. */
export const SUMMARY_OMITS = ['comment_2', 'startdate', 'enddate'];

export interface HaloItemRec {
  id: number;
  name: string;
  description: string;
  supplier_part_code: string;
  internalreference: string;
  /**
   * Where Halo's own distributor integrations may key the items they sync (Item declares both; which one,
   * and whether it holds the SKU or the distributor's product id, is unverified). Absent on demo items.
   */
  externalreference?: string;
  third_party_id?: string;
  assetgroup_id: number;
  assetgroup_name: string;
  baseprice: number;
  costprice: number;
  nominalcode: string;
  purchasenominalcode: string;
  taxcode: number;
  inactive: boolean;
}

export interface HaloFixture {
  /** Hosted tenants require ?tenant= on the token request; null for self-hosted. */
  tenant: string | null;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSec: number;
  /** Requests per rolling window before 429 (null: no limit). Hosted Halo: 300 per 5 minutes. */
  rateLimit: { max: number; windowSec: number } | null;
  /** Shifts the sandbox's clock (rate-limit window) so tests can let a window pass without waiting. */
  clockOffsetMs?: number;
  variant?: HaloVariant;
  /** Largest page Halo serves, whatever page_size asks. */
  maxPageSize: number;
  clients: HaloClientRec[];
  items: HaloItemRec[];
  /** Item groups (Halo's Generic): id, name and any other field Generic declares (e.g. showasitem). */
  assetGroups: { id: number; name: string; [field: string]: unknown }[];
  taxes: { id: number; name: string; rate: number }[];
  invoices: HaloInvoiceRec[];
  recurringInvoices: HaloInvoiceRec[];
}

export const DEMO_CREDENTIALS = { clientId: 'billgrid-demo-client', clientSecret: 'demo-secret-7f3a9c' };

export const clientIdOf = (demoId: string): number => 100 + Number(demoId.slice(1));

/** Items already in Halo; their supplier part codes are demo SKUs used by the source fixtures. */
const ITEMS: Omit<HaloItemRec, 'id'>[] = [
  item('Microsoft 365 Business Premium', 'MS-365-BP', 22, 18.7),
  item('Microsoft 365 Business Standard', 'MS-365-BS', 12.5, 10.63),
  item('Exchange Online (Plan 1)', 'MS-EXO-P1', 4, 3.4),
  item('Managed Services - Per User', '', 45, 0),
  { ...item('Voice & SMS usage', '', 0, 0), nominalcode: '210', purchasenominalcode: '320' },
  item('Distributor charges (general)', '', 0, 0),
];

function item(name: string, sku: string, price: number, cost: number): Omit<HaloItemRec, 'id'> {
  return {
    name,
    description: name,
    supplier_part_code: sku,
    internalreference: '',
    assetgroup_id: 1,
    assetgroup_name: 'Software',
    baseprice: price,
    costprice: cost,
    nominalcode: '200',
    purchasenominalcode: '310',
    taxcode: 1,
    inactive: false,
  };
}

export function demoFixture(): HaloFixture {
  const clients: HaloClientRec[] = DEMO_CLIENTS.filter((c) => c.psaName !== null).map((c) => ({
    id: clientIdOf(c.id),
    name: c.psaName as string,
    inactive: false,
    // Évora Consulting has its own tax code in Halo (exempt): it applies to every line.
    item_tax_code: c.id === 'c07' ? 3 : 0,
    // Harborview Medical is tax-exempt the US way: not taxable, no tax code of its own.
    taxable: c.id !== 'c10',
    // Kestrel Aviation's sales tax is computed by Halo's tax integration.
    automatic_sales_tax: c.id === 'c13',
    // Granite Peak Realty is billed through its parent, Acme Dental Group.
    client_to_invoice: c.id === 'c09' ? clientIdOf('c01') : 0,
    // A reference for most clients; Bäckerei Müller has none.
    ...(c.id === 'c02' ? {} : { ref: `HC${c.id.slice(1)}` }),
  }));
  const items = ITEMS.map((it, i) => ({ ...it, id: i + 1 }));
  const name = (cid: number) => clients.find((c) => c.id === cid)?.name ?? '';
  let lineId = 5000;
  const line = (ihid: number, itemIdx: number, qty: number): HaloLineRec => {
    const it = items[itemIdx];
    return {
      id: ++lineId,
      ihid,
      _itemid: it.id,
      item_code: '',
      item_shortdescription: it.name,
      item_longdescription: it.name,
      nominal_code: it.nominalcode,
      tax_code: '1',
      qty_order: qty,
      unit_price: it.baseprice,
      unit_cost: it.costprice,
      comment_1: '',
    };
  };
  // Items carry the income (nominalcode) and expense (purchasenominalcode) codes synced from the
  // accounting package: 200/210 sales, 310/320 cost of sales.
  const latestFor = ['c01', 'c03', 'c05', 'c07', 'c08', 'c12'];
  const invoices: HaloInvoiceRec[] = [];
  let invId = 1000;
  const invoice = (cid: number, date: string, posted: boolean, extra: Record<string, unknown> = {}) => {
    const id = ++invId;
    invoices.push({
      id,
      client_id: cid,
      client_name: name(cid),
      invoicenumber: `INV-${id}`,
      invoice_date: date,
      reference: '',
      posted,
      lines: [line(id, 3, 10)],
      ...extra,
    });
    return id;
  };
  for (const d of latestFor) {
    const cid = clientIdOf(d);
    // An older posted invoice and the latest open one, except Juniper Schools Trust (c12) whose October
    // invoice was already emailed: it has no open invoice to add charges to.
    invoice(cid, '2026-09-01T00:00:00', true);
    invoice(cid, '2026-10-01T00:00:00', false, d === 'c12' ? { datesent: '2026-10-02T09:15:00' } : {});
  }
  // Newer records that are not open invoices: a credit note (c05), a voided invoice (c08) and an invoice
  // paid but never posted (c03, a tenant without accounting sync).
  const credited = invoices.find((i) => i.client_id === clientIdOf('c05') && i.posted)?.id ?? 0;
  const note = invoice(clientIdOf('c05'), '2026-10-20T00:00:00', false, {
    creditlinkedtoinvoiceid: credited,
  });
  for (const l of (invoices.find((i) => i.id === note) as HaloInvoiceRec).lines) l.qty_order = -l.qty_order;
  invoice(clientIdOf('c08'), '2026-10-25T00:00:00', false, { voided: true });
  invoice(clientIdOf('c03'), '2026-10-18T00:00:00', false, {
    paymentstatus: 2,
    amountpaid: 450,
    datepaid: '2026-10-19T00:00:00',
  });
  const recurringFor = ['c01', 'c02', 'c03', 'c07', 'c10'];
  const recurringInvoices: HaloInvoiceRec[] = recurringFor.map((d, i) => {
    const id = -(90 + i);
    const cid = clientIdOf(d);
    return {
      id,
      client_id: cid,
      client_name: name(cid),
      invoicenumber: '0',
      reference: `Monthly managed services - ${name(cid)}`,
      posted: false,
      is_recurring_invoice: true,
      // Generated monthly; the next invoice is October's (period = the calendar month of nextcreationdate).
      nextcreationdate: '2026-10-01T00:00:00',
      lines: [line(id, 3, 12), line(id, 0, 5)],
    };
  });
  return {
    tenant: 'northwind',
    ...DEMO_CREDENTIALS,
    tokenLifetimeSec: 3600,
    // Hosted Halo: 300 requests per rolling 5 minutes, 429 without Retry-After (SOURCES.md).
    rateLimit: { max: 300, windowSec: 300 },
    variant: { ...DEFAULT_VARIANT },
    maxPageSize: 100,
    clients,
    items,
    assetGroups: [
      { id: 1, name: 'Software' },
      { id: 2, name: 'Hardware' },
    ],
    taxes: [
      { id: 1, name: 'Sales Tax 8%', rate: 8 },
      { id: 2, name: 'GST 10%', rate: 10 },
      { id: 3, name: 'Tax Exempt', rate: 0 },
    ],
    invoices,
    recurringInvoices,
  };
}
