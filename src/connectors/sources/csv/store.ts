/**
 * Where imports live between the import and the pull (see SOURCES.md, "Design"):
 *  - the profiles, and which months each has a file for, in document properties (`deps.durable`);
 *  - each file's rows in a hidden, warning-protected tab per profile and month (`deps.rows`), one sheet
 *    row per file row: the file's line number and its cells as one JSON text cell. One cell per row keeps
 *    a 50,000-row file at 50,000 written cells (Sheets' cost is per cell), far below a cell's 50,000
 *    characters and the file's 10 million cells.
 */
import { z } from 'zod';
import type { ImportDeps } from '../../imports';
import { SourceError, type BillingPeriod } from '../../../core/source';
import type { ImportInput } from './import';
import { importProfileSchema, type ImportProfile } from './profile';
import type { ImportStore } from './source';

const profilesSchema = z.array(importProfileSchema).max(200);
const monthsSchema = z.lazy(() => z.record(z.string(), z.array(z.string().regex(/^\d{4}-\d{2}$/)).max(600)));

const ABOUT =
  'BillGrid keeps the file imported for this month here; pulls read it. Import the corrected file instead of editing this tab.';

const storedRow = z.lazy(() => z.array(z.union([z.string(), z.number()])).min(1));

export function readProfiles(deps: ImportDeps): ImportProfile[] {
  return deps.durable('profiles').read(profilesSchema) ?? [];
}

export function rememberProfile(deps: ImportDeps, profile: ImportProfile): void {
  const others = readProfiles(deps).filter((p) => p.id !== profile.id);
  deps.durable('profiles').write([...others, profile].sort((a, b) => a.id.localeCompare(b.id)));
}

/** Forget a profile: its stored files (tabs), the months it has files for, and the profile itself. */
export function forgetProfile(deps: ImportDeps, profileId: string): void {
  for (const month of importedMonths(deps, profileId)) deps.rows(tabName(profileId, month)).remove();
  const all = deps.durable('months').read(monthsSchema) ?? {};
  delete all[profileId];
  deps.durable('months').write(all);
  deps.durable('profiles').write(readProfiles(deps).filter((p) => p.id !== profileId));
}

export function importedMonths(deps: ImportDeps, profileId: string): string[] {
  return deps.durable('months').read(monthsSchema)?.[profileId] ?? [];
}

const tabName = (profileId: string, month: string): string => `${profileId} ${month}`;

/** Keep a file's rows for a profile and month, replacing an earlier import of the same month. */
export function keepImport(
  deps: ImportDeps,
  profileId: string,
  month: string,
  input: ImportInput,
  fileName: string,
): void {
  // One column throughout: a second cell in row 1 would widen every row to two cells (twice the writes).
  const meta = JSON.stringify({ about: ABOUT, file: fileName.slice(0, 200), notes: input.notes ?? [] });
  const rows: string[][] = [[meta]];
  input.rows.forEach((cells, i) => {
    const n = input.rowNumbers?.[i] ?? i + 1;
    // Numbers stay numbers (a spreadsheet's 1234.5 reads under any decimal mark); the rest is text.
    const kept = cells.map((c) =>
      c === null || c === undefined ? '' : typeof c === 'number' ? c : String(c),
    );
    rows.push([JSON.stringify([n, ...kept])]);
  });
  deps.rows(tabName(profileId, month)).write(rows);
  const all = deps.durable('months').read(monthsSchema) ?? {};
  const months = new Set(all[profileId] ?? []);
  months.add(month);
  all[profileId] = [...months].sort().reverse();
  deps.durable('months').write(all);
}

/** The rows kept for a profile and month, or null when none were (or the tab was deleted). */
export function readImport(deps: ImportDeps, profileId: string, month: string): ImportInput | null {
  const stored = deps.rows(tabName(profileId, month)).read();
  if (!stored || stored.length === 0) return null;
  const metaParsed = z
    .object({ file: z.string(), notes: z.array(z.string()) })
    .safeParse(safeJson(stored[0]?.[0]));
  const rows: Array<Array<string | number>> = [];
  const rowNumbers: number[] = [];
  for (let i = 1; i < stored.length; i++) {
    const r = storedRow.safeParse(safeJson(stored[i][0]));
    if (!r.success)
      throw new SourceError(
        `Row ${i + 1} of the tab keeping the ${month} import was edited and cannot be read: import the file again`,
      );
    rowNumbers.push(Number(r.data[0]));
    rows.push(r.data.slice(1));
  }
  return { rows, rowNumbers, notes: metaParsed.success ? metaParsed.data.notes : [] };
}

function safeJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The CsvSource's view of one profile's stored files. */
export function storeFor(deps: ImportDeps, profileId: string): ImportStore {
  return {
    forPeriod: (period: BillingPeriod) => readImport(deps, profileId, period.month),
    latest: () => {
      const month = importedMonths(deps, profileId)[0];
      if (!month) return null;
      const input = readImport(deps, profileId, month);
      return input ? { input, period: periodOf(month) } : null;
    },
  };
}

/** A billing month's first and last day (UTC calendar; import rows carry dates, not instants). */
export function periodOf(month: string): BillingPeriod {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { month, start: `${month}-01`, end: `${month}-${String(last).padStart(2, '0')}` };
}
