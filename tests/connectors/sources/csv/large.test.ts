/**
 * A large export through the pure import (decode, parse, profile, lines, keys): every row lands and keys
 * are unique. 5,000 rows by default (seconds); BILLGRID_CSV_ROWS=50000 for the full file. The time is
 * printed, not asserted (a shared machine's wall clock says little); the bench measures the 50,000-row
 * import through the bundle with the emulator's cost model (docs/PERFORMANCE.md).
 */
import { BULK_PROFILE, bulkCsv } from '../../../../local/sandbox/csv/bulk';
import { importRows, readCsvFile } from '../../../../src/connectors/sources/csv';
import { assignLineKeys } from '../../../../src/core/line-key';

const ROWS = Number(process.env.BILLGRID_CSV_ROWS ?? 5_000);

it(`imports a ${ROWS}-row file with every row landing and unique keys`, () => {
  const bytes = new Uint8Array(Buffer.from(bulkCsv(ROWS), 'utf8'));
  const t0 = Date.now();
  const input = readCsvFile(bytes);
  const t1 = Date.now();
  const r = importRows(input, BULK_PROFILE, { month: '2026-10', start: '2026-10-01', end: '2026-10-31' });
  const t2 = Date.now();
  const keyed = assignLineKeys(r.lines);
  const t3 = Date.now();
  expect(r.failures).toEqual([]);
  expect(r.lines).toHaveLength(ROWS);
  expect(new Set(keyed.lines.map((l) => l.key)).size).toBe(ROWS);
  expect(r.lines[1]).toMatchObject({ unitPrice: 1101.5, quantity: 2, customerId: 'C1', recordId: 'R1' });
  console.log(
    `${ROWS}-row CSV (${(bytes.length / 1e6).toFixed(1)} MB): decode+parse ${t1 - t0} ms, rows→lines ${t2 - t1} ms, keys ${t3 - t2} ms (Node)`,
  );
});
