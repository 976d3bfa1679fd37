/**
 * Reading a few columns of a tab instead of all of it: the header row, then one getValues per run of
 * adjacent columns over the data rows. A 100,000-row month tab is 3.2 million cells; the writers of
 * Status or Approved need three of its 32 columns.
 */
import { columnRuns } from '../platform/spreadsheet';
import type { CellValue, Sheet } from '../platform/spreadsheet';

/** The header row and the number of data rows (rows 2 to the last row with content). */
export function readHeader(sheet: Sheet): { header: string[]; rows: number } {
  const lastColumn = sheet.getLastColumn();
  const lastRow = sheet.getLastRow();
  if (lastColumn === 0 || lastRow === 0) return { header: [], rows: 0 };
  const head = sheet.getRange(1, 1, 1, lastColumn).getValues()[0] as CellValue[];
  return { header: head.map((h) => (h === null || h === undefined ? '' : String(h))), rows: lastRow - 1 };
}

/** The data rows of the given 0-based columns, one getValues per run of adjacent columns. */
export function readColumns(
  sheet: Sheet,
  rows: number,
  columns: readonly number[],
): Map<number, CellValue[]> {
  const out = new Map<number, CellValue[]>();
  for (const run of columnRuns(columns.map((c) => c + 1))) {
    const block = rows > 0 ? (sheet.getRange(2, run[0], rows, run.length).getValues() as CellValue[][]) : [];
    run.forEach((c, j) =>
      out.set(
        c - 1,
        block.map((r) => r[j]),
      ),
    );
  }
  return out;
}
