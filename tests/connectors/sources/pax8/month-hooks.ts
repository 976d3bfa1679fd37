/**
 * Pax8's month hooks for the bundle tests that change a source's data mid-month (tests/e2e/connector-hooks.ts):
 * seats added to an invoice item, an item gone, the invoice-item reads (slowed for a huge month).
 */
import type { Pax8Fixture } from '../../../../local/sandbox/pax8/fixture';
import type { SourceMonthHooks } from '../../../e2e/connector-hooks';

const cents = (n: number): number => Math.round(n * 100) / 100;

export const hooks: SourceMonthHooks<Pax8Fixture> = {
  addSeats(pax8, n) {
    const item = pax8.items.find((i) => i.type === 'subscription' && i.quantity > 1);
    if (!item) throw new Error('the fixture has no subscription item with more than one seat');
    item.quantity += n;
    item.subTotal = item.total = item.amountDue = cents(item.quantity * item.price);
    item.costTotal = cents(item.quantity * item.cost);
  },
  dropRecurringLine(pax8, keep) {
    const gone = pax8.items.find((i) => i.type === 'subscription' && !keep.has(i.companyId));
    if (!gone) throw new Error('the fixture has no subscription item outside the kept customers');
    pax8.items = pax8.items.filter((i) => i !== gone);
  },
  readsMonth: (r) => r.path.includes('/invoices'),
  slowMonth: (delayMs) => [{ match: { pathIncludes: '/items' }, delayMs, times: 1_000 }],
};
