/**
 * Credentials, owner and admins live in the spreadsheet's document properties (src/platform/secrets.ts):
 * an older bound BillGrid's script-property values move over once; an add-on never adopts script
 * properties (shared by every document it serves).
 */
import { sidebarApi } from '../../src/api';
import { CONNECTION_KINDS } from '../../src/api/connections';
import { installFakeGas, TOKEN } from './fake-gas';

const OWNER = 'owner@northwind.example';
/** Any connector from the registry: the store does not care which. */
const KIND = CONNECTION_KINDS[0];
const SECRET_KEY = `billgrid.secret.${KIND}`;
const WINDOW_KEY = `billgrid.rateWindow.${KIND}`;
const legacy = () =>
  new Map([
    [SECRET_KEY, JSON.stringify({ key: TOKEN })],
    ['billgrid.owner', JSON.stringify(OWNER)],
    ['billgrid.admins', JSON.stringify(['ann@northwind.example'])],
    [WINDOW_KEY, '[1,2]'],
  ]);
const configured = () => sidebarApi.getConnections().connections.find((c) => c.kind === KIND)?.configured;

function asDeployment(source: 'NONE' | 'APPS_MARKETPLACE_DOMAIN_ADD_ON'): void {
  (globalThis as Record<string, unknown>).ScriptApp = { getInstallationSource: () => source };
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).ScriptApp;
});

describe('where credentials are kept', () => {
  it('moves a bound script’s credentials and rights from script to document properties, once', () => {
    asDeployment('NONE');
    const gas = installFakeGas({ user: OWNER, props: legacy() });
    expect(sidebarApi.getSessionInfo()).toMatchObject({ role: 'owner', admins: ['ann@northwind.example'] });
    // Pacing of requests is the project's, not a customer value: it stays.
    expect([...gas.props.keys()]).toEqual([WINDOW_KEY]);
    expect(JSON.parse(gas.docProps.get(SECRET_KEY) ?? '{}')).toEqual({ key: TOKEN });
    expect(configured()).toBe(true);
    // Once moved, a value written to script properties again is not adopted.
    gas.props.set('billgrid.owner', JSON.stringify('mallory@northwind.example'));
    expect(sidebarApi.getSessionInfo().owner).toBe(OWNER);
  });

  it('keeps a value the document already has over an older script property', () => {
    asDeployment('NONE');
    const gas = installFakeGas({
      user: OWNER,
      props: legacy(),
      docProps: new Map([['billgrid.owner', JSON.stringify('new@northwind.example')]]),
    });
    expect(sidebarApi.getSessionInfo().owner).toBe('new@northwind.example');
    expect(gas.props.has('billgrid.owner')).toBe(false);
  });

  it('an add-on never adopts script properties: they are shared by every document it serves', () => {
    asDeployment('APPS_MARKETPLACE_DOMAIN_ADD_ON');
    const gas = installFakeGas({ user: OWNER, props: legacy() });
    expect(sidebarApi.getSessionInfo()).toMatchObject({ owner: null, role: 'editor' });
    expect(configured()).toBe(false);
    // The first manager of this document becomes its owner, in its document properties.
    sidebarApi.saveDefaults(sidebarApi.getDefaults().settings);
    expect(sidebarApi.getSessionInfo()).toMatchObject({ owner: OWNER, role: 'owner' });
    expect(gas.docProps.get('billgrid.owner')).toBe(JSON.stringify(OWNER));
    expect(new Map(gas.props)).toEqual(legacy());
  });
});
