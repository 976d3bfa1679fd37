/**
 * Parent and child customers (a subaccount under its main account): children follow their parent in a
 * list, one level in, so a person sees the family together and still maps each one on its own.
 */
export interface FamilyMember {
  source: string;
  customerId: string;
  parentId?: string | null;
}

const keyOf = (source: string, id: string): string => `${source}\u0000${id}`;

/**
 * The items in display order with each child right after its parent when the parent is in the same list
 * (children keep their own order); a child whose parent is elsewhere stays where it was. Depth is 0 or 1.
 */
export function inFamilies<T extends FamilyMember>(items: readonly T[]): { item: T; child: boolean }[] {
  const present = new Set(items.map((i) => keyOf(i.source, i.customerId)));
  const nested = (i: T): boolean =>
    !!i.parentId && i.parentId !== i.customerId && present.has(keyOf(i.source, i.parentId));
  const children = new Map<string, T[]>();
  for (const i of items) {
    if (!nested(i)) continue;
    const k = keyOf(i.source, i.parentId as string);
    children.set(k, [...(children.get(k) ?? []), i]);
  }
  const out: { item: T; child: boolean }[] = [];
  for (const i of items) {
    if (nested(i)) continue;
    out.push({ item: i, child: false });
    for (const c of children.get(keyOf(i.source, i.customerId)) ?? []) out.push({ item: c, child: true });
  }
  // A parent that is itself a child (deeper trees) would drop its children above: keep every item once.
  if (out.length < items.length) {
    const seen = new Set(out.map((o) => o.item));
    for (const i of items) if (!seen.has(i)) out.push({ item: i, child: true });
  }
  return out;
}
