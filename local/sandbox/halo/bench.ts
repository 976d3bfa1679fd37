/**
 * HaloPSA's part of the bench's month (local/sandbox/bench.ts): every client a client; nine in ten an
 * open latest invoice (and an older posted one) with a line of managed services; one in four a
 * recurring invoice; items for two SKUs in three (the others are auto-created by the push). The tenth
 * client bills on a new invoice (a client setting).
 */
import type { MinimumPart, PsaBench } from '../bench';
import {
  demoFixture,
  type HaloFixture,
  type HaloInvoiceRec,
  type HaloItemRec,
  type HaloLineRec,
} from './fixture';
import { seedState } from './server';

/** Largest page the API serves (src/connectors/psa/halo/SOURCES.md). */
const PAGE = 100;
const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const hasContract = (i: number): boolean => i % 10 !== 0;
const clientId = (i: number): number => 10_000 + i;

export const bench: PsaBench<HaloFixture> = {
  kind: 'psa',
  build({ clients, products, companyName }) {
    const h = demoFixture();
    // Hosted Halo tenants throttle per window; the bench lifts the limit and counts (see `hostedLimit`).
    h.rateLimit = null;
    h.clients = range(clients).map((i) => ({
      id: clientId(i),
      name: companyName(i),
      inactive: false,
      item_tax_code: 0,
    }));
    const managed = h.items.find((it) => it.name.startsWith('Managed Services')) ?? h.items[0];
    // Items for two SKUs in three (by first appearance); the rest are created by the push (auto-create).
    let itemId = 100;
    const items: HaloItemRec[] = products
      .filter((_, k) => k % 3 !== 2)
      .map((p) => ({
        ...managed,
        id: ++itemId,
        name: p.name,
        description: p.name,
        supplier_part_code: p.sku,
        baseprice: p.price,
        costprice: p.cost,
      }));
    h.items = [...h.items, ...items];
    let invId = 1_000_000;
    let lineId = 5_000_000;
    const line = (ihid: number, qty: number): HaloLineRec => ({
      id: ++lineId,
      ihid,
      _itemid: managed.id,
      item_code: '',
      item_shortdescription: managed.name,
      item_longdescription: managed.name,
      nominal_code: managed.nominalcode,
      tax_code: '1',
      qty_order: qty,
      unit_price: managed.baseprice,
      unit_cost: managed.costprice,
      comment_1: '',
    });
    const invoices: HaloInvoiceRec[] = [];
    const recurring: HaloInvoiceRec[] = [];
    for (const i of range(clients)) {
      const client_id = clientId(i);
      if (hasContract(i)) {
        for (const [date, posted] of [
          ['2026-09-30T00:00:00', true],
          ['2026-10-31T00:00:00', false],
        ] as const) {
          const id = ++invId;
          invoices.push({
            id,
            client_id,
            client_name: companyName(i),
            invoicenumber: `INV-${id}`,
            invoice_date: date,
            reference: '',
            posted,
            lines: [line(id, 5 + (i % 20))],
          });
        }
      }
      if (i % 4 === 1) {
        const id = -(100 + i);
        recurring.push({
          id,
          client_id,
          client_name: companyName(i),
          invoicenumber: '0',
          invoice_date: '2026-11-01T00:00:00',
          reference: `Monthly managed services - ${companyName(i)}`,
          posted: false,
          lines: [line(id, 5 + (i % 20))],
        });
      }
    }
    h.invoices = invoices;
    h.recurringInvoices = recurring;
    const clientSettings = Object.fromEntries(
      range(clients)
        .filter((i) => !hasContract(i))
        .map((i) => [String(clientId(i)), { invoiceBehaviour: 'new' }]),
    );
    return { state: h, clientSettings };
  },
  refreshMinimum: (h): MinimumPart[] => [
    ['clients', pages(h.clients.length)],
    ['invoices (latest per client)', pages(h.invoices.length)],
    ['recurring invoices', pages(h.recurringInvoices.length)],
    ['items', pages(h.items.length)],
    ['tax rates', pages(h.taxes.length)],
  ],
  readMinimum: (h): MinimumPart[] => [
    ['invoices with lines', pages(h.invoices.length)],
    ['recurring invoices with lines', pages(h.recurringInvoices.length)],
  ],
  changes(fixture, after) {
    const out: Record<string, number> = {};
    // As the sandbox holds the fixture before any request (its lines carry the amounts Halo computes):
    // compared with the raw fixture every invoice with lines would count as changed.
    const before = seedState(fixture);
    const changed = (a: HaloInvoiceRec[], b: HaloInvoiceRec[], label: string, created: string) => {
      const old = new Map(a.map((i) => [i.id, JSON.stringify(i)]));
      for (const inv of b) {
        // A new invoice with its lines is one request (POST /Invoice with `lines`).
        const k = !old.has(inv.id) ? created : old.get(inv.id) !== JSON.stringify(inv) ? label : null;
        if (k) out[k] = (out[k] ?? 0) + 1;
      }
    };
    changed(before.invoices, after.invoices, 'invoices changed', 'invoices created');
    changed(
      before.recurringInvoices,
      after.recurringInvoices,
      'recurring invoices changed',
      'recurring created',
    );
    const items = new Set(before.items.map((i) => i.id));
    const newItems = after.items.filter((i) => !items.has(i.id)).length;
    if (newItems) out['items created'] = newItems;
    const groups = new Set(before.assetGroups.map((g) => g.id));
    const newGroups = after.assetGroups.filter((g) => !groups.has(g.id)).length;
    if (newGroups) out['item groups created'] = newGroups;
    return out;
  },
  duplicates(h) {
    const dup = (keys: string[]) => keys.length - new Set(keys).size;
    const all = [...h.invoices, ...h.recurringInvoices];
    return {
      'invoice line keys': dup(
        all.flatMap((i) => i.lines.map((l) => String(l.comment_1 ?? '')).filter((k) => /^BG-/.test(k))),
      ),
      invoices: dup(h.invoices.filter((i) => i.reference).map((i) => `${i.client_id}/${i.reference}`)),
    };
  },
  threads: 5,
  // Hosted HaloPSA: 300 requests per rolling 5 minutes (src/connectors/psa/halo/SOURCES.md).
  hostedLimit: { requests: 300, windowS: 300 },
};
