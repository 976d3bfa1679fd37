/**
 * Product mode "reconcile by hand" through the BUILT bundle (seeds 000/001): while any approved line's product
 * is unmapped, the push refuses as a whole — not even the mapped lines go — and lists the products to map; once
 * every one is mapped by hand, the same push goes through. Scheduled runs honour per-integration overrides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../../../../local/gas';
import type { ExecutionResult } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/demo/credentials';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { urlMapFor } from '../../../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');

const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' && !/\/query(\/count)?$/i.test(r.path) && !/\/(oauth\/|auth\/)token$/i.test(r.path);

interface Gate {
  message: string;
  productsToMap: { source: string; sku: string; lines: number }[];
}

describe('manual product mode through the built bundle', () => {
  const psa = 'autotask' as const;
  let sb: RunningSandboxes;
  let host: LocalHost;

  const call = (fn: string, ...args: unknown[]): unknown => {
    const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const mutations = async () => (await sb.admin(psa).requests()).filter(isMutation);
  const statuses = (): string[] => {
    const tab = host.state.spreadsheets[0].sheets.find((s) => s.name === `Billing ${DEMO_MONTH}`);
    return JSON.stringify(tab).match(/not pushed: [^"]*|Product '[^']*' is not mapped[^"]*/g) ?? [];
  };

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'pax8' }, { kind: 'twilio' }, { kind: psa }]);
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    const creds = demoCredentials();
    for (const kind of ['pax8', 'twilio', psa] as const) call('saveConnection', kind, creds[kind]);
    call('refreshClients');
  });
  afterAll(() => sb.stop());

  it('refuses the whole push while an approved line awaits its product, then pushes once all are mapped', async () => {
    const d = call('getDefaults') as { settings: { global: Record<string, unknown> } };
    call('saveDefaults', { ...d.settings, global: { ...d.settings.global, productLifecycle: 'manual' } });
    call('pullBillingMonth', DEMO_MONTH);
    const view = call('listProductMappings', DEMO_MONTH) as {
      rows: { source: string; sku: string; productId: string | null }[];
      products: { id: string }[];
    };
    // Map every product but one by hand: the lines of mapped products alone could be pushed.
    const [held, ...rest] = view.rows.filter((r) => r.productId === null);
    expect(rest.length).toBeGreaterThan(3);
    for (const [i, r] of rest.entries()) {
      call('assignProduct', {
        source: r.source,
        sku: r.sku,
        productId: view.products[i % view.products.length].id,
      });
    }
    const approved = call('approveRows', DEMO_MONTH, { approve: true }) as { changed: number };
    expect(approved.changed).toBeGreaterThan(10);

    const dry = call('dryRunPush', DEMO_MONTH) as { total: number; refused?: Gate };
    expect(dry.total).toBe(0);
    expect(dry.refused?.productsToMap.map((p) => p.sku)).toEqual([held.sku]);
    expect(dry.refused?.message).toMatch(/reconcile by hand/);

    await sb.admin(psa).clearRequests();
    const refused = call('pushBillingMonth', DEMO_MONTH) as { applied: number; refused?: Gate };
    expect(refused.applied).toBe(0);
    expect(refused.refused?.productsToMap).toEqual([
      expect.objectContaining({ source: held.source, sku: held.sku }),
    ]);
    expect(await mutations()).toEqual([]);
    // Every approved row says why it was not pushed: its own product, or another's.
    const said = statuses();
    expect(said.some((m) => m.startsWith(`Product '${held.sku}' is not mapped`))).toBe(true);
    expect(said.filter((m) => m.startsWith('not pushed: 1 product(s)')).length).toBeGreaterThan(5);
    const last = call('getSchedule') as { lastRun: { outcome: string; message: string } };
    expect(last.lastRun).toMatchObject({ outcome: 'refused' });

    // Map the last one: the same push now goes through, and converges.
    call('assignProduct', { source: held.source, sku: held.sku, productId: view.products[0].id });
    const pushed = call('pushBillingMonth', DEMO_MONTH) as {
      applied: number;
      failed: number;
      refused?: Gate;
    };
    expect(pushed.refused).toBeUndefined();
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(10);
    await sb.admin(psa).clearRequests();
    const again = call('pushBillingMonth', DEMO_MONTH) as { steps: number };
    expect(again.steps).toBe(0);
    expect(await mutations()).toEqual([]);
  });

  it('refuses scheduled runs in manual mode unless every connected integration is overridden', () => {
    const d = call('getDefaults') as {
      settings: { global: Record<string, unknown>; sources: Record<string, unknown> };
    };
    const manual = { ...d.settings, global: { ...d.settings.global, productLifecycle: 'manual' } };
    call('saveDefaults', { ...manual, sources: { pax8: { productLifecycle: 'auto-create' } } });
    // The emulator's clock before the run this test fires, whatever the real date is.
    setClock(host.state, Date.parse('2026-11-20T09:00:00Z'));
    // No nightly sync is offered where the PSA has no nightly hour of its own.
    expect((call('getSchedule') as { suggested: { nightlyHour: number | null } }).suggested.nightlyHour).toBe(
      null,
    );
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: null });
    host.fireDueTriggers(Date.parse('2026-12-02T11:59:00Z'));
    type Last = { lastRun: { outcome: string; message: string } };
    let s = call('getSchedule') as Last;
    // Twilio still follows the global manual mode.
    expect(s.lastRun).toMatchObject({ outcome: 'refused' });
    expect(s.lastRun.message).toMatch(/integration twilio/);
    expect(s.lastRun.message).not.toMatch(/integration pax8/);

    call('saveDefaults', {
      ...manual,
      sources: { pax8: { productLifecycle: 'auto-create' }, twilio: { productLifecycle: 'default-item' } },
      clients: { 'some-company': { productLifecycle: 'manual' } },
    });
    host.fireDueTriggers(Date.parse('2027-01-02T11:59:00Z'));
    s = call('getSchedule') as Last;
    // A client's own manual setting still stops automatic runs.
    expect(s.lastRun).toMatchObject({ outcome: 'refused' });
    expect(s.lastRun.message).toMatch(/1 client\(s\)/);
    call('stopSchedule');
  });
});
