/**
 * Autotask's bad-input hooks for the shared suite (tests/reliability/support/bad-input-suite.ts): every
 * shared case (Autotask is the PSA with contracts and seat counts that runs the sheet- and source-side
 * cases), and Autotask's own bad answers.
 */
import {
  SHARED_CASES,
  idOf,
  pushAgainLandsOnce,
  type BadCase,
  type Bench,
  type PsaBadInputHooks,
  type Rec,
} from '../../../reliability/support/bad-input-suite';

/** Contract charges whose name carries the line key. */
const linesFor = async (b: Bench, key: unknown): Promise<number> => {
  const st = (await b.m.sb.admin('autotask').state()) as { entities: { ContractCharges: Rec[] } };
  return st.entities.ContractCharges.filter((c) => String(c.name).includes(String(key))).length;
};

const ANSWERS: BadCase[] = [
  {
    kind: 'Autotask answers a charge lookup with JSON cut off half-way',
    arrange: (b) =>
      b.spoil('autotask', [
        { match: { pathIncludes: 'ContractCharges/query' }, mode: 'truncate', times: 20 },
      ]),
    error: /^Autotask.*(ContractCharges|charges)/,
  },
  {
    kind: 'Autotask answers every read with an HTML 502 page',
    arrange: (b) => b.spoil('autotask', [{ match: { pathIncludes: '/query' }, mode: 'html', times: 1000 }]),
    error: /^Autotask could not read \w+ \(502/,
  },
  {
    kind: 'Autotask answers a charge lookup with an empty 200',
    arrange: (b) =>
      b.spoil('autotask', [{ match: { pathIncludes: 'ContractCharges/query' }, mode: 'empty', times: 20 }]),
    error: /^Autotask/,
  },
  {
    kind: 'Autotask saves a charge but answers with JSON cut off',
    arrange: (b) =>
      b.spoil('autotask', [
        { match: { method: 'POST', pathIncludes: '/Charges' }, mode: 'truncate', times: 1 },
      ]),
    status: /^Failed: Autotask accepted the new charge '.*' but did not say which record it saved$/,
    sends: true,
    othersPushed: true,
    // It landed once; the next push finds it instead of adding it again.
    then: (b) => pushAgainLandsOnce(b, linesFor),
  },
  {
    kind: 'Autotask refuses a charge with a validation error',
    arrange: (b) =>
      b.m.sb.admin('autotask').faults([
        {
          match: { method: 'POST', pathIncludes: '/Charges' },
          status: 500,
          body: { errors: ['Billing code is inactive.'] },
        },
      ]),
    sends: true,
    othersPushed: false,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(0),
    status: /^Failed: Autotask refused the new charge '.*': 500: Billing code is inactive\.$/,
  },
  {
    kind: 'Autotask holds a malformed charge for the row',
    arrange: async (b, v) => {
      const st = structuredClone(b.vendorStates.autotask) as { entities: { ContractCharges: Rec[] } };
      st.entities.ContractCharges.push({
        id: 4242,
        contractID: Number(idOf(v['PSA contract'])),
        name: `Something (${String(v['Line key'])})`,
        unitQuantity: 'lots',
        datePurchased: '2026-10-31T00:00:00Z',
      });
      await b.m.sb.admin('autotask').setState(st);
    },
    status:
      /^Failed: Autotask already has a charge for this line that BillGrid cannot read \(ContractCharges 4242: .+\); correct or delete it in Autotask, then push again$/,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(1),
  },
  {
    kind: 'Autotask API secret rotated',
    arrange: async (b) => {
      const st = structuredClone(b.vendorStates.autotask) as { credentials: { secret: string }[] };
      for (const c of st.credentials) c.secret = 'rotated';
      await b.m.sb.admin('autotask').setState(st);
    },
    error: /^Autotask rejected the API user name, secret or integration code \(401\)$/,
  },
  {
    kind: 'Autotask API user may not change contract charges',
    arrange: async (b) => {
      const st = structuredClone(b.vendorStates.autotask) as { credentials: { noEdit?: string[] }[] };
      for (const c of st.credentials) c.noEdit = ['ContractCharges'];
      await b.m.sb.admin('autotask').setState(st);
    },
    status:
      /^Failed: Autotask refused the new charge '.*': 403: The logged in resource does not have the security permissions to create or edit ContractCharges\.$/,
    othersPushed: false,
    sends: true,
    then: async (b, v) => expect(await linesFor(b, v['Line key'])).toBe(0),
  },
];

export const hooks: PsaBadInputHooks = {
  shared: SHARED_CASES,
  answers: ANSWERS,
  names: (v) => {
    const contract = idOf(v['PSA contract']);
    return [`/Contracts/${contract}/`, `"contractID":${contract},`];
  },
};
