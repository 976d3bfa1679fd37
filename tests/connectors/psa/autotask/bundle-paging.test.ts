/**
 * F1 through the BUILT bundle (dist/Code.js, run `npm run build` first): a tenant with 501 companies, one over
 * Autotask's page of 500, refreshes with every company seen. The second page is the same query body POSTed to
 * the page link; the sandbox answers GET there with 405, as Autotask does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/demo/credentials';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { demoFixture } from '../../../../local/sandbox/autotask/fixture';
import { urlMapFor } from '../../../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');

describe('a 501-company Autotask tenant through the built bundle', () => {
  let sb: RunningSandboxes;
  let host: LocalHost;
  const tenant = demoFixture();
  const extra = 501 - tenant.entities.Companies.length;
  for (let i = 0; i < extra; i++)
    tenant.entities.Companies.push({ id: 40_000 + i, companyName: `Paged Client ${i}`, isActive: true });
  const active = tenant.entities.Companies.filter((c) => c.isActive !== false);

  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'pax8' }, { kind: 'twilio' }, { kind: 'autotask', fixture: tenant }]);
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  });
  afterAll(() => sb.stop());

  it('refreshes clients with all 501 companies seen, paging by POST', async () => {
    expect(tenant.entities.Companies).toHaveLength(501);
    const creds = demoCredentials();
    for (const kind of ['pax8', 'twilio', 'autotask'] as const) call('saveConnection', kind, creds[kind]);
    await sb.admin('autotask').clearRequests();
    call('refreshClients');
    const companies = call('listCompanies') as Array<{ id: string; name: string }>;
    expect(companies).toHaveLength(active.length);
    expect(new Set(companies.map((c) => c.id))).toEqual(new Set(active.map((c) => String(c.id))));
    const pages = (await sb.admin('autotask').requests()).filter((r) => /\/Companies\/query/i.test(r.path));
    expect(pages.map((r) => `${r.method} ${r.path.replace(/^.*\/Companies/i, 'Companies')}`)).toEqual([
      'POST Companies/query',
      'POST Companies/query/next',
    ]);
  });
});
