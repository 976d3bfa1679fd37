/** Helpers over the spreadsheet part of the state: cells, computed values, row/column shifts. */
import type { CellState, GasState, GridRangeData, SheetState, SpreadsheetState } from '../state';
import { GasError } from '../execution';
import { evaluateFormula, FormulaError, type FormulaHost, type FValue } from './formula';
import { dateToSerial, toJs, type JsValue } from './values';

export function findSpreadsheet(state: GasState, id: string): SpreadsheetState {
  const ss = state.spreadsheets.find((s) => s.id === id);
  if (!ss) throw new GasError('The spreadsheet no longer exists.');
  return ss;
}

export function findSheet(ss: SpreadsheetState, sheetId: number): SheetState {
  const sh = ss.sheets.find((s) => s.id === sheetId);
  if (!sh) throw new GasError('The sheet you are trying to use has been deleted.');
  return sh;
}

export function sheetByName(ss: SpreadsheetState, name: string): SheetState | undefined {
  return ss.sheets.find((s) => s.name === name);
}

export function cellAt(sh: SheetState, row: number, col: number): CellState | null {
  return sh.rows[row - 1]?.[col - 1] ?? null;
}

export function cellForWrite(sh: SheetState, row: number, col: number): CellState {
  let r = sh.rows[row - 1];
  if (!r) {
    r = [];
    sh.rows[row - 1] = r;
  }
  let c = r[col - 1];
  if (!c) {
    c = {};
    r[col - 1] = c;
  }
  return c;
}

/** Drops a cell that holds nothing any more (keeps the grid small and JSON tidy). */
export function tidyCell(sh: SheetState, row: number, col: number): void {
  const r = sh.rows[row - 1];
  const c = r?.[col - 1];
  if (r && c && Object.keys(c).length === 0) {
    r[col - 1] = null;
    if (r.every((x) => !x)) sh.rows[row - 1] = null;
  }
}

export function lastRow(sh: SheetState): number {
  for (let r = sh.rows.length; r >= 1; r--) {
    const row = sh.rows[r - 1];
    if (row?.some((c) => c && (c.v !== undefined || c.f !== undefined))) return r;
  }
  return 0;
}

export function lastColumn(sh: SheetState): number {
  let max = 0;
  for (const row of sh.rows) {
    if (!row) continue;
    for (let c = row.length; c > max; c--) {
      const cell = row[c - 1];
      if (cell && (cell.v !== undefined || cell.f !== undefined)) {
        max = c;
        break;
      }
    }
  }
  return max;
}

/** The value a cell shows: stored value, or the formula evaluated. */
export function computedValue(ss: SpreadsheetState, sh: SheetState, row: number, col: number): JsValue {
  return computeWith(ss, sh, row, col, new Set());
}

function computeWith(
  ss: SpreadsheetState,
  sh: SheetState,
  row: number,
  col: number,
  visiting: Set<string>,
): JsValue {
  const cell = cellAt(sh, row, col);
  if (!cell) return '';
  if (cell.f === undefined) return toJs(cell.v);
  const key = `${sh.id}:${row}:${col}`;
  if (visiting.has(key)) return '#REF!';
  visiting.add(key);
  try {
    return evaluateFormula(cell.f, formulaHost(ss, sh, visiting));
  } finally {
    visiting.delete(key);
  }
}

function formulaHost(ss: SpreadsheetState, sh: SheetState, visiting: Set<string>): FormulaHost {
  const sheetFor = (name: string | null) => (name === null ? sh : sheetByName(ss, name));
  return {
    cell(name, row, col): FValue {
      const target = sheetFor(name);
      if (!target || row > target.maxRows || col > target.maxColumns) return new FormulaError('#REF!');
      const formulaCell = cellAt(target, row, col)?.f !== undefined;
      const v = computeWith(ss, target, row, col, visiting);
      if (formulaCell && typeof v === 'string' && /^#[A-Z/0!?]+[!?]?$/.test(v)) return new FormulaError(v);
      return v;
    },
    size(name) {
      const target = sheetFor(name);
      return target ? { rows: target.maxRows, columns: target.maxColumns } : null;
    },
    dateSerial: (d) => dateToSerial(d.getTime(), ss.timeZone),
  };
}

/** Shifts grid ranges (conditional formats, protections) after rows/columns were inserted or deleted. */
export function shiftRanges(
  ranges: GridRangeData[],
  sheetId: number,
  dim: 'row' | 'column',
  at: number,
  delta: number,
): GridRangeData[] {
  const out: GridRangeData[] = [];
  for (const g of ranges) {
    if (g.sheetId !== sheetId) {
      out.push(g);
      continue;
    }
    const start = dim === 'row' ? g.row : g.column;
    const size = dim === 'row' ? g.numRows : g.numColumns;
    let s = start;
    let n = size;
    if (delta > 0) {
      if (at <= start) s += delta;
      else if (at < start + size) n += delta;
    } else {
      const delStart = at;
      const delEnd = at - delta - 1;
      const end = start + size - 1;
      const overlap = Math.max(0, Math.min(end, delEnd) - Math.max(start, delStart) + 1);
      n -= overlap;
      if (delStart < start) s -= Math.min(start - delStart, -delta);
      if (n <= 0) continue;
    }
    out.push(dim === 'row' ? { ...g, row: s, numRows: n } : { ...g, column: s, numColumns: n });
  }
  return out;
}
