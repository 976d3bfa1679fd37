import { sidebarApi, registerConnectionTester } from '../../src/api';
import { CONNECTOR_IDS } from '../../src/connectors/registry';
import { errorOf, installFakeGas, SID, TOKEN, type FakeGas } from './fake-gas';

describe('Connect API', () => {
  let gas: FakeGas;
  beforeEach(() => {
    gas = installFakeGas();
  });

  it('stores Twilio credentials in script properties and returns only masked values', () => {
    const view = sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    expect(view.configured).toBe(true);
    const stored = Object.fromEntries(view.fields.map((f) => [f.name, f.stored]));
    expect(stored).toEqual({ accountSid: '••••cdef', authToken: 'set', apiKeySid: null, apiKeySecret: null });

    const all = JSON.stringify([view, sidebarApi.getConnections(), sidebarApi.getSetupState()]);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(SID);
    // The full values live only in script properties.
    expect(gas.docProps.get('billgrid.secret.twilio')).toContain(TOKEN);
  });

  it('keeps a stored secret when its field is left blank', () => {
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const other = 'AC' + 'f'.repeat(32);
    sidebarApi.saveConnection('twilio', { accountSid: other, authToken: '  ' });
    expect(JSON.parse(gas.docProps.get('billgrid.secret.twilio') ?? '{}')).toEqual({
      accountSid: other,
      authToken: TOKEN,
    });
  });

  it('rejects bad arguments with readable messages that never echo the value', () => {
    const badSid = 'ACnot-a-sid-but-maybe-a-token-9999';
    const msg = errorOf(() => sidebarApi.saveConnection('twilio', { accountSid: badSid, authToken: TOKEN }));
    expect(msg).toBe(
      'Twilio credentials: Twilio Account SID must be "AC" followed by 32 hexadecimal characters',
    );
    expect(msg).not.toContain(badSid);

    expect(errorOf(() => sidebarApi.saveConnection('twilio', { accountSid: SID }))).toBe(
      'Twilio credentials: Twilio Auth Token is missing (or give an API key SID and secret instead)',
    );
    expect(errorOf(() => sidebarApi.saveConnection('stripe' as never, {}))).toBe(
      `Connection: Connection must be one of ${CONNECTOR_IDS.join(', ')}`,
    );
    expect(errorOf(() => sidebarApi.saveConnection('pax8', 'secret' as never))).toBe(
      'Pax8 credentials: Credentials must be a set of named fields',
    );
    expect(errorOf(() => sidebarApi.saveConnection('pax8', { clientId: 5 } as never))).toBe(
      'Pax8 credentials: Each credential must be text',
    );
    expect(errorOf(() => sidebarApi.saveConnection('pax8', { apiKey: 'x' }))).toBe(
      'Pax8 has no field named apiKey',
    );
    expect(errorOf(() => sidebarApi.testConnection(42 as never))).toMatch(/^Connection: /);
    // Nothing was stored by the failed calls.
    expect(gas.docProps.has('billgrid.secret.twilio')).toBe(false);
    expect(gas.docProps.has('billgrid.secret.pax8')).toBe(false);
  });

  it('checks HaloPSA URLs and the Autotask username', () => {
    expect(
      errorOf(() =>
        sidebarApi.saveConnection('halo', {
          tenantUrl: 'http://x.halopsa.com',
          clientId: 'id',
          clientSecret: 's',
        }),
      ),
    ).toMatch(/^HaloPSA credentials: HaloPSA tenant URL must be an https:\/\/ address/);
    const view = sidebarApi.saveConnection('halo', {
      tenantUrl: 'https://northwind.halopsa.com/',
      authUrl: '',
      clientId: 'client-123456',
      clientSecret: 'halo-secret-value',
    });
    expect(view.fields.find((f) => f.name === 'tenantUrl')?.stored).toBe('https://northwind.halopsa.com');
    expect(view.fields.find((f) => f.name === 'authUrl')?.stored).toBeNull();
    expect(JSON.stringify(view)).not.toContain('halo-secret-value');
    expect(
      errorOf(() =>
        sidebarApi.saveConnection('autotask', { username: 'api', secret: 's', integrationCode: 'c' }),
      ),
    ).toBe('Autotask credentials: Autotask API username must look like an email address');
  });

  it('reports "not yet available" until a connector registers a tester', () => {
    expect(sidebarApi.testConnection('pax8')).toEqual({
      ok: false,
      message: 'Save the Pax8 credentials first.',
    });
    sidebarApi.saveConnection('pax8', { clientId: 'pax8-client-1', clientSecret: 'pax8-secret-xyz' });
    expect(sidebarApi.testConnection('pax8')).toEqual({
      ok: false,
      message: 'Testing Pax8 is not yet available in this version.',
    });
  });

  it('runs a registered tester with the stored credentials, scrubs secrets and remembers the result', () => {
    const seen: Array<Record<string, string>> = [];
    registerConnectionTester('twilio', (creds) => {
      seen.push(creds);
      return {
        ok: true,
        message: `Connected as ${creds.accountSid} with ${creds.authToken}; 12 subaccounts`,
      };
    });
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const result = sidebarApi.testConnection('twilio');
    expect(seen).toEqual([{ accountSid: SID, authToken: TOKEN }]);
    expect(result).toEqual({ ok: true, message: 'Connected as •••• with ••••; 12 subaccounts' });
    const view = sidebarApi.getConnections().connections.find((c) => c.kind === 'twilio');
    expect(view?.lastTest).toMatchObject({ ok: true, message: result.message });

    registerConnectionTester('twilio', () => {
      throw new Error(`401 for token ${TOKEN}`);
    });
    expect(sidebarApi.testConnection('twilio')).toEqual({ ok: false, message: 'Twilio: 401 for token ••••' });
  });

  it('reads the credentials and settings once per server call, from document properties only', () => {
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    gas.calls = {};
    sidebarApi.getConnections();
    sidebarApi.getSetupState();
    expect(gas.calls['doc.getProperties']).toBe(2);
    expect(gas.calls.getProperties ?? 0).toBe(0);
    expect(gas.calls.getProperty ?? 0).toBe(0);
    expect([...gas.props.keys()]).toEqual([]);
  });

  it('clears a connection', () => {
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const view = sidebarApi.clearConnection('twilio');
    expect(view.configured).toBe(false);
    expect(view.fields.every((f) => f.stored === null)).toBe(true);
    expect(gas.docProps.has('billgrid.secret.twilio')).toBe(false);
  });

  it('checks a connection: results with a date in document properties, shown in Connect, forgotten on save', () => {
    // A tenant that refuses everything: each assumption is reported, none is confirmed.
    const seen: string[] = [];
    const g = globalThis as Record<string, unknown>;
    g.UrlFetchApp = {
      fetchAll: (reqs: { url: string; headers?: Record<string, string> }[]) =>
        reqs.map((r) => {
          seen.push(r.url);
          return {
            getResponseCode: () => 401,
            getContentText: () => `{"message":"bad token ${TOKEN}"}`,
            getAllHeaders: () => ({}),
            getHeaders: () => ({}),
          };
        }),
    };
    g.Utilities = { sleep: () => undefined };
    expect(errorOf(() => sidebarApi.checkConnection('twilio', {}))).toBe(
      'Save the Twilio credentials first.',
    );
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const check = sidebarApi.checkConnection('twilio', {});
    expect(seen.length).toBeGreaterThan(0);
    expect(check.connector).toBe('twilio');
    expect(Date.parse(check.at)).not.toBeNaN();
    expect(check.results.length).toBeGreaterThan(0);
    for (const r of check.results) expect(r.status).toBe('unchecked');
    expect(JSON.stringify(check)).not.toContain(TOKEN);
    expect(JSON.parse(gas.docProps.get('billgrid.tenantCheck.twilio') ?? 'null')).toEqual(check);

    const view = sidebarApi.getConnections().connections.find((c) => c.kind === 'twilio');
    expect(view?.lastCheck).toEqual(check);
    expect(view?.probes.map((p) => p.id)).toEqual(check.results.map((r) => r.id));

    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    expect(gas.docProps.has('billgrid.tenantCheck.twilio')).toBe(false);
    expect(errorOf(() => sidebarApi.checkConnection('twilio', { extra: 1 } as never))).toMatch(
      /^Check options: /,
    );
  });

  it('lets only a manager name a test company for write checks', () => {
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    gas.user = 'viewer@northwind.example';
    expect(errorOf(() => sidebarApi.checkConnection('twilio', { testCompanyId: '42' }))).toMatch(
      /write checks/,
    );
    expect(gas.docProps.has('billgrid.tenantCheck.twilio')).toBe(false);
  });
});
