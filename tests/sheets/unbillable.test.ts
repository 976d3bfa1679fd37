/**
 * A vendor record BillGrid cannot bill still gets a row: the values that could be read, the reason in
 * Status, never approvable; a later pull that reads the record turns the row back into a normal one.
 */
import { readGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { UNBILLABLE_STATUS } from '../../src/sheets/merge';
import { keyUnbillable, type UnbillableRecord } from '../../src/core/unbillable';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, raw } from './fixtures';
import { sheetEnv, type SheetEnv } from './emulator';
import { cell, month, rowOfKey, type } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
  writeMappings(e.ss, MAPPINGS);
});
afterEach(() => e.close());

const good = raw({ recordId: 'item-7' });
/** The same Pax8 record as a connector could read it with a quantity that is not a number. */
const broken: UnbillableRecord = {
  source: good.source,
  reason: "Quantity 'ten' is not a number",
  values: {
    customerId: good.customerId,
    customerName: good.customerName,
    subscriptionId: good.subscriptionId,
    sku: good.sku,
    description: good.description,
    periodStart: good.periodStart,
    periodEnd: good.periodEnd,
    chargeType: good.chargeType,
    quantity: 'ten',
    unitPrice: 22,
    currency: 'USD',
    recordId: 'item-7',
  },
};

function pull(lines: ReturnType<typeof keyed>, unbillable: UnbillableRecord[]) {
  return writeMonth(e.ss, '2026-10', lines, {
    mappings: MAPPINGS,
    lookups: null,
    unbillable: keyUnbillable(unbillable, new Set(lines.map((l) => l.key))),
  });
}

describe('a record that cannot be billed', () => {
  test('gets a row with what could be read and the reason, and is never a pushable row even when ticked', () => {
    const other = keyed([raw({ subscriptionId: 'sub-9', recordId: 'item-9' })]);
    const w = pull(other, [broken]);
    expect(w.rows).toBe(2);
    expect(w.unbillable).toHaveLength(1);
    const sheet = month(e.ss);
    const row = rowOfKey(sheet, w.unbillable[0]);
    expect(cell(sheet, row, 'Status')).toBe(`${UNBILLABLE_STATUS}: Quantity 'ten' is not a number`);
    expect(cell(sheet, row, 'Quantity')).toBe('ten');
    expect(cell(sheet, row, 'Customer')).toBe('Acme Ltd');
    expect(cell(sheet, row, 'Approved')).toBe(false);

    type(sheet, row, 'Approved', true);
    const read = readGrid(e.ss, '2026-10');
    expect(read.rows.map((r) => r.key)).toEqual([other[0].key]);
    expect(read.invalid).toEqual([]);
    expect(read.unbillable).toEqual([
      {
        rowNumber: row,
        key: w.unbillable[0],
        status: `${UNBILLABLE_STATUS}: Quantity 'ten' is not a number`,
        charge: { source: good.source, customerId: good.customerId, sku: good.sku },
      },
    ]);
  });

  test('a re-pull that reads it correctly makes it a normal row, in place, with no duplicate', () => {
    const first = pull([], [broken]);
    const sheet = month(e.ss);
    const row = rowOfKey(sheet, first.unbillable[0]);
    const fixed = keyed([good]);
    const second = pull(fixed, []);
    expect(second.rows).toBe(1);
    expect(second.added).toEqual([]);
    expect(second.unbillable).toEqual([]);
    expect(rowOfKey(sheet, fixed[0].key)).toBe(row);
    expect(cell(sheet, row, 'Status')).toBe('');
    expect(cell(sheet, row, 'Quantity')).toBe(10);
    const read = readGrid(e.ss, '2026-10');
    expect(read.unbillable).toEqual([]);
    expect(read.rows.map((r) => [r.key, r.line.quantity])).toEqual([[fixed[0].key, 10]]);
  });

  test('found by its record id when what it could not read was part of its identity', () => {
    // The period could not be read, so the row's key cannot be the line's key.
    const noPeriod: UnbillableRecord = {
      ...broken,
      reason: "Period start '2026-13-01' is not a real date",
      values: { ...broken.values, periodStart: '2026-13-01', quantity: 10 },
    };
    const first = pull([], [noPeriod]);
    const fixed = keyed([good]);
    expect(first.unbillable[0]).not.toBe(fixed[0].key);
    const sheet = month(e.ss);
    const row = rowOfKey(sheet, first.unbillable[0]);
    const second = pull(fixed, []);
    expect(second.rows).toBe(1);
    expect(second.removed).toEqual([]);
    expect(rowOfKey(sheet, fixed[0].key)).toBe(row);
    expect(readGrid(e.ss, '2026-10').rows.map((r) => r.key)).toEqual([fixed[0].key]);
  });

  test('a pushed line that the source now sends unreadable keeps its row and status history, and is not pushed', () => {
    const lines = keyed([good]);
    pull(lines, []);
    const sheet = month(e.ss);
    const row = rowOfKey(sheet, lines[0].key);
    type(sheet, row, 'Status', 'Pushed: 10 seats');
    type(sheet, row, 'Approved', true);
    const second = pull([], [broken]);
    expect(second.unbillable).toEqual([lines[0].key]);
    expect(second.removed).toEqual([]);
    expect(cell(sheet, row, 'Status')).toBe(`${UNBILLABLE_STATUS}: Quantity 'ten' is not a number`);
    expect(readGrid(e.ss, '2026-10').rows).toEqual([]);
    // Read correctly again: the status it had comes back.
    pull(lines, []);
    expect(cell(sheet, row, 'Status')).toBe('Pushed: 10 seats');
    expect(readGrid(e.ss, '2026-10').rows.map((r) => r.approved)).toEqual([true]);
  });

  test('gone at the source next time: marked removed like any other row', () => {
    const first = pull([], [broken]);
    const second = pull([], []);
    expect(second.removed).toEqual(first.unbillable);
    expect(readGrid(e.ss, '2026-10').removed.map((r) => r.key)).toEqual(first.unbillable);
  });
});

describe('a preview of a charge the vendor has not invoiced yet', () => {
  /** A draft of `good`: no record id (drafts have none), one seat more than the invoice will say. */
  const draft = (over: Partial<UnbillableRecord['values']> = {}): UnbillableRecord => ({
    source: good.source,
    reason: 'preview from the draft items',
    preview: true,
    values: {
      customerId: good.customerId,
      customerName: good.customerName,
      subscriptionId: good.subscriptionId,
      sku: good.sku,
      description: good.description,
      periodStart: good.periodStart,
      periodEnd: good.periodEnd,
      chargeType: good.chargeType,
      quantity: good.quantity + 1,
      unitPrice: good.unitPrice,
      currency: good.currency,
      ...over,
    },
  });

  test('reads "Preview", is never pushable even when ticked, and becomes the invoiced line in place', () => {
    const other = keyed([raw({ subscriptionId: 'sub-9', recordId: 'item-9' })]);
    const first = pull(other, [draft()]);
    const sheet = month(e.ss);
    const row = rowOfKey(sheet, first.unbillable[0]);
    expect(cell(sheet, row, 'Status')).toBe('Preview: preview from the draft items');
    type(sheet, row, 'Approved', true);
    expect(readGrid(e.ss, '2026-10').rows.map((r) => r.key)).toEqual([other[0].key]);

    const invoiced = keyed([good, ...other.map((l) => ({ ...l }))]);
    const second = pull(invoiced, []);
    expect(second.rows).toBe(2);
    expect(second.removed).toEqual([]);
    const goodKey = invoiced.find((l) => l.recordId === 'item-7')?.key as string;
    expect(rowOfKey(month(e.ss), goodKey)).toBe(row);
    expect(cell(month(e.ss), row, 'Status')).toBe('');
    expect(cell(month(e.ss), row, 'Quantity')).toBe(good.quantity);
  });

  test('a preview with no invoiced charge of its identity is marked removed, never matched to another', () => {
    const first = pull([], [draft({ periodStart: '2026-09-01' })]);
    const second = pull(keyed([good]), []);
    expect(second.removed).toEqual(first.unbillable);
    expect(second.rows).toBe(2);
  });
});
