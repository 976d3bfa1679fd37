/**
 * The Ledger's hash chain (issue #24): each row carries SHA-256(previous row's hash, the row's cells), so a
 * row changed or deleted by hand breaks the chain at that row; the last hash and the row count are kept
 * where editors cannot write them (the anchor), so removing or rewriting the last rows is seen too.
 * Pure: the digest is passed in (Utilities.computeDigest on Apps Script, src/platform/digest.ts).
 */

/** Hex SHA-256 of a UTF-8 text. */
export type Digest = (text: string) => string;

/** The hash the first row chains to. */
export const CHAIN_START = 'billgrid-ledger-v1';

/** Separates cells in the hashed text (a control character no cell BillGrid writes holds). */
const SEP = '\u001f';

export function chainHash(digest: Digest, previous: string, cells: readonly string[]): string {
  return digest(`${previous}${SEP}${cells.join(SEP)}`);
}

/** Where the chain ended when BillGrid last wrote the Ledger. */
export interface ChainAnchor {
  /** Data rows (below the header) BillGrid had written. */
  rows: number;
  /** The last row's hash (CHAIN_START when there are none). */
  hash: string;
}

export interface ChainBreak {
  /** Sheet row number (the header is row 1). */
  row: number;
  message: string;
}

/**
 * Checks rows (each: its cells as written, and the hash stored beside them) against the chain and the
 * anchor. Reports the first break only: past it every row would differ. `firstRow` is the sheet row of
 * rows[0].
 */
export function verifyChain(
  digest: Digest,
  rows: ReadonlyArray<{ cells: readonly string[]; hash: string }>,
  anchor: ChainAnchor,
  firstRow = 2,
): ChainBreak | null {
  let previous = CHAIN_START;
  for (let i = 0; i < rows.length; i++) {
    const expected = chainHash(digest, previous, rows[i].cells);
    if (expected !== rows[i].hash) {
      const row = firstRow + i;
      return {
        row,
        message:
          rows[i].hash === ''
            ? `Ledger row ${row} has no chain hash: it was added or cleared by hand`
            : `Ledger row ${row} was changed by hand, or a row just above it was deleted`,
      };
    }
    previous = rows[i].hash;
  }
  if (rows.length < anchor.rows) {
    const missing = anchor.rows - rows.length;
    return {
      row: firstRow + rows.length,
      message: `The Ledger's last ${missing === 1 ? 'row was' : `${missing} rows were`} deleted by hand (from row ${firstRow + rows.length}; BillGrid wrote ${anchor.rows})`,
    };
  }
  // Rows past the anchor with an intact chain were written by a run that stopped before it moved the
  // anchor: accepted. The anchored row itself must still be the one BillGrid wrote.
  const anchored = anchor.rows === 0 ? CHAIN_START : rows[anchor.rows - 1].hash;
  if (anchored !== anchor.hash) {
    const row = firstRow + anchor.rows - 1;
    return {
      row,
      message: `Ledger row ${row} was changed by hand (its chain no longer ends where BillGrid left it)`,
    };
  }
  return null;
}

/** Hashes for rows appended after `previous`, in order. */
export function extendChain(
  digest: Digest,
  previous: string,
  rows: ReadonlyArray<readonly string[]>,
): string[] {
  const out: string[] = [];
  let h = previous;
  for (const cells of rows) {
    h = chainHash(digest, h, cells);
    out.push(h);
  }
  return out;
}
