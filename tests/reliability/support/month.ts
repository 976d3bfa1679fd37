/**
 * A billing month prepared once through the BUILT bundle in the emulator (connect, refresh clients,
 * defaults, pull), against the demo sandboxes, so each fault schedule or bad-input case starts from a
 * snapshot instead of pulling again.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  GasRuntime,
  LocalHost,
  createGasEnvironment,
  deserializeState,
  serializeState,
} from '../../../local/gas';
import type { ExecutionOptions, ExecutionResult, GasGlobals } from '../../../local/gas';
import { demoCredentials } from '../../../local/demo/credentials';
import { DEMO_MONTH } from '../../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../../local/sandbox/framework';
import { urlMapFor } from '../../../local/workbench/vendors';
import { sandboxedConnectors } from '../../../local/sandbox/registry';
import { psaConnector } from '../../../src/connectors/registry';

/** A registered PSA connector's id (one with a sandbox). */
export type PsaKind = string;
/** Every source with a sandbox: the month is pulled from all of them. */
const SOURCE_IDS = sandboxedConnectors('source').map((c) => c.id);
export const MONTH = DEMO_MONTH;
export const TAB = `Billing ${MONTH}`;
export const OWNER = 'owner@example.com';

export const bundleCode = (): string =>
  fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'dist', 'Code.js'), 'utf8');

export interface ReviewClient {
  client: string;
  actions: Record<string, number>;
}

export interface PreparedMonth {
  psa: PsaKind;
  sb: RunningSandboxes;
  runtime: GasRuntime;
  host: LocalHost;
  /** The spreadsheet right after the pull (serialised emulator state). */
  pulled: string;
  /** The PSA sandbox's state before anything was pushed. */
  psaInitial: unknown;
  /** Clients with something to push, in Review order. */
  pushable: string[];
  run(fn: string, args?: unknown[], options?: ExecutionOptions): ExecutionResult;
  /** Run as the owner from the sidebar; throws with the bundle's message when it fails. */
  call(fn: string, ...args: unknown[]): unknown;
  restoreSheet(json: string): void;
  /** One execution's worth of Apps Script services over the current state (a person editing). */
  edit(fn: (g: GasGlobals) => void): void;
  stop(): Promise<void>;
}

export interface PrepareOptions {
  /** Vendor base URLs to use instead of the sandboxes' own (e.g. a mangling proxy in front of them). */
  route?: (urls: Record<string, string>) => Promise<Record<string, string>> | Record<string, string>;
  httpTimeoutMs?: number;
  /**
   * The sources to pull (default: every source with a sandbox). A suite whose oracle was written for a
   * given set of demo lines names that set, so a newly registered source does not move its rows.
   */
  sources?: readonly string[];
}

export async function prepareMonth(psa: PsaKind, options: PrepareOptions = {}): Promise<PreparedMonth> {
  const sources = options.sources ?? SOURCE_IDS;
  const sb = await startSandboxes([...sources, psa].map((kind) => ({ kind })));
  const urls = options.route ? await options.route(sb.urls) : sb.urls;
  const runtime = GasRuntime.create(
    { owner: OWNER },
    { urlMap: urlMapFor(urls), ...(options.httpTimeoutMs ? { httpTimeoutMs: options.httpTimeoutMs } : {}) },
  );
  const host = new LocalHost(runtime, bundleCode(), { check: false });
  const run = (fn: string, args: unknown[] = [], opts: ExecutionOptions = {}): ExecutionResult =>
    host.run(fn, args, { kind: 'sidebar', user: OWNER, ...opts });
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r = run(fn, args);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const creds = demoCredentials();
  for (const kind of [...sources, psa]) call('saveConnection', kind, creds[kind]);
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
      // A PSA whose products carry their own codes (no item codes to pick) gets none.
      codes: {
        ...d.settings.global.codes,
        itemCode: d.codes.itemCodes[0]?.id ?? null,
        serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
      },
      // Not every demo client has an invoice in a PSA that bills on invoices: a new invoice each.
      ...(psaConnector(psa).capabilities.chargeContainer === 'invoice' ? { invoiceBehaviour: 'new' } : {}),
    },
  });
  call('pullBillingMonth', MONTH);
  const review = call('reviewBillingMonth', MONTH) as { byClient: ReviewClient[] };
  const pushable = review.byClient
    .filter((c) => Object.keys(c.actions).some((a) => a !== 'blocked' && a !== 'none'))
    .map((c) => c.client);
  return {
    psa,
    sb,
    runtime,
    host,
    pulled: serializeState(runtime.state),
    psaInitial: await sb.admin(psa).state(),
    pushable,
    run,
    call,
    restoreSheet: (json) => {
      runtime.state = deserializeState(json);
    },
    edit: (fn) => {
      const env = createGasEnvironment(runtime, { user: OWNER });
      try {
        fn(env.globals);
      } finally {
        env.end();
      }
    },
    stop: () => sb.stop(),
  };
}

/** A grid row as the emulator holds it, by header name. */
export type GridRow = Record<string, unknown> & { rowNumber: number };

/** The month tab's rows by header (values as stored; formulas as their text). */
export function gridRows(state: GasRuntime['state'], tab = TAB): GridRow[] {
  const sheet = state.spreadsheets[0].sheets.find((s) => s.name === tab);
  if (!sheet) return [];
  const cell = (c: { v?: unknown; f?: string } | null | undefined): unknown =>
    c == null ? '' : c.f !== undefined ? c.f : (c.v ?? '');
  const header = (sheet.rows[0] ?? []).map((c) => String(cell(c)));
  return sheet.rows.slice(1).map((r, i) => {
    const o: GridRow = { rowNumber: i + 2 };
    header.forEach((h, k) => (o[h] = cell(r?.[k])));
    return o;
  });
}

/** The PSA id in a dropdown label such as "Acme Dental Group [101]". */
export const idOf = (label: unknown): string => /\[([^\]]+)\]\s*$/.exec(String(label))?.[1] ?? '';
