/**
 * Demo ConnectWise PSA site for "Northwind Managed IT", derived from local/demo/msp.ts so names line up
 * with the other sandboxes. Records are kept as the REST API returns them (references as { id, name },
 * dates as instants at midnight UTC). Ids are deterministic, from the client number.
 */
import { DEMO_CLIENTS } from '../../demo/msp';
import { demoFixture as pax8DemoFixture } from '../pax8/fixture';

export type Rec = Record<string, unknown> & { id: number };

/**
 * What ConnectWise's documentation leaves open (SOURCES.md of the connector), one option each:
 *  - paging: how a list answers `pagination-type: forward-only`: honoured with a `pageId` Link ('forward-only'),
 *    ignored with page-number Links ('navigable'), or ignored without any Link header ('no-link');
 *  - retryAfter: whether a throttled request (429) says when to come back;
 *  - clientIdMissing: the status a request without the clientId header gets (401 or 400).
 */
export interface CwVariants {
  paging: 'forward-only' | 'navigable' | 'no-link';
  retryAfter: boolean;
  clientIdMissing: 401 | 400;
}

export const PAGING_VARIANTS: readonly CwVariants['paging'][] = ['forward-only', 'navigable', 'no-link'];

export const DEFAULT_VARIANTS: CwVariants = {
  paging: 'forward-only',
  retryAfter: true,
  clientIdMissing: 401,
};

export interface CwMember {
  /** The ConnectWise company id typed at sign-in (the site's login company), e.g. 'northwind'. */
  companyId: string;
  publicKey: string;
  privateKey: string;
}

export interface CwState {
  variants: CwVariants;
  /** API members (public/private key pairs) of this site. */
  members: CwMember[];
  /** Registered integrator ids the site accepts in the clientId header. */
  clientIds: string[];
  /** Requests allowed per window on the site (unverified: ConnectWise publishes no figure). */
  throttle: { limit: number; windowMs: number };
  /** Arrival times (ms) of counted requests. */
  hits: number[];
  nextId: number;
  companies: Rec[];
  contacts: Rec[];
  agreementTypes: Rec[];
  agreements: Rec[];
  additions: Rec[];
  catalog: Rec[];
  subcategories: Rec[];
  productTypes: Rec[];
}

export const DEMO_COMPANY_ID = 'northwind';
export const DEMO_PUBLIC_KEY = 'Bq7dPubKeyDemo01';
export const DEMO_PRIVATE_KEY = 'demo-private-K3y!x9';
export const DEMO_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-billgriddemo';
/** The site as a cloud partner types it (routed to the sandbox by the emulator). */
export const DEMO_SITE = 'https://api-na.myconnectwise.net';

export const at = (date: string): string => `${date}T00:00:00Z`;

/** Catalog items as the MSP sells them; identifiers are the Pax8 demo SKUs so SKU matching has work to do. */
export const DEMO_ITEMS: Array<{
  id: number;
  description: string;
  identifier: string;
  price: number;
  cost: number;
}> = [
  {
    id: 501,
    description: 'Microsoft 365 Business Premium',
    identifier: 'MST-M365-BP-NCE-1M',
    price: 26.4,
    cost: 23.76,
  },
  {
    id: 502,
    description: 'Microsoft 365 Business Standard',
    identifier: 'MST-M365-BS-NCE-1Y',
    price: 12.5,
    cost: 11.25,
  },
  { id: 503, description: 'Microsoft 365 Business Basic', identifier: 'M365-BB', price: 7.2, cost: 6 },
  {
    id: 504,
    description: 'Exchange Online (Plan 1)',
    identifier: 'MST-EXO-P1-NCE-1M',
    price: 4.8,
    cost: 4.32,
  },
  {
    id: 505,
    description: 'Microsoft Defender for Business',
    identifier: 'MST-MDB-NCE-1Y',
    price: 3,
    cost: 2.7,
  },
  { id: 506, description: 'Entra ID P1', identifier: 'MST-AADP1-NCE-1Y', price: 6, cost: 5.4 },
  { id: 507, description: 'Proofpoint Essentials', identifier: 'PPT-ESS-BUS', price: 3.5, cost: 2.1 },
  { id: 510, description: 'Managed Endpoint', identifier: 'MSP-ENDPOINT', price: 45, cost: 0 },
];

export const MANAGED_SERVICES_TYPE = 1;
export const BLOCK_TIME_TYPE = 2;
export const AGREEMENT_START = '2026-01-01';

const num = (clientId: string): number => Number(clientId.slice(1));
export const companyIdOf = (clientId: string): number => 250 + num(clientId);
export const contactIdOf = (clientId: string): number => 4000 + num(clientId);
export const agreementIdOf = (clientId: string): number => 600 + num(clientId);

/** Clients without an agreement yet ("create agreement" cases). */
export const NO_AGREEMENT = new Set(['c08', 'c20', 'c32', 'c41']);

/** ConnectWise company identifiers: letters and digits, at most 25 characters (SOURCES.md). */
export const identifierOf = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 25) || 'Company';

/**
 * Seats in force per client and item: the Pax8 demo's October quantities with drift for some clients, so
 * reconciliation finds real differences. Clients without Pax8 get managed endpoints only.
 */
function seatsByClient(): Map<string, Array<{ itemId: number; quantity: number }>> {
  const pax8 = pax8DemoFixture();
  const bySku = new Map(DEMO_ITEMS.map((s) => [s.identifier, s.id]));
  const out = new Map<string, Array<{ itemId: number; quantity: number }>>();
  for (const client of DEMO_CLIENTS) {
    const n = num(client.id);
    const company = pax8.companies.find((c) => c.externalId === client.id);
    const seats = new Map<number, number>();
    for (const it of pax8.items) {
      if (
        !company ||
        it.companyId !== company.id ||
        it.type !== 'subscription' ||
        it.startPeriod !== '2026-10-01'
      )
        continue;
      const itemId = bySku.get(it.sku);
      if (itemId === undefined) continue;
      seats.set(itemId, (seats.get(itemId) ?? 0) + it.quantity);
    }
    if (seats.size === 0) seats.set(510, 5 + (n % 7));
    const list = [...seats].map(([itemId, quantity]) => ({ itemId, quantity }));
    if (n % 4 === 1) list[0].quantity += 2;
    if (n % 4 === 2 && list.length > 1) list.pop();
    if (n % 4 === 3) list[0].quantity = Math.max(0, list[0].quantity - 1);
    out.set(client.id, list);
  }
  return out;
}

export const ref = (id: number, name: string): { id: number; name: string } => ({ id, name });

/** A billable seat addition in force since the agreements' start, at the item's price and cost. */
export function seatAddition(id: number, agreementId: number, item: Rec, quantity: number): Rec {
  return {
    id,
    agreementId,
    product: { id: item.id, identifier: item.identifier },
    description: item.description,
    quantity,
    unitPrice: item.price,
    unitCost: item.cost,
    billCustomer: 'Billable',
    effectiveDate: at(AGREEMENT_START),
    cancelledDate: null,
    agreementStatus: 'Active',
    invoiceDescription: item.description,
    taxableFlag: false,
  };
}

export function demoFixture(variants: Partial<CwVariants> = {}): CwState {
  const companies: Rec[] = [];
  const contacts: Rec[] = [];
  const agreements: Rec[] = [];
  const additions: Rec[] = [];
  const seats = seatsByClient();
  const subcategory = { id: 31, name: 'Cloud Services', category: { id: 3, name: 'Managed Services' } };
  const type = { id: 41, name: 'Subscription' };
  let additionId = 9000;
  for (const c of DEMO_CLIENTS) {
    if (!c.psaName) continue;
    const id = companyIdOf(c.id);
    const contactId = contactIdOf(c.id);
    contacts.push({ id: contactId, firstName: 'Accounts', lastName: 'Payable', company: ref(id, c.psaName) });
    companies.push({
      id,
      identifier: identifierOf(c.psaName),
      name: c.psaName,
      status: c.id === 'c33' ? ref(2, 'Inactive') : ref(1, 'Active'),
      types: [c.id === 'c41' ? ref(5, 'Owner') : ref(1, 'Client')],
      defaultContact: ref(contactId, 'Accounts Payable'),
      deletedFlag: false,
    });
    if (NO_AGREEMENT.has(c.id)) continue;
    const agreementId = agreementIdOf(c.id);
    agreements.push({
      id: agreementId,
      name: 'Managed Services',
      type: ref(MANAGED_SERVICES_TYPE, 'Managed Services'),
      company: ref(id, c.psaName),
      contact: ref(contactId, 'Accounts Payable'),
      agreementStatus: 'Active',
      cancelledFlag: false,
      startDate: at(AGREEMENT_START),
      endDate: null,
      noEndingDateFlag: true,
      billingCycle: ref(1, 'Monthly'),
      // Half the demo agreements prorate additions, so both behaviours show up in a month.
      prorateFlag: num(c.id) % 2 === 0,
      invoiceProratedAdditionsFlag: num(c.id) % 2 === 0,
      customerPO: null,
    });
    for (const s of seats.get(c.id) ?? []) {
      const item = DEMO_ITEMS.find((x) => x.id === s.itemId)!;
      additions.push(seatAddition(++additionId, agreementId, item, s.quantity));
    }
  }
  // Block-time agreement beside managed services for one client: only recurring agreements are offered.
  agreements.push({
    ...agreements[0],
    id: 599,
    name: 'Block hours 2026',
    type: ref(BLOCK_TIME_TYPE, 'Block Time'),
  });
  return {
    variants: { ...DEFAULT_VARIANTS, ...variants },
    members: [{ companyId: DEMO_COMPANY_ID, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY }],
    clientIds: [DEMO_CLIENT_ID],
    throttle: { limit: 2000, windowMs: 60_000 },
    hits: [],
    nextId: 20_000,
    companies,
    contacts,
    agreementTypes: [
      { id: MANAGED_SERVICES_TYPE, name: 'Managed Services', defaultFlag: true, inactiveFlag: false },
      { id: BLOCK_TIME_TYPE, name: 'Block Time', defaultFlag: false, inactiveFlag: false },
    ],
    agreements,
    additions,
    catalog: DEMO_ITEMS.map((s) => ({
      id: s.id,
      identifier: s.identifier,
      description: s.description,
      customerDescription: s.description,
      inactiveFlag: false,
      subcategory,
      category: subcategory.category,
      type,
      productClass: 'Service',
      price: s.price,
      cost: s.cost,
      integrationXRef: null,
    })),
    subcategories: [subcategory],
    productTypes: [type],
  };
}
