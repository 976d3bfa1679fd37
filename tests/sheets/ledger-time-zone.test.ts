/** Ledger times are shown in the spreadsheet's time zone with the offset, and read back as the same instant (#25). */
import fc from 'fast-check';
import { instantOfZoned, zonedTimestamp } from '../../src/core/periods';
import { appendLedger, readLedger } from '../../src/sheets/ledger';
import type { LedgerEntry } from '../../src/sheets/ledger';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { colOf, tab } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
});
afterEach(() => e.close());

const entry = (time: string, i: number): LedgerEntry => ({
  time,
  runId: 'run-1',
  user: 'finance@example.com',
  lineKeys: [`BG-${String(i).padStart(16, '0')}`],
  entity: 'company:100/contract:7',
  psaId: String(i),
  operation: 'add-charge',
  before: null,
  after: { quantity: i },
  result: 'applied',
  message: `step ${i}`,
  idempotencyKey: `k${i}`,
});

describe('Ledger times in the spreadsheet time zone', () => {
  test('the Time cell is the spreadsheet zone with its offset; readLedger gives the instant back', () => {
    e.ss.setSpreadsheetTimeZone('Pacific/Auckland');
    const times = ['2026-11-04T20:12:03.456Z', '2026-07-01T00:00:00.000Z'];
    appendLedger(
      e.ss,
      times.map((t, i) => entry(t, i)),
    );
    const ledger = tab(e.ss, 'Ledger');
    const col = colOf(ledger, 'Time');
    expect(ledger.getRange(2, col).getDisplayValue()).toBe('2026-11-05 09:12:03.456 +13:00');
    expect(ledger.getRange(3, col).getDisplayValue()).toBe('2026-07-01 12:00:00.000 +12:00');
    expect(readLedger(e.ss).entries.map((x) => x.time)).toEqual(times);
  });

  test('New York in November is -05:00; UTC is +00:00', () => {
    expect(zonedTimestamp('2026-11-04T20:12:03.000Z', 'America/New_York')).toBe(
      '2026-11-04 15:12:03.000 -05:00',
    );
    expect(zonedTimestamp('2026-11-04T20:12:03.000Z', 'UTC')).toBe('2026-11-04 20:12:03.000 +00:00');
    expect(zonedTimestamp('2026-03-08T12:00:00.000Z', 'Asia/Kolkata')).toBe('2026-03-08 17:30:00.000 +05:30');
  });

  test('any instant in any zone round-trips, across daylight-saving changes', () => {
    const zones = [
      'UTC',
      'Pacific/Auckland',
      'America/New_York',
      'Europe/London',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const iso = new Date(ms).toISOString();
          expect(instantOfZoned(zonedTimestamp(iso, zone))).toBe(iso);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
