/**
 * ConnectWise PSA's bad-input hooks for the shared suite (tests/reliability/support/bad-input-suite.ts):
 * the sheet edits (ConnectWise has contracts and seat counts as Autotask does, so the seat-count and
 * contract cases apply; the tab, argument and source cases do not depend on the PSA and run on Autotask),
 * and ConnectWise's own bad answers: cut-off and HTML reads, a saved addition whose answer is cut off, a
 * validation refusal in ConnectWise's error shape, a malformed addition for the row, a rotated key.
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

/** Additions whose invoice description carries the line key. */
const linesFor = async (b: Bench, key: unknown): Promise<number> => {
  const st = (await b.m.sb.admin('connectwise').state()) as { additions: Rec[] };
  return st.additions.filter((a) => String(a.invoiceDescription ?? '').includes(String(key))).length;
};

const ADDITIONS = '/additions';

const ANSWERS: BadCase[] = [
  {
    kind: 'ConnectWise answers an additions read with JSON cut off half-way',
    arrange: (b) =>
      b.spoil('connectwise', [
        { match: { method: 'GET', pathIncludes: ADDITIONS }, mode: 'truncate', times: 1000 },
      ]),
    error: /^ConnectWise.*additions/,
  },
  {
    kind: 'ConnectWise answers every read with an HTML 502 page',
    arrange: (b) => b.spoil('connectwise', [{ match: { method: 'GET' }, mode: 'html', times: 1000 }]),
    error: /^ConnectWise could not read [\w ]+ \(502/,
  },
  {
    kind: 'ConnectWise saves an addition but answers with JSON cut off',
    arrange: (b) =>
      b.spoil('connectwise', [
        { match: { method: 'POST', pathIncludes: ADDITIONS }, mode: 'truncate', times: 100 },
      ]),
    status: /^Failed: ConnectWise accepted the new addition '.*' but did not say which record it saved$/,
    sends: true,
    // Every new addition's answer is cut off (the batch sends them together), the others' too.
    othersPushed: false,
    // It landed once; the next push finds it by its line key instead of adding it again.
    then: (b) => pushAgainLandsOnce(b, linesFor),
  },
  {
    kind: 'ConnectWise refuses an addition with a validation error',
    arrange: (b) =>
      b.m.sb.admin('connectwise').faults([
        {
          match: { method: 'POST', pathIncludes: ADDITIONS },
          status: 400,
          body: {
            code: 'InvalidObject',
            message: 'agreementAddition object is invalid',
            errors: [
              {
                code: 'InvalidReference',
                message: 'Product is inactive.',
                resource: 'agreementAddition',
                field: 'product',
              },
            ],
          },
          times: 100,
        },
      ]),
    status:
      /^Failed: ConnectWise refused the new addition '.*': 400: agreementAddition object is invalid.*product: Product is inactive\.$/,
    othersPushed: false,
    sends: true,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(0),
  },
  {
    kind: 'ConnectWise holds a malformed addition for the row',
    arrange: async (b, v) => {
      const st = structuredClone(b.vendorStates.connectwise) as { additions: Rec[] };
      st.additions.push({
        id: 424242,
        agreementId: Number(idOf(v['PSA contract'])),
        product: { id: 510, identifier: 'MSP-ENDPOINT' },
        quantity: 'lots',
        billCustomer: 'Billable',
        effectiveDate: '2026-10-01T00:00:00Z',
        cancelledDate: '2026-11-01T00:00:00Z',
        invoiceDescription: `Something (${String(v['Line key'])})`,
      });
      await b.m.sb.admin('connectwise').setState(st);
    },
    status:
      /^Failed: ConnectWise already has an addition for this line that BillGrid cannot read \(additions 424242: .+\); correct or cancel it in ConnectWise, then push again$/,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(1),
  },
  {
    kind: 'ConnectWise private key rotated',
    arrange: async (b) => {
      const st = structuredClone(b.vendorStates.connectwise) as { members: { privateKey: string }[] };
      for (const m of st.members) m.privateKey = 'rotated';
      await b.m.sb.admin('connectwise').setState(st);
    },
    error: /^ConnectWise rejected the company id, public key, private key or client id \(401\)$/,
  },
];

export const hooks: PsaBadInputHooks = {
  // ConnectWise additions hold a fractional quantity (a double: SOURCES.md), so 2.5 seats are pushed as such.
  shared: SHEET_EDITS.filter((c) => c.kind !== 'fractional seats'),
  answers: ANSWERS,
  names: (v) => [`/agreements/${idOf(v['PSA contract'])}/`],
};
