/**
 * Rows of text kept in a hidden, warning-protected tab (an imported file between its import and the
 * pulls that read it). Written in one setValues as literal text, so nothing in a file ever runs as a
 * formula; read back in one getValues.
 */
import { ensureSheet, isoDateInZone, protectWithWarning, writeBlock, type Spreadsheet } from './spreadsheet';

export interface HiddenRows {
  read(): string[][] | null;
  write(rows: string[][]): void;
  remove(): void;
}

const PROTECTION = 'BillGrid: imported file (import the file again instead of editing)';

export function hiddenRowsTab(ss: Spreadsheet, name: string): HiddenRows {
  return {
    read() {
      const sheet = ss.getSheetByName(name);
      if (!sheet) return null;
      return (sheet.getDataRange().getValues() as unknown[][]).map((r) =>
        r.map((v) => (v === null || v === undefined ? '' : String(v))),
      );
    },
    write(rows) {
      const sheet = ensureSheet(ss, name, { hidden: true });
      sheet.clearContents();
      const width = Math.max(1, ...rows.map((r) => r.length));
      writeBlock(
        sheet,
        1,
        1,
        rows.map((r) => (r.length === width ? r : [...r, ...new Array<string>(width - r.length).fill('')])),
      );
      protectWithWarning(sheet, null, PROTECTION);
    },
    remove() {
      const sheet = ss.getSheetByName(name);
      if (sheet) ss.deleteSheet(sheet);
    },
  };
}

/** The tab people paste an export into ("Import from tab"). */
export const IMPORT_TAB = 'Import';

/**
 * The Import tab's values, row by row (empty rows left out, each with its sheet row number): numbers as
 * numbers, dates as ISO yyyy-mm-dd in the spreadsheet's time zone, text as text. Null: no such tab.
 */
export function readImportTab(
  ss: Spreadsheet,
): { rows: Array<Array<string | number | boolean>>; rowNumbers: number[] } | null {
  const sheet = ss.getSheetByName(IMPORT_TAB);
  if (!sheet) return null;
  const zone = ss.getSpreadsheetTimeZone();
  const rows: Array<Array<string | number | boolean>> = [];
  const rowNumbers: number[] = [];
  (sheet.getDataRange().getValues() as unknown[][]).forEach((r, i) => {
    const cells = r.map((v) =>
      v instanceof Date
        ? isoDateInZone(v, zone)
        : typeof v === 'number' || typeof v === 'boolean'
          ? v
          : v === null || v === undefined
            ? ''
            : String(v),
    );
    if (cells.every((c) => c === '')) return;
    rows.push(cells);
    rowNumbers.push(i + 1);
  });
  return { rows, rowNumbers };
}
