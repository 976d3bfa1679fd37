/**
 * The Autotask month for the shared contract suite (local/sandbox/contract.ts): Acme's seat count on its
 * recurring-service contract goes from the fixture's units to 15 (two subscriptions of one SKU), a
 * service already right stays as it is, and two charges (a pro-rata line and a Twilio usage line of Blue
 * Harbor) become one contract charge each, named with the line key.
 * Rules checked (Autotask REST docs, SOURCES.md of the connector): seat counts are the units in force
 * on the effective date (ContractServiceUnits, the newer row where two touch); a charge is one
 * ContractCharges record carrying the line key in its name.
 */
import type { RawBillingLine } from '../../../src/core/billing-line';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { checkKeyedCharges, codeText, keyIn, type PsaContractFixture } from '../contract';
import type { AtRecord } from './filter';
import { companyIdOf, demoFixture, recurringContractIdOf, type AtState } from './fixture';
import { rowInForce } from './rules';

const ACME = String(companyIdOf('c01'));
const ACME_CONTRACT = recurringContractIdOf('c01');
const BLUE = String(companyIdOf('c03'));
const BLUE_CONTRACT = recurringContractIdOf('c03');
const BP = 5011;
const EXO = 5004;
const MONTH_START = '2026-10-01';

const demoRows = demoFixture().entities.ContractServiceUnits.filter(
  (r) => r.contractID === ACME_CONTRACT && r.startDate === `${MONTH_START}T00:00:00Z`,
);
const row = (serviceID: number): AtRecord => {
  const r = demoRows.find((x) => x.serviceID === serviceID);
  if (!r) throw new Error(`The demo fixture has no October row for service ${serviceID} on Acme's contract`);
  return r;
};
const bp = row(BP);
const exo = row(EXO);

const raw = (over: Partial<RawBillingLine>): RawBillingLine => ({
  source: 'pax8',
  customerId: 'px-acme',
  customerName: 'Acme Dental Group, LLC',
  subscriptionId: 'sub-1',
  sku: 'M365-BP',
  productName: 'Microsoft 365 Business Premium',
  description: 'Microsoft 365 Business Premium',
  periodStart: MONTH_START,
  periodEnd: '2026-10-31',
  cycle: 'monthly',
  chargeType: 'recurring',
  quantity: 10,
  unitCost: 22,
  unitPrice: 26.4,
  total: 264,
  currency: 'USD',
  effectiveDate: MONTH_START,
  orderId: '',
  ...over,
});

const LINES: RawBillingLine[] = [
  raw({ subscriptionId: 'sub-1', quantity: 10, unitPrice: Number(bp.price), unitCost: Number(bp.cost) }),
  raw({ subscriptionId: 'sub-2', quantity: 5, unitPrice: Number(bp.price), unitCost: Number(bp.cost) }),
  raw({
    sku: 'EXO-P1',
    productName: 'Exchange Online (Plan 1)',
    quantity: Number(exo.units),
    unitPrice: Number(exo.price),
    unitCost: Number(exo.cost),
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

const CONTRACT_OF: Record<string, number> = { 'px-acme': ACME_CONTRACT, 'AC-blue': BLUE_CONTRACT };

export const contract: PsaContractFixture<AtState> = {
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
      { source: 'pax8', sku: 'M365-BP', productId: String(BP), status: 'confirmed' },
      { source: 'pax8', sku: 'EXO-P1', productId: String(EXO), status: 'confirmed' },
      { source: 'twilio', sku: 'TWILIO-VOICE', productId: '5007', status: 'confirmed' },
    ],
    contracts: [
      { source: 'pax8', customerId: 'px-acme', subscriptionId: '', contractId: String(ACME_CONTRACT) },
      { source: 'twilio', customerId: 'AC-blue', subscriptionId: '', contractId: String(BLUE_CONTRACT) },
    ],
  },
  settings: { global: { ...DEFAULT_SETTINGS }, sources: {}, clients: {} },

  check(state, byKey) {
    const out: string[] = [];
    const e = state.entities;
    const seeded = demoFixture().entities;
    // Seat counts: the units in force on the month's first day equal the sum of the month's seats.
    const seats = new Map<number, { units: number; price: number; cost: number }>();
    for (const l of byKey.values()) {
      if (l.chargeType !== 'recurring') continue;
      const id = l.sku === 'M365-BP' ? BP : EXO;
      const s = seats.get(id) ?? { units: 0, price: l.unitPrice, cost: l.unitCost };
      s.units += l.quantity;
      seats.set(id, s);
    }
    for (const [serviceID, want] of seats) {
      const rows = (e.ContractServiceUnits ?? []).filter(
        (r) => r.contractID === ACME_CONTRACT && r.serviceID === serviceID,
      );
      const now = rowInForce(rows, MONTH_START);
      if (!now) out.push(`no units in force for service ${serviceID}`);
      else if (Number(now.units) !== want.units)
        out.push(`service ${serviceID}: ${String(now.units)} units in force, want ${want.units}`);
      const services = (e.ContractServices ?? []).filter(
        (r) => r.contractID === ACME_CONTRACT && r.serviceID === serviceID,
      );
      if (services.length !== 1) out.push(`${services.length} contract services for service ${serviceID}`);
    }
    // Charges: one per line key, on the mapped contract, with the line's values.
    out.push(
      ...checkKeyedCharges(e.ContractCharges ?? [], byKey, CONTRACT_OF, {
        noun: 'contract charges',
        text: (c) => c.name,
        contractOf: (c) => c.contractID,
        quantity: (c) => c.unitQuantity,
        price: (c) => c.unitPrice,
        cost: (c) => c.unitCost,
      }),
    );
    // Nothing else: the charges BillGrid did not make, companies and contracts are as seeded.
    const mine = (c: AtRecord) => [...byKey.keys()].some((k) => keyIn(c.name, k));
    const others = JSON.stringify((e.ContractCharges ?? []).filter((c) => !mine(c)));
    if (others !== JSON.stringify(seeded.ContractCharges)) out.push('charges BillGrid did not make changed');
    for (const entity of ['Companies', 'Contracts', 'Services', 'BillingCodes']) {
      if (JSON.stringify(e[entity]) !== JSON.stringify(seeded[entity])) out.push(`${entity} changed`);
    }
    return out;
  },

  billed(state) {
    // A 0-unit adjustment bills nothing (the tenant check's price probe leaves one: Autotask cannot delete it).
    const e: Record<string, AtRecord[]> = {
      ...state.entities,
      ContractServiceAdjustments: (state.entities.ContractServiceAdjustments ?? []).filter(
        (a) => Number(a.unitChange) !== 0,
      ),
    };
    const strip = ({ id: _id, createDate: _c, lastModifiedDate: _m, ...rest }: AtRecord) => rest;
    const sorted = (rows: AtRecord[]) => rows.map((r) => JSON.stringify(strip(r))).sort();
    return {
      counts: Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.length])),
      charges: sorted(e.ContractCharges ?? []),
      units: sorted((e.ContractServiceUnits ?? []).filter((r) => r.contractID === ACME_CONTRACT)),
      adjustments: sorted(e.ContractServiceAdjustments ?? []),
    };
  },

  // A contract charge is billed on its date purchased (the key is in its name).
  chargeMonthOf(state, lineKey) {
    const charge = (state.entities.ContractCharges ?? []).find((c) => keyIn(c.name, lineKey));
    return charge ? String(charge.datePurchased).slice(0, 7) : null;
  },

  // Autotask's "Company Number" (Companies.companyNumber).
  accountCodeOf: (state, companyId) =>
    codeText(state.entities.Companies?.find((c) => String(c.id) === companyId)?.companyNumber),
  isMutation: (r) => r.method !== 'GET' && !/\/query(\/count|\/next)?$/i.test(r.path),

  malformed: [
    {
      name: 'a charge carrying the line key whose quantity is not a number',
      spoil(state, lineKey) {
        const c = (state.entities.ContractCharges ?? []).find((x) => keyIn(x.name, lineKey));
        if (!c) return null;
        c.unitQuantity = 'twelve';
        return { recordId: String(c.id) };
      },
    },
  ],
};
