/**
 * Import profiles through the BUILT bundle (dist/Code.js) in the emulator, beyond the first import
 * (csv-bundle.test.ts): a month with no file for one profile is said once, as a note, and is no problem of
 * the month's pull; a profile is renamed (its integration and rows keep their id) and deleted (its kept
 * files go, a second delete is refused). Files come in chunks (uploadFileChunk, reassembled from the
 * document cache within its 100 KB values) up to 10 MB, as an .xlsx sheet's rows, or from the Import tab.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { DICKER_PROFILE, SHERWEB_PROFILE, sampleBytes } from '../../../../local/sandbox/csv/profiles';
import { BULK_PROFILE, bulkCsv } from '../../../../local/sandbox/csv/bulk';
import { sampleWorkbook } from '../../../../local/sandbox/csv/xlsx-samples';
import { newSheetState } from '../../../../local/gas/state';
import { readXlsx } from '../../../../src/connectors/sources/common/xlsx';
import { UPLOAD_CHUNK_CHARS } from '../../../../src/connectors/imports';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

const SHERWEB = 'sherweb-2026-10.csv';
const DICKER = 'dicker-data-2026-10.csv';
const NEXT = '2026-11';
const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

interface Pulled {
  lines: number;
  problems: string[];
  notes?: string[];
  sources: Array<{ id: string; lines: number; ok: boolean; skipped?: boolean }>;
}

/** The pull's problems but the PSA comparison's (no PSA is connected here: only the sources matter). */
const sourceProblems = (p: Pulled): string[] => p.problems.filter((x) => !x.startsWith('Not compared'));

describe('import profiles through the built bundle', () => {
  let m: BundleMonth;
  beforeAll(async () => {
    expect(DEMO_MONTH).toBe('2026-10');
    m = await bundleMonth([], 'autotask');
    const sherweb = { name: SHERWEB, base64: base64(sampleBytes(SHERWEB)) };
    m.call('importFile', { file: sherweb, month: DEMO_MONTH, profile: SHERWEB_PROFILE });
    const dicker = { name: DICKER, base64: base64(sampleBytes(DICKER)) };
    m.call('importFile', { file: dicker, month: DEMO_MONTH, profile: DICKER_PROFILE });
    // Sherweb's November file: the October one with its dates moved on a month. Dicker Data sent none.
    const november = Buffer.from(sampleBytes(SHERWEB))
      .toString('utf8')
      .replace(/2026-10-31/g, '2026-11-30')
      .replace(/2026-10-/g, '2026-11-')
      .replace(/2026-09-30/g, '2026-10-31')
      .replace(/2026-09-/g, '2026-10-');
    m.call('importFile', {
      file: { name: 'sherweb-2026-11.csv', text: november },
      month: NEXT,
      profile: SHERWEB_PROFILE,
    });
  });
  afterAll(() => m.stop());

  it('a month with no file for a profile says so once, as a note, and is no problem of the pull', () => {
    const pulled = m.call('pullBillingMonth', NEXT) as Pulled;
    expect(sourceProblems(pulled)).toEqual([]);
    expect(pulled.notes).toEqual([
      'Dicker Data: no file imported for 2026-11 (import it on the Import screen to bill it this month)',
    ]);
    expect(pulled.lines).toBe(10);
    expect(pulled.sources).toEqual([
      { id: 'file-import-dicker-data', name: 'Dicker Data', lines: 0, ok: true, skipped: true },
      { id: 'file-import-sherweb', name: 'Sherweb', lines: 10, ok: true },
    ]);
    // A month with files for both: no note.
    const october = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect([sourceProblems(october), october.notes, october.lines]).toEqual([[], undefined, 17]);
    // Pulling that integration alone for a month it has no file for: nothing is pulled, and it says why.
    expect(() => m.call('pullBillingMonth', NEXT, 'file-import-dicker-data')).toThrow(
      /Nothing was pulled: Dicker Data: no file imported for 2026-11/,
    );
    // Its October rows were left as they are.
    const october2 = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect([sourceProblems(october2), october2.lines]).toEqual([[], 17]);
  });

  it('a renamed profile keeps its integration, its rows and its files', () => {
    const renamed = m.call('renameImportProfile', 'file-import-sherweb', '  Sherweb   Cloud ') as {
      integration: string;
      name: string;
      months: string[];
    };
    expect(renamed).toMatchObject({
      integration: 'file-import-sherweb',
      name: 'Sherweb Cloud',
      months: [NEXT, DEMO_MONTH],
    });
    const integrations = m.call('listIntegrations') as Array<{ id: string; name: string }>;
    expect(integrations.find((i) => i.id === 'file-import-sherweb')?.name).toBe('Sherweb Cloud');
    expect(() => m.call('renameImportProfile', 'file-import-sherweb', 'dicker data')).toThrow(
      /Another profile is already called Dicker Data/,
    );
    expect(() => m.call('renameImportProfile', 'file-import-nobody', 'X')).toThrow(
      /There is no import profile file-import-nobody/,
    );
    expect(() => m.call('renameImportProfile', 'file-import-sherweb', '')).toThrow(/Name is empty/);
    const pulled = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect(sourceProblems(pulled)).toEqual([]);
    expect(pulled.sources.find((s) => s.id === 'file-import-sherweb')).toMatchObject({
      name: 'Sherweb Cloud',
      lines: 10,
    });
  });

  it('a deleted profile is forgotten with its kept files; a second delete is refused', () => {
    const tabs = () => m.host.state.spreadsheets[0].sheets.map((s) => s.name).filter((n) => /import/.test(n));
    expect(tabs()).toEqual(
      expect.arrayContaining(['BillGrid import dicker-data 2026-10', 'BillGrid import sherweb 2026-11']),
    );
    const gone = m.call('deleteImportProfile', 'file-import-dicker-data') as {
      name: string;
      months: string[];
    };
    expect(gone).toMatchObject({ name: 'Dicker Data', months: [DEMO_MONTH] });
    expect(tabs().filter((n) => n.includes('dicker-data'))).toEqual([]);
    expect(tabs().filter((n) => n.includes('sherweb'))).toHaveLength(2);
    const profiles = m.call('listImportProfiles') as Array<{ integration: string }>;
    expect(profiles.map((p) => p.integration)).toEqual(['file-import-sherweb']);
    const integrations = m.call('listIntegrations') as Array<{ id: string }>;
    expect(integrations.some((i) => i.id === 'file-import-dicker-data')).toBe(false);
    expect(() => m.call('deleteImportProfile', 'file-import-dicker-data')).toThrow(
      /There is no import profile file-import-dicker-data/,
    );
    // Its rows stay in the month tab; the next pull marks them removed at source (never deletes them).
    m.call('pullBillingMonth', DEMO_MONTH);
    const [head, ...rows] = m.grid(DEMO_MONTH);
    const col = (name: string) => head.indexOf(name);
    const dicker = rows.filter((r) => r[col('Source')] === 'file-import-dicker-data');
    expect(dicker).toHaveLength(7);
    expect(dicker.every((r) => String(r[col('Status')]).includes('Removed at source'))).toBe(true);
  });

  const upload = (id: string, data: string, as: 'bytes' | 'rows') => {
    const count = Math.ceil(data.length / UPLOAD_CHUNK_CHARS);
    for (let index = 0; index < count; index++)
      m.call('uploadFileChunk', {
        id,
        index,
        count,
        data: data.slice(index * UPLOAD_CHUNK_CHARS, (index + 1) * UPLOAD_CHUNK_CHARS),
      });
    return { id, count, as };
  };
  const workbookProfile = {
    id: 'workbook',
    name: 'Workbook vendor',
    columns: {
      customer: 'Customer Name',
      customerId: 'Customer ID',
      sku: 'SKU',
      description: 'Description',
      quantity: 'Quantity',
      unitCost: 'Unit Cost',
      unitPrice: 'Unit Price',
      currency: 'Currency',
      periodStart: 'Period Start',
      periodEnd: 'Period End',
      chargeType: 'Charge Type',
    },
    decimal: ',',
    dateFormat: 'dd/mm/yyyy',
  };

  it('a file sent in 1 MiB chunks is reassembled; the upload is dropped once imported', () => {
    const data = Buffer.from(bulkCsv(7_000), 'utf8').toString('base64');
    expect(data.length).toBeGreaterThan(UPLOAD_CHUNK_CHARS);
    const ref = upload('bulk-upload-1', data, 'bytes');
    expect(ref.count).toBe(2);
    const file = { name: 'bulk-2026-10.csv', upload: ref };
    const p = m.call('previewFileImport', { file, month: DEMO_MONTH, profile: BULK_PROFILE }) as {
      counts: unknown;
    };
    expect(p.counts).toEqual({ rows: 7_000, ok: 7_000, failed: 0 });
    const saved = m.call('importFile', { file, month: DEMO_MONTH, profile: BULK_PROFILE }) as {
      counts: unknown;
    };
    expect(saved.counts).toEqual({ rows: 7_000, ok: 7_000, failed: 0 });
    expect(() => m.call('previewFileImport', { file, month: DEMO_MONTH })).toThrow(
      /The upload is incomplete or has expired/,
    );
    m.call('deleteImportProfile', 'file-import-bulk');
  });

  it('refuses more than 10 MB, oversized chunks and missing chunks, with the reason', () => {
    expect(() => m.call('uploadFileChunk', { id: 'too-big-01', index: 0, count: 15, data: 'QUJD' })).toThrow(
      /larger than 10 MB, the most BillGrid imports at once/,
    );
    expect(() =>
      m.call('uploadFileChunk', {
        id: 'too-big-02',
        index: 0,
        count: 2,
        data: 'A'.repeat(UPLOAD_CHUNK_CHARS + 4),
      }),
    ).toThrow(/A chunk holds at most 1048576 characters/);
    expect(() =>
      m.call('uploadFileChunk', { id: 'bad-data-1', index: 0, count: 1, data: '<b>hi</b>' }),
    ).toThrow(/not base64/);
    m.call('uploadFileChunk', { id: 'half-sent-1', index: 0, count: 2, data: 'QUJD' });
    expect(() =>
      m.call('previewFileImport', {
        file: { name: 'x.csv', upload: { id: 'half-sent-1', count: 2, as: 'bytes' } },
        month: DEMO_MONTH,
      }),
    ).toThrow(/The upload is incomplete or has expired/);
    expect(() =>
      m.call('previewFileImport', {
        file: { name: 'x.csv', text: 'a'.repeat(10 * 1024 * 1024 + 1) },
        month: DEMO_MONTH,
      }),
    ).toThrow(/larger than 10 MB/);
  });

  it('an .xlsx read in the sidebar arrives as its rows and imports with numbers and dates as they are', async () => {
    const sheet = await readXlsx(sampleWorkbook());
    const json = JSON.stringify({ rows: sheet.rows, rowNumbers: sheet.rowNumbers, notes: sheet.notes });
    const ref = upload('workbook-up-1', Buffer.from(json, 'utf8').toString('base64'), 'rows');
    const file = { name: 'vendor-2026-10.xlsx', upload: ref };
    const p = m.call('previewFileImport', { file, month: DEMO_MONTH, profile: workbookProfile }) as {
      counts: unknown;
      notes: string[];
      sample: Array<{ customer: string; quantity: number; periodStart: string }>;
    };
    expect(p.counts).toEqual({ rows: 3, ok: 3, failed: 0 });
    expect(p.notes).toContain('Read from sheet “Billing October” of the workbook');
    expect(p.sample.map((r) => [r.customer, r.quantity, r.periodStart])).toEqual([
      ['Acme Dental Group', 12, '2026-10-01'],
      ['Crestview & Sons <Vet>', 25, '2026-10-01'],
      ['Riverside Church', -3, '2026-10-11'],
    ]);
    m.call('importFile', { file, month: DEMO_MONTH, profile: workbookProfile });
    // Kept as numbers: the pull reads 5.4 under the profile's decimal comma.
    const pulled = m.call('pullBillingMonth', DEMO_MONTH, 'file-import-workbook') as Pulled;
    expect(sourceProblems(pulled)).toEqual([]);
    expect(pulled.lines).toBeGreaterThanOrEqual(3);
    const [head, ...rows] = m.grid(DEMO_MONTH);
    const mine = rows.filter((r) => r[head.indexOf('Source')] === 'file-import-workbook');
    expect(mine.map((r) => r[head.indexOf('Quantity')]).sort()).toEqual([-3, 12, 25]);
  });

  it('the Import tab: pasted values (numbers, dates) are read from the sheet', () => {
    expect(() =>
      m.call('previewFileImport', { file: { name: 'Import tab', tab: true }, month: DEMO_MONTH }),
    ).toThrow(/There is no tab named Import/);
    const ss = m.host.state.spreadsheets[0];
    const tab = newSheetState(4242, 'Import');
    const day = (iso: string) => ({ v: { d: Date.parse(`${iso}T12:00:00Z`) } });
    const text = (v: string) => ({ v });
    const num = (v: number) => ({ v });
    tab.rows = [
      [
        'Customer Name',
        'Customer ID',
        'SKU',
        'Quantity',
        'Unit Price',
        'Currency',
        'Period Start',
        'Period End',
      ].map(text),
      [
        text('Harbour Dental'),
        text('HD-1'),
        text('SKU-9'),
        num(3),
        num(1234.5),
        text('USD'),
        day('2026-10-01'),
        day('2026-10-31'),
      ],
      null,
      [
        text('Pine Clinic'),
        text('PC-2'),
        text('SKU-9'),
        num(1),
        text('oops'),
        text('USD'),
        day('2026-10-01'),
        day('2026-10-31'),
      ],
    ];
    ss.sheets.push(tab);
    const profile = {
      id: 'pasted',
      name: 'Pasted vendor',
      columns: {
        customer: 'Customer Name',
        customerId: 'Customer ID',
        sku: 'SKU',
        quantity: 'Quantity',
        unitPrice: 'Unit Price',
        currency: 'Currency',
        periodStart: 'Period Start',
        periodEnd: 'Period End',
      },
    };
    const p = m.call('previewFileImport', {
      file: { name: 'Import tab', tab: true },
      month: DEMO_MONTH,
      profile,
    }) as {
      counts: unknown;
      sample: Array<{ customer: string; unitPrice: number; periodEnd: string }>;
      failures: Array<{ row: number; message: string }>;
    };
    expect(p.counts).toEqual({ rows: 2, ok: 1, failed: 1 });
    expect(p.sample.map((r) => [r.customer, r.unitPrice, r.periodEnd])).toEqual([
      ['Harbour Dental', 1234.5, '2026-10-31'],
    ]);
    // The sheet's own row number (row 3 is empty).
    expect(p.failures).toEqual([{ row: 4, message: expect.stringContaining("'oops' is not a number") }]);
  });
});
