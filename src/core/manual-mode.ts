/**
 * Product mode "reconcile by hand" (P21, seed 000/001): while any line that is about to be posted still has
 * an unreconciled product, nothing is posted at all — not even the lines whose products are mapped. A partial
 * post would leave the client's invoice half-built with no sign of what is missing.
 */
import type { ReconcileAction } from './reconcile';

export interface ProductToMap {
  /** Source (integration) id, e.g. the distributor's connector id. */
  source: string;
  sku: string;
  /** What the vendor calls it, for the person mapping it. */
  description: string;
  /** Approved lines held back by this product. */
  lines: number;
}

export interface ManualModeGate {
  productsToMap: ProductToMap[];
  message: string;
}

/**
 * The products that stop a push in manual mode: those of approved lines blocked as 'manual-product'.
 * Null when nothing stops it. Deterministic order (source, then SKU).
 */
export function manualModeGate(
  actions: readonly ReconcileAction[],
  approved: ReadonlySet<string>,
  lineOf: (
    key: string,
  ) => { source: string; sku: string; productName: string; description: string } | undefined,
): ManualModeGate | null {
  const byProduct = new Map<string, ProductToMap>();
  for (const a of actions) {
    if (a.action !== 'blocked' || a.reason !== 'manual-product') continue;
    for (const key of a.lineKeys) {
      if (!approved.has(key)) continue;
      const line = lineOf(key);
      if (!line) continue;
      const id = `${line.source}\u001f${line.sku}`;
      const p = byProduct.get(id) ?? {
        source: line.source,
        sku: line.sku,
        description: line.productName || line.description,
        lines: 0,
      };
      p.lines++;
      byProduct.set(id, p);
    }
  }
  if (byProduct.size === 0) return null;
  const productsToMap = [...byProduct.values()].sort((a, b) =>
    a.source === b.source ? (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) : a.source < b.source ? -1 : 1,
  );
  const shown = productsToMap.slice(0, 5).map((p) => `'${p.sku}'`);
  const more = productsToMap.length > shown.length ? ` and ${productsToMap.length - shown.length} more` : '';
  return {
    productsToMap,
    message:
      `Nothing was pushed: the product mode is "reconcile by hand" and ${productsToMap.length} product(s) of ` +
      `approved lines are not mapped yet (${shown.join(', ')}${more}). Map them in Products, then push again.`,
  };
}
