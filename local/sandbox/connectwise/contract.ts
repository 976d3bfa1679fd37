/**
 * The ConnectWise month for the shared contract suite (local/sandbox/contract.ts): Crestview's seats of one
 * catalog item on its agreement go from the fixture's quantity to 15 (two subscriptions of one SKU), an
 * item already right stays as it is, and two charges (a pro-rata line of Crestview and a Twilio usage line of
 * Blue Harbor) become one addition each, billed once, with the line key in its invoice description.
 * Rules checked (SOURCES.md of the connector): the seat count is the quantity of the one addition open on
 * the month's first day (not cancelled on or before it); a charge is one addition effective on the 1st of
 * its month and cancelled on the next 1st; nothing is deleted.
 */
import type { RawBillingLine } from '../../../src/core/billing-line';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { checkKeyedCharges, codeText, keyIn, near, type PsaContractFixture } from '../contract';
import { agreementIdOf, companyIdOf, demoFixture, type CwState, type Rec } from './fixture';

const ACME = String(companyIdOf('c05'));
const ACME_AG = agreementIdOf('c05');
const BLUE = String(companyIdOf('c03'));
const BLUE_AG = agreementIdOf('c03');
const USAGE_ITEM = 510;
const MONTH_START = '2026-10-01';

type Addition = Rec & {
  agreementId: number;
  product: { id: number };
  quantity: unknown;
  unitPrice: unknown;
  unitCost: unknown;
  effectiveDate: string;
  cancelledDate: string | null;
  invoiceDescription: string | null;
};

const seeded = demoFixture();
const acme = seeded.additions.filter((a) => a.agreementId === ACME_AG) as Addition[];
if (acme.length < 2) throw new Error("The demo fixture needs two additions on Crestview's agreement");
const [seats, steady] = acme;

const raw = (over: Partial<RawBillingLine>): RawBillingLine => ({
  source: 'pax8',
  customerId: 'px-acme',
  customerName: 'Acme Dental Group, LLC',
  subscriptionId: 'sub-1',
  sku: 'SEATS',
  productName: 'Seats',
  description: 'Seats',
  periodStart: MONTH_START,
  periodEnd: '2026-10-31',
  cycle: 'monthly',
  chargeType: 'recurring',
  quantity: 10,
  unitCost: Number(seats.unitCost),
  unitPrice: Number(seats.unitPrice),
  total: 10 * Number(seats.unitPrice),
  currency: 'USD',
  effectiveDate: MONTH_START,
  orderId: '',
  ...over,
});

const LINES: RawBillingLine[] = [
  raw({ subscriptionId: 'sub-1', quantity: 10 }),
  raw({ subscriptionId: 'sub-2', quantity: 5 }),
  raw({
    sku: 'STEADY',
    productName: 'Steady',
    quantity: Number(steady.quantity),
    unitPrice: Number(steady.unitPrice),
    unitCost: Number(steady.unitCost),
  }),
  raw({
    chargeType: 'pro-rata',
    description: 'Pro-rata: 2 seats from Oct 20',
    quantity: 2,
    unitPrice: 10.22,
    unitCost: 8.52,
    effectiveDate: '2026-10-20',
  }),
  raw({
    source: 'twilio',
    customerId: 'AC-blue',
    customerName: 'Blue Harbor Logistics',
    subscriptionId: '',
    sku: 'TWILIO-VOICE',
    productName: 'Twilio voice usage',
    description: 'Voice minutes, October',
    cycle: 'usage',
    chargeType: 'usage',
    quantity: 1834,
    unitPrice: 0.02,
    unitCost: 0.013,
    effectiveDate: '2026-10-31',
  }),
];

const AGREEMENT_OF: Record<string, number> = { 'px-acme': ACME_AG, 'AC-blue': BLUE_AG };
const open = (a: Addition, day: string) =>
  a.effectiveDate.slice(0, 10) <= day && (!a.cancelledDate || a.cancelledDate.slice(0, 10) > day);
const nextMonth = (d: string) => {
  const [y, m] = d.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

export const contract: PsaContractFixture<CwState> = {
  kind: 'psa',
  period: { month: '2026-10', start: MONTH_START, end: '2026-10-31' },
  lines: LINES,
  mappings: {
    clients: [
      {
        source: 'pax8',
        customerId: 'px-acme',
        customerName: 'Acme',
        companyId: ACME,
        status: 'confirmed',
        score: null,
      },
      {
        source: 'twilio',
        customerId: 'AC-blue',
        customerName: 'Blue',
        companyId: BLUE,
        status: 'confirmed',
        score: null,
      },
    ],
    products: [
      { source: 'pax8', sku: 'SEATS', productId: String(seats.product.id), status: 'confirmed' },
      { source: 'pax8', sku: 'STEADY', productId: String(steady.product.id), status: 'confirmed' },
      { source: 'twilio', sku: 'TWILIO-VOICE', productId: String(USAGE_ITEM), status: 'confirmed' },
    ],
    contracts: [
      { source: 'pax8', customerId: 'px-acme', subscriptionId: '', contractId: String(ACME_AG) },
      { source: 'twilio', customerId: 'AC-blue', subscriptionId: '', contractId: String(BLUE_AG) },
    ],
  },
  settings: { global: { ...DEFAULT_SETTINGS }, sources: {}, clients: {} },

  check(state, byKey) {
    const out: string[] = [];
    const additions = state.additions as Addition[];
    // Seats: one addition open on the month's first day per product, holding the month's sum.
    const want = new Map<number, { quantity: number; price: number; cost: number }>();
    for (const l of byKey.values()) {
      if (l.chargeType !== 'recurring') continue;
      const id = l.sku === 'SEATS' ? seats.product.id : steady.product.id;
      const w = want.get(id) ?? { quantity: 0, price: l.unitPrice, cost: l.unitCost };
      w.quantity += l.quantity;
      want.set(id, w);
    }
    const keyed = (a: Addition) => /\(BG-[0-9a-f]{16}\)/.test(String(a.invoiceDescription ?? ''));
    for (const [productId, w] of want) {
      const now = additions.filter(
        (a) => a.agreementId === ACME_AG && a.product.id === productId && !keyed(a) && open(a, MONTH_START),
      );
      if (now.length !== 1) out.push(`${now.length} additions open for product ${productId}`);
      else {
        if (!near(now[0].quantity, w.quantity))
          out.push(`product ${productId}: ${String(now[0].quantity)}, want ${w.quantity}`);
        if (!near(now[0].unitPrice, w.price))
          out.push(`product ${productId}: price ${String(now[0].unitPrice)}`);
      }
    }
    // Charges: one addition per line key on the mapped agreement, billed for exactly the line's month.
    out.push(
      ...checkKeyedCharges(additions, byKey, AGREEMENT_OF, {
        noun: 'additions',
        text: (a) => a.invoiceDescription,
        contractOf: (a) => a.agreementId,
        quantity: (a) => a.quantity,
        price: (a) => a.unitPrice,
        cost: (a) => a.unitCost,
        more(a, key, l) {
          const from = `${l.effectiveDate.slice(0, 7)}-01`;
          const problems: string[] = [];
          if (a.effectiveDate.slice(0, 10) !== from || a.cancelledDate?.slice(0, 10) !== nextMonth(from))
            problems.push(
              `${key}: billed ${a.effectiveDate} to ${String(a.cancelledDate)}, not once for ${from.slice(0, 7)}`,
            );
          if (a.billCustomer !== 'Billable') problems.push(`${key}: ${String(a.billCustomer)}`);
          return problems;
        },
      }),
    );
    // Nothing else changed, and nothing was deleted.
    const mine = (a: Addition) =>
      keyed(a) || (a.agreementId === ACME_AG && a.product.id === seats.product.id);
    const others = (rows: Addition[]) => JSON.stringify(rows.filter((a) => !mine(a)));
    if (others(additions) !== others(seeded.additions as Addition[]))
      out.push('additions BillGrid did not make changed');
    for (const a of seeded.additions)
      if (!additions.some((x) => x.id === a.id)) out.push(`addition ${a.id} was deleted`);
    for (const entity of ['companies', 'agreements', 'catalog'] as const)
      if (JSON.stringify(state[entity]) !== JSON.stringify(seeded[entity])) out.push(`${entity} changed`);
    return out;
  },

  billed(state) {
    const strip = ({ id: _id, ...rest }: Rec) => rest;
    return {
      counts: {
        additions: state.additions.length,
        catalog: state.catalog.length,
        agreements: state.agreements.length,
      },
      additions: state.additions.map((a) => JSON.stringify(strip(a))).sort(),
    };
  },

  // The company's identifier ("Company ID").
  accountCodeOf: (state, companyId) =>
    codeText(state.companies.find((c) => String(c.id) === companyId)?.identifier),
  isMutation: (r) => r.method !== 'GET',

  malformed: [
    {
      name: 'an addition carrying the line key whose quantity is not a number',
      spoil(state, lineKey) {
        const a = state.additions.find((x) => keyIn(x.invoiceDescription, lineKey));
        if (!a) return null;
        a.quantity = 'twelve';
        return { recordId: String(a.id) };
      },
    },
  ],
};
