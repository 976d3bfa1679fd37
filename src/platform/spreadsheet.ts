/**
 * Batch I/O over SpreadsheetApp: the only place sheet code touches the Apps Script spreadsheet globals
 * (builders for validation, conditional formats, Utilities for dates). Everything here is shaped so that
 * a tab is read with one getValues and written with one setValues per contiguous run of columns,
 * whatever the number of rows.
 */

export type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
export type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
export type Range = GoogleAppsScript.Spreadsheet.Range;

/** What getValues gives back for one cell. */
export type CellValue = string | number | boolean | Date;

/** A formula to write as such. Plain strings are never formulas (see `literalText`). */
export interface Formula {
  formula: string;
}

export type WriteValue = CellValue | null | undefined | Formula;

export const isFormula = (v: unknown): v is Formula =>
  typeof v === 'object' && v !== null && !(v instanceof Date) && typeof (v as Formula).formula === 'string';

/**
 * Text that Sheets might not keep as typed. Sheets parses a written string like a typed one: formulas and
 * signs (= + - @), error literals (#N/A), a leading apostrophe (it is eaten), and numbers, percentages,
 * currency, fractions, dates and times in many forms ('00123', '1e5', '1 1/2', '1/2', 'Oct 2026',
 * 'Jan 5', '5 Jan', '10:30 pm'), TRUE/FALSE. Every such form but TRUE/FALSE holds a digit, so rather
 * than enumerate Sheets' parser, any text with a digit (any script's), a leading sign, quote, hash or
 * whitespace, or TRUE/FALSE is written as literal text.
 */
const NOT_LITERAL = /\p{Nd}|^[=+\-@'#\s]|^\s*(?:true|false)\s*$/iu;

/** The string to write so that the cell holds exactly `s` as text (prefix "'" when needed). */
export function literalText(s: string): string {
  return NOT_LITERAL.test(s) ? `'${s}` : s;
}

/** One value as setValues must receive it: text made literal, formulas raw, numbers/booleans/dates as is. */
export function toWritable(v: WriteValue): CellValue {
  if (v === null || v === undefined) return '';
  if (isFormula(v)) return v.formula;
  if (typeof v === 'string') return v === '' ? '' : literalText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  return v;
}

export function activeSpreadsheet(): Spreadsheet {
  return SpreadsheetApp.getActiveSpreadsheet();
}

/** The tab named `name`, created (at the end, optionally hidden) when missing. */
export function ensureSheet(ss: Spreadsheet, name: string, options: { hidden?: boolean } = {}): Sheet {
  const existing = ss.getSheetByName(name);
  if (existing) return existing;
  const sheet = ss.insertSheet(name, ss.getNumSheets());
  if (options.hidden) sheet.hideSheet();
  return sheet;
}

/**
 * Sheets carrying developer metadata `key`, each with its value, in one finder call: a tab found by what it
 * is (the metadata stays on the sheet when staff rename or move it), not by its name.
 */
export function sheetsMarked(ss: Spreadsheet, key: string): { sheet: Sheet; value: string }[] {
  return ss
    .createDeveloperMetadataFinder()
    .withKey(key)
    .find()
    .flatMap((m) => {
      const sheet = m.getLocation().getSheet();
      return sheet ? [{ sheet, value: m.getValue() ?? '' }] : [];
    });
}

/** The value of the sheet's own metadata `key`, or null when it has none. */
export function sheetMark(sheet: Sheet, key: string): string | null {
  const m = sheet.getDeveloperMetadata().find((x) => x.getKey() === key);
  return m ? (m.getValue() ?? '') : null;
}

/** Marks a sheet with developer metadata `key` = `value` (replacing an earlier value). */
export function markSheet(sheet: Sheet, key: string, value: string): void {
  const own = sheet.getDeveloperMetadata().filter((x) => x.getKey() === key);
  if (own.length === 1 && own[0].getValue() === value) return;
  for (const m of own) m.remove();
  sheet.addDeveloperMetadata(key, value);
}

export interface TableRead {
  /** Row 1, as text. */
  header: string[];
  /** Rows 2..last, each as wide as the header (or the data range). */
  rows: CellValue[][];
  /** Same shape as `rows` when asked for; '' where a cell holds no formula. */
  formulas: string[][] | null;
}

/** The whole tab in one getValues (and one getFormulas when asked): header row plus data rows. */
export function readTable(sheet: Sheet, options: { formulas?: boolean } = {}): TableRead {
  const range = sheet.getDataRange();
  const values = range.getValues() as CellValue[][];
  const formulas = options.formulas ? range.getFormulas() : null;
  const head = values[0] ?? [];
  const header = head.map((h) => (h === null || h === undefined ? '' : String(h)));
  return { header, rows: values.slice(1), formulas: formulas ? formulas.slice(1) : null };
}

/** Make sure the sheet has at least `rows` rows and `columns` columns (one call each only when short). */
export function ensureSize(sheet: Sheet, rows: number, columns: number): void {
  const maxRows = sheet.getMaxRows();
  if (maxRows < rows) sheet.insertRowsAfter(maxRows, rows - maxRows);
  const maxColumns = sheet.getMaxColumns();
  if (maxColumns < columns) sheet.insertColumnsAfter(maxColumns, columns - maxColumns);
}

/** Group 1-based column numbers into runs of consecutive columns. */
export function columnRuns(columns: readonly number[]): number[][] {
  const sorted = [...new Set(columns)].sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const c of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === c - 1) last.push(c);
    else runs.push([c]);
  }
  return runs;
}

/**
 * Write whole columns from `firstRow` down: one setValues per run of adjacent columns. `columns` maps a
 * 1-based column number to its values (all the same length). Strings are written as literal text.
 */
export function writeColumns(
  sheet: Sheet,
  firstRow: number,
  columns: ReadonlyMap<number, WriteValue[]>,
): void {
  if (columns.size === 0) return;
  const lengths = new Set([...columns.values()].map((v) => v.length));
  if (lengths.size !== 1) throw new Error('writeColumns: columns of different lengths');
  const n = [...lengths][0];
  if (n === 0) return;
  ensureSize(sheet, firstRow + n - 1, Math.max(...columns.keys()));
  for (const run of columnRuns([...columns.keys()])) {
    const cols = run.map((c) => columns.get(c) as WriteValue[]);
    const block: CellValue[][] = new Array(n);
    for (let r = 0; r < n; r++) {
      const row: CellValue[] = new Array(cols.length);
      for (let j = 0; j < cols.length; j++) row[j] = toWritable(cols[j][r]);
      block[r] = row;
    }
    sheet.getRange(firstRow, run[0], n, run.length).setValues(block);
  }
}

/** Write rows of a fixed width starting at (firstRow, 1) in one setValues. */
export function writeBlock(sheet: Sheet, firstRow: number, firstColumn: number, rows: WriteValue[][]): void {
  if (rows.length === 0) return;
  const width = rows[0].length;
  ensureSize(sheet, firstRow + rows.length - 1, firstColumn + width - 1);
  sheet
    .getRange(firstRow, firstColumn, rows.length, width)
    .setValues(rows.map((r) => r.map((v) => toWritable(v))));
}

/** A 1-based column number as letters (1 → A, 28 → AB). */
export function columnLetter(column: number): string {
  let n = column;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Rows 2..max of one column: where validation, formats and highlights go. */
export function dataColumn(sheet: Sheet, column: number): Range {
  return sheet.getRange(2, column, Math.max(sheet.getMaxRows() - 1, 1), 1);
}

/** A dropdown fed by a lookup range. Invalid values are allowed but flagged, so a paste is never blocked. */
export function dropdownRule(source: Range, helpText: string): GoogleAppsScript.Spreadsheet.DataValidation {
  return SpreadsheetApp.newDataValidation()
    .requireValueInRange(source, true)
    .setAllowInvalid(true)
    .setHelpText(helpText)
    .build();
}

export function listRule(values: string[], helpText: string): GoogleAppsScript.Spreadsheet.DataValidation {
  return SpreadsheetApp.newDataValidation()
    .requireValueInList(values, true)
    .setAllowInvalid(true)
    .setHelpText(helpText)
    .build();
}

export function checkboxRule(): GoogleAppsScript.Spreadsheet.DataValidation {
  return SpreadsheetApp.newDataValidation().requireCheckbox().build();
}

/** Background colour for the cells of `ranges` where the custom formula is true. */
export function highlightRule(
  ranges: Range[],
  formula: string,
  background: string,
): GoogleAppsScript.Spreadsheet.ConditionalFormatRule {
  return SpreadsheetApp.newConditionalFormatRule()
    .whenFormulaSatisfied(formula)
    .setBackground(background)
    .setRanges(ranges)
    .build();
}

/**
 * A warning-only protection (people can still edit after a confirmation), one per description: kept when
 * it already covers `range`, replaced when the grid has grown past it.
 */
export function protectWithWarning(sheet: Sheet, range: Range | null, description: string): void {
  const type = range ? SpreadsheetApp.ProtectionType.RANGE : SpreadsheetApp.ProtectionType.SHEET;
  const existing = sheet.getProtections(type).find((p) => p.getDescription() === description);
  if (existing) {
    const covered = existing.getRange();
    if (!range || (covered.getRow() <= range.getRow() && covered.getLastRow() >= range.getLastRow())) return;
    existing.remove();
  }
  const p = range ? range.protect() : sheet.protect();
  p.setDescription(description).setWarningOnly(true);
}

export type ProtectOutcome = 'unchanged' | 'changed' | 'not-allowed';

const lowerEmail = (e: string): string => e.trim().toLowerCase();

/**
 * One protection of the whole tab, with no warning, that only `editors` may edit: Sheets refuses everyone
 * else, whether they type or a script runs as them (scripts run with the executing user's rights). The
 * protection carrying `description`, or one of the `adopt` descriptions (an earlier warning-only one), is
 * brought in step with the list; one is created when there is none. Google keeps the spreadsheet's owner
 * and the user running this on every protection ("Neither the owner of the spreadsheet nor the current
 * user can be removed", Protection reference). `collaborators()` (the spreadsheet's editors, null when
 * unknown) is read only if Sheets refuses to add someone.
 * 'not-allowed': this user is not on the protection, so may not change it; nothing is changed.
 */
export function protectSheetFor(
  sheet: Sheet,
  description: string,
  adopt: readonly string[],
  editors: readonly string[],
  collaborators: () => string[] | null,
): ProtectOutcome {
  const ours = sheet
    .getProtections(SpreadsheetApp.ProtectionType.SHEET)
    .filter((p) => [description, ...adopt].includes(p.getDescription()));
  if (ours.some((p) => !p.canEdit())) return 'not-allowed';
  const [found, ...extra] = ours;
  for (const p of extra) p.remove();
  const want = new Set(editors.map(lowerEmail).filter((e) => e !== ''));
  // Should Sheets refuse someone who cannot edit the file (not verified), the others are listed.
  const addEditors = (p: GoogleAppsScript.Spreadsheet.Protection, list: string[]): void => {
    if (!list.length) return;
    try {
      p.addEditors(list);
    } catch (err) {
      const known = collaborators();
      const can = known === null ? [] : list.filter((e) => known.includes(e));
      if (can.length === 0 || can.length === list.length) throw err;
      p.addEditors(can);
    }
  };
  if (found && found.getDescription() === description && !found.isWarningOnly() && !found.canDomainEdit()) {
    const have = new Set(found.getEditors().map((u) => lowerEmail(u.getEmail())));
    let drop = [...have].filter((e) => e !== '' && !want.has(e));
    // The spreadsheet's owner stays on every protection whatever BillGrid asks.
    if (drop.length) {
      const owner = lowerEmail(sheet.getParent().getOwner()?.getEmail() ?? '');
      drop = drop.filter((e) => e !== owner);
    }
    const add = [...want].filter((e) => !have.has(e));
    if (!drop.length && !add.length) return 'unchanged';
    addEditors(found, add);
    if (drop.length) found.removeEditors(drop);
    return 'changed';
  }
  const p = found ?? sheet.protect();
  p.setDescription(description).setWarningOnly(false);
  p.removeEditors(p.getEditors().map((u) => u.getEmail()));
  addEditors(p, [...want]);
  if (p.canDomainEdit()) p.setDomainEdit(false);
  return 'changed';
}

/** False when a protection of the whole tab refuses the user running this (no warning, not on it). */
export function canEditSheet(sheet: Sheet): boolean {
  return sheet.getProtections(SpreadsheetApp.ProtectionType.SHEET).every((p) => p.canEdit());
}

/** BillGrid's own conditional format rules carry this in their formula, so they can be replaced. */
export const RULE_MARK = 'N("BillGrid")=0';

/** Replace BillGrid's conditional format rules on a sheet, keeping everybody else's. */
export function replaceOwnRules(
  sheet: Sheet,
  rules: GoogleAppsScript.Spreadsheet.ConditionalFormatRule[],
): void {
  const others = sheet.getConditionalFormatRules().filter((r) => {
    const values = r.getBooleanCondition()?.getCriteriaValues() ?? [];
    return !values.some((v) => typeof v === 'string' && v.includes(RULE_MARK));
  });
  sheet.setConditionalFormatRules([...others, ...rules]);
}

/** A date cell as yyyy-mm-dd in the spreadsheet's time zone (how Sheets shows it to the user). */
export function isoDateInZone(d: Date, timeZone: string): string {
  return Utilities.formatDate(d, timeZone, 'yyyy-MM-dd');
}

/** Hide columns first..first+count-1 (one call). Tolerates an emulator without column visibility. */
export function hideColumns(sheet: Sheet, first: number, count: number): void {
  if (typeof (sheet as Partial<Sheet>).hideColumns === 'function') sheet.hideColumns(first, count);
}
