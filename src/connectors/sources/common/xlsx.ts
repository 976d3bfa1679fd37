/**
 * An .xlsx workbook's first sheet → rows of cells, read where a browser runs (the sidebar): the ZIP is
 * unzipped with the platform's DecompressionStream('deflate-raw') and the sheet XML read with a small
 * scanner, no library. Apps Script has neither, so the server never calls this; the sidebar sends the rows.
 *
 * What is read (ECMA-376 Part 1, SpreadsheetML; Part 2, packaging; the ZIP format from PKWARE's APPNOTE):
 * shared strings (`t="s"`, rich text runs joined), inline strings (`t="inlineStr"`), formula results as
 * text (`t="str"`), booleans, numbers, and numbers whose style's number format is a date, which become
 * ISO yyyy-mm-dd (the 1900 or 1904 date system of the workbook). Error cells (`#N/A`) stay as their text,
 * so the row fails with the value shown. Anything that cannot be read is an XlsxError with the words a
 * person needs (an old .xls, a password-protected workbook, a damaged file, no sheet).
 */
import { decodeBytes } from './csv-text';

export type XlsxCell = string | number | boolean | null;

export interface XlsxSheet {
  /** The sheet's name, as Excel shows it. */
  name: string;
  rows: XlsxCell[][];
  /** The sheet row number of each row (rows with no cell are not listed). */
  rowNumbers: number[];
  notes: string[];
}

export class XlsxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XlsxError';
  }
}

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const u16 = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8);
const u32 = (b: Uint8Array, i: number): number =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;

/** The ZIP's central directory (APPNOTE 4.3.12, 4.3.16): every entry's name, method, sizes and offset. */
function zipEntries(b: Uint8Array): Map<string, ZipEntry> {
  if (b.length >= 8 && u32(b, 0) === 0xe011cfd0 && u32(b, 4) === 0xe11ab1a1)
    throw new XlsxError(
      'This is an old Excel .xls file (or a password-protected workbook): save it as .xlsx or CSV and import that',
    );
  if (b.length < 22 || u32(b, 0) !== 0x04034b50)
    throw new XlsxError('This file is not an Excel .xlsx workbook (it is not a ZIP package)');
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--)
    if (u32(b, i) === 0x06054b50) {
      end = i;
      break;
    }
  if (end < 0) throw new XlsxError('The workbook is damaged or cut short (its ZIP directory is missing)');
  const count = u16(b, end + 10);
  let p = u32(b, end + 16);
  if (count === 0xffff || p === 0xffffffff)
    throw new XlsxError('The workbook is too large to read here (ZIP64): save it as CSV and import that');
  const out = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50)
      throw new XlsxError('The workbook is damaged (its ZIP directory cannot be read)');
    const nameLen = u16(b, p + 28);
    const name = decodeBytes(b.subarray(p + 46, p + 46 + nameLen)).text;
    out.set(name, {
      name,
      flags: u16(b, p + 8),
      method: u16(b, p + 10),
      compressedSize: u32(b, p + 20),
      size: u32(b, p + 24),
      offset: u32(b, p + 42),
    });
    p += 46 + nameLen + u16(b, p + 30) + u16(b, p + 32);
  }
  return out;
}

async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One entry's text (UTF-8, as SpreadsheetML parts are), or null when the package has no such part. */
async function entryText(
  b: Uint8Array,
  entries: Map<string, ZipEntry>,
  name: string,
): Promise<string | null> {
  const e = entries.get(name);
  if (!e) return null;
  if (e.flags & 1) throw new XlsxError('The workbook is password-protected: save it without a password');
  if (e.offset + 30 > b.length || u32(b, e.offset) !== 0x04034b50)
    throw new XlsxError(`The workbook is damaged (part ${name} cannot be found)`);
  const start = e.offset + 30 + u16(b, e.offset + 26) + u16(b, e.offset + 28);
  const raw = b.subarray(start, start + e.compressedSize);
  if (raw.length !== e.compressedSize) throw new XlsxError('The workbook is cut short: upload it again');
  let bytes: Uint8Array;
  if (e.method === 0) bytes = raw;
  else if (e.method === 8) {
    try {
      bytes = await inflateRaw(raw);
    } catch {
      throw new XlsxError(`The workbook is damaged (part ${name} cannot be unpacked)`);
    }
  } else throw new XlsxError(`The workbook uses a ZIP compression BillGrid cannot read (method ${e.method})`);
  if (bytes.length !== e.size)
    throw new XlsxError(`The workbook is damaged (part ${name} has the wrong size)`);
  try {
    return decodeBytes(bytes).text;
  } catch {
    throw new XlsxError(`The workbook is damaged (part ${name} is not text)`);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text → string: entities, character references, and OOXML's _xHHHH_ escapes (ECMA-376 22.9.2.19). */
function unescapeXml(s: string): string {
  return s
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#')
        return String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
      return ENTITIES[e] ?? m;
    })
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? unescapeXml(m[1] ?? m[2]) : undefined;
};

/** The text of every <t> in a string item (a plain <t>, or rich-text runs; phonetic runs <rPh> left out). */
function itemText(xml: string): string {
  const clean = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let out = '';
  for (const m of clean.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g))
    out += unescapeXml(m[1] ?? '');
  return out;
}

function sharedStrings(xml: string | null): string[] {
  if (!xml) return [];
  return [...xml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((m) => itemText(m[1] ?? ''));
}

/** Built-in number formats that are dates or times (ECMA-376 Part 1, 18.8.30; 27–36 and 50–58: East Asian dates). */
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

/** A custom format code is a date when, outside quotes, brackets and escapes, it has a d, m, y, h or s. */
export function isDateFormatCode(code: string): boolean {
  const bare = code
    .split(';')[0]
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/_.|\*./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** For each cell style (cellXfs index), whether its number format shows a date. */
function dateStyles(xml: string | null): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, string>();
  for (const m of xml.matchAll(/<numFmt\s[^>]*>/g))
    custom.set(Number(attr(m[0], 'numFmtId')), attr(m[0], 'formatCode') ?? '');
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  return [...xfs.matchAll(/<xf\s[^>]*?(?:\/>|>)/g)].map((m) => {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    const code = custom.get(id);
    return code !== undefined ? isDateFormatCode(code) : DATE_FORMAT_IDS.has(id);
  });
}

/** A cell reference's column, 0-based ('A1' → 0, 'AB7' → 27). */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of /^[A-Z]+/i.exec(ref)?.[0].toUpperCase() ?? '') n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A date serial → ISO date (1900 system counts from 1899-12-30, as Excel's leap-year bug makes it; 1904 from 1904-01-01). */
function serialToIso(serial: number, date1904: boolean): string {
  const base = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const d = new Date(base + Math.floor(serial + 1e-9) * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function resolvePath(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

/** The largest sheet part read (unpacked): far above a 50,000-row export, below what a sidebar tab holds easily. */
const MAX_SHEET_CHARS = 200_000_000;

/** The first worksheet of an .xlsx file (bytes), as rows of cells. */
export async function readXlsx(bytes: Uint8Array): Promise<XlsxSheet> {
  const entries = zipEntries(bytes);
  const workbook = await entryText(bytes, entries, 'xl/workbook.xml');
  if (workbook === null)
    throw new XlsxError(
      'This ZIP is not an Excel workbook (it has no xl/workbook.xml): export the data as .xlsx or CSV',
    );
  const sheets = [...workbook.matchAll(/<sheet\s[^>]*>/g)].map((m) => ({
    name: attr(m[0], 'name') ?? 'Sheet',
    rel: attr(m[0], 'r:id') ?? '',
    hidden: /^(hidden|veryHidden)$/.test(attr(m[0], 'state') ?? ''),
  }));
  const first = sheets.find((s) => !s.hidden);
  if (!first) throw new XlsxError('The workbook has no visible sheet');
  const rels = (await entryText(bytes, entries, 'xl/_rels/workbook.xml.rels')) ?? '';
  const relTag = [...rels.matchAll(/<Relationship\s[^>]*>/g)].find(
    (m) => attr(m[0], 'Id') === first.rel,
  )?.[0];
  const target = relTag ? attr(relTag, 'Target') : undefined;
  const sheetPath = target ? resolvePath(target) : 'xl/worksheets/sheet1.xml';
  const entry = entries.get(sheetPath);
  if (!entry) throw new XlsxError(`The workbook's sheet ${first.name} is missing from the file`);
  if (entry.size > MAX_SHEET_CHARS)
    throw new XlsxError(`Sheet ${first.name} is too large to read here: save it as CSV and import that`);
  const sheetXml = (await entryText(bytes, entries, sheetPath)) ?? '';
  const strings = sharedStrings(await entryText(bytes, entries, 'xl/sharedStrings.xml'));
  const isDate = dateStyles(await entryText(bytes, entries, 'xl/styles.xml'));
  const date1904 = /<workbookPr\s[^>]*date1904\s*=\s*["'](1|true)["']/.test(workbook);

  const rows: XlsxCell[][] = [];
  const rowNumbers: number[] = [];
  const data = /<sheetData[^>]*>([\s\S]*?)<\/sheetData>/.exec(sheetXml)?.[1] ?? '';
  let nextRow = 1;
  for (const rm of data.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rowNo = Number(attr(rm[0].slice(0, rm[0].indexOf('>') + 1), 'r') ?? nextRow);
    nextRow = rowNo + 1;
    const cells: XlsxCell[] = [];
    let nextCol = 0;
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const open = `<c${cm[1]}>`;
      const ref = attr(open, 'r');
      const col = ref ? columnOf(ref) : nextCol;
      nextCol = col + 1;
      const type = attr(open, 't') ?? 'n';
      const inner = cm[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      let value: XlsxCell = null;
      if (type === 's') value = v === undefined ? null : (strings[Number(v)] ?? null);
      else if (type === 'inlineStr') value = itemText(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? '');
      else if (type === 'str' || type === 'e') value = v === undefined ? null : unescapeXml(v);
      else if (type === 'b') value = v === undefined ? null : v.trim() === '1';
      else if (type === 'd') value = v === undefined ? null : unescapeXml(v).slice(0, 10);
      else if (v !== undefined && v.trim() !== '') {
        const n = Number(v);
        const style = Number(attr(open, 's') ?? 0);
        value = Number.isFinite(n) && isDate[style] ? serialToIso(n, date1904) : Number.isFinite(n) ? n : v;
      }
      while (cells.length < col) cells.push(null);
      cells[col] = value;
    }
    while (cells.length > 0 && (cells[cells.length - 1] === null || cells[cells.length - 1] === ''))
      cells.pop();
    if (cells.length === 0) continue;
    rows.push(cells);
    rowNumbers.push(rowNo);
  }
  if (rows.length === 0) throw new XlsxError(`Sheet ${first.name} is empty`);
  const width = Math.max(...rows.map((r) => r.length));
  for (const r of rows) while (r.length < width) r.push(null);
  const notes = [`Read from sheet “${first.name}” of the workbook`];
  if (sheets.filter((s) => !s.hidden).length > 1)
    notes.push(`The workbook has ${sheets.length} sheets; only the first, “${first.name}”, was read`);
  return { name: first.name, rows, rowNumbers, notes };
}
