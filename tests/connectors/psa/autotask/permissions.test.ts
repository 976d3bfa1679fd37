/**
 * Seed 003's least-privilege API user as tenant-check probes (permission-probes.ts), against the Autotask
 * sandbox: on the demo tenant each permission is confirmed (the update check only on a named test company,
 * sending nothing that changes anything); an API user whose security level lacks a right gets "differs"
 * naming the right; contract services without an internal cost say the cost right is likely missing. The
 * Connect view lists the permissions before any check.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { demoCredentials } from '../../../../local/sandbox/registry';
import type { AtState } from '../../../../local/sandbox/autotask/fixture';
import { descriptor } from '../../../../src/connectors/psa/autotask/descriptor';
import { autotaskPermissionProbes } from '../../../../src/connectors/psa/autotask/permission-probes';
import { runTenantCheck, type TenantCheck } from '../../../../src/jobs/tenant-check';
import type { HttpDeps } from '../../../../src/platform/http';
import { sandboxHttp } from '../../../contract/support';
import { isMutation } from './support';

const ids = autotaskPermissionProbes.map((p) => p.id);
const statusOf = (c: TenantCheck) =>
  Object.fromEntries(c.results.filter((r) => ids.includes(r.id)).map((r) => [r.id, r.status]));
const detailOf = (c: TenantCheck, id: string) => c.results.find((r) => r.id === id)?.detail ?? '';

describe('Autotask API-user permissions in the tenant check', () => {
  let sb: RunningSandboxes;
  let http: HttpDeps;
  const creds = demoCredentials(['autotask']).autotask;
  const check = (testCompanyId?: string) =>
    runTenantCheck('autotask', creds, { httpDeps: http, ...(testCompanyId ? { testCompanyId } : {}) });
  const withUser = async (change: (s: AtState) => void) => {
    const s = await sb.admin('autotask').state<AtState>();
    change(s);
    await sb.admin('autotask').setState(s);
  };

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'autotask' }]);
    http = sandboxHttp(sb.urls);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('autotask').reset());

  it('the descriptor declares them, each with the right it needs; seed 003’s areas are all named', () => {
    for (const p of autotaskPermissionProbes) expect(descriptor.probes).toContain(p);
    const rights = autotaskPermissionProbes.map((p) => p.permission ?? '').join('\n');
    for (const r of [/View companies/, /contracts/i, /services/i, /Internal Cost/, /auto-create/])
      expect(rights).toMatch(r);
  });

  it('the demo API user: every read right confirmed; the update right only on a test company, changing nothing', async () => {
    const first = check();
    expect(statusOf(first)).toEqual({
      'autotask.permission.companies': 'confirmed',
      'autotask.permission.contracts': 'confirmed',
      'autotask.permission.services': 'confirmed',
      'autotask.permission.internal-cost': 'confirmed',
      'autotask.permission.update': 'unchecked',
    });
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
    const named = check('101');
    expect(statusOf(named)['autotask.permission.update']).toBe('confirmed');
    // The permission probes change nothing (the price probe's 0-unit adjustment aside: price-probe.test.ts).
    const entities = async () => {
      const e = (await sb.admin('autotask').state<AtState>()).entities;
      return JSON.stringify({
        ...e,
        ContractServiceAdjustments: e.ContractServiceAdjustments.filter((a) => a.unitChange !== 0),
      });
    };
    const before = await entities();
    check('101');
    expect(await entities()).toBe(before);
  });

  it('a security level without a right: that probe differs and names what to grant', async () => {
    await withUser((s) => {
      s.credentials[0].noView = ['Companies', 'ContractServices'];
      s.credentials[0].noEdit = ['Services'];
    });
    const c = check('101');
    expect(statusOf(c)).toMatchObject({
      'autotask.permission.companies': 'differs',
      'autotask.permission.contracts': 'differs',
      'autotask.permission.services': 'confirmed',
      'autotask.permission.update': 'differs',
    });
    expect(detailOf(c, 'autotask.permission.companies')).toMatch(/may not read Companies/);
    expect(detailOf(c, 'autotask.permission.contracts')).toMatch(/may not read ContractServices/);
    expect(detailOf(c, 'autotask.permission.update')).toMatch(/may not change .*services \(products\)/);
  });

  it('contract services without an internal cost: the cost right is likely missing', async () => {
    await withUser((s) => {
      for (const cs of s.entities.ContractServices ?? []) cs.unitCost = null;
    });
    const c = check();
    expect(statusOf(c)['autotask.permission.internal-cost']).toBe('differs');
    expect(detailOf(c, 'autotask.permission.internal-cost')).toMatch(/Can View Internal Cost/);
  });
});
