/**
 * Per-row mapping overrides: a PSA company, contract or service/item picked in a grid row (so differing
 * from what the last pull wrote there from the mapping tabs) wins over the mapping tabs for that line only.
 */
import type { PsaCapabilities, TargetResolver } from '../core/targets';
import type { GridRow } from './validate';

export interface RowMappingOverride {
  companyId?: string;
  contractId?: string;
  productId?: string;
}

/** The overrides staff made in the rows' mapping cells, by line key (rows without any are left out). */
export function rowMappingOverrides(rows: readonly GridRow[]): Map<string, RowMappingOverride> {
  const out = new Map<string, RowMappingOverride>();
  for (const r of rows) {
    const o: RowMappingOverride = {};
    if (r.overridden.includes('psaCompany') && r.mapping.companyId) o.companyId = r.mapping.companyId;
    if (r.overridden.includes('psaContract') && r.mapping.contractId) o.contractId = r.mapping.contractId;
    if (r.overridden.includes('psaProduct') && r.mapping.productId) o.productId = r.mapping.productId;
    if (Object.keys(o).length) out.set(r.key, o);
  }
  return out;
}

/**
 * Wrap a resolver (normally core's mappingTargetResolver) so that rows' overrides apply. A line the base
 * resolver blocks stays blocked (e.g. an unmapped or excluded client): a row cannot un-exclude a client.
 */
export function withRowOverrides(
  base: TargetResolver,
  overrides: ReadonlyMap<string, RowMappingOverride>,
): TargetResolver {
  return {
    resolve(line, capabilities: PsaCapabilities) {
      const r = base.resolve(line, capabilities);
      const o = overrides.get(line.key);
      if (!o || !r.ok) return r;
      const companyId = o.companyId ?? r.companyId;
      const productId = o.productId ?? r.productId;
      if (r.ref.kind === 'quantity') {
        return {
          ...r,
          companyId,
          productId,
          ref: { ...r.ref, companyId, productId, contractId: o.contractId ?? r.ref.contractId },
        };
      }
      const container =
        capabilities.chargeContainer === 'contract' ? (o.contractId ?? r.ref.container) : r.ref.container;
      return { ...r, companyId, productId, ref: { ...r.ref, companyId, container } };
    },
  };
}
