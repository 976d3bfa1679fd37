/**
 * ConnectWise PSA's `conditions` query language, as far as its documentation and public clients show it
 * (SOURCES.md of the connector): `field op value` joined with `and`/`or`, parentheses, `not`; fields are
 * paths with `/` (company/id, product/identifier); operators = != < <= > >= contains like in (and `not`
 * before like/contains/in); values are "strings" (double quotes; single quotes accepted), numbers,
 * true/false, null and [dates]. String comparisons ignore case (ConnectWise runs on SQL Server's default
 * case-insensitive collation). A condition the sandbox cannot parse is a 400, as ConnectWise refuses it.
 */

export type CwValue = string | number | boolean | null | { date: number } | CwValue[];

type Node =
  | { kind: 'and' | 'or'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'cmp'; field: string; op: string; value: CwValue };

export class ConditionError extends Error {}

const TOKEN =
  /\s*(?:(\()|(\))|(,)|("(?:[^"\\]|\\.)*")|('(?:[^'\\]|\\.)*')|(\[[^\]]*\])|(!=|<=|>=|=|<|>)|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_/.]*))/y;

interface Tok {
  t: 'open' | 'close' | 'comma' | 'str' | 'date' | 'op' | 'num' | 'word';
  v: string;
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new ConditionError(`Unexpected text at position ${pos}: '${text.slice(pos, pos + 20)}'`);
    pos = TOKEN.lastIndex;
    if (m[1]) out.push({ t: 'open', v: '(' });
    else if (m[2]) out.push({ t: 'close', v: ')' });
    else if (m[3]) out.push({ t: 'comma', v: ',' });
    else if (m[4] ?? m[5]) {
      const raw = (m[4] ?? m[5]).slice(1, -1);
      out.push({ t: 'str', v: raw.replace(/\\(.)/g, '$1') });
    } else if (m[6]) out.push({ t: 'date', v: m[6].slice(1, -1) });
    else if (m[7]) out.push({ t: 'op', v: m[7] });
    else if (m[8]) out.push({ t: 'num', v: m[8] });
    else out.push({ t: 'word', v: m[9] });
  }
  return out;
}

export function parseConditions(text: string): Node | null {
  if (!text.trim()) return null;
  const toks = tokenize(text);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const word = (w: string): boolean => peek()?.t === 'word' && peek()!.v.toLowerCase() === w;
  const value = (): CwValue => {
    const t = toks[i++];
    if (!t) throw new ConditionError('A condition ends without a value');
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'date') {
      const ms = Date.parse(/T/.test(t.v) ? t.v : `${t.v}T00:00:00Z`);
      if (Number.isNaN(ms)) throw new ConditionError(`[${t.v}] is not a date`);
      return { date: ms };
    }
    if (t.t === 'word' && /^(true|false)$/i.test(t.v)) return t.v.toLowerCase() === 'true';
    if (t.t === 'word' && /^null$/i.test(t.v)) return null;
    throw new ConditionError(`'${t.v}' is not a value (strings need double quotes)`);
  };
  const comparison = (): Node => {
    const f = toks[i++];
    if (f?.t !== 'word') throw new ConditionError(`Expected a field name, found '${f?.v ?? 'the end'}'`);
    let negate = false;
    if (word('not')) {
      negate = true;
      i++;
    }
    const o = toks[i++];
    let op: string;
    if (o?.t === 'op' && !negate) op = o.v;
    else if (o?.t === 'word' && /^(contains|like|in)$/i.test(o.v)) op = o.v.toLowerCase();
    else throw new ConditionError(`'${o?.v ?? 'the end'}' is not an operator after ${f.v}`);
    let v: CwValue;
    if (op === 'in') {
      if (toks[i++]?.t !== 'open') throw new ConditionError('in needs a (list)');
      const list: CwValue[] = [];
      while (peek()?.t !== 'close') {
        list.push(value());
        if (peek()?.t === 'comma') i++;
        else if (peek()?.t !== 'close') throw new ConditionError('in list: expected , or )');
      }
      i++;
      v = list;
    } else v = value();
    const node: Node = { kind: 'cmp', field: f.v, op, value: v };
    return negate ? { kind: 'not', item: node } : node;
  };
  const factor = (): Node => {
    if (word('not')) {
      i++;
      return { kind: 'not', item: factor() };
    }
    if (peek()?.t === 'open') {
      i++;
      const e = expr();
      if (toks[i++]?.t !== 'close') throw new ConditionError('Missing )');
      return e;
    }
    return comparison();
  };
  const term = (): Node => {
    const items = [factor()];
    while (word('and')) {
      i++;
      items.push(factor());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const expr = (): Node => {
    const items = [term()];
    while (word('or')) {
      i++;
      items.push(term());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const e = expr();
  if (i < toks.length) throw new ConditionError(`Unexpected '${toks[i].v}'`);
  return e;
}

/** The value at a `a/b` path of a record; undefined when the path does not exist on the entity. */
export function at(rec: unknown, path: string): unknown {
  let cur: unknown = rec;
  for (const part of path.split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const obj = cur as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    if (key === undefined) return undefined;
    cur = obj[key];
  }
  return cur;
}

function compare(a: unknown, b: CwValue): number | null {
  if (b === null || a === null || a === undefined) return null;
  if (typeof b === 'object' && 'date' in b) {
    const ms = typeof a === 'string' ? Date.parse(a) : NaN;
    return Number.isNaN(ms) ? null : ms - b.date;
  }
  if (typeof b === 'number' && typeof a === 'number') return a - b;
  if (typeof b === 'boolean') return a === b ? 0 : 1;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  const src = pattern
    .split('')
    .map((c) => (c === '%' || c === '*' ? '.*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${src}$`, 'is');
}

export function matches(node: Node | null, rec: unknown, known: (field: string) => boolean): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matches(n, rec, known));
    case 'or':
      return node.items.some((n) => matches(n, rec, known));
    case 'not':
      return !matches(node.item, rec, known);
    case 'cmp': {
      if (!known(node.field)) throw new ConditionError(`Unknown field '${node.field}'`);
      const a = at(rec, node.field);
      const v = node.value;
      switch (node.op) {
        case '=':
          if (v === null) return a === null || a === undefined;
          return compare(a, v) === 0;
        case '!=':
          if (v === null) return a !== null && a !== undefined;
          return compare(a, v) !== 0;
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const c = compare(a, v);
          if (c === null) return false;
          return node.op === '<' ? c < 0 : node.op === '<=' ? c <= 0 : node.op === '>' ? c > 0 : c >= 0;
        }
        case 'contains':
          return typeof a === 'string' && a.toLowerCase().includes(String(v).toLowerCase());
        case 'like':
          return typeof a === 'string' && likeRegex(String(v)).test(a);
        case 'in':
          return Array.isArray(v) && v.some((x) => compare(a, x) === 0);
      }
      throw new ConditionError(`Unknown operator '${node.op}'`);
    }
  }
}
