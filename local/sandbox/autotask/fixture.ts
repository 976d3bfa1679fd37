/**
 * Demo Autotask database for "Northwind Managed IT", derived from local/demo/msp.ts so names line up
 * with the Pax8/Twilio sandboxes. Ids are deterministic (from the client number), dates are ISO instants
 * at midnight UTC as the REST API returns them.
 */
import { DEMO_CLIENTS } from '../../demo/msp';
import { demoFixture as pax8DemoFixture } from '../pax8/fixture';
import type { AtRecord } from './filter';

export interface AtCredential {
  username: string;
  secret: string;
  integrationCode: string;
  /** Entities this API user may not read (security level without access), e.g. ['Contracts']. */
  noView?: string[];
  /** Entities this API user may read but not change. */
  noEdit?: string[];
}

/**
 * Behaviours Autotask's documentation leaves open; tests run BillGrid under each (F5).
 * `adjustmentPrice`: what a ContractServiceAdjustment's adjustedUnitPrice/Cost does —
 *  'reprice' (re-prices the rows from the effective date), 'units-only' (ignored: "affect only the quantity of
 *  units and not price", SOAP-era doc), 'reject-zero' (units-only, and an adjustment of 0 units is refused).
 */
export interface AtVariants {
  adjustmentPrice?: 'reprice' | 'units-only' | 'reject-zero';
  /**
   * F9: what a recurring-service contract created without `contractPeriodType` gets (undocumented):
   * 'monthly', 'yearly', or 'required' (refused like any missing required field).
   */
  contractPeriodDefault?: 'monthly' | 'yearly' | 'required';
}
export const ADJUSTMENT_PRICE_VARIANTS = ['reprice', 'units-only', 'reject-zero'] as const;
export const CONTRACT_PERIOD_DEFAULT_VARIANTS = ['monthly', 'yearly', 'required'] as const;

/**
 * Contracts.contractPeriodType picklist of the sandbox: the labels follow Autotask's UI (Monthly, Quarterly,
 * Semi-Annual, Yearly); the integer values are the sandbox's own (a tenant's come from
 * `Contracts/entityInformation/fields`, unverified). Each with its length in months.
 */
export const CONTRACT_PERIODS = [
  { value: 1, label: 'Monthly', months: 1 },
  { value: 2, label: 'Quarterly', months: 3 },
  { value: 3, label: 'Semi-Annual', months: 6 },
  { value: 4, label: 'Yearly', months: 12 },
] as const;
export const CONTRACT_PERIOD = { monthly: 1, quarterly: 2, semiAnnual: 3, yearly: 4 } as const;

/**
 * Services.periodType picklist of the sandbox (the service's billing period, what ApplicationLink calls the
 * commitment period): labels as Autotask's UI; integer values the sandbox's own (a tenant's come from
 * `Services/entityInformation/fields`, unverified).
 */
export const SERVICE_PERIODS = [
  { value: 1, label: 'Monthly' },
  { value: 2, label: 'Quarterly' },
  { value: 3, label: 'Semi-Annual' },
  { value: 4, label: 'Yearly' },
] as const;

export interface AtState {
  variants?: AtVariants;
  credentials: AtCredential[];
  /** Per database: requests allowed in a rolling hour (Autotask: 10,000) and threads per integration + endpoint (3). */
  limits: { hourlyRequests: number; threadsPerEndpoint: number };
  /** Arrival times (ms) of the requests counted against the hourly budget. */
  usage: number[];
  nextId: number;
  entities: Record<string, AtRecord[]>;
  /**
   * F6: the prorated invoice lines Autotask adds to a contract's next invoice for an adjustment effective
   * inside a billing period (not on its first day). Not an API entity: kept for tests to see what a push
   * would cost. Each line cannot be deleted on a tenant, only offset.
   */
  prorations?: AtRecord[];
}

export const DEMO_USER = 'api-billgrid@northwind.example';
export const DEMO_SECRET = 'demo-secret-Z9x!';
export const DEMO_INTEGRATION_CODE = 'BILLGRIDDEMOINTEGRATIONCODE';
/** The demo's Material billing code for charges of services ('Resale & Usage'). */
export const DEMO_MATERIAL_CODE = 29682810;

export const at = (date: string): string => `${date}T00:00:00Z`;

/**
 * Autotask period rows from start to end (inclusive), as ContractServiceUnits are kept: periods of `months`
 * months (the contract's period type) from the 1st of the start's month, the first one cut at the start
 * (a contract starting mid-month has a short, prorated first period: why BillGrid starts them on the 1st).
 */
export function contractPeriods(
  start: string,
  end: string,
  months = 1,
): Array<{ startDate: string; endDate: string }> {
  const out: Array<{ startDate: string; endDate: string }> = [];
  const first = start.slice(0, 10);
  const stop = end.slice(0, 10);
  const [y0, m0] = first.split('-').map(Number);
  for (let k = 0; ; k++) {
    const from = new Date(Date.UTC(y0, m0 - 1 + k * months, 1)).toISOString().slice(0, 10);
    if (from > stop) break;
    const to = new Date(Date.UTC(y0, m0 - 1 + (k + 1) * months, 0)).toISOString().slice(0, 10);
    out.push({ startDate: at(from < first ? first : from), endDate: at(to < stop ? to : stop) });
  }
  return out;
}

/** Monthly Autotask period rows from start to end (inclusive). */
export function monthlyPeriods(start: string, end: string): Array<{ startDate: string; endDate: string }> {
  return contractPeriods(start, end, 1);
}

/** Months per period of a contract (its contractPeriodType; monthly when it has none). */
export function periodMonths(contract: { contractPeriodType?: unknown }): number {
  return CONTRACT_PERIODS.find((p) => p.value === Number(contract.contractPeriodType))?.months ?? 1;
}

/** BillingCodes.useType picklist (BillingCodesEntity.htm): 1 work type, 3 internal time, 4 material, 5 service. */
export const USE_TYPE = { workType: 1, internalTime: 3, material: 4, service: 5 } as const;

/** Service codes (5) go on services, material codes (4) on contract charges; the rest are labour/time codes. */
export const BILLING_CODES: AtRecord[] = [
  {
    id: 29682801,
    name: 'Recurring Services',
    description: 'Managed services and licences',
    isActive: true,
    useType: USE_TYPE.service,
  },
  {
    id: 29682802,
    name: 'Microsoft Licensing',
    description: 'Microsoft 365 and CSP licences',
    isActive: true,
    useType: USE_TYPE.service,
  },
  {
    id: 29682803,
    name: 'Telephony Usage',
    description: 'Voice and SMS usage',
    isActive: true,
    useType: USE_TYPE.material,
  },
  {
    id: 29682804,
    name: 'Cloud Consumption',
    description: 'Azure and cloud usage',
    isActive: true,
    useType: USE_TYPE.material,
  },
  {
    id: 29682805,
    name: 'Hardware & Materials',
    description: 'One-off materials',
    isActive: true,
    useType: USE_TYPE.material,
  },
  {
    id: 29682806,
    name: 'Legacy Licensing (retired)',
    description: 'Do not use',
    isActive: false,
    useType: USE_TYPE.material,
  },
  {
    id: 29682807,
    name: 'Usage Services',
    description: 'Metered telephony and cloud services',
    isActive: true,
    useType: USE_TYPE.service,
  },
  { id: 29682808, name: 'Remote Support', description: 'Labour', isActive: true, useType: USE_TYPE.workType },
  {
    id: 29682810,
    name: 'Resale & Usage',
    description: 'Licences and usage billed as charges',
    isActive: true,
    useType: USE_TYPE.material,
  },
  {
    id: 29682809,
    name: 'Internal Time',
    description: 'Not billable',
    isActive: true,
    useType: USE_TYPE.internalTime,
  },
];

/** Services named as the MSP sells them; SKUs are the Pax8 demo SKUs so SKU matching has work to do. */
export const DEMO_SERVICES: Array<{
  id: number;
  name: string;
  sku: string;
  price: number;
  cost: number;
  code: number;
}> = [
  {
    id: 5001,
    name: 'Microsoft 365 Business Premium',
    sku: 'MST-M365-BP-NCE-1M',
    price: 26.4,
    cost: 23.76,
    code: 29682802,
  },
  {
    id: 5011,
    name: 'Microsoft 365 Business Premium (annual term)',
    sku: 'MST-M365-BP-NCE-1Y',
    price: 22,
    cost: 19.8,
    code: 29682802,
  },
  {
    id: 5002,
    name: 'Microsoft 365 Business Standard',
    sku: 'MST-M365-BS-NCE-1Y',
    price: 12.5,
    cost: 11.25,
    code: 29682802,
  },
  { id: 5003, name: 'Microsoft 365 Business Basic', sku: 'M365-BB', price: 7.2, cost: 6, code: 29682802 },
  {
    id: 5004,
    name: 'Exchange Online (Plan 1)',
    sku: 'MST-EXO-P1-NCE-1M',
    price: 4.8,
    cost: 4.32,
    code: 29682802,
  },
  {
    id: 5005,
    name: 'Microsoft Defender for Business',
    sku: 'MST-MDB-NCE-1Y',
    price: 3,
    cost: 2.7,
    code: 29682802,
  },
  { id: 5013, name: 'Entra ID P1', sku: 'MST-AADP1-NCE-1Y', price: 6, cost: 5.4, code: 29682802 },
  { id: 5014, name: 'Proofpoint Essentials', sku: 'PPT-ESS-BUS', price: 3.5, cost: 2.1, code: 29682801 },
  { id: 5006, name: 'Azure consumption', sku: 'MST-AZR-PLAN', price: 1, cost: 0.85, code: 29682807 },
  { id: 5007, name: 'Twilio voice usage', sku: 'TWILIO-VOICE', price: 0.02, cost: 0.013, code: 29682807 },
  { id: 5008, name: 'Twilio SMS usage', sku: 'TWILIO-SMS', price: 0.012, cost: 0.0079, code: 29682807 },
  {
    id: 5009,
    name: 'Microsoft 365 E3 (annual)',
    sku: 'MST-M365-E3-NCE-1Y',
    price: 36,
    cost: 32.4,
    code: 29682802,
  },
  {
    id: 5012,
    name: 'Microsoft 365 Apps for business (annual prepaid)',
    sku: 'MST-M365-APPS-BUS-1Y-PRE',
    price: 118.8,
    cost: 99,
    code: 29682802,
  },
  { id: 5010, name: 'Managed Endpoint', sku: 'MSP-ENDPOINT', price: 45, cost: 0, code: 29682801 },
];

export const RECURRING_SERVICE = 7;
export const FIXED_PRICE = 3;
export const CONTRACT_START = '2026-01-01';
export const CONTRACT_END = '2027-12-31';

const num = (clientId: string): number => Number(clientId.slice(1));
export const companyIdOf = (clientId: string): number => 100 + num(clientId);
export const recurringContractIdOf = (clientId: string): number => 3000 + num(clientId);
export const fixedContractIdOf = (clientId: string): number => 3500 + num(clientId);

/** Clients without a recurring service contract yet ("create contract" cases). */
const NO_CONTRACT = new Set(['c08', 'c20', 'c32']);
/** Clients with an annual subscription on a fixed-price contract. */
const FIXED_PRICE_CLIENTS = new Set(['c03', 'c14']);

/**
 * Seats in force per client and service: the Pax8 demo's October subscription quantities, with drift for
 * some clients (units a little off, or a service missing) so that reconciliation finds real differences.
 * Clients without Pax8 get managed endpoints only.
 */
function seatsByClient(): Map<string, Array<{ serviceId: number; units: number }>> {
  const pax8 = pax8DemoFixture();
  const bySku = new Map(DEMO_SERVICES.map((s) => [s.sku, s.id]));
  const out = new Map<string, Array<{ serviceId: number; units: number }>>();
  const annualPrepaid = new Set(['MST-M365-APPS-BUS-1Y-PRE']);
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
      const serviceId = bySku.get(it.sku);
      if (serviceId === undefined || annualPrepaid.has(it.sku) || it.sku === 'MST-AZR-PLAN') continue;
      seats.set(serviceId, (seats.get(serviceId) ?? 0) + it.quantity);
    }
    if (seats.size === 0) seats.set(5010, 5 + (n % 7));
    const list = [...seats].map(([serviceId, units]) => ({ serviceId, units }));
    if (n % 4 === 1) list[0].units += 2; // drift: two seats too many
    if (n % 4 === 2 && list.length > 1) list.pop(); // drift: a service never added to the contract
    if (n % 4 === 3) list[0].units = Math.max(0, list[0].units - 1);
    out.set(client.id, list);
  }
  return out;
}

export function demoFixture(): AtState {
  let unitId = 90000;
  let csId = 7000;
  const companies: AtRecord[] = [];
  const contracts: AtRecord[] = [];
  const contractServices: AtRecord[] = [];
  const units: AtRecord[] = [];
  const charges: AtRecord[] = [];
  const seats = seatsByClient();
  for (const c of DEMO_CLIENTS) {
    if (!c.psaName) continue;
    const companyID = companyIdOf(c.id);
    companies.push({
      id: companyID,
      companyName: c.psaName,
      companyType: c.id === 'c41' ? 5 : 1,
      isActive: c.id !== 'c33',
      phone: '555-0100',
      ownerResourceID: 29682885,
      // The company number staff know a customer by (free text); the MSP's own company has none.
      ...(c.id === 'c41' ? {} : { companyNumber: `CUST-${1000 + num(c.id)}` }),
    });
    if (c.id === 'c41' || NO_CONTRACT.has(c.id)) continue;
    const contractID = recurringContractIdOf(c.id);
    contracts.push({
      id: contractID,
      companyID,
      contractName: `${c.psaName} - Managed Services`,
      contractType: RECURRING_SERVICE,
      contractPeriodType: CONTRACT_PERIOD.monthly,
      status: 1,
      startDate: at(CONTRACT_START),
      endDate: at(CONTRACT_END),
      timeReportingRequiresStartAndStopTimes: 1,
    });
    for (const { serviceId: serviceID, units: seatCount } of seats.get(c.id) ?? []) {
      const s = DEMO_SERVICES.find((x) => x.id === serviceID)!;
      const contractServiceID = ++csId;
      contractServices.push({
        id: contractServiceID,
        contractID,
        serviceID,
        unitPrice: s.price,
        unitCost: s.cost,
        adjustedPrice: s.price,
        invoiceDescription: s.name,
        internalDescription: '',
      });
      for (const p of monthlyPeriods(CONTRACT_START, CONTRACT_END)) {
        units.push({
          id: ++unitId,
          contractID,
          contractServiceID,
          serviceID,
          startDate: p.startDate,
          endDate: p.endDate,
          units: seatCount,
          price: s.price,
          cost: s.cost,
          approveAndPostDate: null,
        });
      }
    }
    if (FIXED_PRICE_CLIENTS.has(c.id)) {
      contracts.push({
        id: fixedContractIdOf(c.id),
        companyID,
        contractName: `${c.psaName} - Annual Microsoft 365`,
        contractType: FIXED_PRICE,
        status: 1,
        startDate: at('2026-10-01'),
        endDate: at('2027-09-30'),
        timeReportingRequiresStartAndStopTimes: 1,
      });
    }
  }
  // An already-invoiced charge (isBilled) and an open one from an earlier run, on Acme's contract.
  charges.push(
    {
      id: 60001,
      contractID: recurringContractIdOf('c01'),
      name: 'Twilio voice usage (BG-00000000000000a1)',
      description: 'September voice usage',
      datePurchased: at('2026-09-30'),
      unitQuantity: 1200,
      unitPrice: 0.02,
      unitCost: 0.013,
      billingCodeID: 29682803,
      productID: null,
      chargeType: 1,
      status: 1,
      isBilled: true,
      isBillableToCompany: true,
      billableAmount: 24,
      extendedCost: 15.6,
      createDate: at('2026-10-01'),
    },
    {
      id: 60002,
      contractID: recurringContractIdOf('c01'),
      name: 'Hardware & Materials (BG-00000000000000a2)',
      description: 'Replacement dock',
      datePurchased: at('2026-10-12'),
      unitQuantity: 1,
      unitPrice: 180,
      unitCost: 140,
      billingCodeID: 29682805,
      productID: null,
      chargeType: 1,
      status: 1,
      isBilled: false,
      isBillableToCompany: true,
      billableAmount: 180,
      extendedCost: 140,
      createDate: at('2026-10-13'),
    },
  );
  return {
    credentials: [
      { username: DEMO_USER, secret: DEMO_SECRET, integrationCode: DEMO_INTEGRATION_CODE },
      {
        username: 'readonly@northwind.example',
        secret: 'readonly-secret',
        integrationCode: DEMO_INTEGRATION_CODE,
        noView: ['ContractServiceUnits', 'ContractCharges'],
        noEdit: [
          'Contracts',
          'ContractServices',
          'ContractCharges',
          'ContractServiceAdjustments',
          'Services',
        ],
      },
    ],
    limits: { hourlyRequests: 10_000, threadsPerEndpoint: 3 },
    usage: [],
    nextId: 100_000,
    entities: {
      Companies: companies,
      Services: DEMO_SERVICES.map((s) => ({
        id: s.id,
        name: s.name,
        description: s.name,
        invoiceDescription: s.name,
        sku: s.sku,
        unitPrice: s.price,
        unitCost: s.cost,
        billingCodeID: s.code,
        periodType: 1,
        isActive: true,
      })),
      ServiceBundles: [
        {
          id: 5501,
          name: 'Secure Workplace Bundle',
          description: 'M365 BP + Defender',
          unitPrice: 35,
          unitCost: 25,
          isActive: true,
        },
      ],
      Contracts: contracts,
      ContractServices: contractServices,
      ContractServiceUnits: units,
      ContractServiceAdjustments: [],
      ContractCharges: charges,
      BillingCodes: BILLING_CODES,
    },
  };
}
