import fc from 'fast-check';
import type { BillingLine, RawBillingLine } from '../../src/core/billing-line';
import { assignLineKeys } from '../../src/core/line-key';
import type { PsaCodeLists, PsaCompany, PsaContract, PsaProduct } from '../../src/core/psa';
import type { Mappings } from '../../src/core/mapping';

/** A valid connector line; override what the test is about. */
export function raw(over: Partial<RawBillingLine> = {}): RawBillingLine {
  return {
    source: 'market',
    customerId: 'cust-1',
    customerName: 'Acme Ltd',
    subscriptionId: 'sub-1',
    sku: 'MS-365-BP',
    productName: 'Microsoft 365 Business Premium',
    description: 'Microsoft 365 Business Premium',
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    cycle: 'monthly',
    chargeType: 'recurring',
    quantity: 10,
    unitCost: 18,
    unitPrice: 22,
    total: 220,
    currency: 'USD',
    effectiveDate: '2026-10-01',
    orderId: '',
    ...over,
  };
}

export const keyed = (lines: RawBillingLine[]): BillingLine[] => assignLineKeys(lines).lines;

const CUSTOMERS = [
  'Acme Ltd',
  'Globex',
  'Initech',
  'Umbrella',
  '=HYPERLINK("http://evil")',
  '-Minus Co',
  '@mention',
];
const SKUS = ['MS-365-BP', 'MS-365-E3', 'AZURE-PLAN', '+1 SMS', '00123', 'TRUE'];

/** Many distinct lines: n lines over `customers` customers (ids are unique so keys never collide). */
export function manyLines(n: number, seed = 1): BillingLine[] {
  const out: RawBillingLine[] = [];
  for (let i = 0; i < n; i++) {
    const c = (i * 7 + seed) % 400;
    const q = ((i * 13 + seed) % 50) + 1;
    const price = Math.round((((i * 31 + seed) % 9000) / 100 + 1) * 100) / 100;
    out.push(
      raw({
        customerId: `cust-${c}`,
        customerName: CUSTOMERS[c % CUSTOMERS.length] + ` ${c}`,
        subscriptionId: `sub-${i}`,
        sku: SKUS[i % SKUS.length],
        description: i % 11 === 0 ? `=SUM(A1:A${i})` : `Seats ${i}`,
        quantity: q,
        unitPrice: price,
        unitCost: Math.round(price * 80) / 100,
        total: Math.round(q * price * 100) / 100,
        currency: i % 5 === 0 ? 'EUR' : 'USD',
        recordId: `r${i}`,
      }),
    );
  }
  return keyed(out);
}

/** Random valid raw lines with unique identities (the record id carries the index). */
export const rawLinesArb = (min: number, max: number): fc.Arbitrary<RawBillingLine[]> =>
  fc
    .array(
      fc.record({
        customerId: fc.constantFrom('c1', 'c2', 'c3'),
        customerName: fc.constantFrom('Acme', '=1+1', '-Neg', 'Zed'),
        sku: fc.constantFrom('SKU-A', 'SKU-B', '+SKU'),
        quantity: fc.integer({ min: 0, max: 40 }),
        unitPrice: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
        description: fc.constantFrom('', 'Seats', '@odd', '=2*3'),
      }),
      { minLength: min, maxLength: max },
    )
    .map((rs) =>
      rs.map((r, i) =>
        raw({
          ...r,
          subscriptionId: `s${i}`,
          recordId: `rec${i}`,
          total: r.quantity * r.unitPrice,
          unitCost: 1,
        }),
      ),
    );

export const COMPANIES: PsaCompany[] = [
  { id: '100', name: 'Acme Ltd', active: true },
  { id: '200', name: 'Globex Corporation', active: true },
  { id: '300', name: '=Formula Co', active: true },
];
export const PRODUCTS: PsaProduct[] = [
  { id: 'P1', name: 'Microsoft 365 Business Premium', code: 'MS-365-BP', unitPrice: 22, unitCost: 18 },
  { id: 'P2', name: 'Microsoft 365 E3', code: 'MS-365-E3', unitPrice: 36, unitCost: 30 },
];
export const CONTRACTS: PsaContract[] = [
  {
    id: 'K1',
    companyId: '100',
    name: 'Managed services',
    kind: 'recurring-service',
    startDate: '2026-01-01',
    endDate: null,
  },
  {
    id: 'K2',
    companyId: '200',
    name: 'Cloud',
    kind: 'recurring-service',
    startDate: '2026-01-01',
    endDate: '2027-12-31',
  },
];
export const CODES: PsaCodeLists = {
  incomeAccounts: [{ id: '4000', name: 'Sales' }],
  expenseAccounts: [{ id: '5000', name: 'COGS' }],
  taxCodes: [{ id: 'T1', name: 'Standard' }],
  itemCodes: [{ id: 'I9', name: 'Misc' }],
};

export const MAPPINGS: Mappings = {
  clients: [
    {
      source: 'market',
      customerId: 'cust-1',
      customerName: 'Acme Ltd',
      companyId: '100',
      status: 'confirmed',
      score: null,
    },
  ],
  products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
  contracts: [{ source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: 'K1' }],
};
