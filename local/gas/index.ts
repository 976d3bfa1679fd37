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
 *                        //   httpRequests, http: { fetchCalls, fetchAllCalls, batchSizes, bytes… }, modelledMs }
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
 *   host.save('.workbench/state.json');  GasHost.load('.workbench/state.json', options)
 *
 * Each execution runs in its own worker thread: dist/Code.js is loaded in a vm context whose globals are
 * proxies to the host's services (synchronous RPC: SharedArrayBuffer + Atomics.wait + MessagePort). The
 * host thread never blocks: HTTP and lock waits are answered asynchronously, so two overlapping
 * executions really exclude each other on LockService, and servers may run on the host thread.
 *
 * ## Bundles
 *
 * `loadBundle(code, globals)` makes a vm context with only the Apps Script globals (+ JS built-ins),
 * runs the bundle and lists its top-level functions; `assertBundleIsClean(code)` rejects bundles using
 * require/process/setTimeout/setInterval/fetch/Buffer (those names are also absent at run time).
 *
 * ## Time
 *
 * Modelled time (LATENCY.md, `LATENCY` table) decides the 6-minute limit: once an execution's modelled
 * time passes 360 s, its next service call throws `Exceeded maximum execution time`. The emulator clock
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
export type { GasEnvironment, ExecutionResult, EnvironmentOptions } from './env';
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
export { installGlobals } from './install';
export { GasHost } from './host/host';
export type { GasHostOptions, BundleSource } from './host/host';
