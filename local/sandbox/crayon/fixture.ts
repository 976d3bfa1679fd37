/**
 * Crayon Cloud-iQ demo fixture: part of the demo MSP buys its Microsoft CSP licences and Azure through
 * Crayon. Two reseller organisations (the MSP and its Nordic subsidiary), invoice profiles in EUR, GBP and
 * SEK, a customer tenant per client, subscriptions (monthly, annual billed yearly, annual term billed
 * monthly, an Azure plan), and the October billing statements with their billing records: monthly cycle
 * fees, an annual cycle fee in its anniversary month, a mid-month seat increase (pro-rata charge) and a
 * reduction (pro-rata credit), and Azure consumption per meter. Ids and amounts are deterministic.
 *
 * Objects are stored as the spec spells them (camelCase); billing records with Crayon SDK column names.
 */
import { DEMO_CLIENTS, DEMO_MONTH } from '../../demo/msp';

export interface CrayonRef {
  id: number;
  name: string | null;
}

export interface CrayonOrganization {
  id: number;
  name: string | null;
  parentId: number;
  crayonCompanyName: string | null;
  accountNumber: string | null;
}

export interface CrayonInvoiceProfile {
  id: number;
  organization: CrayonRef;
  name: string | null;
  invoiceReference: string | null;
  customerReference: string | null;
  requisitionNumber: string | null;
  invoiceAddressId: number;
}

export interface CrayonCustomerTenant {
  id: number;
  name: string | null;
  publisher: CrayonRef;
  publisherCustomerId: string | null;
  domain: string | null;
  domainPrefix: string | null;
  reference: string | null;
  customerTenantType: number;
  entityStatus: number;
  organization: CrayonOrganization;
  invoiceProfile: CrayonRef;
  resellerMarkup: number;
}

export interface CrayonSubscription {
  id: number;
  publisherSubscriptionId: string | null;
  publisher: CrayonRef;
  organization: CrayonRef;
  customerTenant: { id: number };
  product: { id: number; partNumber: string | null; itemName: string | null };
  quantity: number;
  name: string | null;
  status: number;
  provisionType: number;
  creationDate: string;
  /** Crayon BillingCycleEnum: 1 Monthly, 2 Annual, 3 None, 4 OneTime, 5 BiAnnually, 7 TwoYears, 8 ThreeYears, 9 Quarterly. */
  billingCycle: number;
  markup: number;
  isTrial: boolean;
  startDate: string | null;
  endDate: string | null;
  salesPrice: number;
  invoiceProfile: CrayonRef;
  partNumber: string | null;
  termDuration: string | null;
  autoRenewEnabled: boolean | null;
}

export interface CrayonStatement {
  id: number;
  totalSalesPrice: { value: number; currencyCode: string | null };
  invoiceProfile: CrayonRef;
  organization: CrayonRef;
  startDate: string;
  endDate: string;
  /** None 0, Seat 1, Usage 2, OneTime 3, Crayon 4, AzureMarketplace 5. */
  provisionType: number;
  orderId: string | null;
}

/** One billing-records row (Crayon SDK column names); values as the file would carry them. */
export type CrayonRecord = Record<string, string | number | null>;

export interface CrayonUsageCost {
  organizationId: number;
  /** yyyy-mm of the consumption. */
  month: string;
  record: {
    supplier: string | null;
    accountId: number;
    accountName: string | null;
    subscriptionName: string | null;
    subscriptionId: string | null;
    amount: number | null;
    currencyCode: string | null;
  };
}

/**
 * Behaviour the documentation leaves open; every test runs the connector under each.
 *  - listShape: 'collection' = `{ totalHits, items }` (Crayon's SDK ApiCollection and apidocs.crayon.com);
 *    'array' = a bare JSON array per page (the vendored OpenAPI spec's 200 schemas).
 *  - casing: 'camel' (the spec's property names) or 'pascal' (apidocs.crayon.com's examples).
 *  - recordsFile: the billing-records file's format: 'json' (apidocs: "customer-billing-records.json")
 *    or 'csv' (the reconciliation file's format; the columns are the SDK's BillingRecord columns).
 *  - pageSizeCap: a PageSize over maxPageSize is refused with 400 ('reject') or silently reduced ('clamp').
 */
export interface CrayonVariants {
  listShape: 'collection' | 'array';
  casing: 'camel' | 'pascal';
  recordsFile: 'json' | 'csv';
  csvDelimiter: ',' | ';';
  pageSizeCap: 'reject' | 'clamp';
}

export const DEFAULT_VARIANTS: CrayonVariants = {
  listShape: 'collection',
  casing: 'camel',
  recordsFile: 'json',
  csvDelimiter: ',',
  pageSizeCap: 'reject',
};

export interface CrayonFixture {
  /** API clients (HTTP Basic on the token request) and API users (the password grant). */
  clients: Array<{ clientId: string; clientSecret: string }>;
  users: Array<{ username: string; password: string }>;
  tokenTtlSeconds: number;
  tokens: Array<{ token: string; expiresAt: number }>;
  variants: CrayonVariants;
  maxPageSize: number;
  organizations: CrayonOrganization[];
  invoiceProfiles: CrayonInvoiceProfile[];
  customerTenants: CrayonCustomerTenant[];
  subscriptions: CrayonSubscription[];
  statements: CrayonStatement[];
  records: Array<{ statementId: number; record: CrayonRecord }>;
  /** A statement whose file Crayon splits: served as a zip (apidocs: "a zip file is returned"). */
  zippedStatements?: number[];
  usageCosts: CrayonUsageCost[];
  limits?: { requestsPerSecond?: number };
}

export const CRAYON_CLIENT = { clientId: 'bg-demo-client', clientSecret: 'crayon-demo-client-secret-7Q2x' };
export const CRAYON_USER = { username: 'api@northwind.example', password: 'crayon-demo-pass-4Lk9' };

const ORG_MAIN: CrayonOrganization = {
  id: 4027110,
  name: 'Northwind Managed IT',
  parentId: 0,
  crayonCompanyName: 'Crayon AS',
  accountNumber: 'CR-402711',
};
const ORG_NORDIC: CrayonOrganization = {
  id: 4027111,
  name: 'Northwind Nordics AB',
  parentId: 4027110,
  crayonCompanyName: 'Crayon AB',
  accountNumber: 'CR-402712',
};
const ref = (o: { id: number; name: string | null }): CrayonRef => ({ id: o.id, name: o.name });

const PROFILES: CrayonInvoiceProfile[] = [
  { id: 16948, organization: ref(ORG_MAIN), name: 'Northwind EUR', currency: 'EUR' },
  { id: 16949, organization: ref(ORG_MAIN), name: 'Northwind GBP', currency: 'GBP' },
  { id: 16950, organization: ref(ORG_NORDIC), name: 'Northwind Nordics SEK', currency: 'SEK' },
].map(({ currency, ...p }) => ({
  ...p,
  invoiceReference: `INV-${currency}`,
  customerReference: null,
  requisitionNumber: null,
  invoiceAddressId: p.id * 10,
}));
/** Currency of each invoice profile (Crayon invoices each profile in one currency). */
export const PROFILE_CURRENCY: Record<number, string> = { 16948: 'EUR', 16949: 'GBP', 16950: 'SEK' };

/** Demo clients at Crayon: the name Crayon knows, the org and invoice profile they are billed under. */
const CRAYON_CLIENTS: Array<{ id: string; name: string; org: CrayonOrganization; profile: number }> = [
  { id: 'c02', name: 'Bäckerei Müller GmbH', org: ORG_MAIN, profile: 16948 },
  { id: 'c06', name: 'Delta Engineering Limited', org: ORG_MAIN, profile: 16949 },
  { id: 'c07', name: 'Évora Consulting, S.A.', org: ORG_MAIN, profile: 16948 },
  { id: 'c13', name: 'Kestrel Aviation Ltd', org: ORG_MAIN, profile: 16949 },
  { id: 'c19', name: 'Quantum Labs GmbH', org: ORG_MAIN, profile: 16948 },
  { id: 'c29', name: 'Ångström Optics AB', org: ORG_NORDIC, profile: 16950 },
];

export const tenantIdOf = (clientId: string): number => 900000 + Number(clientId.slice(1));
const domainOf = (name: string, clientId: string) =>
  `${name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase()
    .slice(0, 14)}${clientId}.onmicrosoft.com`;

/** A deterministic GUID-shaped id (Microsoft subscription ids are GUIDs). */
export function guid(seed: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 32; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20, 32)}`;
}

interface Product {
  id: number;
  partNumber: string;
  itemName: string;
  /** Crayon's unit price to the reseller, per month (monthly billing) or per year (annual billing). */
  cost: number;
  sell: number;
}
const PRODUCTS: Record<string, Product> = {
  bp: {
    id: 7001,
    partNumber: 'CFQ7TTC0LCHC:0002',
    itemName: 'Microsoft 365 Business Premium',
    cost: 19.8,
    sell: 22,
  },
  e3: { id: 7002, partNumber: 'CFQ7TTC0LFLX:0002', itemName: 'Microsoft 365 E3', cost: 388.8, sell: 432 },
  exo: {
    id: 7003,
    partNumber: 'CFQ7TTC0LH16:0001',
    itemName: 'Exchange Online (Plan 1)',
    cost: 3.6,
    sell: 4,
  },
  azure: { id: 7004, partNumber: 'DZH318Z0BPS6:0001', itemName: 'Azure plan', cost: 0, sell: 0 },
};

const round2 = (n: number) => Math.round(n * 100) / 100;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function monthBounds(month: string): { start: string; end: string; days: number } {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(days).padStart(2, '0')}`, days };
}

interface Builder {
  f: CrayonFixture;
  nextSub: number;
  nextStatement: number;
}

function addTenant(
  b: Builder,
  c: { id: string; name: string; org: CrayonOrganization; profile: number },
): CrayonCustomerTenant {
  const t: CrayonCustomerTenant = {
    id: tenantIdOf(c.id),
    name: c.name,
    publisher: { id: 2, name: 'Microsoft' },
    publisherCustomerId: guid(`tenant-${c.id}`),
    domain: domainOf(c.name, c.id),
    domainPrefix: domainOf(c.name, c.id).split('.')[0],
    reference: `NW-${c.id.toUpperCase()}`,
    customerTenantType: 1,
    entityStatus: 1,
    organization: c.org,
    invoiceProfile: ref(PROFILES.find((p) => p.id === c.profile)!),
    resellerMarkup: 0,
  };
  b.f.customerTenants.push(t);
  return t;
}

function addSubscription(
  b: Builder,
  t: CrayonCustomerTenant,
  p: Product,
  o: { quantity: number; billingCycle: number; termDuration: string | null; startDate: string },
): CrayonSubscription {
  const id = b.nextSub++;
  const sub: CrayonSubscription = {
    id,
    publisherSubscriptionId: guid(`sub-${t.id}-${p.id}-${id}`),
    publisher: { id: 2, name: 'Microsoft' },
    organization: ref(t.organization),
    customerTenant: { id: t.id },
    product: { id: p.id, partNumber: p.partNumber, itemName: p.itemName },
    quantity: o.quantity,
    name: p.itemName,
    status: 1,
    provisionType: p === PRODUCTS.azure ? 2 : 1,
    creationDate: `${o.startDate}T09:00:00Z`,
    billingCycle: o.billingCycle,
    markup: round2(((p.sell - p.cost) / (p.cost || 1)) * 100),
    isTrial: false,
    startDate: `${o.startDate}T00:00:00Z`,
    endDate: null,
    salesPrice: p.sell,
    invoiceProfile: t.invoiceProfile,
    partNumber: p.partNumber,
    termDuration: o.termDuration,
    autoRenewEnabled: true,
  };
  b.f.subscriptions.push(sub);
  return sub;
}

function statementFor(b: Builder, t: CrayonCustomerTenant, provisionType: number, month: string) {
  const { start, end } = monthBounds(month);
  let s = b.f.statements.find(
    (x) =>
      x.invoiceProfile.id === t.invoiceProfile.id &&
      x.provisionType === provisionType &&
      x.startDate.startsWith(start),
  );
  if (!s) {
    const id = b.nextStatement++;
    s = {
      id,
      totalSalesPrice: { value: 0, currencyCode: PROFILE_CURRENCY[t.invoiceProfile.id] },
      invoiceProfile: t.invoiceProfile,
      organization: ref(t.organization),
      startDate: `${start}T00:00:00Z`,
      endDate: `${end}T23:59:59Z`,
      provisionType,
      orderId: `ORD-${id}`,
    };
    b.f.statements.push(s);
  }
  return s;
}

function baseRecord(t: CrayonCustomerTenant, month: string, p: Product): CrayonRecord {
  return {
    OrganizationName: t.organization.name,
    PeriodMonth: month.slice(5, 7),
    PeriodYear: month.slice(0, 4),
    CompanyName: t.name,
    TenantReference: t.reference,
    TenantPrimaryDomain: t.domain,
    ProductId: p.partNumber,
    Publisher: 'Microsoft',
    Currency: PROFILE_CURRENCY[t.invoiceProfile.id],
  };
}

/** A seat charge: `share` of the full unit price (1 = a whole cycle), negative quantity sign for a credit. */
function addSeatRecord(
  b: Builder,
  t: CrayonCustomerTenant,
  sub: CrayonSubscription,
  p: Product,
  o: { month: string; chargeType: string; quantity: number; from: string; to: string; share: number },
) {
  const s = statementFor(b, t, 1, o.month);
  const credit = o.quantity < 0;
  const qty = Math.abs(o.quantity);
  const amount = round2(qty * p.cost * o.share * (credit ? -1 : 1));
  const total = round2(qty * p.sell * o.share * (credit ? -1 : 1));
  b.f.records.push({
    statementId: s.id,
    record: {
      ...baseRecord(t, o.month, p),
      UnitPrice: p.cost,
      Quantity: qty,
      Unit: 'Licenses',
      ResellerMarkupProcent: sub.markup,
      ResellerMarkup: round6(p.sell - p.cost),
      ResellerSalesUnitPrice: p.sell,
      ResellerSalesPriceTotal: total,
      SubscriptionId: sub.publisherSubscriptionId,
      SubscriptionName: sub.name,
      SubscriptionStartDate: sub.startDate,
      SubscriptionEndDate: null,
      ChargeType: o.chargeType,
      OfferName: p.itemName,
      ChargeStartDate: `${o.from}T00:00:00`,
      ChargeEndDate: `${o.to}T00:00:00`,
      Amount: amount,
    },
  });
  s.totalSalesPrice.value = round2(s.totalSalesPrice.value + total);
}

const METERS = [
  { id: 'f0b1c2d3-0001', name: 'D2s v3', category: 'Virtual Machines', sub: 'Dsv3 Series', unit: '1 Hour' },
  { id: 'f0b1c2d3-0002', name: 'LRS Data Stored', category: 'Storage', sub: 'Blob', unit: '1 GB/Month' },
  { id: 'f0b1c2d3-0003', name: 'Standard IP', category: 'Networking', sub: 'IP Addresses', unit: '1 Hour' },
];

function addAzureRecords(
  b: Builder,
  t: CrayonCustomerTenant,
  sub: CrayonSubscription,
  month: string,
  n: number,
) {
  const s = statementFor(b, t, 2, month);
  const { start, end } = monthBounds(month);
  const azureSubId = guid(`azure-${t.id}`);
  let cost = 0;
  METERS.forEach((m, i) => {
    const quantity = round6(((n * 37 + i * 101) % 700) + 12.5);
    const unitPrice = [0.096, 0.0184, 0.0036][i];
    const sellUnit = round6(unitPrice * 1.1);
    const total = round2(quantity * sellUnit);
    cost += quantity * unitPrice;
    b.f.records.push({
      statementId: s.id,
      record: {
        ...baseRecord(t, month, PRODUCTS.azure),
        UnitPrice: unitPrice,
        Quantity: quantity,
        Unit: m.unit,
        ResellerMarkupProcent: 10,
        ResellerMarkup: round6(sellUnit - unitPrice),
        ResellerSalesUnitPrice: sellUnit,
        ResellerSalesPriceTotal: total,
        SubscriptionId: azureSubId,
        SubscriptionName: `${t.name} production`,
        ProductSku: `DZH318Z0BQ${i}`,
        MeterId: m.id,
        MeterName: m.name,
        Category: m.category,
        Subcategory: m.sub,
        ProductStartDate: `${start}T00:00:00`,
        ProductEndDate: `${end}T00:00:00`,
        IncludedQuantity: 0,
        IncludedQuantityAmount: 0,
        SummedAmount: round2(quantity * unitPrice),
        ResellerPrice: sellUnit,
      },
    });
    s.totalSalesPrice.value = round2(s.totalSalesPrice.value + total);
  });
  b.f.usageCosts.push({
    organizationId: t.organization.id,
    month,
    record: {
      supplier: 'Microsoft',
      accountId: sub.id,
      accountName: t.name,
      subscriptionName: `${t.name} production`,
      subscriptionId: azureSubId,
      amount: round2(cost),
      currencyCode: PROFILE_CURRENCY[t.invoiceProfile.id],
    },
  });
}

function emptyFixture(): CrayonFixture {
  return {
    clients: [CRAYON_CLIENT],
    users: [CRAYON_USER],
    tokenTtlSeconds: 3600,
    tokens: [],
    variants: { ...DEFAULT_VARIANTS },
    maxPageSize: 1000,
    organizations: [ORG_MAIN, ORG_NORDIC],
    invoiceProfiles: PROFILES,
    customerTenants: [],
    subscriptions: [],
    statements: [],
    records: [],
    usageCosts: [],
  };
}

/** One client's month: n varies quantities and which client gets the mid-month changes. */
function addClientMonth(b: Builder, t: CrayonCustomerTenant, n: number, month: string) {
  const { start, end, days } = monthBounds(month);
  const seats = 5 + ((n * 7) % 40);
  const bp = addSubscription(b, t, PRODUCTS.bp, {
    quantity: seats,
    billingCycle: 1,
    termDuration: 'P1M',
    startDate: '2025-03-01',
  });
  addSeatRecord(b, t, bp, PRODUCTS.bp, {
    month,
    chargeType: 'Cycle fee',
    quantity: seats,
    from: start,
    to: end,
    share: 1,
  });
  // Annual term billed monthly: a monthly line whose subscription says P1Y.
  const exo = addSubscription(b, t, PRODUCTS.exo, {
    quantity: 3 + (n % 5),
    billingCycle: 1,
    termDuration: 'P1Y',
    startDate: '2026-02-01',
  });
  addSeatRecord(b, t, exo, PRODUCTS.exo, {
    month,
    chargeType: 'Cycle fee',
    quantity: exo.quantity,
    from: start,
    to: end,
    share: 1,
  });
  // Annual billed yearly: charged only in its anniversary month (every other client's falls in October).
  const anniversary = n % 2 === 0;
  const e3 = addSubscription(b, t, PRODUCTS.e3, {
    quantity: 2 + (n % 3),
    billingCycle: 2,
    termDuration: 'P1Y',
    startDate: anniversary ? `${Number(month.slice(0, 4)) - 1}-${month.slice(5)}-15` : '2026-04-15',
  });
  if (anniversary) {
    const from = `${month}-15`;
    const to = `${Number(month.slice(0, 4)) + 1}-${month.slice(5)}-14`;
    addSeatRecord(b, t, e3, PRODUCTS.e3, {
      month,
      chargeType: 'Cycle fee',
      quantity: e3.quantity,
      from,
      to,
      share: 1,
    });
  }
  // Mid-month changes: an increase on the 12th for one client in three, a reduction on the 20th for another.
  if (n % 3 === 0) {
    bp.quantity += 2;
    const from = `${month}-12`;
    addSeatRecord(b, t, bp, PRODUCTS.bp, {
      month,
      chargeType: 'Prorate fees for add quantity',
      quantity: 2,
      from,
      to: end,
      share: (days - 11) / days,
    });
  }
  if (n % 3 === 1) {
    bp.quantity -= 1;
    addSeatRecord(b, t, bp, PRODUCTS.bp, {
      month,
      chargeType: 'Prorate credit for remove quantity',
      quantity: -1,
      from: `${month}-20`,
      to: end,
      share: (days - 19) / days,
    });
  }
  const azure = addSubscription(b, t, PRODUCTS.azure, {
    quantity: 1,
    billingCycle: 3,
    termDuration: null,
    startDate: '2025-01-01',
  });
  addAzureRecords(b, t, azure, month, n);
}

export function demoFixture(month = DEMO_MONTH): CrayonFixture {
  const b: Builder = { f: emptyFixture(), nextSub: 510000, nextStatement: 880000 };
  CRAYON_CLIENTS.forEach((c, n) => {
    if (!DEMO_CLIENTS.some((d) => d.id === c.id))
      throw new Error(`Crayon demo client ${c.id} not in the demo MSP`);
    const t = addTenant(b, c);
    addClientMonth(b, t, n, month);
    // A one-time purchase (a perpetual licence) on the first client's one-time statement.
    if (n === 0) addOneTimeRecord(b, t, month);
  });
  return b.f;
}

function addOneTimeRecord(b: Builder, t: CrayonCustomerTenant, month: string) {
  const s = statementFor(b, t, 3, month);
  const p = {
    partNumber: '9EM-00652',
    name: 'Windows Server 2022 Standard - 2 Core License Pack',
    cost: 81.6,
    sell: 96,
  };
  b.f.records.push({
    statementId: s.id,
    record: {
      OrganizationName: t.organization.name,
      PeriodMonth: month.slice(5, 7),
      PeriodYear: month.slice(0, 4),
      CompanyName: t.name,
      TenantReference: t.reference,
      TenantPrimaryDomain: t.domain,
      ProductId: p.partNumber,
      Publisher: 'Microsoft',
      UnitPrice: p.cost,
      Quantity: 8,
      Unit: 'Licenses',
      Currency: PROFILE_CURRENCY[t.invoiceProfile.id],
      ResellerSalesUnitPrice: p.sell,
      ResellerSalesPriceTotal: round2(8 * p.sell),
      ExternalOrderReference: `PO-${t.id}`,
      OrderDate: `${month}-07T10:32:00`,
      SKUID: '0001',
      SkuName: p.name,
      ProductName: p.name,
      ChargeType: 'new',
      ResellerPrice: p.sell,
    },
  });
  s.totalSalesPrice.value = round2(s.totalSalesPrice.value + 8 * p.sell);
}

/** Many tenants (to page past one page), all under the main organisation's EUR profile. */
export function bigFixture(tenants: number, month = DEMO_MONTH): CrayonFixture {
  const b: Builder = { f: emptyFixture(), nextSub: 510000, nextStatement: 880000 };
  for (let i = 0; i < tenants; i++) {
    const t = addTenant(b, {
      id: `c${1000 + i}`,
      name: `Crayon Customer ${String(i + 1).padStart(4, '0')} Ltd`,
      org: ORG_MAIN,
      profile: 16948,
    });
    addClientMonth(b, t, i, month);
  }
  return b.f;
}

/** The demo plus malformed input: each bad record must become a per-record problem, never a line. */
export function badFixture(): CrayonFixture {
  const f = demoFixture();
  const seat = f.records.find((r) => r.record.ChargeType === 'Cycle fee' && r.record.Currency === 'EUR')!;
  const copy = (patch: CrayonRecord) =>
    f.records.push({ statementId: seat.statementId, record: { ...seat.record, ...patch } });
  copy({ Quantity: 'ten', SubscriptionId: guid('bad-qty') });
  copy({
    TenantPrimaryDomain: 'unknown-tenant.onmicrosoft.com',
    CompanyName: 'Nobody Ltd',
    TenantReference: null,
    SubscriptionId: guid('bad-tenant'),
  });
  copy({ Currency: 'XYZ', SubscriptionId: guid('bad-currency') });
  copy({ ChargeStartDate: '2026-02-30T00:00:00', SubscriptionId: guid('bad-date') });
  copy({ ChargeType: 'Mystery fee', SubscriptionId: guid('bad-type') });
  f.customerTenants.push({ ...f.customerTenants[0], id: 999001, name: null, domain: null });
  // A statement Crayon splits into several files: served zipped.
  const gbp = f.statements.find((s) => s.invoiceProfile.id === 16949 && s.provisionType === 1)!;
  f.zippedStatements = [gbp.id];
  return f;
}
