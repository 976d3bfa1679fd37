/**
 * Two vendors' exports with different layouts, imported with their profiles; the profile is suggested
 * from the header next time; a re-import of an edited file updates, removes and adds by line key.
 */
import { DICKER_PROFILE, SHERWEB_PROFILE, sampleBytes } from '../../../../local/sandbox/csv/profiles';
import {
  CsvSource,
  importRows,
  previewImport,
  readCsvFile,
  suggestProfile,
  type ImportInput,
} from '../../../../src/connectors/sources/csv';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { BillingPeriod } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import {
  REMOVED_STATUS,
  mergeGrid,
  newRow,
  type ExistingRow,
  type OutRow,
} from '../../../../src/sheets/merge';
import { GRID_COLUMN_IDS } from '../../../../src/sheets/columns';
import type { CellValue } from '../../../../src/platform/spreadsheet';

const OCT: BillingPeriod = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
const NO_MAPPING = { psaCompany: '', psaContract: '', psaProduct: '' };

function asExisting(rows: OutRow[]): ExistingRow[] {
  return rows.map((r) => {
    const cells: ExistingRow['cells'] = {};
    for (const id of GRID_COLUMN_IDS) {
      const v = r[id];
      if (v !== '' && v !== null && v !== undefined && (typeof v !== 'object' || v instanceof Date))
        cells[id] = v as CellValue;
    }
    return { cells };
  });
}

describe('sample exports from two vendors', () => {
  it('Sherweb (UTF-8 BOM, commas, ISO dates, quoted thousands) lands row for row', () => {
    const input = readCsvFile(sampleBytes('sherweb-2026-10.csv'));
    const r = importRows(input, SHERWEB_PROFILE, OCT);
    expect(r.failures).toEqual([]);
    expect(r.lines).toHaveLength(10);
    const azure = r.lines.find((l) => l.sku === 'DZH318Z0BQ3Q')!;
    expect(azure).toMatchObject({
      unitCost: 1184.62,
      unitPrice: 1303.08,
      total: 1303.08,
      chargeType: 'usage',
      periodStart: '2026-09-01',
    });
    const credit = r.lines.find((l) => l.quantity < 0)!;
    expect(credit).toMatchObject({ chargeType: 'pro-rata', quantity: -3, unitPrice: 4.06, total: -12.18 });
    expect(r.lines.find((l) => l.customerId === 'SW-10090')!.description).toBe(
      '=HYPERLINK("http://example.invalid","Open")',
    );
    expect(r.notes.some((n) => /Row 10: Description .* kept as text and never run/.test(n))).toBe(true);
    expect(r.lines[0]).toMatchObject({
      source: 'file-import-sherweb',
      customerName: 'Acme Dental Group',
      customerId: 'SW-10021',
      recordId: 'sub-7f3a-0001',
      currency: 'USD',
    });
  });

  it('Dicker Data (Windows-1252, semicolons, title lines, decimal comma, dd/mm/yyyy, bracket negatives) lands row for row', () => {
    const input = readCsvFile(sampleBytes('dicker-data-2026-10.csv'), DICKER_PROFILE);
    expect(input.notes?.[0]).toMatch(/not UTF-8; it was read as Windows-1252/);
    const r = importRows(input, DICKER_PROFILE, OCT);
    expect(r.failures).toEqual([]);
    expect(r.headerRow).toBe(4);
    expect(r.lines).toHaveLength(7);
    expect(r.lines.map((l) => l.customerName)).toContain('Évora Consulting');
    const lease = r.lines.find((l) => l.sku === 'DD-DATTO-SIRIS-2TB')!;
    expect(lease).toMatchObject({
      unitCost: 1249,
      unitPrice: 1498.8,
      total: 1498.8,
      currency: 'USD',
      chargeType: 'recurring',
    });
    const credit = r.lines.find((l) => l.quantity < 0)!;
    expect(credit).toMatchObject({
      quantity: -10,
      unitCost: 2.95,
      chargeType: 'one-off',
      periodStart: '2026-10-20',
    });
    expect(credit.total).toBeCloseTo(-35.4, 6);
  });

  it('suggests the remembered profile from the header, and guesses a new one from the header words', () => {
    const remembered = [SHERWEB_PROFILE, DICKER_PROFILE];
    const sher = readCsvFile(sampleBytes('sherweb-2026-10.csv'));
    expect(suggestProfile(sher.rows[0].map(String), sher.rows.slice(1, 6), remembered)).toMatchObject({
      remembered: true,
      profile: { id: 'sherweb' },
    });
    const dick = readCsvFile(sampleBytes('dicker-data-2026-10.csv'));
    expect(suggestProfile(dick.rows[3].map(String), dick.rows.slice(4, 9), remembered)).toMatchObject({
      remembered: true,
      profile: { id: 'dicker-data' },
    });
    // Never seen before: columns guessed from the words, formats from the values.
    const fresh = suggestProfile(dick.rows[3].map(String), dick.rows.slice(4, 9), [], 'Dicker Data');
    expect(fresh.remembered).toBe(false);
    expect(fresh.profile).toMatchObject({
      id: 'dicker-data',
      decimal: ',',
      dateFormat: 'dd/mm/yyyy',
      columns: {
        sku: 'Part No',
        description: 'Description',
        quantity: 'Qty',
        unitCost: 'Buy Price',
        totalCost: 'Line Total',
        chargeType: 'Type',
      },
    });
    expect(fresh.unassigned).toContain('customer');
    const sherFresh = suggestProfile(sher.rows[0].map(String), sher.rows.slice(1, 6), [], 'Sherweb');
    expect(sherFresh.profile.columns).toMatchObject({
      customer: 'Customer Name',
      customerId: 'Customer ID',
      sku: 'SKU',
      quantity: 'Quantity',
      unitPrice: 'Unit Price',
      currency: 'Currency',
      periodStart: 'Period Start',
      periodEnd: 'Period End',
      chargeType: 'Charge Type',
    });
  });

  it('the preview shows the first rows as they will land and every failing row with its reason', () => {
    const input = readCsvFile(sampleBytes('sherweb-2026-10.csv'));
    input.rows[3][6] = 'ten';
    const p = previewImport(input, SHERWEB_PROFILE, OCT, 3);
    expect(p.sample.map((s) => s.row)).toEqual([2, 3, 5]);
    expect(p.sample[0]).toMatchObject({
      customer: 'Acme Dental Group',
      quantity: 12,
      unitPrice: 6,
      total: 72,
      currency: 'USD',
    });
    expect(p.failures).toEqual([{ row: 4, message: "Row 4: Quantity 'ten' is not a number" }]);
    expect(p.counts).toEqual({ rows: 10, ok: 9, failed: 1 });
    expect(previewImport(input, DICKER_PROFILE, OCT).fileError).toMatch(/not in the file's header/);
  });

  it('a re-import of an edited file updates changed rows, marks removed ones and adds new ones — never duplicates', () => {
    const first = readCsvFile(sampleBytes('sherweb-2026-10.csv'));
    const keyed1 = assignLineKeys(importRows(first, SHERWEB_PROFILE, OCT).lines).lines;
    const grid = keyed1.map((line) => newRow({ line, mapping: NO_MAPPING }));

    // Edited: Acme's seats 12 → 14, Westgate's row deleted, a new row for Acme, rows shuffled.
    const edited: ImportInput = { rows: first.rows.map((r) => [...r]) };
    edited.rows[1][6] = '14';
    edited.rows[1][9] = '84.00';
    const westgate = edited.rows.findIndex((r) => r[0] === 'Westgate Retail');
    edited.rows.splice(westgate, 1);
    edited.rows.push([
      'Acme Dental Group',
      'SW-10021',
      'sub-7f3a-0010',
      'CFQ7TTC0J1FV',
      'Exchange Online Plan 1',
      'Shared mailboxes',
      '2',
      '3.60',
      '4.00',
      '8.00',
      'USD',
      '2026-10-01',
      '2026-10-31',
      'Recurring',
    ]);
    const [head, ...body] = edited.rows;
    edited.rows = [head, ...body.reverse()];
    const keyed2 = assignLineKeys(importRows(edited, SHERWEB_PROFILE, OCT).lines).lines;

    const merged = mergeGrid(
      asExisting(grid),
      keyed2.map((line) => ({ line, mapping: NO_MAPPING })),
    );
    const acme = keyed1.find((l) => l.recordId === 'sub-7f3a-0001')!;
    const gone = keyed1.find((l) => l.customerName === 'Westgate Retail')!;
    // Every line still in the file is refreshed in place (its key found); only Acme's values changed.
    expect([...merged.updated].sort()).toEqual(
      keyed1
        .filter((l) => l !== gone)
        .map((l) => l.key)
        .sort(),
    );
    expect(merged.removed).toEqual([gone.key]);
    expect(merged.added).toHaveLength(1);
    expect(merged.rows).toHaveLength(11);
    expect(merged.rows.find((r) => r.key === gone.key)!.status).toBe(REMOVED_STATUS);
    expect(merged.rows.find((r) => r.key === acme.key)!.quantity).toBe(14);
    for (const l of keyed1.filter((x) => x !== acme && x !== gone))
      expect(merged.rows.find((r) => r.key === l.key)!.quantity).toBe(l.quantity);
    // Unchanged rows keep their keys whatever their position in the file.
    expect(new Set(keyed2.map((l) => l.key)).size).toBe(keyed2.length);
  });

  it('as a source: each profile is its own integration; no file for the month fails the pull instead of removing rows', () => {
    const input = readCsvFile(sampleBytes('dicker-data-2026-10.csv'), DICKER_PROFILE);
    const src = new CsvSource(DICKER_PROFILE, {
      forPeriod: (p) => (p.month === '2026-10' ? input : null),
      latest: () => ({ input, period: OCT }),
    });
    expect(src.id).toBe('file-import-dicker-data');
    expect(src.pullPeriod(OCT).lines).toHaveLength(7);
    expect(src.listCustomers().map((c) => c.name)).toContain('Juniper Schools Trust');
    expect(() => src.pullPeriod({ month: '2026-11', start: '2026-11-01', end: '2026-11-30' })).toThrow(
      SourceError,
    );
  });
});
