/**
 * HaloPSA's bad-input hooks for the shared suite (tests/reliability/support/bad-input-suite.ts): the
 * sheet edits that apply to a PSA billing on invoices (no seat counts, no contracts), and HaloPSA's own
 * bad answers.
 */
import {
  SHEET_EDITS,
  idOf,
  pushAgainLandsOnce,
  type BadCase,
  type Bench,
  type PsaBadInputHooks,
  type Rec,
} from '../../../reliability/support/bad-input-suite';

/** Invoice lines carrying the line key. */
const linesFor = async (b: Bench, key: unknown): Promise<number> => {
  const st = (await b.m.sb.admin('halo').state()) as { invoices: { lines: Rec[] }[] };
  return st.invoices.flatMap((i) => i.lines).filter((l) => l.comment_1 === key).length;
};

const ANSWERS: BadCase[] = [
  {
    kind: 'HaloPSA answers an invoice read with JSON cut off half-way',
    arrange: (b) =>
      b.spoil('halo', [
        { match: { method: 'GET', pathIncludes: '/api/Invoice' }, mode: 'truncate', times: 50 },
      ]),
    error: /^HaloPSA/,
  },
  {
    kind: 'HaloPSA saves invoices but answers with an HTML 502 page',
    arrange: (b) =>
      b.spoil('halo', [
        { match: { method: 'POST', pathIncludes: '/api/Invoice' }, mode: 'html', times: 100 },
      ]),
    status: /^Failed: .*502/,
    sends: true,
    othersPushed: false,
    then: (b) => pushAgainLandsOnce(b, linesFor, true),
  },
  {
    kind: 'HaloPSA refuses an invoice with a validation error',
    arrange: (b) =>
      b.m.sb.admin('halo').faults([
        {
          match: { method: 'POST', pathIncludes: '/api/Invoice' },
          status: 400,
          body: 'Please select a valid Tax Code',
          times: 100,
        },
      ]),
    status: /^Failed: .*Please select a valid Tax Code/,
    othersPushed: false,
    sends: true,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(0),
  },
  {
    kind: 'HaloPSA holds a malformed invoice line for the row',
    arrange: async (b, v) => {
      const st = structuredClone(b.vendorStates.halo) as { invoices: Rec[] };
      st.invoices.push({
        id: 9001,
        client_id: Number(idOf(v['PSA company'])),
        client_name: String(v.Customer),
        invoicenumber: 'INV-9001',
        invoice_date: '2026-10-31',
        reference: `BillGrid new:month:${String(v['Period start']).slice(0, 7)}`,
        posted: false,
        lines: [
          { id: 1, ihid: 9001, comment_1: v['Line key'], qty_order: 'many', unit_price: 1, unit_cost: 1 },
        ],
      });
      await b.m.sb.admin('halo').setState(st);
    },
    status:
      /^Failed: The invoice INV-9001 already has a line for this row that BillGrid cannot read \(line 1\); correct or delete it in HaloPSA, then push again$/,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(1),
  },
  {
    kind: 'HaloPSA client secret rotated',
    arrange: async (b) => {
      const st = structuredClone(b.vendorStates.halo) as { clientSecret: string; tokens: Rec };
      st.clientSecret = 'rotated';
      st.tokens = {};
      await b.m.sb.admin('halo').setState(st);
    },
    error: /^HaloPSA.*(401|rejected|client id|secret)/i,
  },
];

export const hooks: PsaBadInputHooks = {
  shared: SHEET_EDITS.filter((c) => c.victim !== 'quantity' && !/PSA contract/.test(c.kind)),
  answers: ANSWERS,
  names: (v) => [`"client_id":${idOf(v['PSA company'])},`],
};
