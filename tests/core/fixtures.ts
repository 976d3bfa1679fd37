import fc from 'fast-check';
import type { BillingLine, RawBillingLine } from '../../src/core/billing-line';
import { assignLineKeys } from '../../src/core/line-key';

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

export function keyed(lines: RawBillingLine[]): BillingLine[] {
  return assignLineKeys(lines).lines;
}

export const line = (over: Partial<RawBillingLine> = {}): BillingLine => keyed([raw(over)])[0];

const cents = fc.integer({ min: -50_000, max: 50_000 }).map((n) => n / 100);

/** Random valid lines over a small space of ids, so repeats and collisions really happen. */
export const rawLineArb: fc.Arbitrary<RawBillingLine> = fc
  .record({
    source: fc.constantFrom('market', 'usage'),
    customerId: fc.constantFrom('c1', 'c2', 'c3'),
    subscriptionId: fc.constantFrom('', 's1', 's2'),
    sku: fc.constantFrom('SKU-A', 'SKU-B', 'MST-AZR-PLAN'),
    chargeType: fc.constantFrom('recurring', 'pro-rata', 'arrears', 'usage', 'one-off' as const),
    quantity: fc.integer({ min: 0, max: 20 }),
    unitCost: cents,
    unitPrice: cents,
    recordId: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
    description: fc.constantFrom('', 'Seats', 'Azure plan usage'),
  })
  .map((r) =>
    raw({
      ...r,
      productName: r.sku === 'MST-AZR-PLAN' ? 'Azure plan' : r.sku,
      total: Math.round(r.quantity * r.unitPrice * 100) / 100,
    }),
  );
