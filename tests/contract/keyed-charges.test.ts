/** The shared billed-state check of one-off charges finds each way a PSA's charges can be wrong. */
import type { RawBillingLine } from '../../src/core/billing-line';
import { checkKeyedCharges } from '../../local/sandbox/contract';

interface Charge {
  name: string;
  contract: number;
  qty: unknown;
  price: number;
  cost: number;
}
const view = {
  noun: 'charges',
  text: (c: Charge) => c.name,
  contractOf: (c: Charge) => c.contract,
  quantity: (c: Charge) => c.qty,
  price: (c: Charge) => c.price,
  cost: (c: Charge) => c.cost,
};
const line = { customerId: 'cust', chargeType: 'usage', quantity: 3, unitPrice: 1.2345, unitCost: 1 };
const lines = new Map([
  ['BG-1', line as RawBillingLine],
  ['BG-2', { ...line, chargeType: 'recurring' } as RawBillingLine],
]);
const right: Charge = { name: 'Calls (BG-1)', contract: 7, qty: 3, price: 1.2345, cost: 1 };
const check = (charges: Charge[]) => checkKeyedCharges(charges, lines, { cust: 7 }, view);

it('accepts exactly one right charge per one-off line and ignores recurring lines', () => {
  expect(check([right])).toEqual([]);
});

it('names a missing, doubled, misplaced or mis-valued charge', () => {
  expect(check([])).toEqual(['0 charges carry BG-1']);
  expect(check([right, right])).toEqual(['2 charges carry BG-1']);
  expect(check([{ ...right, contract: 8 }])).toEqual(['BG-1 on contract 8']);
  expect(check([{ ...right, qty: 'twelve', price: 1.2346, cost: 2 }])).toEqual([
    'BG-1: quantity twelve',
    'BG-1: price 1.2346',
    'BG-1: cost 2',
  ]);
  const more = checkKeyedCharges([right], lines, { cust: 7 }, { ...view, more: () => ['late'] });
  expect(more).toEqual(['late']);
});
