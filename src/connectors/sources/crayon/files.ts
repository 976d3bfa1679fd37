/**
 * Billing-records files: Cloud-iQ returns `{ fileName, data }` with `data` the file's bytes in base64
 * (apidocs.crayon.com: a JSON file; a zip when Crayon splits it). The rows may also come as CSV (the
 * reconciliation file's format), so both are read. Pure TypeScript, so the same code runs in Apps Script
 * and in tests; a CSV parser can be injected (Utilities.parseCsv on Google).
 */
import {
  DELIMITERS,
  FileError,
  detectDelimiter,
  parseCsv as parseCsvTable,
  type Delimiter,
} from '../common/csv-text';

/** Splits CSV text into rows of cells (Utilities.parseCsv on Google may stand in). */
export type CsvParser = (text: string, delimiter: string) => string[][];

/** The shared CSV reader (common/csv-text.ts: RFC 4180 quoting, any line ending, blank lines dropped). */
export const parseCsv: CsvParser = (text, delimiter) =>
  parseCsvTable(text, (DELIMITERS as readonly string[]).includes(delimiter) ? (delimiter as Delimiter) : ',')
    .rows;

export { detectDelimiter };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** base64 → bytes; undefined when the text is not base64. Table-driven: files run to tens of MB. */
export function base64Bytes(b64: string): Uint8Array | undefined {
  const clean = /\s/.test(b64) ? b64.replace(/\s+/g, '') : b64;
  let len = clean.length;
  while (len > 0 && clean.charCodeAt(len - 1) === 61 /* = */) len--;
  if (clean.length - len > 2 || len % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c] : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** UTF-8 bytes → text (a leading byte-order mark dropped); invalid sequences become U+FFFD. */
export function utf8Text(bytes: Uint8Array | number[]): string {
  const parts: string[] = [];
  let units: number[] = [];
  const flush = () => {
    parts.push(String.fromCharCode(...units));
    units = [];
  };
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let cp = 0xfffd;
    let n = 1;
    if (b < 0x80) cp = b;
    else if (b >= 0xc0 && b < 0xe0 && i + 1 < bytes.length) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
      n = 2;
    } else if (b >= 0xe0 && b < 0xf0 && i + 2 < bytes.length) {
      cp = ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
      n = 3;
    } else if (b >= 0xf0 && i + 3 < bytes.length) {
      cp =
        ((b & 0x07) << 18) |
        ((bytes[i + 1] & 0x3f) << 12) |
        ((bytes[i + 2] & 0x3f) << 6) |
        (bytes[i + 3] & 0x3f);
      n = 4;
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    if (units.length >= 8192) flush();
    i += n;
  }
  flush();
  return parts.join('');
}

export type FileRows = { ok: true; rows: Array<Record<string, unknown>> } | { ok: false; reason: string };

/** The rows of one billing-records file, each an object keyed by column name. */
export function fileRows(fileName: string, data: string, csv: CsvParser = parseCsv): FileRows {
  const bytes = base64Bytes(data);
  if (!bytes) return { ok: false, reason: 'its data is not base64' };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    return {
      ok: false,
      reason: `Crayon split it into a zip archive (${fileName}), which BillGrid cannot open; download it from Cloud-iQ`,
    };
  }
  const text = utf8Text(bytes);
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, rows: [] };
  if (/\.json$/i.test(fileName) || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, reason: `${fileName} is not valid JSON` };
    }
    const list = Array.isArray(parsed)
      ? parsed
      : parsed && typeof parsed === 'object'
        ? Object.values(parsed).find(Array.isArray)
        : undefined;
    if (!list) return { ok: false, reason: `${fileName} holds no list of records` };
    return {
      ok: true,
      rows: list.map((r: unknown) =>
        r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : {},
      ),
    };
  }
  let rows: string[][];
  try {
    rows = csv(text, detectDelimiter(text));
  } catch (err) {
    if (err instanceof FileError) return { ok: false, reason: `${fileName}: ${err.message}` };
    throw err;
  }
  const [header, ...body] = rows;
  if (!header || header.length < 2) return { ok: false, reason: `${fileName} has no header row` };
  const names = header.map((h) => h.trim());
  return {
    ok: true,
    rows: body.map((cells) => Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']))),
  };
}
