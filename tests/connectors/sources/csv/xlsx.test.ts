/**
 * The sidebar's .xlsx reader (src/connectors/sources/common/xlsx.ts) in Node, whose DecompressionStream is
 * the browser's: workbooks built part by part by local/sandbox/csv/xlsx-samples.ts (shared strings, rich
 * text, inline strings, formula text, numbers, dates by built-in and custom formats, the 1904 system,
 * stored and deflated parts) and a corpus of broken files, each refused with its own message.
 */
import { importRows, type ImportInput } from '../../../../src/connectors/sources/csv/import';
import { importProfileSchema } from '../../../../src/connectors/sources/csv/profile';
import { periodOf } from '../../../../src/connectors/sources/csv/store';
import { isDateFormatCode, readXlsx, XlsxError } from '../../../../src/connectors/sources/common/xlsx';
import { sampleWorkbook, serialOf, xlsx, xlsxParts, zip } from '../../../../local/sandbox/csv/xlsx-samples';

describe('reading an .xlsx workbook', () => {
  it('reads the first visible sheet: strings, numbers, dates, inline and rich text, formula results', async () => {
    const sheet = await readXlsx(sampleWorkbook());
    expect(sheet.name).toBe('Billing October');
    expect(sheet.rowNumbers).toEqual([1, 2, 3, 4]);
    expect(sheet.rows[0]).toEqual([
      'Customer Name',
      'Customer ID',
      'SKU',
      'Description',
      'Quantity',
      'Unit Cost',
      'Unit Price',
      'Currency',
      'Period Start',
      'Period End',
      'Charge Type',
    ]);
    expect(sheet.rows[1]).toEqual([
      'Acme Dental Group',
      'SW-10021',
      'CFQ7TTC0LH18',
      'Microsoft 365 Business Basic',
      12,
      5.4,
      6,
      'USD',
      '2026-10-01',
      '2026-10-31',
      'Recurring',
    ]);
    // Entities decoded; an inline string; rich-text runs joined; a custom dd/mm/yyyy format is a date.
    expect(sheet.rows[2].slice(0, 4)).toEqual([
      'Crestview & Sons <Vet>',
      'SW-10034',
      'SW-BACKUP-M365',
      'BoldBackup, per user',
    ]);
    expect(sheet.rows[2].slice(8, 10)).toEqual(['2026-10-01', '2026-10-31']);
    // A number where text was expected stays a number; a formula's cached text is its value.
    expect(sheet.rows[3].slice(0, 5)).toEqual([
      'Riverside Church',
      10077,
      'CFQ7TTC0LDPB',
      'Standard (annual)',
      -3,
    ]);
    expect(sheet.notes).toEqual([
      'Read from sheet “Billing October” of the workbook',
      'The workbook has 2 sheets; only the first, “Billing October”, was read',
    ]);
  });

  it('gives rows that import like a CSV file (numbers need no decimal mark, dates no format)', async () => {
    const sheet = await readXlsx(sampleWorkbook());
    const profile = importProfileSchema.parse({
      id: 'sheet-vendor',
      name: 'Sheet vendor',
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
      // A decimal-comma, dd/mm profile: spreadsheet numbers and ISO dates read under any profile.
      decimal: ',',
      dateFormat: 'dd/mm/yyyy',
    });
    const input: ImportInput = { rows: sheet.rows, rowNumbers: sheet.rowNumbers };
    const r = importRows(input, profile, periodOf('2026-10'));
    expect(r.failures).toEqual([]);
    expect(
      r.lines.map((l) => [l.customerId, l.sku, l.quantity, l.unitCost, l.unitPrice, l.periodStart]),
    ).toEqual([
      ['SW-10021', 'CFQ7TTC0LH18', 12, 5.4, 6, '2026-10-01'],
      ['SW-10034', 'SW-BACKUP-M365', 25, 1.9, 3, '2026-10-01'],
      ['10077', 'CFQ7TTC0LDPB', -3, 11.25, 12.5, '2026-10-11'],
    ]);
  });

  it('reads the 1904 date system, stored (uncompressed) parts, gaps between cells and hidden first sheets', async () => {
    const rows = [
      ['Day', null, 'Qty'],
      [{ date: serialOf('2026-10-31') - 1462 }, null, 2],
    ];
    const book = zip(
      xlsxParts(
        [
          { name: 'Old', hidden: true, rows: [['x']] },
          { name: 'Mac', rows },
        ],
        { date1904: true },
      ).map((f) => ({
        ...f,
        store: true,
      })),
    );
    const sheet = await readXlsx(book);
    expect(sheet.name).toBe('Mac');
    expect(sheet.rows).toEqual([
      ['Day', null, 'Qty'],
      ['2026-10-31', null, 2],
    ]);
  });

  it('tells date formats from number formats', () => {
    expect(
      ['dd/mm/yyyy;@', 'yyyy-mm-dd', 'mmm d, yyyy', '[$-409]d-mmm-yy;@', 'h:mm'].map(isDateFormatCode),
    ).toEqual([true, true, true, true, true]);
    expect(['#,##0.00', '"Day "0', '[Red]0.00', 'General', '0.00_);(0.00)'].map(isDateFormatCode)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('a broken workbook is refused with its reason', () => {
  const good = (): Uint8Array =>
    xlsx([
      {
        name: 'S',
        rows: [
          ['Customer', 'Qty'],
          ['A', 1],
        ],
      },
    ]);
  const without = (part: string): Uint8Array =>
    zip(xlsxParts([{ name: 'S', rows: [['a']] }]).filter((f) => f.name !== part));
  const corpus: Array<[string, () => Uint8Array, RegExp]> = [
    ['an empty file', () => new Uint8Array(0), /not an Excel \.xlsx workbook \(it is not a ZIP package\)/],
    ['a CSV named .xlsx', () => new TextEncoder().encode('Customer,Qty\nA,1\n'), /not a ZIP package/],
    [
      'an old .xls (OLE compound file)',
      () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(600).fill(0)]),
      /old Excel \.xls file/,
    ],
    ['a ZIP cut short (no directory)', () => good().subarray(0, 400), /damaged or cut short/],
    [
      'a Word document (a ZIP without a workbook)',
      () => zip([{ name: 'word/document.xml', data: new TextEncoder().encode('<w:document/>') }]),
      /not an Excel workbook \(it has no xl\/workbook\.xml\)/,
    ],
    ['no sheet part', () => without('xl/worksheets/sheet1.xml'), /sheet S is missing from the file/],
    ['every sheet hidden', () => xlsx([{ name: 'H', hidden: true, rows: [['a']] }]), /no visible sheet/],
    ['an empty sheet', () => xlsx([{ name: 'Blank', rows: [] }]), /Sheet Blank is empty/],
    [
      'a damaged compressed part',
      () => {
        const b = good();
        const parts = xlsxParts([
          {
            name: 'S',
            rows: [
              ['Customer', 'Qty'],
              ['A', 1],
            ],
          },
        ]);
        // Overwrite the middle of the sheet part's deflate data (the last entry before the directory).
        const sheetAt = Buffer.from(b).indexOf('xl/worksheets/sheet1.xml');
        const start = sheetAt + 'xl/worksheets/sheet1.xml'.length;
        expect(parts.length).toBeGreaterThan(0);
        const copy = new Uint8Array(b);
        for (let i = start + 5; i < start + 40; i++) copy[i] = 0xff;
        return copy;
      },
      /damaged \(part xl\/worksheets\/sheet1\.xml cannot be unpacked|has the wrong size\)/,
    ],
    [
      'a password-protected part',
      () => {
        const b = new Uint8Array(good());
        // General-purpose flag bit 0 (encrypted) in every central directory entry.
        for (let i = 0; i + 4 < b.length; i++)
          if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x01 && b[i + 3] === 0x02) b[i + 8] |= 1;
        return b;
      },
      /password-protected/,
    ],
    [
      'an unknown compression method',
      () => {
        const b = new Uint8Array(good());
        for (let i = 0; i + 4 < b.length; i++)
          if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x01 && b[i + 3] === 0x02) b[i + 10] = 12;
        return b;
      },
      /compression BillGrid cannot read \(method 12\)/,
    ],
  ];
  it.each(corpus)('%s', async (_name, make, message) => {
    const bytes = make();
    await expect(readXlsx(bytes)).rejects.toThrow(XlsxError);
    await expect(readXlsx(bytes)).rejects.toThrow(message);
  });
});
