/**
 * Forty kinds of broken or awkward CSV exports (corpus.ts). Each either imports exactly the right lines, or
 * gives a clear message (for the file, or for the row) and no line at all for what it could not read: the
 * lines that come out are compared in full with the lines the file really means, so a wrong line fails.
 */
import { importProfileSchema, importRows, readCsvFile } from '../../../../src/connectors/sources/csv';
import { BASE, CASES, OCT } from './corpus';

describe('a corpus of broken CSV exports', () => {
  it('has at least thirty kinds', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.kind)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.kind, c] as const))('%s', (_kind, c) => {
    const profile = importProfileSchema.parse({ ...BASE, ...c.profile });
    let result: ReturnType<typeof importRows> | undefined;
    let error: Error | undefined;
    try {
      result = importRows(readCsvFile(c.file, profile), profile, OCT);
    } catch (e) {
      error = e as Error;
    }
    if (c.file_error) {
      expect(error?.name).toBe('FileError');
      expect(error?.message).toMatch(c.file_error);
      return;
    }
    expect(error).toBeUndefined();
    const r = result!;
    // Exactly the lines the file means, nothing more: a wrong or extra line fails here.
    expect(
      r.lines.map((l) => ({
        customerId: l.customerId,
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        total: l.total,
        ...(c.lines?.some((w) => w.chargeType) ? { chargeType: l.chargeType } : {}),
      })),
    ).toEqual(c.lines ?? []);
    for (const l of r.lines)
      expect([l.periodStart, l.periodEnd, l.currency]).toEqual(['2026-10-01', '2026-10-31', 'USD']);
    const expectedRows = Object.entries(c.rows ?? {});
    expect(r.failures.map((f) => f.row).sort()).toEqual(expectedRows.map(([n]) => Number(n)).sort());
    for (const [n, pattern] of expectedRows)
      expect(r.failures.find((f) => f.row === Number(n))!.message).toMatch(pattern);
    if (c.note) expect(r.notes.join('\n')).toMatch(c.note);
  });
});
