/**
 * Column layouts, found by header name (never by position): staff may reorder, insert, hide, sort and
 * filter; a tab is valid input as long as its required headers are there once.
 */

/**
 * Who owns a grid column, i.e. what a re-pull does to it:
 *  - source:   refreshed from the source on every pull (identity, dates, currency, names);
 *  - override: filled by the pull, but a staff edit (or formula) survives re-pulls: quantity, unit cost,
 *              unit price, total, description and the three PSA mapping cells;
 *  - staff:    never written by a pull (Approved, Note);
 *  - billgrid: written by reconciliation and pushes (PSA quantity now, Difference, Action, Status,
 *              PSA reference) and the hidden "Pulled values" record of what the last pull wrote.
 */
export type ColumnOwner = 'source' | 'override' | 'staff' | 'billgrid';

export interface ColumnDef<Id extends string = string> {
  id: Id;
  header: string;
  owner: ColumnOwner;
  /** A read fails with a clear message when a required header is missing. */
  required: boolean;
  hidden?: boolean;
}

const col = <Id extends string>(
  id: Id,
  header: string,
  owner: ColumnOwner,
  required: boolean,
  hidden = false,
): ColumnDef<Id> => ({ id, header, owner, required, hidden });

/** The grid in its default order; hidden helper columns last. */
export const GRID_COLUMNS = [
  col('key', 'Line key', 'source', true),
  col('source', 'Source', 'source', true),
  col('customerName', 'Customer', 'source', false),
  col('subscriptionId', 'Subscription', 'source', true),
  col('sku', 'Product/SKU', 'source', true),
  col('description', 'Description', 'override', false),
  col('periodStart', 'Period start', 'source', true),
  col('periodEnd', 'Period end', 'source', true),
  /** The billing month the line is billed in (arrears mode: month consumed or the next), set by each pull. */
  col('billingPeriod', 'Billing period', 'source', false),
  col('cycle', 'Cycle', 'source', true),
  col('chargeType', 'Charge type', 'source', true),
  col('quantity', 'Quantity', 'override', true),
  col('unitCost', 'Unit cost', 'override', true),
  col('unitPrice', 'Unit price', 'override', true),
  col('total', 'Total', 'override', true),
  col('currency', 'Currency', 'source', true),
  col('psaCompany', 'PSA company', 'override', false),
  col('psaContract', 'PSA contract', 'override', false),
  col('psaProduct', 'PSA service/item', 'override', false),
  col('psaQuantityNow', 'PSA quantity now', 'billgrid', false),
  col('difference', 'Difference', 'billgrid', false),
  col('action', 'Action', 'billgrid', false),
  col('approved', 'Approved', 'staff', true),
  col('status', 'Status', 'billgrid', true),
  col('psaReference', 'PSA reference', 'billgrid', false),
  col('note', 'Note', 'staff', false),
  /** What the source counted (a device list, configurations), so staff can check a quantity. */
  col('evidence', 'Evidence', 'source', false),
  col('customerId', 'Customer id', 'source', true, true),
  col('productName', 'Product name', 'source', false, true),
  col('effectiveDate', 'Effective date', 'source', true, true),
  col('orderId', 'Order id', 'source', false, true),
  col('recordId', 'Record id', 'source', true, true),
  col('tags', 'Tags', 'source', false, true),
  col('pulled', 'Pulled values', 'billgrid', false, true),
] as const;

export type GridColumnId = (typeof GRID_COLUMNS)[number]['id'];

export const GRID_COLUMN_IDS: readonly GridColumnId[] = GRID_COLUMNS.map((c) => c.id);

export const OVERRIDE_COLUMNS: readonly GridColumnId[] = GRID_COLUMNS.filter(
  (c) => c.owner === 'override',
).map((c) => c.id);

export const gridHeader = (id: GridColumnId): string =>
  (GRID_COLUMNS.find((c) => c.id === id) as ColumnDef).header;

/** Header text compared loosely: case, outer spaces and repeated spaces do not matter. */
export const normaliseHeader = (h: string): string => h.trim().replace(/\s+/g, ' ').toLowerCase();

/** A problem with a tab's layout; the message names the tab and the column. */
export class SheetLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetLayoutError';
  }
}

const letter = (index: number): string => {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

/**
 * Where each known column is (0-based), from the header row. Unknown headers are ignored (staff columns).
 * Throws SheetLayoutError for a duplicated known header, or for a missing one when `requireAll`
 * (or a missing required one otherwise, unless `allowMissing`: the writer restores missing columns).
 */
export function locateColumns<Id extends string>(
  tab: string,
  header: readonly string[],
  defs: readonly ColumnDef<Id>[],
  options: { requireAll?: boolean; allowMissing?: boolean } = {},
): { index: Map<Id, number>; missing: ColumnDef<Id>[] } {
  const byName = new Map(defs.map((d) => [normaliseHeader(d.header), d]));
  const index = new Map<Id, number>();
  header.forEach((h, i) => {
    const d = byName.get(normaliseHeader(String(h)));
    if (!d) return;
    const prev = index.get(d.id);
    if (prev !== undefined) {
      throw new SheetLayoutError(
        `Tab '${tab}' has two '${d.header}' columns (${letter(prev)} and ${letter(i)}); rename or delete one`,
      );
    }
    index.set(d.id, i);
  });
  const missing = defs.filter((d) => !index.has(d.id));
  const fatal = options.allowMissing ? [] : missing.filter((d) => options.requireAll || d.required);
  if (fatal.length) {
    const names = fatal.map((d) => `'${d.header}'`).join(', ');
    throw new SheetLayoutError(
      `Tab '${tab}' has no ${names} column${fatal.length > 1 ? 's' : ''}; restore the header${
        fatal.length > 1 ? 's' : ''
      } in row 1`,
    );
  }
  return { index, missing };
}
