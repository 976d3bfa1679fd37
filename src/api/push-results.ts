/**
 * Per-row push results for the sidebar: the rows whose Status says the push failed (or was held back),
 * and showing one in the sheet (its tab activated and the row selected), so a person can fix it.
 */
import { z } from 'zod';
import { isBillingMonth } from '../core/periods';
import { activeSpreadsheet } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { lastRun, readProgress } from '../jobs/run';
import type { LastRun, Progress } from '../jobs/run';
import { cellText } from '../sheets/cells';
import { GRID_COLUMNS, locateColumns } from '../sheets/columns';
import type { GridColumnId } from '../sheets/columns';
import { readColumns, readHeader } from '../sheets/read-columns';
import { findMonthSheet, noMonthTab } from '../sheets/month-tabs';
import { parseArg, SidebarError } from './args';

export interface RowResult {
  row: number;
  client: string;
  product: string;
  status: string;
}

/** At most this many rows travel to the sidebar; the Status column has them all. */
const MAX_ROWS = 200;

const PROBLEM = /^(Failed|Not pushed)\b/;

/**
 * Rows whose Status says the push failed or did not push them, failed first, in sheet order. Reads the
 * five columns it shows, not the tab (the sidebar polls this while a push continues; a 100,000-row tab
 * is 3.2 million cells).
 */
export function problemRows(ss: Spreadsheet, month: string): { rows: RowResult[]; total: number } {
  const sheet = findMonthSheet(ss, month);
  if (!sheet) return { rows: [], total: 0 };
  const tab = sheet.getName();
  const { header, rows: count } = readHeader(sheet);
  let index: Map<GridColumnId, number>;
  try {
    index = locateColumns(tab, header, GRID_COLUMNS, { allowMissing: true }).index;
  } catch {
    return { rows: [], total: 0 }; // a tab whose header cannot be read says so in the Review screen
  }
  const status = index.get('status');
  if (status === undefined) return { rows: [], total: 0 };
  const ids = ['customerName', 'customerId', 'productName', 'sku'] as const;
  const cells = readColumns(sheet, count, [status, ...ids.flatMap((id) => index.get(id) ?? [])]);
  const text = (id: GridColumnId, i: number): string => {
    const c = index.get(id);
    return c === undefined ? '' : cellText(cells.get(c)?.[i]);
  };
  const rows: RowResult[] = [];
  (cells.get(status) ?? []).forEach((v, i) => {
    const st = cellText(v);
    if (!PROBLEM.test(st)) return;
    rows.push({
      row: i + 2,
      client: text('customerName', i) || text('customerId', i),
      product: text('productName', i) || text('sku', i),
      status: st,
    });
  });
  rows.sort(
    (a, b) =>
      Number(!a.status.startsWith('Failed')) - Number(!b.status.startsWith('Failed')) || a.row - b.row,
  );
  return { rows: rows.slice(0, MAX_ROWS), total: rows.length };
}

/** Activates the month's tab and selects the row, as a person clicking it would. */
export function activateRow(ss: Spreadsheet, month: string, row: number): void {
  const sheet = findMonthSheet(ss, month);
  if (!sheet) throw new SidebarError(`${noMonthTab(month)}.`);
  if (row < 2 || row > sheet.getLastRow()) throw new SidebarError(`Row ${row} is not in the ${month} tab.`);
  sheet.getRange(row, 1, 1, Math.max(1, sheet.getLastColumn())).activate();
}

export const showArgs = z.lazy(() =>
  z.object({
    month: z.string().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' }),
    row: z.number({ error: 'Row must be a number' }).int().min(2).max(1_000_000),
  }),
);

/** "Show in sheet": select a row of a month's tab. */
export function showGridRow(input: unknown): { row: number } {
  const a = parseArg(showArgs, input, 'Row to show');
  activateRow(activeSpreadsheet(), a.month, a.row);
  return { row: a.row };
}

export interface PushStatus {
  lastRun: LastRun | null;
  progress: Progress | null;
  problems: RowResult[];
  problemCount: number;
}

export const statusMonthArg = z
  .string()
  .refine(isBillingMonth, { error: 'Billing month must look like 2026-10' });

/** What the sidebar polls while a push continues from a trigger: last run, progress, rows to fix. */
export function getPushStatus(month: unknown): PushStatus {
  const m = parseArg(statusMonthArg, month, 'Billing month');
  const p = problemRows(activeSpreadsheet(), m);
  return { lastRun: lastRun(), progress: readProgress(), problems: p.rows, problemCount: p.total };
}
