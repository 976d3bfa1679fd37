/**
 * The HaloPSA write probe of the tenant check (does an invoice line keep BillGrid's line key?) under each
 * behaviour the sandbox offers for it, and when its clean-up or its test client fails. Every request it
 * sends is one the HaloPSA spec describes.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { spec } from '../../../../local/sandbox/halo/contract';
import { sandbox } from '../../../../local/sandbox/halo';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { runTenantCheck } from '../../../../src/jobs/tenant-check';
import type { HttpDeps } from '../../../../src/platform/http';
import { OpenApiSpec } from '../../../support/openapi';
import { sandboxHttp } from '../../../contract/support';

describe('HaloPSA write probe: line key kept on invoice lines', () => {
  let sb: RunningSandboxes;
  let httpDeps: HttpDeps;
  const creds = sandbox.demoCredentials();
  const admin = () => sb.admin('halo');
  const probe = (testCompanyId = '101') =>
    runTenantCheck('halo', creds, { httpDeps, testCompanyId }).results.find(
      (r) => r.id === 'halo.line-key-kept',
    );
  const invoices = async () => (await admin().state<HaloState>()).invoices.length;

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
    httpDeps = sandboxHttp(sb.urls);
  });
  afterAll(() => sb.stop());
  beforeEach(() => admin().reset());

  const variant = async (lineKey: HaloState['variant']['lineKey']) => {
    const s = await admin().state<HaloState>();
    await admin().setState({ ...s, variant: { ...s.variant, lineKey } });
  };

  it('kept: confirmed, the invoice removed, and every request as the spec describes', async () => {
    const before = await invoices();
    expect(probe()).toMatchObject({ status: 'confirmed', writes: expect.stringMatching(/deletes it/) });
    expect(await invoices()).toBe(before);
    const checker = new OpenApiSpec(spec);
    const log = await admin().requests();
    expect(log.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'DELETE']));
    // Except one on purpose: the invoice-filters probe sends a date in invoicedatestart, which the spec
    // types as bool, to learn what the tenant does with it (BillGrid itself never sends it).
    const probing = (r: { path: string; query: string }) =>
      /^\/api\/invoice$/i.test(r.path) && new URLSearchParams(r.query).has('invoicedatestart');
    expect(log.filter(probing)).toHaveLength(1);
    expect(log.filter((r) => !probing(r)).flatMap((r) => checker.check(r).errors)).toEqual([]);
  });

  it('left out of the invoice list: differs, says so, removed', async () => {
    await variant('dropped-on-list');
    const before = await invoices();
    expect(probe()).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/invoice list leaves it out/),
    });
    expect(await invoices()).toBe(before);
  });

  it('not kept at all: differs, says BillGrid must go by the ids it recorded, removed', async () => {
    await variant('dropped');
    const before = await invoices();
    expect(probe()).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/did not keep the line key/),
    });
    expect(await invoices()).toBe(before);
  });

  it('a delete HaloPSA refuses: unchecked, naming the invoice left behind', async () => {
    await admin().faults([{ match: { method: 'DELETE' }, status: 500, times: 10 }]);
    const r = probe();
    expect(r).toMatchObject({
      status: 'unchecked',
      detail: expect.stringMatching(/could not be removed: delete it in HaloPSA/),
    });
    await admin().clearFaults();
  });

  it('a test client HaloPSA does not have: unchecked, nothing written', async () => {
    expect(probe('999999')).toMatchObject({
      status: 'unchecked',
      detail: expect.stringMatching(/Test client 999999/),
    });
    expect(
      (await admin().requests()).filter((r) => r.method !== 'GET' && r.path.startsWith('/api/')),
    ).toEqual([]);
  });
});
