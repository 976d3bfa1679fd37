/**
 * The Ledger's SHA-256 chain (issue #24, src/core/ledger-chain.ts, src/jobs/ledger-guard.ts) on the
 * emulated spreadsheet: a row changed or deleted by hand is found with its row number, pushes stop until
 * an admin acknowledges, an older Ledger is chained once, and checking reads the tab with one getValues.
 */
import crypto from 'node:crypto';
import {
  acknowledgeLedger,
  checkLedger,
  ledgerChain,
  LedgerTamperedError,
  requireIntactLedger,
} from '../../src/jobs/ledger-guard';
import { sha256Hex } from '../../src/platform/digest';
import { appendLedger, readLedger } from '../../src/sheets/ledger';
import type { LedgerEntry } from '../../src/sheets/ledger';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { tab } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
});
afterEach(() => e.close());

const entry = (i: number): LedgerEntry => ({
  time: `2026-11-01T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
  runId: 'R20261101-090000-ab12',
  user: 'finance@example.com',
  lineKeys: [`BG-${String(i).padStart(16, '0')}`],
  entity: 'company:100/contract:7',
  psaId: i % 2 ? String(1000 + i) : null,
  operation: 'set-quantity',
  before: { quantity: i },
  after: { quantity: i + 1 },
  result: 'applied',
  message: i === 3 ? '=SUM(A1)' : `step ${i}`,
  idempotencyKey: `k${i}`,
});
const write = (from: number, n: number) =>
  appendLedger(
    e.ss,
    Array.from({ length: n }, (_, i) => entry(from + i)),
    ledgerChain(),
  );
const ledger = () => tab(e.ss, 'Ledger');

describe('Utilities.computeDigest (SHA-256) as Apps Script computes it', () => {
  test.each(['abc', '', 'Café — 12,50 € ✓ 日本'])('%j', (text) => {
    expect(sha256Hex(text)).toBe(crypto.createHash('sha256').update(text, 'utf8').digest('hex'));
  });
  test('the published test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('the Ledger chain', () => {
  test('rows BillGrid appended check out; the anchor follows every append', () => {
    write(0, 5);
    write(5, 3);
    expect(checkLedger(e.ss)).toMatchObject({ ok: true, rows: 8, alarm: null });
    expect(e.env.globals.PropertiesService.getDocumentProperties().getProperty('bg.ledger.anchor')).toContain(
      '"rows":8',
    );
    // The Ledger still reads as before (the Chain column is extra).
    expect(readLedger(e.ss).entries).toHaveLength(8);
  });

  test('a cell changed by hand is reported with its row; pushes stop until an admin acknowledges', () => {
    write(0, 6);
    ledger().getRange(5, 10).setValue('failed'); // row 5 = entry 3, its Result
    const c = checkLedger(e.ss);
    expect(c.ok).toBe(false);
    expect(c.alarm?.row).toBe(5);
    expect(c.alarm?.message).toMatch(/Ledger row 5 was changed by hand/);
    expect(() => requireIntactLedger(e.ss)).toThrow(LedgerTamperedError);
    // Putting the cell back does not lift the stop: an admin must look first. The stored break is
    // answered without reading the tab again.
    ledger().getRange(5, 10).setValue('applied');
    expect(() => requireIntactLedger(e.ss)).toThrow(/Ledger row 5 .*acknowledged/);
    expect(e.count(() => checkLedger(e.ss)).calls).toBe(0);
    const ack = acknowledgeLedger(e.ss, 'admin@example.com');
    expect(ack).toMatchObject({ ok: true, alarm: null, rows: 7 });
    const last = readLedger(e.ss).entries[6];
    expect(last).toMatchObject({ operation: 'acknowledge', user: 'admin@example.com' });
    expect(last.message).toMatch(/Acknowledged: Ledger row 5 was changed by hand/);
    expect(() => requireIntactLedger(e.ss)).not.toThrow();
    write(6, 2);
    expect(checkLedger(e.ss)).toMatchObject({ ok: true, rows: 9 });
  });

  test('a row deleted by hand is reported at the row that took its place', () => {
    write(0, 6);
    ledger().deleteRow(4);
    expect(checkLedger(e.ss).alarm).toMatchObject({
      row: 4,
      message: expect.stringMatching(/Ledger row 4 .*a row just above it was deleted/),
    });
  });

  test('the last rows deleted, or the last row rewritten with a fresh hash, are seen through the anchor', () => {
    write(0, 6);
    ledger().deleteRows(6, 2);
    expect(checkLedger(e.ss).alarm?.message).toMatch(/last 2 rows were deleted by hand \(from row 6/);
    acknowledgeLedger(e.ss, 'admin@example.com');
    // Someone rewrites the last row and recomputes its hash: the chain holds, the anchor does not.
    const n = ledger().getLastRow();
    const cells = readRowCells(n);
    cells[9] = 'failed';
    ledger().getRange(n, 10).setValue('failed');
    const prev = String(
      ledger()
        .getRange(n - 1, 13)
        .getValue(),
    );
    ledger()
      .getRange(n, 13)
      .setValue(sha256Hex(`${prev}\u001f${cells.join('\u001f')}`));
    expect(checkLedger(e.ss).alarm?.message).toMatch(new RegExp(`Ledger row ${n} was changed by hand`));
  });

  test('a row added by hand without a hash is reported', () => {
    write(0, 3);
    ledger().appendRow(['2026-11-02', 'R-fake', 'eve@example.com']);
    expect(checkLedger(e.ss).alarm?.message).toMatch(/Ledger row 5 has no chain hash/);
  });

  test('a Ledger from before the chain is chained once, as it stands', () => {
    appendLedger(
      e.ss,
      Array.from({ length: 4 }, (_, i) => entry(i)),
      null,
    );
    ledger().deleteColumns(13, 1); // an older Ledger had no Chain column
    expect(ledger().getLastColumn()).toBe(12);
    expect(checkLedger(e.ss)).toMatchObject({ ok: true, rows: 4, migrated: 4 });
    expect(ledger().getRange(1, 13).getValue()).toBe('Chain');
    expect(checkLedger(e.ss)).toMatchObject({ ok: true, migrated: 0 });
    write(4, 2);
    ledger().getRange(3, 2).setValue('R-other');
    expect(checkLedger(e.ss).alarm?.row).toBe(3);
  });

  // npm test checks the shape at 2,000 rows; BILLGRID_LEDGER_ROWS=20000 gives the figure in docs/SECURITY.md.
  const ROWS = Number(process.env.BILLGRID_LEDGER_ROWS ?? 2_000);
  test(`${ROWS} rows: checking reads the tab once and hashes each row once`, () => {
    for (let i = 0; i < ROWS; i += 1_000) write(i, Math.min(1_000, ROWS - i));
    const digestsBefore = e.env.stats.calls['Utilities.computeDigest'] ?? 0;
    const started = Date.now();
    const cost = e.count(() => checkLedger(e.ss));
    const wallMs = Date.now() - started;
    expect(cost.result).toMatchObject({ ok: true, rows: ROWS });
    expect(cost.byName['SpreadsheetApp.Range.getValues']).toBe(1);
    const digests = (e.env.stats.calls['Utilities.computeDigest'] ?? 0) - digestsBefore;
    expect(digests).toBe(ROWS);
    console.log(
      `Ledger check at ${ROWS} rows: ${cost.calls} Sheets calls (${JSON.stringify(cost.byName)}), ` +
        `${digests} digests, modelled ${cost.modelledMs} ms, ${wallMs} ms of CPU on this machine`,
    );
  });
});

function readRowCells(row: number): string[] {
  return ledger()
    .getRange(row, 1, 1, 12)
    .getValues()[0]
    .map((v) => String(v));
}
