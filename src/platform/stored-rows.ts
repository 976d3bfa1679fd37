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

/**
 * Text items (JSON, one per item, without newlines) kept in a hidden tab between the executions of one job:
 * a pull too large to write in one execution keeps what it pulled here, so its continuations write the rest
 * without fetching every source again. The items are joined by newlines and cut into cells of at most
 * STAGED_CELL_CHARS characters (Sheets holds 50,000 a cell), one cell a row in column A from row 2, in
 * one setValues per STAGED_CELLS_PER_WRITE cells. Row 1 is written last and says whose items they are
 * (`tag`), how many cells and characters: a write cut off before it finished reads as nothing.
 */
export interface StagedItems {
  /** The items written under `tag`, or null when there are none, they are another tag's, or incomplete. */
  read(tag: string): string[] | null;
  write(tag: string, items: readonly string[]): void;
  remove(): void;
}

export const STAGED_CELL_CHARS = 40_000;
const STAGED_CELLS_PER_WRITE = 200;
const STAGED_PROTECTION = 'BillGrid: a pull in progress (removed once it has finished)';

/** Cuts `text` into pieces of at most `size` UTF-16 units, never between the halves of a surrogate pair. */
export function cutText(text: string, size: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

export function stagedItemsTab(ss: Spreadsheet, name: string): StagedItems {
  return {
    read(tag) {
      const sheet = ss.getSheetByName(name);
      if (!sheet) return null;
      const last = sheet.getLastRow();
      if (last < 1) return null;
      const cells = (sheet.getRange(1, 1, last, 1).getValues() as unknown[][]).map((r) =>
        r[0] === null || r[0] === undefined ? '' : String(r[0]),
      );
      let head: { tag?: unknown; cells?: unknown; chars?: unknown };
      try {
        head = JSON.parse(cells[0]) as typeof head;
      } catch {
        return null;
      }
      if (head.tag !== tag || head.cells !== cells.length - 1) return null;
      const text = cells.slice(1).join('');
      if (head.chars !== text.length) return null;
      return text === '' ? [] : text.split('\n');
    },
    write(tag, items) {
      const sheet = ensureSheet(ss, name, { hidden: true });
      sheet.clearContents();
      const pieces = cutText(items.join('\n'), STAGED_CELL_CHARS);
      for (let i = 0; i < pieces.length; i += STAGED_CELLS_PER_WRITE) {
        writeBlock(
          sheet,
          2 + i,
          1,
          pieces.slice(i, i + STAGED_CELLS_PER_WRITE).map((p) => [p]),
        );
      }
      const chars = pieces.reduce((n, p) => n + p.length, 0);
      writeBlock(sheet, 1, 1, [[JSON.stringify({ tag, cells: pieces.length, chars })]]);
      protectWithWarning(sheet, null, STAGED_PROTECTION);
    },
    remove() {
      const sheet = ss.getSheetByName(name);
      if (sheet) ss.deleteSheet(sheet);
    },
  };
}
