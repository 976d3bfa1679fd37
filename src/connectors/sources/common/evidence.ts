/**
 * A line's evidence (BillingLine.evidence, the grid's Evidence column): what a count-based source counted, so
 * staff can check a quantity against it. Names are sorted (the same count reads the same on every pull) and
 * the first EVIDENCE_NAMES are listed, then how many more: a cell stays short at any count.
 */
export const EVIDENCE_NAMES = 10;

export function countEvidence(noun: { one: string; many: string }, names: readonly string[]): string {
  if (!names.length) return `No ${noun.many} counted`;
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const shown = sorted.slice(0, EVIDENCE_NAMES).join(', ');
  const more = sorted.length > EVIDENCE_NAMES ? `, and ${sorted.length - EVIDENCE_NAMES} more` : '';
  return `${sorted.length} ${sorted.length === 1 ? noun.one : noun.many}: ${shown}${more}`;
}
