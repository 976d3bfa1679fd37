/**
 * A ConnectWise month through the BUILT bundle (dist/Code.js) in the emulator, against the demo sandboxes
 * (every source, and ConnectWise as the only PSA): connect, refresh clients, defaults (auto-create), pull,
 * approve, push, push again. Each call is its own execution with only Apps Script globals, as on Google.
 * Needs `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, type ExecutionResult } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/demo/credentials';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { sandboxedConnectors } from '../../../../local/sandbox/registry';
import { urlMapFor } from '../../../../local/workbench/vendors';
import type { CwState } from '../../../../local/sandbox/connectwise/fixture';
import { isMutation } from './support';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');
const SOURCES = sandboxedConnectors('source').map((c) => c.id);
const PSA = 'connectwise';

describe('a billing month through the built bundle (every source → ConnectWise PSA)', () => {
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };

  beforeAll(async () => {
    sb = await startSandboxes([...SOURCES, PSA].map((kind) => ({ kind })));
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  });
  afterAll(() => sb.stop());

  it('pushes exactly the approved difference, and a second push plans and sends nothing', async () => {
    const creds = demoCredentials();
    for (const kind of [...SOURCES, PSA]) call('saveConnection', kind, creds[kind]);
    const tested = call('testConnection', PSA) as { ok: boolean; message: string };
    expect(tested).toMatchObject({ ok: true });

    const refreshed = call('refreshClients') as {
      matched: number;
      customers: number;
      contractsLinked: number;
    };
    expect(refreshed.matched).toBeGreaterThan(25);
    expect(refreshed.contractsLinked).toBeGreaterThan(20);

    const defaults = call('getDefaults') as {
      settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
      codes: { itemCodes: { id: string; name: string }[] };
    };
    expect(defaults.codes.itemCodes.length).toBeGreaterThan(0);
    call('saveDefaults', {
      ...defaults.settings,
      global: {
        ...defaults.settings.global,
        productLifecycle: 'auto-create',
        // New catalog items copy this item's subcategory and type.
        codes: { ...defaults.settings.global.codes, itemCode: defaults.codes.itemCodes[0].id },
      },
    });

    const pulled = call('pullBillingMonth', DEMO_MONTH) as { lines: number };
    expect(pulled.lines).toBeGreaterThan(150);
    const review = call('reviewBillingMonth', DEMO_MONTH) as { byAction: Record<string, number> };
    const toPush = ['create', 'set-quantity', 'add-charge', 'update-charge'];
    expect(toPush.reduce((n, a) => n + (review.byAction[a] ?? 0), 0)).toBeGreaterThan(10);
    expect(
      (call('approveRows', DEMO_MONTH, { approve: true }) as { changed: number }).changed,
    ).toBeGreaterThan(10);

    const dry = call('dryRunPush', DEMO_MONTH) as { steps: unknown[] };
    await sb.admin(PSA).clearRequests();
    const pushed = call('pushBillingMonth', DEMO_MONTH) as {
      applied: number;
      failed: number;
      finished: boolean;
    };
    const failures = JSON.stringify(host.state.spreadsheets[0].sheets).match(/Failed: [^"]*/g) ?? [];
    expect([...new Set(failures)].slice(0, 5)).toEqual([]);
    expect(pushed).toMatchObject({ finished: true, failed: 0 });
    expect(pushed.applied).toBe(dry.steps.length);
    const first = (await sb.admin(PSA).requests()).filter(isMutation);
    expect(first.length).toBeGreaterThanOrEqual(pushed.applied);
    console.log(
      `ConnectWise month ${DEMO_MONTH}: ${pulled.lines} lines, actions ${JSON.stringify(review.byAction)}, ` +
        `${pushed.applied} applied with ${first.length} mutating requests`,
    );
    // Usage lines became additions billed once, carrying their line key.
    const s = await sb.admin(PSA).state<CwState>();
    expect(
      s.additions.filter((a) => /\(BG-[0-9a-f]{16}\)$/.test(String(a.invoiceDescription))).length,
    ).toBeGreaterThan(0);

    await sb.admin(PSA).clearRequests();
    const again = call('pushBillingMonth', DEMO_MONTH) as { applied: number; steps: number };
    expect(again).toMatchObject({ applied: 0, steps: 0 });
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);

    const everything = JSON.stringify(host.state.spreadsheets[0].sheets);
    for (const v of [creds[PSA].privateKey, creds[PSA].clientId]) expect(everything).not.toContain(v);
  });
});
