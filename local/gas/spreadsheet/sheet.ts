/** SpreadsheetApp Sheet over the shared state. */
import type { SheetState, SpreadsheetState } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { parseA1 } from './a1';
import { findSheet, findSpreadsheet, lastColumn, lastRow, sheetByName, shiftRanges } from './model';
import { EmuRange } from './range';
import { EmuConditionalFormatRule } from './rules';
import { EmuProtection } from './protection';
import { assertCanEdit, assertCanEditSheet, linesGrid } from './guard';
import { EmuSpreadsheet } from './spreadsheet';
import { addSheetMetadata, sheetMetadata, type EmuDeveloperMetadata } from './metadata';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export const CELL_LIMIT = 10_000_000;
type SheetMethods =
  | 'activate'
  | 'appendRow'
  | 'autoResizeColumns'
  | 'clear'
  | 'clearContents'
  | 'clearFormats'
  | 'clearNotes'
  | 'clearConditionalFormatRules'
  | 'deleteColumns'
  | 'deleteRow'
  | 'deleteRows'
  | 'getColumnWidth'
  | 'getConditionalFormatRules'
  | 'getDataRange'
  | 'getFrozenColumns'
  | 'getFrozenRows'
  | 'getIndex'
  | 'getLastColumn'
  | 'getLastRow'
  | 'getMaxColumns'
  | 'getMaxRows'
  | 'getName'
  | 'getParent'
  | 'getProtections'
  | 'getRange'
  | 'getSheetId'
  | 'getSheetName'
  | 'getSheetValues'
  | 'getTabColor'
  | 'hideSheet'
  | 'hideColumns'
  | 'showColumns'
  | 'isColumnHiddenByUser'
  | 'insertColumnsAfter'
  | 'insertRowAfter'
  | 'insertRowBefore'
  | 'insertRows'
  | 'insertRowsAfter'
  | 'insertRowsBefore'
  | 'isSheetHidden'
  | 'protect'
  | 'setColumnWidth'
  | 'setColumnWidths'
  | 'setConditionalFormatRules'
  | 'setFrozenColumns'
  | 'setFrozenRows'
  | 'setName'
  | 'setTabColor'
  | 'showSheet';

export class EmuSheet extends EmuObject implements Emulates<Sheet, SheetMethods> {
  readonly [GAS_CLASS] = 'SpreadsheetApp.Sheet';

  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
    private readonly _id: number,
  ) {
    super(ctx);
  }

  /** Sheets' limit of 10 million cells per spreadsheet, checked before the grid grows. */
  private _checkGrowth(extraRows: number, extraColumns: number): void {
    const sh = this._state();
    const others = this._ss()
      .sheets.filter((s) => s.id !== sh.id)
      .reduce((n, s) => n + s.maxRows * s.maxColumns, 0);
    if (others + (sh.maxRows + extraRows) * (sh.maxColumns + extraColumns) > CELL_LIMIT) {
      throw new GasError(
        `This action would increase the number of cells in the workbook above the limit of ${CELL_LIMIT} cells.`,
      );
    }
  }

  _ss(): SpreadsheetState {
    return findSpreadsheet(this._ctx.rt.state, this._ssId);
  }
  _state(): SheetState {
    return findSheet(this._ss(), this._id);
  }
  _spreadsheetId(): string {
    return this._ssId;
  }

  getName(): string {
    return this._state().name;
  }
  getSheetName(): string {
    return this.getName();
  }
  setName(name: string): this {
    const n = String(name).trim();
    if (!n) throw new GasError('Sheet names cannot be empty.');
    assertCanEditSheet(this._ctx, this._ss(), this._state());
    const other = sheetByName(this._ss(), n);
    if (other && other.id !== this._id) {
      throw new GasError(`A sheet with the name "${n}" already exists. Please enter another name.`);
    }
    this._state().name = n;
    return this;
  }
  getSheetId(): number {
    return this._id;
  }
  addDeveloperMetadata(key: string, value?: string): this {
    addSheetMetadata(this._ctx, this._state(), key, value);
    return this;
  }
  getDeveloperMetadata(): EmuDeveloperMetadata[] {
    return sheetMetadata(this._ctx, this._ssId, this._state());
  }
  getIndex(): number {
    return this._ss().sheets.findIndex((s) => s.id === this._id) + 1;
  }
  getParent(): EmuSpreadsheet {
    return new EmuSpreadsheet(this._ctx, this._ssId);
  }
  getLastRow(): number {
    return lastRow(this._state());
  }
  getLastColumn(): number {
    return lastColumn(this._state());
  }
  getMaxRows(): number {
    return this._state().maxRows;
  }
  getMaxColumns(): number {
    return this._state().maxColumns;
  }

  getRange(rowOrA1: number | string, column?: number, numRows?: number, numColumns?: number): EmuRange {
    const sh = this._state();
    if (typeof rowOrA1 === 'string') {
      const ref = parseA1(rowOrA1);
      if (!ref || (ref.sheetName !== null && ref.sheetName !== sh.name))
        throw new GasError('Range not found');
      const r1 = ref.row ?? 1;
      const c1 = ref.column ?? 1;
      const r2 = ref.endRow ?? sh.maxRows;
      const c2 = ref.endColumn ?? sh.maxColumns;
      return this._range(Math.min(r1, r2), Math.min(c1, c2), Math.abs(r2 - r1) + 1, Math.abs(c2 - c1) + 1);
    }
    if (typeof rowOrA1 !== 'number' || typeof column !== 'number') {
      throw new GasError(
        `The parameters (${typeof rowOrA1}) don't match the method signature for SpreadsheetApp.Sheet.getRange.`,
      );
    }
    return this._range(rowOrA1, column, numRows ?? 1, numColumns ?? 1);
  }

  _range(row: number, column: number, numRows: number, numColumns: number): EmuRange {
    const sh = this._state();
    if (!Number.isInteger(row) || row < 1) throw new GasError('The starting row of the range is too small.');
    if (!Number.isInteger(column) || column < 1)
      throw new GasError('The starting column of the range is too small.');
    if (!Number.isInteger(numRows) || numRows < 1)
      throw new GasError('The number of rows in the range must be at least 1.');
    if (!Number.isInteger(numColumns) || numColumns < 1) {
      throw new GasError('The number of columns in the range must be at least 1.');
    }
    const endRow = row + numRows - 1;
    const endCol = column + numColumns - 1;
    if (endRow > sh.maxRows || endCol > sh.maxColumns) {
      if (this._ctx.rt.options.strictBounds) {
        throw new GasError('The coordinates of the range are outside the dimensions of the sheet.');
      }
      this._checkGrowth(Math.max(0, endRow - sh.maxRows), Math.max(0, endCol - sh.maxColumns));
      sh.maxRows = Math.max(sh.maxRows, endRow);
      sh.maxColumns = Math.max(sh.maxColumns, endCol);
    }
    return new EmuRange(this._ctx, this._ssId, this._id, row, column, numRows, numColumns);
  }

  getDataRange(): EmuRange {
    const sh = this._state();
    return this._range(1, 1, Math.max(1, lastRow(sh)), Math.max(1, lastColumn(sh)));
  }
  getSheetValues(startRow: number, startColumn: number, numRows: number, numColumns: number): unknown[][] {
    const sh = this._state();
    const rows = numRows === -1 ? Math.max(1, lastRow(sh) - startRow + 1) : numRows;
    const cols = numColumns === -1 ? Math.max(1, lastColumn(sh) - startColumn + 1) : numColumns;
    return this._range(startRow, startColumn, rows, cols).getValues();
  }

  private _all(): EmuRange {
    const sh = this._state();
    return this._range(1, 1, sh.maxRows, sh.maxColumns);
  }
  clear(options?: { formatOnly?: boolean; contentsOnly?: boolean }): this {
    this._all().clear(options);
    return this;
  }
  clearContents(): this {
    this._all().clearContent();
    return this;
  }
  clearFormats(): this {
    this._all().clearFormat();
    return this;
  }
  clearNotes(): this {
    this._all().clearNote();
    return this;
  }

  // ---- structure ----
  insertRowsBefore(beforePosition: number, howMany: number): this {
    const sh = this._state();
    if (beforePosition < 1 || beforePosition > sh.maxRows)
      throw new GasError('Those rows are out of bounds.');
    assertCanEditSheet(this._ctx, this._ss(), sh);
    this._checkGrowth(howMany, 0);
    const at = beforePosition - 1;
    while (sh.rows.length < at) sh.rows.push(null);
    sh.rows.splice(at, 0, ...new Array<null>(howMany).fill(null));
    sh.maxRows += howMany;
    this._shift('row', beforePosition, howMany);
    return this;
  }
  insertRowsAfter(afterPosition: number, howMany: number): this {
    const sh = this._state();
    if (afterPosition < 1 || afterPosition > sh.maxRows) throw new GasError('Those rows are out of bounds.');
    if (afterPosition === sh.maxRows) {
      assertCanEditSheet(this._ctx, this._ss(), sh);
      this._checkGrowth(howMany, 0);
      sh.maxRows += howMany;
      return this;
    }
    return this.insertRowsBefore(afterPosition + 1, howMany);
  }
  insertRowBefore(beforePosition: number): this {
    return this.insertRowsBefore(beforePosition, 1);
  }
  insertRowAfter(afterPosition: number): this {
    return this.insertRowsAfter(afterPosition, 1);
  }
  insertRows(rowIndex: number, numRows = 1): void {
    this.insertRowsBefore(rowIndex, numRows);
  }
  deleteRows(rowPosition: number, howMany: number): void {
    const sh = this._state();
    if (rowPosition < 1 || howMany < 1 || rowPosition + howMany - 1 > sh.maxRows) {
      throw new GasError('Those rows are out of bounds.');
    }
    if (howMany >= sh.maxRows - sh.frozenRows && rowPosition <= sh.frozenRows + 1) {
      throw new GasError('Sorry, it is not possible to delete all non-frozen rows.');
    }
    assertCanEdit(this._ctx, this._ss(), sh, linesGrid(sh, 'row', rowPosition, howMany));
    sh.rows.splice(rowPosition - 1, howMany);
    sh.maxRows -= howMany;
    this._shift('row', rowPosition, -howMany);
  }
  deleteRow(rowPosition: number): this {
    this.deleteRows(rowPosition, 1);
    return this;
  }
  insertColumnsAfter(afterPosition: number, howMany: number): this {
    const sh = this._state();
    if (afterPosition < 1 || afterPosition > sh.maxColumns)
      throw new GasError('Those columns are out of bounds.');
    assertCanEditSheet(this._ctx, this._ss(), sh);
    this._checkGrowth(0, howMany);
    for (const row of sh.rows)
      if (row && row.length > afterPosition)
        row.splice(afterPosition, 0, ...new Array<null>(howMany).fill(null));
    sh.maxColumns += howMany;
    this._shift('column', afterPosition + 1, howMany);
    return this;
  }
  deleteColumns(columnPosition: number, howMany: number): void {
    const sh = this._state();
    if (columnPosition < 1 || howMany < 1 || columnPosition + howMany - 1 > sh.maxColumns) {
      throw new GasError('Those columns are out of bounds.');
    }
    if (howMany >= sh.maxColumns)
      throw new GasError('Sorry, it is not possible to delete all non-frozen columns.');
    assertCanEdit(this._ctx, this._ss(), sh, linesGrid(sh, 'column', columnPosition, howMany));
    for (const row of sh.rows) if (row) row.splice(columnPosition - 1, howMany);
    sh.maxColumns -= howMany;
    this._shift('column', columnPosition, -howMany);
  }
  private _shift(dim: 'row' | 'column', at: number, delta: number): void {
    const sh = this._state();
    for (const rule of sh.conditionalFormatRules)
      rule.ranges = shiftRanges(rule.ranges, sh.id, dim, at, delta);
    sh.protections = sh.protections.filter((p) => shiftRanges([p.range], sh.id, dim, at, delta).length > 0);
    for (const p of sh.protections) {
      p.range = shiftRanges([p.range], sh.id, dim, at, delta)[0];
      p.unprotected = shiftRanges(p.unprotected, sh.id, dim, at, delta);
    }
  }

  appendRow(rowContents: unknown[]): this {
    if (!Array.isArray(rowContents)) {
      throw new GasError(
        "The parameters (String) don't match the method signature for SpreadsheetApp.Sheet.appendRow.",
      );
    }
    const sh = this._state();
    assertCanEditSheet(this._ctx, this._ss(), sh);
    const row = lastRow(sh) + 1;
    const width = Math.max(1, rowContents.length);
    // appendRow is the one write that grows the grid, as in Sheets.
    this._checkGrowth(Math.max(0, row - sh.maxRows), Math.max(0, width - sh.maxColumns));
    if (row > sh.maxRows) sh.maxRows = row;
    if (width > sh.maxColumns) sh.maxColumns = width;
    if (rowContents.length > 0) this._range(row, 1, 1, width).setValues([rowContents]);
    return this;
  }

  setFrozenRows(rows: number): void {
    const sh = this._state();
    if (rows < 0 || rows >= sh.maxRows) throw new GasError("You can't freeze all visible rows on the sheet.");
    assertCanEditSheet(this._ctx, this._ss(), sh);
    sh.frozenRows = rows;
  }
  getFrozenRows(): number {
    return this._state().frozenRows;
  }
  setFrozenColumns(columns: number): void {
    const sh = this._state();
    if (columns < 0 || columns >= sh.maxColumns)
      throw new GasError("You can't freeze all visible columns on the sheet.");
    assertCanEditSheet(this._ctx, this._ss(), sh);
    sh.frozenColumns = columns;
  }
  getFrozenColumns(): number {
    return this._state().frozenColumns;
  }

  hideSheet(): this {
    const ss = this._ss();
    if (ss.sheets.filter((s) => !s.hidden && s.id !== this._id).length === 0) {
      throw new GasError("You can't hide all the sheets in a document.");
    }
    this._state().hidden = true;
    if (ss.activeSheetId === this._id)
      ss.activeSheetId = ss.sheets.find((s) => !s.hidden)?.id ?? ss.activeSheetId;
    return this;
  }
  showSheet(): this {
    this._state().hidden = false;
    return this;
  }
  isSheetHidden(): boolean {
    return this._state().hidden;
  }

  protect(): EmuProtection {
    const sh = this._state();
    const existing = sh.protections.find((p) => p.type === 'SHEET');
    if (existing) return new EmuProtection(this._ctx, this._ssId, this._id, existing.id);
    return EmuProtection._create(this._ctx, this._ssId, sh, 'SHEET', {
      sheetId: sh.id,
      row: 1,
      column: 1,
      numRows: sh.maxRows,
      numColumns: sh.maxColumns,
    });
  }
  getProtections(type: string): EmuProtection[] {
    return this._state()
      .protections.filter((p) => p.type === String(type))
      .map((p) => new EmuProtection(this._ctx, this._ssId, this._id, p.id));
  }

  setConditionalFormatRules(rules: EmuConditionalFormatRule[]): void {
    if (!Array.isArray(rules)) {
      throw new GasError(
        "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.setConditionalFormatRules.",
      );
    }
    this._state().conditionalFormatRules = rules.map((r) => {
      const rule = unwrap(r);
      if (!(rule instanceof EmuConditionalFormatRule)) {
        throw new GasError(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.setConditionalFormatRules.",
        );
      }
      return structuredClone(rule._data);
    });
  }
  getConditionalFormatRules(): EmuConditionalFormatRule[] {
    return this._state().conditionalFormatRules.map(
      (d) => new EmuConditionalFormatRule(this._ctx, structuredClone(d)),
    );
  }
  clearConditionalFormatRules(): void {
    this._state().conditionalFormatRules = [];
  }

  hideColumns(columnIndex: number, numColumns = 1): void {
    const st = this._state();
    const hidden = new Set(st.hiddenColumns ?? []);
    for (let c = columnIndex; c < columnIndex + numColumns; c++) hidden.add(c);
    st.hiddenColumns = [...hidden].sort((a, b) => a - b);
  }
  showColumns(columnIndex: number, numColumns = 1): void {
    const st = this._state();
    const end = columnIndex + numColumns;
    st.hiddenColumns = (st.hiddenColumns ?? []).filter((c) => c < columnIndex || c >= end);
  }
  isColumnHiddenByUser(columnPosition: number): boolean {
    return (this._state().hiddenColumns ?? []).includes(columnPosition);
  }

  setColumnWidth(columnPosition: number, width: number): this {
    this._state().columnWidths[String(columnPosition)] = width;
    return this;
  }
  setColumnWidths(startColumn: number, numColumns: number, width: number): this {
    for (let c = startColumn; c < startColumn + numColumns; c++)
      this._state().columnWidths[String(c)] = width;
    return this;
  }
  getColumnWidth(columnPosition: number): number {
    return this._state().columnWidths[String(columnPosition)] ?? 100;
  }
  autoResizeColumns(_startColumn: number, _numColumns: number): this {
    return this;
  }
  setTabColor(color: string | null): this {
    this._state().tabColor = color;
    return this;
  }
  getTabColor(): string | null {
    return this._state().tabColor;
  }
  activate(): this {
    const sh = this._state();
    sh.hidden = false;
    this._ss().activeSheetId = this._id;
    return this;
  }
}
