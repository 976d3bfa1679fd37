/**
 * Autotask REST query filter language, as documented in "Making basic query calls to the REST API":
 * a `filter` array (implicitly AND) of conditions `{ op, field, value }` and groups `{ op: 'and'|'or', items }`.
 * Operators: eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in, notIn.
 * String comparisons are case-insensitive (Autotask's SQL collation); date strings compare as instants.
 */
export type AtRecord = Record<string, unknown>;

export interface Condition {
  op: string;
  field?: string;
  value?: unknown;
  items?: Condition[];
}

export class FilterError extends Error {}

const COMPARE_OPS = new Set(['eq', 'noteq', 'gt', 'gte', 'lt', 'lte']);
const STRING_OPS = new Set(['beginswith', 'endswith', 'contains']);
const LIST_OPS = new Set(['in', 'notin']);
const EXIST_OPS = new Set(['exist', 'notexist']);
const GROUP_OPS = new Set(['and', 'or']);
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;

/** Autotask limits a query to 500 OR conditions (and an `in` list to 500 values). */
export const MAX_OR_CONDITIONS = 500;

export function parseFilter(raw: unknown, fields: ReadonlySet<string>, entity: string): Condition[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new FilterError('Query filter is required; supply at least one filter condition.');
  }
  let orCount = 0;
  const walk = (c: unknown): Condition => {
    if (typeof c !== 'object' || c === null) throw new FilterError('Each filter item must be an object.');
    const o = c as Record<string, unknown>;
    const op = typeof o.op === 'string' ? o.op.toLowerCase() : '';
    if (GROUP_OPS.has(op)) {
      if (!Array.isArray(o.items) || o.items.length === 0) {
        throw new FilterError(`The '${op}' group needs a non-empty items array.`);
      }
      if (op === 'or') orCount += o.items.length;
      return { op, items: o.items.map(walk) };
    }
    if (![...COMPARE_OPS, ...STRING_OPS, ...LIST_OPS, ...EXIST_OPS].includes(op)) {
      throw new FilterError(`Invalid filter operator '${String(o.op)}'.`);
    }
    if (typeof o.field !== 'string' || !o.field)
      throw new FilterError('Each filter condition needs a field.');
    const field = [...fields].find((f) => f.toLowerCase() === String(o.field).toLowerCase());
    if (!field) throw new FilterError(`Unable to find ${String(o.field)} in the ${entity} entity.`);
    if (LIST_OPS.has(op)) {
      if (!Array.isArray(o.value)) throw new FilterError(`The '${op}' operator needs an array value.`);
      if (o.value.length > MAX_OR_CONDITIONS) {
        throw new FilterError(`Queries are limited to ${MAX_OR_CONDITIONS} or fewer 'OR' conditions.`);
      }
      orCount += o.value.length;
    } else if (!EXIST_OPS.has(op) && o.value === undefined) {
      throw new FilterError(`The '${op}' condition on ${field} needs a value.`);
    }
    return { op, field, value: o.value };
  };
  const parsed = raw.map(walk);
  if (orCount > MAX_OR_CONDITIONS) {
    throw new FilterError(
      `Invalid query syntax. Queries are limited to ${MAX_OR_CONDITIONS} or fewer 'OR' conditions.`,
    );
  }
  return parsed;
}

function norm(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = String(v);
  if (DATE_LIKE.test(s)) return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return s.toLowerCase();
}

function compare(a: unknown, b: unknown): number | null {
  return compareNormed(norm(a), norm(b));
}

export function matches(rec: AtRecord, c: Condition): boolean {
  if (c.op === 'and') return (c.items ?? []).every((i) => matches(rec, i));
  if (c.op === 'or') return (c.items ?? []).some((i) => matches(rec, i));
  const v = rec[c.field as string];
  switch (c.op) {
    case 'exist':
      return v !== undefined && v !== null && v !== '';
    case 'notexist':
      return v === undefined || v === null || v === '';
    case 'in':
      return (c.value as unknown[]).some((x) => compare(v, x) === 0);
    case 'notin':
      return !(c.value as unknown[]).some((x) => compare(v, x) === 0);
    case 'beginswith':
    case 'endswith':
    case 'contains': {
      if (v === undefined || v === null) return false;
      const s = String(v).toLowerCase();
      const t = String(c.value).toLowerCase();
      return c.op === 'contains' ? s.includes(t) : c.op === 'beginswith' ? s.startsWith(t) : s.endsWith(t);
    }
    default: {
      const r = compare(v, c.value);
      if (c.op === 'noteq') return r !== 0;
      if (r === null) return false;
      if (c.op === 'eq') return r === 0;
      if (c.op === 'gt') return r > 0;
      if (c.op === 'gte') return r >= 0;
      if (c.op === 'lt') return r < 0;
      return r <= 0;
    }
  }
}

/**
 * `matches` for every condition of a filter, compiled once per query: condition values are normalised
 * once instead of once per record, an `in` list of numbers is a Set, and an OR of `contains` on one field
 * (BillGrid looks charges up by 450 line keys at a time) tests the field's text once. Same answers as
 * `matches` (tests/connectors/psa/autotask/sandbox-filter.test.ts); without it a 100,000-line month's queries
 * took minutes of sandbox time, which the emulator then counted as Autotask's answer time.
 */
export function compileFilter(conditions: readonly Condition[]): (rec: AtRecord) => boolean {
  const tests = conditions.map(compile);
  return (rec) => tests.every((t) => t(rec));
}

type Test = (rec: AtRecord) => boolean;

function compile(c: Condition): Test {
  if (c.op === 'and') {
    const items = (c.items ?? []).map(compile);
    return (rec) => items.every((t) => t(rec));
  }
  if (c.op === 'or') return anyContains(c.items ?? []) ?? anyOf((c.items ?? []).map(compile));
  const field = c.field as string;
  switch (c.op) {
    case 'in':
    case 'notin': {
      const hit = inList(c.value as unknown[]);
      return c.op === 'in' ? (rec) => hit(rec[field]) : (rec) => !hit(rec[field]);
    }
    case 'beginswith':
    case 'endswith':
    case 'contains': {
      const t = String(c.value).toLowerCase();
      return (rec) => {
        const v = rec[field];
        if (v === undefined || v === null) return false;
        const s = String(v).toLowerCase();
        return c.op === 'contains' ? s.includes(t) : c.op === 'beginswith' ? s.startsWith(t) : s.endsWith(t);
      };
    }
    case 'eq':
    case 'noteq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const y = norm(c.value);
      return (rec) => {
        const r = compareNormed(norm(rec[field]), y);
        if (c.op === 'noteq') return r !== 0;
        if (r === null) return false;
        if (c.op === 'eq') return r === 0;
        if (c.op === 'gt') return r > 0;
        if (c.op === 'gte') return r >= 0;
        if (c.op === 'lt') return r < 0;
        return r <= 0;
      };
    }
    default:
      return (rec) => matches(rec, c);
  }
}

const anyOf =
  (items: Test[]): Test =>
  (rec) =>
    items.some((t) => t(rec));

/** compare(a, b) with both sides already through norm. */
function compareNormed(nx: ReturnType<typeof norm>, ny: ReturnType<typeof norm>): number | null {
  let x = nx;
  let y = ny;
  if (x === null || y === null) return null;
  if (typeof x === 'number' && typeof y === 'string' && y.trim() !== '' && !Number.isNaN(Number(y)))
    y = Number(y);
  if (typeof y === 'number' && typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x)))
    x = Number(x);
  if (typeof x === 'boolean' || typeof y === 'boolean') return String(x) === String(y) ? 0 : 1;
  if (typeof x !== typeof y) return String(x) === String(y) ? 0 : String(x) < String(y) ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Whether a record value equals one of the list's values (as compare does). */
function inList(values: unknown[]): (v: unknown) => boolean {
  if (values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    // A finite number equals a record value only when that value normalises to the same number
    // (a number, a date string's instant, or numeric text).
    const set = new Set(values as number[]);
    return (v) => {
      const x = norm(v);
      if (typeof x === 'number') return set.has(x);
      if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return set.has(Number(x));
      return false;
    };
  }
  const ys = values.map(norm);
  return (v) => {
    const x = norm(v);
    return ys.some((y) => compareNormed(x, y) === 0);
  };
}

/**
 * An OR made only of `contains` on one field: the field's lower-case text is looked up once for every
 * needle. Needles are found at the occurrences of their common prefix (BillGrid's keys all start 'bg-'),
 * or at every position when they share none. Null when the group is anything else.
 */
function anyContains(items: readonly Condition[]): Test | null {
  if (items.length < 2 || !items.every((i) => i.op === 'contains' && i.field === items[0].field)) return null;
  const field = items[0].field as string;
  const needles = items.map((i) => String(i.value).toLowerCase());
  if (needles.some((n) => n === '')) return (rec) => rec[field] !== undefined && rec[field] !== null;
  const byLength = new Map<number, Set<string>>();
  for (const n of needles) {
    const set = byLength.get(n.length) ?? new Set<string>();
    set.add(n);
    byLength.set(n.length, set);
  }
  let prefix = needles[0];
  for (const n of needles) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const at = (s: string, i: number): boolean => {
    for (const [len, set] of byLength) if (i + len <= s.length && set.has(s.slice(i, i + len))) return true;
    return false;
  };
  return (rec) => {
    const v = rec[field];
    if (v === undefined || v === null) return false;
    const s = String(v).toLowerCase();
    if (prefix) {
      for (let i = s.indexOf(prefix); i >= 0; i = s.indexOf(prefix, i + 1)) if (at(s, i)) return true;
      return false;
    }
    for (let i = 0; i < s.length; i++) if (at(s, i)) return true;
    return false;
  };
}
