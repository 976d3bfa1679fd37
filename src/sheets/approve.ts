/**
 * Bulk approval (P42) from the sidebar: tick or untick the Approved checkbox of the given line keys from
 * a read of the key and Approved columns and one write of the Approved column. Rows not listed keep what
 * staff ticked.
 */
import { writeColumns } from '../platform/spreadsheet';
import type { Spreadsheet, WriteValue } from '../platform/spreadsheet';
import { cellCheckbox, cellText } from './cells';
import { GRID_COLUMNS, SheetLayoutError, locateColumns } from './columns';
import { readColumns, readHeader } from './read-columns';
import { findMonthSheet, noMonthTab } from './month-tabs';

export function setApprovals(
  ss: Spreadsheet,
  month: string,
  keys: ReadonlySet<string>,
  approved: boolean,
): { changed: number } {
  const sheet = findMonthSheet(ss, month);
  if (!sheet) throw new SheetLayoutError(noMonthTab(month));
  const tab = sheet.getName();
  const { header, rows } = readHeader(sheet);
  const { index } = locateColumns(tab, header, GRID_COLUMNS);
  const keyCol = index.get('key') as number;
  const approvedCol = index.get('approved') as number;
  const cells = readColumns(sheet, rows, [keyCol, approvedCol]);
  const keyCells = cells.get(keyCol) ?? [];
  let changed = 0;
  const values: WriteValue[] = (cells.get(approvedCol) ?? []).map((current, i) => {
    if (!keys.has(cellText(keyCells[i]))) return current;
    if (cellCheckbox(current) !== approved) changed++;
    return approved;
  });
  if (changed > 0) writeColumns(sheet, 2, new Map([[approvedCol + 1, values]]));
  return { changed };
}
