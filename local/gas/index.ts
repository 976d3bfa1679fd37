/**
 * The local Apps Script emulator: the subset of Apps Script services BillGrid uses, with the same
 * names, signatures (type-checked against @types/google-apps-script, see emulates.ts) and synchronous
 * semantics, over one JSON-serialisable state.
 *
 * ## In-process (most tests)
 *
 *   import { createGasEnvironment, createState } from '../../local/gas';
 *   const env = createGasEnvironment(createState({ sheets: ['Billing'] }), { urlMap });
 *   const { SpreadsheetApp, UrlFetchApp } = env.globals;       // use directly, or installGlobals(env.globals)
 *   SpreadsheetApp.getActive().getSheetByName('Billing')!.getRange('A1:B1').setValues([['x', 1]]);
 *   env.stats            // { calls: { 'SpreadsheetApp.Range.setValues': 1, ... }, cellsRead, cellsWritten,
 *                        //   httpRequests, http: { fetchCalls, fetchAllCalls, batchSizes, bytes… },
 *                        //   modelledMs, modelledMsByService: { SpreadsheetApp: …, UrlFetchApp: … }, wallMs }
 *   env.end()            // end of execution: its locks are released
 *
 * One environment = one execution. For the next execution over the same state (and locks) call
 * `createGasEnvironment(env.runtime)`. Run a built bundle synchronously with
 * `new LocalHost(runtime, code).run('onOpen')` (fresh vm context per execution, like Google) and fire
 * time-driven triggers with `localHost.fireDueTriggers(now)`.
 *
 * UrlFetchApp does real HTTP through a helper thread and blocks the caller with Atomics.wait, so servers
 * the bundle calls must NOT run on the calling thread: start them with `startInWorker(modulePath,
 * exportName, args)` (or `startSandboxes` from local/sandbox/framework, which also uses a worker).
 * For the same reason, never use an in-process environment's UrlFetchApp on a GasHost's thread.
 * `httpTimeoutMs` (default 60 s, as Apps Script) bounds each request.
 *
 * ## Vendor URLs → sandboxes
 *
 *   options.urlMap = { 'https://api.twilio.com': 'http://127.0.0.1:5001', 'https://*.autotask.net': '…' }
 *
 * Path and query are kept. Loopback URLs pass unchanged; any other host throws (the emulator never
 * touches the network). `runtime.mapUrls({...})` adds mappings later.
 *
 * ## Multi-execution host (workbench, bundle tests)
 *
 *   const host = new GasHost({ state, options: { urlMap, bundleDir: 'dist' } });
 *   const r = await host.run('dist/Code.js', 'pushApproved', [args], { kind: 'sidebar' });
 *   r.ok / r.result / r.error / r.stats / r.logs
 *   await host.fireDueTriggers('dist/Code.js', Date.parse('2026-11-01T09:00:00Z'));
 *   await host.open('dist/Code.js')                          // onOpen + installable ON_OPEN triggers
 *   await host.edit('dist/Code.js', { sheet: 'Billing 2026-10', a1: 'K5', value: true })   // + onEdit
 *   host.save('.workbench/state.json');  GasHost.load('.workbench/state.json', options)
 *   host.inProcess()                                          // direct access on the host thread (no HTTP)
 *
 * Each execution runs in its own worker thread: dist/Code.js is loaded in a vm context whose globals are
 * proxies to the host's services (synchronous RPC: SharedArrayBuffer + Atomics.wait + MessagePort). The
 * host thread never blocks: HTTP and lock waits are answered asynchronously, so two overlapping
 * executions really exclude each other on LockService, and servers may run on the host thread.
 *
 * Execution kinds (`{ kind }` option): 'direct' (default), 'menu', 'sidebar', 'trigger' (getUi() throws
 * "Cannot call SpreadsheetApp.getUi() from this context."), 'simple-trigger' (30 s limit).
 *
 * ## Sheets fidelity
 *
 * '=…' written through setValue(s) becomes a formula (a small evaluator computes simple ones; others read
 * '#NAME?'/'#ERROR!'); "'…" is literal text; number/percent/currency/TRUE/FALSE/ISO-date strings are
 * converted like Sheets (en_US) unless the cell format is '@'; getRange outside the grid throws "The
 * coordinates of the range are outside the dimensions of the sheet." (appendRow and insertRows* grow it;
 * option `strictBounds: false` lets writes grow it instead). Formula references are not re-pointed when
 * rows/columns are inserted or deleted.
 *
 * ## Bundles
 *
 * `loadBundle(code, globals)` makes a vm context with only the Apps Script globals (+ JS built-ins),
 * runs the bundle and lists its top-level functions; `assertBundleIsClean(code)` rejects bundles using
 * require/process/setTimeout/setInterval/fetch/Buffer (those names are also absent at run time).
 *
 * ## Limits and quotas (FIDELITY.md)
 *
 * UrlFetchApp refuses URLs over 2 KB, bodies/answers over 50 MB and headers over 100 / 8 KB with
 * Google's messages. Daily quotas per user (UrlFetch calls, trigger runtime, Properties reads/writes, mail
 * recipients) follow option `quotaProfile` ('consumer' by default, 'workspace', or 'unlimited' = count
 * only); each ExecutionResult carries `quota` (the user's usage and share). Installable triggers run as
 * their creator, and each user sees only their own (getProjectTriggers).
 *
 * ## Add-on context (addon.ts)
 *
 * Option `deployment: 'addon'`: one project serving many documents. Each execution runs in one document
 * (`{ document: id }`); document properties and getActiveSpreadsheet() are that document's, script
 * properties are shared by all. One clock trigger per user per document, at most hourly, none when
 * `testDeployment`. Protected ranges refuse writes from users not on them (spreadsheet/guard.ts).
 *
 * ## Time
 *
 * Modelled time (LATENCY.md, `LATENCY` table) decides the 6-minute limit: once an execution's modelled
 * time passes 360 s (30 s for kind 'simple-trigger'), its next service call throws
 * `Exceeded maximum execution time`. GasHost also stops a worker after `wallLimitMs` of real time. The emulator clock
 * (state.clock; `setClock`, `advanceClock`) drives triggers and cache expiry; the bundle keeps real `Date`.
 */
export {
  createState,
  clockNow,
  setClock,
  advanceClock,
  serializeState,
  deserializeState,
  saveStateFile,
  loadStateFile,
} from './state';
export type {
  GasState,
  StateDefaults,
  CellState,
  SheetState,
  SpreadsheetState,
  TriggerState,
  MailMessage,
  UiState,
} from './state';
export { GasRuntime } from './runtime';
export type { GasOptions } from './runtime';
export { Execution, GasError, TIME_LIMIT_MESSAGE } from './execution';
export type { ExecutionStats, ExecutionKind, ExecutionOptions, LogEntry } from './execution';
export { createGasEnvironment, LocalHost, moveClockTo } from './env';
export type { GasEnvironment, ExecutionResult, EnvironmentOptions, LocalRunArgs } from './env';
export type { EditSpec } from './events';
export type { GasGlobals } from './services';
export { GLOBAL_NAMES } from './services';
export { loadBundle, assertBundleIsClean, findBundleProblems, FORBIDDEN_GLOBALS } from './bundle';
export type { LoadedBundle, BundleProblem } from './bundle';
export { LATENCY, callCostMs } from './latency';
export { startInWorker } from './workers';
export type { WorkerHandle } from './workers';
export { stopHttpHelper } from './urlfetch/sync-http';
export type { UrlMap } from './urlfetch/wire';
export { LOCK_TIMEOUT_MESSAGE } from './lock';
export { TOO_MANY_TRIGGERS, TRIGGER_LIMIT } from './script-app';
export { PROPERTY_VALUE_LIMIT, PROPERTY_STORE_LIMIT } from './properties';
export { CACHE_VALUE_LIMIT } from './cache';
export {
  QUOTA_PROFILES,
  URLFETCH_LIMITS,
  URL_LENGTH_MESSAGE,
  URLFETCH_DAILY_MESSAGE,
  TRIGGER_RUNTIME_MESSAGE,
} from './quotas';
export type { QuotaProfileOption, QuotaProfileName, DailyQuota, QuotaReport } from './quotas';
export { installGlobals } from './install';
export { GasHost } from './host/host';
export type { GasHostOptions, BundleSource, RunArgs } from './host/host';
