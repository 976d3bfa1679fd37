/**
 * The interworks.cloud month for the shared contract suite (local/sandbox/contract.ts): October 2026 of the
 * demo MSP. Rules (seed 004's field table, the connector's SOURCES.md "Decisions"): the month's charges are
 * those whose effective date falls in it; per subscription charged or changed in the month
 *  - one recurring line: End Customer → customer, Subscription ID → subscription, Quantity → the units in
 *    force at the month's end (the recurring units plus the signed changes, never below 0), Effective Date →
 *    the last change's date when it is after the recurring charge's start (else that start), total = what
 *    the recurring charges billed;
 *  - one pro-rata line per change charge (New, Increase, Decrease, Cancel): its signed units and amount,
 *    effective on the date the change was realised.
 * Currency as the charge carries it.
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { IwState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

const monthCharges = (state: IwState) =>
  state.charges.filter((c) => c.effectiveDate >= PERIOD.start && c.effectiveDate <= PERIOD.end);

/** Sums of decimal amounts as the vendor writes them (2 decimals for money, whole units), exactly. */
const add = (xs: number[]) => Math.round(xs.reduce((n, x) => n + x * 1e6, 0)) / 1e6;

export const contract: SourceContractFixture<IwState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    const bySub = new Map<number, IwState['charges']>();
    for (const c of monthCharges(state))
      bySub.set(c.subscriptionId, [...(bySub.get(c.subscriptionId) ?? []), c]);
    const out: ExpectedLine[] = [];
    for (const [subId, list] of bySub) {
      const recurring = list.filter((c) => c.type === 'Recurring');
      const changes = list.filter((c) => c.type !== 'Recurring');
      const customerId = String(list[0].accountId);
      const currency = list[0].currency.toUpperCase();
      for (const c of changes)
        out.push({
          customerId,
          subscriptionId: String(subId),
          chargeType: 'pro-rata',
          quantity: c.quantity,
          effectiveDate: c.effectiveDate,
          total: c.amount,
          currency,
        });
      const units = add([...recurring, ...changes].map((c) => c.quantity));
      const start = recurring[0]?.fromDate ?? PERIOD.start;
      const last = changes
        .map((c) => c.effectiveDate)
        .sort()
        .pop();
      out.push({
        customerId,
        subscriptionId: String(subId),
        chargeType: 'recurring',
        quantity: Math.max(0, units),
        effectiveDate: last && last > start ? last : start,
        total: add(recurring.map((c) => c.amount)),
        currency,
      });
    }
    return out;
  },

  // The token request (resource-owner password grant) changes nothing at the BSS.
  isMutation: (r) => r.method !== 'GET' && !/\/oauth\/token$/i.test(r.path),

  malformed: [
    {
      name: 'a charge whose quantity is not a number',
      spoil(state) {
        const c = monthCharges(state).find((x) => x.type !== 'Recurring') ?? monthCharges(state)[0];
        if (!c) return null;
        (c as { quantity: unknown }).quantity = 'ten';
        return { customerId: String(c.accountId), recordId: String(c.id) };
      },
    },
    {
      name: 'a recurring charge whose period start is not a real date',
      spoil(state) {
        const c = monthCharges(state).find((x) => x.type === 'Recurring');
        if (!c) return null;
        // The BSS selects by effective date, so the charge is still served.
        c.fromDate = '2026-02-30';
        return { customerId: String(c.accountId), recordId: String(c.id) };
      },
    },
  ],
};
