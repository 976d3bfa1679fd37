/**
 * Parent and child customers at a source (seed 002's parent and child organisations): refresh records
 * which customer belongs to which in a hidden tab, so the Clients screen can nest children under their
 * parent after the refresh is over. Only children are listed; a source without a hierarchy writes nothing.
 */
import { sourceCustomerKey, splitSourceCustomerKey } from '../core/mapping';
import type { Spreadsheet } from '../platform/spreadsheet';
import { cellText } from './cells';
import type { ColumnDef } from './columns';
import { readTab, replaceTab } from './lookups';
import { SOURCE_PARENTS_TAB } from './tabs';

export interface SourceParent {
  parentId: string;
  parentName: string;
}

const def = <Id extends string>(id: Id, header: string): ColumnDef<Id> => ({
  id,
  header,
  owner: 'billgrid',
  required: true,
});
const COLUMNS = [
  def('source', 'Source'),
  def('customerId', 'Customer id'),
  def('parentId', 'Parent id'),
  def('parentName', 'Parent name'),
];

export interface RefreshedCustomer {
  source: string;
  id: string;
  name: string;
  parentId?: string;
}

/**
 * The parent of each customer that has one among the customers read. A parent the source did not list
 * (filtered out, or unreadable) is still named by its id, so the child is never shown as top-level by mistake.
 */
export function parentsOf(customers: readonly RefreshedCustomer[]): Map<string, SourceParent> {
  const name = new Map(customers.map((c) => [sourceCustomerKey(c.source, c.id), c.name]));
  const out = new Map<string, SourceParent>();
  for (const c of customers) {
    if (!c.parentId || c.parentId === c.id) continue;
    out.set(sourceCustomerKey(c.source, c.id), {
      parentId: c.parentId,
      parentName: name.get(sourceCustomerKey(c.source, c.parentId)) ?? c.parentId,
    });
  }
  return out;
}

/** Replace the tab with the refresh's children; a spreadsheet with no hierarchy gets no tab (no extra calls). */
export function writeSourceParents(ss: Spreadsheet, parents: ReadonlyMap<string, SourceParent>): void {
  if (parents.size === 0 && !ss.getSheetByName(SOURCE_PARENTS_TAB)) return;
  const rows = [...parents].map(([key, p]) => {
    const [source, customerId] = splitSourceCustomerKey(key);
    return [source, customerId, p.parentId, p.parentName];
  });
  replaceTab(
    ss,
    SOURCE_PARENTS_TAB,
    COLUMNS.map((c) => c.header),
    rows,
  );
}

/** Each child customer's parent, as the last refresh found them (empty when no source has a hierarchy). */
export function readSourceParents(ss: Spreadsheet): Map<string, SourceParent> {
  const t = readTab(ss, SOURCE_PARENTS_TAB, COLUMNS);
  const out = new Map<string, SourceParent>();
  for (const r of t?.rows ?? []) {
    const parentId = cellText(t?.get(r, 'parentId')).trim();
    if (!parentId) continue;
    out.set(
      sourceCustomerKey(cellText(t?.get(r, 'source')).trim(), cellText(t?.get(r, 'customerId')).trim()),
      {
        parentId,
        parentName: cellText(t?.get(r, 'parentName')).trim() || parentId,
      },
    );
  }
  return out;
}
