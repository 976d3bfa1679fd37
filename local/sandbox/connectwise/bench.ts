/**
 * ConnectWise PSA's part of the bench's month (local/sandbox/bench.ts): every client a company with a
 * contact; nine in ten a recurring "Managed Services" agreement whose additions come from the client's
 * seats — a third exact, a third a few seats off, a third not on the agreement yet — so a push has
 * unchanged, changed and new quantities, and new charges (usage and one-off lines are additions billed
 * once). Catalog items for two SKUs in three; the others are auto-created by the push from the default
 * item (SOURCES.md, "Catalog items in auto-create mode").
 */
import type { MinimumPart, PsaBench } from '../bench';
import {
  AGREEMENT_START,
  MANAGED_SERVICES_TYPE,
  at,
  demoFixture,
  identifierOf,
  ref,
  seatAddition,
  type CwState,
  type Rec,
} from './fixture';

/** Largest page the API serves (src/connectors/psa/connectwise/SOURCES.md). */
const PAGE = 1000;
const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const hasAgreement = (i: number): boolean => i % 10 !== 0;
const companyId = (i: number): number => 100_000 + i;
const KEY = /BG-[0-9a-f]{16}(-\d+)?/;

/** Additions per agreement id. */
function byAgreement(s: CwState): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of s.additions) out.set(Number(a.agreementId), (out.get(Number(a.agreementId)) ?? 0) + 1);
  return out;
}

export const bench: PsaBench<CwState> = {
  kind: 'psa',
  build({ clients, seats, products, companyName }) {
    const cw = demoFixture();
    // ConnectWise publishes no request budget (SOURCES.md, "Throttle"): the bench lifts the sandbox's and
    // shows the month's elapsed time under the one figure found (`hostedLimit`).
    cw.throttle = { limit: 1e9, windowMs: 60_000 };
    const template = cw.catalog[0];
    const skus = new Set(products.map((p) => p.sku));
    // Catalog items for two SKUs in three (by first appearance); the rest are created by the push.
    let itemId = 1_000;
    const items = new Map<string, Rec>();
    products
      .filter((_, k) => k % 3 !== 2)
      .forEach((p) =>
        items.set(p.sku, {
          ...template,
          id: ++itemId,
          identifier: p.sku,
          description: p.name.slice(0, 60),
          customerDescription: p.name.slice(0, 60),
          price: p.price,
          cost: p.cost,
        }),
      );
    // The demo catalog's items stay (the default item is one of them) unless a bench SKU is theirs.
    cw.catalog = [...cw.catalog.filter((c) => !skus.has(String(c.identifier))), ...items.values()];
    cw.companies = [];
    cw.contacts = [];
    cw.agreements = [];
    cw.additions = [];
    let additionId = 5_000_000;
    for (const i of range(clients)) {
      const id = companyId(i);
      const name = companyName(i);
      const contactId = 200_000 + i;
      cw.contacts.push({ id: contactId, firstName: 'Accounts', lastName: 'Payable', company: ref(id, name) });
      cw.companies.push({
        id,
        identifier: identifierOf(name),
        name,
        status: ref(1, 'Active'),
        types: [ref(1, 'Client')],
        defaultContact: ref(contactId, 'Accounts Payable'),
        deletedFlag: false,
      });
      if (!hasAgreement(i)) continue;
      const agreementId = 300_000 + i;
      cw.agreements.push({
        id: agreementId,
        name: 'Managed Services',
        type: ref(MANAGED_SERVICES_TYPE, 'Managed Services'),
        company: ref(id, name),
        contact: ref(contactId, 'Accounts Payable'),
        agreementStatus: 'Active',
        cancelledFlag: false,
        startDate: at(AGREEMENT_START),
        endDate: null,
        noEndingDateFlag: true,
        billingCycle: ref(1, 'Monthly'),
        prorateFlag: false,
        invoiceProratedAdditionsFlag: false,
        customerPO: null,
      });
      let k = 0;
      for (const [sku, count] of seats.get(i) ?? []) {
        const item = items.get(sku);
        const drift = (i + k++) % 3;
        if (!item || drift === 2) continue; // not on the agreement yet
        cw.additions.push(seatAddition(++additionId, agreementId, item, drift === 0 ? count : count + 2));
      }
    }
    return { state: cw };
  },
  refreshMinimum: (cw): MinimumPart[] => [
    ['companies', pages(cw.companies.length)],
    ['agreements', pages(cw.agreements.length)],
    ['catalog items', pages(cw.catalog.length)],
  ],
  readMinimum(cw, _month, after): MinimumPart[] {
    // There is no cross-agreement additions list: one list per agreement, ≥ 1 page each.
    const per = byAgreement(after ?? cw);
    return [
      ['agreements', pages(cw.agreements.length)],
      [
        'additions (one list per agreement)',
        cw.agreements.reduce((n, a) => n + pages(per.get(a.id) ?? 0), 0),
      ],
    ];
  },
  changes(before, after) {
    const out: Record<string, number> = {};
    const count = (a: Rec[], b: Rec[], changed: string, created: string) => {
      const old = new Map(a.map((r) => [r.id, JSON.stringify(r)]));
      for (const r of b) {
        const k = !old.has(r.id) ? created : old.get(r.id) !== JSON.stringify(r) ? changed : null;
        if (k) out[k] = (out[k] ?? 0) + 1;
      }
    };
    count(before.additions, after.additions, 'additions changed', 'additions created');
    count(before.catalog, after.catalog, 'catalog items changed', 'catalog items created');
    count(before.companies, after.companies, 'companies changed', 'companies created');
    count(before.agreements, after.agreements, 'agreements changed', 'agreements created');
    return out;
  },
  duplicates(cw) {
    const dup = (keys: string[]) => keys.length - new Set(keys).size;
    const charges = cw.additions.map((a) => KEY.exec(String(a.invoiceDescription ?? ''))?.[0] ?? '');
    return {
      'charge keys': dup(charges.filter(Boolean)),
      // Two quantity additions of one product in force on one agreement would bill the seats twice.
      'open additions': dup(
        cw.additions
          .filter((a, k) => !charges[k] && !a.cancelledDate)
          .map((a) => `${String(a.agreementId)}/${String((a.product as { id: number }).id)}`),
      ),
      'catalog items': dup(cw.catalog.map((c) => String(c.identifier).toLowerCase())),
    };
  },
  threads: 4,
  // ConnectWise documents no request budget; the one published figure is an unofficial 60 a minute
  // (src/connectors/psa/connectwise/SOURCES.md, "Throttle": unverified).
  hostedLimit: { requests: 60, windowS: 60 },
};
