/** SpreadsheetApp Spreadsheet over the shared state. */
import type { SpreadsheetState } from '../state';
import { DEFAULT_COLUMNS, DEFAULT_ROWS, newSheetState, nextId } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { parseA1 } from './a1';
import { assertCanEditSheet } from './guard';
import { findSpreadsheet, sheetByName } from './model';
import { CELL_LIMIT, EmuSheet } from './sheet';
import type { EmuRange } from './range';
import type { EmuProtection } from './protection';
import { EmuUser } from '../user';
import { EmuDeveloperMetadataFinder } from './metadata';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type SpreadsheetMethods =
  | 'addEditor'
  | 'addEditors'
  | 'appendRow'
  | 'deleteSheet'
  | 'getActiveSheet'
  | 'getDataRange'
  | 'getEditors'
  | 'getId'
  | 'getLastColumn'
  | 'getLastRow'
  | 'getName'
  | 'getNumSheets'
  | 'getOwner'
  | 'getProtections'
  | 'getRange'
  | 'getSheetById'
  | 'getSheetByName'
  | 'getSheets'
  | 'getSpreadsheetLocale'
  | 'getSpreadsheetTimeZone'
  | 'getUrl'
  | 'insertSheet'
  | 'rename'
  | 'setActiveSheet'
  | 'setSpreadsheetTimeZone'
  | 'toast';

export class EmuSpreadsheet extends EmuObject implements Emulates<Spreadsheet, SpreadsheetMethods> {
  readonly [GAS_CLASS] = 'SpreadsheetApp.Spreadsheet';

  constructor(
    ctx: Ctx,
    private readonly _id: string,
  ) {
    super(ctx);
  }

  _state(): SpreadsheetState {
    return findSpreadsheet(this._ctx.rt.state, this._id);
  }
  private _sheet(id: number): EmuSheet {
    return new EmuSheet(this._ctx, this._id, id);
  }

  getId(): string {
    return this._id;
  }
  getName(): string {
    return this._state().name;
  }
  rename(name: string): void {
    this._state().name = String(name);
  }
  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this._id}/edit`;
  }
  getSpreadsheetTimeZone(): string {
    return this._state().timeZone;
  }
  setSpreadsheetTimeZone(tz: string): void {
    this._state().timeZone = String(tz);
  }
  getSpreadsheetLocale(): string {
    return this._state().locale;
  }
  getOwner(): EmuUser | null {
    return new EmuUser(this._ctx, this._state().owner);
  }
  /** The people shared with one by one: not the members of a group, nor a domain's users (access.ts). */
  getEditors(): EmuUser[] {
    return this._state().editors.map((e) => new EmuUser(this._ctx, e));
  }
  addEditor(email: string | EmuUser): this {
    return this.addEditors([
      unwrap(email) instanceof EmuUser ? (unwrap(email) as EmuUser).getEmail() : String(email),
    ]);
  }
  addEditors(emails: string[]): this {
    const ss = this._state();
    ss.editors = [...new Set([...ss.editors, ...emails.map(String)])];
    return this;
  }

  createDeveloperMetadataFinder(): EmuDeveloperMetadataFinder {
    return new EmuDeveloperMetadataFinder(this._ctx, this._id);
  }
  getSheets(): EmuSheet[] {
    return this._state().sheets.map((s) => this._sheet(s.id));
  }
  getNumSheets(): number {
    return this._state().sheets.length;
  }
  getSheetByName(name: string): EmuSheet | null {
    const sh = sheetByName(this._state(), String(name));
    return sh ? this._sheet(sh.id) : null;
  }
  getSheetById(id: number): EmuSheet | null {
    const sh = this._state().sheets.find((s) => s.id === id);
    return sh ? this._sheet(sh.id) : null;
  }

  insertSheet(nameOrIndex?: string | number | object, indexOrOptions?: number | object): EmuSheet {
    const ss = this._state();
    let name: string | null = typeof nameOrIndex === 'string' ? nameOrIndex : null;
    const index =
      typeof nameOrIndex === 'number'
        ? nameOrIndex
        : typeof indexOrOptions === 'number'
          ? indexOrOptions
          : null;
    if (name === null) {
      let n = ss.sheets.length + 1;
      while (sheetByName(ss, `Sheet${n}`)) n++;
      name = `Sheet${n}`;
    }
    if (sheetByName(ss, name))
      throw new GasError(`A sheet with the name "${name}" already exists. Please enter another name.`);
    const cells = ss.sheets.reduce((n, s) => n + s.maxRows * s.maxColumns, 0);
    if (cells + DEFAULT_ROWS * DEFAULT_COLUMNS > CELL_LIMIT) {
      throw new GasError(
        `This action would increase the number of cells in the workbook above the limit of ${CELL_LIMIT} cells.`,
      );
    }
    const sheet = newSheetState(nextId(this._ctx.rt.state), name);
    const at = index === null ? ss.sheets.length : Math.max(0, Math.min(index, ss.sheets.length));
    ss.sheets.splice(at, 0, sheet);
    // Sheets makes the new sheet the active one.
    ss.activeSheetId = sheet.id;
    return this._sheet(sheet.id);
  }

  deleteSheet(sheet: EmuSheet): void {
    const ss = this._state();
    const target = unwrap(sheet);
    if (!(target instanceof EmuSheet))
      throw new GasError(
        "The parameters (Object) don't match the method signature for SpreadsheetApp.Spreadsheet.deleteSheet.",
      );
    const id = target.getSheetId();
    if (!ss.sheets.some((s) => s.id === id))
      throw new GasError('The sheet you are trying to use has been deleted.');
    if (ss.sheets.length === 1) throw new GasError("You can't remove all the sheets in a document.");
    assertCanEditSheet(this._ctx, ss, target._state());
    ss.sheets = ss.sheets.filter((s) => s.id !== id);
    if (ss.activeSheetId === id) ss.activeSheetId = ss.sheets[0].id;
  }

  /** Time-driven triggers have no user interface: their "active" sheet is always the first one. */
  getActiveSheet(): EmuSheet {
    const ss = this._state();
    if (this._ctx.exec.kind === 'trigger') return this._sheet(ss.sheets[0].id);
    const active = ss.sheets.find((s) => s.id === ss.activeSheetId) ?? ss.sheets[0];
    return this._sheet(active.id);
  }
  setActiveSheet(sheet: EmuSheet): EmuSheet {
    const target = unwrap(sheet);
    return target.activate();
  }

  getRange(a1Notation: string): EmuRange {
    const ref = parseA1(String(a1Notation));
    if (!ref) throw new GasError('Range not found');
    const sheet = ref.sheetName === null ? this.getActiveSheet() : this.getSheetByName(ref.sheetName);
    if (!sheet) throw new GasError('Range not found');
    const local = String(a1Notation).slice(String(a1Notation).lastIndexOf('!') + 1);
    return sheet.getRange(local);
  }
  getDataRange(): EmuRange {
    return this.getActiveSheet().getDataRange();
  }
  getLastRow(): number {
    return this.getActiveSheet().getLastRow();
  }
  getLastColumn(): number {
    return this.getActiveSheet().getLastColumn();
  }
  appendRow(rowContents: unknown[]): EmuSheet {
    return this.getActiveSheet().appendRow(rowContents);
  }
  getProtections(type: string): EmuProtection[] {
    return this.getSheets().flatMap((s) => s.getProtections(type));
  }

  toast(msg: string, title = '', timeoutSeconds: number | null = 5): void {
    this._ctx.rt.state.ui.toasts.push({
      at: this._ctx.rt.now(),
      message: String(msg),
      title: String(title),
      timeoutSeconds,
    });
  }
}
