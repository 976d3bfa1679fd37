import fc from 'fast-check';
import type { BillingLine } from '../../src/core/billing-line';
import { isFormula } from '../../src/platform/spreadsheet';
import type { CellValue } from '../../src/platform/spreadsheet';
import type { GridColumnId } from '../../src/sheets/columns';
import { GRID_COLUMN_IDS } from '../../src/sheets/columns';
import { REMOVED_STATUS, mergeGrid, parseSnapshot } from '../../src/sheets/merge';
import type { ExistingRow, OutRow, PulledLine } from '../../src/sheets/merge';
import { keyed, raw, rawLinesArb } from './fixtures';

const NO_MAPPING = { psaCompany: '', psaContract: '', psaProduct: '' };
const pulled = (lines: BillingLine[]): PulledLine[] => lines.map((line) => ({ line, mapping: NO_MAPPING }));

/** What the sheet gives back after a write: values, plus formulas where one was written. */
function asExisting(rows: OutRow[]): ExistingRow[] {
  return rows.map((r) => {
    const cells: ExistingRow['cells'] = {};
    const formulas: NonNullable<ExistingRow['formulas']> = {};
    for (const id of GRID_COLUMN_IDS) {
      const v = r[id];
      if (isFormula(v)) {
        formulas[id] = v.formula;
        cells[id] = 42; // whatever the formula computed
      } else if (v !== '' && v !== null && v !== undefined) cells[id] = v as CellValue;
    }
    return { cells, formulas };
  });
}

type Edit = { column: GridColumnId; value: CellValue | { formula: string } };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.constant<Edit>({ column: 'approved', value: true }),
  fc.string({ minLength: 1, maxLength: 8 }).map<Edit>((s) => ({ column: 'note', value: `note ${s}` })),
  fc.integer({ min: 1000, max: 2000 }).map<Edit>((n) => ({ column: 'quantity', value: n })),
  fc.integer({ min: 1000, max: 2000 }).map<Edit>((n) => ({ column: 'unitPrice', value: n / 7 })),
  fc.constant<Edit>({ column: 'unitPrice', value: { formula: '=L2*1.2' } }),
  fc.constant<Edit>({ column: 'psaCompany', value: 'Globex Corporation [200]' }),
  fc.constant<Edit>({ column: 'description', value: 'Edited by finance' }),
  fc.constant<Edit>({ column: 'total', value: 12345 }),
  fc.constant<Edit>({ column: 'note', value: '=HYPERLINK("x")' }),
);

function applyEdits(
  rows: ExistingRow[],
  edits: [number, Edit][],
): Map<string, Map<GridColumnId, Edit['value']>> {
  const byKey = new Map<string, Map<GridColumnId, Edit['value']>>();
  for (const [i, e] of edits) {
    const row = rows[i % rows.length];
    const key = String(row.cells.key);
    if (typeof e.value === 'object' && !(e.value instanceof Date)) {
      row.formulas = { ...row.formulas, [e.column]: e.value.formula };
      row.cells[e.column] = 1;
    } else {
      if (row.formulas) delete row.formulas[e.column];
      row.cells[e.column] = e.value;
    }
    const m = byKey.get(key) ?? new Map();
    m.set(e.column, e.value);
    byKey.set(key, m);
  }
  return byKey;
}

const shuffleArb = <T>(items: T[]): fc.Arbitrary<T[]> =>
  fc.array(fc.integer(), { minLength: items.length, maxLength: items.length }).map((ws) =>
    items
      .map((it, i) => ({ it, w: ws[i] }))
      .sort((a, b) => a.w - b.w)
      .map((x) => x.it),
  );

/** Pull B: some of A's lines (with new amounts) and some new ones. */
const scenarioArb = fc
  .tuple(rawLinesArb(1, 25), rawLinesArb(0, 10), fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }))
  .map(([a, extra, keep]) => {
    const linesA = keyed(a);
    const kept = a.filter((_, i) => keep[i]).map((l) => ({ ...l, quantity: l.quantity + 1 }));
    const added = extra.map((l, i) => ({ ...l, subscriptionId: `new${i}`, recordId: `new${i}` }));
    return { linesA, linesB: keyed([...kept, ...added]) };
  });

describe('mergeGrid (re-pull merge)', () => {
  test('a first pull writes every line, unapproved, with a record of what was pulled', () => {
    const lines = keyed([raw(), raw({ subscriptionId: 'sub-2', quantity: 3 })]);
    const m = mergeGrid([], pulled(lines));
    expect(m.added).toHaveLength(2);
    expect(m.rows.map((r) => r.approved)).toEqual([false, false]);
    const snap = parseSnapshot(m.rows[0].pulled);
    expect(snap?.v.quantity).toBe(m.rows[0].quantity);
  });

  test('no staff edit is ever lost, whatever the re-pull, the row order and the edits', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.tuple(fc.nat(), editArb), { maxLength: 30 }),
        fc.integer(),
        ({ linesA, linesB }, edits, seed) => {
          const existing = asExisting(mergeGrid([], pulled(linesA)).rows);
          const edited = applyEdits(existing, edits);
          // Staff sorted the tab.
          const sorted = fc.sample(shuffleArb(existing), { numRuns: 1, seed })[0];
          const result = mergeGrid(sorted, pulled(linesB));
          const byKey = new Map(result.rows.map((r) => [String(r.key), r]));
          const keysB = new Set(linesB.map((l) => l.key));

          // Every line of A is still there; every line of B is there.
          for (const l of linesA) expect(byKey.has(l.key)).toBe(true);
          for (const l of linesB) expect(byKey.has(l.key)).toBe(true);
          expect(result.rows).toHaveLength(new Set([...linesA, ...linesB].map((l) => l.key)).size);

          for (const [key, cells] of edited) {
            const row = byKey.get(key) as OutRow;
            for (const [column, value] of cells) {
              if (column === 'status' || column === 'pulled') continue;
              expect(row[column]).toEqual(value);
            }
          }
          for (const l of linesA) {
            const row = byKey.get(l.key) as OutRow;
            if (keysB.has(l.key)) expect(String(row.status)).not.toContain(REMOVED_STATUS);
            else expect(String(row.status).startsWith(REMOVED_STATUS)).toBe(true);
          }
          // Unedited override cells follow the source.
          for (const l of linesB) {
            const row = byKey.get(l.key) as OutRow;
            if (!edited.get(l.key)?.has('quantity')) expect(row.quantity).toBe(l.quantity);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('order-independent: shuffling the pull gives the same rows; shuffling the tab only moves them', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), fc.integer(), ({ linesA, linesB }, s1, s2) => {
        const existing = asExisting(mergeGrid([], pulled(linesA)).rows);
        const base = mergeGrid(existing, pulled(linesB));
        const shuffledPull = fc.sample(shuffleArb(linesB), { numRuns: 1, seed: s1 })[0];
        expect(mergeGrid(existing, pulled(shuffledPull)).rows).toEqual(base.rows);

        const shuffledTab = fc.sample(shuffleArb(existing), { numRuns: 1, seed: s2 })[0];
        const other = mergeGrid(shuffledTab, pulled(linesB));
        const byKey = (rows: OutRow[]) => new Map(rows.map((r) => [String(r.key), r] as const));
        expect(byKey(other.rows)).toEqual(byKey(base.rows));
      }),
      { numRuns: 100 },
    );
  });

  test('pulling the same month twice changes nothing the second time', () => {
    fc.assert(
      fc.property(scenarioArb, ({ linesA, linesB }) => {
        const once = mergeGrid(asExisting(mergeGrid([], pulled(linesA)).rows), pulled(linesB));
        const twice = mergeGrid(asExisting(once.rows), pulled(linesB));
        expect(twice.rows).toEqual(once.rows);
        expect(twice.added).toEqual([]);
        expect(twice.removed).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test('a pushed line keeps its status and PSA reference; a removed one is marked and comes back', () => {
    const [a, b] = keyed([raw(), raw({ subscriptionId: 'sub-2' })]);
    const rows = asExisting(mergeGrid([], pulled([a, b])).rows);
    for (const r of rows) {
      r.cells.status = 'Pushed: Added charge';
      r.cells.psaReference = 'CS-77';
    }
    // Appended rows are ordered by key among equals: find each line's row by its key.
    const rowOf = (m: ReturnType<typeof mergeGrid>, key: string) => m.rows.find((r) => r.key === key);
    const second = mergeGrid(rows, pulled([{ ...a, quantity: 12 }]));
    expect(rowOf(second, a.key)).toMatchObject({
      status: 'Pushed: Added charge',
      psaReference: 'CS-77',
      quantity: 12,
    });
    expect(rowOf(second, b.key)).toMatchObject({
      status: `${REMOVED_STATUS} (was: Pushed: Added charge)`,
      psaReference: 'CS-77',
    });
    expect(second.removed).toEqual([b.key]);

    const third = mergeGrid(asExisting(second.rows), pulled([a, b]));
    expect(third.restored).toEqual([b.key]);
    expect(rowOf(third, b.key)).toMatchObject({ status: 'Pushed: Added charge', psaReference: 'CS-77' });
  });

  test('lines of a source whose pull failed are kept as they are, not marked removed', () => {
    const [a, b] = keyed([raw(), raw({ source: 'usage', subscriptionId: 'AC1' })]);
    const rows = asExisting(mergeGrid([], pulled([a, b])).rows);
    const m = mergeGrid(rows, pulled([a]), { keepSources: ['usage'] });
    expect(m.removed).toEqual([]);
    expect(m.rows[1]).toEqual(mergeGrid([], pulled([a, b])).rows[1]);
    expect(mergeGrid(rows, pulled([a])).removed).toEqual([b.key]);
  });

  test('a cleared override cell gets the source value back on the next pull', () => {
    const [a] = keyed([raw()]);
    const rows = asExisting(mergeGrid([], pulled([a])).rows);
    delete rows[0].cells.unitPrice;
    rows[0].cells.quantity = 4;
    const m = mergeGrid(rows, pulled([{ ...a, unitPrice: 30 }]));
    expect(m.rows[0]).toMatchObject({ unitPrice: 30, quantity: 4 });
  });

  test('rows without a key and copied rows are kept exactly as they are', () => {
    const [a] = keyed([raw()]);
    const rows = asExisting(mergeGrid([], pulled([a])).rows);
    const copy: ExistingRow = { cells: { ...rows[0].cells, note: 'copy' } };
    const manual: ExistingRow = {
      cells: { description: 'typed by hand', quantity: 3 },
      formulas: { note: '=A1' },
    };
    const m = mergeGrid([rows[0], copy, manual], pulled([{ ...a, quantity: 99 }]));
    expect(m.rows[0].quantity).toBe(99);
    expect(m.rows[1].quantity).toBe(10);
    expect(m.rows[1].note).toBe('copy');
    expect(m.rows[2]).toMatchObject({
      description: 'typed by hand',
      quantity: 3,
      note: { formula: '=A1' },
      key: '',
    });
  });

  test('without the Pulled values record, any differing value is kept as a staff edit', () => {
    const [a] = keyed([raw()]);
    const rows = asExisting(mergeGrid([], pulled([a])).rows);
    delete rows[0].cells.pulled;
    rows[0].cells.unitPrice = 25;
    const m = mergeGrid(rows, pulled([{ ...a, unitPrice: 23, quantity: 11, description: 'New text' }]));
    // Cannot tell a vendor change from an edit: the sheet's differing values (3 of them) win.
    expect(m.rows[0]).toMatchObject({ unitPrice: 25, quantity: 10 });
    expect(m.keptOverrides).toBe(3);
    // The record is written again, so the next re-pull can tell edits apart.
    expect(parseSnapshot(m.rows[0].pulled)?.v.quantity).toBe(11);
  });
});
