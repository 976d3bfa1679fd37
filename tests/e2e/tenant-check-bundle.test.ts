/**
 * The tenant check through the BUILT bundle (dist/Code.js) in the emulator, against every sandbox: saved
 * credentials, "Check this connection", and the stored result shown by getConnections in a later execution.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../local/gas';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { demoCredentials, sandboxOf, sandboxedConnectors } from '../../local/sandbox/registry';
import { urlMapFor } from '../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');
const connectors = sandboxedConnectors();

describe('tenant check through the built bundle', () => {
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };

  beforeAll(async () => {
    sb = await startSandboxes(connectors.map((c) => ({ kind: c.id })));
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  });
  afterAll(() => sb.stop());

  it.each(connectors.map((c) => [c.id] as const))('%s: every assumption confirmed, stored, shown', (id) => {
    const creds = demoCredentials([id])[id];
    call('saveConnection', id, creds);
    // On the sandbox's test company, where the connector has write probes: they run (and clean up) too.
    const testCompanyId = sandboxOf(id).testCompanyId;
    const check = call('checkConnection', id, testCompanyId ? { testCompanyId } : {}) as {
      at: string;
      results: { id: string; status: string; detail: string; writes?: string }[];
    };
    expect(check.results.length).toBeGreaterThan(0);
    // Every read-only probe is confirmed; a write probe runs (and is confirmed) only on a named test company.
    for (const r of check.results)
      expect([r.id, r.status, r.detail]).toEqual([
        r.id,
        r.writes && !testCompanyId ? 'unchecked' : 'confirmed',
        r.detail,
      ]);
    const view = call('getConnections') as { connections: { kind: string; lastCheck: unknown }[] };
    expect(view.connections.find((c) => c.kind === id)?.lastCheck).toEqual(check);
    // Secret fields never come back (public ones are shown by design).
    const secret = connectors.find((c) => c.id === id)?.fields.filter((f) => f.exposure === 'secret') ?? [];
    expect(secret.length).toBeGreaterThan(0);
    for (const f of secret)
      if (creds[f.name] !== undefined) expect(JSON.stringify(view)).not.toContain(creds[f.name]);
  });
});
