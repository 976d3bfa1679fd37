/**
 * npm run bench — a large MSP's month through the BUILT bundle in the emulator against the sandboxes:
 * connect, refresh clients, defaults, pull, approve all, push (with continuations), push again.
 * For each step: Sheets calls and cells, HTTP requests (and the minimum the APIs allow where it can be
 * computed from the fixture), modelled Apps Script time (local/gas/LATENCY.md), Node CPU and memory.
 * Figures go to the console and to bench-results/latest.json.
 *
 *   npm run bench                      # ≈2,000 and ≈20,000 lines (1,000 clients)
 *   npm run bench -- --quick           # the 20,000-line month only
 *   npm run bench -- --huge            # also ≈100,000 lines (long: an hour or more)
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../gas';
import type { ExecutionResult, ExecutionStats } from '../gas';
import { demoCredentials } from '../demo/credentials';
import { startSandboxes } from '../sandbox/framework';
import { urlMapFor } from '../workbench/vendors';
import { bigMonth } from './big-msp';
import { naiveBaseline } from './naive';

const root = path.resolve(__dirname, '..', '..');
const MONTH = '2026-10';
const OWNER = 'owner@example.com';

interface StepRow {
  step: string;
  executions: number;
  sheetsCalls: number;
  cellsRead: number;
  cellsWritten: number;
  http: number;
  /** Requests by API, and how many of them changed something. */
  byApi: Record<string, number>;
  mutations: number;
  httpMinimum: number | null;
  modelledS: number;
  maxExecutionS: number;
  cpuMs: number;
}

function sheetsCalls(s: ExecutionStats): number {
  return Object.entries(s.calls)
    .filter(([k]) => k.startsWith('SpreadsheetApp'))
    .reduce((n, [, v]) => n + v, 0);
}

export async function runMonth(clients: number, subaccounts: number, rounds: number) {
  const fixture = bigMonth(clients, subaccounts, rounds);
  const sb = await startSandboxes([
    { kind: 'pax8', fixture: fixture.pax8 },
    { kind: 'twilio', fixture: fixture.twilio },
    { kind: 'autotask', fixture: fixture.autotask },
  ]);
  const runtime = GasRuntime.create({ owner: OWNER }, { urlMap: urlMapFor(sb.urls) });
  setClock(runtime.state, Date.parse('2026-11-02T14:00:00Z'));
  const host = new LocalHost(runtime, fs.readFileSync(path.join(root, 'dist', 'Code.js'), 'utf8'), {
    check: false,
  });
  const rows: StepRow[] = [];
  const step = async (label: string, fn: () => ExecutionResult[], minimum: number | null = null) => {
    for (const k of ['pax8', 'twilio', 'autotask']) await sb.admin(k).clearRequests();
    const cpu = process.cpuUsage();
    const t0 = Date.now();
    const results = fn();
    console.error(`  ${label}: ${results.length} execution(s) in ${Math.round((Date.now() - t0) / 1000)} s`);
    const used = process.cpuUsage(cpu);
    for (const r of results)
      if (!r.ok) throw new Error(`${label}: ${r.functionName} failed: ${r.error?.message}`);
    let http = 0;
    let mutations = 0;
    const byApi: Record<string, number> = {};
    for (const k of ['pax8', 'twilio', 'autotask']) {
      const log = await sb.admin(k).requests();
      byApi[k] = log.length;
      http += log.length;
      mutations += log.filter((q) => q.method !== 'GET' && !/query|token/i.test(q.path)).length;
    }
    rows.push({
      step: label,
      executions: results.length,
      sheetsCalls: results.reduce((n, r) => n + sheetsCalls(r.stats), 0),
      cellsRead: results.reduce((n, r) => n + r.stats.cellsRead, 0),
      cellsWritten: results.reduce((n, r) => n + r.stats.cellsWritten, 0),
      http,
      byApi,
      mutations,
      httpMinimum: minimum,
      modelledS: Math.round(results.reduce((n, r) => n + r.stats.modelledMs, 0) / 100) / 10,
      maxExecutionS: Math.round(Math.max(...results.map((r) => r.stats.modelledMs)) / 100) / 10,
      cpuMs: Math.round((used.user + used.system) / 1000),
    });
    return results;
  };
  const run = (fn: string, ...args: unknown[]) => host.run(fn, args, { kind: 'sidebar', user: OWNER });

  const creds = {
    ...demoCredentials(),
    pax8: { clientId: fixture.pax8.clients[0].clientId, clientSecret: fixture.pax8.clients[0].clientSecret },
    twilio: { accountSid: fixture.twilio.main.sid, authToken: fixture.twilio.main.authToken },
  };
  await step('connect', () =>
    (['pax8', 'twilio', 'autotask'] as const).map((k) => run('saveConnection', k, creds[k])),
  );
  await step('refresh clients', () => [run('refreshClients')]);
  const d = run('getDefaults').result as {
    settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
    codes: { itemCodes: { id: string }[] };
  };
  run('saveDefaults', {
    ...d.settings,
    global: {
      ...d.settings.global,
      productLifecycle: 'auto-create',
      codes: { ...d.settings.global.codes, itemCode: d.codes.itemCodes[0].id },
    },
  });
  const items = fixture.pax8.items.length;
  const pageMin = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  // The OAuth token was fetched at connect/refresh and is reused from the script cache.
  const pax8Min =
    pageMin(fixture.pax8.companies.length, 200) +
    pageMin(fixture.pax8.subscriptions.length, 200) +
    pageMin(fixture.pax8.invoices.length, 200) +
    fixture.pax8.invoices.reduce(
      (n, inv) => n + pageMin(fixture.pax8.items.filter((i) => i.invoiceId === inv.id).length, 200),
      0,
    );
  const twilioMin =
    pageMin(fixture.twilio.subaccounts.length + 1, 1000) + fixture.twilio.subaccounts.length + 1;
  const [pulled] = await step('pull month', () => [run('pullBillingMonth', MONTH)], null);
  const pullRow = rows[rows.length - 1];
  pullRow.httpMinimum = null;
  const lines = (pulled.result as { lines: number }).lines;
  await step('approve all', () => [run('approveRows', MONTH, { approve: true })]);
  const planned = (run('dryRunPush', MONTH).result as { steps: unknown[] }).steps.length;
  await step('push (+ continuations)', () => {
    const out = [run('pushBillingMonth', MONTH)];
    let clock = Date.parse('2026-11-02T14:00:00Z');
    for (let i = 0; i < 200 && runtime.state.triggers.some((t) => t.handler === 'continueJob'); i++) {
      clock += 61_000;
      out.push(...host.fireDueTriggers(clock));
    }
    return out;
  });
  const pushRow = rows[rows.length - 1];
  const again = await step('push again', () => [run('pushBillingMonth', MONTH)]);
  const againApplied = (again[0].result as { applied: number }).applied;
  const mutations = (await sb.admin('autotask').requests()).filter(
    (r) => r.method !== 'GET' && !/query/.test(r.path),
  ).length;
  const charges = (
    (await sb.admin('autotask').state()) as { entities: { ContractCharges: { name: string }[] } }
  ).entities.ContractCharges;
  const keys = charges.map((c) => /BG-[0-9a-f]{16}/.exec(c.name)?.[0]).filter(Boolean);
  await sb.stop();
  return {
    clients,
    subaccounts,
    lines,
    sourceRecords: items + fixture.twilio.usage.length,
    pullHttpMinimum: { pax8: pax8Min, twilio: twilioMin },
    planned,
    pushExecutions: pushRow.executions,
    secondPushApplied: againApplied,
    secondPushMutations: mutations,
    duplicateChargeKeys: keys.length - new Set(keys).size,
    steps: rows,
  };
}

function table(rows: StepRow[]): string {
  const head = [
    'step',
    'exec',
    'Sheets calls',
    'cells read',
    'cells written',
    'HTTP',
    'Pax8',
    'Twilio',
    'Autotask',
    'changes',
    'modelled s',
    'longest exec s',
    'CPU ms',
  ];
  const body = rows.map((r) => [
    r.step,
    r.executions,
    r.sheetsCalls,
    r.cellsRead,
    r.cellsWritten,
    r.http,
    r.byApi.pax8 ?? 0,
    r.byApi.twilio ?? 0,
    r.byApi.autotask ?? 0,
    r.mutations,
    r.modelledS,
    r.maxExecutionS,
    r.cpuMs,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const scales = quick
    ? [[1000, 300, 4]]
    : [
        [100, 30, 4],
        [1000, 300, 4],
        [2500, 300, 9],
      ];
  const results = [];
  for (const [clients, subs, rounds] of scales) {
    console.log(
      `\n=== ${clients} clients, ${subs} Twilio subaccounts, ${rounds} subscription sets per client ===`,
    );
    const r = await runMonth(clients, subs, rounds);
    console.log(`${r.lines} grid lines from ${r.sourceRecords} source records; ${r.planned} push steps`);
    console.log(table(r.steps));
    console.log(
      `pull HTTP minimum: Pax8 ${r.pullHttpMinimum.pax8} + Twilio ${r.pullHttpMinimum.twilio} = ${r.pullHttpMinimum.pax8 + r.pullHttpMinimum.twilio}; ` +
        `push in ${r.pushExecutions} execution(s); second push applied ${r.secondPushApplied}, ${r.secondPushMutations} mutating requests; duplicate charge keys ${r.duplicateChargeKeys}`,
    );
    results.push(r);
  }
  const naive = naiveBaseline(1000);
  console.log(
    `\nnaive baseline (1,000 lines written cell by cell, one fetch per line): ${JSON.stringify(naive)}`,
  );
  const rss = process.resourceUsage().maxRSS;
  console.log(
    `peak memory ${Math.round(rss / 1024)} MiB; total ${Math.round((Date.now() - started) / 1000)} s`,
  );
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench-results', 'latest.json'),
    JSON.stringify(
      { at: new Date().toISOString(), results, naive, peakRssMiB: Math.round(rss / 1024) },
      null,
      2,
    ),
  );
  console.log('written bench-results/latest.json');
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  });
}
