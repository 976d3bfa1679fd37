/**
 * ConnectWise PSA's fault hooks for the shared fault suite (tests/reliability/support/fault-suite.ts), and
 * its oracle: a recurring row is a seat count — the quantity additions of the row's product in force on
 * the agreement on the row's effective date add up to the SUM of the approved quantities mapped to that
 * agreement and product, at the row's price; every other approved row is exactly one addition billed once
 * (effective on the 1st of its month, cancelled on the next 1st) whose invoice description carries the
 * line key, with the row's values. Nothing is deleted, and nothing else changes.
 */
import type { CwState } from '../../../../local/sandbox/connectwise/fixture';
import { VOLATILE, sortByJson, type PsaFaultHooks } from '../../../reliability/support/fault-suite';
import { KEY, byId, day, near, num, type Rec, type RowTarget } from '../../../reliability/support/oracle';

const productIdOf = (a: Rec): number => num((a.product as { id?: unknown } | undefined)?.id);
const keyOf = (a: Rec): string => KEY.exec(String(a.invoiceDescription ?? ''))?.[0] ?? '';
const nextMonth = (d: string): string => {
  const [y, m] = [Number(d.slice(0, 4)), Number(d.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

export function checkConnectWise(initial: CwState, final: CwState, rows: RowTarget[]): string[] {
  const out: string[] = [];
  for (const k of ['companies', 'contacts', 'agreementTypes', 'agreements'] as const) {
    if (byId(initial[k]) !== byId(final[k])) out.push(`${k} changed`);
  }
  // Catalog: the old items untouched, at most one per identifier, new ones only for approved rows' SKUs.
  const oldItems = new Map(initial.catalog.map((c) => [c.id, JSON.stringify(c)]));
  const idents = new Map<string, number>();
  for (const c of final.catalog) {
    const ident = String(c.identifier ?? '').toLowerCase();
    idents.set(ident, (idents.get(ident) ?? 0) + 1);
    if (oldItems.has(c.id) && oldItems.get(c.id) !== JSON.stringify(c))
      out.push(`item ${String(c.id)} changed`);
    if (!oldItems.has(c.id) && !rows.some((r) => r.approved && r.sku.toLowerCase() === ident))
      out.push(`catalog item ${String(c.identifier)} created for no approved row`);
  }
  for (const [ident, n] of idents) if (n > 1) out.push(`${n} catalog items with identifier ${ident}`);
  const itemIdOf = (r: RowTarget): number =>
    r.productId
      ? Number(r.productId)
      : num(final.catalog.find((c) => String(c.identifier).toLowerCase() === r.sku.toLowerCase())?.id);

  // Additions: never deleted; an old one changes only for a seat count that was pushed.
  const finalById = new Map(final.additions.map((a) => [a.id, a]));
  for (const a of initial.additions)
    if (!finalById.has(a.id)) out.push(`addition ${String(a.id)} was deleted (billed history)`);

  const isQuantity = (r: RowTarget) => r.chargeType === 'recurring';
  // Charges: one addition per approved charge row, with its values; none for anything else.
  const byKey = new Map<string, Rec[]>();
  for (const a of final.additions) {
    const key = keyOf(a);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), a]);
  }
  const rowByKey = new Map(rows.map((r) => [r.key, r]));
  const oldJson = new Set(initial.additions.map((a) => JSON.stringify(a)));
  for (const [key, list] of byKey) {
    if (list.length > 1) out.push(`${list.length} additions for ${key}`);
    const r = rowByKey.get(key);
    for (const a of list)
      if (!oldJson.has(JSON.stringify(a)) && !(r?.approved && !isQuantity(r)))
        out.push(`addition for ${key}, which was not approved`);
  }
  for (const r of rows) {
    if (!r.approved || isQuantity(r)) continue;
    const list = byKey.get(r.key) ?? [];
    if (list.length !== 1) {
      out.push(`${list.length} additions for approved row ${r.key}`);
      continue;
    }
    const a = list[0];
    const from = `${r.effectiveDate.slice(0, 7)}-01`;
    const diff: string[] = [];
    if (String(a.agreementId) !== r.contractId)
      diff.push(`agreement ${String(a.agreementId)}≠${r.contractId}`);
    if (productIdOf(a) !== itemIdOf(r)) diff.push(`product ${productIdOf(a)}≠${r.productId || r.sku}`);
    if (!near(a.quantity, r.quantity, 1e-6)) diff.push(`quantity ${String(a.quantity)}≠${r.quantity}`);
    if (!near(a.unitPrice, r.unitPrice)) diff.push(`price ${String(a.unitPrice)}≠${r.unitPrice}`);
    if (!near(a.unitCost, r.unitCost)) diff.push(`cost ${String(a.unitCost)}≠${r.unitCost}`);
    if (a.billCustomer !== 'Billable') diff.push(`billCustomer ${String(a.billCustomer)}`);
    if (day(a.effectiveDate) !== from) diff.push(`effective ${day(a.effectiveDate)}≠${from}`);
    if (day(a.cancelledDate) !== nextMonth(from))
      diff.push(`cancelled ${day(a.cancelledDate)}≠${nextMonth(from)} (billed once)`);
    if (diff.length) out.push(`addition for ${r.key}: ${diff.join(', ')}`);
  }

  // Seat counts: per agreement and product, the sum of its approved rows; untouched unless all were approved.
  const groups = new Map<string, RowTarget[]>();
  for (const r of rows.filter(isQuantity)) {
    const k = `${r.contractId}/${r.productId || `sku:${r.sku.toLowerCase()}`}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const quantityAdditions = (s: CwState, agreement: string, product: number) =>
    s.additions.filter((a) => !keyOf(a) && String(a.agreementId) === agreement && productIdOf(a) === product);
  const pushed = new Set<string>();
  for (const [k, list] of groups) {
    const first = list[0];
    const product = itemIdOf(first);
    const approved = list.filter((r) => r.approved);
    const before = quantityAdditions(initial, first.contractId, product).map((a) => JSON.stringify(a));
    const after = quantityAdditions(final, first.contractId, product).map((a) => JSON.stringify(a));
    if (approved.length === 0) {
      if (JSON.stringify(before) !== JSON.stringify(after))
        out.push(`${k} changed, whose rows were not approved`);
      continue;
    }
    if (approved.length < list.length) continue; // partly approved: skipped by design, checked via Status
    pushed.add(`${first.contractId}/${product}`);
    const eff = first.effectiveDate;
    const inForce = quantityAdditions(final, first.contractId, product).filter(
      (a) => day(a.effectiveDate) <= eff && (!a.cancelledDate || day(a.cancelledDate) > eff),
    );
    const want = approved.reduce((n, r) => n + r.quantity, 0);
    const have = inForce.reduce((n, a) => n + num(a.quantity), 0);
    if (inForce.length > 1) out.push(`${k}: ${inForce.length} additions in force on ${eff}`);
    if (!near(have, want, 1e-6) || (want > 0 && !near(inForce[0]?.unitPrice, first.unitPrice)))
      out.push(
        `${k} on ${eff}: ${JSON.stringify(inForce.map((a) => [a.quantity, a.unitPrice]))}, want ${want} × ${first.unitPrice}`,
      );
  }
  const oldById = new Map(initial.additions.map((a) => [a.id, JSON.stringify(a)]));
  for (const a of final.additions) {
    if (keyOf(a) || oldById.get(a.id) === JSON.stringify(a)) continue;
    if (!pushed.has(`${String(a.agreementId)}/${productIdOf(a)}`))
      out.push(`addition ${String(a.id)} on ${String(a.agreementId)}/${productIdOf(a)} for no approved row`);
  }
  return out;
}

function projectConnectWise(state: CwState & Rec): unknown {
  const ident = new Map(state.catalog.map((c) => [c.id, String(c.identifier)]));
  const out: Rec = {};
  for (const [k, v] of Object.entries(state)) {
    if (VOLATILE.has(k)) continue;
    if (k === 'catalog') out[k] = sortByJson(state.catalog.map(({ id: _id, ...c }) => c));
    else if (k === 'additions')
      out[k] = sortByJson(
        state.additions.map(({ id: _id, product, ...a }) => ({
          ...a,
          product: ident.get(productIdOf({ id: 0, product })),
        })),
      );
    else out[k] = v;
  }
  return out;
}

export const hooks: PsaFaultHooks = {
  // The oracle was written for these sources' demo lines.
  sources: ['pax8', 'twilio'],
  writes: [
    { method: 'POST', pathIncludes: '/additions' },
    { method: 'POST', pathIncludes: '/procurement/catalog' },
    { method: 'PATCH' },
  ],
  reads: { method: 'GET' },
  project: (state) => projectConnectWise(state as CwState & Rec),
  check: (initial, final, rows) => checkConnectWise(initial as CwState, final as CwState, rows),
};
