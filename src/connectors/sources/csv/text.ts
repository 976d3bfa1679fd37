/**
 * From a file's bytes to a table of text cells, pure (no Apps Script): the encoding (UTF-8 with or
 * without BOM, UTF-16 with BOM, else Windows-1252, which is what Excel writes for "CSV" on Windows),
 * the delimiter (comma, semicolon, tab or pipe, from the header line) and RFC 4180 quoting (doubled
 * quotes, delimiters and line breaks inside quotes, CRLF/LF/CR line ends).
 */

export type Table = string[][];

export interface Decoded {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  /** Set when the encoding was a guess the user should know about. */
  note?: string;
}

export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}

// Windows-1252 0x80..0x9F (the rest of the byte range is Latin-1).
const CP1252 = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122,
  0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
];

/** Strict UTF-8; null at the first invalid sequence. */
function utf8(b: ArrayLike<number>, start: number): string | null {
  let out = '';
  for (let i = start; i < b.length;) {
    const c = b[i];
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 0;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      n = 1;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      n = 2;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      n = 3;
    } else return null;
    if (i + n >= b.length && n > 0) return null;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (
      (n === 2 && cp < 0x800) ||
      (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff)
    )
      return null;
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

function utf16(b: ArrayLike<number>, start: number, littleEndian: boolean): string {
  let out = '';
  for (let i = start; i + 1 < b.length; i += 2) {
    out += String.fromCharCode(littleEndian ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1]);
  }
  return out;
}

/**
 * Bytes → text. Accepts Apps Script's signed bytes (Blob.getBytes() gives -128..127) as well as 0..255.
 * A ZIP signature (an .xlsx file) or NUL bytes without a UTF-16 BOM (a binary file) are refused clearly.
 */
export function decodeBytes(input: ArrayLike<number>): Decoded {
  const b = Array.from(input, (x) => x & 0xff);
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    throw new FileError(
      'This is an Excel (.xlsx) or other zipped file, not CSV: import it as XLSX, or save it as CSV first',
    );
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    const t = utf8(b, 3);
    if (t !== null) return { text: t, encoding: 'utf-8' };
  }
  if (b[0] === 0xff && b[1] === 0xfe) return { text: utf16(b, 2, true), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: utf16(b, 2, false), encoding: 'utf-16be' };
  if (b.slice(0, 4096).includes(0)) {
    throw new FileError('The file contains binary data (NUL bytes) and is not a text CSV export');
  }
  const t = utf8(b, 0);
  if (t !== null) return { text: t, encoding: 'utf-8' };
  let out = '';
  for (const c of b) out += String.fromCharCode(c >= 0x80 && c < 0xa0 ? CP1252[c - 0x80] : c);
  return {
    text: out,
    encoding: 'windows-1252',
    note: 'The file is not UTF-8; it was read as Windows-1252 (Excel\u2019s "CSV" on Windows). Check accented names in the preview.',
  };
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Cells in the first logical line per delimiter (quotes respected); the one giving the most cells wins. */
export function detectDelimiter(text: string): Delimiter {
  const first = firstLine(text);
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = splitLine(first, d).length;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return text.slice(0, i);
  }
  return text;
}

function splitLine(line: string, d: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === d && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * RFC 4180 CSV → rows of cells. `rowLines[i]` is the file line on which row i starts (1-based), so
 * messages can point at the line a user sees in a text editor; in a spreadsheet the row is the same
 * unless a quoted cell spans lines. Blank lines are dropped. An unclosed quote is a FileError.
 */
export function parseCsv(
  text: string,
  delimiter: Delimiter = detectDelimiter(text),
): { rows: Table; rowLines: number[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: Table = [];
  const rowLines: number[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  let quoteLine = 0;
  let cellWasQuoted = false;
  const endRow = () => {
    row.push(cell);
    if (!(row.length === 1 && row[0].trim() === '' && !cellWasQuoted)) {
      rows.push(row);
      rowLines.push(rowStart);
    }
    row = [];
    cell = '';
    cellWasQuoted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      cellWasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (c === delimiter) {
      row.push(cell);
      cell = '';
      cellWasQuoted = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowStart = line;
    } else cell += c;
  }
  if (quoted)
    throw new FileError(
      `A quoted cell opened on line ${quoteLine} is never closed: the file is cut short or a quote is stray`,
    );
  if (cell !== '' || row.length > 0) endRow();
  return { rows, rowLines };
}
