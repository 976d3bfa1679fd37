import type { Sheet, Spreadsheet } from '../../src/platform/spreadsheet';
import { monthTabName } from '../../src/sheets/tabs';

export function tab(ss: Spreadsheet, name: string): Sheet {
  const s = ss.getSheetByName(name);
  if (!s) throw new Error(`no tab ${name}`);
  return s;
}

export const month = (ss: Spreadsheet, m = '2026-10'): Sheet => tab(ss, monthTabName(m));

/** 1-based column of a header in row 1. */
export function colOf(sheet: Sheet, header: string): number {
  const h = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
  const i = h.indexOf(header);
  if (i < 0) throw new Error(`no column ${header}`);
  return i + 1;
}

/** The sheet row (1-based) holding a line key. */
export function rowOfKey(sheet: Sheet, key: string): number {
  const keys = sheet.getRange(1, colOf(sheet, 'Line key'), sheet.getLastRow(), 1).getValues();
  const i = keys.findIndex((r) => r[0] === key);
  if (i < 0) throw new Error(`no row for ${key}`);
  return i + 1;
}

export const cell = (sheet: Sheet, row: number, header: string) =>
  sheet.getRange(row, colOf(sheet, header)).getValue();

/** What a person typing into the cell does (Sheets parses the text: numbers, dates, TRUE/FALSE, formulas). */
export function type(sheet: Sheet, row: number, header: string, value: unknown): void {
  sheet.getRange(row, colOf(sheet, header)).setValue(value);
}
