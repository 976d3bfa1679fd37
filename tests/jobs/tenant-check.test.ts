/**
 * The tenant check against every registered connector's sandbox: each declared probe runs through the
 * connector's own HTTP stack and is confirmed on the demo tenant; a rejected credential leaves every
 * assumption unchecked with a reason that carries no secret; write probes run only on a named test company.
 */
import { createGasEnvironment } from '../../local/gas/env';
import { createState } from '../../local/gas/state';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { demoCredentials, sandboxedConnectors } from '../../local/sandbox/registry';
import { urlMapFor } from '../../local/workbench/vendors';
import type { ConnectorProbe } from '../../src/connectors/descriptor';
import { runProbes, runTenantCheck } from '../../src/jobs/tenant-check';
import type { HttpDeps } from '../../src/platform/http';

type FetchRequest = GoogleAppsScript.URL_Fetch.URLFetchRequest;
type FetchResponse = GoogleAppsScript.URL_Fetch.HTTPResponse;

const connectors = sandboxedConnectors();

describe('tenant check against the sandboxes', () => {
  let sb: RunningSandboxes;
  let httpDeps: HttpDeps;
  let fetched: string[];

  beforeAll(async () => {
    sb = await startSandboxes(connectors.map((c) => ({ kind: c.id })));
    const env = createGasEnvironment(createState(), { urlMap: urlMapFor(sb.urls) });
    const { UrlFetchApp } = env.globals;
    httpDeps = {
      fetchAll: (reqs: FetchRequest[]) => {
        for (const r of reqs) fetched.push(`${(r.method ?? 'get').toUpperCase()} ${r.url}`);
        return UrlFetchApp.fetchAll(reqs) as unknown as FetchResponse[];
      },
      sleep: () => undefined,
      random: () => 0.5,
      now: () => Date.now(),
    };
  });
  afterAll(() => sb.stop());
  beforeEach(() => {
    fetched = [];
  });

  it('every existing connector declares at least one read-only probe', () => {
    expect(connectors.length).toBeGreaterThanOrEqual(4);
    for (const c of connectors) {
      expect(c.probes.length).toBeGreaterThan(0);
      expect(c.probes.filter((p) => !p.writes).length).toBeGreaterThan(0);
    }
  });

  it.each(connectors.map((c) => [c.id] as const))(
    '%s: every read-only probe is confirmed on the demo tenant, with reads only',
    (id) => {
      const creds = demoCredentials([id])[id];
      const check = runTenantCheck(id, creds, { httpDeps, now: () => new Date('2026-12-02T06:00:00Z') });
      expect(check.connector).toBe(id);
      expect(check.at).toBe('2026-12-02T06:00:00.000Z');
      const c = connectors.find((x) => x.id === id);
      expect(check.results.map((r) => r.id)).toEqual(c?.probes.map((p) => p.id));
      // Read-only probes are confirmed; write probes wait for a test company (tests/jobs/write-probes).
      for (const r of check.results)
        expect([r.id, r.status, r.detail]).toEqual([r.id, r.writes ? 'unchecked' : 'confirmed', r.detail]);
      expect(fetched.length).toBeGreaterThan(0);
      // Read-only: nothing but GETs, queries and token requests.
      const writes = fetched.filter(
        (f) =>
          !/^GET /.test(f) &&
          !/\/query(\/count|\/next)?(\?|$)/i.test(f) &&
          !/(token|oauth|security\/authenticate)/i.test(f),
      );
      expect(writes).toEqual([]);
      const secrets = Object.values(creds).filter((v) => v.length >= 4);
      for (const s of secrets) expect(JSON.stringify(check)).not.toContain(s);
    },
  );

  it.each(connectors.map((c) => [c.id] as const))(
    '%s: a rejected secret leaves every assumption unchecked, and the secret is in no message',
    (id) => {
      const c = connectors.find((x) => x.id === id);
      const creds = { ...demoCredentials([id])[id] };
      const wrong = 'wrong-Secret-0f9e8d7c';
      for (const f of c?.fields ?? [])
        if (f.exposure === 'secret' && creds[f.name] !== undefined) creds[f.name] = wrong;
      const check = runTenantCheck(id, creds, { httpDeps });
      expect(check.results.length).toBe(c?.probes.length);
      for (const r of check.results) {
        expect(r.status).toBe('unchecked');
        expect(r.detail.trim()).not.toBe('');
      }
      expect(JSON.stringify(check)).not.toContain(wrong);
    },
  );
});

describe('write probes', () => {
  const ran: string[] = [];
  const probes: ConnectorProbe<string>[] = [
    {
      id: 'read',
      assumption: 'reads',
      run: (t) => {
        ran.push(`read ${t}`);
        return { status: 'confirmed', detail: 'ok' };
      },
    },
    {
      id: 'write',
      assumption: 'writes',
      writes: 'Adds one line to the test company and removes it',
      run: (t, ctx) => {
        ran.push(`write ${t} on ${ctx.testCompanyId}`);
        return { status: 'differs', detail: `refused with key s3cr3t-value` };
      },
    },
    {
      id: 'crash',
      assumption: 'throws',
      run: () => {
        throw new Error('boom with s3cr3t-value inside');
      },
    },
  ];
  const http = { request: () => ({ status: 500, body: '', headers: {} }), requestAll: () => [] };

  beforeEach(() => {
    ran.length = 0;
  });

  it('run only when a test company is named, and say what they change', () => {
    const creds = { key: 's3cr3t-value' };
    const without = runProbes(probes, 'tenant', { credentials: creds, http }, creds);
    expect(ran).toEqual(['read tenant']);
    expect(without.map((r) => [r.id, r.status])).toEqual([
      ['read', 'confirmed'],
      ['write', 'unchecked'],
      ['crash', 'unchecked'],
    ]);
    expect(without[1].writes).toBe('Adds one line to the test company and removes it');

    const withCompany = runProbes(probes, 'tenant', { credentials: creds, http, testCompanyId: '42' }, creds);
    expect(ran).toEqual(['read tenant', 'read tenant', 'write tenant on 42']);
    expect(withCompany[1].status).toBe('differs');
    expect(withCompany[2].detail).toContain('boom');
    expect(JSON.stringify([without, withCompany])).not.toContain('s3cr3t-value');
  });
});
