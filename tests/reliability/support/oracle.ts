/**
 * The fault suite's oracle, the shared part: the grid's approved rows as targets, and whether every
 * approved row says where it went. Each PSA's own check — what the PSA must hold after a push, computed
 * from these targets and its state before the push, independently of BillGrid's reconcile/push code —
 * is in its fault hooks (tests/connectors/psa/<id>/fault-hooks.ts). Every check encodes the product
 * rules only: nothing else changes (no record for a row that was not approved, none twice, the records
 * BillGrid never writes as they were), and returns human-readable violations (empty when right).
 */
import { idOf, type GridRow } from './month';

export type Rec = Record<string, unknown>;
export const KEY = /BG-[0-9a-f]{16}/;
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
export const near = (a: unknown, b: unknown, eps = 0.005): boolean => Math.abs(num(a) - num(b)) < eps;
export const day = (v: unknown): string => String(v).slice(0, 10);
export const byId = (rows: Rec[] = []): string =>
  JSON.stringify([...rows].sort((a, b) => num(a.id) - num(b.id)));

export interface RowTarget {
  key: string;
  approved: boolean;
  chargeType: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  companyId: string;
  contractId: string;
  productId: string;
  sku: string;
  productName: string;
  effectiveDate: string;
  periodStart: string;
  orderId: string;
}

/** The month's keyed rows as the grid says (values the person approved). */
export function rowTargets(rows: GridRow[]): RowTarget[] {
  return rows
    .filter((r) => KEY.test(String(r['Line key'])))
    .map((r) => ({
      key: String(r['Line key']),
      approved: r.Approved === true,
      chargeType: String(r['Charge type']),
      quantity: num(r.Quantity),
      unitPrice: num(r['Unit price']),
      unitCost: num(r['Unit cost']),
      companyId: idOf(r['PSA company']),
      contractId: idOf(r['PSA contract']),
      productId: idOf(r['PSA service/item']),
      sku: String(r['Product/SKU']),
      productName: String(r['Product name'] ?? ''),
      effectiveDate: day(r['Effective date']),
      periodStart: day(r['Period start']),
      orderId: String(r['Order id'] ?? ''),
    }));
}

/** Every approved row says where it went (Pushed/Up to date with a PSA reference) or why not. */
export function statusProblems(rows: GridRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.Approved !== true) continue;
    const status = String(r.Status);
    const pushed = /^(Pushed|Up to date): \S/.test(status) && String(r['PSA reference']).trim() !== '';
    const explained = /^(Failed|Not pushed): \S.{8,}|^⚠ \S.{8,}/.test(status);
    if (!pushed && !explained) out.push(`row ${r.rowNumber} (${String(r['Line key'])}): '${status}'`);
  }
  return out;
}
