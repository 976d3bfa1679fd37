/**
 * Pax8's part of the bench's month (local/sandbox/bench.ts): `clients` companies named like the bench's
 * clients, with as many subscription sets each as it takes to reach the wanted number of lines, taken
 * round-robin over the clients so every client gets its share. Recurring terms are the clients' seats.
 */
import type { MinimumPart, SourceBench } from '../bench';
import { bigFixture, type Pax8Fixture } from './fixture';

/** Largest page the API serves (src/connectors/sources/pax8/SOURCES.md). */
const PAGE = 200;
/** Terms billed as contract quantities (recurring seats); everything else is a charge. */
const SEAT_TERMS = new Set(['Monthly', 'Annual']);

const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));

export const bench: SourceBench<Pax8Fixture> = {
  kind: 'source',
  share: 'rest',
  build({ month, clients, lines, companyName }) {
    if (lines < clients) throw new Error(`${lines} lines are too few for ${clients} clients`);
    const pax8 = bigFixture(clients, month, Math.ceil(lines / clients / 3.5) + 1);
    pax8.companies.forEach((c, i) => {
      c.name = companyName(i + 1);
    });
    pax8.items = roundRobin(pax8.items, lines);
    const numberOf = new Map(pax8.companies.map((c, i) => [c.id, i + 1]));
    for (const it of pax8.items) it.companyName = companyName(numberOf.get(it.companyId) ?? 0);
    const seats = new Map<number, Map<string, number>>();
    for (const it of pax8.items) {
      if (it.type !== 'subscription' || !SEAT_TERMS.has(it.term)) continue;
      const n = numberOf.get(it.companyId) ?? 0;
      const m = seats.get(n) ?? new Map<string, number>();
      m.set(it.sku, (m.get(it.sku) ?? 0) + it.quantity);
      seats.set(n, m);
    }
    // One per SKU at its first appearance, carrying the last item's name and prices (as a Map keeps them).
    const products = [
      ...new Map(
        pax8.items.map((it) => [
          it.sku,
          { sku: it.sku, name: it.productName, price: it.price, cost: it.cost },
        ]),
      ).values(),
    ];
    return { fixture: pax8, lines: pax8.items.length, seats, products };
  },
  credentials: (f) => ({ clientId: f.clients[0].clientId, clientSecret: f.clients[0].clientSecret }),
  refreshMinimum: (f): MinimumPart[] => [['companies', pages(f.companies.length)]],
  pullMinimum(f): MinimumPart[] {
    const itemsPerInvoice = new Map<string, number>();
    for (const it of f.items) itemsPerInvoice.set(it.invoiceId, (itemsPerInvoice.get(it.invoiceId) ?? 0) + 1);
    const monthInvoices = f.invoices.filter((i) => itemsPerInvoice.has(i.id));
    return [
      ['companies', pages(f.companies.length)],
      ['subscriptions', pages(f.subscriptions.length)],
      ['invoices', pages(monthInvoices.length)],
      ['invoice items', monthInvoices.reduce((n, i) => n + pages(itemsPerInvoice.get(i.id) ?? 0), 0)],
    ];
  },
};

/** The first `n` items taking one per company in turn, so trimming spreads over every client. */
function roundRobin<T extends { companyId: string }>(items: T[], n: number): T[] {
  const byCompany = new Map<string, T[]>();
  for (const it of items) {
    const list = byCompany.get(it.companyId);
    if (list) list.push(it);
    else byCompany.set(it.companyId, [it]);
  }
  const lists = [...byCompany.values()];
  const out: T[] = [];
  for (let k = 0; out.length < n; k++) {
    let any = false;
    for (const l of lists) {
      if (k < l.length && out.length < n) {
        out.push(l[k]);
        any = true;
      }
    }
    if (!any) throw new Error(`The generator made only ${out.length} of ${n} lines`);
  }
  // Back in the order Pax8 serves them: company by company.
  const order = new Map(items.map((it, i) => [it, i]));
  return out.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
