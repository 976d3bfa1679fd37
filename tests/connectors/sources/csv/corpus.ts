/**
 * The corpus (shared by broken-corpus.test.ts, pure, and corpus-bundle.test.ts, through the bundle): forty kinds of broken or awkward CSV exports. Each either imports exactly the right lines, or gives a
 * clear message (for the file, or for the row) and no line at all for what it could not read: the lines
 * that come out are compared in full with the lines the file really means, so a wrong line fails.
 */
import type { ImportProfileInput } from '../../../../src/connectors/sources/csv';
import type { BillingPeriod } from '../../../../src/core/source';

export const OCT: BillingPeriod = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

export const HEADER = [
  'Customer',
  'SKU',
  'Description',
  'Quantity',
  'Unit Price',
  'Currency',
  'Start',
  'End',
  'Type',
];
export const ROW_A = [
  'Acme Dental',
  'M365-BB',
  'Basic seats',
  '10',
  '6.00',
  'USD',
  '2026-10-01',
  '2026-10-31',
  'Recurring',
];
export const ROW_B = [
  'Blue Harbor',
  'M365-BP',
  'Premium seats',
  '5',
  '22.00',
  'USD',
  '2026-10-01',
  '2026-10-31',
  'Recurring',
];

export const BASE: ImportProfileInput = {
  id: 'test-vendor',
  name: 'Test Vendor',
  columns: {
    customer: 'Customer',
    sku: 'SKU',
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit Price',
    currency: 'Currency',
    periodStart: 'Start',
    periodEnd: 'End',
    chargeType: 'Type',
  },
};

export interface Want {
  customerId: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
  chargeType?: string;
}
export const A: Want = { customerId: 'ACME DENTAL', sku: 'M365-BB', quantity: 10, unitPrice: 6, total: 60 };
export const B: Want = { customerId: 'BLUE HARBOR', sku: 'M365-BP', quantity: 5, unitPrice: 22, total: 110 };

const quote = (c: string, d: string) =>
  c.includes(d) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
export const csv = (rows: string[][], d = ',', eol = '\n') =>
  rows.map((r) => r.map((c) => quote(c, d)).join(d)).join(eol) + eol;
export const withA = (patch: Record<number, string>) => ROW_A.map((c, i) => patch[i] ?? c);
export const withB = (patch: Record<number, string>) => ROW_B.map((c, i) => patch[i] ?? c);
const bytes = (s: string, enc: 'utf8' | 'utf16le' | 'latin1') => new Uint8Array(Buffer.from(s, enc));

export interface Case {
  kind: string;
  file: string | Uint8Array;
  profile?: Partial<ImportProfileInput>;
  /** The lines the file really means (all of them, in order). */
  lines?: Want[];
  /** Per-row messages expected (row number → pattern). */
  rows?: Record<number, RegExp>;
  /** A message for the whole file (nothing imported). */
  file_error?: RegExp;
  note?: RegExp;
}

export const CASES: Case[] = [
  { kind: 'UTF-8 with BOM', file: '\ufeff' + csv([HEADER, ROW_A, ROW_B]), lines: [A, B] },
  {
    kind: 'UTF-16LE with BOM',
    file: bytes('\ufeff' + csv([HEADER, ROW_A, ROW_B]), 'utf16le'),
    lines: [A, B],
  },
  {
    kind: 'Windows-1252 (accented name, not UTF-8)',
    file: bytes(csv([HEADER, withA({ 0: 'Évora Consulting' })]), 'latin1'),
    lines: [{ ...A, customerId: 'ÉVORA CONSULTING' }],
    note: /read as Windows-1252/,
  },
  { kind: 'semicolons, detected', file: csv([HEADER, ROW_A, ROW_B], ';'), lines: [A, B] },
  { kind: 'tabs, detected', file: csv([HEADER, ROW_A, ROW_B], '\t'), lines: [A, B] },
  {
    kind: "profile says ',' but the file uses '|'",
    file: csv([HEADER, ROW_A], '|'),
    profile: { delimiter: ',' },
    file_error: /one single column containing '\|'.*separated by '\|'/,
  },
  {
    kind: 'thousands separators in quoted numbers',
    file: csv([HEADER, withA({ 4: '1,234.50' })]),
    lines: [{ ...A, unitPrice: 1234.5, total: 12345 }],
  },
  {
    kind: 'decimal comma under a decimal-comma profile, dot thousands',
    file: csv([HEADER, withA({ 4: '1.234,50' }), withB({ 4: '22,00' })], ';'),
    profile: { decimal: ',' },
    lines: [{ ...A, unitPrice: 1234.5, total: 12345 }, B],
  },
  {
    kind: 'decimal comma under a decimal-point profile',
    file: csv([HEADER, withA({ 4: '6,5' }), ROW_B], ';'),
    rows: { 2: /Unit price '6,5' uses a decimal comma, but this profile reads '\.'/ },
    lines: [B],
  },
  {
    kind: 'negative in brackets (a credit)',
    file: csv([HEADER, withA({ 3: '(2)', 8: 'Credit' })]),
    lines: [{ ...A, quantity: -2, total: -12, chargeType: 'one-off' }],
  },
  {
    kind: 'trailing minus (a credit)',
    file: csv([HEADER, withA({ 3: '2-', 8: 'Credit' })]),
    lines: [{ ...A, quantity: -2, total: -12, chargeType: 'one-off' }],
  },
  {
    kind: 'currency symbols and codes in amounts',
    file: csv([HEADER, withA({ 4: '$6.00' }), withB({ 4: 'USD 22.00' })]),
    lines: [A, B],
  },
  {
    kind: 'dates dd/mm/yyyy',
    file: csv([
      HEADER,
      withA({ 6: '01/10/2026', 7: '31/10/2026' }),
      withB({ 6: '01/10/2026', 7: '31/10/2026' }),
    ]),
    profile: { dateFormat: 'dd/mm/yyyy' },
    lines: [A, B],
  },
  {
    kind: 'dates mm/dd/yyyy',
    file: csv([
      HEADER,
      withA({ 6: '10/01/2026', 7: '10/31/2026' }),
      withB({ 6: '10/01/2026', 7: '10/31/2026' }),
    ]),
    profile: { dateFormat: 'mm/dd/yyyy' },
    lines: [A, B],
  },
  {
    kind: 'dates dd-mmm-yyyy',
    file: csv([
      HEADER,
      withA({ 6: '01-Oct-2026', 7: '31-Oct-2026' }),
      withB({ 6: '1 October 2026', 7: '31 Oct 2026' }),
    ]),
    profile: { dateFormat: 'dd-mmm-yyyy' },
    lines: [A, B],
  },
  {
    kind: 'dd/mm dates read with an mm/dd profile',
    file: csv([
      HEADER,
      withA({ 6: '01/10/2026', 7: '31/10/2026' }),
      withB({ 6: '02/10/2026', 7: '02/10/2026' }),
    ]),
    profile: { dateFormat: 'mm/dd/yyyy' },
    rows: {
      2: /Period end '31\/10\/2026' has no month 31: the file's dates may be dd\/mm\/yyyy/,
      3: /outside 2026-10/,
    },
    lines: [],
  },
  {
    kind: 'a date that does not exist',
    file: csv([HEADER, withA({ 7: '2026-11-31' }), ROW_B]),
    rows: { 2: /Period end '2026-11-31' is not a real date/ },
    lines: [B],
  },
  {
    kind: 'a date in no known form',
    file: csv([HEADER, withA({ 6: 'Oct 1st' }), ROW_B]),
    rows: { 2: /Period start 'Oct 1st' is not a date in the profile's yyyy-mm-dd form/ },
    lines: [B],
  },
  {
    kind: 'a required column missing from the header',
    file: csv([HEADER.filter((h) => h !== 'Quantity'), ROW_A.filter((_, i) => i !== 3)]),
    file_error:
      /Column 'Quantity' \(Quantity\) of profile 'Test Vendor' is not in the file's header \(found: Customer, SKU/,
  },
  {
    kind: 'an empty SKU cell',
    file: csv([HEADER, withA({ 1: '' }), ROW_B]),
    rows: { 2: /SKU is missing/ },
    lines: [B],
  },
  {
    kind: 'an exact duplicate row',
    file: csv([HEADER, ROW_A, ROW_B, ROW_A]),
    rows: { 4: /Row 4 repeats row 2 exactly and is not imported twice/ },
    lines: [A, B],
  },
  {
    kind: 'formula-looking text in a text cell',
    file: csv([HEADER, withA({ 2: '=HYPERLINK("http://x.invalid","y")' }), withB({ 0: '@SUM(1+1)' })]),
    lines: [A, { ...B, customerId: '@SUM(1+1)' }],
    note: /Row 2: Description '=HYPERLINK.*kept as text and never run/,
  },
  {
    kind: 'a formula in a number cell',
    file: csv([HEADER, withA({ 3: '=5*2' }), ROW_B]),
    rows: { 2: /Quantity '=5\*2' looks like a formula; formulas in imported files are never run/ },
    lines: [B],
  },
  {
    kind: 'text in a number cell',
    file: csv([HEADER, withA({ 3: 'ten' }), ROW_B]),
    rows: { 2: /Quantity 'ten' is not a number/ },
    lines: [B],
  },
  {
    kind: 'an unclosed quote',
    file: `${csv([HEADER, ROW_A])}Blue Harbor,M365-BP,"Premium seats,5,22.00,USD,2026-10-01,2026-10-31,Recurring\n`,
    file_error: /quoted cell opened on line 3 is never closed/,
  },
  {
    kind: 'a quoted cell holding line breaks, commas and quotes',
    file: csv([HEADER, withA({ 2: 'Basic seats,\n"promo" rate' }), ROW_B]),
    lines: [A, B],
  },
  {
    kind: 'a ragged row (a cell missing)',
    file: `${csv([HEADER, ROW_A])}Blue Harbor,M365-BP,5,22.00,USD,2026-10-01,2026-10-31,Recurring\n`,
    rows: { 3: /Row 3 has 8 cells but the header has 9/ },
    lines: [A],
  },
  {
    kind: 'an unquoted comma inside a description (too many cells)',
    file: `${csv([HEADER, ROW_A])}Blue Harbor,M365-BP,Premium, seats,5,22.00,USD,2026-10-01,2026-10-31,Recurring\n`,
    rows: { 3: /Row 3 has 10 cells but the header has 9/ },
    lines: [A],
  },
  {
    kind: 'blank lines between rows and at the end',
    file: `${csv([HEADER, ROW_A])}\n\n,,,,,,,,\n${csv([ROW_B])}\n\n`,
    lines: [A, B],
  },
  {
    kind: 'a currency BillGrid does not bill in',
    file: csv([HEADER, withA({ 5: 'JPY' }), ROW_B]),
    rows: { 2: /Currency 'JPY' is not supported/ },
    lines: [B],
  },
  {
    kind: 'no currency column and no default',
    file: csv([HEADER.slice(0, 5), ROW_A.slice(0, 5)]),
    profile: {
      columns: {
        customer: 'Customer',
        sku: 'SKU',
        description: 'Description',
        quantity: 'Quantity',
        unitPrice: 'Unit Price',
      },
    },
    rows: { 2: /Currency is missing \(the profile has no default currency\)/ },
    lines: [],
  },
  {
    kind: 'a total that is not quantity × price',
    file: csv([
      [...HEADER, 'Total'],
      [...ROW_A, '60.00'],
      [...ROW_B, '120.00'],
    ]),
    profile: { columns: { ...BASE.columns, totalPrice: 'Total' } },
    rows: { 3: /Total price 120 is not quantity 5 × unit price 22/ },
    lines: [A],
  },
  {
    kind: 'a row for another month',
    file: csv([HEADER, withA({ 6: '2026-09-01', 7: '2026-09-30' }), ROW_B]),
    rows: { 2: /The row is for 2026-09-01 to 2026-09-30, outside 2026-10/ },
    lines: [B],
  },
  {
    kind: 'an unknown charge type',
    file: csv([HEADER, withA({ 8: 'Widget' }), ROW_B]),
    rows: { 2: /Charge type 'Widget' is not known: add it to the profile's charge types/ },
    lines: [B],
  },
  {
    kind: 'a negative seat count on a recurring line',
    file: csv([HEADER, withA({ 3: '-10' }), ROW_B]),
    rows: { 2: /Quantity -10 cannot be negative for a recurring charge/ },
    lines: [B],
  },
  {
    kind: 'a SKU a spreadsheet shortened to scientific notation',
    file: csv([HEADER, withA({ 1: '1.23457E+11' }), ROW_B]),
    rows: { 2: /SKU '1\.23457E\+11' was shortened by a spreadsheet/ },
    lines: [B],
  },
  {
    kind: 'title lines above the header',
    file: csv([['Monthly statement'], ['Reseller: Northwind'], HEADER, ROW_A, ROW_B]),
    lines: [A, B],
  },
  {
    kind: 'old Mac line ends (CR only)',
    file: csv([HEADER, ROW_A, ROW_B], ',', '\r'),
    lines: [A, B],
  },
  {
    kind: 'header names in another case and punctuation',
    file: csv([HEADER.map((h) => h.toUpperCase().replace(' ', '-')), ROW_A, ROW_B]),
    lines: [A, B],
  },
  {
    kind: 'an .xlsx file given as CSV',
    file: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]),
    file_error: /Excel \(\.xlsx\) or other zipped file, not CSV/,
  },
  {
    kind: 'binary data',
    file: new Uint8Array([0x43, 0x75, 0x00, 0x01, 0x02, 0x73, 0x00]),
    file_error: /binary data/,
  },
  { kind: 'an empty file', file: '   \n', file_error: /The file is empty/ },
  { kind: 'a header and no rows', file: csv([HEADER]), lines: [], note: /header but no data rows/ },
];
