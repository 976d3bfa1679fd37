/**
 * What crosses google.script.run between a sidebar and the server, by Google's rules
 * (https://developers.google.com/apps-script/guides/html/reference/run, parameters): "Legal parameters are
 * JavaScript primitives like a Number, Boolean, String, or null, as well as JavaScript objects and arrays
 * that are composed of primitives, objects, and arrays … Requests fail if you attempt to pass a Date,
 * Function, DOM element besides a form, or other prohibited type, including prohibited types inside objects
 * or arrays. Objects that create circular references will also fail, and undefined fields within arrays
 * become null. … an object passed to the server becomes a copy of the original."
 * Return values are not described there; community tests report that a Date anywhere in a returned value
 * makes the success handler receive null (unverified wording; see FIDELITY.md). Used by the hosts for
 * 'sidebar' executions and by the workbench's google.script.run shim. No Node or DOM imports: the shim
 * bundles this file for the browser.
 */

/** The message the page's failure handler gets (wording as widely reported, unverified). */
export const illegalValue = (path: string): string => `Failed due to illegal value in property: ${path}`;

export class ScriptRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Error';
  }
}

type Verdict = { ok: true; value: unknown } | { ok: false; path: string };

/**
 * A copy of `value` as the other side receives it: undefined in arrays becomes null, undefined object
 * fields are left out, any other object becomes a plain object of its own enumerable fields (a Map or a
 * class instance loses what is not such a field). A Date, function, symbol or bigint, or a circular
 * reference, makes it illegal (`path` names where).
 */
function copy(value: unknown, path: string, seen: Set<object>): Verdict {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number') return { ok: true, value };
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return { ok: false, path };
  }
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    return { ok: false, path };
  }
  const obj = value as object;
  if (seen.has(obj)) return { ok: false, path };
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: unknown[] = [];
      for (let i = 0; i < obj.length; i++) {
        const v = copy(obj[i], path ? `${path}.${i}` : String(i), seen);
        if (!v.ok) return v;
        out.push(v.value === undefined ? null : v.value);
      }
      return { ok: true, value: out };
    }
    const out: Record<string, unknown> = {};
    for (const [k, field] of Object.entries(obj)) {
      const v = copy(field, path ? `${path}.${k}` : k, seen);
      if (!v.ok) return v;
      if (v.value !== undefined) out[k] = v.value;
    }
    return { ok: true, value: out };
  } finally {
    seen.delete(obj);
  }
}

/** The arguments a server function receives from google.script.run; throws as the request would fail. */
export function scriptRunArgs(args: readonly unknown[]): unknown[] {
  const v = copy([...args], '', new Set());
  if (!v.ok) throw new ScriptRunError(illegalValue(v.path));
  return v.value as unknown[];
}

/** What the page's success handler receives for a server function's return value. */
export function scriptRunResult(value: unknown): unknown {
  const v = copy(value, '', new Set());
  if (!v.ok) return null;
  return v.value === undefined ? undefined : v.value;
}
