/**
 * writeMonth hands back the tab as it stands after the write, so that the comparison after a pull does
 * not read 3 million cells back. That is only honest if it is exactly what Sheets would return: these
 * tests read the tab after each kind of pull and compare, cell by cell, for BillGrid's columns.
 */
import { readTable, toWritable } from '../../src/platform/spreadsheet';
import type { TableRead } from '../../src/platform/spreadsheet';
import { GRID_COLUMNS, locateColumns } from '../../src/sheets/columns';
import { readGrid, validateGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, manyLines, raw } from './fixtures';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { colOf, month, rowOfKey, type } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
  writeMappings(e.ss, MAPPINGS);
});
afterEach(() => e.close());

/** The written table against a fresh read of the tab, for every one of BillGrid's columns. */
function expectSameAsSheet(table: TableRead | null): void {
  expect(table).not.toBeNull();
  const t = table as TableRead;
  const read = readTable(month(e.ss));
  expect(t.header).toEqual(read.header);
  expect(t.rows).toHaveLength(read.rows.length);
  const { index } = locateColumns('tab', read.header, GRID_COLUMNS);
  for (const [id, c] of index) {
    const mine = t.rows.map((r) => r[c]);
    const sheets = read.rows.map((r) => r[c] ?? '');
    expect({ id, values: mine }).toEqual({ id, values: sheets });
  }
  // And validating it gives what validating the tab gives.
  expect(validateGrid(e.ss, '2026-10', { table: t })).toEqual(readGrid(e.ss, '2026-10'));
}

test('a first pull: text that looks like formulas, numbers, dates, TRUE stays as Sheets keeps it', () => {
  const lines = keyed(
    ['=1+1', '+1 555', "'quoted", '00123', 'TRUE', '2026-10-01', '\tTabbed', 'Plain'].map((s, i) =>
      raw({ subscriptionId: `s${i}`, customerName: s, description: s, quantity: i - 2, unitPrice: 1 / 3 }),
    ),
  );
  expectSameAsSheet(writeMonth(e.ss, '2026-10', lines).table);
});

test('a re-pull over staff edits, removed and restored lines, new lines', () => {
  const lines = manyLines(60);
  writeMonth(e.ss, '2026-10', lines);
  const sheet = month(e.ss);
  const row = (i: number) => rowOfKey(sheet, lines[i].key);
  type(sheet, row(0), 'Approved', true);
  type(sheet, row(1), 'Note', '2026-11-05'); // Sheets turns it into a date
  type(sheet, row(2), 'Quantity', 42);
  type(sheet, row(3), 'Approved', 'TRUE');
  type(sheet, row(4), 'PSA company', 'Globex Corporation [200]');
  type(sheet, row(5), 'Status', 'Pushed: Added charge');
  type(sheet, row(5), 'PSA reference', 'CS-9');
  type(sheet, row(6), 'Unit price', 'ten'); // an invalid row
  const gone = lines.filter((_, i) => i % 9 !== 0);
  expectSameAsSheet(writeMonth(e.ss, '2026-10', gone.concat(manyLines(70).slice(60))).table);
  // The removed lines come back, with new amounts.
  expectSameAsSheet(
    writeMonth(
      e.ss,
      '2026-10',
      lines.map((l) => ({ ...l, quantity: l.quantity + 1 })),
    ).table,
  );
});

test('shuffled columns, a staff column and a lost header restored at the right end', () => {
  const lines = manyLines(30);
  writeMonth(e.ss, '2026-10', lines);
  const sheet = month(e.ss);
  const values = sheet.getDataRange().getValues();
  const order = values[0].map((_, i) => i).reverse();
  const body = values.slice(1).map((r) => [...order.map((i) => r[i]), 'mine']);
  sheet.insertColumnsAfter(sheet.getMaxColumns(), 1);
  sheet.getRange(1, 1, 1, order.length + 1).setValues([[...order.map((i) => values[0][i]), 'My notes']]);
  sheet.getRange(2, 1, body.length, body[0].length).setValues(body.map((r) => r.map((v) => toWritable(v))));
  // The Note header is typed over: its cells become a staff column, and the pull adds Note back.
  type(sheet, 1, 'Note', 'Old notes');
  const w = writeMonth(
    e.ss,
    '2026-10',
    lines.map((l) => ({ ...l, unitPrice: l.unitPrice + 1 })),
  );
  expect(w.restoredColumns).toEqual(['Note']);
  expectSameAsSheet(w.table);
});

test('a staff formula in a kept cell: the table is unknown, so the comparison reads the tab', () => {
  const lines = manyLines(10);
  writeMonth(e.ss, '2026-10', lines);
  const sheet = month(e.ss);
  sheet.getRange(rowOfKey(sheet, lines[0].key), colOf(sheet, 'Unit price')).setFormula('=1+21.5');
  expect(writeMonth(e.ss, '2026-10', lines).table).toBeNull();
});
