/**
 * Re-pull merge (P40): a month pulled again is merged into its tab by line key, never rebuilt.
 *
 * - Existing rows stay where staff put them (sorting survives); new lines are appended in a fixed order
 *   (customer, product, period, key), so the result does not depend on the order the source returned.
 * - Source-owned cells are refreshed. Override cells (quantity, unit cost, unit price, total,
 *   description, PSA company/contract/service) are refreshed only when staff did not change them since
 *   the last pull: the hidden "Pulled values" cell records what the pull wrote, and a cell that differs
 *   from it (or holds a formula) is a staff edit and is kept; a cleared cell gets the source's value
 *   back. Staff cells (Approved, Note) and BillGrid's
 *   own cells (Status, PSA reference, reconciliation) are never touched by a pull.
 * - A line gone at the source stays, marked "Removed at source" (its previous status is remembered and
 *   comes back if the line reappears). Rows without a key and duplicated rows are kept as they are.
 */
import type { BillingLine } from '../core/billing-line';
import type { CellValue, WriteValue } from '../platform/spreadsheet';
import { cellText, isBlank, jsonCell, sameCell } from './cells';
import { GRID_COLUMNS, OVERRIDE_COLUMNS } from './columns';
import type { GridColumnId } from './columns';

export type GridCells = Partial<Record<GridColumnId, CellValue>>;

export interface ExistingRow {
  cells: GridCells;
  /** Formulas in the row's cells ('' or absent where none). */
  formulas?: Partial<Record<GridColumnId, string>>;
}

/** The three mapping cells as labels, from the mapping tabs. */
export interface MappingCells {
  psaCompany: string;
  psaContract: string;
  psaProduct: string;
}

export interface PulledLine {
  line: BillingLine;
  mapping: MappingCells;
  /** The billing month (yyyy-mm) the line lands on; blank when unknown. */
  billingPeriod?: string;
}

export type OutRow = Record<GridColumnId, WriteValue>;

export interface MergeResult {
  /** Existing rows in their positions, then new lines. */
  rows: OutRow[];
  added: string[];
  updated: string[];
  removed: string[];
  /** Lines that were marked removed and came back. */
  restored: string[];
  /** Override cells kept because staff had changed them. */
  keptOverrides: number;
  /** Keys given twice in the pull (the first is used). */
  duplicatePulled: string[];
}

export const REMOVED_STATUS = 'Removed at source';

/** What the last pull wrote into the override cells, plus the removed flag and the status before it. */
export interface PulledSnapshot {
  v: Partial<Record<GridColumnId, string | number | boolean>>;
  /** 1 while the line is removed at the source. */
  r?: 1;
  /** The status the row had before it was marked removed. */
  s?: string;
}

export function parseSnapshot(v: unknown): PulledSnapshot | null {
  if (typeof v !== 'string' || !v.startsWith('{')) return null;
  try {
    const o: unknown = JSON.parse(v);
    if (typeof o !== 'object' || o === null) return null;
    const vals = (o as { v?: unknown }).v;
    if (typeof vals !== 'object' || vals === null) return null;
    const snap: PulledSnapshot = { v: vals as PulledSnapshot['v'] };
    if ((o as { r?: unknown }).r === 1) snap.r = 1;
    const s = (o as { s?: unknown }).s;
    if (typeof s === 'string') snap.s = s;
    return snap;
  } catch {
    return null;
  }
}

export const snapshotText = (s: PulledSnapshot): string => JSON.stringify(s);

/** The cells a pull writes for one line (everything but staff and BillGrid cells). */
export function sourceCells(p: PulledLine): Partial<Record<GridColumnId, CellValue>> {
  const l = p.line;
  return {
    key: l.key,
    source: l.source,
    customerName: l.customerName,
    subscriptionId: l.subscriptionId,
    sku: l.sku,
    description: l.description,
    periodStart: l.periodStart,
    periodEnd: l.periodEnd,
    billingPeriod: p.billingPeriod ?? '',
    cycle: l.cycle,
    chargeType: l.chargeType,
    quantity: l.quantity,
    unitCost: l.unitCost,
    unitPrice: l.unitPrice,
    total: l.total,
    currency: l.currency,
    psaCompany: p.mapping.psaCompany,
    psaContract: p.mapping.psaContract,
    psaProduct: p.mapping.psaProduct,
    customerId: l.customerId,
    productName: l.productName,
    effectiveDate: l.effectiveDate,
    orderId: l.orderId,
    recordId: l.recordId ?? '',
    tags: (l.tags ?? []).join(','),
  };
}

const OWNER = new Map(GRID_COLUMNS.map((c) => [c.id as GridColumnId, c.owner]));

function kept(row: ExistingRow, id: GridColumnId): WriteValue {
  const f = row.formulas?.[id];
  if (f) return { formula: f };
  return row.cells[id] ?? '';
}

function keepRow(row: ExistingRow): OutRow {
  const out = {} as OutRow;
  for (const c of GRID_COLUMNS) out[c.id] = kept(row, c.id);
  return out;
}

const pulledValues = (fresh: Partial<Record<GridColumnId, CellValue>>): PulledSnapshot['v'] => {
  const v: PulledSnapshot['v'] = {};
  for (const id of OVERRIDE_COLUMNS) v[id] = jsonCell(fresh[id]);
  return v;
};

const isRemovedStatus = (s: unknown): boolean => cellText(s).startsWith(REMOVED_STATUS);

function mergeRow(
  row: ExistingRow,
  p: PulledLine,
): { out: OutRow; keptOverrides: number; restored: boolean } {
  const snap = parseSnapshot(row.cells.pulled);
  const fresh = sourceCells(p);
  const out = {} as OutRow;
  let keptOverrides = 0;
  for (const c of GRID_COLUMNS) {
    const id = c.id;
    const owner = OWNER.get(id);
    if (owner === 'source') out[id] = fresh[id] ?? '';
    else if (owner === 'override') {
      const formula = row.formulas?.[id];
      const cur = row.cells[id];
      const was = snap?.v[id];
      let staffEdit: boolean;
      if (formula) staffEdit = true;
      // A cleared cell asks for the source's value again (a blank amount could never be pushed anyway).
      else if (isBlank(cur)) staffEdit = false;
      else if (was !== undefined) staffEdit = !sameCell(cur, was);
      // No record of what was pulled: keep anything that differs, so no edit can be lost.
      else staffEdit = !sameCell(cur, fresh[id] ?? '');
      if (staffEdit && !sameCell(cur ?? '', fresh[id] ?? '')) keptOverrides++;
      out[id] = staffEdit ? kept(row, id) : (fresh[id] ?? '');
    } else out[id] = kept(row, id);
  }
  const wasRemoved = snap?.r === 1 || isRemovedStatus(row.cells.status);
  if (wasRemoved && !row.formulas?.status) out.status = snap?.s ?? '';
  out.pulled = snapshotText({ v: pulledValues(fresh) });
  return { out, keptOverrides, restored: wasRemoved };
}

function markRemoved(row: ExistingRow): { out: OutRow; newly: boolean } {
  const out = keepRow(row);
  const snap = parseSnapshot(row.cells.pulled) ?? { v: {} };
  if (snap.r === 1 || isRemovedStatus(row.cells.status)) return { out, newly: false };
  const prev = cellText(row.cells.status);
  out.status = prev ? `${REMOVED_STATUS} (was: ${prev})` : REMOVED_STATUS;
  out.pulled = snapshotText({ v: snap.v, r: 1, s: prev });
  return { out, newly: true };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Order of appended lines after the customer name: customer id, product, period and key (never the source's order). */
const newLineOrder = (a: BillingLine, b: BillingLine): number =>
  cmp(a.customerId, b.customerId) ||
  cmp(a.sku, b.sku) ||
  cmp(a.periodStart, b.periodStart) ||
  cmp(a.key, b.key);

/** A fresh row for a line the tab does not have yet. */
export function newRow(p: PulledLine): OutRow {
  const fresh = sourceCells(p);
  const out = {} as OutRow;
  for (const c of GRID_COLUMNS) out[c.id] = fresh[c.id] ?? '';
  out.approved = false;
  out.pulled = snapshotText({ v: pulledValues(fresh) });
  return out;
}

export interface MergeOptions {
  /**
   * Sources whose pull failed this time: their lines missing from the pull are left as they are rather
   * than marked "Removed at source" (a failed pull says nothing about what the vendor still charges).
   */
  keepSources?: readonly string[];
}

export function mergeGrid(
  existing: readonly ExistingRow[],
  pulled: readonly PulledLine[],
  options: MergeOptions = {},
): MergeResult {
  const keepSources = new Set(options.keepSources ?? []);
  const incoming = new Map<string, PulledLine>();
  const duplicatePulled: string[] = [];
  for (const p of pulled) {
    if (incoming.has(p.line.key)) duplicatePulled.push(p.line.key);
    else incoming.set(p.line.key, p);
  }
  const result: MergeResult = {
    rows: [],
    added: [],
    updated: [],
    removed: [],
    restored: [],
    keptOverrides: 0,
    duplicatePulled,
  };
  const seen = new Set<string>();
  for (const row of existing) {
    const key = cellText(row.cells.key).trim();
    if (!key || seen.has(key) || row.formulas?.key) {
      result.rows.push(keepRow(row));
      continue;
    }
    seen.add(key);
    const p = incoming.get(key);
    if (p) {
      const m = mergeRow(row, p);
      result.rows.push(m.out);
      result.updated.push(key);
      result.keptOverrides += m.keptOverrides;
      if (m.restored) result.restored.push(key);
    } else if (keepSources.has(cellText(row.cells.source).trim())) {
      result.rows.push(keepRow(row));
    } else {
      const m = markRemoved(row);
      result.rows.push(m.out);
      if (m.newly) result.removed.push(key);
    }
  }
  const fresh = [...incoming.values()]
    .filter((p) => !seen.has(p.line.key))
    .map((p) => ({ p, name: p.line.customerName.toLowerCase() }));
  fresh.sort((a, b) => cmp(a.name, b.name) || newLineOrder(a.p.line, b.p.line));
  for (const { p } of fresh) {
    result.rows.push(newRow(p));
    result.added.push(p.line.key);
  }
  return result;
}
