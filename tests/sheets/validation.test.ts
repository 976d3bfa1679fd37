import { validateGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, raw } from './fixtures';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { cell, colOf, month, type } from './helpers';
import type { Sheet } from '../../src/platform/spreadsheet';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
  writeMappings(e.ss, MAPPINGS);
});
afterEach(() => e.close());

interface BadEdit {
  what: string;
  /** Edits applied to the row (typed as a person would: Sheets parses the text). */
  edit: (sheet: Sheet, row: number, keyOfRow: (r: number) => string) => void;
  message: string | RegExp;
}

const CURRENCIES = 'USD, EUR, GBP, AUD, NZD, CAD, ZAR, CHF, SEK, NOK, DKK';

const BAD_EDITS: BadEdit[] = [
  {
    what: 'text quantity',
    edit: (s, r) => type(s, r, 'Quantity', 'ten'),
    message: "Quantity 'ten' is not a number",
  },
  {
    what: 'empty unit price',
    edit: (s, r) => type(s, r, 'Unit price', ''),
    message: 'Unit price is missing',
  },
  {
    what: 'text unit cost',
    edit: (s, r) => type(s, r, 'Unit cost', 'abc'),
    message: "Unit cost 'abc' is not a number",
  },
  { what: 'text total', edit: (s, r) => type(s, r, 'Total', 'n/a'), message: "Total 'n/a' is not a number" },
  {
    what: 'overflowing quantity',
    edit: (s, r) => type(s, r, 'Quantity', '1e999'),
    message: 'Quantity Infinity is not a usable number',
  },
  {
    what: 'negative seat count',
    edit: (s, r) => type(s, r, 'Quantity', -3),
    message: 'Quantity -3 cannot be negative for a recurring charge',
  },
  {
    what: 'approved not a checkbox',
    edit: (s, r) => type(s, r, 'Approved', 'yes'),
    message: 'Approved must be a checkbox (TRUE/FALSE)',
  },
  {
    what: 'approved as a number',
    edit: (s, r) => type(s, r, 'Approved', 1),
    message: 'Approved must be a checkbox (TRUE/FALSE)',
  },
  {
    what: 'period end before start',
    edit: (s, r) => type(s, r, 'Period end', '2026-09-01'),
    message: 'Period end 2026-09-01 is before period start 2026-10-01',
  },
  {
    what: 'impossible date',
    edit: (s, r) => type(s, r, 'Period start', '2026-02-30'),
    message: "Period start '2026-02-30' is not a real date",
  },
  {
    what: 'date in words',
    edit: (s, r) => type(s, r, 'Period end', 'end of month'),
    message: "Period end 'end of month' is not a date in yyyy-mm-dd form",
  },
  {
    what: 'effective date not a date',
    edit: (s, r) => type(s, r, 'Effective date', 'soon'),
    message: "Effective date 'soon' is not a date in yyyy-mm-dd form",
  },
  {
    what: 'unsupported currency',
    edit: (s, r) => type(s, r, 'Currency', 'XYZ'),
    message: `Currency 'XYZ' is not supported (${CURRENCIES})`,
  },
  {
    what: 'unknown charge type',
    edit: (s, r) => type(s, r, 'Charge type', 'monthly'),
    message: "Charge type 'monthly' is not one of recurring, pro-rata, arrears, usage, one-off",
  },
  {
    what: 'unknown cycle',
    edit: (s, r) => type(s, r, 'Cycle', 'weekly'),
    message: "Billing cycle 'weekly' is not one of monthly, annual, one-time, usage",
  },
  { what: 'SKU cleared', edit: (s, r) => type(s, r, 'Product/SKU', ''), message: 'Product/SKU is missing' },
  { what: 'source cleared', edit: (s, r) => type(s, r, 'Source', ''), message: 'Source is missing' },
  {
    what: 'customer id cleared',
    edit: (s, r) => type(s, r, 'Customer id', ''),
    message: 'Customer id is missing',
  },
  {
    what: 'key cleared',
    edit: (s, r) => type(s, r, 'Line key', ''),
    message:
      'Line key is missing: a row typed by hand cannot be pushed; add the charge at the source and pull again',
  },
  {
    what: 'key not a BillGrid key',
    edit: (s, r) => type(s, r, 'Line key', 'my row'),
    message: "Line key 'my row' is not a BillGrid line key (BG- and 16 hex digits); undo the edit",
  },
  {
    what: 'key edited to another key',
    edit: (s, r) => type(s, r, 'Line key', 'BG-00000000000000ff'),
    message:
      "Line key BG-00000000000000ff does not match this row's source, customer id, subscription, product/SKU, " +
      'charge type and period: one of them (or the key) was edited; undo the edit or pull the month again',
  },
  {
    what: 'identity edited (customer id)',
    edit: (s, r) => type(s, r, 'Customer id', 'cust-999'),
    message: /^Line key BG-[0-9a-f]{16} does not match this row's source, customer id/,
  },
  {
    what: 'identity edited (period start moved)',
    edit: (s, r) => type(s, r, 'Period start', '2026-10-02'),
    message: /^Line key BG-[0-9a-f]{16} does not match this row's/,
  },
  {
    what: 'duplicated key (row pasted over another)',
    edit: (s, r, keyOfRow) => type(s, r, 'Line key', keyOfRow(2)),
    message: /^Line key BG-[0-9a-f]{16} also appears on row 2; delete the copied row$/,
  },
  {
    what: 'unknown PSA company',
    edit: (s, r) => type(s, r, 'PSA company', 'Nonexistent Inc'),
    message: "PSA company 'Nonexistent Inc' is not in the PSA's company list; pick one from the dropdown",
  },
  {
    what: 'unknown PSA contract',
    edit: (s, r) => type(s, r, 'PSA contract', 'K404'),
    message: "PSA contract 'K404' is not in the PSA's contract list; pick one from the dropdown",
  },
  {
    what: "another company's contract",
    edit: (s, r) => type(s, r, 'PSA contract', 'Cloud (Globex Corporation) [K2]'),
    message:
      "PSA contract 'Cloud (Globex Corporation) [K2]' belongs to another PSA company than 'Acme Ltd [100]'",
  },
  {
    what: 'unknown PSA service/item',
    edit: (s, r) => type(s, r, 'PSA service/item', 'P999'),
    message: "PSA service/item 'P999' is not in the PSA's product list; pick one from the dropdown",
  },
];

test(`${BAD_EDITS.length} kinds of bad edits each get their own Status message and are never pushable`, () => {
  expect(BAD_EDITS.length).toBeGreaterThanOrEqual(20);
  // Row 2 stays clean (the duplicate-key case copies its key); one row per bad edit after it; 5 clean rows last.
  const n = BAD_EDITS.length + 6;
  const lines = keyed(
    Array.from({ length: n }, (_, i) => raw({ subscriptionId: `sub-${i}`, recordId: `r${i}` })),
  );
  writeMonth(e.ss, '2026-10', lines);
  const sheet = month(e.ss);
  const keyOfRow = (r: number) => String(cell(sheet, r, 'Line key'));
  const originalKeys = Array.from({ length: n }, (_, i) => keyOfRow(i + 2));
  // Approve everything first: an approved bad row must still be excluded.
  sheet.getRange(2, colOf(sheet, 'Approved'), n, 1).setValues(Array.from({ length: n }, () => [true]));
  BAD_EDITS.forEach((b, i) => b.edit(sheet, i + 3, keyOfRow));

  const read = validateGrid(e.ss, '2026-10');
  const byRow = new Map(read.invalid.map((x) => [x.rowNumber, x.message]));
  const results = BAD_EDITS.map((b, i) => ({ what: b.what, row: i + 3, message: byRow.get(i + 3) }));
  for (const [i, b] of BAD_EDITS.entries()) {
    const got = results[i];
    if (typeof b.message === 'string') expect(got).toEqual({ what: b.what, row: i + 3, message: b.message });
    else expect(got.message).toMatch(b.message);
    expect(cell(sheet, i + 3, 'Status')).toBe(`⚠ ${got.message}`);
  }
  // The duplicate makes BOTH copies invalid (we cannot know which one is right).
  const dup = BAD_EDITS.findIndex((b) => b.what.startsWith('duplicated key')) + 3;
  expect(byRow.get(2)).toBe(`Line key ${originalKeys[0]} also appears on row ${dup}; delete the copied row`);
  expect(read.invalid).toHaveLength(BAD_EDITS.length + 1);

  // Every other row is still valid and pushable; no invalid row or key is.
  const invalidRows = new Set(read.invalid.map((x) => x.rowNumber));
  expect(read.rows.map((r) => r.rowNumber)).toEqual(
    Array.from({ length: n }, (_, i) => i + 2).filter((r) => !invalidRows.has(r)),
  );
  expect(read.rows).toHaveLength(5);
  expect(read.rows.every((r) => r.approved)).toBe(true);
  const pushable = new Set(read.rows.map((r) => r.key));
  for (const x of read.invalid) expect(pushable.has(x.key) && x.key !== '').toBe(false);
});
