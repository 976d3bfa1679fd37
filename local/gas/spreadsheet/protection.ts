/** Sheet and range protections, stored on the sheet as plain data. */
import type { GridRangeData, ProtectionData, SheetState } from '../state';
import { nextId } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { findSheet, findSpreadsheet } from './model';
import { EmuRange } from './range';
import { EmuUser } from '../user';
import { PROTECTED_MESSAGE } from './guard';

type Protection = GoogleAppsScript.Spreadsheet.Protection;

export const ProtectionType = Object.freeze({ RANGE: 'RANGE', SHEET: 'SHEET' });

export class EmuProtection
  extends EmuObject
  implements
    Emulates<
      Protection,
      | 'addEditor'
      | 'addEditors'
      | 'canDomainEdit'
      | 'canEdit'
      | 'getDescription'
      | 'getEditors'
      | 'getProtectionType'
      | 'getRange'
      | 'getUnprotectedRanges'
      | 'isWarningOnly'
      | 'remove'
      | 'removeEditor'
      | 'removeEditors'
      | 'setDescription'
      | 'setDomainEdit'
      | 'setUnprotectedRanges'
      | 'setWarningOnly'
    >
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.Protection';

  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
    private readonly _sheetId: number,
    private readonly _id: number,
  ) {
    super(ctx);
  }

  static _create(
    ctx: Ctx,
    ssId: string,
    sheet: SheetState,
    type: 'SHEET' | 'RANGE',
    range: GridRangeData,
  ): EmuProtection {
    const ss = findSpreadsheet(ctx.rt.state, ssId);
    // A new protection starts with everyone who may edit the spreadsheet (Google's protect() sample
    // removes them: "protection.removeEditors(protection.getEditors())"), the creator included.
    const editors = [...new Set([ss.owner, ...ss.editors, ctx.exec.user])];
    const data: ProtectionData = {
      id: nextId(ctx.rt.state),
      type,
      range,
      description: '',
      warningOnly: false,
      editors,
      domainEdit: false,
      unprotected: [],
    };
    sheet.protections.push(data);
    return new EmuProtection(ctx, ssId, sheet.id, data.id);
  }

  /**
   * Changing a protection (its editors, warning, description, ranges, or removing it) needs the right to
   * edit what it protects: the file owner and the users on it; anyone for a warning-only one. Sheets'
   * wording for this refusal is **unverified**: the emulator gives the protected-cell message.
   */
  private _changeable(): ProtectionData {
    const p = this._data();
    const user = this._ctx.exec.user;
    if (p.warningOnly || p.editors.includes(user)) return p;
    if (findSpreadsheet(this._ctx.rt.state, this._ssId).owner === user) return p;
    throw new GasError(PROTECTED_MESSAGE);
  }

  private _data(): ProtectionData {
    const sheet = findSheet(findSpreadsheet(this._ctx.rt.state, this._ssId), this._sheetId);
    const p = sheet.protections.find((x) => x.id === this._id);
    if (!p) throw new GasError('The protection has been removed.');
    return p;
  }

  addEditor(email: string | EmuUser): this {
    return this.addEditors([email instanceof EmuUser ? email.getEmail() : String(unwrap(email))]);
  }
  addEditors(emails: string[]): this {
    const p = this._changeable();
    p.editors = [...new Set([...p.editors, ...emails.map(String)])];
    return this;
  }
  removeEditor(email: string | EmuUser): this {
    return this.removeEditors([email instanceof EmuUser ? email.getEmail() : String(unwrap(email))]);
  }
  /** "Neither the owner of the spreadsheet nor the current user can be removed" (Protection reference). */
  removeEditors(emails: Array<string | EmuUser>): this {
    const p = this._changeable();
    const owner = findSpreadsheet(this._ctx.rt.state, this._ssId).owner;
    const me = this._ctx.exec.user;
    const drop = new Set(
      emails.map((e) => (unwrap(e) instanceof EmuUser ? (unwrap(e) as EmuUser).getEmail() : String(e))),
    );
    p.editors = p.editors.filter((e) => e === owner || e === me || !drop.has(e));
    return this;
  }
  getEditors(): EmuUser[] {
    return this._data().editors.map((e) => new EmuUser(this._ctx, e));
  }
  canEdit(): boolean {
    const p = this._data();
    const user = this._ctx.exec.user;
    return (
      p.warningOnly ||
      p.editors.includes(user) ||
      findSpreadsheet(this._ctx.rt.state, this._ssId).owner === user
    );
  }
  canDomainEdit(): boolean {
    return this._data().domainEdit;
  }
  setDomainEdit(editable: boolean): this {
    this._changeable().domainEdit = Boolean(editable);
    return this;
  }
  getDescription(): string {
    return this._data().description;
  }
  setDescription(description: string): this {
    this._changeable().description = String(description);
    return this;
  }
  getProtectionType(): string {
    return this._data().type;
  }
  getRange(): EmuRange {
    return EmuRange._fromGrid(this._ctx, this._data().range, this._ssId);
  }
  getUnprotectedRanges(): EmuRange[] {
    return this._data().unprotected.map((g) => EmuRange._fromGrid(this._ctx, g, this._ssId));
  }
  setUnprotectedRanges(ranges: EmuRange[]): this {
    const p = this._changeable();
    if (p.type !== 'SHEET') throw new GasError('Unprotected ranges can only be set on sheet protections.');
    p.unprotected = ranges.map((r) => unwrap(r)._grid());
    return this;
  }
  isWarningOnly(): boolean {
    return this._data().warningOnly;
  }
  setWarningOnly(warningOnly: boolean): this {
    this._changeable().warningOnly = Boolean(warningOnly);
    return this;
  }
  remove(): void {
    this._changeable();
    const sheet = findSheet(findSpreadsheet(this._ctx.rt.state, this._ssId), this._sheetId);
    sheet.protections = sheet.protections.filter((x) => x.id !== this._id);
  }
}
