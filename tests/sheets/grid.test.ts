import { isFormula, toWritable } from '../../src/platform/spreadsheet';
import type { CellValue } from '../../src/platform/spreadsheet';
import { readGrid, validateGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { REMOVED_STATUS } from '../../src/sheets/merge';
import { HIGHLIGHT, KEY_PROTECTION, STATUS_PROTECTION } from '../../src/sheets/format';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, manyLines, raw } from './fixtures';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { cell, colOf, month, rowOfKey, type } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
  writeMappings(e.ss, MAPPINGS);
});
afterEach(() => e.close());

const lineOf = (l: ReturnType<typeof keyed>[number]) => l;

describe('month grid in the emulator', () => {
  test('a month is written and read back identically', () => {
    const lines = manyLines(60);
    const w = writeMonth(e.ss, '2026-10', lines);
    expect(w).toMatchObject({ tab: 'Billing 2026-10', created: true, rows: 60 });
    const read = readGrid(e.ss, '2026-10');
    expect(read.invalid).toEqual([]);
    expect(read.rows).toHaveLength(60);
    const byKey = new Map(read.rows.map((r) => [r.key, r]));
    for (const l of lines) {
      expect(byKey.get(l.key)?.line).toEqual(lineOf(l));
      expect(byKey.get(l.key)?.approved).toBe(false);
      expect(byKey.get(l.key)?.overridden).toEqual([]);
    }
  });

  test("a line's evidence is in the Evidence column, read back, and replaced by every pull", () => {
    const [a] = keyed([raw({ evidence: '2 devices: PC-1, PC-2' })]);
    writeMonth(e.ss, '2026-10', [a]);
    const sheet = month(e.ss);
    expect(cell(sheet, 2, 'Evidence')).toBe('2 devices: PC-1, PC-2');
    expect(readGrid(e.ss, '2026-10').rows[0].line).toEqual(a);
    // The source's count, not a person's: a re-pull writes what the source counted now.
    type(sheet, 2, 'Evidence', 'typed by hand');
    writeMonth(e.ss, '2026-10', [{ ...a, evidence: '3 devices: PC-1, PC-2, PC-3' }]);
    expect(rowOfKey(sheet, a.key)).toBe(2);
    expect(cell(sheet, 2, 'Evidence')).toBe('3 devices: PC-1, PC-2, PC-3');
    expect(readGrid(e.ss, '2026-10').rows[0].overridden).toEqual([]);
  });

  test('mapping cells are filled from the mapping tabs as dropdown labels', () => {
    const [a] = keyed([raw()]);
    writeMonth(e.ss, '2026-10', [a]);
    const sheet = month(e.ss);
    expect(cell(sheet, 2, 'PSA company')).toBe('Acme Ltd [100]');
    expect(cell(sheet, 2, 'PSA contract')).toBe('Managed services (Acme Ltd) [K1]');
    expect(cell(sheet, 2, 'PSA service/item')).toBe('Microsoft 365 Business Premium [P1]');
    const row = readGrid(e.ss, '2026-10').rows[0];
    expect(row.mapping).toEqual({ companyId: '100', contractId: 'K1', productId: 'P1' });
  });

  test('the tab is formatted: frozen header, checkbox, dropdowns, money formats, highlights, protection', () => {
    const lines = keyed([raw(), raw({ subscriptionId: 'sub-2', currency: 'EUR' })]);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    expect(sheet.getFrozenRows()).toBe(1);
    const approved = sheet.getRange(2, colOf(sheet, 'Approved')).getDataValidation();
    expect(String(approved?.getCriteriaType())).toBe('CHECKBOX');
    const company = sheet.getRange(3, colOf(sheet, 'PSA company')).getDataValidation();
    expect(String(company?.getCriteriaType())).toBe('VALUE_IN_RANGE');
    const source = company?.getCriteriaValues()[0] as GoogleAppsScript.Spreadsheet.Range;
    expect(source.getSheet().getName()).toBe('_PSA Companies');
    const price = colOf(sheet, 'Unit price');
    // The two rows are ordered by key: find the euro row by its currency.
    const currency = colOf(sheet, 'Currency');
    const euroRow = sheet.getRange(2, currency).getValue() === 'EUR' ? 2 : 3;
    expect(sheet.getRange(5 - euroRow, price).getNumberFormat()).toBe('[$$]#,##0.00');
    expect(sheet.getRange(euroRow, price).getNumberFormat()).toBe('[$€]#,##0.00');
    const rules = sheet.getConditionalFormatRules();
    expect(rules.map((r) => r.getBooleanCondition()?.getBackground())).toEqual([
      HIGHLIGHT.difference,
      HIGHLIGHT.error,
      HIGHLIGHT.removed,
    ]);
    const protections = sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE);
    expect(protections.map((p) => [p.getDescription(), p.isWarningOnly()])).toEqual([
      [KEY_PROTECTION, true],
      [STATUS_PROTECTION, true],
    ]);
    // A re-pull replaces BillGrid's own rules and protections rather than piling them up.
    writeMonth(e.ss, '2026-10', lines);
    expect(sheet.getConditionalFormatRules()).toHaveLength(3);
    expect(sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)).toHaveLength(2);
  });

  test('vendor and PSA text that looks like a formula stays text; numbers stay numbers', () => {
    const nasty = [
      '=HYPERLINK("http://evil.example","click")',
      '+1 555 0100',
      '-Minus Co',
      '@everyone',
      '\tTabbed',
      '\rCarriage',
      "'quoted",
      '00123',
      'TRUE',
      '2026-10-01',
      '=1+1',
    ];
    const lines = keyed(
      nasty.map((s, i) =>
        raw({
          subscriptionId: `s${i}`,
          customerName: s,
          description: s,
          productName: s,
          chargeType: 'one-off',
          quantity: -2,
          unitCost: -5.5,
          unitPrice: -7.25,
          total: 14.5,
        }),
      ),
    );
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    const data = sheet.getRange(2, 1, lines.length, sheet.getLastColumn());
    expect(data.getFormulas().flat().filter(Boolean)).toEqual([]);
    const values = data.getValues();
    const cCustomer = colOf(sheet, 'Customer') - 1;
    const cDescription = colOf(sheet, 'Description') - 1;
    const cQuantity = colOf(sheet, 'Quantity') - 1;
    const cCost = colOf(sheet, 'Unit cost') - 1;
    const byKey = new Map(values.map((r) => [r[colOf(sheet, 'Line key') - 1], r]));
    lines.forEach((l, i) => {
      const r = byKey.get(l.key) as CellValue[];
      expect(r[cCustomer]).toBe(nasty[i]);
      expect(r[cDescription]).toBe(nasty[i]);
      expect(r[cQuantity]).toBe(-2);
      expect(r[cCost]).toBe(-5.5);
    });
    // The lookup tabs get the same treatment.
    writeLookups(e.ss, [{ id: '9', name: '=cmd|"/c calc"!A1', active: true }], [], [], CODES);
    const companies = e.ss.getSheetByName('_PSA Companies') as GoogleAppsScript.Spreadsheet.Sheet;
    expect(companies.getRange('A2:C2').getFormulas()[0]).toEqual(['', '', '']);
    expect(companies.getRange('C2').getValue()).toBe('=cmd|"/c calc"!A1');
    // And the grid reads back exactly what the vendor sent.
    const read = readGrid(e.ss, '2026-10', { lookups: null });
    expect(read.invalid).toEqual([]);
    expect(new Map(read.rows.map((r) => [r.key, r.line]))).toEqual(
      new Map(lines.map((l) => [l.key, lineOf(l)])),
    );
  });

  test('shuffled columns, an extra column and sorted rows still read correctly and survive a re-pull', () => {
    const lines = manyLines(40);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    // A person reorders the columns, adds their own, and sorts by unit price (descending).
    const all = sheet.getDataRange();
    const values = all.getValues();
    const width = values[0].length;
    const order = Array.from({ length: width }, (_, i) => i).reverse();
    const header = [...order.map((i) => values[0][i]), 'My notes'];
    const price = values[0].indexOf('Unit price');
    const body = values
      .slice(1)
      .sort((a, b) => Number(b[price]) - Number(a[price]))
      .map((r) => [...order.map((i) => r[i]), `mine:${String(r[0])}`]);
    sheet.insertColumnsAfter(sheet.getMaxColumns(), 1);
    sheet.getRange(1, 1, 1, header.length).setValues([header]);
    // What a sort does: cells move, nothing is re-typed (so text stays text).
    sheet.getRange(2, 1, body.length, header.length).setValues(body.map((r) => r.map((v) => toWritable(v))));

    const read = readGrid(e.ss, '2026-10');
    expect(read.invalid).toEqual([]);
    expect(new Map(read.rows.map((r) => [r.key, r.line]))).toEqual(
      new Map(lines.map((l) => [l.key, lineOf(l)])),
    );

    // Re-pull with new quantities: every row keeps its own "My notes" cell.
    writeMonth(
      e.ss,
      '2026-10',
      lines.map((l) => ({ ...l, quantity: l.quantity + 100 })),
    );
    const after = sheet.getDataRange().getValues();
    const key = after[0].indexOf('Line key');
    const mine = after[0].indexOf('My notes');
    const qty = after[0].indexOf('Quantity');
    expect(after).toHaveLength(41);
    for (const r of after.slice(1)) expect(r[mine]).toBe(`mine:${String(r[key])}`);
    const byKey = new Map(lines.map((l) => [l.key, l]));
    for (const r of after.slice(1)) expect(r[qty]).toBe((byKey.get(String(r[key]))?.quantity ?? 0) + 100);
  });

  test('a re-pull after staff edits loses nothing', () => {
    const lines = keyed(
      Array.from({ length: 8 }, (_, i) =>
        raw({ subscriptionId: `s${i}`, quantity: i + 1, total: (i + 1) * 22 }),
      ),
    );
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    const row = (i: number) => rowOfKey(sheet, lines[i].key);
    type(sheet, row(0), 'Approved', true);
    type(sheet, row(1), 'Note', 'Call the client first');
    type(sheet, row(2), 'Quantity', 42);
    sheet.getRange(row(3), colOf(sheet, 'Unit price')).setFormula('=1+21.5');
    type(sheet, row(4), 'PSA company', 'Globex Corporation [200]');
    type(sheet, row(4), 'PSA contract', 'Cloud (Globex Corporation) [K2]');
    type(sheet, row(5), 'Status', 'Pushed: Added charge');
    type(sheet, row(5), 'PSA reference', 'CS-9');

    const changed = lines
      .filter((_, i) => i !== 6)
      .map((l) => ({ ...l, quantity: l.quantity + 10, unitPrice: 23 }));
    const [fresh] = keyed([raw({ subscriptionId: 'new-sub' })]);
    const w = writeMonth(e.ss, '2026-10', [fresh, ...changed]);
    expect(w).toMatchObject({ added: [fresh.key], removed: [lines[6].key] });
    expect(w.keptOverrides).toBe(4);

    expect(cell(sheet, row(0), 'Approved')).toBe(true);
    expect(cell(sheet, row(0), 'Quantity')).toBe(11);
    expect(cell(sheet, row(1), 'Note')).toBe('Call the client first');
    expect(cell(sheet, row(2), 'Quantity')).toBe(42);
    expect(cell(sheet, row(2), 'Unit price')).toBe(23);
    expect(sheet.getRange(row(3), colOf(sheet, 'Unit price')).getFormula()).toBe('=1+21.5');
    expect(cell(sheet, row(3), 'Unit price')).toBe(22.5);
    expect(cell(sheet, row(4), 'PSA company')).toBe('Globex Corporation [200]');
    expect(cell(sheet, row(5), 'Status')).toBe('Pushed: Added charge');
    expect(cell(sheet, row(5), 'PSA reference')).toBe('CS-9');
    expect(cell(sheet, row(6), 'Status')).toBe(REMOVED_STATUS);
    expect(cell(sheet, rowOfKey(sheet, fresh.key), 'Approved')).toBe(false);

    const read = readGrid(e.ss, '2026-10');
    expect(read.invalid).toEqual([]);
    expect(read.removed).toEqual([{ rowNumber: row(6), key: lines[6].key }]);
    const byKey = new Map(read.rows.map((r) => [r.key, r]));
    expect(byKey.get(lines[0].key)?.approved).toBe(true);
    expect(byKey.get(lines[2].key)?.overridden).toEqual(['quantity']);
    expect(byKey.get(lines[2].key)?.line.quantity).toBe(42);
    expect(byKey.get(lines[3].key)?.overridden).toEqual(['unitPrice']);
    expect(byKey.get(lines[4].key)?.overridden).toEqual(['psaCompany', 'psaContract']);
    expect(byKey.get(lines[4].key)?.mapping).toEqual({ companyId: '200', contractId: 'K2', productId: 'P1' });
    expect(byKey.get(lines[5].key)?.psaReference).toBe('CS-9');
    expect(read.rows).toHaveLength(8);
  });

  test('a re-pull with nothing new writes no cells', () => {
    const lines = manyLines(30);
    writeMonth(e.ss, '2026-10', lines);
    const { result, byName } = e.count(() => writeMonth(e.ss, '2026-10', [...lines].reverse()));
    expect(result).toMatchObject({ added: [], removed: [], keptOverrides: 0 });
    expect(byName['SpreadsheetApp.Range.setValues']).toBeUndefined();
  });

  test('a write too large for the execution stops between blocks; pulling again finishes it', () => {
    const lines = manyLines(50);
    const whole = sheetEnv();
    writeLookups(whole.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
    writeMappings(whole.ss, MAPPINGS);
    expect(writeMonth(whole.ss, '2026-10', lines, undefined, { cellsAllowed: () => 1e9 })).toMatchObject({
      complete: true,
      rowsWritten: 50,
    });
    const tab = (ss: typeof e.ss) => {
      const range = ss.getSheetByName('Billing 2026-10')!.getDataRange();
      return { values: range.getValues(), formats: range.getNumberFormats() };
    };
    const expected = tab(whole.ss);
    whole.close();

    // No time left at all: each execution still writes its minimum (one block of 10 rows).
    const limit = { cellsAllowed: () => 0, minRows: 10, blockRows: 10 };
    const first = writeMonth(e.ss, '2026-10', lines, undefined, limit);
    expect(first).toMatchObject({ complete: false, rowsWritten: 10 });
    expect(first.added).toHaveLength(50);
    expect(first.table).toBeNull();
    const sheet = month(e.ss);
    expect(sheet.getLastRow()).toBe(11);
    expect(sheet.getFrozenRows()).toBe(1);
    // Staff edit a written row between executions: the continuation keeps it.
    type(sheet, 2, 'Note', 'checked');
    const runs: boolean[] = [];
    for (let n = 0; n < 10 && !runs.includes(true); n++) {
      const { result, byName } = e.count(() => writeMonth(e.ss, '2026-10', lines, undefined, limit));
      runs.push(result.complete);
      // Rows written earlier are not written again: one block of new rows per execution.
      expect(e.env.stats.cellsWritten).toBeGreaterThan(0);
      expect(byName['SpreadsheetApp.Range.setValues']).toBeGreaterThan(0);
    }
    expect(runs).toEqual([false, false, false, true]);
    type(sheet, 2, 'Note', '');
    expect(tab(e.ss)).toEqual(expected);
  });

  test('a write that fits what is left of the execution is one write, as without a limit', () => {
    const lines = manyLines(40);
    const unlimited = e.count(() => writeMonth(e.ss, '2026-10', lines));
    const other = sheetEnv();
    writeLookups(other.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
    writeMappings(other.ss, MAPPINGS);
    const limited = other.count(() =>
      writeMonth(other.ss, '2026-10', lines, undefined, { cellsAllowed: () => 100_000, blockRows: 10 }),
    );
    other.close();
    expect(limited.result.complete).toBe(true);
    expect(limited.byName).toEqual(unlimited.byName);
  });

  test('a month that changed everywhere is rewritten in blocks too, and only what still differs', () => {
    const lines = manyLines(30);
    writeMonth(e.ss, '2026-10', lines);
    const more = lines.map((l) => ({ ...l, quantity: l.quantity + 1 }));
    const limit = { cellsAllowed: () => 0, minRows: 10, blockRows: 10 };
    const written: number[] = [];
    let complete = false;
    while (!complete) {
      const before = e.env.stats.cellsWritten;
      complete = writeMonth(e.ss, '2026-10', more, undefined, limit).complete;
      written.push(e.env.stats.cellsWritten - before);
    }
    expect(written).toHaveLength(3);
    const byKey = new Map(readGrid(e.ss, '2026-10').rows.map((r) => [r.key, r.line.quantity]));
    expect(more.every((l) => byKey.get(l.key) === l.quantity)).toBe(true);
  });

  test('a missing or doubled column is named in a clear message', () => {
    writeMonth(e.ss, '2026-10', keyed([raw()]));
    const sheet = month(e.ss);
    const q = colOf(sheet, 'Quantity');
    type(sheet, 1, 'Quantity', 'Qty');
    expect(() => readGrid(e.ss, '2026-10')).toThrow(
      "Tab 'Billing 2026-10' has no 'Quantity' column; restore the header in row 1",
    );
    sheet.getRange(1, q).setValue('Quantity');
    type(sheet, 1, 'Note', 'quantity ');
    expect(() => readGrid(e.ss, '2026-10')).toThrow(/has two 'Quantity' columns \([A-Z]+ and [A-Z]+\)/);
    expect(() => readGrid(e.ss, '2026-11')).toThrow(
      "No tab holds billing month 2026-11 (none is marked as it or named 'Billing 2026-11'); pull 2026-11 to create it",
    );
  });

  test('a pull restores a deleted column at the right end', () => {
    const lines = keyed([raw()]);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    sheet.deleteColumns(colOf(sheet, 'Note'), 1);
    const w = writeMonth(e.ss, '2026-10', lines);
    expect(w.restoredColumns).toEqual(['Note']);
    expect(colOf(sheet, 'Note')).toBe(sheet.getLastColumn());
    expect(readGrid(e.ss, '2026-10').rows).toHaveLength(1);
  });

  test('keeps a formula staff typed in a kept column and never turns it into text', () => {
    writeMonth(e.ss, '2026-10', keyed([raw()]));
    const sheet = month(e.ss);
    sheet.getRange(2, colOf(sheet, 'Note')).setFormula('=CONCAT("a","b")');
    writeMonth(e.ss, '2026-10', keyed([raw({ quantity: 3 })]));
    expect(sheet.getRange(2, colOf(sheet, 'Note')).getFormula()).toBe('=CONCAT("a","b")');
    expect(isFormula({ formula: 'x' })).toBe(true);
  });
});

describe('validation of edited rows', () => {
  test('fixing an invalid row clears its Status message', () => {
    const lines = keyed([raw(), raw({ subscriptionId: 'b' })]);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    type(sheet, 2, 'Quantity', 'ten');
    const first = validateGrid(e.ss, '2026-10');
    expect(first.invalid.map((i) => i.message)).toEqual(["Quantity 'ten' is not a number"]);
    expect(cell(sheet, 2, 'Status')).toBe("⚠ Quantity 'ten' is not a number");
    expect(first.rows.map((r) => r.rowNumber)).toEqual([3]);
    type(sheet, 2, 'Quantity', '12');
    const second = validateGrid(e.ss, '2026-10');
    expect(second.invalid).toEqual([]);
    expect(cell(sheet, 2, 'Status')).toBe('');
    expect(second.rows.find((r) => r.rowNumber === 2)?.line.quantity).toBe(12);
  });

  test('lenient where a person would expect it: typed numbers, TRUE, capitals, typed dates', () => {
    writeMonth(e.ss, '2026-10', keyed([raw()]));
    const sheet = month(e.ss);
    type(sheet, 2, 'Quantity', '1,250');
    type(sheet, 2, 'Approved', 'TRUE');
    type(sheet, 2, 'Charge type', 'Recurring');
    type(sheet, 2, 'Currency', 'usd');
    type(sheet, 2, 'Period start', '2026-10-01');
    expect(cell(sheet, 2, 'Period start')).toBeInstanceOf(Date);
    const read = validateGrid(e.ss, '2026-10');
    expect(read.invalid).toEqual([]);
    expect(read.rows[0]).toMatchObject({
      approved: true,
      line: { quantity: 1250, periodStart: '2026-10-01' },
    });
  });
});
