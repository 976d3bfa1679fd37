/**
 * Twilio usage categories form a hierarchy that the API does not describe: a list of usage records
 * returns the leaves (e.g. `calls-outbound`), their roll-ups (`calls`) and the grand total
 * (`totalprice`) side by side, each with its own price. Summing them all would bill twice.
 *
 * Roll-ups are named as the prefix of their parts (`sms` → `sms-outbound` → `sms-outbound-longcode`),
 * so among the categories that carry a price we keep the most specific ones. Where a roll-up costs more
 * than its listed parts, the difference stays billed as "(other)" so nothing is lost; `totalprice` is
 * the final check.
 */
export interface PricedCategory {
  category: string;
  description: string;
  price: number;
}

export interface CategorySelection {
  /** Lines to bill: leaves, plus "other" remainders of roll-ups. */
  billed: Array<PricedCategory & { remainder: boolean }>;
  /** Twilio's own total when it sent one. */
  total: number | null;
  /** Sum of `billed`. */
  billedTotal: number;
}

export const TOTAL_CATEGORY = 'totalprice';
/** Smallest amount worth a line: Twilio prices to 5 decimals, invoices to cents. */
const EPSILON = 0.005;

export function selectBilledCategories(records: readonly PricedCategory[]): CategorySelection {
  const total = records.find((r) => r.category === TOTAL_CATEGORY)?.price ?? null;
  const priced = records.filter((r) => r.category !== TOTAL_CATEGORY && Math.abs(r.price) >= EPSILON / 10);
  const names = new Set(priced.map((r) => r.category));
  // Direct parent: the longest other priced category that is a dash-prefix of this one.
  const parentOf = (c: string): string | undefined => {
    for (let i = c.lastIndexOf('-'); i > 0; i = c.lastIndexOf('-', i - 1)) {
      const p = c.slice(0, i);
      if (names.has(p)) return p;
    }
    return undefined;
  };
  const childSum = new Map<string, number>();
  for (const r of priced) {
    const p = parentOf(r.category);
    if (p) childSum.set(p, (childSum.get(p) ?? 0) + r.price);
  }
  const billed: CategorySelection['billed'] = [];
  for (const r of priced) {
    const parts = childSum.get(r.category);
    if (parts === undefined) billed.push({ ...r, remainder: false });
    else if (r.price - parts >= EPSILON) {
      billed.push({
        category: r.category,
        description: `${r.description} (other)`,
        price: r.price - parts,
        remainder: true,
      });
    }
  }
  billed.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  const billedTotal = billed.reduce((s, b) => s + b.price, 0);
  return { billed, total, billedTotal };
}
