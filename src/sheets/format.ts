/**
 * How a grid tab looks and guards itself: frozen header, hidden helper columns, money in the row's
 * currency, checkbox and dropdowns, highlights (Difference ≠ 0, error Status, removed lines) and
 * warning-only protection of the key and status columns. Every step is one call on a whole column range,
 * so formatting a month costs the same for 20 or 20,000 rows.
 */
import {
  RULE_MARK,
  checkboxRule,
  columnLetter,
  columnRuns,
  dropdownRule,
  hideColumns,
  highlightRule,
  protectWithWarning,
  replaceOwnRules,
} from '../platform/spreadsheet';
import type { Sheet, Spreadsheet } from '../platform/spreadsheet';
import { GRID_COLUMNS } from './columns';
import type { GridColumnId } from './columns';
import { lookupRange } from './lookups';
import { REMOVED_STATUS } from './merge';
import { PSA_COMPANIES_TAB, PSA_CONTRACTS_TAB, PSA_PRODUCTS_TAB } from './tabs';
import { INVALID_MARK } from './validate';

/** Sheets number formats per currency (symbol where it is unambiguous, ISO code otherwise). */
const MONEY_FORMATS: Record<string, string> = {
  USD: '[$$]#,##0.00',
  EUR: '[$€]#,##0.00',
  GBP: '[$£]#,##0.00',
  AUD: '[$A$]#,##0.00',
  NZD: '[$NZ$]#,##0.00',
  CAD: '[$CA$]#,##0.00',
  ZAR: '[$R]#,##0.00',
  CHF: '[$CHF] #,##0.00',
  SEK: '#,##0.00 [$kr]',
  NOK: '#,##0.00 [$kr]',
  DKK: '#,##0.00 [$kr]',
};
export const moneyFormat = (currency: string): string => MONEY_FORMATS[currency] ?? '#,##0.00';

const MONEY_COLUMNS: GridColumnId[] = ['unitCost', 'unitPrice', 'total'];
/** Cells formatGrid writes per data row (money formats, the checkbox and three dropdowns). */
export const FORMAT_CELLS_PER_ROW = MONEY_COLUMNS.length + 4;

export const HIGHLIGHT = { difference: '#fce8b2', error: '#f4c7c3', removed: '#e0e0e0' } as const;

export const KEY_PROTECTION = 'BillGrid: line keys (changing one detaches the row from its charge)';
export const STATUS_PROTECTION = 'BillGrid: status written by BillGrid';

export interface GridFormatInput {
  /** 1-based column of each known column. */
  col: (id: GridColumnId) => number;
  /** Data rows (rows 2..rows+1). */
  rows: number;
  /** Currency of each data row, for the money formats. */
  currencies: string[];
  /** The tab was just created: freeze, bold and hide once. */
  created: boolean;
}

export function formatGrid(ss: Spreadsheet, sheet: Sheet, f: GridFormatInput): void {
  const { col, rows } = f;
  if (f.created) {
    sheet.setFrozenRows(1);
    sheet.getRange(1, 1, 1, GRID_COLUMNS.length).setFontWeight('bold');
    const hidden = GRID_COLUMNS.filter((c) => c.hidden).map((c) => col(c.id));
    for (const run of columnRuns(hidden)) hideColumns(sheet, run[0], run.length);
  }
  if (rows === 0) return;

  for (const run of columnRuns(MONEY_COLUMNS.map(col))) {
    const formats = f.currencies.map((c) => run.map(() => moneyFormat(c)));
    sheet.getRange(2, run[0], rows, run.length).setNumberFormats(formats);
  }

  sheet.getRange(2, col('approved'), rows, 1).setDataValidation(checkboxRule());
  const dropdowns: [GridColumnId, string, string][] = [
    ['psaCompany', PSA_COMPANIES_TAB, 'Pick the PSA company for this line (overrides the Clients tab)'],
    ['psaContract', PSA_CONTRACTS_TAB, 'Pick the PSA contract for this line (overrides the Contracts tab)'],
    ['psaProduct', PSA_PRODUCTS_TAB, 'Pick the PSA service/item for this line (overrides the Products tab)'],
  ];
  for (const [id, tab, help] of dropdowns) {
    const source = lookupRange(ss, tab);
    if (source) sheet.getRange(2, col(id), rows, 1).setDataValidation(dropdownRule(source, help));
  }

  const d = columnLetter(col('difference'));
  const s = columnLetter(col('status'));
  const range = (id: GridColumnId) => sheet.getRange(2, col(id), rows, 1);
  replaceOwnRules(sheet, [
    highlightRule(
      [range('difference')],
      `=AND(ISNUMBER($${d}2),$${d}2<>0,${RULE_MARK})`,
      HIGHLIGHT.difference,
    ),
    highlightRule(
      [range('status')],
      `=AND(OR(LEFT($${s}2,${INVALID_MARK.length})="${INVALID_MARK}",LEFT($${s}2,6)="Failed"),${RULE_MARK})`,
      HIGHLIGHT.error,
    ),
    highlightRule(
      [range('key'), range('status')],
      `=AND(LEFT($${s}2,${REMOVED_STATUS.length})="${REMOVED_STATUS}",${RULE_MARK})`,
      HIGHLIGHT.removed,
    ),
  ]);

  protectWithWarning(sheet, sheet.getRange(1, col('key'), rows + 1, 1), KEY_PROTECTION);
  protectWithWarning(sheet, sheet.getRange(1, col('status'), rows + 1, 1), STATUS_PROTECTION);
}
