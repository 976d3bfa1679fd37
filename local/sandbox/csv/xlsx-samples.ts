/**
 * .xlsx workbooks built here, part by part, as Excel writes them (ECMA-376: [Content_Types].xml, the
 * package and workbook relationships, workbook.xml, styles.xml with number formats, sharedStrings.xml and
 * one worksheet per sheet), in a ZIP (PKWARE APPNOTE: local headers, central directory, end record;
 * deflate or stored). The tests read them with src/connectors/sources/csv/xlsx.ts; `npx tsx
 * local/sandbox/csv/xlsx-samples.ts <dir>` writes them out, to open in Excel or LibreOffice and check by eye.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export type SampleCell =
  | string
  | number
  | boolean
  | null
  /** A date serial shown with a date format (numFmt 14, or the custom 'dd/mm/yyyy' style 2). */
  | { date: number; style?: 'builtin' | 'custom' }
  /** A string written inline (t="inlineStr"), as some exporters do instead of shared strings. */
  | { inline: string }
  /** A formula's cached text result (t="str"). */
  | { formulaText: string }
  | { error: string };

export interface SampleSheet {
  name: string;
  rows: SampleCell[][];
  hidden?: boolean;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const colName = (i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

interface ZipFile {
  name: string;
  data: Uint8Array;
  store?: boolean;
}

/** A ZIP archive (no ZIP64, no encryption): deflated entries unless `store`. */
export function zip(files: readonly ZipFile[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = f.store ? Buffer.from(f.data) : zlib.deflateRawSync(f.data);
    const crc = zlib.crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(f.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(f.store ? 0 : 8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(f.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dirBytes, end]));
}

/** The parts of a workbook with these sheets (shared strings for plain text, styles for dates). */
export function xlsxParts(sheets: readonly SampleSheet[], opts: { date1904?: boolean } = {}): ZipFile[] {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const shared = (s: string): number => {
    if (!index.has(s)) {
      index.set(s, strings.length);
      strings.push(s);
    }
    return index.get(s)!;
  };
  const sheetXml = (sheet: SampleSheet): string => {
    const rows = sheet.rows.map((row, r) => {
      const cells = row.map((c, i) => {
        const ref = `${colName(i)}${r + 1}`;
        if (c === null) return '';
        if (typeof c === 'string') return `<c r="${ref}" t="s"><v>${shared(c)}</v></c>`;
        if (typeof c === 'number') return `<c r="${ref}" s="1"><v>${c}</v></c>`;
        if (typeof c === 'boolean') return `<c r="${ref}" t="b"><v>${c ? 1 : 0}</v></c>`;
        if ('date' in c) return `<c r="${ref}" s="${c.style === 'custom' ? 3 : 2}"><v>${c.date}</v></c>`;
        if ('inline' in c)
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(c.inline)}</t></is></c>`;
        if ('formulaText' in c)
          return `<c r="${ref}" t="str"><f>CONCAT("a","b")</f><v>${esc(c.formulaText)}</v></c>`;
        return `<c r="${ref}" t="e"><v>${esc(c.error)}</v></c>`;
      });
      return `<row r="${r + 1}">${cells.join('')}</row>`;
    });
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>${rows.join('')}</sheetData></worksheet>`;
  };
  const worksheets = sheets.map(sheetXml);
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const ns = 'http://schemas.openxmlformats.org';
  const sst = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${ns}/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings
    .map((s) =>
      s.startsWith('rich:')
        ? `<si><r><rPr><b/></rPr><t>${esc(s.slice(5, 8))}</t></r><r><t xml:space="preserve">${esc(s.slice(8))}</t></r></si>`
        : `<si><t xml:space="preserve">${esc(s)}</t></si>`,
    )
    .join('')}</sst>`;
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${ns}/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;
  const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><workbookPr${opts.date1904 ? ' date1904="1"' : ''}/><sheets>${sheets
    .map(
      (s, i) =>
        `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`,
    )
    .join('')}</sheets></workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships">${sheets
    .map(
      (_s, i) =>
        `<Relationship Id="rId${i + 1}" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join(
      '',
    )}<Relationship Id="rIdS" Type="${ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdT" Type="${ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
    .map(
      (_s, i) =>
        `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    )
    .join(
      '',
    )}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
  const pkgRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  return [
    { name: '[Content_Types].xml', data: enc(types) },
    { name: '_rels/.rels', data: enc(pkgRels) },
    { name: 'xl/workbook.xml', data: enc(workbook) },
    { name: 'xl/_rels/workbook.xml.rels', data: enc(rels) },
    { name: 'xl/styles.xml', data: enc(styles) },
    { name: 'xl/sharedStrings.xml', data: enc(sst) },
    ...worksheets.map((w, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: enc(w) })),
  ];
}

export const xlsx = (sheets: readonly SampleSheet[], opts: { date1904?: boolean } = {}): Uint8Array =>
  zip(xlsxParts(sheets, opts));

/** Date serial of an ISO date in the 1900 date system. */
export const serialOf = (iso: string): number =>
  (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

/** A Sherweb-style export as a workbook: header, text, numbers, dates (built-in and custom formats). */
export function sampleWorkbook(): Uint8Array {
  const d = (iso: string, style?: 'custom') => ({ date: serialOf(iso), ...(style ? { style } : {}) });
  return xlsx([
    {
      name: 'Billing October',
      rows: [
        [
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
        ],
        [
          'Acme Dental Group',
          'SW-10021',
          'CFQ7TTC0LH18',
          'Microsoft 365 Business Basic',
          12,
          5.4,
          6,
          'USD',
          d('2026-10-01'),
          d('2026-10-31'),
          'Recurring',
        ],
        [
          'Crestview & Sons <Vet>',
          'SW-10034',
          { inline: 'SW-BACKUP-M365' },
          'rich:BoldBackup, per user',
          25,
          1.9,
          3,
          'USD',
          d('2026-10-01', 'custom'),
          d('2026-10-31', 'custom'),
          'Recurring',
        ],
        [
          'Riverside Church',
          10077,
          'CFQ7TTC0LDPB',
          { formulaText: 'Standard (annual)' },
          -3,
          11.25,
          12.5,
          'USD',
          '2026-10-11',
          '2026-10-31',
          'Prorate',
        ],
      ],
    },
    { name: 'Notes', rows: [['Exported by the vendor portal']] },
  ]);
}

if (require.main === module) {
  const dir = process.argv[2] ?? '.';
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'sample-2026-10.xlsx'), sampleWorkbook());
  console.log(`wrote ${path.join(dir, 'sample-2026-10.xlsx')}`);
}
