/** Shared set-up for bundle tests: the built bundle in the emulator against the demo sandboxes. */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../../local/gas';
import type { ExecutionResult } from '../../local/gas';
import type { SheetState } from '../../local/gas/state';
import { demoCredentials } from '../../local/demo/credentials';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { urlMapFor } from '../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');

export type Row = Record<string, unknown>;

export interface BundleHost {
  sb: RunningSandboxes;
  host: LocalHost;
  run(fn: string, args: unknown[], user?: string): ExecutionResult;
  call(fn: string, ...args: unknown[]): unknown;
  sheet(name: string): SheetState;
  /** A tab's rows as header → value (blank rows left out). */
  rows(name: string): Row[];
}

/** Connects Pax8, Twilio and the PSA with the demo credentials, clock in early November 2026. */
export async function startBundle(psa: 'autotask' | 'halo'): Promise<BundleHost> {
  const sb = await startSandboxes([{ kind: 'pax8' }, { kind: 'twilio' }, { kind: psa }]);
  const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
  const host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  setClock(host.state, Date.parse('2026-11-01T09:00:00Z'));
  const run = (fn: string, args: unknown[], user = 'owner@example.com') =>
    host.run(fn, args, { kind: 'sidebar', user });
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = run(fn, args);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const sheet = (name: string): SheetState => {
    const s = host.state.spreadsheets[0].sheets.find((x) => x.name === name);
    if (!s) throw new Error(`no tab ${name}`);
    return s;
  };
  const value = (c: { v?: unknown } | null | undefined): unknown => c?.v ?? '';
  const rows = (name: string): Row[] => {
    const [head, ...body] = sheet(name).rows.map((r) => (r ?? []).map(value));
    return body
      .filter((r) => r.some((v) => v !== ''))
      .map((r) => Object.fromEntries((head ?? []).map((h, i) => [String(h), r[i] ?? ''])));
  };
  const creds = demoCredentials();
  for (const kind of ['pax8', 'twilio', psa] as const) call('saveConnection', kind, creds[kind]);
  return { sb, host, run, call, sheet, rows };
}

export interface DefaultsView {
  settings: {
    global: { codes: Record<string, unknown> } & Record<string, unknown>;
    sources: Record<string, Record<string, unknown>>;
    clients: Record<string, Record<string, unknown>>;
  };
  codes: { itemCodes: { id: string }[] };
}

/** Auto-create products with a default item; HaloPSA bills each month on a new invoice. */
export function billableDefaults(
  b: BundleHost,
  psa: 'autotask' | 'halo',
  extra: Record<string, unknown> = {},
) {
  const d = b.call('getDefaults') as DefaultsView;
  b.call('saveDefaults', {
    ...d.settings,
    ...extra,
    global: {
      ...d.settings.global,
      productLifecycle: 'auto-create',
      ...(psa === 'halo' ? { invoiceBehaviour: 'new' } : {}),
      codes: { ...d.settings.global.codes, itemCode: d.codes.itemCodes[0].id },
    },
  });
}
