/**
 * In-process mode: the services run on the calling thread, counted per execution.
 *
 *   const env = createGasEnvironment(createState(), { urlMap: { 'https://api.twilio.com': url } });
 *   env.globals.SpreadsheetApp.getActiveSheet().getRange('A1').setValue(42);
 *   env.stats.calls['SpreadsheetApp.Range.setValue']  // 1
 *
 * `LocalHost` runs a bundle the same way, one execution per call, synchronously.
 */
import {
  Execution,
  GasError,
  TIME_LIMIT_MESSAGE,
  type ExecutionOptions,
  type ExecutionStats,
  type LogEntry,
} from './execution';
import { GasRuntime, type GasOptions } from './runtime';
import { clockNow, createState, type GasState } from './state';
import { createServices, type GasGlobals } from './services';
import { expose, exposeDeep } from './service';
import { applyEdit, documentTriggers, editEvent, MISSING_FUNCTION, openEvent, type EditSpec } from './events';
import { loadBundle, type LoadBundleOptions } from './bundle';
import { scriptRunArgs, scriptRunResult } from './script-run';
import { canEdit } from './access';
import { clockEvent, dueTriggers, markFired } from './script-app';
import {
  assertTriggerRuntimeLeft,
  chargeTriggerRuntime,
  isTriggerKind,
  quotaReport,
  type QuotaReport,
} from './quotas';

export interface GasEnvironment {
  /** The Apps Script globals, each call counted on this execution. */
  globals: GasGlobals;
  runtime: GasRuntime;
  state: GasState;
  execution: Execution;
  /** Live counters of this execution. */
  stats: ExecutionStats;
  logs: LogEntry[];
  /** Ends the execution as Apps Script does: its locks are released. */
  end(): void;
}

export type EnvironmentOptions = GasOptions & ExecutionOptions;

function exposeAll(raw: GasGlobals, exec: Execution): GasGlobals {
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) out[k] = expose(v as object, exec);
  return out as unknown as GasGlobals;
}

/**
 * One execution over `state` (or over an existing runtime, to share its locks and options with other
 * executions). A fresh state is created when none is given.
 */
export function createGasEnvironment(
  state?: GasState | GasRuntime,
  options: EnvironmentOptions = {},
): GasEnvironment {
  const runtime = state instanceof GasRuntime ? state : new GasRuntime(state ?? createState(), options);
  const execution = new Execution({ ...options, user: options.user ?? runtime.options.user });
  const globals = exposeAll(createServices({ rt: runtime, exec: execution }), execution);
  return {
    globals,
    runtime,
    state: runtime.state,
    execution,
    stats: execution.stats,
    logs: execution.logs,
    end: () => runtime.locks.releaseAll(execution.id),
  };
}

export interface ExecutionResult {
  functionName: string;
  ok: boolean;
  /** The function's return value (structured-cloned out of the bundle). */
  result: unknown;
  error: { name: string; message: string; stack?: string } | null;
  stats: ExecutionStats;
  logs: LogEntry[];
  /** The user's daily quota usage after this execution (quotas.ts), as the run log reports it. */
  quota?: QuotaReport;
}

/**
 * Quota bookkeeping around one execution: a trigger may not start once its user's trigger runtime for
 * the day is spent (Google: "Service using too much computer time for one day"); its modelled time is
 * charged when it ends.
 */
export function startQuota(runtime: GasRuntime, exec: Execution): void {
  if (isTriggerKind(exec.kind))
    assertTriggerRuntimeLeft(runtime.state, runtime.options.quotaProfile, exec.user, runtime.now());
}

export function endQuota(runtime: GasRuntime, exec: Execution): QuotaReport {
  if (isTriggerKind(exec.kind))
    chargeTriggerRuntime(runtime.state, exec.user, runtime.now(), exec.stats.modelledMs);
  return quotaReport(runtime.state, runtime.options.quotaProfile, exec.user, runtime.now());
}

export function errorInfo(err: unknown): { name: string; message: string; stack?: string } {
  const e = err as { name?: unknown; message?: unknown; stack?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
  };
}

/** Moves the emulator clock forward to `now` (never backwards). */
export function moveClockTo(state: GasState, now: number): void {
  const current = clockNow(state);
  if (now <= current) return;
  if (state.clock.frozenAt !== null) state.clock.frozenAt = now;
  else state.clock.offsetMs += now - current;
}

/** Arguments, or a function building them from the execution's services (event objects with a Range). */
export type LocalRunArgs = unknown[] | ((services: GasGlobals) => unknown[]);

function exposeArg(v: unknown, exec: Execution): unknown {
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exposeDeep(x, exec)]));
  }
  return exposeDeep(v, exec);
}

/** Synchronous bundle runner: every call is a fresh execution with a fresh context, like Google. */
export class LocalHost {
  constructor(
    readonly runtime: GasRuntime,
    private readonly code: string,
    private readonly loadOptions: LoadBundleOptions = {},
  ) {}

  get state(): GasState {
    return this.runtime.state;
  }

  run(functionName: string, args: LocalRunArgs = [], options: ExecutionOptions = {}): ExecutionResult {
    const env = createGasEnvironment(this.runtime, options);
    const fromPage = options.kind === 'sidebar';
    let ran = false;
    try {
      // google.script.run refuses a Date or function argument before anything runs.
      if (fromPage && Array.isArray(args)) args = scriptRunArgs(args);
      startQuota(this.runtime, env.execution);
      ran = true;
      const built =
        typeof args === 'function'
          ? args(createServices({ rt: this.runtime, exec: env.execution })).map((a) =>
              exposeArg(a, env.execution),
            )
          : args;
      const started = clockNow(this.runtime.state);
      const bundle = loadBundle(this.code, env.globals, {
        timeZone: this.runtime.options.scriptTimeZone,
        ...this.loadOptions,
        clock: () => started + env.execution.stats.modelledMs,
      });
      const value = bundle.call(functionName, ...built);
      if (env.execution.timedOut) throw new GasError(TIME_LIMIT_MESSAGE);
      return {
        functionName,
        ok: true,
        result: fromPage ? scriptRunResult(value) : structuredClone(value),
        error: null,
        stats: env.execution.snapshot(),
        logs: env.logs,
        quota: endQuota(this.runtime, env.execution),
      };
    } catch (err) {
      return {
        functionName,
        ok: false,
        result: undefined,
        error: errorInfo(err),
        stats: env.execution.snapshot(),
        logs: env.logs,
        quota: ran
          ? endQuota(this.runtime, env.execution)
          : quotaReport(
              this.runtime.state,
              this.runtime.options.quotaProfile,
              env.execution.user,
              this.runtime.now(),
            ),
      };
    } finally {
      env.end();
    }
  }

  /** The spreadsheet is opened: onOpen (simple trigger) and installable ON_OPEN triggers. */
  open(user = this.runtime.options.user): ExecutionResult[] {
    if (!canEdit(this.state, user)) return []; // a viewer: no onOpen, no ON_OPEN trigger
    const results = [this.run('onOpen', (g) => [openEvent(g)], { kind: 'simple-trigger', user })].filter(
      (r) => !MISSING_FUNCTION.test(r.error?.message ?? ''),
    );
    for (const t of documentTriggers(this.runtime, 'ON_OPEN')) {
      results.push(
        this.run(t.handler, (g) => [{ ...openEvent(g), authMode: 'FULL', triggerUid: t.id }], {
          kind: 'document-trigger',
          user: t.user,
        }),
      );
    }
    return results;
  }

  /** A person types into a cell: the value is written, then onEdit and installable ON_EDIT triggers run. */
  edit(spec: EditSpec): ExecutionResult[] {
    const user = spec.user ?? this.runtime.options.user;
    const old = applyEdit(this.runtime, spec);
    const results = [
      this.run('onEdit', (g) => [editEvent(g, spec, old)], { kind: 'simple-trigger', user }),
    ].filter((r) => !MISSING_FUNCTION.test(r.error?.message ?? ''));
    for (const t of documentTriggers(this.runtime, 'ON_EDIT')) {
      results.push(
        this.run(t.handler, (g) => [{ ...editEvent(g, spec, old), authMode: 'FULL', triggerUid: t.id }], {
          kind: 'document-trigger',
          user: t.user,
        }),
      );
    }
    return results;
  }

  /**
   * Runs every clock trigger due at `now` (default: the emulator clock), each as its own execution;
   * `limitMs` kills them at that modelled time instead of 6 minutes (a continuation cut off half-way).
   */
  fireDueTriggers(now?: number | Date, options: Pick<ExecutionOptions, 'limitMs'> = {}): ExecutionResult[] {
    if (now !== undefined) moveClockTo(this.state, +now);
    const at = clockNow(this.state);
    const results: ExecutionResult[] = [];
    for (const t of dueTriggers(this.state, at)) {
      markFired(t, at, this.runtime.options.scriptTimeZone);
      // Installable triggers run as the account that created them, whoever is using the sheet now.
      results.push(
        this.run(t.handler, [clockEvent(t, at)], {
          kind: 'trigger',
          user: t.user,
          ...(t.document ? { document: t.document } : {}),
          ...(options.limitMs !== undefined ? { limitMs: options.limitMs } : {}),
        }),
      );
    }
    return results;
  }
}
