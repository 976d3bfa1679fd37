import { recordsCsv } from '../../../../local/sandbox/crayon/server';
import { chargeKind, detectDelimiter, fileRows, parseCsv } from '../../../../src/connectors/sources/crayon';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('Crayon billing-records files', () => {
  it('splits CSV with quotes, doubled quotes, delimiters and line breaks inside cells', () => {
    const text = 'A,B,C\r\n"x, y","say ""hi""","two\nlines"\n1,,3\n';
    expect(parseCsv(text, ',')).toEqual([
      ['A', 'B', 'C'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('round-trips what the sandbox writes, for either delimiter', () => {
    const records = [
      { CompanyName: 'Cedar; Pine, "Law"', Quantity: 3, Amount: -1.5, Note: null },
      { CompanyName: 'Ångström Optics AB', Quantity: 10, Amount: 2, Note: null },
    ];
    for (const d of [',', ';']) {
      const csv = recordsCsv(records, d);
      expect(detectDelimiter(csv)).toBe(d);
      const out = fileRows('records.csv', b64(csv));
      expect(out).toEqual({
        ok: true,
        rows: [
          { CompanyName: 'Cedar; Pine, "Law"', Quantity: '3', Amount: '-1.5', Note: '' },
          { CompanyName: 'Ångström Optics AB', Quantity: '10', Amount: '2', Note: '' },
        ],
      });
    }
  });

  it('reads a JSON file (UTF-8 with a byte-order mark) and refuses a zip, non-base64 data and a headerless CSV', () => {
    const json = `\ufeff${JSON.stringify([{ CompanyName: 'Bäckerei Müller GmbH', Quantity: 2 }])}`;
    expect(fileRows('x.json', b64(json))).toEqual({
      ok: true,
      rows: [{ CompanyName: 'Bäckerei Müller GmbH', Quantity: 2 }],
    });
    const zip = Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]).toString('base64');
    expect(fileRows('x.zip', zip)).toMatchObject({ ok: false, reason: expect.stringMatching(/zip archive/) });
    expect(fileRows('x.json', '@@not base64@@')).toEqual({ ok: false, reason: 'its data is not base64' });
    expect(fileRows('x.csv', b64('just one column\n1'))).toMatchObject({ ok: false });
    expect(fileRows('x.json', b64('[{"a":'))).toMatchObject({
      ok: false,
      reason: 'x.json is not valid JSON',
    });
  });

  it('reads CSV with the shared CSV reader: a cut-off quoted cell is a per-file reason, not a crash', () => {
    expect(fileRows('cut.csv', b64('A,B\n1,"never closed\n'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^cut\.csv: A quoted cell opened on line 2 is never closed/),
    });
    // Blank lines between rows are not records.
    expect(fileRows('gaps.csv', b64('A,B\n\n1,2\n\n'))).toEqual({ ok: true, rows: [{ A: '1', B: '2' }] });
  });

  it('uses an injected CSV parser (Utilities.parseCsv on Google)', () => {
    const calls: string[] = [];
    const out = fileRows('r.csv', b64('A;B\n1;2'), (text, d) => {
      calls.push(d);
      return parseCsv(text, d);
    });
    expect(calls).toEqual([';']);
    expect(out).toEqual({ ok: true, rows: [{ A: '1', B: '2' }] });
  });
});

describe("Crayon charge types (Microsoft's, as Crayon passes them on)", () => {
  it.each([
    ['Cycle fee', 'recurring'],
    ['cycleCharge', 'recurring'],
    ['renew', 'recurring'],
    ['Prorate fees for add quantity', 'pro-rata'],
    ['Prorate credit for remove quantity', 'pro-rata'],
    ['addQuantity', 'pro-rata'],
    ['cancelImmediate', 'pro-rata'],
    ['new', 'pro-rata'],
    ['One time', 'one-off'],
    ['Mystery fee', undefined],
    ['', undefined],
  ])('%s → %s', (text, kind) => {
    expect(chargeKind(text)).toBe(kind);
  });
});

describe('CSV edge cases', () => {
  it.each([
    [
      'a,b\n1,',
      [
        ['a', 'b'],
        ['1', ''],
      ],
    ],
    [
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a;"b"\n\n"1";2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
  ])('%j', (text, rows) => {
    expect(parseCsv(text, text.includes(';') ? ';' : ',')).toEqual(rows);
  });

  it('refuses a quote that is never closed (a file cut short) instead of reading on to the end', () => {
    expect(() => parseCsv('"unterminated,x', ',')).toThrow(/never closed/);
  });
});
