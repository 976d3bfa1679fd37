/**
 * GasHost: the shared state (spreadsheet, properties, cache, locks, triggers) lives on this thread;
 * each execution runs the bundle in its own worker thread and reaches the services by synchronous RPC.
 * The host answers asynchronously and never blocks: HTTP and lock waits use the services' async twins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Execution, GasError, TIME_LIMIT_MESSAGE, type ExecutionOptions } from '../execution';
import { GasRuntime, type GasOptions } from '../runtime';
import { clockNow, createState, loadStateFile, saveStateFile, type GasState } from '../state';
import { createServices, type GasGlobals } from '../services';
import { GAS_OPEN_PROPS, gasClassOf, isPublicName, isServiceObject } from '../service';
import {
  createGasEnvironment,
  endQuota,
  errorInfo,
  startQuota,
  moveClockTo,
  type ExecutionResult,
  type GasEnvironment,
} from '../env';
import { clockEvent, dueTriggers, markFired } from '../script-app';
import { scriptRunArgs, scriptRunResult } from '../script-run';
import { canEdit } from '../access';
import { quotaReport } from '../quotas';
import {
  applyEdit,
  documentTriggers,
  editEvent,
  MISSING_FUNCTION,
  openEvent,
  type EditSpec,
} from '../events';
import {
  isHandleRef,
  type CallMessage,
  type DoneMessage,
  type ExecWorkerData,
  type HandleRef,
  type ReplyMessage,
} from './protocol';

const MAX_IDLE_WORKERS = 4;

export interface GasHostOptions {
  state?: GasState;
  options?: GasOptions;
  /** Real-time guard for runaway bundles (default 360 s, like Apps Script's wall clock). */
  wallLimitMs?: number;
  /** Static bundle check before each execution (default true). */
  checkBundle?: boolean;
}

/**
 * Arguments of an execution, or a function building them from that execution's own services (for
 * event objects that carry a Range or Spreadsheet, like onEdit's).
 */
export type RunArgs = unknown[] | ((services: GasGlobals) => unknown[]);

export interface BundleSource {
  code: string;
  filename: string;
}

/** Host side of one execution: its service objects, their handles, and the RPC dispatcher. */
class Session {
  private handles = new Map<number, object>();
  private ids = new Map<object, number>();
  private next = 1;
  readonly roots: Record<string, HandleRef>;
  readonly services: GasGlobals;

  constructor(
    readonly runtime: GasRuntime,
    readonly exec: Execution,
  ) {
    this.services = createServices({ rt: runtime, exec });
    this.roots = Object.fromEntries(
      Object.entries(this.services).map(([k, v]) => [k, this.ref(v as object)]),
    );
  }

  private ref(obj: object): HandleRef {
    let id = this.ids.get(obj);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(obj, id);
      this.handles.set(id, obj);
    }
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (isPublicName(k) && typeof v !== 'function') props[k] = v;
    return { __gasHandle: id, cls: gasClassOf(obj), props };
  }

  encode(v: unknown): unknown {
    if (isServiceObject(v)) return this.ref(v);
    if (Array.isArray(v)) return v.map((x) => this.encode(x));
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.encode(x)]));
    }
    return v;
  }

  private decode(v: unknown): unknown {
    if (isHandleRef(v)) {
      const obj = this.handles.get(v.__gasHandle);
      if (!obj) throw new GasError('Emulator: unknown object handle');
      return obj;
    }
    if (Array.isArray(v)) return v.map((x) => this.decode(x));
    return v;
  }

  async dispatch(msg: CallMessage): Promise<ReplyMessage> {
    try {
      const target = this.handles.get(msg.handle) as Record<string, unknown> | undefined;
      if (!target) throw new GasError('Emulator: unknown object handle');
      const args = msg.args.map((a) => this.decode(a));
      if (msg.method === '__set__') {
        if (
          !(target as { [GAS_OPEN_PROPS]?: boolean })[GAS_OPEN_PROPS] ||
          typeof args[0] !== 'string' ||
          !isPublicName(args[0])
        ) {
          throw new TypeError(`Cannot assign to read only property '${String(args[0])}'`);
        }
        target[args[0]] = args[1];
        return { seq: msg.seq, ok: true, value: undefined };
      }
      const fn = isPublicName(msg.method) ? target[msg.method] : undefined;
      if (typeof fn !== 'function') {
        throw new TypeError(
          `${gasClassOf(target).split('.').pop() ?? 'object'}.${msg.method} is not a function`,
        );
      }
      this.exec.beforeCall(gasClassOf(target), msg.method);
      const twin = target[`${msg.method}Async`];
      const value =
        typeof twin === 'function'
          ? await (twin as (...a: unknown[]) => Promise<unknown>).apply(target, args)
          : (fn as (...a: unknown[]) => unknown).apply(target, args);
      return { seq: msg.seq, ok: true, value: this.encode(value) };
    } catch (err) {
      const e = errorInfo(err);
      return { seq: msg.seq, ok: false, error: { name: e.name, message: e.message } };
    }
  }
}

export class GasHost {
  readonly runtime: GasRuntime;
  private readonly wallLimitMs: number;
  private readonly checkBundle: boolean;
  private readonly workers = new Set<Worker>();
  /** Threads that finished an execution and can take the next one (a fresh vm context each time). */
  private idle: Worker[] = [];
  private cache = new Map<string, { mtimeMs: number; code: string }>();

  constructor(opts: GasHostOptions = {}) {
    this.runtime = new GasRuntime(opts.state ?? createState(), opts.options ?? {});
    this.wallLimitMs = opts.wallLimitMs ?? 360_000;
    this.checkBundle = opts.checkBundle ?? true;
  }

  get state(): GasState {
    return this.runtime.state;
  }

  static load(file: string, opts: Omit<GasHostOptions, 'state'> = {}): GasHost {
    return new GasHost({ ...opts, state: loadStateFile(file) });
  }

  save(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    saveStateFile(this.state, file);
  }

  /**
   * An in-process execution on the host thread (e.g. for the workbench to read or edit the grid
   * directly). Do not use its UrlFetchApp here: it would block the thread sandboxes may run on.
   */
  inProcess(options: ExecutionOptions = {}): GasEnvironment {
    return createGasEnvironment(this.runtime, options);
  }

  /** Executions currently running. */
  get running(): number {
    return this.workers.size;
  }

  private source(bundle: string | BundleSource): BundleSource {
    if (typeof bundle !== 'string') return bundle;
    const file = path.resolve(bundle);
    const { mtimeMs } = fs.statSync(file);
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return { code: hit.code, filename: file };
    const code = fs.readFileSync(file, 'utf8');
    this.cache.set(file, { mtimeMs, code });
    return { code, filename: file };
  }

  private acquireWorker(job: ExecWorkerData & { port: MessagePort }, port: MessagePort): Worker {
    const reused = this.idle.pop();
    if (reused) {
      reused.ref();
      reused.postMessage(job, [port]);
      return reused;
    }
    return new Worker(path.join(__dirname, '..', '..', 'ts-worker.cjs'), {
      workerData: job,
      transferList: [port],
    });
  }

  /** Runs `functionName` of the bundle (a file path, or code + filename) as one execution. */
  async run(
    bundle: string | BundleSource,
    functionName: string,
    args: RunArgs = [],
    options: ExecutionOptions = {},
  ): Promise<ExecutionResult> {
    const src = this.source(bundle);
    const exec = new Execution({ ...options, user: options.user ?? this.runtime.options.user });
    const fromPage = options.kind === 'sidebar';
    try {
      // google.script.run refuses a Date or function argument before anything runs.
      if (fromPage && Array.isArray(args)) args = scriptRunArgs(args);
      startQuota(this.runtime, exec);
    } catch (err) {
      const r = this.runtime;
      return {
        functionName,
        ok: false,
        result: undefined,
        error: errorInfo(err),
        stats: exec.snapshot(),
        logs: exec.logs,
        quota: quotaReport(r.state, r.options.quotaProfile, exec.user, r.now()),
      };
    }
    const session = new Session(this.runtime, exec);
    const flag = new SharedArrayBuffer(4);
    const signal = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    const workerData: ExecWorkerData & { port: MessagePort } = {
      __entry: path.join(__dirname, 'exec-worker.ts'),
      code: src.code,
      filename: src.filename,
      functionName,
      args: (typeof args === 'function' ? args(session.services) : args).map((a) => session.encode(a)),
      roots: session.roots,
      flag,
      check: this.checkBundle,
      kind: exec.kind,
      timeZone: this.runtime.options.scriptTimeZone,
      port: port2,
    };
    const worker = this.acquireWorker(workerData, port2);
    this.workers.add(worker);

    // Hitting the time limit ends the execution at once, as on Google (the bundle cannot catch it).
    let killed: (() => void) | null = null;
    port1.on('message', (msg: CallMessage) => {
      void session.dispatch(msg).then((reply) => {
        if (exec.timedOut) {
          killed?.();
          return;
        }
        port1.postMessage(reply);
        Atomics.store(signal, 0, 1);
        Atomics.notify(signal, 0);
      });
    });

    let reusable = false;
    const outcome = await new Promise<DoneMessage>((resolve) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: DoneMessage) => {
        cleanup();
        reusable = true;
        resolve(m);
      };
      const onError = (err: Error) => {
        cleanup();
        resolve({ type: 'done', ok: false, error: errorInfo(err) });
      };
      const onExit = (code: number) => {
        cleanup();
        resolve({
          type: 'done',
          ok: false,
          error: { name: 'Error', message: `Execution worker exited (code ${code})` },
        });
      };
      const timeUp = () => {
        cleanup();
        resolve({ type: 'done', ok: false, error: { name: 'Exception', message: TIME_LIMIT_MESSAGE } });
      };
      killed = timeUp;
      const timer = setTimeout(timeUp, this.wallLimitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });

    port1.close();
    this.workers.delete(worker);
    if (reusable && this.idle.length < MAX_IDLE_WORKERS) {
      worker.unref();
      this.idle.push(worker);
    } else {
      await worker.terminate();
    }
    this.runtime.locks.releaseAll(exec.id);
    return {
      functionName,
      ok: outcome.ok,
      result: !outcome.ok ? undefined : fromPage ? scriptRunResult(outcome.result) : outcome.result,
      error: outcome.ok ? null : outcome.error,
      stats: exec.snapshot(),
      logs: exec.logs,
      quota: endQuota(this.runtime, exec),
    };
  }

  /** The spreadsheet is opened: onOpen (simple trigger) and installable ON_OPEN triggers. */
  async open(
    bundle: string | BundleSource,
    user = this.runtime.options.user,
    document?: string,
  ): Promise<ExecutionResult[]> {
    if (!canEdit(this.runtime.state, user, document)) return []; // a viewer: no onOpen, no ON_OPEN trigger
    const doc = document ? { document } : {};
    const results: ExecutionResult[] = [];
    const simple = await this.run(bundle, 'onOpen', (g) => [openEvent(g)], {
      kind: 'simple-trigger',
      user,
      ...doc,
    });
    if (!MISSING_FUNCTION.test(simple.error?.message ?? '')) results.push(simple);
    for (const t of documentTriggers(this.runtime, 'ON_OPEN', document)) {
      const event = (g: GasGlobals) => [{ ...openEvent(g), authMode: 'FULL', triggerUid: t.id }];
      results.push(
        await this.run(bundle, t.handler, event, { kind: 'document-trigger', user: t.user, ...doc }),
      );
    }
    return results;
  }

  /** A person types into a cell: the value is written, then onEdit and installable ON_EDIT triggers run. */
  async edit(bundle: string | BundleSource, spec: EditSpec): Promise<ExecutionResult[]> {
    const user = spec.user ?? this.runtime.options.user;
    const old = applyEdit(this.runtime, spec);
    const doc = spec.document ? { document: spec.document } : {};
    const results: ExecutionResult[] = [];
    const simple = await this.run(bundle, 'onEdit', (g) => [editEvent(g, spec, old)], {
      kind: 'simple-trigger',
      user,
      ...doc,
    });
    if (!MISSING_FUNCTION.test(simple.error?.message ?? '')) results.push(simple);
    for (const t of documentTriggers(this.runtime, 'ON_EDIT', spec.document)) {
      const event = (g: GasGlobals) => [{ ...editEvent(g, spec, old), authMode: 'FULL', triggerUid: t.id }];
      results.push(
        await this.run(bundle, t.handler, event, { kind: 'document-trigger', user: t.user, ...doc }),
      );
    }
    return results;
  }

  /** Fires every clock trigger due at `now` (default: the emulator clock), one execution each, in order. */
  async fireDueTriggers(bundle: string | BundleSource, now?: number | Date): Promise<ExecutionResult[]> {
    if (now !== undefined) moveClockTo(this.state, +now);
    const at = clockNow(this.state);
    const results: ExecutionResult[] = [];
    for (const t of dueTriggers(this.state, at)) {
      markFired(t, at, this.runtime.options.scriptTimeZone);
      // Installable triggers run as the account that created them.
      results.push(
        await this.run(bundle, t.handler, [clockEvent(t, at)], {
          kind: 'trigger',
          user: t.user,
          ...(t.document ? { document: t.document } : {}),
        }),
      );
    }
    return results;
  }

  /** Stops any running executions (their locks are released). */
  async close(): Promise<void> {
    const all = [...this.workers, ...this.idle];
    this.workers.clear();
    this.idle = [];
    await Promise.all(all.map((w) => w.terminate()));
  }
}
