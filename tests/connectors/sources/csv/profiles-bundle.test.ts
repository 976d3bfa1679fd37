/**
 * Import profiles through the BUILT bundle (dist/Code.js) in the emulator, beyond the first import
 * (csv-bundle.test.ts): a month with no file for one profile is said once, as a note, and is no problem of
 * the month's pull; a profile is renamed (its integration and rows keep their id) and deleted (its kept
 * files go, a second delete is refused).
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { DICKER_PROFILE, SHERWEB_PROFILE, sampleBytes } from '../../../../local/sandbox/csv/profiles';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

const SHERWEB = 'sherweb-2026-10.csv';
const DICKER = 'dicker-data-2026-10.csv';
const NEXT = '2026-11';
const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

interface Pulled {
  lines: number;
  problems: string[];
  notes?: string[];
  sources: Array<{ id: string; lines: number; ok: boolean; skipped?: boolean }>;
}

/** The pull's problems but the PSA comparison's (no PSA is connected here: only the sources matter). */
const sourceProblems = (p: Pulled): string[] => p.problems.filter((x) => !x.startsWith('Not compared'));

describe('import profiles through the built bundle', () => {
  let m: BundleMonth;
  beforeAll(async () => {
    expect(DEMO_MONTH).toBe('2026-10');
    m = await bundleMonth([], 'autotask');
    const sherweb = { name: SHERWEB, base64: base64(sampleBytes(SHERWEB)) };
    m.call('importFile', { file: sherweb, month: DEMO_MONTH, profile: SHERWEB_PROFILE });
    const dicker = { name: DICKER, base64: base64(sampleBytes(DICKER)) };
    m.call('importFile', { file: dicker, month: DEMO_MONTH, profile: DICKER_PROFILE });
    // Sherweb's November file: the October one with its dates moved on a month. Dicker Data sent none.
    const november = Buffer.from(sampleBytes(SHERWEB))
      .toString('utf8')
      .replace(/2026-10-31/g, '2026-11-30')
      .replace(/2026-10-/g, '2026-11-')
      .replace(/2026-09-30/g, '2026-10-31')
      .replace(/2026-09-/g, '2026-10-');
    m.call('importFile', {
      file: { name: 'sherweb-2026-11.csv', text: november },
      month: NEXT,
      profile: SHERWEB_PROFILE,
    });
  });
  afterAll(() => m.stop());

  it('a month with no file for a profile says so once, as a note, and is no problem of the pull', () => {
    const pulled = m.call('pullBillingMonth', NEXT) as Pulled;
    expect(sourceProblems(pulled)).toEqual([]);
    expect(pulled.notes).toEqual([
      'Dicker Data: no file imported for 2026-11 (import it on the Import screen to bill it this month)',
    ]);
    expect(pulled.lines).toBe(10);
    expect(pulled.sources).toEqual([
      { id: 'file-import-dicker-data', name: 'Dicker Data', lines: 0, ok: true, skipped: true },
      { id: 'file-import-sherweb', name: 'Sherweb', lines: 10, ok: true },
    ]);
    // A month with files for both: no note.
    const october = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect([sourceProblems(october), october.notes, october.lines]).toEqual([[], undefined, 17]);
    // Pulling that integration alone for a month it has no file for: nothing is pulled, and it says why.
    expect(() => m.call('pullBillingMonth', NEXT, 'file-import-dicker-data')).toThrow(
      /Nothing was pulled: Dicker Data: no file imported for 2026-11/,
    );
    // Its October rows were left as they are.
    const october2 = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect([sourceProblems(october2), october2.lines]).toEqual([[], 17]);
  });

  it('a renamed profile keeps its integration, its rows and its files', () => {
    const renamed = m.call('renameImportProfile', 'file-import-sherweb', '  Sherweb   Cloud ') as {
      integration: string;
      name: string;
      months: string[];
    };
    expect(renamed).toMatchObject({
      integration: 'file-import-sherweb',
      name: 'Sherweb Cloud',
      months: [NEXT, DEMO_MONTH],
    });
    const integrations = m.call('listIntegrations') as Array<{ id: string; name: string }>;
    expect(integrations.find((i) => i.id === 'file-import-sherweb')?.name).toBe('Sherweb Cloud');
    expect(() => m.call('renameImportProfile', 'file-import-sherweb', 'dicker data')).toThrow(
      /Another profile is already called Dicker Data/,
    );
    expect(() => m.call('renameImportProfile', 'file-import-nobody', 'X')).toThrow(
      /There is no import profile file-import-nobody/,
    );
    expect(() => m.call('renameImportProfile', 'file-import-sherweb', '')).toThrow(/Name is empty/);
    const pulled = m.call('pullBillingMonth', DEMO_MONTH) as Pulled;
    expect(sourceProblems(pulled)).toEqual([]);
    expect(pulled.sources.find((s) => s.id === 'file-import-sherweb')).toMatchObject({
      name: 'Sherweb Cloud',
      lines: 10,
    });
  });

  it('a deleted profile is forgotten with its kept files; a second delete is refused', () => {
    const tabs = () => m.host.state.spreadsheets[0].sheets.map((s) => s.name).filter((n) => /import/.test(n));
    expect(tabs()).toEqual(
      expect.arrayContaining(['BillGrid import dicker-data 2026-10', 'BillGrid import sherweb 2026-11']),
    );
    const gone = m.call('deleteImportProfile', 'file-import-dicker-data') as {
      name: string;
      months: string[];
    };
    expect(gone).toMatchObject({ name: 'Dicker Data', months: [DEMO_MONTH] });
    expect(tabs().filter((n) => n.includes('dicker-data'))).toEqual([]);
    expect(tabs().filter((n) => n.includes('sherweb'))).toHaveLength(2);
    const profiles = m.call('listImportProfiles') as Array<{ integration: string }>;
    expect(profiles.map((p) => p.integration)).toEqual(['file-import-sherweb']);
    const integrations = m.call('listIntegrations') as Array<{ id: string }>;
    expect(integrations.some((i) => i.id === 'file-import-dicker-data')).toBe(false);
    expect(() => m.call('deleteImportProfile', 'file-import-dicker-data')).toThrow(
      /There is no import profile file-import-dicker-data/,
    );
    // Its rows stay in the month tab; the next pull marks them removed at source (never deletes them).
    m.call('pullBillingMonth', DEMO_MONTH);
    const [head, ...rows] = m.grid(DEMO_MONTH);
    const col = (name: string) => head.indexOf(name);
    const dicker = rows.filter((r) => r[col('Source')] === 'file-import-dicker-data');
    expect(dicker).toHaveLength(7);
    expect(dicker.every((r) => String(r[col('Status')]).includes('Removed at source'))).toBe(true);
  });
});
