/**
 * Sheets parses every string a script writes as if typed (en_US): 'Oct 2026' becomes a date, '1 1/2' a
 * number. The emulator does the same (local/gas/spreadsheet/values.ts), and BillGrid writes every string
 * Sheets could convert as literal text, so what it reads back is what it wrote: never a Date that would
 * look like a staff edit.
 */
import fc from 'fast-check';
import { literalText, toWritable } from '../../src/platform/spreadsheet';
import { sheetEnv, type SheetEnv } from './emulator';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  e.env.state.clock.frozenAt = Date.parse('2026-11-15T12:00:00Z');
});
afterEach(() => e.close());

const cell = () => e.ss.getSheets()[0].getRange('A1');
const written = (s: unknown) => cell().setValue(s).getValue() as unknown;
const iso = (v: unknown) =>
  v instanceof Date ? e.env.globals.Utilities.formatDate(v, 'America/New_York', 'yyyy-MM-dd HH:mm:ss') : v;

describe('the emulator converts written text the way Sheets (en_US) does', () => {
  it.each([
    ['Oct 2026', '2026-10-01 00:00:00'],
    ['October 2026', '2026-10-01 00:00:00'],
    ['Jan 5', '2026-01-05 00:00:00'],
    ['5 Jan', '2026-01-05 00:00:00'],
    ['5-Jan-2026', '2026-01-05 00:00:00'],
    ['January 5, 2026', '2026-01-05 00:00:00'],
    ['Sept 30 2026', '2026-09-30 00:00:00'],
    ['1/2', '2026-01-02 00:00:00'],
    ['1/2/26', '2026-01-02 00:00:00'],
    ['12/31/2026', '2026-12-31 00:00:00'],
    ['2026/10/01', '2026-10-01 00:00:00'],
    ['2026-10-01 14:30', '2026-10-01 14:30:00'],
    ['10/1/2026 3:15 PM', '2026-10-01 15:15:00'],
    ['10:30', '1899-12-30 10:30:00'],
    ['3 pm', '1899-12-30 15:00:00'],
  ])('%s → a date/time (%s)', (text, at) => {
    expect(iso(written(text))).toBe(at);
  });

  it.each([
    ['00123', 123],
    ['1e5', 100000],
    ['1E-2', 0.01],
    [' 42 ', 42],
    ['1 1/2', 1.5],
    ['$1,234.50', 1234.5],
    ['(5)', -5],
    ['12.5%', 0.125],
    ['TRUE', true],
    ['false', false],
  ])('%s → %p', (text, value) => {
    expect(written(text)).toBe(value);
  });

  it.each(['=1+1', '=SUM(1,2)'])('%s → a formula', (text) => {
    written(text);
    expect(cell().getFormula()).toBe(text);
  });

  it.each(['Plain', 'Acme Corp', 'Oct', 'Mark 5 seats', '2/30/2026x', "'quoted"])('%s stays text', (text) => {
    expect(written(text)).toBe(text.startsWith("'") ? text.slice(1) : text);
  });
});

describe('BillGrid writes every string Sheets could convert as literal text', () => {
  const tricky = [
    'Oct 2026',
    'Jan 5',
    '5 Jan',
    'January 5, 2026',
    '1/2',
    '1/2/26',
    '1e5',
    '1 1/2',
    'TRUE',
    ' true ',
    '=x',
    '+1',
    '-1',
    '@home',
    '#N/A',
    '00123',
    '10:30',
    '3 pm',
    '$5',
    '(5)',
    "'quoted",
    '\tTabbed',
    ' leading space',
    '１２３',
    'Microsoft 365 Business Premium',
    'Plain',
  ];
  it.each(tricky)('%p comes back exactly as written', (text) => {
    expect(written(toWritable(text))).toBe(text);
  });

  it('any text comes back as written (random strings built from the risky pieces)', () => {
    const piece = fc.constantFrom(
      'Oct',
      'Jan',
      'January',
      '5',
      '2026',
      '1',
      '/',
      '-',
      ',',
      ' ',
      ':',
      'pm',
      'e',
      '$',
      '%',
      '(',
      ')',
      '=',
      '+',
      "'",
      'TRUE',
      'x',
      '.',
      '#',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('');
        if (text.trim() === '') return;
        expect(written(toWritable(text))).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves plain words unprefixed (no apostrophe in the cell for ordinary names)', () => {
    expect(literalText('Acme Corp')).toBe('Acme Corp');
    expect(literalText('Oct 2026')).toBe("'Oct 2026");
  });
});
