/**
 * The Pax8 month for the shared contract suite (local/sandbox/contract.ts): October 2026 of the demo
 * partner. Rules (Pax8 Partner API docs, the connector's SOURCES.md): what the MSP bills is the items of
 * the invoices dated in the period (not void), at Pax8's quantity, cost and total, except what Pax8 bills
 * the client itself (billedByPax8, bill-on-behalf companies).
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { Pax8State } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

export const contract: SourceContractFixture<Pax8State> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    const invoices = new Set(
      state.invoices
        .filter((i) => i.invoiceDate >= PERIOD.start && i.invoiceDate <= PERIOD.end && i.status !== 'Void')
        .map((i) => i.id),
    );
    const billOnBehalf = new Set(state.companies.filter((c) => c.billOnBehalfOfEnabled).map((c) => c.id));
    return state.items
      .filter((i) => invoices.has(i.invoiceId) && !i.billedByPax8 && !billOnBehalf.has(i.companyId))
      .map((i): ExpectedLine => ({
        recordId: i.id,
        customerId: i.companyId,
        sku: i.sku,
        quantity: i.quantity,
        unitCost: i.cost,
        total: i.total,
        currency: i.currencyCode,
      }));
  },

  // The token request (client credentials) changes nothing at Pax8.
  isMutation: (r) => r.method !== 'GET' && !/\/oauth\/token$/i.test(r.path),

  malformed: [
    {
      name: 'an invoice item whose quantity is not a number',
      spoil(state) {
        const invoice = state.invoices.find(
          (i) => i.invoiceDate.startsWith(PERIOD.month) && i.status !== 'Void',
        );
        const item = state.items.find((i) => i.invoiceId === invoice?.id && !i.billedByPax8);
        if (!item) return null;
        (item as { quantity: unknown }).quantity = 'ten';
        return { customerId: item.companyId, recordId: item.id };
      },
    },
  ],
};
