/**
 * Products BillGrid auto-creates get a product mapping. In "auto-create" mode a line whose SKU has no
 * mapping names its product 'new:<SKU>', while the PSA's state names every product by its PSA id: without
 * a mapping, every plan would miss the target in the state and plan its step again (found done when
 * applied). So before reconciling, the SKUs a plan would name this way are looked up with the PSA's own
 * find (the one apply() uses before creating), and each product found is recorded on the Products tab.
 * A push whose execution died between creating a product and the next plan needs nothing more: the next
 * plan finds the product (never creates it twice) and records it then.
 */
import type { BillingLine } from '../core/billing-line';
import type { ProductMapping } from '../core/mapping';
import { createsProducts } from '../core/psa';
import type { PsaProduct, PsaTarget } from '../core/psa';
import { AUTO_CREATE_PRODUCT_PREFIX, isAutoCreateProduct } from '../core/targets';

interface Need {
  source: string;
  sku: string;
  name: string;
}

/** The (source, SKU) pairs of lines a resolver sent to a 'new:' product, in the order first seen. */
export class AutoCreateNeeds {
  private readonly needs = new Map<string, Need>();

  add(line: Pick<BillingLine, 'source' | 'sku' | 'productName'>, productId: string): void {
    if (!isAutoCreateProduct(productId)) return;
    const sku = productId.slice(AUTO_CREATE_PRODUCT_PREFIX.length) || line.sku;
    const k = `${line.source}\u0000${sku}`;
    if (!this.needs.has(k)) this.needs.set(k, { source: line.source, sku, name: line.productName || sku });
  }

  get size(): number {
    return this.needs.size;
  }

  /**
   * What the PSA already has for these SKUs, as product mappings (status auto, like a same-code match at
   * pull) and the products themselves. Nothing for a PSA that cannot create products.
   */
  found(target: PsaTarget): { mappings: ProductMapping[]; products: PsaProduct[] } {
    if (!this.needs.size || !createsProducts(target)) return { mappings: [], products: [] };
    const bySku = new Map<string, { sku: string; name: string }>();
    for (const n of this.needs.values())
      if (!bySku.has(n.sku)) bySku.set(n.sku, { sku: n.sku, name: n.name });
    const found = target.findProducts([...bySku.values()]);
    const mappings: ProductMapping[] = [];
    const products = new Map<string, PsaProduct>();
    for (const n of this.needs.values()) {
      const p = found.get(n.sku);
      if (!p) continue;
      mappings.push({ source: n.source, sku: n.sku, productId: p.id, status: 'auto' });
      products.set(p.id, p);
    }
    return { mappings, products: [...products.values()] };
  }
}
