import { readGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, manyLines } from './fixtures';
import { sheetEnv } from './emulator';

/** Calls that move cell data (what costs a round trip per call on Google). */
const DATA_CALLS = ['Range.getValues', 'Range.setValues', 'Range.getFormulas', 'Range.setNumberFormats'];
const dataCalls = (byName: Record<string, number>) =>
  Object.entries(byName)
    .filter(([k]) => DATA_CALLS.some((d) => k.endsWith(d)))
    .reduce((a, [, v]) => a + v, 0);

function measure(n: number) {
  const e = sheetEnv();
  try {
    writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
    writeMappings(e.ss, MAPPINGS);
    const lines = manyLines(n);
    const first = e.count(() => writeMonth(e.ss, '2026-10', lines));
    // A re-pull: every tenth line gone, quantities changed, n/10 new lines.
    const again = manyLines(n + n / 10, 7)
      .slice(n)
      .concat(lines.filter((_, i) => i % 10 !== 0).map((l) => ({ ...l, quantity: l.quantity + 1 })));
    const second = e.count(() => writeMonth(e.ss, '2026-10', again));
    const read = e.count(() => readGrid(e.ss, '2026-10'));
    expect(second.result).toMatchObject({ removed: { length: n / 10 }, added: { length: n / 10 } });
    expect(read.result.invalid).toEqual([]);
    expect(read.result.rows.length + read.result.removed.length).toBe(n + n / 10);
    return { n, first, second, read };
  } finally {
    e.close();
  }
}

test('Sheets calls for writing a month do not depend on its size (2,000 vs 20,000 lines)', () => {
  const small = measure(2_000);
  const large = measure(20_000);
  for (const m of [small, large]) {
    const f = (x: { calls: number; byName: Record<string, number>; modelledMs: number }) =>
      `${x.calls} calls (${dataCalls(x.byName)} moving data), modelled ${x.modelledMs} ms`;
    console.log(`${m.n} lines — first write: ${f(m.first)}; re-pull: ${f(m.second)}; read: ${f(m.read)}`);
  }
  expect(large.first.byName).toEqual(small.first.byName);
  expect(large.second.byName).toEqual(small.second.byName);
  expect(large.read.byName).toEqual(small.read.byName);
  // Each bound includes the few calls that find the month's tab by its developer-metadata mark (one finder,
  // its item's location) and keep the mark on it: the same at any size.
  expect(large.first.calls).toBeLessThanOrEqual(116);
  expect(large.second.calls).toBeLessThanOrEqual(138);
  expect(large.read.calls).toBeLessThanOrEqual(21);
  // First write: the header and the new lines as three blocks (the reconciliation/status/note columns are
  // left blank). Re-pull: one write per run of changed columns (Quantity, Status of removed lines, the
  // Pulled values record) plus the same three blocks for the new lines.
  expect(large.first.byName['SpreadsheetApp.Range.setValues']).toBe(4);
  expect(large.second.byName['SpreadsheetApp.Range.setValues']).toBe(6);
  expect(dataCalls(large.second.byName)).toBeLessThanOrEqual(15);
});
