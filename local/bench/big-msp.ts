/**
 * A large MSP's month for the benchmark, derived from the sandboxes' own big generators:
 *  - Pax8: `clients` companies ("Company 0001"…) with as many subscription sets each as it takes to reach
 *    the wanted number of lines, taken round-robin over the clients so every client gets its share;
 *  - Twilio: `subaccounts` subaccounts named like the first companies, a month of usage each;
 *  - Autotask: every client a company; nine in ten a recurring-service contract whose contract services
 *    come from the client's Pax8 seats — a third exact, a third a few seats off, a third not on the
 *    contract yet — so a push has unchanged, adjusted and new quantities, and new charges;
 *  - HaloPSA: every client a client; nine in ten an open latest invoice (and an older posted one) with a
 *    line of managed services; one in four a recurring invoice; items for most Pax8 SKUs (the others are
 *    auto-created). The tenth client bills on a new invoice (a client setting, see `haloClientSettings`).
 * Everything is deterministic: the same arguments give the same month.
 */
import { demoFixture as autotaskDemo, DEMO_SERVICES } from '../sandbox/autotask/fixture';
import type { AtState } from '../sandbox/autotask/fixture';
import type { AtRecord } from '../sandbox/autotask/filter';
import { demoFixture as haloDemo } from '../sandbox/halo/fixture';
import type { HaloFixture, HaloInvoiceRec, HaloItemRec, HaloLineRec } from '../sandbox/halo/fixture';
import { bigFixture as pax8Big } from '../sandbox/pax8/fixture';
import type { Pax8Fixture } from '../sandbox/pax8/fixture';
import { bigFixture as twilioBig } from '../sandbox/twilio/fixture';
import type { TwilioFixture } from '../sandbox/twilio/fixture';

export const BENCH_MONTH = '2026-10';

export interface BigMonthSpec {
  /** Source lines wanted (Pax8 invoice items + Twilio usage records). */
  lines: number;
  clients: number;
  subaccounts: number;
}

export interface BigMonth {
  spec: BigMonthSpec;
  pax8: Pax8Fixture;
  twilio: TwilioFixture;
  autotask: AtState;
  halo: HaloFixture;
  /** Halo company ids of the clients without an invoice yet (billed on a new invoice). */
  haloNewInvoiceClients: string[];
}

export const companyName = (i: number): string => `Company ${String(i).padStart(4, '0')}`;
const hasContract = (i: number): boolean => i % 10 !== 0;
/** Pax8 terms billed as contract quantities (recurring seats); everything else is a charge. */
const SEAT_TERMS = new Set(['Monthly', 'Annual']);

export function bigMonth(spec: BigMonthSpec): BigMonth {
  const twilio = twilioBig(spec.subaccounts, BENCH_MONTH);
  twilio.subaccounts.forEach((s, i) => {
    s.friendlyName = companyName(i + 1);
  });
  const wanted = spec.lines - twilio.usage.length;
  if (wanted < spec.clients) throw new Error(`${spec.lines} lines are too few for ${spec.clients} clients`);
  const pax8 = pax8Big(spec.clients, BENCH_MONTH, Math.ceil(wanted / spec.clients / 3.5) + 1);
  pax8.companies.forEach((c, i) => {
    c.name = companyName(i + 1);
  });
  pax8.items = roundRobin(pax8.items, wanted);
  const numberOf = new Map(pax8.companies.map((c, i) => [c.id, i + 1]));
  for (const it of pax8.items) it.companyName = companyName(numberOf.get(it.companyId) ?? 0);
  return {
    spec,
    pax8,
    twilio,
    autotask: autotaskState(spec.clients, pax8, numberOf),
    halo: haloState(spec.clients, pax8),
    haloNewInvoiceClients: range(spec.clients)
      .filter((i) => !hasContract(i))
      .map((i) => String(haloClientId(i))),
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

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
    if (!any) throw new Error(`The Pax8 generator made only ${out.length} of ${n} lines`);
  }
  // Back in the order Pax8 serves them: company by company.
  const order = new Map(items.map((it, i) => [it, i]));
  return out.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/** Seats per client number and SKU, as the source says (recurring terms only). */
function seats(pax8: Pax8Fixture, numberOf: Map<string, number>): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const it of pax8.items) {
    if (it.type !== 'subscription' || !SEAT_TERMS.has(it.term)) continue;
    const n = numberOf.get(it.companyId) ?? 0;
    const m = out.get(n) ?? new Map<string, number>();
    m.set(it.sku, (m.get(it.sku) ?? 0) + it.quantity);
    out.set(n, m);
  }
  return out;
}

function autotaskState(clients: number, pax8: Pax8Fixture, numberOf: Map<string, number>): AtState {
  const at = autotaskDemo();
  // Autotask allows 10,000 requests an hour per database; a month this size spreads its writes over
  // hours of continuations on the real API. The bench counts requests, so it lifts the budget rather
  // than wait (the 3-thread limit stays).
  at.limits.hourlyRequests = 100_000_000;
  const serviceBySku = new Map(DEMO_SERVICES.map((s) => [s.sku, s]));
  const bySeat = seats(pax8, numberOf);
  const companies: AtRecord[] = [];
  const contracts: AtRecord[] = [];
  const contractServices: AtRecord[] = [];
  const units: AtRecord[] = [];
  let unitId = 1_000_000;
  let csId = 400_000;
  for (const i of range(clients)) {
    const companyID = 200_000 + i;
    companies.push({
      id: companyID,
      companyName: companyName(i),
      companyType: 1,
      isActive: true,
      phone: '555-0100',
      ownerResourceID: 29682885,
    });
    if (!hasContract(i)) continue;
    const contractID = 300_000 + i;
    contracts.push({
      id: contractID,
      companyID,
      contractName: `${companyName(i)} - Managed Services`,
      contractType: 7,
      status: 1,
      startDate: '2026-01-01T00:00:00Z',
      endDate: '2027-12-31T00:00:00Z',
      timeReportingRequiresStartAndStopTimes: 1,
    });
    let k = 0;
    for (const [sku, count] of bySeat.get(i) ?? []) {
      const svc = serviceBySku.get(sku);
      const drift = (i + k++) % 3;
      if (!svc || drift === 2) continue; // not on the contract yet
      const id = ++csId;
      contractServices.push({
        id,
        contractID,
        serviceID: svc.id,
        unitPrice: svc.price,
        unitCost: svc.cost,
        adjustedPrice: svc.price,
        invoiceDescription: svc.name,
        internalDescription: '',
      });
      for (const [start, end] of [
        ['2026-09-01', '2026-09-30'],
        ['2026-10-01', '2026-10-31'],
        ['2026-11-01', '2026-11-30'],
      ]) {
        units.push({
          id: ++unitId,
          contractID,
          contractServiceID: id,
          serviceID: svc.id,
          startDate: `${start}T00:00:00Z`,
          endDate: `${end}T00:00:00Z`,
          units: drift === 0 ? count : count + 2,
          price: svc.price,
          cost: svc.cost,
          approveAndPostDate: null,
        });
      }
    }
  }
  at.entities.Companies = companies;
  at.entities.Contracts = contracts;
  at.entities.ContractServices = contractServices;
  at.entities.ContractServiceUnits = units;
  at.entities.ContractCharges = [];
  at.entities.ContractServiceAdjustments = [];
  return at;
}

export const haloClientId = (i: number): number => 10_000 + i;

function haloState(clients: number, pax8: Pax8Fixture): HaloFixture {
  const h = haloDemo();
  // Hosted Halo tenants throttle per window; as for Autotask the bench lifts the limit and counts.
  h.rateLimit = null;
  h.clients = range(clients).map((i) => ({
    id: haloClientId(i),
    name: companyName(i),
    inactive: false,
    item_tax_code: 0,
  }));
  const managed = h.items.find((it) => it.name.startsWith('Managed Services')) ?? h.items[0];
  // Items for two SKUs in three (by first appearance); the rest are created by the push (auto-create).
  const skus = [...new Map(pax8.items.map((it) => [it.sku, it])).values()];
  let itemId = 100;
  const items: HaloItemRec[] = skus
    .filter((_, k) => k % 3 !== 2)
    .map((it) => ({
      ...managed,
      id: ++itemId,
      name: it.productName,
      description: it.productName,
      supplier_part_code: it.sku,
      baseprice: it.price,
      costprice: it.cost,
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
    const client_id = haloClientId(i);
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
  return h;
}
