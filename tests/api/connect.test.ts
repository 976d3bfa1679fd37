/**
 * The sidebar's Connect functions with any registered connector: masking, storage, parsing, testers and
 * tenant checks. Each vendor's own credential rules are tested in its folder (tests/connectors/<kind>/<id>).
 */
import { sidebarApi, registerConnectionTester } from '../../src/api';
import { CONNECTOR_IDS } from '../../src/connectors/registry';
import { maskSecret } from '../../src/platform/secrets';
import { FIRST, SECOND } from './any-connector';
import { errorOf, installFakeGas, type FakeGas } from './fake-gas';

const SECRET = FIRST.credentials[FIRST.secretField];
const KEY = `billgrid.secret.${FIRST.id}`;

describe('Connect API', () => {
  let gas: FakeGas;
  beforeEach(() => {
    gas = installFakeGas();
  });

  it('stores credentials in document properties and returns only masked values', () => {
    const view = sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(view.configured).toBe(true);
    for (const f of FIRST.descriptor.fields) {
      const value = FIRST.credentials[f.name];
      const stored = view.fields.find((v) => v.name === f.name)?.stored;
      expect(stored).toBe(value ? maskSecret(value, f.exposure) : null);
    }
    const all = JSON.stringify([view, sidebarApi.getConnections(), sidebarApi.getSetupState()]);
    for (const f of FIRST.descriptor.fields.filter((x) => x.exposure !== 'public')) {
      const value = FIRST.credentials[f.name];
      if (value && value.length >= 8) expect(all).not.toContain(value);
    }
    // The full values live only in document properties.
    expect(JSON.parse(gas.docProps.get(KEY) ?? '{}')).toEqual(FIRST.credentials);
  });

  it('keeps a stored secret when its field is left blank', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    sidebarApi.saveConnection(FIRST.id, { ...FIRST.credentials, [FIRST.secretField]: '  ' });
    expect(JSON.parse(gas.docProps.get(KEY) ?? '{}')).toEqual(FIRST.credentials);
  });

  it('rejects bad arguments with readable messages that never echo the value', () => {
    expect(errorOf(() => sidebarApi.saveConnection('stripe' as never, {}))).toBe(
      `Connection: Connection must be one of ${CONNECTOR_IDS.join(', ')}`,
    );
    expect(errorOf(() => sidebarApi.saveConnection(FIRST.id, 'secret' as never))).toBe(
      `${FIRST.name} credentials: Credentials must be a set of named fields`,
    );
    expect(errorOf(() => sidebarApi.saveConnection(FIRST.id, { [FIRST.secretField]: 5 } as never))).toBe(
      `${FIRST.name} credentials: Each credential must be text`,
    );
    const leaked = errorOf(() =>
      sidebarApi.saveConnection(FIRST.id, { ...FIRST.credentials, apiKeyX: SECRET }),
    );
    expect(leaked).toBe(`${FIRST.name} has no field named apiKeyX`);
    expect(errorOf(() => sidebarApi.testConnection(42 as never))).toMatch(/^Connection: /);
    // Nothing was stored by the failed calls.
    expect(gas.docProps.has(KEY)).toBe(false);
  });

  it('reports "not yet available" until a connector registers a tester', () => {
    expect(sidebarApi.testConnection(SECOND.id)).toEqual({
      ok: false,
      message: `Save the ${SECOND.name} credentials first.`,
    });
    sidebarApi.saveConnection(SECOND.id, SECOND.credentials);
    expect(sidebarApi.testConnection(SECOND.id)).toEqual({
      ok: false,
      message: `Testing ${SECOND.name} is not yet available in this version.`,
    });
  });

  it('runs a registered tester with the stored credentials, scrubs secrets and remembers the result', () => {
    const seen: Array<Record<string, string>> = [];
    registerConnectionTester(FIRST.id, (creds) => {
      seen.push(creds);
      return { ok: true, message: `Connected with ${creds[FIRST.secretField]}; 12 subaccounts` };
    });
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    const result = sidebarApi.testConnection(FIRST.id);
    expect(seen).toEqual([FIRST.credentials]);
    expect(result).toEqual({ ok: true, message: 'Connected with ••••; 12 subaccounts' });
    const view = sidebarApi.getConnections().connections.find((c) => c.kind === FIRST.id);
    expect(view?.lastTest).toMatchObject({ ok: true, message: result.message });

    registerConnectionTester(FIRST.id, () => {
      throw new Error(`401 for token ${SECRET}`);
    });
    expect(sidebarApi.testConnection(FIRST.id)).toEqual({
      ok: false,
      message: `${FIRST.name}: 401 for token ••••`,
    });
  });

  it('reads the credentials and settings once per server call, from document properties only', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    gas.calls = {};
    sidebarApi.getConnections();
    sidebarApi.getSetupState();
    expect(gas.calls['doc.getProperties']).toBe(2);
    expect(gas.calls.getProperties ?? 0).toBe(0);
    expect(gas.calls.getProperty ?? 0).toBe(0);
    expect([...gas.props.keys()]).toEqual([]);
  });

  it('clears a connection', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    const view = sidebarApi.clearConnection(FIRST.id);
    expect(view.configured).toBe(false);
    expect(view.fields.every((f) => f.stored === null)).toBe(true);
    expect(gas.docProps.has(KEY)).toBe(false);
  });

  it('checks a connection: results with a date in document properties, shown in Connect, forgotten on save', () => {
    // A tenant that refuses everything: each assumption is reported, none is confirmed.
    const seen: string[] = [];
    const g = globalThis as Record<string, unknown>;
    const refuse = (url: string) => {
      seen.push(url);
      return {
        getResponseCode: () => 401,
        getContentText: () => `{"message":"bad token ${SECRET}"}`,
        getAllHeaders: () => ({}),
        getHeaders: () => ({}),
      };
    };
    g.UrlFetchApp = {
      fetch: (url: string) => refuse(url),
      fetchAll: (reqs: { url: string }[]) => reqs.map((r) => refuse(r.url)),
    };
    g.Utilities = { sleep: () => undefined };
    // A cold document cache (connectors may keep a token there).
    const cache = { get: () => null, put: () => undefined, remove: () => undefined };
    g.CacheService = { getDocumentCache: () => cache, getScriptCache: () => cache };
    expect(errorOf(() => sidebarApi.checkConnection(FIRST.id, {}))).toBe(
      `Save the ${FIRST.name} credentials first.`,
    );
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    const check = sidebarApi.checkConnection(FIRST.id, {});
    expect(seen.length).toBeGreaterThan(0);
    expect(check.connector).toBe(FIRST.id);
    expect(Date.parse(check.at)).not.toBeNaN();
    expect(check.results.length).toBeGreaterThan(0);
    for (const r of check.results) expect(r.status).toBe('unchecked');
    expect(JSON.stringify(check)).not.toContain(SECRET);
    expect(JSON.parse(gas.docProps.get(`billgrid.tenantCheck.${FIRST.id}`) ?? 'null')).toEqual(check);

    const view = sidebarApi.getConnections().connections.find((c) => c.kind === FIRST.id);
    expect(view?.lastCheck).toEqual(check);
    expect(view?.probes.map((p) => p.id)).toEqual(check.results.map((r) => r.id));

    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    expect(gas.docProps.has(`billgrid.tenantCheck.${FIRST.id}`)).toBe(false);
    expect(errorOf(() => sidebarApi.checkConnection(FIRST.id, { extra: 1 } as never))).toMatch(
      /^Check options: /,
    );
  });

  it('lets only a manager name a test company for write checks', () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    gas.user = 'alex@northwind.example';
    expect(errorOf(() => sidebarApi.checkConnection(FIRST.id, { testCompanyId: '42' }))).toMatch(
      /write checks/,
    );
    expect(gas.docProps.has(`billgrid.tenantCheck.${FIRST.id}`)).toBe(false);
  });
  it("shows each source's on/off switch in Connect (the PSA has none), kept with its keys", () => {
    sidebarApi.saveConnection(FIRST.id, FIRST.credentials);
    const enabledOf = (id: string) =>
      sidebarApi.getConnections().connections.find((c) => c.kind === id)?.enabled;
    expect(enabledOf(FIRST.id)).toBe(true);
    expect(
      sidebarApi
        .getConnections()
        .connections.filter((c) => c.role === 'psa')
        .map((c) => c.enabled),
    ).toEqual(
      sidebarApi
        .getConnections()
        .connections.filter((c) => c.role === 'psa')
        .map(() => null),
    );
    sidebarApi.setIntegrationEnabled(FIRST.id, false);
    expect(enabledOf(FIRST.id)).toBe(false);
    expect(enabledOf(SECOND.id)).toBe(true);
    expect(sidebarApi.getConnections().connections.find((c) => c.kind === FIRST.id)?.configured).toBe(true);
    sidebarApi.setIntegrationEnabled(FIRST.id, true);
    expect(enabledOf(FIRST.id)).toBe(true);
  });
});
