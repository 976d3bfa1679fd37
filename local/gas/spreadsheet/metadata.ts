/**
 * Developer metadata on sheets (SpreadsheetApp.DeveloperMetadata and its finder), kept on the sheet's
 * state so it follows the sheet through renames and moves and goes with it when the sheet is deleted, as
 * in Sheets. Only sheet-located metadata is emulated (what BillGrid uses to find its tabs by what they are).
 * Google documents a cap of 30,000 characters of metadata per sheet (keys plus values); it is enforced.
 */
import type { DeveloperMetadataData, SheetState } from '../state';
import { nextId } from '../state';
import { EmuObject, GAS_CLASS, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { findSheet, findSpreadsheet } from './model';
import { EmuSheet } from './sheet';

type DeveloperMetadata = GoogleAppsScript.Spreadsheet.DeveloperMetadata;

/** Sheets' limit on one location's metadata (developers.google.com/sheets/api/guides/metadata). */
export const METADATA_CHARS_PER_LOCATION = 30_000;

const charsOf = (items: readonly DeveloperMetadataData[]): number =>
  items.reduce((n, m) => n + m.key.length + (m.value ?? '').length, 0);

/** Adds one item to a sheet (Sheet.addDeveloperMetadata). */
export function addSheetMetadata(ctx: Ctx, sheet: SheetState, key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key === '') throw new GasError('Invalid argument: key');
  const v = value === undefined || value === null ? null : String(value);
  const items = (sheet.developerMetadata ??= []);
  const item: DeveloperMetadataData = { id: nextId(ctx.rt.state), key, value: v, visibility: 'DOCUMENT' };
  if (charsOf([...items, item]) > METADATA_CHARS_PER_LOCATION) {
    throw new GasError(
      `The developer metadata of this sheet would exceed ${METADATA_CHARS_PER_LOCATION} characters.`,
    );
  }
  items.push(item);
}

export class EmuDeveloperMetadataLocation extends EmuObject {
  readonly [GAS_CLASS] = 'SpreadsheetApp.DeveloperMetadataLocation';
  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
    private readonly _sheetId: number,
  ) {
    super(ctx);
  }
  getLocationType(): string {
    return 'SHEET';
  }
  getSheet(): EmuSheet {
    return new EmuSheet(this._ctx, this._ssId, this._sheetId);
  }
}

export class EmuDeveloperMetadata
  extends EmuObject
  implements Emulates<DeveloperMetadata, 'getId' | 'getKey' | 'getValue' | 'getVisibility' | 'remove'>
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.DeveloperMetadata';
  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
    private readonly _sheetId: number,
    private readonly _id: number,
  ) {
    super(ctx);
  }
  private _sheet(): SheetState {
    return findSheet(findSpreadsheet(this._ctx.rt.state, this._ssId), this._sheetId);
  }
  private _data(): DeveloperMetadataData {
    const m = this._sheet().developerMetadata?.find((x) => x.id === this._id);
    if (!m) throw new GasError('Developer metadata with this ID does not exist.');
    return m;
  }
  getId(): number {
    return this._id;
  }
  getKey(): string {
    return this._data().key;
  }
  getValue(): string {
    // Apps Script gives null for a value never set; the typings say string.
    return this._data().value as string;
  }
  getVisibility(): string {
    return this._data().visibility;
  }
  getLocation(): EmuDeveloperMetadataLocation {
    this._data();
    return new EmuDeveloperMetadataLocation(this._ctx, this._ssId, this._sheetId);
  }
  setValue(value: string): this {
    this._data().value = String(value);
    return this;
  }
  remove(): void {
    this._data();
    const sh = this._sheet();
    sh.developerMetadata = (sh.developerMetadata ?? []).filter((x) => x.id !== this._id);
  }
}

/** The sheet's own metadata, in the order added (Sheet.getDeveloperMetadata). */
export function sheetMetadata(ctx: Ctx, ssId: string, sheet: SheetState): EmuDeveloperMetadata[] {
  return (sheet.developerMetadata ?? []).map((m) => new EmuDeveloperMetadata(ctx, ssId, sheet.id, m.id));
}

/** Spreadsheet.createDeveloperMetadataFinder over every sheet's metadata. */
export class EmuDeveloperMetadataFinder extends EmuObject {
  readonly [GAS_CLASS] = 'SpreadsheetApp.DeveloperMetadataFinder';
  private _key: string | null = null;
  private _value: string | null = null;
  private _idWanted: number | null = null;
  constructor(
    ctx: Ctx,
    private readonly _ssId: string,
  ) {
    super(ctx);
  }
  withId(id: number): this {
    this._idWanted = id;
    return this;
  }
  withKey(key: string): this {
    this._key = String(key);
    return this;
  }
  withValue(value: string): this {
    this._value = String(value);
    return this;
  }
  find(): EmuDeveloperMetadata[] {
    const ss = findSpreadsheet(this._ctx.rt.state, this._ssId);
    return ss.sheets.flatMap((sh) =>
      (sh.developerMetadata ?? [])
        .filter(
          (m) =>
            (this._key === null || m.key === this._key) &&
            (this._value === null || m.value === this._value) &&
            (this._idWanted === null || m.id === this._idWanted),
        )
        .map((m) => new EmuDeveloperMetadata(this._ctx, this._ssId, sh.id, m.id)),
    );
  }
}
