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
 * - A record the source could not turn into a billable line gets a row too, "Cannot be billed: <why>",
 *   with the values that could be read; a later pull that reads it turns the row back into a normal one
 *   (matched by key, or by the vendor's record id when the key could not be computed the same way).
 */
import type { BillingLine } from '../core/billing-line';
import { lineIdentity } from '../core/line-key';
import { recordRef } from '../core/unbillable';
import type { KeyedUnbillable } from '../core/unbillable';
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
  /** Rows (new or existing) of records that cannot be billed. */
  unbillable: string[];
}

export const REMOVED_STATUS = 'Removed at source';
/** Status of a record the source sent but BillGrid cannot bill (followed by ': ' and the reason). */
export const UNBILLABLE_STATUS = 'Cannot be billed';
/** Status of a preview of a charge the vendor has not invoiced yet (followed by ': ' and why). */
export const PREVIEW_STATUS = 'Preview';

/** What the last pull wrote into the override cells, plus the removed flag and the status before it. */
export interface PulledSnapshot {
  v: Partial<Record<GridColumnId, string | number | boolean>>;
  /** 1 while the line is removed at the source. */
  r?: 1;
  /** The status the row had before it was marked removed (or cannot be billed). */
  s?: string;
  /** 1 while the source's record cannot be billed (see UNBILLABLE_STATUS). */
  u?: 1;
  /** 1 while the row is a preview of a charge not invoiced yet (see PREVIEW_STATUS); u is 1 too. */
  p?: 1;
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
    if ((o as { u?: unknown }).u === 1) snap.u = 1;
    if ((o as { p?: unknown }).p === 1) snap.p = 1;
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
    evidence: l.evidence ?? '',
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

export const isUnbillableRow = (snap: PulledSnapshot | null, status: unknown): boolean =>
  snap?.u === 1 ||
  cellText(status).startsWith(`${UNBILLABLE_STATUS}:`) ||
  cellText(status).startsWith(`${PREVIEW_STATUS}:`);

const isPreviewRow = (snap: PulledSnapshot | null, status: unknown): boolean =>
  snap?.p === 1 || cellText(status).startsWith(`${PREVIEW_STATUS}:`);

/**
 * What a preview row and the invoiced charge that replaces it share: the line's identity without the
 * vendor's record id (a draft has none, or not the invoice's).
 */
function previewRef(f: GridCells | BillingLine): string {
  const t = (x: unknown) => cellText(x).trim();
  return lineIdentity({
    source: t(f.source),
    customerId: t(f.customerId),
    subscriptionId: t(f.subscriptionId),
    sku: t(f.sku),
    chargeType: t(f.chargeType) as BillingLine['chargeType'],
    periodStart: t(f.periodStart),
    periodEnd: t(f.periodEnd),
  });
}

/** What the pull writes for a record that cannot be billed: what could be read, blank elsewhere. */
function unbillableCells(u: KeyedUnbillable): Partial<Record<GridColumnId, CellValue>> {
  const v = u.values;
  const cell = (x: string | number | undefined): CellValue => x ?? '';
  return {
    key: u.key,
    source: u.source,
    customerName: cell(v.customerName),
    subscriptionId: cell(v.subscriptionId),
    sku: cell(v.sku),
    description: cell(v.description),
    periodStart: cell(v.periodStart),
    periodEnd: cell(v.periodEnd),
    cycle: cell(v.cycle),
    chargeType: cell(v.chargeType),
    quantity: cell(v.quantity),
    unitCost: cell(v.unitCost),
    unitPrice: cell(v.unitPrice),
    total: cell(v.total),
    currency: cell(v.currency),
    customerId: cell(v.customerId),
    productName: cell(v.productName),
    effectiveDate: cell(v.effectiveDate),
    orderId: cell(v.orderId),
    recordId: cell(v.recordId),
    tags: '',
  };
}

function mergeRow(
  row: ExistingRow,
  p: PulledLine,
): { out: OutRow; keptOverrides: number; restored: boolean } {
  return mergeCells(row, sourceCells(p));
}

function mergeCells(
  row: ExistingRow,
  fresh: Partial<Record<GridColumnId, CellValue>>,
): { out: OutRow; keptOverrides: number; restored: boolean } {
  const snap = parseSnapshot(row.cells.pulled);
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
  const wasUnbillable = isUnbillableRow(snap, row.cells.status);
  if ((wasRemoved || wasUnbillable) && !row.formulas?.status) out.status = snap?.s ?? '';
  out.pulled = snapshotText({ v: pulledValues(fresh) });
  return { out, keptOverrides, restored: wasRemoved };
}

/** A row for a record that cannot be billed: refreshed like a pulled line, its Status the reason. */
function unbillableRow(row: ExistingRow | null, u: KeyedUnbillable): OutRow {
  const fresh = unbillableCells(u);
  let out: OutRow;
  let before = '';
  if (row) {
    const snap = parseSnapshot(row.cells.pulled);
    out = mergeCells(row, fresh).out;
    // The status to give back when the record can be billed again (not the reason itself).
    before =
      isUnbillableRow(snap, row.cells.status) || snap?.r === 1 || isRemovedStatus(row.cells.status)
        ? (snap?.s ?? '')
        : cellText(row.cells.status);
  } else {
    out = {} as OutRow;
    for (const c of GRID_COLUMNS) out[c.id] = fresh[c.id] ?? '';
    out.approved = false;
  }
  out.status = `${u.preview ? PREVIEW_STATUS : UNBILLABLE_STATUS}: ${u.reason}`;
  out.pulled = snapshotText({
    v: pulledValues(fresh),
    u: 1,
    ...(u.preview ? { p: 1 as const } : {}),
    ...(before ? { s: before } : {}),
  });
  return out;
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
  /** Records of this pull that cannot be billed (keys distinct from the pulled lines'). */
  unbillable?: readonly KeyedUnbillable[];
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
    unbillable: [],
  };
  const unbillable = new Map<string, KeyedUnbillable>();
  for (const u of options.unbillable ?? []) if (!incoming.has(u.key)) unbillable.set(u.key, u);
  // A record read now but not before: found by the vendor's record id when its key differs.
  const byRecord = new Map<string, PulledLine>();
  for (const p of incoming.values()) {
    const ref = recordRef(p.line.source, p.line.recordId);
    if (ref && !byRecord.has(ref)) byRecord.set(ref, p);
  }
  const existingKeys = new Set(existing.map((r) => cellText(r.cells.key).trim()));
  // A preview row whose charge is now invoiced becomes the invoiced line (each line replaces one row).
  const byPreview = new Map<string, PulledLine[]>();
  for (const p of incoming.values()) {
    if (existingKeys.has(p.line.key)) continue;
    const ref = previewRef(p.line);
    byPreview.set(ref, [...(byPreview.get(ref) ?? []), p]);
  }
  const invoiced = (row: ExistingRow): PulledLine | undefined => {
    const list = byPreview.get(previewRef(row.cells));
    while (list && list.length > 0) {
      const p = list.shift() as PulledLine;
      if (!seen.has(p.line.key)) return p;
    }
    return undefined;
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
    const u = unbillable.get(key);
    const snap = !p && !u ? parseSnapshot(row.cells.pulled) : null;
    const readNow =
      !p && !u && isUnbillableRow(snap, row.cells.status)
        ? (byRecord.get(recordRef(cellText(row.cells.source).trim(), cellText(row.cells.recordId)) ?? '') ??
          (isPreviewRow(snap, row.cells.status) ? invoiced(row) : undefined))
        : undefined;
    if (u) {
      result.rows.push(unbillableRow(row, u));
      result.unbillable.push(key);
    } else if (readNow && !existingKeys.has(readNow.line.key) && !seen.has(readNow.line.key)) {
      seen.add(readNow.line.key);
      const m = mergeRow(row, readNow);
      result.rows.push(m.out);
      result.updated.push(readNow.line.key);
    } else if (p) {
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
  const freshUnbillable = [...unbillable.values()].filter((u) => !seen.has(u.key));
  freshUnbillable.sort(
    (a, b) =>
      cmp(String(a.values.customerName ?? ''), String(b.values.customerName ?? '')) || cmp(a.key, b.key),
  );
  for (const u of freshUnbillable) {
    result.rows.push(unbillableRow(null, u));
    result.unbillable.push(u.key);
    result.added.push(u.key);
  }
  return result;
}
