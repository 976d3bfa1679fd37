/**
 * Pax8 demo fixture derived from the demo MSP: a company per client with a Pax8 name, Microsoft 365 seats
 * (monthly and annual terms), Azure plan usage billed in arrears (several lines per client), pro-rata
 * lines for mid-month seat changes (one a reduction: negative), $0 trials, an annual prepaid licence,
 * and a second partner invoice in EUR for the Portuguese client. Ids and amounts are deterministic.
 */
import { fnv1a64 } from '../../../src/core/hash';
import { DEMO_CLIENTS, DEMO_MONTH, DEMO_MSP_NAME } from '../../demo/msp';

export interface Pax8FixtureCompany {
  id: string;
  name: string;
  address: { street: string; city: string; stateOrProvince: string; postalCode: string; country: string };
  phone: string;
  website: string;
  externalId?: string;
  billOnBehalfOfEnabled: boolean;
  selfServiceAllowed: boolean;
  orderApprovalRequired: boolean;
  status: 'Active' | 'Inactive' | 'Deleted';
}

export interface Pax8FixtureSubscription {
  id: string;
  companyId: string;
  productId: string;
  productName: string;
  quantity: number;
  startDate: string;
  createdDate: string;
  billingStart: string;
  status: string;
  price: number;
  currencyCode: string;
  billingTerm: string;
}

export interface Pax8FixtureInvoice {
  id: string;
  invoiceDate: string;
  dueDate: string;
  status: 'Unpaid' | 'Paid' | 'Void' | 'Carried' | 'Nothing Due' | 'Credited';
  total: number;
  balance: number;
  carriedBalance: number;
  currencyCode: string;
  partnerName: string;
  companyId?: string;
}

/** An invoice item as Pax8 serves it, plus the invoice it belongs to (not sent). */
export interface Pax8FixtureItem {
  invoiceId: string;
  id: string;
  type: string;
  purchaseOrderNumber?: string;
  companyId: string;
  companyName: string;
  startPeriod: string;
  endPeriod: string;
  quantity: number;
  unitOfMeasure: string;
  term: string;
  sku: string;
  description: string;
  details?: string;
  rateType: string;
  chargeType: string;
  price: number;
  subTotal: number;
  cost: number;
  costTotal: number;
  offeredBy: string;
  billedByPax8: boolean;
  total: number;
  productId: string;
  productName: string;
  billingFee: number;
  billingFeeRate: number;
  amountDue: number;
  currencyCode: string;
  salesTax: number;
  subscriptionId: string | null;
  vendorName: string;
}

export interface Pax8Fixture {
  partnerName: string;
  clients: Array<{ clientId: string; clientSecret: string }>;
  tokenTtlSeconds: number;
  tokens: Array<{ token: string; expiresAt: number }>;
  companies: Pax8FixtureCompany[];
  subscriptions: Pax8FixtureSubscription[];
  invoices: Pax8FixtureInvoice[];
  items: Pax8FixtureItem[];
  /** Records served verbatim (malformed ones in the "bad" fixture). */
  rawItems?: Array<{ invoiceId: string; record: Record<string, unknown> }>;
  rawCompanies?: Array<Record<string, unknown>>;
  limits?: { requestsPerSecond?: number | null };
  /**
   * The sandbox's clock (yyyy-mm-dd): invoices exist only from the day Pax8 issues them (the 5th for an
   * invoice dated the 1st). Unset: every invoice exists.
   */
  today?: string;
  /**
   * How a draft item differs from the item the issued invoice will hold, by invoice item id ("the final
   * invoice generated on the 5th of the month may differ").
   */
  draftChanges?: Record<string, Partial<Omit<Pax8FixtureItem, 'invoiceId' | 'id'>>>;
  /** Behaviours the documentation leaves open; tests run the connector under each. */
  variants?: {
    /** An empty list: `content` left out (what Pax8's own CLI guards against, the default) or `[]`. */
    emptyList?: 'omit-content' | 'empty-array';
    paging?: 'stable' | 'repeat' | 'shifting';
  };
}

export const uuid = (seed: string): string => {
  const h = fnv1a64(`${seed}/1`) + fnv1a64(`${seed}/2`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const unit = (seed: string): number => parseInt(fnv1a64(seed).slice(0, 8), 16) / 0x100000000;
const between = (seed: string, lo: number, hi: number): number => Math.round(lo + unit(seed) * (hi - lo));
const r2 = (n: number): number => Math.round(n * 100) / 100;

interface Product {
  key: string;
  sku: string;
  name: string;
  vendor: string;
  cost: number;
  price: number;
  term: string;
  unit: string;
}

/** Partner cost and the MSRP the MSP sells at (USD, per user per month unless stated). */
const P: Record<string, Product> = {
  bpMonthly: {
    key: 'bpm',
    sku: 'MST-M365-BP-NCE-1M',
    name: 'Microsoft 365 Business Premium (monthly term)',
    vendor: 'Microsoft',
    cost: 23.76,
    price: 26.4,
    term: 'Monthly',
    unit: 'User',
  },
  bpAnnual: {
    key: 'bpa',
    sku: 'MST-M365-BP-NCE-1Y',
    name: 'Microsoft 365 Business Premium (annual term)',
    vendor: 'Microsoft',
    cost: 19.8,
    price: 22,
    term: 'Annual',
    unit: 'User',
  },
  bsAnnual: {
    key: 'bsa',
    sku: 'MST-M365-BS-NCE-1Y',
    name: 'Microsoft 365 Business Standard (annual term)',
    vendor: 'Microsoft',
    cost: 11.25,
    price: 12.5,
    term: 'Annual',
    unit: 'User',
  },
  e3Annual: {
    key: 'e3a',
    sku: 'MST-M365-E3-NCE-1Y',
    name: 'Microsoft 365 E3 (annual term)',
    vendor: 'Microsoft',
    cost: 32.4,
    price: 36,
    term: 'Annual',
    unit: 'User',
  },
  exchange: {
    key: 'exo',
    sku: 'MST-EXO-P1-NCE-1M',
    name: 'Exchange Online (Plan 1)',
    vendor: 'Microsoft',
    cost: 4.32,
    price: 4.8,
    term: 'Monthly',
    unit: 'User',
  },
  defender: {
    key: 'mdb',
    sku: 'MST-MDB-NCE-1Y',
    name: 'Microsoft Defender for Business',
    vendor: 'Microsoft',
    cost: 2.7,
    price: 3,
    term: 'Annual',
    unit: 'User',
  },
  aadP1: {
    key: 'aad',
    sku: 'MST-AADP1-NCE-1Y',
    name: 'Azure Active Directory Premium P1',
    vendor: 'Microsoft',
    cost: 5.4,
    price: 6,
    term: 'Annual',
    unit: 'User',
  },
  proofpoint: {
    key: 'ppt',
    sku: 'PPT-ESS-BUS',
    name: 'Proofpoint Essentials - Business',
    vendor: 'Proofpoint',
    cost: 2.1,
    price: 3.5,
    term: 'Monthly',
    unit: 'User',
  },
  teamsTrial: {
    key: 'tet',
    sku: 'MST-TEAMS-ESS-TRIAL',
    name: 'Microsoft Teams Essentials (trial)',
    vendor: 'Microsoft',
    cost: 0,
    price: 0,
    term: 'Trial',
    unit: 'User',
  },
  appsPrepaid: {
    key: 'apb',
    sku: 'MST-M365-APPS-BUS-1Y-PRE',
    name: 'Microsoft 365 Apps for business (annual, paid yearly)',
    vendor: 'Microsoft',
    cost: 99,
    price: 118.8,
    term: 'Annual',
    unit: 'User',
  },
  azure: {
    key: 'azr',
    sku: 'MST-AZR-PLAN',
    name: 'Microsoft Azure Plan',
    vendor: 'Microsoft',
    cost: 0,
    price: 0,
    term: 'Arrears',
    unit: 'Each',
  },
};

const lastDay = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};
const prevMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
const nextMonthStart = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
};

class Builder {
  readonly f: Pax8Fixture;
  constructor(partnerName: string, seed: string) {
    this.f = {
      partnerName,
      clients: [
        {
          clientId: `pax8-client-${fnv1a64(`${seed}/id`)}`,
          clientSecret: `p8s_${fnv1a64(`${seed}/s1`)}${fnv1a64(`${seed}/s2`)}`,
        },
      ],
      tokenTtlSeconds: 86400,
      tokens: [],
      companies: [],
      subscriptions: [],
      invoices: [],
      items: [],
    };
  }

  company(seed: string, name: string, n: number, country = 'US'): Pax8FixtureCompany {
    const c: Pax8FixtureCompany = {
      id: uuid(`company:${seed}`),
      name,
      address: {
        street: `${100 + n * 7} Main St`,
        city: 'Denver',
        stateOrProvince: 'CO',
        postalCode: `80${200 + n}`,
        country,
      },
      phone: `303-555-${String(1000 + n).slice(-4)}`,
      website: `https://client-${seed}.example.com`,
      externalId: seed,
      billOnBehalfOfEnabled: false,
      selfServiceAllowed: false,
      orderApprovalRequired: false,
      status: 'Active',
    };
    this.f.companies.push(c);
    return c;
  }

  invoice(
    seed: string,
    invoiceDate: string,
    currencyCode: string,
    status: Pax8FixtureInvoice['status'] = 'Unpaid',
    partnerName = this.f.partnerName,
  ): Pax8FixtureInvoice {
    const inv: Pax8FixtureInvoice = {
      id: uuid(`invoice:${seed}`),
      invoiceDate,
      dueDate: invoiceDate.replace(/-01$/, '-15'),
      status,
      total: 0,
      balance: 0,
      carriedBalance: 0,
      currencyCode,
      partnerName,
    };
    this.f.invoices.push(inv);
    return inv;
  }

  subscription(
    c: Pax8FixtureCompany,
    p: Product,
    quantity: number,
    currencyCode: string,
  ): Pax8FixtureSubscription {
    const id = uuid(`sub:${c.id}:${p.key}`);
    let s = this.f.subscriptions.find((x) => x.id === id);
    if (!s) {
      s = {
        id,
        companyId: c.id,
        productId: uuid(`product:${p.key}`),
        productName: p.name,
        quantity,
        startDate: '2024-03-01T08:30:00Z',
        createdDate: '2024-02-27',
        billingStart: '2024-03-01',
        status: p.term === 'Trial' ? 'Trial' : 'Active',
        price: p.price,
        currencyCode,
        billingTerm: p.term === 'Arrears' ? 'Monthly' : p.term,
      };
      this.f.subscriptions.push(s);
    }
    return s;
  }

  item(
    inv: Pax8FixtureInvoice,
    c: Pax8FixtureCompany,
    p: Product,
    o: {
      seed: string;
      quantity: number;
      start: string;
      end: string;
      type?: string;
      cost?: number;
      price?: number;
      description?: string;
      details?: string;
      /** Pax8 bills the end customer itself (a bill-on-behalf company). */
      billedByPax8?: boolean;
      /** Flat, volume or tiered pricing: `total` and `costTotal` are not quantity × price. */
      pricing?: { rateType: string; chargeType: string; total: number; costTotal: number };
    },
  ): Pax8FixtureItem {
    const cost = o.cost ?? p.cost;
    const price = o.price ?? p.price;
    const sub = this.subscription(c, p, Math.abs(o.quantity), inv.currencyCode);
    const total = o.pricing?.total ?? r2(o.quantity * price);
    const it: Pax8FixtureItem = {
      invoiceId: inv.id,
      id: uuid(`item:${inv.id}:${o.seed}`),
      type: o.type ?? 'subscription',
      purchaseOrderNumber: 'N/A',
      companyId: c.id,
      companyName: c.name,
      startPeriod: o.start,
      endPeriod: o.end,
      quantity: o.quantity,
      unitOfMeasure: p.unit,
      term: p.term,
      sku: p.sku,
      description: o.description ?? p.name,
      details: o.details,
      rateType: o.pricing?.rateType ?? 'single',
      chargeType: o.pricing?.chargeType ?? 'per',
      price,
      subTotal: total,
      cost,
      costTotal: o.pricing?.costTotal ?? r2(o.quantity * cost),
      offeredBy: 'Pax8',
      billedByPax8: o.billedByPax8 ?? false,
      total,
      productId: sub.productId,
      productName: p.name,
      billingFee: 0,
      billingFeeRate: 0,
      amountDue: total,
      currencyCode: inv.currencyCode,
      salesTax: 0,
      subscriptionId: sub.id,
      vendorName: p.vendor,
    };
    if (it.details === undefined) delete it.details;
    this.f.items.push(it);
    inv.total = r2(inv.total + total);
    inv.balance = inv.total;
    return it;
  }

  /** The month's licences for a client (in advance) and the previous month's Azure usage (arrears). */
  month(inv: Pax8FixtureInvoice, c: Pax8FixtureCompany, seed: string, month: string, fx = 1): void {
    const s = (k: string) => `${seed}/${month}/${k}`;
    const start = `${month}-01`;
    const end = lastDay(month);
    const money = (n: number) => r2(n * fx);
    const seats = between(`${seed}/seats`, 3, 48);
    const annual = unit(`${seed}/annual`) < 0.5;
    const main = unit(`${seed}/e3`) < 0.15 ? P.e3Annual : annual ? P.bpAnnual : P.bpMonthly;
    this.item(inv, c, main, {
      seed: s('main'),
      quantity: seats,
      start,
      end,
      cost: money(main.cost),
      price: money(main.price),
    });
    if (unit(`${seed}/bs`) < 0.3) {
      this.item(inv, c, P.bsAnnual, {
        seed: s('bs'),
        quantity: between(`${seed}/bsn`, 2, 15),
        start,
        end,
        cost: money(P.bsAnnual.cost),
        price: money(P.bsAnnual.price),
      });
    }
    if (unit(`${seed}/exo`) < 0.4) {
      this.item(inv, c, P.exchange, {
        seed: s('exo'),
        quantity: between(`${seed}/exon`, 1, 12),
        start,
        end,
        cost: money(P.exchange.cost),
        price: money(P.exchange.price),
      });
    }
    if (unit(`${seed}/mdb`) < 0.5) {
      this.item(inv, c, P.defender, {
        seed: s('mdb'),
        quantity: seats,
        start,
        end,
        cost: money(P.defender.cost),
        price: money(P.defender.price),
      });
    }
    if (unit(`${seed}/aad`) < 0.2) {
      this.item(inv, c, P.aadP1, {
        seed: s('aad'),
        quantity: between(`${seed}/aadn`, 2, 20),
        start,
        end,
        cost: money(P.aadP1.cost),
        price: money(P.aadP1.price),
      });
    }
    if (unit(`${seed}/ppt`) < 0.45) {
      // Proofpoint periods come as [start, next month's 1st): the connector makes the end inclusive.
      this.item(inv, c, P.proofpoint, {
        seed: s('ppt'),
        quantity: seats,
        start,
        end: nextMonthStart(month),
        cost: money(P.proofpoint.cost),
        price: money(P.proofpoint.price),
      });
    }
    if (unit(`${seed}/azure`) < 0.4) {
      const usageMonth = prevMonth(month);
      const envs = ['Production', 'Development', 'Backup vault'].slice(0, between(`${seed}/azn`, 2, 3));
      envs.forEach((env, k) => {
        const costUsd = r2((20 + unit(s(`az${k}`)) * 1800) * fx);
        this.item(inv, c, P.azure, {
          seed: s(`az${k}`),
          quantity: 1,
          start: `${usageMonth}-01`,
          end: lastDay(usageMonth),
          cost: costUsd,
          price: r2(costUsd * 1.1),
          description: `Azure plan - ${env}`,
          details: `Azure subscription ${uuid(`azsub:${seed}:${k}`)}`,
        });
      });
    }
  }
}

/** The demo MSP's Pax8 account for DEMO_MONTH (2026-10) plus September, a void invoice and a EUR invoice. */
export function demoFixture(): Pax8Fixture {
  const b = new Builder(DEMO_MSP_NAME, 'northwind');
  const oct = b.invoice('2026-10', `${DEMO_MONTH}-01`, 'USD');
  const eur = b.invoice('2026-10-eu', `${DEMO_MONTH}-01`, 'EUR', 'Unpaid', `${DEMO_MSP_NAME} (EU)`);
  const sep = b.invoice('2026-09', '2026-09-01', 'USD', 'Paid');
  const voided = b.invoice('2026-10-void', `${DEMO_MONTH}-20`, 'USD', 'Void');
  const byId = new Map<string, Pax8FixtureCompany>();
  DEMO_CLIENTS.forEach((client, n) => {
    if (!client.marketplaceName) return;
    const euro = client.id === 'c07';
    const c = b.company(client.id, client.marketplaceName, n + 1, euro ? 'PT' : 'US');
    byId.set(client.id, c);
    // Évora Consulting is billed by Pax8's European entity in EUR (prices ≈ USD × 0.92).
    b.month(euro ? eur : oct, c, client.id, DEMO_MONTH, euro ? 0.92 : 1);
    if (!euro) b.month(sep, c, client.id, '2026-09');
  });
  const blue = byId.get('c03')!;
  const crest = byId.get('c05')!;
  const fair = byId.get('c08')!;
  const lake = byId.get('c14')!;
  // Blue Harbor dropped 3 Business Premium seats on 16 Oct: a credit for the rest of the month.
  const f16 = 16 / 31;
  b.item(oct, blue, P.bpMonthly, {
    seed: 'blue-reduction',
    type: 'prorate',
    quantity: -3,
    start: '2026-10-16',
    end: '2026-10-31',
    cost: r2(P.bpMonthly.cost * f16),
    price: r2(P.bpMonthly.price * f16),
  });
  // Crestview added 2 seats on 10 Oct.
  const f22 = 22 / 31;
  b.item(oct, crest, P.bpAnnual, {
    seed: 'crest-addition',
    type: 'prorate',
    quantity: 2,
    start: '2026-10-10',
    end: '2026-10-31',
    cost: r2(P.bpAnnual.cost * f22),
    price: r2(P.bpAnnual.price * f22),
  });
  // Free trials: $0 lines.
  b.item(oct, fair, P.teamsTrial, {
    seed: 'fair-trial',
    quantity: 25,
    start: '2026-10-01',
    end: '2026-10-31',
  });
  b.item(oct, crest, P.teamsTrial, {
    seed: 'crest-trial',
    quantity: 10,
    start: '2026-10-01',
    end: '2026-10-31',
  });
  // Lakeside's annual prepaid licence renews in October: one charge for the year.
  b.item(oct, lake, P.appsPrepaid, {
    seed: 'lake-apps',
    quantity: 5,
    start: '2026-10-01',
    end: '2027-09-30',
  });
  // A one-off setup fee.
  b.item(
    oct,
    fair,
    {
      ...P.proofpoint,
      key: 'ppt-setup',
      sku: 'PPT-ESS-SETUP',
      name: 'Proofpoint Essentials onboarding',
      term: 'One-Time',
      cost: 50,
      price: 75,
    },
    {
      seed: 'fair-setup',
      type: 'one-time',
      quantity: 1,
      start: '2026-10-05',
      end: '2026-10-05',
    },
  );
  // The voided invoice repeats a line that must not be billed.
  b.item(voided, blue, P.exchange, { seed: 'void', quantity: 4, start: '2026-10-01', end: '2026-10-31' });
  return b.f;
}

/**
 * A month with the shapes Pax8 really sends beside the demo's (field meanings: Pax8's InvoiceItem schema,
 * see SOURCES.md): a bill-on-behalf company whose items Pax8 bills itself (`billedByPax8`), flat-,
 * volume- and tiered-priced items whose `total` is not quantity × price, and Azure under its real SKU
 * families (MST-AZR… plan usage, AZR-ARR-… arrears, MST-ARI… reserved instances).
 */
export function realisticFixture(): Pax8Fixture {
  const b = new Builder('Realistic MSP', 'realistic');
  const inv = b.invoice('real-2026-10', `${DEMO_MONTH}-01`, 'USD');
  const start = `${DEMO_MONTH}-01`;
  const end = lastDay(DEMO_MONTH);
  const acme = b.company('acme', 'Acme Dental Group', 1);
  const bobo = b.company('bobo', 'Harbor View Clinic', 2);
  bobo.billOnBehalfOfEnabled = true;
  b.month(inv, acme, 'acme', DEMO_MONTH);
  b.item(inv, bobo, P.bpMonthly, { seed: 'bobo-bp', quantity: 12, start, end, billedByPax8: true });
  b.item(inv, bobo, P.exchange, { seed: 'bobo-exo', quantity: 3, start, end, billedByPax8: true });
  const backup = (key: string, sku: string, name: string): Product => ({
    key,
    sku,
    name,
    vendor: 'Acronis',
    cost: 0,
    price: 0,
    term: 'Monthly',
    unit: 'Each',
  });
  // Flat: one price for any quantity (25 workstations for 100.00, not 2,500.00).
  b.item(inv, acme, backup('flat', 'ACR-BKP-FLAT', 'Acronis Backup (flat bundle)'), {
    seed: 'flat',
    quantity: 25,
    start,
    end,
    cost: 80,
    price: 100,
    pricing: { rateType: 'flat', chargeType: 'flat', total: 100, costTotal: 80 },
  });
  // Tiered: 10 at 5.00, 20 at 3.75 → 125.00 for 30 (unit 4.1666…: no cent price gives 125.00 exactly
  // at 30, but 30 × 4.166667 rounds to 125.00).
  b.item(inv, acme, backup('tier', 'ACR-STO-TIER', 'Acronis Cloud Storage (tiered)'), {
    seed: 'tiered',
    quantity: 30,
    start,
    end,
    cost: 3,
    price: 5,
    pricing: { rateType: 'tiered', chargeType: 'per', total: 125, costTotal: 90 },
  });
  // Volume: 40 seats all at the 40+ band, 2.60 instead of the 3.00 list price.
  b.item(inv, acme, backup('vol', 'ACR-M365-VOL', 'Acronis M365 Backup (volume)'), {
    seed: 'volume',
    quantity: 40,
    start,
    end,
    cost: 2.5,
    price: 3,
    pricing: { rateType: 'volume', chargeType: 'per', total: 104, costTotal: 80 },
  });
  const usage = `${prevMonth(DEMO_MONTH)}`;
  const azure = (key: string, sku: string, name: string, term: string): Product => ({
    key,
    sku,
    name,
    vendor: 'Microsoft',
    cost: 0,
    price: 0,
    term,
    unit: 'Each',
  });
  // Whether AZR-ARR-… items say "Arrears" or "Azure plan" is not documented: this one says neither.
  b.item(inv, acme, azure('azr-arr', 'AZR-ARR-USAGE', 'Microsoft Azure', 'Monthly'), {
    seed: 'azr-arr',
    quantity: 1,
    start: `${usage}-01`,
    end: lastDay(usage),
    cost: 412.37,
    price: 453.61,
    description: 'Microsoft Azure - Production',
  });
  b.item(inv, acme, azure('mst-azr', 'MST-AZR-0145P', 'Microsoft Azure', 'Arrears'), {
    seed: 'mst-azr',
    quantity: 1,
    start: `${usage}-01`,
    end: lastDay(usage),
    cost: 88.1,
    price: 96.91,
    description: 'Microsoft Azure - Development',
  });
  b.item(
    inv,
    acme,
    azure('mst-ari', 'MST-ARI-D2SV3-1Y', 'Azure Reserved VM Instance D2s v3 (1 year)', 'Monthly'),
    { seed: 'mst-ari', quantity: 2, start, end, cost: 51.1, price: 56.21 },
  );
  return b.f;
}

/** Demo data plus malformed records, for error-reporting tests. */
export function badFixture(): Pax8Fixture {
  const f = demoFixture();
  const inv = f.invoices[0];
  const good = f.items.find((i) => i.invoiceId === inv.id)!;
  const { invoiceId: _drop, ...base } = good;
  void _drop;
  const bad = (id: string, patch: Record<string, unknown>) => ({
    invoiceId: inv.id,
    record: { ...base, id, ...patch },
  });
  f.rawItems = [
    bad('bad-quantity', { quantity: 'ten' }),
    bad('bad-company', { companyId: undefined }),
    bad('bad-date', { startPeriod: '2026-02-30' }),
    bad('bad-currency', { currencyCode: 'XYZ' }),
    bad('bad-sku', { sku: null, productId: null }),
    bad('bad-type', { type: 'mystery' }),
    bad('payment', { type: 'payment-credit', quantity: 1, price: -500, total: -500 }),
  ];
  f.rawCompanies = [{ id: uuid('company:broken'), status: 'Active' }];
  return f;
}

/** Many companies and items on one invoice (paging tests). */
/** `companies` companies, each with `rounds` sets of subscriptions (about 3.8 invoice items a set). */
export function bigFixture(companies: number, month = DEMO_MONTH, rounds = 1): Pax8Fixture {
  const b = new Builder('Big MSP', 'big');
  const inv = b.invoice(`big-${month}`, `${month}-01`, 'USD');
  for (let i = 1; i <= companies; i++) {
    const c = b.company(`big-${i}`, `Company ${String(i).padStart(3, '0')}`, i);
    for (let r = 0; r < rounds; r++) b.month(inv, c, r === 0 ? `big-${i}` : `big-${i}-r${r}`, month);
  }
  return b.f;
}
