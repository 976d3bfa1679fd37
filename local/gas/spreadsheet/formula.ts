/**
 * A tiny formula evaluator: enough that formula cells read back as values the way Sheets computes
 * them for simple cases (references, arithmetic, &, comparisons, SUM/MIN/MAX/AVERAGE/COUNT/COUNTA/
 * ROUND/ABS/IF/AND/OR/NOT/CONCATENATE/LEN/UPPER/LOWER/TRIM/IFERROR/ISBLANK). Anything else yields
 * '#NAME?' (unknown function) or '#ERROR!' (unparseable) — never the formula text.
 */
import type { JsValue } from './values';
import { isDate } from '../service';
import { lettersToColumn } from './a1';

export class FormulaError {
  constructor(readonly code: string) {}
}

export type FValue = JsValue | FormulaError;

export interface FormulaHost {
  /** Value of one cell; sheetName null = the formula's own sheet. */
  cell(sheetName: string | null, row: number, column: number): FValue;
  /** Number of rows/columns of a sheet (for whole-column refs like A:A). */
  size(sheetName: string | null): { rows: number; columns: number } | null;
  dateSerial(d: Date): number;
}

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'ref'; sheet: string | null; a: string; b: string | null }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

const REF_PART = String.raw`\$?[A-Za-z]{1,3}\$?\d+|\$?[A-Za-z]{1,3}|\$?\d+`;
const SHEET = String.raw`(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!`;
const REF = new RegExp(`^(${SHEET})?(${REF_PART})(?::(${REF_PART}))?`);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num && !/^[A-Za-z]/.test(rest.slice(num[0].length))) {
      // '1:3' style row ranges are refs, not numbers.
      if (!/^\d+:\d+/.test(rest)) {
        out.push({ t: 'num', v: Number(num[0]) });
        i += num[0].length;
        continue;
      }
    }
    if (rest[0] === '"') {
      let j = 1;
      let s = '';
      for (;;) {
        if (j >= rest.length) throw new FormulaError('#ERROR!');
        if (rest[j] === '"') {
          if (rest[j + 1] === '"') {
            s += '"';
            j += 2;
            continue;
          }
          break;
        }
        s += rest[j++];
      }
      out.push({ t: 'str', v: s });
      i += j + 1;
      continue;
    }
    const ref = REF.exec(rest);
    if (ref && !/^[A-Za-z0-9_(]/.test(rest.slice(ref[0].length)) && (ref[1] || /\d/.test(ref[2]) || ref[3])) {
      let sheet: string | null = null;
      if (ref[1]) {
        sheet = ref[1].slice(0, -1);
        if (sheet.startsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'");
      }
      out.push({
        t: 'ref',
        sheet,
        a: ref[2].replace(/\$/g, ''),
        b: ref[3] ? ref[3].replace(/\$/g, '') : null,
      });
      i += ref[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (id) {
      out.push({ t: 'id', v: id[0].toUpperCase() });
      i += id[0].length;
      continue;
    }
    const op = /^(<>|<=|>=|[-+*/^&=<>(),;%:{}])/.exec(rest);
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new FormulaError('#ERROR!');
  }
  return out;
}

/** A range argument: a 2-D block of values. */
class Block {
  constructor(readonly values: FValue[][]) {}
}

type Arg = FValue | Block;

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly host: FormulaHost,
  ) {}

  parse(): Arg {
    const v = this.comparison();
    if (this.i < this.toks.length) throw new FormulaError('#ERROR!');
    return v;
  }

  private peekOp(...ops: string[]): string | null {
    const t = this.toks[this.i];
    return t && t.t === 'op' && ops.includes(t.v) ? t.v : null;
  }

  private comparison(): Arg {
    let left = this.concat();
    for (
      let op = this.peekOp('=', '<>', '<', '>', '<=', '>=');
      op;
      op = this.peekOp('=', '<>', '<', '>', '<=', '>=')
    ) {
      this.i++;
      left = compare(op, this.scalar(left), this.scalar(this.concat()));
    }
    return left;
  }

  private concat(): Arg {
    let left = this.additive();
    while (this.peekOp('&')) {
      this.i++;
      const a = this.scalar(left);
      const b = this.scalar(this.additive());
      left =
        a instanceof FormulaError
          ? a
          : b instanceof FormulaError
            ? b
            : text(a, this.host) + text(b, this.host);
    }
    return left;
  }

  private additive(): Arg {
    let left = this.term();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.i++;
      left = arith(op, this.num(left), this.num(this.term()));
    }
    return left;
  }

  private term(): Arg {
    let left = this.power();
    for (let op = this.peekOp('*', '/'); op; op = this.peekOp('*', '/')) {
      this.i++;
      left = arith(op, this.num(left), this.num(this.power()));
    }
    return left;
  }

  private power(): Arg {
    let left = this.unary();
    while (this.peekOp('^')) {
      this.i++;
      left = arith('^', this.num(left), this.num(this.unary()));
    }
    return left;
  }

  private unary(): Arg {
    const op = this.peekOp('-', '+');
    if (op) {
      this.i++;
      const v = this.num(this.unary());
      return v instanceof FormulaError ? v : op === '-' ? -v : v;
    }
    let v = this.primary();
    while (this.peekOp('%')) {
      this.i++;
      const n = this.num(v);
      v = n instanceof FormulaError ? n : n / 100;
    }
    return v;
  }

  private primary(): Arg {
    const t = this.toks[this.i++];
    if (!t) throw new FormulaError('#ERROR!');
    if (t.t === 'num' || t.t === 'str') return t.v;
    if (t.t === 'ref') return this.ref(t);
    if (t.t === 'op' && t.v === '(') {
      const v = this.comparison();
      if (!this.peekOp(')')) throw new FormulaError('#ERROR!');
      this.i++;
      return v;
    }
    if (t.t === 'id') {
      if (this.peekOp('(')) {
        this.i++;
        const args: Arg[] = [];
        if (!this.peekOp(')')) {
          for (;;) {
            args.push(this.comparison());
            if (this.peekOp(',', ';')) {
              this.i++;
              continue;
            }
            break;
          }
        }
        if (!this.peekOp(')')) throw new FormulaError('#ERROR!');
        this.i++;
        return callFunction(t.v, args, this.host);
      }
      if (t.v === 'TRUE' || t.v === 'FALSE') return t.v === 'TRUE';
      return new FormulaError('#NAME?');
    }
    throw new FormulaError('#ERROR!');
  }

  private ref(t: Extract<Token, { t: 'ref' }>): Arg {
    const a = splitRef(t.a);
    if (!t.b) {
      if (a.row === null || a.col === null) return new FormulaError('#NAME?');
      return this.host.cell(t.sheet, a.row, a.col);
    }
    const b = splitRef(t.b);
    const size = this.host.size(t.sheet);
    if (!size) return new FormulaError('#REF!');
    const r1 = a.row ?? 1;
    const c1 = a.col ?? 1;
    const r2 = Math.min(b.row ?? size.rows, size.rows);
    const c2 = Math.min(b.col ?? size.columns, size.columns);
    const rows: FValue[][] = [];
    for (let r = Math.min(r1, r2); r <= Math.max(r1, r2); r++) {
      const line: FValue[] = [];
      for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) line.push(this.host.cell(t.sheet, r, c));
      rows.push(line);
    }
    return new Block(rows);
  }

  scalar(v: Arg): FValue {
    if (v instanceof Block)
      return v.values.length === 1 && v.values[0].length === 1 ? v.values[0][0] : new FormulaError('#VALUE!');
    return v;
  }

  num(v: Arg): number | FormulaError {
    return toNumber(this.scalar(v), this.host);
  }
}

function splitRef(s: string): { row: number | null; col: number | null } {
  const m = /^([A-Za-z]*)(\d*)$/.exec(s);
  return { col: m && m[1] ? lettersToColumn(m[1]) : null, row: m && m[2] ? Number(m[2]) : null };
}

function toNumber(v: FValue, host: FormulaHost): number | FormulaError {
  if (v instanceof FormulaError) return v;
  if (v === '') return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isDate(v)) return host.dateSerial(v);
  const n = Number(v.trim());
  return v.trim() !== '' && Number.isFinite(n) ? n : new FormulaError('#VALUE!');
}

function text(v: JsValue, host: FormulaHost): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (isDate(v)) return String(host.dateSerial(v));
  return String(v);
}

function arith(op: string, a: number | FormulaError, b: number | FormulaError): FValue {
  if (a instanceof FormulaError) return a;
  if (b instanceof FormulaError) return b;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? new FormulaError('#DIV/0!') : a / b;
    default:
      return a ** b;
  }
}

function compare(op: string, a: FValue, b: FValue): FValue {
  if (a instanceof FormulaError) return a;
  if (b instanceof FormulaError) return b;
  const norm = (x: JsValue) => (isDate(x) ? x.getTime() : typeof x === 'string' ? x.toLowerCase() : x);
  const x = norm(a);
  const y = norm(b);
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

function flat(args: Arg[]): Array<{ v: FValue; fromRange: boolean }> {
  const out: Array<{ v: FValue; fromRange: boolean }> = [];
  for (const a of args) {
    if (a instanceof Block) for (const row of a.values) for (const v of row) out.push({ v, fromRange: true });
    else out.push({ v: a, fromRange: false });
  }
  return out;
}

/** Numbers of the arguments the way SUM/MIN/MAX see them: text in ranges is skipped. */
function numbers(args: Arg[], host: FormulaHost): number[] | FormulaError {
  const out: number[] = [];
  for (const { v, fromRange } of flat(args)) {
    if (v instanceof FormulaError) return v;
    if (fromRange && (typeof v === 'string' || typeof v === 'boolean')) continue;
    const n = toNumber(v, host);
    if (n instanceof FormulaError) return n;
    out.push(n);
  }
  return out;
}

function callFunction(name: string, args: Arg[], host: FormulaHost): Arg {
  const one = (i: number): FValue => {
    const a = args[i];
    if (a === undefined) return '';
    return a instanceof Block ? (a.values[0]?.[0] ?? '') : a;
  };
  const agg = (f: (ns: number[]) => FValue) => {
    const ns = numbers(args, host);
    return ns instanceof FormulaError ? ns : f(ns);
  };
  switch (name) {
    case 'SUM':
      return agg((ns) => ns.reduce((s, n) => s + n, 0));
    case 'MIN':
      return agg((ns) => (ns.length ? Math.min(...ns) : 0));
    case 'MAX':
      return agg((ns) => (ns.length ? Math.max(...ns) : 0));
    case 'AVERAGE':
      return agg((ns) =>
        ns.length ? ns.reduce((s, n) => s + n, 0) / ns.length : new FormulaError('#DIV/0!'),
      );
    case 'COUNT':
      return flat(args).filter(({ v }) => typeof v === 'number' || isDate(v)).length;
    case 'COUNTA':
      return flat(args).filter(({ v }) => v !== '').length;
    case 'ROUND': {
      const n = toNumber(one(0), host);
      const d = args.length > 1 ? toNumber(one(1), host) : 0;
      if (n instanceof FormulaError) return n;
      if (d instanceof FormulaError) return d;
      const f = 10 ** Math.trunc(d);
      return (Math.sign(n) * Math.round(Math.abs(n) * f)) / f;
    }
    case 'ABS': {
      const n = toNumber(one(0), host);
      return n instanceof FormulaError ? n : Math.abs(n);
    }
    case 'IF': {
      const c = one(0);
      if (c instanceof FormulaError) return c;
      const truthy = typeof c === 'string' ? new FormulaError('#VALUE!') : toNumber(c, host);
      if (truthy instanceof FormulaError) return truthy;
      return truthy !== 0 ? (args[1] ?? true) : (args[2] ?? false);
    }
    case 'AND':
    case 'OR': {
      const ns = numbers(args, host);
      if (ns instanceof FormulaError) return ns;
      return name === 'AND' ? ns.every((n) => n !== 0) : ns.some((n) => n !== 0);
    }
    case 'NOT': {
      const n = toNumber(one(0), host);
      return n instanceof FormulaError ? n : n === 0;
    }
    case 'CONCATENATE':
    case 'CONCAT': {
      let s = '';
      for (const { v } of flat(args)) {
        if (v instanceof FormulaError) return v;
        s += text(v, host);
      }
      return s;
    }
    case 'LEN':
    case 'UPPER':
    case 'LOWER':
    case 'TRIM': {
      const v = one(0);
      if (v instanceof FormulaError) return v;
      const s = text(v, host);
      if (name === 'LEN') return s.length;
      if (name === 'UPPER') return s.toUpperCase();
      if (name === 'LOWER') return s.toLowerCase();
      return s.trim().replace(/\s+/g, ' ');
    }
    case 'IFERROR': {
      const v = one(0);
      return v instanceof FormulaError ? (args[1] ?? '') : v;
    }
    case 'ISBLANK':
      return one(0) === '';
    default:
      return new FormulaError('#NAME?');
  }
}

/** Evaluates '=…' to the value getValues returns (errors as their '#…' text). */
export function evaluateFormula(formula: string, host: FormulaHost): JsValue {
  try {
    const parser = new Parser(tokenize(formula.replace(/^=/, '')), host);
    const v = parser.scalar(parser.parse());
    return v instanceof FormulaError ? v.code : v;
  } catch (err) {
    if (err instanceof FormulaError) return err.code;
    throw err;
  }
}
