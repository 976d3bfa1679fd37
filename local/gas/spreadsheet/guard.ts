/**
 * Protected ranges and sheets refuse writes from users not on the protection, as Sheets does: scripts
 * run with the executing user's rights ("The spreadsheet owner is always able to edit protected ranges
 * and sheets", Protection reference); a warning-only protection never refuses a script.
 */
import type { GridRangeData, SheetState, SpreadsheetState } from '../state';
import type { Ctx } from '../service';
import { GasError } from '../execution';

/** Sheets' own message (the same text across many public projects' reports). */
export const PROTECTED_MESSAGE =
  'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.';

const overlaps = (a: GridRangeData, b: GridRangeData): boolean =>
  a.row < b.row + b.numRows &&
  b.row < a.row + a.numRows &&
  a.column < b.column + b.numColumns &&
  b.column < a.column + a.numColumns;

const inside = (a: GridRangeData, b: GridRangeData): boolean =>
  a.row >= b.row &&
  a.column >= b.column &&
  a.row + a.numRows <= b.row + b.numRows &&
  a.column + a.numColumns <= b.column + b.numColumns;

/** Throws Sheets' message when the executing user may not change `grid` on `sheet`. */
export function assertCanEdit(ctx: Ctx, ss: SpreadsheetState, sheet: SheetState, grid: GridRangeData): void {
  const user = ctx.exec.user;
  if (user === ss.owner) return;
  for (const p of sheet.protections) {
    if (p.warningOnly || p.editors.includes(user)) continue;
    const covered =
      p.type === 'SHEET' ? !p.unprotected.some((u) => inside(grid, u)) : overlaps(p.range, grid);
    if (covered) throw new GasError(PROTECTED_MESSAGE);
  }
}

/**
 * Throws Sheets' message when the executing user may not change the structure of `sheet` (insert rows or
 * columns, rename, freeze, delete the tab): a sheet protection they are not on covers it all.
 */
export function assertCanEditSheet(ctx: Ctx, ss: SpreadsheetState, sheet: SheetState): void {
  const user = ctx.exec.user;
  if (user === ss.owner) return;
  for (const p of sheet.protections) {
    if (p.type !== 'SHEET' || p.warningOnly || p.editors.includes(user)) continue;
    throw new GasError(PROTECTED_MESSAGE);
  }
}

/** Whole rows or columns of a sheet, as a grid range (for inserts and deletes). */
export function linesGrid(
  sheet: SheetState,
  dim: 'row' | 'column',
  at: number,
  count: number,
): GridRangeData {
  return dim === 'row'
    ? { sheetId: sheet.id, row: at, column: 1, numRows: count, numColumns: sheet.maxColumns }
    : { sheetId: sheet.id, row: 1, column: at, numRows: sheet.maxRows, numColumns: count };
}
