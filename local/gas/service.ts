/**
 * Plumbing shared by every emulated service: the context objects get, the class tag used for counting
 * (`SpreadsheetApp.Range`), and the in-process proxy that counts each call on the execution.
 *
 * Service classes are written once, as plain synchronous classes over the shared state. A method may
 * have an async twin (`tryLockAsync`, `fetchAllAsync`) which the multi-execution host prefers: it lets
 * the host wait for a lock or an HTTP answer without ever blocking its own thread.
 */
import type { Execution } from './execution';
import type { GasRuntime } from './runtime';

export const GAS_CLASS = Symbol.for('billgrid.gas.class');
export const GAS_TARGET = Symbol.for('billgrid.gas.target');
/** Objects whose public properties the script may assign (HtmlTemplate variables). */
export const GAS_OPEN_PROPS = Symbol.for('billgrid.gas.openProps');

export interface Ctx {
  rt: GasRuntime;
  exec: Execution;
}

export abstract class EmuObject {
  abstract readonly [GAS_CLASS]: string;
  constructor(protected readonly _ctx: Ctx) {}
}

export function isServiceObject(v: unknown): v is EmuObject {
  return (
    typeof v === 'object' && v !== null && typeof (v as { [GAS_CLASS]?: unknown })[GAS_CLASS] === 'string'
  );
}

export function gasClassOf(v: object): string {
  return String((v as { [GAS_CLASS]?: unknown })[GAS_CLASS] ?? 'Unknown');
}

/** The real object behind an in-process proxy (or the value itself). */
export function unwrap<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    const target = (v as { [GAS_TARGET]?: T })[GAS_TARGET];
    if (target !== undefined) return target;
  }
  return v;
}

/** Unwraps proxies inside (nested) arrays, leaving everything else untouched. */
export function unwrapDeep(v: unknown): unknown {
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => {
      const u = unwrapDeep(x);
      if (u !== x) changed = true;
      return u;
    });
    return changed ? out : v;
  }
  return unwrap(v);
}

/** Names never exposed to the bundle: internal helpers start with '_'. */
export function isPublicName(name: string): boolean {
  return !name.startsWith('_') && name !== 'constructor';
}

const proxies = new WeakMap<object, Map<Execution, object>>();

/** Wraps a service object so every method call is counted on `exec` and results are wrapped too. */
export function expose<T extends object>(obj: T, exec: Execution): T {
  let byExec = proxies.get(obj);
  if (!byExec) {
    byExec = new Map();
    proxies.set(obj, byExec);
  }
  const existing = byExec.get(exec);
  if (existing) return existing as T;
  const cls = gasClassOf(obj);
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  const proxy = new Proxy(obj, {
    get(target, prop) {
      if (prop === GAS_TARGET) return target;
      if (typeof prop === 'symbol') return Reflect.get(target, prop, target) as unknown;
      if (!isPublicName(prop)) return undefined;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = methods.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]) => {
          exec.beforeCall(cls, prop);
          return exposeDeep(method.apply(target, args.map(unwrapDeep)), exec);
        };
        methods.set(prop, fn);
      }
      return fn;
    },
    set(target, prop, value) {
      if (
        typeof prop !== 'string' ||
        !isPublicName(prop) ||
        !(target as { [GAS_OPEN_PROPS]?: boolean })[GAS_OPEN_PROPS]
      ) {
        return false;
      }
      return Reflect.set(target, prop, value);
    },
    has(target, prop) {
      return typeof prop === 'string' ? isPublicName(prop) && prop in target : prop in target;
    },
    ownKeys(target) {
      return Reflect.ownKeys(target).filter((k) => typeof k !== 'string' || isPublicName(k));
    },
  });
  byExec.set(exec, proxy);
  return proxy;
}

export function exposeDeep(v: unknown, exec: Execution): unknown {
  if (isServiceObject(v)) return expose(v, exec);
  if (Array.isArray(v) && v.some((x) => isServiceObject(x) || Array.isArray(x))) {
    let changed = false;
    const out = v.map((x) => {
      const e = exposeDeep(x, exec);
      if (e !== x) changed = true;
      return e;
    });
    return changed ? out : v;
  }
  return v;
}

export function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}
