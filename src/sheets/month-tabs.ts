/**
 * Month tabs found by what they are, not only by their name: each carries developer metadata
 * 'billgrid.month' = 'yyyy-mm', which stays on the sheet when staff rename or move it, so a renamed tab
 * keeps its month, approvals and history. A tab from before the mark (or one named by hand) is still found
 * by its name 'Billing yyyy-mm' and is marked the next time BillGrid writes it.
 */
import { markSheet, sheetMark, sheetsMarked } from '../platform/spreadsheet';
import type { Sheet, Spreadsheet } from '../platform/spreadsheet';
import { isBillingMonth } from '../core/periods';
import { monthOfTab, monthTabName } from './tabs';

export const MONTH_MARK = 'billgrid.month';

/**
 * The tab of `month`: the one marked as it (the one still bearing the month's name when a copy carries
 * the same mark, else the first in tab order), or an unmarked tab with the month's name; null when none.
 */
export function findMonthSheet(ss: Spreadsheet, month: string): Sheet | null {
  const name = monthTabName(month);
  const marks = sheetsMarked(ss, MONTH_MARK);
  const marked = marks.filter((m) => m.value === month).map((m) => m.sheet);
  if (marked.length) {
    const byIndex = marked.slice().sort((a, b) => a.getIndex() - b.getIndex());
    return byIndex.find((s) => s.getName() === name) ?? byIndex[0];
  }
  const byName = ss.getSheetByName(name);
  // A tab bearing this month's name but marked as another month belongs to that month.
  if (byName && marks.some((m) => m.sheet.getSheetId() === byName.getSheetId())) return null;
  return byName;
}

/** The month's tab, created with the month's name (or a free variant of it) when there is none; marked. */
export function monthSheetForWrite(ss: Spreadsheet, month: string): { sheet: Sheet; created: boolean } {
  const found = findMonthSheet(ss, month);
  if (found) {
    markSheet(found, MONTH_MARK, month);
    return { sheet: found, created: false };
  }
  const base = monthTabName(month);
  let name = base;
  // The name may be held by another month's renamed tab: never write into that one.
  for (let n = 2; ss.getSheetByName(name); n++) name = `${base} (${n})`;
  const sheet = ss.insertSheet(name, ss.getNumSheets());
  markSheet(sheet, MONTH_MARK, month);
  return { sheet, created: true };
}

/** The billing month a tab holds (its mark, else its name), or null for any other tab. */
export function monthOfSheet(sheet: Sheet): string | null {
  const mark = sheetMark(sheet, MONTH_MARK);
  if (mark !== null) return isBillingMonth(mark) ? mark : null;
  return monthOfTab(sheet.getName());
}

/** Every month that has a tab (marked, or unmarked with a month's name), newest first. */
export function monthsWithTabs(ss: Spreadsheet): string[] {
  const marks = sheetsMarked(ss, MONTH_MARK);
  const markedIds = new Set(marks.map((m) => m.sheet.getSheetId()));
  const months = new Set(marks.map((m) => m.value).filter((m) => isBillingMonth(m)));
  for (const s of ss.getSheets()) {
    if (markedIds.has(s.getSheetId())) continue;
    const m = monthOfTab(s.getName());
    if (m) months.add(m);
  }
  return [...months].sort().reverse();
}

/** Why there is no tab for `month` (safe advice: a pull creates it; nothing staff typed is lost). */
export function noMonthTab(month: string): string {
  return `No tab holds billing month ${month} (none is marked as it or named '${monthTabName(month)}'); pull ${month} to create it`;
}
