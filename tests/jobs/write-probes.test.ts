/**
 * Write probes of the tenant check, for every registered connector that declares one, against its own
 * sandbox: listed but not run without a test company (nothing sent that changes anything); run on the
 * sandbox's test company, they write, read back, confirm the assumption, and leave nothing behind
 * (BillGrid's part of the tenant and every record count as before, by the connector's contract fixture).
 */
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { sandboxedConnectors, sandboxOf } from '../../local/sandbox/registry';
import { runTenantCheck } from '../../src/jobs/tenant-check';
import type { HttpDeps } from '../../src/platform/http';
import {
  contractFixtureOf,
  credentialsOf,
  hasContractFixture,
  leaked,
  sandboxHttp,
} from '../contract/support';

const declaring = sandboxedConnectors().filter((c) => c.probes.some((p) => p.writes));
// Nothing left behind is judged by the connector's contract fixture, so every connector with a write probe has one.
const withWrites = declaring.filter((c) => hasContractFixture(c.id));

it('every connector with a write probe has a contract fixture', () => {
  expect(declaring.filter((c) => !hasContractFixture(c.id)).map((c) => c.id)).toEqual([]);
});

it('at least one connector shows how a write probe is done', () => {
  expect(withWrites.length).toBeGreaterThan(0);
});

describe.each(withWrites.map((c) => [c.id, c] as const))('%s write probes', (id, descriptor) => {
  const { creds, secrets } = credentialsOf(descriptor);
  const fx = contractFixtureOf(id) as PsaContractFixture;
  const testCompanyId = sandboxOf(id).testCompanyId;
  const writeIds = descriptor.probes.filter((p) => p.writes).map((p) => p.id);
  let sb: RunningSandboxes;
  let httpDeps: HttpDeps;

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: id }]);
    httpDeps = sandboxHttp(sb.urls);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin(id).reset());

  it('without a test company: listed with what they would change, not run, nothing changed', async () => {
    const check = runTenantCheck(id, creds, { httpDeps });
    const writes = check.results.filter((r) => writeIds.includes(r.id));
    expect(writes.length).toBe(writeIds.length);
    for (const r of writes) {
      expect(r.status).toBe('unchecked');
      expect(r.writes?.trim()).toBeTruthy();
      expect(r.detail).toMatch(/test company/i);
    }
    expect((await sb.admin(id).requests()).filter((r) => fx.isMutation(r))).toEqual([]);
  });

  it('on the test company: each write probe is confirmed and leaves nothing behind', async () => {
    expect(testCompanyId).toBeTruthy();
    const before = await sb.admin(id).state();
    const check = runTenantCheck(id, creds, { httpDeps, testCompanyId });
    expect(check.testCompanyId).toBe(testCompanyId);
    for (const r of check.results) expect([r.id, r.status, r.detail]).toEqual([r.id, 'confirmed', r.detail]);
    const changes = (await sb.admin(id).requests()).filter((r) => fx.isMutation(r));
    // It really sent a change; whatever it created (a POST), it removed again, unless a probe says what
    // the vendor cannot remove (and the billed state below shows it bills nothing).
    expect(changes.some((r) => r.method !== 'DELETE')).toBe(true);
    const leaves = descriptor.probes.some((p) => p.writes && p.leaves);
    if (changes.some((r) => r.method === 'POST') && !leaves)
      expect(changes.some((r) => r.method === 'DELETE')).toBe(true);
    expect(fx.billed(await sb.admin(id).state())).toEqual(fx.billed(before));
    expect(leaked(JSON.stringify(check), secrets)).toEqual([]);
  });
});
