/**
 * One large month through the BUILT bundle (dist/Code.js) in the emulator, against the sandboxes, as a
 * person would run it from the sidebar: connect, refresh clients, defaults, pull, approve all, push (and
 * the continuations it schedules), push again. Every step is measured: Sheets calls and cells, HTTP
 * requests by API against the minimum (minimum.ts), modelled Apps Script time (local/gas/LATENCY.md),
 * Node CPU and memory. Afterwards the PSA's state is checked for anything billed twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LATENCY, LocalHost, setClock } from '../gas';
import type { ExecutionResult } from '../gas';
import { benchedPsas, benchOf, sandboxOf } from '../sandbox/registry';
import { urlMapFor } from '../workbench/vendors';
import {
  BENCH_MONTH,
  bigMonth,
  sourceLines as sourceLinesOf,
  type BigMonth,
  type BigMonthSpec,
} from './big-msp';
import { callTotals } from './calls';
import {
  changes,
  duplicates,
  minimumTotal,
  pullMinimum,
  refreshMinimum,
  reviewMinimum,
  type Changes,
  type BenchedPsa,
  type Duplicates,
  type Minimum,
} from './minimum';
import { add, emptyRequests, summarise, total, type ApiRequests } from './requests';
import { startBenchSandboxes } from './sandboxes';

const root = path.resolve(__dirname, '..', '..');
const OWNER = 'owner@example.com';
const START = Date.parse('2026-11-02T14:00:00Z');

export interface StepFigures {
  step: string;
  executions: number;
  /** SpreadsheetApp calls that reach Sheets or not (all of them), summed over the step's executions. */
  sheetsCalls: number;
  /** The most in one execution (what "does not grow with rows" is about for multi-execution steps). */
  sheetsCallsPerExecution: number;
  /** Every Apps Script service call (Sheets, UrlFetch, Properties, Cache, Lock, …), accessors included. */
  serviceCalls: number;
  /** The calls that leave the script's process (local/bench/calls.ts): what the naive comparison counts. */
  roundTrips: number;
  cellsRead: number;
  cellsWritten: number;
  requests: Record<string, ApiRequests>;
  /** Reads + writes (setup requests apart). */
  http: number;
  setup: number;
  minimum: Minimum | null;
  modelledS: number;
  longestExecutionS: number;
  /** Modelled seconds by service (SpreadsheetApp, UrlFetchApp, …). */
  modelledByService: Record<string, number>;
  cpuMs: number;
  sandboxBusyMs: number;
  wallMs: number;
  /** Executions whose modelled time passed Apps Script's 6 minutes (only when the limit is lifted). */
  overLimit: number;
  /** The step's UrlFetch calls (setup requests included) and Properties reads/writes, as the quotas count them. */
  urlFetchCalls: number;
  propertiesReadWrites: number;
}

export interface MonthRun {
  /** The PSA's connector id. */
  psa: string;
  spec: BigMonthSpec;
  sourceLines: number;
  gridLines: number;
  planned: number;
  pushed: { applied: number; failed: number; unchanged: number };
  changes: Changes;
  duplicates: Duplicates;
  secondPush: { applied: number; steps: number; writes: number };
  refusedWrites: number;
  failures: string[];
  steps: StepFigures[];
  peakRssMiB: number;
  /** Stopped after the pull (see RunOptions.stopAfterPull). */
  pulledOnly?: boolean;
  /** The month tab after pull + compare, as JSON of the emulator's sheet (RunOptions.captureTab). */
  pulledTab?: string;
  /** What the month used of the user's daily Apps Script quotas (all steps, one user, one day). */
  quota: QuotaUse;
  /** The executions killed on purpose (RunOptions.killPullContinuation): their error and cells written. */
  killed: { step: string; error: string; cellsWritten: number }[];
}

export interface QuotaUse {
  urlFetchCalls: number;
  propertiesReadWrites: number;
  /** Modelled runtime of the continuation triggers as run here (the first executions are sidebar calls). */
  triggerRuntimeS: number;
  /** Modelled runtime of every execution: the trigger runtime a scheduled (unattended) month would use. */
  allRuntimeS: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Which continuation (1 = the first) Apps Script kills, after how much modelled time. */
export interface KillContinuation {
  nth: number;
  afterMs: number;
}

export interface RunOptions {
  /** The PSA's connector id (one with bench hooks, local/sandbox/<id>/bench.ts). */
  psa: string;
  spec: BigMonthSpec;
  /** Called with progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** The bundle's source; dist/Code.js when omitted (read it once when running several months). */
  code?: string;
  /**
   * Lift the 6-minute limit (modelled ms) to measure how long an execution would need; executions over
   * 360 s are then counted in `overLimit` instead of failing.
   */
  limitMs?: number;
  /** Only connect, refresh, defaults and pull + compare (the 100,000-line month's push takes long here). */
  stopAfterPull?: boolean;
  /** Stop after this many push executions (safety net). */
  maxContinuations?: number;
  /** The execution budget BillGrid uses (its `bg.executionBudgetSeconds` setting); 270 s when omitted. */
  budgetSeconds?: number;
  /** Keep the month tab as the emulator holds it after pull + compare (`MonthRun.pulledTab`). */
  captureTab?: boolean;
  /**
   * Kill the pull's `nth` continuation (1 = the first) by the time limit after `afterMs` of modelled time,
   * as Apps Script does to an execution past its limit; the pull must still finish (`MonthRun.killed`).
   */
  killPullContinuation?: KillContinuation;
  /** The same for the push's `nth` continuation: the push must still finish, billing nothing twice. */
  killPushContinuation?: KillContinuation;
  /** The setting `chargeDetail` for every client (#23); left out = one charge per line. */
  chargeDetail?: 'per-line' | 'grouped';
}

/** The PSAs the bench can run a month against: every registered PSA with bench hooks. */
export const BENCH_PSAS: readonly string[] = benchedPsas().map((p) => p.id);

function benchedPsa(id: string): BenchedPsa {
  const bench = benchOf(id);
  if (bench?.kind !== 'psa') throw new Error(`No bench hooks for PSA '${id}' (local/sandbox/${id}/bench.ts)`);
  return { id, bench };
}

export const readBundle = (): string => fs.readFileSync(path.join(root, 'dist', 'Code.js'), 'utf8');

export async function runMonth(opts: RunOptions): Promise<MonthRun> {
  const log = opts.log ?? (() => undefined);
  const { psa } = opts;
  const benched = benchedPsa(psa);
  const fixture = bigMonth(opts.spec, benched.bench);
  const sourceLines = sourceLinesOf(fixture);
  const apis = [...Object.keys(fixture.sources), psa];
  const sb = await startBenchSandboxes(
    [
      ...Object.entries(fixture.sources).map(([kind, s]) => ({ kind, fixture: s.fixture })),
      { kind: psa, fixture: fixture.psa },
    ],
    { skipRollbackCopyOf: benched.bench.copiesStateOnWrite ? [psa] : [] },
  );
  let peakRss = process.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const sampler = setInterval(sample, 250);
  try {
    // Quotas are counted, not enforced: the report says which sizes fit a consumer and a Workspace day.
    const runtime = GasRuntime.create(
      { owner: OWNER },
      { urlMap: urlMapFor(sb.urls), quotaProfile: 'unlimited' },
    );
    const quota = (): QuotaUse => {
      const u = runtime.state.quota?.[OWNER];
      return {
        urlFetchCalls: u?.urlFetchCalls ?? 0,
        propertiesReadWrites: u?.propertiesReadWrites ?? 0,
        triggerRuntimeS: round1((u?.triggerRuntimeMs ?? 0) / 1000),
        allRuntimeS: round1(steps.reduce((n, s) => n + s.modelledS, 0)),
      };
    };
    setClock(runtime.state, START);
    const code = opts.code ?? readBundle();
    const host = new LocalHost(runtime, code, { check: false });
    const call = (fn: string, ...args: unknown[]): ExecutionResult =>
      host.run(fn, args, {
        kind: 'sidebar',
        user: OWNER,
        ...(opts.limitMs ? { limitMs: opts.limitMs } : {}),
      });
    const steps: StepFigures[] = [];
    const killedOnPurpose = new Set<ExecutionResult>();
    const killed: MonthRun['killed'] = [];

    /** Runs a step; `fn` yields executions one by one so request logs can be drained between them. */
    const step = async (
      label: string,
      fn: () => Generator<ExecutionResult, void, void>,
      minimum: Minimum | null,
    ): Promise<ExecutionResult[]> => {
      for (const k of apis) await sb.admin(k).clearRequests();
      const requests: Record<string, ApiRequests> = Object.fromEntries(apis.map((k) => [k, emptyRequests()]));
      const results: ExecutionResult[] = [];
      let entriesSeen: { method: string; path: string; status: number }[] = [];
      const cpu0 = process.cpuUsage();
      const busy0 = sb.busyMs();
      const quota0 = quota();
      const t0 = Date.now();
      for (const r of fn()) {
        results.push(r);
        if (killedOnPurpose.has(r))
          killed.push({ step: label, error: r.error?.message ?? '', cellsWritten: r.stats.cellsWritten });
        sample();
        for (const k of apis) {
          const entries = await sb.admin(k).requests();
          await sb.admin(k).clearRequests();
          if (k === psa) entriesSeen = entries.map(({ method, path, status }) => ({ method, path, status }));
          requests[k] = add(requests[k], summarise(entries));
        }
        if (!r.ok && !killedOnPurpose.has(r)) {
          const last = entriesSeen.slice(-6).map((e) => `${e.method} ${e.path} → ${e.status}`);
          throw new Error(
            `${label}: ${r.functionName} failed: ${r.error?.message}; last requests: ${last.join(', ')}`,
          );
        }
      }
      const cpu = process.cpuUsage(cpu0);
      const all = Object.values(requests);
      const byService: Record<string, number> = {};
      for (const r of results)
        for (const [svc, ms] of Object.entries(r.stats.modelledMsByService))
          byService[svc] = (byService[svc] ?? 0) + ms;
      const figures: StepFigures = {
        step: label,
        executions: results.length,
        sheetsCalls: results.reduce((n, r) => n + callTotals(r.stats).sheets, 0),
        sheetsCallsPerExecution: Math.max(0, ...results.map((r) => callTotals(r.stats).sheets)),
        serviceCalls: results.reduce((n, r) => n + callTotals(r.stats).all, 0),
        roundTrips: results.reduce((n, r) => n + callTotals(r.stats).roundTrips, 0),
        cellsRead: results.reduce((n, r) => n + r.stats.cellsRead, 0),
        cellsWritten: results.reduce((n, r) => n + r.stats.cellsWritten, 0),
        requests,
        http: all.reduce((n, r) => n + r.reads + r.writes, 0),
        setup: all.reduce((n, r) => n + r.setup, 0),
        minimum,
        modelledS: round1(results.reduce((n, r) => n + r.stats.modelledMs, 0) / 1000),
        longestExecutionS: round1(Math.max(0, ...results.map((r) => r.stats.modelledMs)) / 1000),
        modelledByService: Object.fromEntries(
          Object.entries(byService).map(([k, v]) => [k, round1(v / 1000)]),
        ),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        sandboxBusyMs: Math.round(sb.busyMs() - busy0),
        wallMs: Date.now() - t0,
        overLimit: results.filter((r) => r.stats.modelledMs > LATENCY.executionLimitMs).length,
        urlFetchCalls: quota().urlFetchCalls - quota0.urlFetchCalls,
        propertiesReadWrites: quota().propertiesReadWrites - quota0.propertiesReadWrites,
      };
      steps.push(figures);
      log(
        `  ${psa} ${label}: ${results.length} execution(s), ${figures.http} requests, ` +
          `${figures.modelledS} s modelled, ${Math.round(figures.wallMs / 1000)} s real`,
      );
      return results;
    };
    const once = (fn: string, ...args: unknown[]) =>
      function* (): Generator<ExecutionResult, void, void> {
        yield call(fn, ...args);
      };
    /**
     * The continuation triggers a job left, each fired a minute later, until none is left; `kill`: the
     * nth firing's executions are killed after `afterMs` (then the job's own retry must finish it).
     */
    let clock = START;
    const max = opts.maxContinuations ?? 500;
    function* continuations(kill?: KillContinuation): Generator<ExecutionResult, void, void> {
      let ran = 0;
      for (let i = 0; i < max && runtime.state.triggers.some((t) => t.handler === 'continueJob_'); i++) {
        clock += 61_000;
        const due = runtime.state.triggers.some(
          (t) => t.handler === 'continueJob_' && t.nextRunAt !== null && t.nextRunAt <= clock,
        );
        const killing = due && kill?.nth === ran + 1;
        if (due) ran++;
        const fired = host.fireDueTriggers(clock, killing ? { limitMs: kill.afterMs } : {});
        for (const r of fired) {
          if (killing) killedOnPurpose.add(r);
          yield r;
        }
      }
      if (runtime.state.triggers.some((t) => t.handler === 'continueJob_'))
        throw new Error(`the job did not finish within ${max} continuations`);
    }

    const creds: Record<string, Record<string, string>> = {
      ...Object.fromEntries(
        Object.entries(fixture.sources).map(([id, s]) => {
          const b = benchOf(id);
          return [id, b?.kind === 'source' ? b.credentials(s.fixture) : {}];
        }),
      ),
      [psa]: sandboxOf(psa).demoCredentials(),
    };
    await step(
      'connect',
      function* () {
        for (const k of apis) yield call('saveConnection', k, creds[k]);
      },
      null,
    );
    if (opts.budgetSeconds)
      host.state.properties.document['bg.executionBudgetSeconds'] = String(opts.budgetSeconds);
    await step('refresh clients', once('refreshClients'), refreshMinimum(fixture, benched));
    await step(
      'defaults',
      function* () {
        const d = call('getDefaults');
        yield d;
        yield call('saveDefaults', defaultsFor(d.result, fixture, opts.chargeDetail));
      },
      null,
    );
    // A month too large to compare in the pull's own execution compares in a continuation.
    const [pulled] = await step(
      'pull + compare',
      function* () {
        yield call('pullBillingMonth', BENCH_MONTH);
        yield* continuations(opts.killPullContinuation);
      },
      pullMinimum(fixture, benched),
    );
    const gridLines = (pulled.result as { lines: number }).lines;
    const pulledTab = opts.captureTab
      ? JSON.stringify(host.state.spreadsheets[0].sheets.find((t) => t.name === `Billing ${BENCH_MONTH}`))
      : undefined;
    if (opts.stopAfterPull) {
      return {
        psa,
        spec: opts.spec,
        sourceLines,
        gridLines,
        planned: 0,
        pushed: { applied: 0, failed: 0, unchanged: 0 },
        changes: { byKind: {}, total: 0 },
        duplicates: {},
        secondPush: { applied: 0, steps: 0, writes: 0 },
        refusedWrites: 0,
        failures: [],
        steps,
        peakRssMiB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
        pulledOnly: true,
        pulledTab,
        quota: quota(),
        killed,
      };
    }
    await step(
      'approve all',
      once('approveRows', BENCH_MONTH, { approve: true }),
      reviewMinimum(fixture, benched),
    );
    // The dry run a person looks at before pushing: what it reads counts too.
    const [dry] = await step('dry run', once('dryRunPush', BENCH_MONTH), reviewMinimum(fixture, benched));
    const planned = (dry.result as { steps: unknown[] } | undefined)?.steps.length ?? 0;

    const pushed = { applied: 0, failed: 0, unchanged: 0 };
    const pushResults = await step(
      'push (+ continuations)',
      function* () {
        yield call('pushBillingMonth', BENCH_MONTH);
        yield* continuations(opts.killPushContinuation);
      },
      null,
    );
    const first = pushResults[0].result as { applied: number; failed: number; unchanged: number };
    pushed.applied = first.applied;
    pushed.failed = first.failed;
    pushed.unchanged = first.unchanged;
    const after = await sb.admin(psa).state();
    const pushStep = steps[steps.length - 1];
    const changed = changes(benched, fixture, after);
    // Reads: the PSA's side of the month once; writes: one per entity that changed.
    pushStep.minimum = reviewMinimum(fixture, benched);
    pushStep.minimum.byApi[psa] = (pushStep.minimum.byApi[psa] ?? 0) + changed.total;
    pushStep.minimum.parts.push(
      ...Object.entries(changed.byKind).map(([k, n]) => `${psa} ${k} (one write each): ${n}`),
    );
    // Its continuations too: a second push of a large month may wait for the PSA's hourly limit, and only
    // its last execution shows whether it converged (0 steps, 0 writes).
    const againRuns = await step(
      'push again',
      function* () {
        yield call('pushBillingMonth', BENCH_MONTH);
        yield* continuations();
      },
      reviewMinimum(fixture, benched, after),
    );
    const againResult = secondPushOutcome(againRuns, call('getPushStatus', BENCH_MONTH).result);
    const refusedWrites = steps.reduce((n, s) => n + (s.requests[psa]?.refusedWrites ?? 0), 0);
    const failures = [
      ...new Set(JSON.stringify(host.state.spreadsheets[0].sheets).match(/Failed: [^"]{0,160}/g) ?? []),
    ].slice(0, 5);
    // Tally the last runs' outcomes for the record.
    return {
      psa,
      spec: opts.spec,
      sourceLines,
      gridLines,
      planned,
      pushed,
      changes: changed,
      duplicates: duplicates(benched, after),
      secondPush: {
        applied: againResult.applied,
        steps: againResult.steps,
        writes: steps[steps.length - 1].requests[psa]?.writes ?? 0,
      },
      refusedWrites,
      failures,
      steps,
      peakRssMiB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
      pulledTab,
      quota: quota(),
      killed,
    };
  } finally {
    clearInterval(sampler);
    await sb.stop();
  }
}

/**
 * The second push's outcome: its first execution's summary when it finished there; otherwise its last
 * execution's, as the last run's message says it ("N changed, M already up to date[, F failed]"), with the
 * changes of every execution added up.
 */
function secondPushOutcome(runs: ExecutionResult[], status: unknown): { applied: number; steps: number } {
  const first = runs[0].result as { applied: number; steps: number; continuing?: boolean };
  if (!first.continuing) return { applied: first.applied, steps: first.steps };
  const message = (status as { lastRun?: { message?: string } } | undefined)?.lastRun?.message ?? '';
  const n = (what: string): number => Number(new RegExp(`(\\d+) ${what}`).exec(message)?.[1] ?? 0);
  const m = /(\d+) changed/.exec(message);
  if (!m) throw new Error(`push again: the last run says '${message}'`);
  return {
    applied: first.applied + n('changed'),
    steps: n('changed') + n('already up to date') + n('failed'),
  };
}

/** Defaults as a person sets them for the bench: auto-create products, the first item/billing code. */
function defaultsFor(view: unknown, fixture: BigMonth, chargeDetail?: RunOptions['chargeDetail']): unknown {
  const d = view as {
    settings: {
      global: { codes: Record<string, unknown> } & Record<string, unknown>;
      clients: Record<string, unknown>;
    };
    codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
  };
  const clients: Record<string, unknown> = { ...d.settings.clients, ...fixture.clientSettings };
  return {
    ...d.settings,
    global: {
      ...d.settings.global,
      productLifecycle: 'auto-create',
      invoiceBehaviour: 'latest',
      ...(chargeDetail ? { chargeDetail } : {}),
      codes: {
        ...d.settings.global.codes,
        itemCode: d.codes.itemCodes[0]?.id ?? null,
        serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
      },
    },
    clients,
  };
}

export { minimumTotal, total };
