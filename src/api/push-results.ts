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
import { listMonths, readGrid } from '../sheets/grid';
import { monthTabName } from '../sheets/tabs';
import { parseArg, SidebarError } from './args';

export interface RowResult {
  row: number;
  client: string;
  product: string;
  status: string;
}

/** At most this many rows travel to the sidebar; the Status column has them all. */
const MAX_ROWS = 200;

/** Rows whose Status says the push failed or did not push them, in sheet order. */
export function problemRows(ss: Spreadsheet, month: string): { rows: RowResult[]; total: number } {
  if (!listMonths(ss).includes(month)) return { rows: [], total: 0 };
  const read = readGrid(ss, month, { lookups: null });
  const rows = read.rows
    .filter((r) => /^(Failed|Not pushed)\b/.test(r.status))
    .map((r) => ({
      row: r.rowNumber,
      client: r.line.customerName || r.line.customerId,
      product: r.line.productName || r.line.sku,
      status: r.status,
    }))
    .sort(
      (a, b) =>
        Number(!a.status.startsWith('Failed')) - Number(!b.status.startsWith('Failed')) || a.row - b.row,
    );
  return { rows: rows.slice(0, MAX_ROWS), total: rows.length };
}

/** Activates the month's tab and selects the row, as a person clicking it would. */
export function activateRow(ss: Spreadsheet, month: string, row: number): void {
  const sheet = ss.getSheetByName(monthTabName(month));
  if (!sheet) throw new SidebarError(`There is no tab for ${month}: pull the month first.`);
  if (row < 2 || row > sheet.getLastRow()) throw new SidebarError(`Row ${row} is not in the ${month} tab.`);
  sheet.getRange(row, 1, 1, Math.max(1, sheet.getLastColumn())).activate();
}

const showArgs = z.object({
  month: z.string().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' }),
  row: z.number({ error: 'Row must be a number' }).int().min(2).max(1_000_000),
});

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

const monthArg = z.string().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' });

/** What the sidebar polls while a push continues from a trigger: last run, progress, rows to fix. */
export function getPushStatus(month: unknown): PushStatus {
  const m = parseArg(monthArg, month, 'Billing month');
  const p = problemRows(activeSpreadsheet(), m);
  return { lastRun: lastRun(), progress: readProgress(), problems: p.rows, problemCount: p.total };
}
