/**
 * The month grid ("Billing 2026-10"): BillGrid's main interface. Each function reads the tab once
 * (getValues over the data range) and writes with one setValues per contiguous run of the columns it
 * owns, so the number of Sheets calls does not grow with the number of lines.
 */
import type { BillingLine } from '../core/billing-line';
import type { KeyedUnbillable } from '../core/unbillable';
import { MappingIndex } from '../core/mapping';
import type { Mappings } from '../core/mapping';
import type { ReconcileAction } from '../core/reconcile';
import { isFormula, isoDateInZone, readTable, writeColumns } from '../platform/spreadsheet';
import type { CellValue, Sheet, Spreadsheet, TableRead, WriteValue } from '../platform/spreadsheet';
import { cellText } from './cells';
import { GRID_COLUMNS, SheetLayoutError, gridHeader, locateColumns } from './columns';
import type { GridColumnId } from './columns';
import { FORMAT_CELLS_PER_ROW, formatGrid } from './format';
import { indexLookups, labeller, readLookups } from './lookups';
import type { Lookups } from './lookups';
import { readMappings } from './mappings';
import { mergeGrid } from './merge';
import type { ExistingRow, MergeResult, OutRow, PulledLine } from './merge';
import { readColumns, readHeader } from './read-columns';
import { findMonthSheet, monthSheetForWrite, monthsWithTabs, noMonthTab } from './month-tabs';
import { INVALID_MARK, validateRows } from './validate';
import type { GridRead } from './validate';

/** What the mapping cells of a pulled line are filled from. */
export interface MonthView {
  mappings: Mappings;
  lookups: Lookups | null;
  /** Sources whose pull failed: their rows are kept as they are, not marked removed (see merge.ts). */
  keepSources?: readonly string[];
  /** Records of this pull that cannot be billed: a row each, never approvable (see merge.ts). */
  unbillable?: readonly KeyedUnbillable[];
  /** The billing month each line lands on (arrears mode per integration and client). */
  billingMonthOf?: (line: BillingLine) => string;
  /** A contract a rule picks for the line over its mapped one (annual lines: the fixed-price contract). */
  ruleContractOf?: (line: BillingLine) => string | undefined;
}

export interface WriteMonthResult extends Omit<MergeResult, 'rows'> {
  tab: string;
  created: boolean;
  /** Data rows in the tab after the write. */
  rows: number;
  /** Headers that were missing and were added back at the right end. */
  restoredColumns: string[];
  /**
   * The tab as it stands after the write (what a getValues would return for BillGrid's columns), so the
   * comparison that follows a pull need not read back what was just written. Null when a kept cell holds
   * a formula, whose value only Sheets knows.
   */
  table: TableRead | null;
  /**
   * False when the write stopped for lack of time (WriteLimit): rows from `rowsWritten` on still hold what
   * they held (or nothing), the tab is not formatted yet and `table` is null. Pulling the same lines again
   * continues where this stopped, because rows already written compare equal and are not written twice.
   */
  complete: boolean;
  /** Data rows whose cells are as merged (all of them when complete). */
  rowsWritten: number;
}

/**
 * How much a write may do in this execution. Sheets charges ~0.15 ms per cell written (local/gas/LATENCY.md),
 * so a 100,000-line month (3.6 M cells) cannot be written in one 6-minute execution.
 */
export interface WriteLimit {
  /** Cells that may still be written in this execution (asked again after each block). */
  cellsAllowed: () => number;
  /** Rows written in any case, so that each execution makes progress (default 1,000). */
  minRows?: number;
  /** Rows per block when the write is split (default 2,000: a bounded number of Sheets calls each). */
  blockRows?: number;
}

type ColumnIndex = Map<GridColumnId, number>;

function existingRows(t: TableRead, index: ColumnIndex): ExistingRow[] {
  return t.rows.map((r, i) => {
    const cells: ExistingRow['cells'] = {};
    const formulas: NonNullable<ExistingRow['formulas']> = {};
    for (const [id, c] of index) {
      const v = r[c];
      if (v !== undefined && v !== null && v !== '') cells[id] = v;
      const f = t.formulas?.[i]?.[c];
      if (f) formulas[id] = f;
    }
    return { cells, formulas };
  });
}

/** The mappings and PSA lists as the tabs hold them now (what a pull fills the mapping cells from). */
export function monthView(ss: Spreadsheet): MonthView {
  const lookups = readLookups(ss, { codes: false });
  return { mappings: readMappings(ss, lookups).mappings, lookups };
}

/** The mapping cells for each line, as dropdown labels, from the mapping tabs. */
export function pulledLines(lines: readonly BillingLine[], view: MonthView): PulledLine[] {
  const index = new MappingIndex(view.mappings);
  const labels = labeller(view.lookups);
  return lines.map((line) => {
    const client = index.client(line.source, line.customerId);
    const contractId =
      view.ruleContractOf?.(line) ??
      index.contract(line.source, line.customerId, line.subscriptionId)?.contractId;
    return {
      line,
      mapping: {
        psaCompany: client && client.status !== 'excluded' ? labels.company(client.companyId) : '',
        psaContract: contractId ? labels.contract(contractId) : '',
        psaProduct: labels.product(index.product(line.source, line.sku)?.productId),
      },
      ...(view.billingMonthOf ? { billingPeriod: view.billingMonthOf(line) } : {}),
    };
  });
}

/**
 * Create or merge the month's tab with freshly pulled lines (see merge.ts for what survives). Missing
 * columns are added back at the right end; staff's extra columns and row order are left alone.
 */
export function writeMonth(
  ss: Spreadsheet,
  month: string,
  lines: readonly BillingLine[],
  view?: MonthView,
  limit?: WriteLimit,
): WriteMonthResult {
  // Found by its mark, whatever staff renamed it to; created (and marked) when the month has no tab yet.
  const { sheet, created } = monthSheetForWrite(ss, month);
  const tab = sheet.getName();
  const t: TableRead = created
    ? { header: [], rows: [], formulas: null }
    : readTable(sheet, { formulas: true });
  const header = t.header.every((h) => h.trim() === '') ? [] : t.header.slice();
  const index: ColumnIndex = header.length
    ? locateColumns(tab, header, GRID_COLUMNS, { allowMissing: true }).index
    : new Map();
  const restoredColumns: string[] = [];
  const firstNew = header.length;
  for (const c of GRID_COLUMNS) {
    if (index.has(c.id)) continue;
    index.set(c.id, header.length);
    header.push(c.header);
    if (!created && firstNew > 0) restoredColumns.push(c.header);
  }

  const v = view ?? monthView(ss);
  const merged = mergeGrid(existingRows(t, index), pulledLines(lines, v), {
    keepSources: v.keepSources,
    unbillable: v.unbillable,
  });

  if (header.length > firstNew) {
    const cols = new Map<number, WriteValue[]>();
    for (let c = firstNew; c < header.length; c++) cols.set(c + 1, [header[c]]);
    writeColumns(sheet, 1, cols);
  }
  // Rows already in the tab: only the runs of columns where something changed (usually amounts and the
  // pulled record); then the new lines below them. Either way a handful of calls, whatever the row count.
  const kept = t.rows.length;
  const total = merged.rows.length;
  const columns = GRID_COLUMNS.map((c) => {
    const values = merged.rows.map((r) => r[c.id]);
    return {
      at: index.get(c.id) as number,
      values,
      // Below the data range every cell is empty, and a pull leaves reconciliation, status and note
      // cells of new lines blank (but for the status of a record that cannot be billed): no write then.
      blankWhenNew:
        BLANK_FOR_NEW_LINES.has(c.id) && values.every((v, i) => i < kept || v === '' || v == null),
    };
  });
  /** The column writes of merged rows [from, to): changed cells of kept rows, then new rows. */
  const plan = (from: number, to: number) => {
    const changed = new Map<number, WriteValue[]>();
    const fresh = new Map<number, WriteValue[]>();
    const keptTo = Math.min(to, kept);
    for (const c of columns) {
      if (from < keptTo) {
        const old = c.values.slice(from, keptTo);
        if (old.some((v, i) => !sameWritten(v, t.rows[from + i][c.at], t.formulas?.[from + i]?.[c.at])))
          changed.set(c.at + 1, old);
      }
      if (to > kept && !c.blankWhenNew) fresh.set(c.at + 1, c.values.slice(Math.max(from, kept), to));
    }
    const cells =
      changed.size * Math.max(0, keptTo - from) + fresh.size * Math.max(0, to - Math.max(from, kept));
    return { changed, fresh, cells, from, to };
  };
  const write = (p: ReturnType<typeof plan>) => {
    writeColumns(sheet, 2 + p.from, p.changed);
    writeColumns(sheet, 2 + Math.max(p.from, kept), p.fresh);
  };

  let done = total;
  const whole = plan(0, total);
  if (!limit || whole.cells + total * FORMAT_CELLS_PER_ROW <= limit.cellsAllowed()) {
    write(whole);
  } else {
    // Too much for what is left of this execution: write blocks of rows while they fit, then stop.
    const minRows = limit.minRows ?? 1_000;
    const blockRows = limit.blockRows ?? 2_000;
    done = 0;
    /** Rows this execution actually wrote (rows an earlier one wrote compare equal and cost nothing). */
    let wrote = 0;
    while (done < total) {
      const p = plan(done, Math.min(total, done + blockRows));
      // The formats of all rows are written at the end, by the execution that writes the last block.
      const cost = p.cells + (p.to === total ? total * FORMAT_CELLS_PER_ROW : 0);
      if (p.cells > 0 && wrote >= minRows && cost > limit.cellsAllowed()) break;
      write(p);
      if (p.cells > 0) wrote += p.to - p.from;
      done = p.to;
    }
  }
  const complete = done === total;

  formatGrid(ss, sheet, {
    col: (id) => (index.get(id) as number) + 1,
    // An unfinished write formats nothing yet but the header of a new tab.
    rows: complete ? total : 0,
    currencies: merged.rows.map((r) => cellText(r.currency)),
    created,
  });

  const { rows, ...stats } = merged;
  const table = complete ? writtenTable(header, t.rows, rows, index) : null;
  return { ...stats, tab, created, rows: rows.length, restoredColumns, table, complete, rowsWritten: done };
}

/** What getValues returns for a cell written with `v` (writeColumns makes text literal); null for a formula. */
function storedValue(v: WriteValue): CellValue | null {
  if (v === null || v === undefined) return '';
  if (isFormula(v)) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  return v;
}

/**
 * The tab after writeMonth, from the merged rows: BillGrid's columns as written (or kept, which mergeGrid
 * copied from the read), staff columns as read. Null when a formula's value would be needed.
 */
function writtenTable(
  header: readonly string[],
  before: readonly CellValue[][],
  rows: readonly OutRow[],
  index: ColumnIndex,
): TableRead | null {
  const width = header.length;
  const out: CellValue[][] = new Array<CellValue[]>(rows.length);
  const at = GRID_COLUMNS.map((c) => [c.id, index.get(c.id) as number] as const);
  for (let i = 0; i < rows.length; i++) {
    const row: CellValue[] = new Array<CellValue>(width).fill('');
    const old = before[i];
    if (old) for (let c = 0; c < width && c < old.length; c++) row[c] = old[c] ?? '';
    for (const [id, c] of at) {
      const v = storedValue(rows[i][id]);
      if (v === null) return null;
      row[c] = v;
    }
    out[i] = row;
  }
  return { header: header.slice(), rows: out, formulas: null };
}

const BLANK_FOR_NEW_LINES = new Set<GridColumnId>([
  'psaQuantityNow',
  'difference',
  'action',
  'status',
  'psaReference',
  'note',
]);

/** Whether writing `v` would leave the cell as it is (same formula, or same value and no formula). */
function sameWritten(v: WriteValue, cur: CellValue | undefined, formula: string | undefined): boolean {
  if (isFormula(v)) return v.formula === formula;
  if (formula) return false;
  const blank = (x: unknown) => x === undefined || x === null || x === '';
  if (blank(v) || blank(cur)) return blank(v) && blank(cur);
  if (v instanceof Date || cur instanceof Date)
    return v instanceof Date && cur instanceof Date && v.getTime() === cur.getTime();
  return v === cur;
}

function gridSheet(ss: Spreadsheet, month: string): { tab: string; sheet: Sheet } {
  const sheet = findMonthSheet(ss, month);
  if (!sheet) throw new SheetLayoutError(noMonthTab(month));
  return { tab: sheet.getName(), sheet };
}

function requireColumns(tab: string, index: ColumnIndex, ids: GridColumnId[]): void {
  const missing = ids.filter((id) => !index.has(id)).map((id) => `'${gridHeader(id)}'`);
  if (missing.length) {
    throw new SheetLayoutError(
      `Tab '${tab}' has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}; restore the header in row 1`,
    );
  }
}

export interface ReadGridOptions {
  /** The PSA lists to check mapping cells against; read from the lookup tabs when omitted. */
  lookups?: Lookups | null;
  /** The tab's contents when the caller has them (writeMonth's `table`, just written): not read again. */
  table?: TableRead | null;
}

function readGridTable(ss: Spreadsheet, month: string, options: ReadGridOptions) {
  const { tab, sheet } = gridSheet(ss, month);
  const t = options.table ?? readTable(sheet);
  const { index } = locateColumns(tab, t.header, GRID_COLUMNS);
  const lookups = options.lookups === undefined ? readLookups(ss, { codes: false }) : options.lookups;
  const tz = ss.getSpreadsheetTimeZone();
  const read = validateRows(t.rows, index, {
    lookups: lookups ? indexLookups(lookups) : null,
    dateText: (d) => isoDateInZone(d, tz),
  });
  return { tab, sheet, t, index, read };
}

/**
 * Read a month's tab by header names: valid rows (with their approval and staff overrides), invalid rows
 * with one message each, and lines removed at the source. Reads only; see validateGrid.
 */
export function readGrid(ss: Spreadsheet, month: string, options: ReadGridOptions = {}): GridRead {
  return readGridTable(ss, month, options).read;
}

/**
 * readGrid, then show each invalid row's message in its Status cell ("⚠ Quantity 'ten' is not a number")
 * and clear the messages of rows that have been fixed: one setValues on the Status column.
 */
export function validateGrid(ss: Spreadsheet, month: string, options: ReadGridOptions = {}): GridRead {
  const { sheet, t, index, read } = readGridTable(ss, month, options);
  const statusCol = index.get('status') as number;
  const message = new Map(read.invalid.map((r) => [r.rowNumber, INVALID_MARK + r.message]));
  let changed = false;
  const values: WriteValue[] = t.rows.map((r, i) => {
    const cur: CellValue = r[statusCol] ?? '';
    const text = cellText(cur);
    const stale = text.startsWith(INVALID_MARK.trim()) && !text.startsWith(HELD_MARK);
    const next = message.get(i + 2) ?? (stale ? '' : cur);
    if (next !== cur) changed = true;
    return next;
  });
  if (changed) writeColumns(sheet, 2, new Map([[statusCol + 1, values]]));
  return read;
}

/**
 * Status prefix of a valid row the month's comparison holds back for a reason in its mappings rather than
 * its cells (its contract belongs to another PSA company than its customer's: core/contract-owner.ts).
 * Highlighted like an invalid row's message; validateGrid leaves it to markHeldRows, which sets and clears it.
 */
export const HELD_MARK = `${INVALID_MARK}Held: `;

/**
 * Show each held row's reason in its Status cell (HELD_MARK + reason) and clear the mark of rows no longer
 * held. `rows` are the rows as just read (their Status cells): when nothing changes, nothing is read or
 * written; otherwise the key and Status columns are read once and Status written once.
 */
export function markHeldRows(
  ss: Spreadsheet,
  month: string,
  rows: readonly { key: string; status: string }[],
  held: ReadonlyMap<string, string>,
): number {
  const wanted = (key: string, status: string): string => {
    const why = held.get(key);
    if (why !== undefined) return HELD_MARK + why;
    return status.startsWith(HELD_MARK) ? '' : status;
  };
  if (!rows.some((r) => wanted(r.key, r.status) !== r.status)) return 0;
  const { tab, sheet } = gridSheet(ss, month);
  const { index, column } = readGridColumns(sheet, tab, ['key', 'status']);
  const keys = column('key');
  const now = column('status');
  let changed = 0;
  const status: WriteValue[] = keys.map((k, i) => {
    const key = cellText(k).trim();
    const text = cellText(now[i]);
    if (!key) return now[i];
    const next = wanted(key, text);
    if (next === text) return now[i];
    changed++;
    return next;
  });
  if (changed) writeColumns(sheet, 2, new Map([[(index.get('status') as number) + 1, status]]));
  return changed;
}

/** The header, then only the given columns' data rows (see read-columns.ts). */
function readGridColumns(sheet: Sheet, tab: string, ids: GridColumnId[]) {
  const { header, rows } = readHeader(sheet);
  const { index } = locateColumns(tab, header, GRID_COLUMNS);
  requireColumns(tab, index, ids);
  const values = readColumns(
    sheet,
    rows,
    ids.map((id) => index.get(id) as number),
  );
  const column = (id: GridColumnId): CellValue[] => values.get(index.get(id) as number) as CellValue[];
  return { index, rows, column };
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * Fill "PSA quantity now", "Difference" and "Action" from a reconciliation (by line key). Rows whose key
 * has no action are cleared; rows without a key are left alone. One read, one write per column run.
 */
export function writeReconciliation(
  ss: Spreadsheet,
  month: string,
  byLine: ReadonlyMap<string, ReconcileAction>,
): { rows: number } {
  const { tab, sheet } = gridSheet(ss, month);
  // Read again, even right after a pull: rows may have been sorted while the PSA was being read.
  const { index, column } = readGridColumns(sheet, tab, ['key', 'psaQuantityNow', 'difference', 'action']);
  const [keys, nowCells, diffCells, actionCells] = (
    ['key', 'psaQuantityNow', 'difference', 'action'] as const
  ).map(column);
  const now: WriteValue[] = [];
  const diff: WriteValue[] = [];
  const action: WriteValue[] = [];
  let rows = 0;
  keys.forEach((k, i) => {
    const key = cellText(k).trim();
    const a = key ? byLine.get(key) : undefined;
    if (!key) {
      now.push(nowCells[i]);
      diff.push(diffCells[i]);
      action.push(actionCells[i]);
      return;
    }
    if (!a) {
      now.push('');
      diff.push('');
      action.push('');
      return;
    }
    rows++;
    now.push(a.before ? a.before.quantity : '');
    diff.push(a.after ? round(a.after.quantity - (a.before?.quantity ?? 0)) : '');
    action.push(a.action === 'blocked' ? `Blocked: ${a.message}` : a.message);
  });
  writeColumns(
    sheet,
    2,
    new Map([
      [(index.get('psaQuantityNow') as number) + 1, now],
      [(index.get('difference') as number) + 1, diff],
      [(index.get('action') as number) + 1, action],
    ]),
  );
  return { rows };
}

/** The outcome of pushing one line (a core StepOutcome, or a line the plan skipped). */
export type LineResult =
  | { status: 'applied' | 'unchanged'; psaId: string; message: string }
  | { status: 'failed'; message: string; retryable?: boolean }
  | { status: 'skipped'; message: string }
  /** Nothing was sent for the line yet (the run stopped first, e.g. at the rate limit): a later run sends it. */
  | { status: 'waiting'; message: string };

/** What a Status cell starts with when nothing was sent for the row yet (see LineResult 'waiting'). */
export const WAITING_PREFIX = 'Waiting: ';

export function statusText(r: LineResult): string {
  switch (r.status) {
    case 'applied':
      return `Pushed: ${r.message}`;
    case 'unchanged':
      return `Up to date: ${r.message}`;
    case 'failed':
      return `Failed: ${r.message}`;
    case 'skipped':
      return `Not pushed: ${r.message}`;
    case 'waiting':
      return `${WAITING_PREFIX}${r.message}`;
  }
}

/**
 * Write Status and PSA reference for the given line keys in one batch (Status and PSA reference are
 * adjacent in the default layout). A failure keeps the PSA reference the row already had.
 */
export function writeStatuses(
  ss: Spreadsheet,
  month: string,
  results: ReadonlyMap<string, LineResult>,
): { rows: number; unknownKeys: string[] } {
  const { tab, sheet } = gridSheet(ss, month);
  // Placed by the key the row has now (staff may have sorted during the push): three columns read.
  const { index, column } = readGridColumns(sheet, tab, ['key', 'status', 'psaReference']);
  const statusCol = index.get('status') as number;
  const refCol = index.get('psaReference') as number;
  const [keys, statusCells, refCells] = (['key', 'status', 'psaReference'] as const).map(column);
  const status: WriteValue[] = [];
  const ref: WriteValue[] = [];
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    const key = cellText(k).trim();
    const res = key ? results.get(key) : undefined;
    status.push(res ? statusText(res) : statusCells[i]);
    ref.push(res && 'psaId' in res ? res.psaId : refCells[i]);
    if (res) seen.add(key);
  });
  writeColumns(
    sheet,
    2,
    new Map([
      [statusCol + 1, status],
      [refCol + 1, ref],
    ]),
  );
  return { rows: seen.size, unknownKeys: [...results.keys()].filter((k) => !seen.has(k)) };
}

/** The months that have a grid tab (found by its mark or its name), newest first. */
export function listMonths(ss: Spreadsheet): string[] {
  return monthsWithTabs(ss);
}
