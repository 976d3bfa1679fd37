/**
 * Turns the emulator's state into what the workbench page draws: tabs, and for one sheet the visible
 * cells with the text Sheets would display (number formats applied), checkboxes, dropdowns and
 * conditional-format colours. The page renders every string with textContent.
 */
import type {
  CellState,
  ConditionalFormatRuleData,
  GasState,
  GridRangeData,
  SheetState,
  SpreadsheetState,
} from '../gas/state';
import { cellAt, computedValue, lastColumn, lastRow } from '../gas/spreadsheet/model';
import { displayText, type JsValue } from '../gas/spreadsheet/values';
import { evaluateFormula, FormulaError, type FormulaHost } from '../gas/spreadsheet/formula';
import { columnToLetters } from '../gas/spreadsheet/a1';

export interface TabView {
  id: number;
  name: string;
  hidden: boolean;
  color: string | null;
}

export interface CellView {
  /** Display text. */
  t: string;
  /** What the editor starts with: the formula, or the value as typed. */
  e?: string;
  kind?: 'checkbox' | 'list';
  checked?: boolean;
  /** A dropdown's choices: index into SheetView.lists (shared by every cell with the same rule). */
  list?: number;
  bg?: string;
  fc?: string;
  bold?: boolean;
  italic?: boolean;
  align?: string;
  num?: boolean;
  note?: string;
  wrap?: boolean;
}

export interface SheetView {
  id: number;
  name: string;
  rows: number;
  columns: number;
  maxRows: number;
  maxColumns: number;
  frozenRows: number;
  frozenColumns: number;
  columnLetters: string[];
  columnWidths: Record<string, number>;
  /** cells[r][c] for the drawn window (0-based), null = empty. */
  cells: Array<Array<CellView | null>>;
  /** Dropdown choices, once per distinct rule (a grid column of dropdowns shares one list). */
  lists: string[][];
  protectedRanges: number;
}

/** Drawn window: enough to see data plus some empty space, capped so huge tabs stay responsive. */
const MAX_ROWS = 2000;
const MAX_COLUMNS = 60;

export function activeSpreadsheet(state: GasState): SpreadsheetState {
  const ss = state.spreadsheets.find((s) => s.id === state.activeSpreadsheetId) ?? state.spreadsheets[0];
  if (!ss) throw new Error('The emulator state has no spreadsheet.');
  return ss;
}

export function tabsOf(ss: SpreadsheetState): TabView[] {
  return ss.sheets.map((s) => ({ id: s.id, name: s.name, hidden: s.hidden, color: s.tabColor }));
}

function editText(cell: CellState, value: JsValue, display: string): string {
  if (cell.f !== undefined) return cell.f;
  if (value instanceof Date) return display;
  return typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : String(value);
}

function listOptions(ss: SpreadsheetState, values: unknown[], criteria: string): string[] | null {
  if (criteria === 'VALUE_IN_LIST' && Array.isArray(values[0])) return (values[0] as unknown[]).map(String);
  if (criteria !== 'VALUE_IN_RANGE') return null;
  const ref = values[0] as { $range?: GridRangeData } | undefined;
  const grid = ref?.$range;
  if (!grid) return null;
  const sh = ss.sheets.find((s) => s.id === grid.sheetId);
  if (!sh) return null;
  const out: string[] = [];
  for (let r = grid.row; r < grid.row + grid.numRows && out.length < 500; r++) {
    for (let c = grid.column; c < grid.column + grid.numColumns; c++) {
      const v = computedValue(ss, sh, r, c);
      if (v !== '') out.push(displayText(v, cellAt(sh, r, c)?.nf, ss.timeZone));
    }
  }
  return out;
}

const within = (g: GridRangeData, r: number, c: number) =>
  r >= g.row && r < g.row + g.numRows && c >= g.column && c < g.column + g.numColumns;

/** Moves a formula's relative references by (dr, dc), as Sheets does for a rule over a range. */
export function shiftFormula(formula: string, dr: number, dc: number): string {
  return formula
    .split(/("(?:[^"]|"")*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(
            /(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])/g,
            (_m, cAbs: string, col: string, rAbs: string, row: string) => {
              let n = 0;
              for (const ch of col) n = n * 26 + (ch.charCodeAt(0) - 64);
              const c2 = cAbs ? n : n + dc;
              const r2 = rAbs ? Number(row) : Number(row) + dr;
              if (c2 < 1 || r2 < 1) return '#REF!';
              return `${cAbs}${columnToLetters(c2)}${rAbs}${r2}`;
            },
          ),
    )
    .join('');
}

function truthy(v: unknown): boolean {
  if (v instanceof FormulaError) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && v.toUpperCase() === 'TRUE';
}

function ruleMatches(
  rule: ConditionalFormatRuleData,
  value: JsValue,
  ss: SpreadsheetState,
  sh: SheetState,
  r: number,
  c: number,
): boolean {
  const vals = rule.values;
  const num = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  const n = (i: number) => Number(vals[i]);
  const text = value instanceof Date ? '' : String(value).toLowerCase();
  const s = (i: number) => String(vals[i] ?? '').toLowerCase();
  switch (rule.criteria) {
    case 'CELL_EMPTY':
      return value === '';
    case 'CELL_NOT_EMPTY':
      return value !== '';
    case 'NUMBER_GREATER_THAN':
      return num > n(0);
    case 'NUMBER_GREATER_THAN_OR_EQUAL_TO':
      return num >= n(0);
    case 'NUMBER_LESS_THAN':
      return num < n(0);
    case 'NUMBER_LESS_THAN_OR_EQUAL_TO':
      return num <= n(0);
    case 'NUMBER_EQUAL_TO':
      return num === n(0);
    case 'NUMBER_NOT_EQUAL_TO':
      return value !== '' && num !== n(0);
    case 'NUMBER_BETWEEN':
      return num >= Math.min(n(0), n(1)) && num <= Math.max(n(0), n(1));
    case 'NUMBER_NOT_BETWEEN':
      return !Number.isNaN(num) && (num < Math.min(n(0), n(1)) || num > Math.max(n(0), n(1)));
    case 'TEXT_EQUAL_TO':
      return text === s(0);
    case 'TEXT_CONTAINS':
      return text.includes(s(0));
    case 'TEXT_DOES_NOT_CONTAIN':
      return !text.includes(s(0));
    case 'TEXT_STARTS_WITH':
      return text.startsWith(s(0));
    case 'TEXT_ENDS_WITH':
      return text.endsWith(s(0));
    case 'CUSTOM_FORMULA': {
      const anchor = rule.ranges[0];
      if (!anchor || typeof vals[0] !== 'string') return false;
      const formula = shiftFormula(vals[0], r - anchor.row, c - anchor.column);
      const host: FormulaHost = {
        cell: (name, row, col) => {
          const target = name === null ? sh : ss.sheets.find((x) => x.name === name);
          return target ? computedValue(ss, target, row, col) : new FormulaError('#REF!');
        },
        size: (name) => {
          const target = name === null ? sh : ss.sheets.find((x) => x.name === name);
          return target ? { rows: target.maxRows, columns: target.maxColumns } : null;
        },
        dateSerial: (d) => (d.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000,
      };
      try {
        return truthy(evaluateFormula(formula, host));
      } catch {
        return false;
      }
    }
    default:
      return false;
  }
}

export function sheetView(ss: SpreadsheetState, sheetId: number): SheetView | null {
  const sh = ss.sheets.find((s) => s.id === sheetId);
  if (!sh) return null;
  const rows = Math.min(sh.maxRows, MAX_ROWS, Math.max(lastRow(sh) + 20, 40));
  const columns = Math.min(sh.maxColumns, MAX_COLUMNS, Math.max(lastColumn(sh) + 3, 12));
  const rules = sh.conditionalFormatRules.filter((rule) => rule.ranges.some((g) => g.sheetId === sh.id));
  const cells: Array<Array<CellView | null>> = [];
  const lists: string[][] = [];
  const listIndex = new Map<string, number>();
  for (let r = 1; r <= rows; r++) {
    const line: Array<CellView | null> = [];
    for (let c = 1; c <= columns; c++) {
      const cell = cellAt(sh, r, c);
      const inRules = rules.filter((rule) => rule.ranges.some((g) => g.sheetId === sh.id && within(g, r, c)));
      if (!cell && inRules.length === 0) {
        line.push(null);
        continue;
      }
      const value = cell ? computedValue(ss, sh, r, c) : '';
      const text = cell ? displayText(value, cell.nf, ss.timeZone) : '';
      const view: CellView = { t: text };
      if (cell) {
        view.e = editText(cell, value, text);
        if (typeof value === 'number' || value instanceof Date) view.num = true;
        if (cell.bg) view.bg = cell.bg;
        if (cell.fc) view.fc = cell.fc;
        if (cell.fw === 'bold') view.bold = true;
        if (cell.ha) view.align = cell.ha;
        if (cell.note) view.note = cell.note;
        if (cell.wrap) view.wrap = true;
        if (cell.dv?.criteria === 'CHECKBOX') {
          view.kind = 'checkbox';
          const checkedValue = cell.dv.values[0];
          view.checked = checkedValue === undefined ? value === true : value === checkedValue;
        } else if (cell.dv) {
          const key = `${cell.dv.criteria}\u0000${JSON.stringify(cell.dv.values[0] ?? null)}`;
          let list = listIndex.get(key);
          if (list === undefined) {
            const options = listOptions(ss, cell.dv.values, cell.dv.criteria);
            list = options ? lists.push(options) - 1 : -1;
            listIndex.set(key, list);
          }
          if (list >= 0 && cell.dv.values[1] !== false) {
            view.kind = 'list';
            view.list = list;
          }
        }
      }
      // First matching rule wins, as in Sheets.
      const hit = inRules.find((rule) => ruleMatches(rule, value, ss, sh, r, c));
      if (hit) {
        if (hit.background) view.bg = hit.background;
        if (hit.fontColor) view.fc = hit.fontColor;
        if (hit.bold) view.bold = true;
        if (hit.italic) view.italic = true;
      }
      line.push(view.t === '' && !view.bg && !view.kind && view.e === undefined ? null : view);
    }
    cells.push(line);
  }
  return {
    id: sh.id,
    name: sh.name,
    rows,
    columns,
    maxRows: sh.maxRows,
    maxColumns: sh.maxColumns,
    frozenRows: sh.frozenRows,
    frozenColumns: sh.frozenColumns,
    columnLetters: Array.from({ length: columns }, (_, i) => columnToLetters(i + 1)),
    columnWidths: sh.columnWidths,
    cells,
    lists,
    protectedRanges: sh.protections.length,
  };
}
