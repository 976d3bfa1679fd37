/**
 * The broken-CSV corpus (corpus.ts) through the BUILT bundle's boundary: every kind gives the sidebar the
 * same clear message as the pure import (a file the import refuses is never kept), and a file that mixes
 * two good rows with a dozen kinds of broken row pushes exactly the two good lines: each broken row is a
 * problem naming its row, none reaches the plan, and a second push sends nothing.
 */
import { bundleMonth, type BundleMonth } from '../support/bundle-month';
import { BASE, CASES, HEADER, ROW_A, ROW_B, csv } from './corpus';

const MONTH = '2026-10';
const base64 = (file: string | Uint8Array): string => Buffer.from(file).toString('base64');

interface Preview {
  fileError?: string;
  failures: Array<{ row: number; message: string }>;
  counts: { rows: number; ok: number; failed: number };
}

describe('the broken-CSV corpus through the built bundle', () => {
  let m: BundleMonth;
  beforeAll(async () => {
    m = await bundleMonth([], 'autotask');
  });
  afterAll(() => m.stop());

  it('every kind gives the same message through the sidebar; a refused file is never kept', () => {
    for (const c of CASES) {
      const profile = { ...BASE, ...c.profile, id: 'corpus' };
      const request = { file: { name: `${c.kind}.csv`, base64: base64(c.file) }, month: MONTH, profile };
      const p = m.call('previewFileImport', request) as Preview;
      if (c.file_error) {
        expect([c.kind, p.fileError]).toEqual([c.kind, expect.stringMatching(c.file_error)]);
        const r = m.host.run('importFile', [request], { kind: 'sidebar', user: 'owner@example.com' });
        expect([c.kind, r.ok, r.error?.message]).toEqual([
          c.kind,
          false,
          expect.stringMatching(c.file_error),
        ]);
        continue;
      }
      expect([c.kind, p.fileError, p.counts.ok]).toEqual([c.kind, undefined, (c.lines ?? []).length]);
      const rows = Object.entries(c.rows ?? {});
      expect([c.kind, p.failures.map((f) => f.row).sort()]).toEqual([
        c.kind,
        rows.map(([n]) => Number(n)).sort(),
      ]);
      for (const [n, pattern] of rows)
        expect([c.kind, p.failures.find((f) => f.row === Number(n))?.message]).toEqual([
          c.kind,
          expect.stringMatching(pattern),
        ]);
    }
    // Only previews and refused imports ran: no profile was remembered, no integration appeared.
    expect(m.call('listImportProfiles')).toEqual([]);
  });

  it('a file mixing two good rows with a dozen broken ones pushes exactly the good lines', async () => {
    const a = ROW_A.map((c, i) => (i === 0 ? 'Acme Dental Group' : c));
    const b = ROW_B.map((c, i) => (i === 0 ? 'Blue Harbor Logistics' : c));
    const patch = (p: Record<number, string>) => a.map((c, i) => p[i] ?? c);
    const broken = [
      patch({ 4: '6,5' }), // decimal comma under a '.' profile
      patch({ 6: '2026-13-01' }), // a date that does not exist
      patch({ 6: '10/01/2026' }), // a date not in the profile's form
      patch({ 3: '=1+1' }), // a formula in a number cell
      patch({ 3: 'ten' }), // text in a number cell
      patch({ 1: '' }), // no SKU
      patch({ 1: '1.23E+11' }), // a SKU shortened to scientific notation
      patch({ 5: 'XYZ' }), // a currency BillGrid does not bill in
      patch({ 8: 'Mystery' }), // an unknown charge type
      patch({ 3: '-2' }), // negative seats on a recurring line
      patch({ 6: '2026-09-01', 7: '2026-09-30' }), // another month
      a.slice(0, 7), // a ragged row
      b, // an exact repeat of a row
    ];
    const file = { name: 'mixed-2026-10.csv', base64: base64(csv([HEADER, a, b, ...broken])) };
    const profile = { ...BASE, id: 'mixed', name: 'Mixed Vendor' };
    const saved = m.call('importFile', { file, month: MONTH, profile }) as { counts: Preview['counts'] };
    expect(saved.counts).toEqual({ rows: 15, ok: 2, failed: 13 });

    m.connect();
    const pulled = m.call('pullBillingMonth', MONTH) as { lines: number; problems: string[] };
    expect(pulled.lines).toBe(2);
    // Each broken row is named (file rows 4 to 16), once.
    for (let row = 4; row <= 16; row++)
      expect(pulled.problems.filter((p) => p.includes(`Row ${row}`))).toHaveLength(1);
    m.call('approveRows', MONTH, { approve: true });
    const plan = m.call('dryRunPush', MONTH, {}) as {
      steps: Array<{ client: string; after: string }>;
    };
    expect(plan.steps.map((s) => [s.client, s.after.split(' (')[0]]).sort()).toEqual([
      ['Acme Dental Group', '10 × 6'],
      ['Blue Harbor Logistics', '5 × 22'],
    ]);
    const pushed = m.call('pushBillingMonth', MONTH) as { applied: number; failed: number };
    expect([pushed.applied, pushed.failed]).toEqual([2, 0]);
    await m.sb.admin('autotask').clearRequests();
    const again = m.call('pushBillingMonth', MONTH) as { applied: number; failed: number };
    expect([again.applied, again.failed]).toEqual([0, 0]);
    expect(await m.psaMutations()).toEqual([]);
  });
});
