/**
 * interworks.cloud BSS demo fixture: part of the demo MSP resells through an interworks.cloud-based
 * marketplace. An account per client, subscriptions (monthly and annual billing cycles) and the October
 * charges: the month's recurring charges, a mid-month increase, a decrease and a cancellation, each with
 * the date the change was realised. Ids and amounts are deterministic.
 *
 * Field names are NOT confirmed by a public spec (see src/connectors/sources/interworks/SOURCES.md); the
 * ones the sandbox serves follow seed 004's BSS column names (End Customer, Subscription ID, Product,
 * Billing Plan, Billing Cycle, Quantity, Unit Cost, effective date) in the API's camelCase.
 */
import { DEMO_CLIENTS, DEMO_MONTH } from '../../demo/msp';

export interface IwAccount {
  id: number;
  name: string;
  code: string;
  currency: string;
  email: string;
  status: string;
}

export interface IwSubscription {
  id: number;
  accountId: number;
  accountName: string;
  productId: number;
  productCode: string;
  productName: string;
  billingPlan: string;
  /** 'Monthly' | 'Annually' as the BSS shows them (unverified spelling). */
  billingCycle: string;
  quantity: number;
  unitCost: number;
  unitPrice: number;
  currency: string;
  status: 'Active' | 'Cancelled' | 'Suspended';
  startDate: string;
  cancellationDate: string | null;
}

export interface IwCharge {
  id: number;
  accountId: number;
  accountName: string;
  subscriptionId: number;
  productCode: string;
  productName: string;
  billingPlan: string;
  billingCycle: string;
  /** Recurring | New | Increase | Decrease | Cancel */
  type: string;
  /** Units charged: the units for a recurring charge, the change in units (signed) for a change. */
  quantity: number;
  unitCost: number;
  unitPrice: number;
  amount: number;
  currency: string;
  fromDate: string;
  toDate: string;
  /** The date the charge or change was realised (seed 004: → Effective Date). */
  effectiveDate: string;
}

/**
 * Behaviour the public documentation leaves open; tests run the connector under each.
 *  - pagination: metadata in an `X-Pagination` response header (JSON) beside a bare array ('header'), or
 *    a body envelope `{ data, pagination: { totalCount, pageSize, currentPage, totalPages } }` ('envelope').
 *  - dates: 'date' (yyyy-mm-dd) or 'datetime' (yyyy-mm-ddT00:00:00).
 */
export interface IwVariants {
  pagination: 'header' | 'envelope';
  dates: 'date' | 'datetime';
}

export interface IwFixture {
  clients: Array<{ clientKey: string; clientSecret: string }>;
  users: Array<{ username: string; password: string }>;
  tokenTtlSeconds: number;
  tokens: Array<{ token: string; expiresAt: number }>;
  variants: IwVariants;
  maxPageSize: number;
  accounts: IwAccount[];
  subscriptions: IwSubscription[];
  charges: IwCharge[];
  /** Raw records served as they are (malformed input for tests). */
  rawCharges?: unknown[];
  limits?: { requestsPerSecond?: number };
}

export const IW_CLIENT = {
  clientKey: '23230e67-6c95-4f83-a176-d969b95ee601',
  clientSecret: 'iw-demo-secret-Hc7Xq2',
};
export const IW_USER = { username: 'billgrid-api', password: 'iw-demo-pass-9Rt4' };

const IW_CLIENTS: Array<{ id: string; name: string }> = [
  { id: 'c03', name: 'Blue Harbor Logistics Inc' },
  { id: 'c10', name: 'Harborview Medical Inc.' },
  { id: 'c14', name: 'Lakeside Accounting LLP' },
  { id: 'c21', name: 'Summit Physiotherapy Limited' },
  { id: 'c24', name: 'Valley Credit Union' },
  { id: 'c38', name: 'Meridian Health Partners' },
];

const PRODUCTS = {
  bs: {
    id: 301,
    code: 'MS-365-BSTD',
    name: 'Microsoft 365 Business Standard',
    cost: 11.25,
    price: 12.5,
    plan: 'Monthly (1 month commitment)',
    cycle: 'Monthly',
  },
  backup: {
    id: 302,
    code: 'ACR-CP-WS',
    name: 'Acronis Cyber Protect Workstation',
    cost: 4.2,
    price: 6,
    plan: 'Monthly (no commitment)',
    cycle: 'Monthly',
  },
  e5: {
    id: 303,
    code: 'MS-365-E5-P1Y',
    name: 'Microsoft 365 E5 (annual)',
    cost: 614.4,
    price: 684,
    plan: 'Annual (billed annually)',
    cycle: 'Annually',
  },
};

const round2 = (n: number) => Math.round(n * 100) / 100;
export const accountIdOf = (clientId: string) => 5000 + Number(clientId.slice(1));

function monthBounds(month: string) {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(days).padStart(2, '0')}`, days };
}

function emptyFixture(): IwFixture {
  return {
    clients: [IW_CLIENT],
    users: [IW_USER],
    tokenTtlSeconds: 3600,
    tokens: [],
    variants: { pagination: 'envelope', dates: 'date' },
    maxPageSize: 100,
    accounts: [],
    subscriptions: [],
    charges: [],
  };
}

interface B {
  f: IwFixture;
  sub: number;
  charge: number;
}

function addClient(b: B, c: { id: string; name: string }, n: number, month: string) {
  const { start, end, days } = monthBounds(month);
  const account: IwAccount = {
    id: accountIdOf(c.id),
    name: c.name,
    code: `NW${c.id.toUpperCase()}`,
    currency: n % 4 === 3 ? 'GBP' : 'USD',
    email: `billing@${c.id}.example`,
    status: 'Active',
  };
  b.f.accounts.push(account);
  const addSub = (p: (typeof PRODUCTS)[keyof typeof PRODUCTS], quantity: number, startDate: string) => {
    const s: IwSubscription = {
      id: b.sub++,
      accountId: account.id,
      accountName: account.name,
      productId: p.id,
      productCode: p.code,
      productName: p.name,
      billingPlan: p.plan,
      billingCycle: p.cycle,
      quantity,
      unitCost: p.cost,
      unitPrice: p.price,
      currency: account.currency,
      status: 'Active',
      startDate,
      cancellationDate: null,
    };
    b.f.subscriptions.push(s);
    return s;
  };
  const charge = (
    s: IwSubscription,
    type: string,
    quantity: number,
    from: string,
    to: string,
    share: number,
    effective: string,
  ) => {
    b.f.charges.push({
      id: b.charge++,
      accountId: s.accountId,
      accountName: s.accountName,
      subscriptionId: s.id,
      productCode: s.productCode,
      productName: s.productName,
      billingPlan: s.billingPlan,
      billingCycle: s.billingCycle,
      type,
      quantity,
      unitCost: s.unitCost,
      unitPrice: s.unitPrice,
      amount: round2(quantity * s.unitPrice * share),
      currency: s.currency,
      fromDate: from,
      toDate: to,
      effectiveDate: effective,
    });
  };
  const bs = addSub(PRODUCTS.bs, 8 + ((n * 5) % 30), '2025-06-01');
  charge(bs, 'Recurring', bs.quantity, start, end, 1, start);
  const backup = addSub(PRODUCTS.backup, 5 + (n % 7), '2025-09-01');
  charge(backup, 'Recurring', backup.quantity, start, end, 1, start);
  if (n % 2 === 0) {
    const e5 = addSub(PRODUCTS.e5, 2 + (n % 3), `${Number(month.slice(0, 4)) - 1}-${month.slice(5)}-01`);
    charge(
      e5,
      'Recurring',
      e5.quantity,
      start,
      `${Number(month.slice(0, 4)) + 1}-${month.slice(5)}-01`,
      1,
      start,
    );
  }
  // Mid-month changes, effective on the day they were realised.
  if (n % 3 === 0) {
    bs.quantity += 3;
    charge(bs, 'Increase', 3, `${month}-12`, end, (days - 11) / days, `${month}-12`);
  }
  if (n % 3 === 1) {
    bs.quantity -= 2;
    charge(bs, 'Decrease', -2, `${month}-05`, end, (days - 4) / days, `${month}-05`);
  }
  if (n % 3 === 2) {
    const q = backup.quantity;
    backup.quantity = 0;
    backup.status = 'Cancelled';
    backup.cancellationDate = `${month}-20`;
    charge(backup, 'Cancel', -q, `${month}-20`, end, (days - 19) / days, `${month}-20`);
  }
}

export function demoFixture(month = DEMO_MONTH): IwFixture {
  const b: B = { f: emptyFixture(), sub: 71000, charge: 990000 };
  IW_CLIENTS.forEach((c, n) => {
    if (!DEMO_CLIENTS.some((d) => d.id === c.id))
      throw new Error(`interworks demo client ${c.id} not in the demo MSP`);
    addClient(b, c, n, month);
  });
  return b.f;
}

export function bigFixture(accounts: number, month = DEMO_MONTH): IwFixture {
  const b: B = { f: emptyFixture(), sub: 71000, charge: 990000 };
  for (let i = 0; i < accounts; i++)
    addClient(b, { id: `c${1000 + i}`, name: `Marketplace Customer ${i + 1}` }, i, month);
  return b.f;
}

/** The demo plus malformed charges: each must become a per-record problem. */
export function badFixture(): IwFixture {
  const f = demoFixture();
  const good = f.charges[0];
  // Each on a subscription of its own (one unreadable charge holds its whole subscription's month).
  f.rawCharges = [
    { ...good, id: 1, subscriptionId: 79001, quantity: 'ten' },
    { ...good, id: 2, subscriptionId: 79002, effectiveDate: '2026-02-30' },
    { ...good, id: 3, subscriptionId: 79003, billingCycle: 'Fortnightly' },
    { ...good, id: 4, subscriptionId: 79004, accountId: 424242, accountName: 'Ghost Ltd' },
    { ...good, id: 5, subscriptionId: 79005, currency: 'XYZ' },
  ];
  return f;
}
