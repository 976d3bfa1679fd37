/**
 * A billing month through the BUILT bundle (dist/Code.js) in the emulator for the sources' own month
 * tests: the named sources and one PSA, each from its demo sandbox, through the sidebar's server
 * functions (connect, refresh clients, defaults, pull, approve, push). Names no connector: the tests
 * that use it say which.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/sandbox/registry';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { urlMapFor } from '../../../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');

/** A request that changes the PSA (queries and token requests are reads). */
export const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' &&
  !/\/query(\/count|\/next)?$/i.test(r.path) &&
  !/\/(oauth\/|auth\/)token$/i.test(r.path);

export interface PushView {
  applied: number;
  failed: number;
  finished: boolean;
  steps: number;
}

export interface BundleMonth {
  sb: RunningSandboxes;
  host: LocalHost;
  /** A sidebar server function as the owner; throws with the function's message when it fails. */
  call(fn: string, ...args: unknown[]): unknown;
  /** Connect every sandbox, refresh clients, save defaults (auto-create products, the first item code). */
  connect(global?: Record<string, unknown>): void;
  /** Pull, approve every row, push: what the push did. */
  pullApprovePush(month: string): { pulled: { lines: number; problems: string[] }; pushed: PushView };
  /** The PSA's requests since the last clear that change something. */
  psaMutations(): Promise<Array<{ method: string; path: string }>>;
  /** The month tab's stored values, row by row (header first). */
  grid(month: string): unknown[][];
  stop(): Promise<void>;
}

export async function bundleMonth(sources: readonly string[], psa: string): Promise<BundleMonth> {
  const sb = await startSandboxes([...sources, psa].map((kind) => ({ kind })));
  const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
  const host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  return {
    sb,
    host,
    call,
    connect(global = {}) {
      const creds = demoCredentials([...sources, psa]);
      for (const id of [...sources, psa]) call('saveConnection', id, creds[id]);
      const tested = call('testConnection', psa) as { ok: boolean; message: string };
      if (!tested.ok) throw new Error(`Test connection failed: ${tested.message}`);
      call('refreshClients');
      const d = call('getDefaults') as {
        settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
        codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
      };
      call('saveDefaults', {
        ...d.settings,
        global: {
          ...d.settings.global,
          productLifecycle: 'auto-create',
          codes: {
            ...d.settings.global.codes,
            itemCode: d.codes.itemCodes[0]?.id ?? null,
            serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
          },
          ...global,
        },
      });
    },
    pullApprovePush(month) {
      const pulled = call('pullBillingMonth', month) as { lines: number; problems: string[] };
      call('approveRows', month, { approve: true });
      const pushed = call('pushBillingMonth', month) as PushView;
      return { pulled, pushed };
    },
    async psaMutations() {
      return (await sb.admin(psa).requests()).filter(isMutation);
    },
    grid(month) {
      const sheet = host.state.spreadsheets[0].sheets.find((s) => s.name === `Billing ${month}`);
      return (sheet?.rows ?? []).map((r) =>
        (r ?? []).map((c) => (c?.v && typeof c.v === 'object' ? new Date(c.v.d) : (c?.v ?? ''))),
      );
    },
    stop: () => sb.stop(),
  };
}
