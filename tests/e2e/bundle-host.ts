/**
 * Shared set-up for bundle tests: the built bundle in the emulator against the demo sandboxes. Connectors
 * are picked through the registries (never by name), so a test says what it needs of a PSA or a source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../../local/gas';
import type { ExecutionResult, GasOptions } from '../../local/gas';
import type { SheetState } from '../../local/gas/state';
import { demoCredentials } from '../../local/demo/credentials';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { sandboxedConnectors } from '../../local/sandbox/registry';
import { urlMapFor } from '../../local/workbench/vendors';
import type { PsaDescriptor } from '../../src/connectors/descriptor';
import { psaConnector } from '../../src/connectors/registry';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');

export type Row = Record<string, unknown>;

/**
 * The demo month's two original integrations: the registry's first two sandboxed sources (one bills
 * subscriptions, the other usage). Every source in one month would also pull products BillGrid auto-creates
 * for the newer sources, which the tests here are not about.
 */
export const DEMO_SOURCES: readonly string[] = sandboxedConnectors('source')
  .slice(0, 2)
  .map((c) => c.id);

/** Sandboxed PSAs, in the registry's order, that satisfy `test` (e.g. on their capabilities). */
export function psasWhere(test: (psa: PsaDescriptor) => boolean = () => true): PsaDescriptor[] {
  return sandboxedConnectors('psa')
    .map((c) => psaConnector(c.id))
    .filter(test);
}

/** The first sandboxed PSA that satisfies `test`: a test that needs one PSA, not a particular one. */
export function firstPsaWhere(test: (psa: PsaDescriptor) => boolean = () => true): string {
  const psa = psasWhere(test)[0];
  if (!psa) throw new Error('no sandboxed PSA has what this test needs');
  return psa.id;
}

export interface BundleHost {
  sb: RunningSandboxes;
  host: LocalHost;
  psa: string;
  sources: readonly string[];
  run(fn: string, args: unknown[], user?: string): ExecutionResult;
  call(fn: string, ...args: unknown[]): unknown;
  sheet(name: string): SheetState;
  /** A tab's rows as header → value (blank rows left out). */
  rows(name: string): Row[];
}

/** Connects the sources and the PSA with the demo credentials, clock in early November 2026. */
export async function startBundle(
  psa: string,
  sources: readonly string[] = DEMO_SOURCES,
  options: Omit<GasOptions, 'urlMap'> = {},
): Promise<BundleHost> {
  const kinds = [...sources, psa];
  const sb = await startSandboxes(kinds.map((kind) => ({ kind })));
  const runtime = GasRuntime.create(
    { owner: 'owner@example.com' },
    { ...options, urlMap: urlMapFor(sb.urls) },
  );
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
  const creds = demoCredentials(kinds);
  for (const kind of kinds) call('saveConnection', kind, creds[kind]);
  return { sb, host, psa, sources, run, call, sheet, rows };
}

export interface DefaultsView {
  settings: {
    global: { codes: Record<string, unknown> } & Record<string, unknown>;
    sources: Record<string, Record<string, unknown>>;
    clients: Record<string, Record<string, unknown>>;
  };
  codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
}

/** Auto-create products with a default item; a PSA that bills on invoices bills each month on a new one. */
export function billableDefaults(b: BundleHost, extra: Record<string, unknown> = {}) {
  const d = b.call('getDefaults') as DefaultsView;
  const onInvoices = psaConnector(b.psa).capabilities.chargeContainer === 'invoice';
  b.call('saveDefaults', {
    ...d.settings,
    ...extra,
    global: {
      ...d.settings.global,
      productLifecycle: 'auto-create',
      ...(onInvoices ? { invoiceBehaviour: 'new' } : {}),
      codes: {
        ...d.settings.global.codes,
        itemCode: d.codes.itemCodes[0].id,
        serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
      },
    },
  });
}
