/**
 * The Ingram Micro month for the shared contract suite (local/sandbox/contract.ts): October 2026 of the
 * demo reseller, billed from orders (the default). Rules (the Xvantage spec, the connector's SOURCES.md):
 * every line of every order placed in the month that is not cancelled, for the order's end user, at
 * Ingram's quantity and price (the MSP's cost; no markup by default), one line per order line.
 */
import type { ExpectedLine, SourceContractFixture } from '../contract';
import type { IngramState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
const cancelled = (s: string | null | undefined) => /cancel/i.test(s ?? '');
/** Ingram has no customer id: the end user's name, trimmed, single-spaced, upper case. */
const customerOf = (name: string) => name.trim().replace(/\s+/g, ' ').toUpperCase();
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export const contract: SourceContractFixture<IngramState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    return state.orders
      .filter((o) => {
        const d = o.ingramOrderDate.slice(0, 10);
        return (
          d >= PERIOD.start && d <= PERIOD.end && !cancelled(o.orderStatus) && o.endUserInfo?.companyName
        );
      })
      .flatMap((o) =>
        o.lines
          .filter((l) => !cancelled(l.lineStatus))
          .map((l): ExpectedLine => ({
            recordId: `${o.ingramOrderNumber}/${l.ingramOrderLineNumber}`,
            customerId: customerOf(o.endUserInfo?.companyName ?? ''),
            orderId: o.ingramOrderNumber,
            quantity: l.quantityOrdered,
            unitCost: l.unitPrice,
            total: round6(l.quantityOrdered * l.unitPrice),
            currency: l.currencyCode.toUpperCase(),
          })),
      );
  },

  // The token request (GET /oauth/oauth20/token) changes nothing at Ingram; everything else read is GET.
  isMutation: (r) => r.method !== 'GET',

  malformed: [
    {
      name: 'an order line whose price is not a number',
      spoil(state) {
        const order = state.orders.find(
          (o) => o.ingramOrderDate.startsWith(PERIOD.month) && !cancelled(o.orderStatus) && o.endUserInfo,
        );
        const line = order?.lines.find((l) => !cancelled(l.lineStatus));
        if (!order || !line) return null;
        (line as { unitPrice: unknown }).unitPrice = 'ten';
        return {
          customerId: customerOf(order.endUserInfo?.companyName ?? ''),
          recordId: `${order.ingramOrderNumber}/${line.ingramOrderLineNumber}`,
        };
      },
    },
  ],

  spec: {
    file: 'ingram_xvantage_resellers.json',
    headers: true,
    responses: true,
    ignoreFormats: true,
    generalErrorStatuses: [400, 401, 404, 429],
  },
};
