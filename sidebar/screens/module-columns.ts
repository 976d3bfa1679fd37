/**
 * The Clients screen's accounts view (seed 002's Organization Mapping page): one row per PSA account, and up to
 * three integration columns of the person's choice (which integrations' customers, e.g. a module's
 * organisations, bill that account), each cell naming the customers mapped to it or "Not mapped". Pure, so it is
 * tested without a browser.
 */

/** Seed 002: "You have a limitation of three columns. You cannot choose more." */
export const MAX_MODULE_COLUMNS = 3;

export interface AccountMember {
  source: string;
  customerName: string;
  companyId: string | null;
  companyName: string | null;
  companyActive: boolean | null;
  /** The PSA's account code, where it keeps one. */
  companyCode?: string | null;
  status: string;
}

export interface AccountRow {
  companyId: string;
  companyName: string;
  /** Null when the account is not in the list last read from the PSA. */
  active: boolean | null;
  /** The PSA's account code, where it keeps one (searchable). */
  code?: string;
  /** One cell per chosen column: the names of that integration's customers mapped to the account (sorted). */
  cells: string[][];
}

/** The first three integrations (in the order given) that have clients. */
export function defaultModuleColumns(sources: readonly string[]): string[] {
  return [...new Set(sources)].slice(0, MAX_MODULE_COLUMNS);
}

/**
 * The chosen columns after a person ticks or unticks one. A fourth is refused (the list is returned as it was),
 * and a column no longer among the integrations is dropped.
 */
export function toggleModuleColumn(
  chosen: readonly string[],
  source: string,
  available: readonly string[],
): string[] {
  const kept = chosen.filter((c) => available.includes(c));
  if (kept.includes(source)) return kept.filter((c) => c !== source);
  if (kept.length >= MAX_MODULE_COLUMNS || !available.includes(source)) return kept;
  // Columns keep the integrations' order, whatever order they were ticked in.
  return available.filter((a) => a === source || kept.includes(a));
}

/**
 * Every PSA account some given customer is mapped to (excluded customers bill nothing: not counted), by name,
 * with the chosen integrations' customers in its cells. Accounts are those of the given rows, so the Clients
 * filters (integration, account status) narrow the table as they narrow the list.
 */
export function accountRows(rows: readonly AccountMember[], columns: readonly string[]): AccountRow[] {
  const accounts = new Map<string, AccountRow>();
  for (const r of rows) {
    if (r.status === 'excluded' || r.companyId === null) continue;
    let a = accounts.get(r.companyId);
    if (!a) {
      a = {
        companyId: r.companyId,
        companyName: r.companyName ?? r.companyId,
        active: r.companyActive,
        ...(r.companyCode ? { code: r.companyCode } : {}),
        cells: columns.map(() => []),
      };
      accounts.set(r.companyId, a);
    }
    const col = columns.indexOf(r.source);
    if (col >= 0) a.cells[col].push(r.customerName);
  }
  const out = [...accounts.values()];
  for (const a of out) for (const c of a.cells) c.sort((x, y) => x.localeCompare(y));
  return out.sort(
    (x, y) => x.companyName.localeCompare(y.companyName) || x.companyId.localeCompare(y.companyId),
  );
}
