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
  comment_1: string;
  [field: string]: unknown;
}

export interface HaloInvoiceRec {
  id: number;
  client_id: number;
  client_name: string;
  invoicenumber: string;
  invoice_date: string;
  reference: string;
  posted: boolean;
  lines: HaloLineRec[];
}

export interface HaloItemRec {
  id: number;
  name: string;
  description: string;
  supplier_part_code: string;
  internalreference: string;
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
  /** Requests per window before 429 (null: no limit). */
  rateLimit: { max: number; windowSec: number } | null;
  /** Largest page Halo serves, whatever page_size asks. */
  maxPageSize: number;
  clients: { id: number; name: string; inactive: boolean; item_tax_code: number }[];
  items: HaloItemRec[];
  assetGroups: { id: number; name: string }[];
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
  const clients = DEMO_CLIENTS.filter((c) => c.psaName !== null).map((c) => ({
    id: clientIdOf(c.id),
    name: c.psaName as string,
    inactive: false,
    // Évora Consulting is tax-exempt in Halo: its own tax code applies to every line.
    item_tax_code: c.id === 'c07' ? 3 : 0,
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
  for (const d of latestFor) {
    const cid = clientIdOf(d);
    // An older posted invoice and the latest (open) one.
    for (const [date, posted] of [
      ['2026-09-01T00:00:00', true],
      ['2026-10-01T00:00:00', false],
    ] as const) {
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
      });
    }
  }
  const recurringFor = ['c01', 'c02', 'c03', 'c07', 'c10'];
  const recurringInvoices: HaloInvoiceRec[] = recurringFor.map((d, i) => {
    const id = -(90 + i);
    const cid = clientIdOf(d);
    return {
      id,
      client_id: cid,
      client_name: name(cid),
      invoicenumber: '0',
      invoice_date: '2026-11-01T00:00:00',
      reference: `Monthly managed services - ${name(cid)}`,
      posted: false,
      lines: [line(id, 3, 12), line(id, 0, 5)],
    };
  });
  return {
    tenant: 'northwind',
    ...DEMO_CREDENTIALS,
    tokenLifetimeSec: 3600,
    rateLimit: { max: 1000, windowSec: 60 },
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
