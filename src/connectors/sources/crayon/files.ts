/**
 * Billing-records files: Cloud-iQ returns `{ fileName, data }` with `data` the file's bytes in base64
 * (apidocs.crayon.com: a JSON file; a zip when Crayon splits it). The rows may also come as CSV (the
 * reconciliation file's format), so both are read. Pure TypeScript, so the same code runs in Apps Script
 * and in tests; a CSV parser can be injected (Utilities.parseCsv on Google).
 */

/** Splits CSV text into rows of cells: RFC 4180 quoting, any of \r\n, \n, \r between rows. */
export type CsvParser = (text: string, delimiter: string) => string[][];

export const parseCsv: CsvParser = (text, delimiter) => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
};

/** The delimiter of a CSV header line: the most frequent of , ; and tab outside quotes. */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0].n > 0 ? counts[0].d : ',';
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64 → bytes; undefined when the text is not base64. */
export function base64Bytes(b64: string): number[] | undefined {
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return undefined;
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean.replace(/=+$/, '')) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** UTF-8 bytes → text (a leading byte-order mark dropped); invalid sequences become U+FFFD. */
export function utf8Text(bytes: number[]): string {
  let out = '';
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
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
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
  const rows = csv(text, detectDelimiter(text));
  const [header, ...body] = rows;
  if (!header || header.length < 2) return { ok: false, reason: `${fileName} has no header row` };
  const names = header.map((h) => h.trim());
  return {
    ok: true,
    rows: body.map((cells) => Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']))),
  };
}
