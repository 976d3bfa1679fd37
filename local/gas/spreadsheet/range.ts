/** SpreadsheetApp Range over the shared state. */
import type { CellState, GridRangeData, SheetState, SpreadsheetState } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { a1Notation } from './a1';
import { cellAt, cellForWrite, computedValue, findSheet, findSpreadsheet, tidyCell } from './model';
import { displayText, fromWritten, type JsValue } from './values';
import { EmuDataValidation } from './rules';
import { EmuProtection } from './protection';
import { assertCanEdit } from './guard';
import { EmuSheet } from './sheet';

type Range = GoogleAppsScript.Spreadsheet.Range;

export const CELL_TEXT_LIMIT = 50_000;
type RangeMethods =
  | 'getValues'
  | 'setValues'
  | 'getValue'
  | 'setValue'
  | 'getDisplayValues'
  | 'getDisplayValue'
  | 'getFormulas'
  | 'getFormula'
  | 'setFormulas'
  | 'setFormula'
  | 'getNotes'
  | 'getNote'
  | 'setNotes'
  | 'setNote'
  | 'clearNote'
  | 'getNumberFormats'
  | 'getNumberFormat'
  | 'setNumberFormat'
  | 'setNumberFormats'
  | 'getDataValidations'
  | 'getDataValidation'
  | 'setDataValidation'
  | 'setDataValidations'
  | 'clearDataValidations'
  | 'insertCheckboxes'
  | 'removeCheckboxes'
  | 'isChecked'
  | 'check'
  | 'uncheck'
  | 'setBackground'
  | 'setBackgrounds'
  | 'getBackground'
  | 'getBackgrounds'
  | 'setFontColor'
  | 'setFontWeight'
  | 'setFontWeights'
  | 'getFontWeight'
  | 'getFontWeights'
  | 'setHorizontalAlignment'
  | 'setWrap'
  | 'getRow'
  | 'getColumn'
  | 'getLastRow'
  | 'getLastColumn'
  | 'getNumRows'
  | 'getNumColumns'
  | 'getHeight'
  | 'getWidth'
  | 'getA1Notation'
  | 'getCell'
  | 'offset'
  | 'clear'
  | 'clearContent'
  | 'clearFormat'
  | 'protect'
  | 'getSheet'
  | 'getGridId'
  | 'activate';

type Grid<T> = T[][];

export class EmuRange extends EmuObject implements Emulates<Range, RangeMethods> {
  readonly [GAS_CLASS] = 'SpreadsheetApp.Range';

  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
    private readonly _sheetId: number,
    private readonly _row: number,
    private readonly _col: number,
    private readonly _rows: number,
    private readonly _cols: number,
  ) {
    super(ctx);
  }

  static _fromGrid(ctx: Ctx, g: GridRangeData, ssId?: string): EmuRange {
    const id = ssId ?? ctx.rt.state.spreadsheets.find((s) => s.sheets.some((sh) => sh.id === g.sheetId))?.id;
    return new EmuRange(
      ctx,
      id ?? ctx.rt.state.activeSpreadsheetId,
      g.sheetId,
      g.row,
      g.column,
      g.numRows,
      g.numColumns,
    );
  }

  _grid(): GridRangeData {
    return {
      sheetId: this._sheetId,
      row: this._row,
      column: this._col,
      numRows: this._rows,
      numColumns: this._cols,
    };
  }

  _ss(): SpreadsheetState {
    return findSpreadsheet(this._ctx.rt.state, this._ssId);
  }

  _sheet(): SheetState {
    return findSheet(this._ss(), this._sheetId);
  }

  private _map<T>(fn: (cell: CellState | null, r: number, c: number) => T): Grid<T> {
    const sh = this._sheet();
    const out: Grid<T> = new Array<T[]>(this._rows);
    for (let i = 0; i < this._rows; i++) {
      const line = new Array<T>(this._cols);
      for (let j = 0; j < this._cols; j++)
        line[j] = fn(cellAt(sh, this._row + i, this._col + j), this._row + i, this._col + j);
      out[i] = line;
    }
    this._ctx.exec.read(this._rows * this._cols);
    return out;
  }

  private _checkShape(data: unknown, what = 'data'): unknown[][] {
    if (!Array.isArray(data) || !data.every((r) => Array.isArray(r))) {
      throw new GasError(
        `The parameters (${typeof data}) don't match the method signature for SpreadsheetApp.Range.set${what}.`,
      );
    }
    const rows = data as unknown[][];
    if (rows.length !== this._rows) {
      throw new GasError(
        `The number of rows in the data does not match the number of rows in the range. The data has ${rows.length} but the range has ${this._rows}.`,
      );
    }
    for (const r of rows) {
      if (r.length !== this._cols) {
        throw new GasError(
          `The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${this._cols}.`,
        );
      }
    }
    return rows;
  }

  private _write(data: unknown[][], fn: (cell: CellState, v: unknown) => void): this {
    const sh = this._sheet();
    assertCanEdit(this._ctx, this._ss(), sh, this._grid());
    for (let i = 0; i < this._rows; i++) {
      for (let j = 0; j < this._cols; j++) {
        fn(cellForWrite(sh, this._row + i, this._col + j), data[i][j]);
        tidyCell(sh, this._row + i, this._col + j);
      }
    }
    this._ctx.exec.wrote(this._rows * this._cols);
    return this;
  }

  /** Changes only cells that exist (clearing never creates cells); counts the cells touched. */
  private _update(fn: (cell: CellState) => void): this {
    const sh = this._sheet();
    assertCanEdit(this._ctx, this._ss(), sh, this._grid());
    let touched = 0;
    for (let i = 0; i < this._rows; i++) {
      const row = sh.rows[this._row + i - 1];
      if (!row) continue;
      for (let j = 0; j < this._cols; j++) {
        const cell = row[this._col + j - 1];
        if (!cell) continue;
        fn(cell);
        tidyCell(sh, this._row + i, this._col + j);
        touched++;
      }
    }
    this._ctx.exec.wrote(touched);
    return this;
  }

  private _fill<T>(v: T): T[][] {
    return Array.from({ length: this._rows }, () => new Array<T>(this._cols).fill(v));
  }

  // ---- values and formulas ----
  getValues(): JsValue[][] {
    const ss = this._ss();
    const sh = this._sheet();
    return this._map((cell, r, c) => (cell ? computedValue(ss, sh, r, c) : ''));
  }

  getValue(): JsValue {
    return this.getCell(1, 1).getValues()[0][0];
  }

  setValues(values: unknown[][]): this {
    const rows = this._checkShape(values, 'Values');
    // Rejected as a whole, before any cell changes.
    if (rows.some((r) => r.some((v) => typeof v === 'string' && v.length > CELL_TEXT_LIMIT))) {
      throw new GasError(
        `Your input contains more than the maximum of ${CELL_TEXT_LIMIT} characters in a single cell.`,
      );
    }
    const tz = this._ss().timeZone;
    return this._write(rows, (cell, v) => {
      const w = fromWritten(v, cell.nf, tz, this._ctx.rt.now());
      if (w.f !== undefined) cell.f = w.f;
      else delete cell.f;
      if (w.v !== undefined) cell.v = w.v;
      else delete cell.v;
    });
  }

  setValue(value: unknown): this {
    return this.setValues(this._fill(value));
  }

  getDisplayValues(): string[][] {
    const ss = this._ss();
    const sh = this._sheet();
    return this._map((cell, r, c) =>
      cell ? displayText(computedValue(ss, sh, r, c), cell.nf, ss.timeZone) : '',
    );
  }

  getDisplayValue(): string {
    return this.getCell(1, 1).getDisplayValues()[0][0];
  }

  getFormulas(): string[][] {
    return this._map((cell) => cell?.f ?? '');
  }

  getFormula(): string {
    return this.getCell(1, 1).getFormulas()[0][0];
  }

  setFormulas(formulas: string[][]): this {
    const rows = this._checkShape(formulas, 'Formulas');
    const tz = this._ss().timeZone;
    return this._write(rows, (cell, f) => {
      const text = f === null || f === undefined ? '' : String(f);
      if (text.startsWith('=')) {
        cell.f = text;
        delete cell.v;
      } else {
        // Sheets treats a non-formula string given to setFormula like a typed value.
        const w = fromWritten(text, cell.nf, tz, this._ctx.rt.now());
        delete cell.f;
        if (w.v !== undefined) cell.v = w.v;
        else delete cell.v;
      }
    });
  }

  setFormula(formula: string): this {
    return this.setFormulas(this._fill(formula));
  }

  // ---- notes and formats ----
  getNotes(): string[][] {
    return this._map((cell) => cell?.note ?? '');
  }
  getNote(): string {
    return this.getCell(1, 1).getNotes()[0][0];
  }
  setNotes(notes: Array<Array<string | null>>): this {
    return this._write(this._checkShape(notes, 'Notes'), (cell, n) => {
      if (n === null || n === undefined || n === '') delete cell.note;
      else cell.note = String(n);
    });
  }
  setNote(note: string | null): this {
    return this.setNotes(this._fill(note));
  }
  clearNote(): this {
    return this.setNote(null);
  }

  getNumberFormats(): string[][] {
    return this._map((cell) => cell?.nf ?? '0.###############');
  }
  getNumberFormat(): string {
    return this.getCell(1, 1).getNumberFormats()[0][0];
  }
  setNumberFormats(formats: string[][]): this {
    return this._write(this._checkShape(formats, 'NumberFormats'), (cell, f) => {
      if (f === null || f === undefined || f === '') delete cell.nf;
      else cell.nf = String(f);
    });
  }
  setNumberFormat(format: string): this {
    return this.setNumberFormats(this._fill(format));
  }

  private _style(key: 'bg' | 'fc' | 'fw' | 'ha', data: unknown[][]): this {
    return this._write(data, (cell, v) => {
      if (v === null || v === undefined || v === '' || (key === 'fw' && v === 'normal')) delete cell[key];
      else (cell as Record<string, unknown>)[key] = String(v);
    });
  }
  setBackground(color: string | null): this {
    return this._style('bg', this._fill(color));
  }
  setBackgrounds(colors: Array<Array<string | null>>): this {
    return this._style('bg', this._checkShape(colors, 'Backgrounds'));
  }
  getBackgrounds(): string[][] {
    return this._map((cell) => cell?.bg ?? '#ffffff');
  }
  getBackground(): string {
    return this.getCell(1, 1).getBackgrounds()[0][0];
  }
  setFontColor(color: string | null): this {
    return this._style('fc', this._fill(color));
  }
  setFontWeight(weight: 'bold' | 'normal' | null): this {
    return this._style('fw', this._fill(weight));
  }
  setFontWeights(weights: Array<Array<'bold' | 'normal' | null>>): this {
    return this._style('fw', this._checkShape(weights, 'FontWeights'));
  }
  getFontWeights(): Array<Array<'bold' | 'normal'>> {
    return this._map((cell) => cell?.fw ?? 'normal');
  }
  getFontWeight(): 'bold' | 'normal' {
    return this.getCell(1, 1).getFontWeights()[0][0];
  }
  setHorizontalAlignment(alignment: 'left' | 'center' | 'normal' | 'right' | null): this {
    return this._style('ha', this._fill(alignment));
  }
  setWrap(wrap: boolean): this {
    return this._write(this._fill(wrap), (cell, v) => {
      if (v) cell.wrap = true;
      else delete cell.wrap;
    });
  }

  // ---- data validation and checkboxes ----
  getDataValidations(): Array<Array<EmuDataValidation | null>> {
    return this._map((cell) =>
      cell?.dv ? new EmuDataValidation(this._ctx, structuredClone(cell.dv)) : null,
    );
  }
  getDataValidation(): EmuDataValidation | null {
    return this.getCell(1, 1).getDataValidations()[0][0];
  }
  setDataValidations(rules: Array<Array<EmuDataValidation | null>>): this {
    return this._write(this._checkShape(rules, 'DataValidations'), (cell, rule) => {
      const r = unwrap(rule);
      if (r instanceof EmuDataValidation) cell.dv = structuredClone(r._data);
      else if (r === null || r === undefined) delete cell.dv;
      else
        throw new GasError(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Range.setDataValidations.",
        );
    });
  }
  setDataValidation(rule: EmuDataValidation | null): this {
    return this.setDataValidations(this._fill(rule));
  }
  clearDataValidations(): this {
    return this.setDataValidation(null);
  }
  insertCheckboxes(checkedValue?: unknown, uncheckedValue?: unknown): this {
    const values =
      checkedValue === undefined
        ? []
        : uncheckedValue === undefined
          ? [checkedValue]
          : [checkedValue, uncheckedValue];
    const unchecked = values.length === 2 ? values[1] : values.length === 1 ? '' : false;
    return this._write(this._fill(null), (cell) => {
      cell.dv = { criteria: 'CHECKBOX', values, allowInvalid: false, helpText: null };
      delete cell.f;
      if (unchecked === '') delete cell.v;
      else cell.v = unchecked as boolean | string | number;
    });
  }
  removeCheckboxes(): this {
    return this._update((cell) => {
      if (cell.dv?.criteria === 'CHECKBOX') {
        delete cell.dv;
        delete cell.v;
      }
    });
  }
  isChecked(): boolean | null {
    const states = this._map((cell) => {
      if (cell?.dv?.criteria !== 'CHECKBOX') return null;
      const checked = cell.dv.values.length > 0 ? cell.dv.values[0] : true;
      return cell.v === checked;
    });
    const flat = states.flat();
    if (flat.some((s) => s === null)) return null;
    if (flat.every((s) => s === true)) return true;
    return flat.every((s) => s === false) ? false : null;
  }
  private _setChecked(on: boolean): this {
    return this._update((cell) => {
      if (cell.dv?.criteria !== 'CHECKBOX') return;
      const v = cell.dv.values;
      cell.v = (on ? (v.length > 0 ? v[0] : true) : v.length > 1 ? v[1] : false) as boolean | string | number;
    });
  }
  check(): this {
    return this._setChecked(true);
  }
  uncheck(): this {
    return this._setChecked(false);
  }

  // ---- geometry ----
  getRow(): number {
    return this._row;
  }
  getColumn(): number {
    return this._col;
  }
  getLastRow(): number {
    return this._row + this._rows - 1;
  }
  getLastColumn(): number {
    return this._col + this._cols - 1;
  }
  getNumRows(): number {
    return this._rows;
  }
  getNumColumns(): number {
    return this._cols;
  }
  getHeight(): number {
    return this._rows;
  }
  getWidth(): number {
    return this._cols;
  }
  getGridId(): number {
    return this._sheetId;
  }
  getA1Notation(): string {
    return a1Notation(this._row, this._col, this._rows, this._cols);
  }
  getCell(row: number, column: number): EmuRange {
    if (row < 1 || column < 1 || row > this._rows || column > this._cols) {
      throw new GasError('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new EmuRange(
      this._ctx,
      this._ssId,
      this._sheetId,
      this._row + row - 1,
      this._col + column - 1,
      1,
      1,
    );
  }
  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): EmuRange {
    return this._getSheet().getRange(
      this._row + rowOffset,
      this._col + columnOffset,
      numRows ?? this._rows,
      numColumns ?? this._cols,
    );
  }

  clear(options?: {
    contentsOnly?: boolean;
    formatOnly?: boolean;
    validationsOnly?: boolean;
    commentsOnly?: boolean;
  }): this {
    const o = options ?? {};
    const any = o.contentsOnly || o.formatOnly || o.validationsOnly || o.commentsOnly;
    return this._update((cell) => {
      if (!any || o.contentsOnly) {
        delete cell.v;
        delete cell.f;
      }
      if (!any || o.formatOnly) {
        for (const k of ['nf', 'bg', 'fc', 'fw', 'ha', 'wrap'] as const) delete cell[k];
      }
      if (!any || o.validationsOnly) delete cell.dv;
      if (!any || o.commentsOnly) delete cell.note;
    });
  }
  clearContent(): this {
    return this.clear({ contentsOnly: true });
  }
  clearFormat(): this {
    return this.clear({ formatOnly: true });
  }

  protect(): EmuProtection {
    return EmuProtection._create(this._ctx, this._ssId, this._sheet(), 'RANGE', this._grid());
  }

  private _getSheet(): EmuSheet {
    return new EmuSheet(this._ctx, this._ssId, this._sheetId);
  }

  getSheet(): EmuSheet {
    return this._getSheet();
  }

  activate(): this {
    this._ss().activeSheetId = this._sheetId;
    return this;
  }
}
