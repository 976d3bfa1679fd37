import { sidebarApi } from '../../src/api';
import { errorOf, installFakeGas, type FakeGas } from './fake-gas';
import { FIRST, SECOND } from './any-connector';

const OWNER = 'owner@northwind.example';
const BOB = 'bob@northwind.example';
/** Edits through a Google Group or the domain's sharing: not on the spreadsheet's editors list. */
const GINA = 'gina@northwind.example';

describe('rights (P45)', () => {
  let gas: FakeGas;
  beforeEach(() => {
    gas = installFakeGas({ user: OWNER });
  });

  it('makes the first user who saves credentials the owner', () => {
    expect(sidebarApi.getSessionInfo()).toMatchObject({
      email: OWNER,
      role: 'editor',
      owner: null,
      canManage: true,
    });
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(sidebarApi.getSessionInfo()).toEqual({
      email: OWNER,
      role: 'owner',
      owner: OWNER,
      admins: [],
      canManage: true,
      canPush: true,
      deployment: 'bound',
      keysExposedTo: null, // the editors list is not readable here
    });
  });

  it('refuses credential changes by non-admins, with a readable message', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    gas.user = BOB;
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'editor', canManage: false });
    expect(
      errorOf(() =>
        sidebarApi.saveConnection(FIRST.id, { ...FIRST.credentials, [FIRST.secretField]: 'other-token' }),
      ),
    ).toBe(
      `Only the BillGrid owner (${OWNER}) or an admin may change the ${FIRST.name} credentials. Ask them to add you as an admin.`,
    );
    expect(errorOf(() => sidebarApi.clearConnection(FIRST.id))).toMatch(/^Only the BillGrid owner/);
    expect(JSON.parse(gas.docProps.get(`billgrid.secret.${FIRST.id}`) ?? '{}')[FIRST.secretField]).toBe(
      FIRST.credentials[FIRST.secretField],
    );
    expect(errorOf(() => sidebarApi.setAdmins([BOB]))).toBe(
      `Only the BillGrid owner (${OWNER}) may change the admins.`,
    );
  });

  it('lets only the owner and admins push: an editor approves and is told who can push', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    sidebarApi.setAdmins(['carol@northwind.example']);
    gas.user = BOB;
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'editor', canPush: false });
    expect(errorOf(() => sidebarApi.pushBillingMonth('2026-10'))).toBe(
      `Only the BillGrid owner (${OWNER}) or an admin (carol@northwind.example) may push to the PSA: every push is recorded in the Ledger, which only they can write. Approve the rows and ask one of them to push.`,
    );
    gas.user = 'carol@northwind.example';
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'admin', canPush: true });
  });

  it('lets the owner name admins, who may then change credentials', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(errorOf(() => sidebarApi.setAdmins(['not an email']))).toBe(
      'Admins: Each admin must be an email address',
    );
    expect(sidebarApi.setAdmins([' Bob@Northwind.example '])).toMatchObject({ admins: [BOB] });
    gas.user = BOB;
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'admin', canManage: true });
    expect(sidebarApi.saveConnection(SECOND.id, SECOND.credentials).configured).toBe(true);
    expect(sidebarApi.getSessionInfo().owner).toBe(OWNER);
  });

  it('has no viewer role: someone missing from the editors list (a group or domain member) is an editor', () => {
    gas.editors = [OWNER, BOB];
    gas.user = GINA;
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'editor', canManage: true, canPush: false });
    expect(sidebarApi.finishWizard().wizardDone).toBe(true);
    // Like any editor, the first to save credentials becomes the owner.
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'owner', owner: GINA });
    gas.user = BOB;
    expect(sidebarApi.getSessionInfo().role).toBe('editor');
  });

  it('in the bound script, names the editors who are not admins (they can read the keys all the same)', () => {
    gas.editors = [OWNER, BOB, 'carol@northwind.example'];
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(sidebarApi.getSessionInfo().keysExposedTo).toEqual([BOB, 'carol@northwind.example']);
    sidebarApi.setAdmins([BOB]);
    expect(sidebarApi.getSessionInfo()).toMatchObject({
      deployment: 'bound',
      keysExposedTo: ['carol@northwind.example'],
    });
  });

  it('refuses when the user email is unknown', () => {
    gas.user = '';
    expect(errorOf(() => sidebarApi.saveConnection(FIRST.id, FIRST.credentials))).toMatch(
      /could not read your Google account email/,
    );
  });
});
