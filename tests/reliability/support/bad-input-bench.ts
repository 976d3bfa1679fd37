/**
 * The bench the bad-input corpus runs on: the demo month pulled through the built bundle, with a mangling
 * proxy in front of every vendor, three approved rows (a charge row and a seat-count row of two clients
 * — the "victims" a case spoils — and a good row of a third client), and helpers to spoil cells, tabs,
 * vendor records and PSA answers, then check what the person sees and what reached the PSA.
 */
import path from 'node:path';
import { serializeState, startInWorker } from '../../../local/gas';
import type { ExecutionResult, WorkerHandle } from '../../../local/gas';
import type { LoggedRequest } from '../../../local/sandbox/framework';
import { psaConnector } from '../../../src/connectors/registry';
import { DEMO_SOURCES } from '../../e2e/bundle-host';
import { mangle, type MangleRule } from './mangler';
import {
  MONTH,
  TAB,
  gridRows,
  idOf,
  prepareMonth,
  type GridRow,
  type PreparedMonth,
  type PsaKind,
} from './month';

export type Victim = 'charge' | 'quantity';

/**
 * The sources the bench pulls: the demo month's two original integrations (one bills subscriptions, the
 * other usage). Each has bad-input hooks (tests/connectors/sources/<id>/bad-input-hooks.ts).
 */
export const BENCH_SOURCES: readonly string[] = DEMO_SOURCES;

export interface Bench {
  m: PreparedMonth;
  psa: PsaKind;
  /** Approved rows: the victims and the good row (rowNumber, key, client, contract/company as pulled). */
  rows: Record<Victim | 'good', GridRow>;
  /** Spreadsheet with the three rows approved; sandboxes' states before any case. */
  base: string;
  vendorStates: Record<string, unknown>;
  proxies: Record<string, string>;
  reset(): Promise<void>;
  set(row: number, header: string, value: unknown, tab?: string): void;
  column(header: string, tab?: string): number;
  spoil(kind: string, rules: MangleRule[]): Promise<void>;
  push(): ExecutionResult;
  pull(): ExecutionResult;
  /** Change requests the PSA sandbox received since the case began. */
  mutations(): Promise<LoggedRequest[]>;
  stop(): Promise<void>;
}

const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' && !/\/query(\/count|\/next)?$/i.test(r.path) && !/(oauth|auth)\/token$/i.test(r.path);

export async function startBench(psa: PsaKind): Promise<Bench> {
  let mangler: WorkerHandle<{ urls: Record<string, string> }> | null = null;
  const m = await prepareMonth(psa, {
    // The cases spoil these sources' demo lines and check their clients' contracts stay untouched.
    sources: BENCH_SOURCES,
    route: async (urls) => {
      mangler = await startInWorker<{ urls: Record<string, string> }>(
        path.join(__dirname, 'mangler.ts'),
        'startMangler',
        [urls],
      );
      return mangler.value.urls;
    },
  });
  const proxies = (mangler as unknown as WorkerHandle<{ urls: Record<string, string> }>).value.urls;
  const vendors = [...BENCH_SOURCES, psa];
  const vendorStates: Record<string, unknown> = {};
  for (const v of vendors) vendorStates[v] = await m.sb.admin(v).state();

  const all = gridRows(m.runtime.state);
  const client = (r: GridRow) => String(r.Customer || r['Customer id']);
  const target = (r: GridRow) => `${idOf(r['PSA contract'])}/${idOf(r['PSA service/item'])}`;
  // Picked by what the PSA can do, not by its name: a new charge on a contract or an invoice; a seat count
  // (a quantity target alone on its contract service, or a recurring invoice line where there are none).
  const seats = psaConnector(psa).capabilities.quantityTargets;
  const charge = all.find((r) => /^(Add charge|Append invoice line)/.test(String(r.Action)));
  if (!charge) throw new Error('no charge row to spoil');
  const quantity =
    all.find(
      (r) =>
        client(r) !== client(charge) &&
        (seats
          ? /^Set quantity/.test(String(r.Action)) && all.filter((x) => target(x) === target(r)).length === 1
          : /^Append invoice line/.test(String(r.Action)) && String(r['Charge type']) === 'recurring'),
    ) ?? null;
  if (!quantity) throw new Error('no seat-count row to spoil');
  const good = all.find(
    (r) =>
      client(r) !== client(charge) &&
      client(r) !== client(quantity) &&
      /^(Add charge|Append invoice line)/.test(String(r.Action)),
  );
  if (!good) throw new Error('no good row');

  const column = (header: string, tab = TAB): number => {
    const sheet = m.runtime.state.spreadsheets[0].sheets.find((s) => s.name === tab);
    const row = sheet?.rows[0] ?? [];
    const i = row.findIndex((c) => String(c?.v ?? '') === header);
    if (i < 0) throw new Error(`no column '${header}' in ${tab}`);
    return i + 1;
  };
  const set = (row: number, header: string, value: unknown, tab = TAB): void =>
    m.edit((g) => {
      const sheet = g.SpreadsheetApp.getActive().getSheetByName(tab);
      if (!sheet) throw new Error(`no tab ${tab}`);
      sheet.getRange(row, column(header, tab)).setValue(value);
    });
  m.restoreSheet(m.pulled);
  for (const r of [charge, quantity, good]) set(r.rowNumber, 'Approved', true);
  const base = serializeState(m.runtime.state);

  return {
    m,
    psa,
    rows: { charge, quantity, good },
    base,
    vendorStates,
    proxies,
    async reset() {
      m.restoreSheet(base);
      for (const v of vendors) {
        await m.sb.admin(v).setState(vendorStates[v]);
        await m.sb.admin(v).clearFaults();
        await m.sb.admin(v).clearRequests();
        await mangle(proxies[v], []);
      }
    },
    set,
    column,
    spoil: (kind, rules) => mangle(proxies[kind], rules),
    push: () => m.run('pushBillingMonth', [MONTH]),
    pull: () => m.run('pullBillingMonth', [MONTH]),
    mutations: async () => (await m.sb.admin(psa).requests()).filter(isMutation),
    async stop() {
      await mangler?.stop();
      await m.stop();
    },
  };
}
