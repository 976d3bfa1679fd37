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

/** Code units → string in blocks (a string built one character at a time is slow in Apps Script). */
class Chunks {
  private parts: string[] = [];
  private units: number[] = [];
  push(u: number): void {
    this.units.push(u);
    if (this.units.length >= 8192) this.flush();
  }
  private flush(): void {
    this.parts.push(String.fromCharCode.apply(null, this.units));
    this.units = [];
  }
  toString(): string {
    this.flush();
    return this.parts.join('');
  }
}

/** Strict UTF-8; null at the first invalid sequence. Bytes may be signed (Apps Script) or 0..255. */
function utf8(b: ArrayLike<number>, start: number): string | null {
  const out = new Chunks();
  const len = b.length;
  for (let i = start; i < len;) {
    const c = b[i] & 0xff;
    if (c < 0x80) {
      out.push(c);
      i++;
      continue;
    }
    let cp: number;
    let n: number;
    if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      n = 1;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      n = 2;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      n = 3;
    } else return null;
    if (i + n >= len) return null;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k] & 0xff;
      if ((d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (
      (n === 2 && cp < 0x800) ||
      (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff)
    )
      return null;
    if (cp >= 0x10000) {
      out.push(0xd800 + ((cp - 0x10000) >> 10));
      out.push(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else out.push(cp);
    i += n + 1;
  }
  return out.toString();
}

function utf16(b: ArrayLike<number>, start: number, littleEndian: boolean): string {
  const out = new Chunks();
  for (let i = start; i + 1 < b.length; i += 2) {
    const lo = b[i] & 0xff;
    const hi = b[i + 1] & 0xff;
    out.push(littleEndian ? lo | (hi << 8) : (lo << 8) | hi);
  }
  return out.toString();
}

/**
 * Bytes → text. Accepts Apps Script's signed bytes (Blob.getBytes() gives -128..127) as well as 0..255.
 * A ZIP signature (an .xlsx file) or NUL bytes without a UTF-16 BOM (a binary file) are refused clearly.
 */
export function decodeBytes(input: ArrayLike<number>): Decoded {
  const b = input;
  const at = (i: number) => (i < b.length ? b[i] & 0xff : -1);
  if (at(0) === 0x50 && at(1) === 0x4b && at(2) === 0x03 && at(3) === 0x04) {
    throw new FileError(
      'This is an Excel (.xlsx) or other zipped file, not CSV: save it as "CSV UTF-8" in Excel first',
    );
  }
  if (at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) {
    const t = utf8(b, 3);
    if (t !== null) return { text: t, encoding: 'utf-8' };
  }
  if (at(0) === 0xff && at(1) === 0xfe) return { text: utf16(b, 2, true), encoding: 'utf-16le' };
  if (at(0) === 0xfe && at(1) === 0xff) return { text: utf16(b, 2, false), encoding: 'utf-16be' };
  if (Array.prototype.slice.call(b, 0, 4096).includes(0)) {
    throw new FileError('The file contains binary data (NUL bytes) and is not a text CSV export');
  }
  const t = utf8(b, 0);
  if (t !== null) return { text: t, encoding: 'utf-8' };
  const out = new Chunks();
  for (let i = 0; i < b.length; i++) {
    const c = b[i] & 0xff;
    out.push(c >= 0x80 && c < 0xa0 ? CP1252[c - 0x80] : c);
  }
  return {
    text: out.toString(),
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
  const n = src.length;
  const rows: Table = [];
  const rowLines: number[] = [];
  let row: string[] = [];
  let line = 1;
  let rowStart = 1;
  let anyQuoted = false;
  const endRow = () => {
    if (!(row.length === 1 && row[0].trim() === '' && !anyQuoted)) {
      rows.push(row);
      rowLines.push(rowStart);
    }
    row = [];
    anyQuoted = false;
  };
  let i = 0;
  // Cells are cut out with slice (one string per cell, not one per character).
  while (i <= n) {
    // Start of a cell: a quote after optional spaces opens a quoted cell.
    let j = i;
    while (j < n && src[j] === ' ') j++;
    if (j < n && src[j] === '"') {
      const opened = line;
      anyQuoted = true;
      const parts: string[] = [];
      let k = j + 1;
      for (;;) {
        const q = src.indexOf('"', k);
        if (q < 0)
          throw new FileError(
            `A quoted cell opened on line ${opened} is never closed: the file is cut short or a quote is stray`,
          );
        const piece = src.slice(k, q);
        for (let c = 0; c < piece.length; c++) {
          const ch = piece.charCodeAt(c);
          if (ch === 10 || (ch === 13 && piece.charCodeAt(c + 1) !== 10)) line++;
        }
        parts.push(piece);
        if (src[q + 1] === '"') {
          parts.push('"');
          k = q + 2;
        } else {
          k = q + 1;
          break;
        }
      }
      // Anything after the closing quote up to the delimiter is kept (as spreadsheets do).
      let e = k;
      while (e < n && src[e] !== delimiter && src[e] !== '\n' && src[e] !== '\r') e++;
      row.push(parts.join('') + src.slice(k, e));
      i = e;
    } else {
      let e = i;
      while (e < n && src[e] !== delimiter && src[e] !== '\n' && src[e] !== '\r') e++;
      row.push(src.slice(i, e));
      i = e;
    }
    if (i >= n) {
      if (!(row.length === 1 && row[0] === '' && !anyQuoted)) endRow();
      break;
    }
    if (src[i] === delimiter) {
      i++;
      if (i === n) {
        row.push('');
        endRow();
        break;
      }
      continue;
    }
    // A line end.
    if (src[i] === '\r' && src[i + 1] === '\n') i++;
    i++;
    endRow();
    line++;
    rowStart = line;
    if (i === n) break;
  }
  return { rows, rowLines };
}
