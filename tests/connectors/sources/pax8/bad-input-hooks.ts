/**
 * Pax8's bad-input hooks for the shared suite (tests/reliability/support/bad-input-suite.ts): bad invoice
 * items and bad answers of Pax8's API, each pulled through the built bundle, and how to spoil every list
 * Pax8 serves (the case where every source fails).
 */
import type { BadCase, Bench, Rec, SourceBadInputHooks } from '../../../reliability/support/bad-input-suite';
import { gridRows } from '../../../reliability/support/month';

const ID = 'pax8';

/** A Pax8 invoice item like the victim client's first one, changed by `patch`, served verbatim. */
async function rawPax8Item(b: Bench, patch: Rec): Promise<string> {
  const st = structuredClone(b.vendorStates[ID]) as { items: Rec[]; rawItems?: unknown[] };
  const model = st.items[0];
  const id = `bad-${Object.keys(patch).join('-')}`;
  st.rawItems = [{ invoiceId: model.invoiceId, record: { ...model, id, ...patch } }];
  await b.m.sb.admin(ID).setState(st);
  return id;
}

/** A record that cannot be billed is one row saying why, never approved (so never pushed). */
const shownUnbillable = (b: Bench, recordId: string): void => {
  const rows = gridRows(b.m.runtime.state).filter((r) => r['Record id'] === recordId);
  expect(
    rows.map((r) => [String(r.Status).startsWith('Cannot be billed: Pax8 invoice item'), r.Approved]),
  ).toEqual([[true, false]]);
};

const RECORDS: BadCase[] = [
  {
    kind: 'Pax8 item with a quantity that is not a number',
    arrange: async (b) => void (await rawPax8Item(b, { quantity: 'lots' })),
    act: (b) => b.pull(),
    problem:
      /^Pax8 — .+ \(record bad-quantity\): Pax8 invoice item skipped: quantity: quantity is not a number$/,
    then: (b) => shownUnbillable(b, 'bad-quantity'),
  },
  {
    kind: 'Pax8 item without a SKU or product id',
    arrange: async (b) => void (await rawPax8Item(b, { sku: null, productId: null })),
    act: (b) => b.pull(),
    problem:
      /^Pax8 — .+ \(record bad-sku-productId\): Pax8 invoice item skipped: the item has no SKU or product id$/,
    then: (b) => shownUnbillable(b, 'bad-sku-productId'),
  },
  {
    kind: 'Pax8 item in an unknown currency',
    arrange: async (b) => void (await rawPax8Item(b, { currencyCode: 'ZZZ' })),
    act: (b) => b.pull(),
    problem:
      /^Pax8 — .+ \(record bad-currencyCode\): Pax8 invoice item skipped: currency 'ZZZ' is not supported$/,
    then: (b) => shownUnbillable(b, 'bad-currencyCode'),
  },
  {
    kind: 'Pax8 item with dates in month/day/year form',
    arrange: async (b) => void (await rawPax8Item(b, { startPeriod: '10/01/2026' })),
    act: (b) => b.pull(),
    problem: /^Pax8.*(bad-startPeriod|10\/01\/2026)/,
    then: (b) => shownUnbillable(b, 'bad-startPeriod'),
  },
  {
    kind: 'Pax8 item with a price of 1e308 × a quantity of 1e308',
    arrange: async (b) =>
      void (await rawPax8Item(b, { quantity: 1e308, price: 1e308, subTotal: 1e308, total: 1e308 })),
    act: (b) => b.pull(),
    problem: /^Pax8.*(usable number|not a number|not an amount|too large|Infinity)/,
  },
  {
    kind: 'Pax8 answers with JSON cut off half-way',
    arrange: (b) => b.spoil(ID, [{ match: { pathIncludes: '/v1/invoices' }, mode: 'truncate', times: 20 }]),
    act: (b) => b.pull(),
    problem: /^Pax8: .*(cut off|not valid JSON|could not be read|unreadable)/i,
  },
  {
    kind: 'Pax8 answers 200 with an empty body',
    arrange: (b) => b.spoil(ID, [{ match: { pathIncludes: '/v1/invoices' }, mode: 'empty', times: 20 }]),
    act: (b) => b.pull(),
    problem: /^Pax8: /,
  },
  {
    kind: 'Pax8 client secret rotated',
    arrange: async (b) => {
      const st = structuredClone(b.vendorStates[ID]) as {
        clients: { clientSecret: string }[];
        tokens: unknown[];
      };
      for (const c of st.clients) c.clientSecret = 'rotated';
      st.tokens = [];
      await b.m.sb.admin(ID).setState(st);
    },
    act: (b) => b.pull(),
    problem: /^Pax8: .*(rejected|401)/,
  },
];

export const hooks: SourceBadInputHooks = {
  records: RECORDS,
  everyList: [{ match: { pathIncludes: '/v1/' }, mode: 'truncate', times: 100_000 }],
};
