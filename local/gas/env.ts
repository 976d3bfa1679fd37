/**
 * In-process mode: the services run on the calling thread, counted per execution.
 *
 *   const env = createGasEnvironment(createState(), { urlMap: { 'https://api.twilio.com': url } });
 *   env.globals.SpreadsheetApp.getActiveSheet().getRange('A1').setValue(42);
 *   env.stats.calls['SpreadsheetApp.Range.setValue']  // 1
 *
 * `LocalHost` runs a bundle the same way, one execution per call, synchronously.
 */
import { Execution, type ExecutionOptions, type ExecutionStats, type LogEntry } from './execution';
import { GasRuntime, type GasOptions } from './runtime';
import { clockNow, createState, type GasState } from './state';
import { createServices, type GasGlobals } from './services';
import { expose } from './service';
import { loadBundle, type LoadBundleOptions } from './bundle';
import { clockEvent, dueTriggers, markFired } from './script-app';

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

  run(functionName: string, args: unknown[] = [], options: ExecutionOptions = {}): ExecutionResult {
    const env = createGasEnvironment(this.runtime, options);
    try {
      const bundle = loadBundle(this.code, env.globals, this.loadOptions);
      const value = bundle.call(functionName, ...args);
      return {
        functionName,
        ok: true,
        result: structuredClone(value),
        error: null,
        stats: env.execution.snapshot(),
        logs: env.logs,
      };
    } catch (err) {
      return {
        functionName,
        ok: false,
        result: undefined,
        error: errorInfo(err),
        stats: env.execution.snapshot(),
        logs: env.logs,
      };
    } finally {
      env.end();
    }
  }

  /** Runs every clock trigger due at `now` (default: the emulator clock), each as its own execution. */
  fireDueTriggers(now?: number | Date): ExecutionResult[] {
    if (now !== undefined) moveClockTo(this.state, +now);
    const at = clockNow(this.state);
    const results: ExecutionResult[] = [];
    for (const t of dueTriggers(this.state, at)) {
      markFired(t, at, this.runtime.options.scriptTimeZone);
      results.push(this.run(t.handler, [clockEvent(t, at)], { kind: 'trigger' }));
    }
    return results;
  }
}
