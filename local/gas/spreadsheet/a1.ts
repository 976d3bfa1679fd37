/** A1 notation: 'B3', 'A1:C10', 'A:C', '2:5', 'A2:C' (open-ended), "'My Tab'!A1:B2". */

export interface A1Ref {
  sheetName: string | null;
  /** 1-based; null = from the first / to the last row or column of the sheet. */
  row: number | null;
  column: number | null;
  endRow: number | null;
  endColumn: number | null;
}

export function columnToLetters(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function lettersToColumn(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Splits "'Tab'!A1:B2" into sheet name and the range part. */
export function splitSheet(a1: string): { sheetName: string | null; ref: string } {
  const s = a1.trim();
  const bang = s.lastIndexOf('!');
  if (bang < 0) return { sheetName: null, ref: s };
  let name = s.slice(0, bang);
  if (name.startsWith("'") && name.endsWith("'")) name = name.slice(1, -1).replace(/''/g, "'");
  return { sheetName: name, ref: s.slice(bang + 1) };
}

const CELL = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/;

export function parseA1(a1: string): A1Ref | null {
  const { sheetName, ref } = splitSheet(a1);
  if (!ref) return null;
  const [a, b, extra] = ref.split(':');
  if (extra !== undefined) return null;
  const p = CELL.exec(a);
  if (!p || (!p[1] && !p[2])) return null;
  const row = p[2] ? Number(p[2]) : null;
  const column = p[1] ? lettersToColumn(p[1]) : null;
  if (b === undefined) {
    if (row === null || column === null) return null;
    return { sheetName, row, column, endRow: row, endColumn: column };
  }
  const q = CELL.exec(b);
  if (!q || (!q[1] && !q[2])) return null;
  const endRow = q[2] ? Number(q[2]) : null;
  const endColumn = q[1] ? lettersToColumn(q[1]) : null;
  if (row === 0 || endRow === 0) return null;
  return { sheetName, row, column, endRow, endColumn };
}

export function a1Notation(row: number, column: number, numRows: number, numColumns: number): string {
  const start = `${columnToLetters(column)}${row}`;
  if (numRows === 1 && numColumns === 1) return start;
  return `${start}:${columnToLetters(column + numColumns - 1)}${row + numRows - 1}`;
}

export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}
