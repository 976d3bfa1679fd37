/**
 * Loading the Apps Script bundle into a `vm` context whose only globals are the emulator services
 * (plus standard JS built-ins), and a static check that the bundle does not use Node/browser APIs.
 *
 * Values crossing into the context are re-created with the context's own Array/Date/Object/Error so
 * that `x instanceof Date` and `Array.isArray` behave inside the bundle exactly as on Google.
 */
import vm from 'node:vm';
import { installScriptTimeZone } from './script-zone';
import { isDate } from './service';

/** Names the bundle must not use: they do not exist in Apps Script. */
export const FORBIDDEN_GLOBALS = [
  'require',
  'process',
  'setTimeout',
  'setInterval',
  'fetch',
  'Buffer',
] as const;

export interface BundleProblem {
  name: string;
  line: number;
}

/** Blanks out comments, string/template literal text and regex literals, keeping line breaks. */
function codeOnly(src: string): string {
  // Chunks of the output; text copied unchanged is taken in runs (src.slice), not a character at a time.
  const out: string[] = [];
  let copiedTo = 0;
  const emit = (text: string) => {
    if (i > copiedTo) out.push(src.slice(copiedTo, i));
    out.push(text);
  };
  let i = 0;
  const templateDepth: number[] = [];
  let braceDepth = 0;
  let lastSignificant = '';
  let inWord = false;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    const ch = src[i];
    const next = src[i + 1];
    if (ch === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      emit(blank(src.slice(i, stop)));
      i = copiedTo = stop;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      emit(blank(src.slice(i, stop)));
      i = copiedTo = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== ch && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      emit(ch + blank(src.slice(i + 1, j)) + ch);
      i = copiedTo = j + 1;
      lastSignificant = 'str';
      continue;
    }
    if (
      ch === '`' ||
      (ch === '}' && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth)
    ) {
      if (ch === '}') templateDepth.pop();
      let j = i + 1;
      while (j < src.length && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{'))
        j += src[j] === '\\' ? 2 : 1;
      emit(' ' + blank(src.slice(i + 1, j)));
      if (src[j] === '$') {
        templateDepth.push(braceDepth);
        out.push('  ');
        i = copiedTo = j + 2;
      } else {
        out.push(' ');
        i = copiedTo = j + 1;
        lastSignificant = 'str';
      }
      continue;
    }
    if (
      ch === '/' &&
      /^$|[(,=:[!&|?{};+\-*%<>~^]$|\b(return|typeof|case|in|of|void|delete|throw)$/.test(lastSignificant)
    ) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        const c = src[j];
        if (c === '/' && !inClass) break;
        if (c === '[') inClass = true;
        if (c === ']') inClass = false;
        j += c === '\\' ? 2 : 1;
      }
      emit(' ' + blank(src.slice(i + 1, j)) + ' ');
      i = copiedTo = j + 1;
      lastSignificant = 're';
      continue;
    }
    if (ch === '{') braceDepth++;
    if (ch === '}') braceDepth--;
    // Copied unchanged (in the current run).
    const c = src.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36) {
      lastSignificant = inWord ? lastSignificant + ch : ch;
      inWord = true;
    } else {
      inWord = false;
      const space = c < 128 ? c === 32 || (c >= 9 && c <= 13) : /\s/.test(ch);
      if (!space) lastSignificant = ch;
    }
    i++;
  }
  if (src.length > copiedTo) out.push(src.slice(copiedTo));
  return out.join('');
}

/** Uses of forbidden globals (property accesses, object keys, method definitions and `typeof X` guards are fine). */
export function findBundleProblems(code: string): BundleProblem[] {
  const clean = codeOnly(code);
  const problems: BundleProblem[] = [];
  const re = new RegExp(`\\b(${FORBIDDEN_GLOBALS.join('|')})\\b`, 'g');
  for (let m = re.exec(clean); m; m = re.exec(clean)) {
    const before = clean.slice(Math.max(0, m.index - 20), m.index);
    const after = clean.slice(m.index + m[0].length, m.index + m[0].length + 200);
    if (/(\.|\?\.)\s*$/.test(before)) continue;
    if (/\b(typeof|as)\s+$/.test(before)) continue;
    if (/^\s*:(?!:)/.test(after) && /[{,]\s*$/.test(before)) continue;
    if (/^\s*\([^()]*\)\s*\{/.test(after) && /(^|[{};,]|\bfunction|\basync)\s*$/.test(before)) {
      // A method or function *definition* named like a global (e.g. a class method `fetch() {`).
      continue;
    }
    problems.push({ name: m[1], line: clean.slice(0, m.index).split('\n').length });
  }
  return problems;
}

/**
 * Bundles already found clean. Hosts load the same bundle text for every execution; the check is a pure
 * function of the text and costs about a second on the 1 MB bundle, so each text is checked once per
 * process (a bundle with problems is never remembered: it throws every time).
 */
const cleanBundles = new Set<string>();

export function assertBundleIsClean(code: string): void {
  if (cleanBundles.has(code)) return;
  const problems = findBundleProblems(code);
  if (problems.length > 0) {
    const list = problems
      .slice(0, 10)
      .map((p) => `${p.name} (line ${p.line})`)
      .join(', ');
    throw new Error(`The bundle uses names that do not exist in Apps Script: ${list}`);
  }
  if (cleanBundles.size >= 8) cleanBundles.clear();
  cleanBundles.add(code);
}

interface Intrinsics {
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Date: DateConstructor;
  Error: ErrorConstructor;
}

const BRIDGE_TARGET = Symbol.for('billgrid.gas.bridgeTarget');

/** Plain data (arrays, Dates, plain objects) is copied into the context; objects with methods are proxied. */
function isPlainData(v: object): boolean {
  if (Array.isArray(v) || isDate(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
  return !Object.values(v).some((x) => typeof x === 'function');
}

export class RealmBridge {
  private proxies = new WeakMap<object, object>();
  constructor(private readonly inner: Intrinsics) {}

  /** Outer value → value usable inside the context. */
  in(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (isDate(v)) return new this.inner.Date(v.getTime());
    if (Array.isArray(v)) {
      const out = new this.inner.Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = this.in(v[i]);
      return out;
    }
    if (isPlainData(v)) {
      const out = new this.inner.Object() as Record<string, unknown>;
      for (const [k, x] of Object.entries(v)) out[k] = this.in(x);
      return out;
    }
    return this.proxy(v);
  }

  /** Value coming out of the context → what the services expect (their own objects unwrapped). */
  out(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    const target = (v as { [BRIDGE_TARGET]?: object })[BRIDGE_TARGET];
    if (target) return target;
    if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null))
      return v.map((x) => this.out(x));
    return v;
  }

  error(err: unknown): Error {
    const e = err as { name?: string; message?: string; stack?: string } | null;
    const inner = new this.inner.Error(String(e?.message ?? err));
    inner.name = String(e?.name ?? 'Error');
    return inner;
  }

  private proxy(obj: object): object {
    const existing = this.proxies.get(obj);
    if (existing) return existing;
    const fns = new Map<string, (...args: unknown[]) => unknown>();
    const p = new Proxy(obj, {
      get: (target, prop) => {
        if (prop === BRIDGE_TARGET) return target;
        if (typeof prop === 'symbol') return undefined;
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return this.in(value);
        let fn = fns.get(prop);
        if (!fn) {
          const method = value as (...args: unknown[]) => unknown;
          fn = (...args: unknown[]) => {
            let result: unknown;
            try {
              result = method.apply(
                target,
                args.map((a) => this.out(a)),
              );
            } catch (err) {
              throw this.error(err);
            }
            return this.in(result);
          };
          fns.set(prop, fn);
        }
        return fn;
      },
      set: (target, prop, value) => Reflect.set(target, prop, this.out(value)),
    });
    this.proxies.set(obj, p);
    return p;
  }
}

export interface LoadedBundle {
  context: vm.Context;
  /** Top-level function names (the bundle's entry points). */
  functions: string[];
  bridge: RealmBridge;
  /** Calls a top-level function; arguments are copied into the context. */
  call(name: string, ...args: unknown[]): unknown;
}

export interface LoadBundleOptions {
  filename?: string;
  /** Run the static check first (default true). */
  check?: boolean;
  /**
   * What `Date.now()` and `new Date()` say inside the bundle (epoch ms). On Google, time passes while
   * services are called; hosts pass the execution's start on the emulator clock plus its modelled time,
   * so a job's own time budget sees the same time the 6-minute limit is enforced on.
   */
  clock?: () => number;
  /** The script's time zone (appsscript.json `timeZone`): the bundle's local time, as on Google. */
  timeZone?: string;
}

/** Replace the context's Date with one whose "now" is `clock()`; instances stay real Dates. */
function installClock(context: vm.Context, clock: () => number): void {
  const install = vm.runInContext(
    `(function (clock) {
      var RealDate = Date;
      function BundleDate(a, b, c, d, e, f, g) {
        var n = arguments.length;
        if (!(this instanceof BundleDate)) return new RealDate(clock()).toString();
        if (n === 0) return new RealDate(clock());
        if (n === 1) return new RealDate(a);
        return new RealDate(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0);
      }
      BundleDate.prototype = RealDate.prototype;
      BundleDate.now = function () { return clock(); };
      BundleDate.parse = RealDate.parse;
      BundleDate.UTC = RealDate.UTC;
      Object.defineProperty(globalThis, 'Date', { value: BundleDate, writable: true, configurable: true, enumerable: false });
    })`,
    context,
  ) as (clock: () => number) => void;
  install(() => Number(clock()));
}

export function loadBundle(code: string, globals: object, options: LoadBundleOptions = {}): LoadedBundle {
  if (options.check !== false) assertBundleIsClean(code);
  const context = vm.createContext({});
  const inner = vm.runInContext('({ Array, Object, Date, Error })', context) as Intrinsics;
  const bridge = new RealmBridge(inner);
  if (options.clock) installClock(context, options.clock);
  if (options.timeZone) installScriptTimeZone(context, options.timeZone);
  for (const [name, service] of Object.entries(globals)) {
    Object.defineProperty(context, name, {
      value: bridge.in(service),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  vm.runInContext(code, context, { filename: options.filename ?? 'Code.js' });
  const reserved = new Set(Object.keys(globals));
  const functions = Object.keys(context).filter(
    (k) => !reserved.has(k) && typeof (context as Record<string, unknown>)[k] === 'function',
  );
  return {
    context,
    functions,
    bridge,
    call(name: string, ...args: unknown[]): unknown {
      const fn = (context as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`Script function not found: ${name}`);
      return (fn as (...a: unknown[]) => unknown)(...args.map((a) => bridge.in(a)));
    },
  };
}
