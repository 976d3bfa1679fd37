import type { ReconcileAction } from '../../src/core/reconcile';
import { setApprovals } from '../../src/sheets/approve';
import { readGrid, writeMonth, writeReconciliation, writeStatuses } from '../../src/sheets/grid';
import type { LineResult } from '../../src/sheets/grid';
import { appendLedger, LedgerAppender, readLedger } from '../../src/sheets/ledger';
import type { LedgerEntry } from '../../src/sheets/ledger';
import { keyed, raw } from './fixtures';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { cell, colOf, month, rowOfKey, tab } from './helpers';
import { problemRows } from '../../src/api/push-results';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
});
afterEach(() => e.close());

const action = (over: Partial<ReconcileAction>): ReconcileAction => ({
  action: 'none',
  ref: null,
  lineKeys: [],
  psaId: null,
  before: null,
  after: null,
  reason: null,
  codes: null,
  message: '',
  ...over,
});
const after = (quantity: number) => ({
  quantity,
  unitPrice: 22,
  unitCost: 18,
  effectiveDate: '2026-10-01',
  description: 'x',
  productName: 'x',
  sku: 'x',
});

describe('reconciliation, statuses and ledger', () => {
  test('PSA quantity now, Difference and Action are written per line key in one batch', () => {
    const lines = keyed([
      raw(),
      raw({ subscriptionId: 'b' }),
      raw({ subscriptionId: 'c' }),
      raw({ subscriptionId: 'd' }),
    ]);
    writeMonth(e.ss, '2026-10', lines);
    const byLine = new Map<string, ReconcileAction>([
      [
        lines[0].key,
        action({
          action: 'set-quantity',
          before: { quantity: 5, unitPrice: 22, unitCost: 18 },
          after: after(7),
          message: 'Set quantity 5 → 7 (difference 2)',
        }),
      ],
      [lines[1].key, action({ action: 'blocked', message: 'Customer Acme is not mapped to a PSA company' })],
      [
        lines[2].key,
        action({ action: 'create', after: after(3), message: 'Create contract service with quantity 3' }),
      ],
    ]);
    const read0 = e.env.stats.cellsRead;
    const { result, byName } = e.count(() => writeReconciliation(e.ss, '2026-10', byLine));
    expect(result.rows).toBe(3);
    expect(byName['SpreadsheetApp.Range.setValues']).toBe(1);
    // The header, the key column and the three adjacent reconciliation columns: not the whole tab.
    expect(byName['SpreadsheetApp.Range.getValues']).toBe(3);
    expect(e.env.stats.cellsRead - read0).toBe(month(e.ss).getLastColumn() + 4 * lines.length);
    const sheet = month(e.ss);
    const row = (i: number) => rowOfKey(sheet, lines[i].key);
    expect([
      cell(sheet, row(0), 'PSA quantity now'),
      cell(sheet, row(0), 'Difference'),
      cell(sheet, row(0), 'Action'),
    ]).toEqual([5, 2, 'Set quantity 5 → 7 (difference 2)']);
    expect(cell(sheet, row(1), 'Action')).toBe('Blocked: Customer Acme is not mapped to a PSA company');
    expect(cell(sheet, row(1), 'Difference')).toBe('');
    expect([cell(sheet, row(2), 'PSA quantity now'), cell(sheet, row(2), 'Difference')]).toEqual(['', 3]);
    expect(cell(sheet, row(3), 'Action')).toBe('');
    // The highlight rule for Difference ≠ 0 points at the Difference column.
    const d = colOf(sheet, 'Difference');
    const rule = sheet.getConditionalFormatRules()[0];
    expect(rule.getRanges()[0].getColumn()).toBe(d);
    expect(String(rule.getBooleanCondition()?.getCriteriaValues()[0])).toContain('<>0');
  });

  test('Status and PSA reference are written together; a failure keeps the old reference', () => {
    const lines = keyed([raw(), raw({ subscriptionId: 'b' }), raw({ subscriptionId: 'c' })]);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    const row = (i: number) => rowOfKey(sheet, lines[i].key);
    sheet.getRange(row(1), colOf(sheet, 'PSA reference')).setValue('CC-1');
    const results = new Map<string, LineResult>([
      [lines[0].key, { status: 'applied', psaId: '=700', message: 'Added charge' }],
      [lines[1].key, { status: 'failed', message: 'The PSA said 500', retryable: true }],
      ['BG-ffffffffffffffff', { status: 'unchanged', psaId: '1', message: 'x' }],
    ]);
    const read0 = e.env.stats.cellsRead;
    const { result, byName } = e.count(() => writeStatuses(e.ss, '2026-10', results));
    expect(result).toEqual({ rows: 2, unknownKeys: ['BG-ffffffffffffffff'] });
    expect(byName['SpreadsheetApp.Range.setValues']).toBe(1);
    // Header, key, Status + PSA reference (adjacent): three columns of the data rows.
    expect(e.env.stats.cellsRead - read0).toBe(sheet.getLastColumn() + 3 * lines.length);
    expect([cell(sheet, row(0), 'Status'), cell(sheet, row(0), 'PSA reference')]).toEqual([
      'Pushed: Added charge',
      '=700',
    ]);
    expect(sheet.getRange(row(0), colOf(sheet, 'PSA reference')).getFormula()).toBe('');
    expect([cell(sheet, row(1), 'Status'), cell(sheet, row(1), 'PSA reference')]).toEqual([
      'Failed: The PSA said 500',
      'CC-1',
    ]);
    expect(cell(sheet, row(2), 'Status')).toBe('');
    // Pushed rows read back with their reference; statuses never make a row invalid.
    const read = readGrid(e.ss, '2026-10');
    expect(read.invalid).toEqual([]);
    expect(read.rows.find((r) => r.key === lines[0].key)?.psaReference).toBe('=700');
  });

  test('bulk approval reads the key and Approved columns only, and ticks exactly the keys given', () => {
    const lines = keyed([raw(), raw({ subscriptionId: 'b' }), raw({ subscriptionId: 'c' })]);
    writeMonth(e.ss, '2026-10', lines);
    const sheet = month(e.ss);
    const read0 = e.env.stats.cellsRead;
    const { result } = e.count(() =>
      setApprovals(e.ss, '2026-10', new Set([lines[0].key, lines[2].key]), true),
    );
    expect(result).toEqual({ changed: 2 });
    expect(e.env.stats.cellsRead - read0).toBe(sheet.getLastColumn() + 2 * lines.length);
    expect(lines.map((l) => cell(sheet, rowOfKey(sheet, l.key), 'Approved'))).toEqual([true, false, true]);
  });

  test('the rows to look at after a push: failed first, with client and product, from five columns', () => {
    const lines = keyed([
      raw({ subscriptionId: 'a', customerName: 'Acme Ltd', productName: 'Exchange' }),
      raw({ subscriptionId: 'b', customerName: 'Birch LLC', productName: '', sku: 'VOICE-MIN' }),
      raw({ subscriptionId: 'c', customerName: '', customerId: 'cust-9', productName: 'Defender' }),
      raw({ subscriptionId: 'd', customerName: 'Delta Inc', productName: 'Entra ID' }),
    ]);
    writeMonth(e.ss, '2026-10', lines);
    writeStatuses(
      e.ss,
      '2026-10',
      new Map<string, LineResult>([
        [lines[0].key, { status: 'applied', psaId: '1', message: 'Added charge' }],
        [lines[1].key, { status: 'skipped', message: 'Customer is not mapped' }],
        [lines[2].key, { status: 'failed', message: 'The PSA said 500', retryable: true }],
      ]),
    );
    const sheet = tab(e.ss, 'Billing 2026-10');
    const read0 = e.env.stats.cellsRead;
    const { rows, total } = problemRows(e.ss, '2026-10');
    const cellsRead = e.env.stats.cellsRead - read0;
    expect(total).toBe(2);
    expect(rows).toEqual([
      {
        row: rowOfKey(sheet, lines[2].key),
        client: 'cust-9',
        product: 'Defender',
        status: 'Failed: The PSA said 500',
      },
      {
        row: rowOfKey(sheet, lines[1].key),
        client: 'Birch LLC',
        product: 'VOICE-MIN',
        status: expect.stringMatching(/^Not pushed/),
      },
    ]);
    // The header and five columns of the data rows, not the whole tab.
    expect(cellsRead).toBe(sheet.getLastColumn() + 5 * lines.length);
    expect(problemRows(e.ss, '2026-09')).toEqual({ rows: [], total: 0 });
  });

  test('the ledger is appended in one write per run, whatever its size, and reads back', () => {
    const entry = (i: number): LedgerEntry => ({
      time: `2026-11-01T09:00:${String(i % 60).padStart(2, '0')}.000Z`,
      runId: 'run-1',
      user: 'finance@example.com',
      lineKeys: [`BG-${String(i).padStart(16, '0')}`, 'BG-00000000000000aa'],
      entity: 'company:100/contract:K1',
      psaId: i % 2 ? String(i) : null,
      operation: 'set-quantity',
      before: { quantity: i },
      after: { quantity: i + 1 },
      result: i % 3 ? 'applied' : 'failed',
      message: i === 0 ? '=IMPORTXML("http://x")' : `step ${i}`,
      idempotencyKey: `k${i}`,
    });
    const one = e.count(() => appendLedger(e.ss, [entry(0)]));
    const many = e.count(() =>
      appendLedger(
        e.ss,
        Array.from({ length: 500 }, (_, i) => entry(i + 1)),
      ),
    );
    const again = e.count(() => appendLedger(e.ss, [entry(501)]));
    console.log(
      `Ledger append: first ${one.calls} calls, 500 entries ${many.calls} calls, 1 entry ${again.calls} calls`,
    );
    expect(many.calls).toBe(again.calls);
    expect(many.byName['SpreadsheetApp.Range.setValues']).toBe(1);
    const ledger = tab(e.ss, 'Ledger');
    expect(ledger.getRange(2, colOf(ledger, 'Message')).getFormula()).toBe('');
    const read = readLedger(e.ss);
    expect(read.problems).toEqual([]);
    expect(read.entries).toEqual(Array.from({ length: 502 }, (_, i) => entry(i)));
    expect(ledger.getProtections(SpreadsheetApp.ProtectionType.SHEET)[0]?.isWarningOnly()).toBe(true);
  });

  test('a push that moves its journal to the ledger many times finds the tab and its header once', () => {
    const entry = (i: number): LedgerEntry => ({
      time: `2026-11-01T09:00:00.000Z`,
      runId: 'run-2',
      user: 'finance@example.com',
      lineKeys: [`BG-${String(i).padStart(16, '0')}`],
      entity: 'company:100/invoice:7',
      psaId: String(i),
      operation: 'add-charge',
      before: null,
      after: { quantity: i },
      result: 'applied',
      message: `step ${i}`,
      idempotencyKey: `a${i}`,
    });
    appendLedger(e.ss, [entry(0)]); // an earlier run's rows
    const ledger = new LedgerAppender(e.ss);
    const first = e.count(() => ledger.append([entry(1), entry(2)]));
    const later = e.count(() => ledger.append([entry(3), entry(4)]));
    expect(first.byName['SpreadsheetApp.Range.getValues']).toBe(1); // the header
    expect(later.byName['SpreadsheetApp.Range.getValues']).toBeUndefined();
    expect(later.byName['SpreadsheetApp.Spreadsheet.getSheetByName']).toBeUndefined();
    expect(later.calls).toBeLessThanOrEqual(5);
    expect(readLedger(e.ss).entries.map((x) => x.idempotencyKey)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
  });
});
