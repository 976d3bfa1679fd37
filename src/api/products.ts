/**
 * Products (P21): the month's SKUs with their mapping to PSA products. A person maps a SKU to a PSA
 * product from the lookup list (status 'manual') or clears it, leaving it to the product lifecycle mode
 * chosen in Defaults (map by hand, default item, create in the PSA).
 */
import { z } from 'zod';
import type { ProductMappingStatus } from '../core/mapping';
import { isBillingMonth } from '../core/periods';
import { lifecycleInForce, resolveSettings } from '../core/settings';
import type { ProductLifecycleMode } from '../core/settings';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { sourceNames } from '../jobs/connections';
import { loadSettings } from '../jobs/run';
import { listMonths, readGrid } from '../sheets/grid';
import { readLookups } from '../sheets/lookups';
import { readMappings, removeProductMappings, writeMappings } from '../sheets/mappings';
import { parseArg, SidebarError } from './args';

export interface ProductRow {
  source: string;
  sourceName: string;
  sku: string;
  /** The product's name at the source (from the month's lines). */
  name: string;
  /** Lines of the month with this SKU. */
  lines: number;
  productId: string | null;
  productName: string | null;
  status: ProductMappingStatus | null;
  /** What a push does with an unmapped SKU: the lifecycle mode in force for its integration ('off': held). */
  unmapped: ProductLifecycleMode | 'off';
}

export interface ProductsView {
  month: string | null;
  rows: ProductRow[];
  products: { id: string; name: string }[];
  defaultItem: string | null;
}

export const productsMonthArg = z.lazy(() =>
  z
    .string({ error: 'Billing month must be text like 2026-10' })
    .trim()
    .refine(isBillingMonth, { error: 'Billing month must look like 2026-10 (year-month)' })
    .nullable(),
);

const k = (a: string, b: string) => `${a}\u0000${b}`;

function productsView(ss: Spreadsheet, wanted: string | null): ProductsView {
  const months = listMonths(ss);
  const month = wanted && months.includes(wanted) ? wanted : (months[0] ?? null);
  const lookups = readLookups(ss);
  const mappings = readMappings(ss, lookups).mappings;
  const settings = loadSettings();
  const productName = new Map((lookups?.products ?? []).map((p) => [p.id, p.name]));
  const rows = new Map<string, ProductRow>();
  const names = sourceNames();
  const row = (source: string, sku: string, name: string): ProductRow => {
    const existing = rows.get(k(source, sku));
    if (existing) return existing;
    const m = mappings.products.find((p) => p.source === source && p.sku === sku);
    const r: ProductRow = {
      source,
      sourceName: names[source] ?? source,
      sku,
      name,
      lines: 0,
      productId: m?.productId ?? null,
      productName: m
        ? m.productId.startsWith('new:')
          ? 'Created in the PSA on push'
          : (productName.get(m.productId) ?? m.productId)
        : null,
      status: m?.status ?? null,
      unmapped: lifecycleInForce(resolveSettings(settings, source, null)),
    };
    rows.set(k(source, sku), r);
    return r;
  };
  if (month) {
    for (const g of readGrid(ss, month, { lookups }).rows) {
      if (!g.line.sku) continue;
      row(g.line.source, g.line.sku, g.line.productName).lines++;
    }
  } else {
    for (const m of mappings.products) row(m.source, m.sku, m.sku);
  }
  return {
    month,
    rows: [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.sku.localeCompare(b.sku)),
    products: (lookups?.products ?? [])
      .map((p) => ({ id: p.id, name: p.code ? `${p.name} (${p.code})` : p.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    defaultItem: settings.global.codes.itemCode,
  };
}

/** The SKUs of a billing month (the newest pulled when null) with their PSA product. */
export function listProductMappings(month: unknown): ProductsView {
  return productsView(activeSpreadsheet(), parseArg(productsMonthArg, month ?? null, 'Billing month'));
}

export const productAssignment = z.lazy(() =>
  z.object({
    source: z.string({ error: 'Source is missing' }).trim().min(1, { error: 'Source is missing' }).max(40),
    sku: z.string({ error: 'SKU is missing' }).trim().min(1, { error: 'SKU is missing' }).max(300),
    /** The PSA product; null leaves the SKU to the product lifecycle mode. */
    productId: z.string().trim().min(1).max(100).nullable(),
    month: productsMonthArg.optional(),
  }),
);

/** Map one SKU to a PSA product by hand, or clear its mapping. */
export function assignProduct(input: unknown): ProductsView {
  const a = parseArg(productAssignment, input, 'Product mapping');
  return withDocumentLock('mapping a product', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    if (a.productId === null) removeProductMappings(ss, [a]);
    else {
      if (!lookups?.products.some((p) => p.id === a.productId)) {
        throw new SidebarError(
          'That PSA product is not in the list read from the PSA; refresh clients and try again.',
        );
      }
      writeMappings(
        ss,
        { products: [{ source: a.source, sku: a.sku, productId: a.productId, status: 'manual' }] },
        { lookups },
      );
    }
    return productsView(ss, a.month ?? null);
  });
}
