/**
 * Bulk approval (P42) from the sidebar: tick or untick the Approved checkbox of the given line keys in
 * one read and one write of the Approved column. Rows not listed keep what staff ticked.
 */
import { readTable, writeColumns } from '../platform/spreadsheet';
import type { Spreadsheet, WriteValue } from '../platform/spreadsheet';
import { cellCheckbox, cellText } from './cells';
import { GRID_COLUMNS, SheetLayoutError, locateColumns } from './columns';
import { monthTabName } from './tabs';

export function setApprovals(
  ss: Spreadsheet,
  month: string,
  keys: ReadonlySet<string>,
  approved: boolean,
): { changed: number } {
  const tab = monthTabName(month);
  const sheet = ss.getSheetByName(tab);
  if (!sheet) throw new SheetLayoutError(`There is no tab '${tab}'; pull ${month} first`);
  const t = readTable(sheet);
  const { index } = locateColumns(tab, t.header, GRID_COLUMNS);
  const keyCol = index.get('key') as number;
  const approvedCol = index.get('approved') as number;
  let changed = 0;
  const values: WriteValue[] = t.rows.map((r) => {
    const current = r[approvedCol];
    if (!keys.has(cellText(r[keyCol]))) return current;
    if (cellCheckbox(current) !== approved) changed++;
    return approved;
  });
  if (changed > 0) writeColumns(sheet, 2, new Map([[approvedCol + 1, values]]));
  return { changed };
}
