/**
 * A module source's billing types and their prices as one line a person types in Connect:
 * `Workstations = 12 / 3; Servers = 45 / 8` (name = unit price / unit cost; the cost may be left out and
 * is then 0). Modules such as RMM or documentation tools count units but know no prices, and BillGrid keeps
 * the PSA's price equal to the line's, so the MSP's price per billing type has to be said somewhere.
 */
export interface PriceEntry {
  name: string;
  unitPrice: number;
  unitCost: number;
}

const ENTRY = /^(.+?)\s*=\s*(\d+(?:\.\d{1,4})?)\s*(?:\/\s*(\d+(?:\.\d{1,4})?))?$/;

/** The entries, or the first entry that does not read (its position and text: the field is not secret). */
export function parsePriceList(
  text: string | undefined,
): { ok: true; entries: PriceEntry[] } | { ok: false; message: string } {
  const parts = (text ?? '')
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const entries: PriceEntry[] = [];
  const seen = new Set<string>();
  for (const [i, p] of parts.entries()) {
    const m = ENTRY.exec(p);
    if (!m)
      return {
        ok: false,
        message: `entry ${i + 1} ('${p.slice(0, 60)}') is not 'name = unit price / unit cost', e.g. 'Servers = 45 / 8'`,
      };
    const name = m[1].trim();
    if (seen.has(name.toLowerCase())) return { ok: false, message: `'${name}' is given twice` };
    seen.add(name.toLowerCase());
    entries.push({ name, unitPrice: Number(m[2]), unitCost: m[3] === undefined ? 0 : Number(m[3]) });
  }
  return { ok: true, entries };
}
