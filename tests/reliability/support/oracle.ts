/**
 * What the PSA must hold after a push, computed from the grid's approved rows and the PSA's state before
 * the push — independently of BillGrid's reconcile/push code. It encodes the product rules only:
 *  - Autotask: a recurring row on a recurring-service contract is a seat count: the contract service's
 *    units in force on the row's effective date equal the SUM of the approved quantities mapped to that
 *    contract and service (one contract service, at most one adjustment per push target); every other
 *    approved row is exactly one contract charge whose name carries the line key, with the row's values.
 *  - HaloPSA (invoice behaviour "new"): every approved row is exactly one invoice line carrying the line
 *    key, on the client's one new invoice for the row's month, with the row's values.
 *  - Nothing else changes: no charge, line, invoice, service, item or adjustment for a row that was not
 *    approved, none twice, and the records BillGrid never writes are as they were.
 * Each check returns human-readable violations (empty when the PSA is right).
 */
import { idOf, type GridRow } from './month';

type Rec = Record<string, unknown>;
const KEY = /BG-[0-9a-f]{16}/;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const near = (a: unknown, b: unknown, eps = 0.005): boolean => Math.abs(num(a) - num(b)) < eps;
const day = (v: unknown): string => String(v).slice(0, 10);
const byId = (rows: Rec[] = []): string => JSON.stringify([...rows].sort((a, b) => num(a.id) - num(b.id)));

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

interface AtState {
  entities: Record<string, Rec[]>;
}

export function checkAutotask(initial: AtState, final: AtState, rows: RowTarget[]): string[] {
  const out: string[] = [];
  const e0 = initial.entities;
  const e1 = final.entities;
  for (const entity of ['Companies', 'Contracts', 'BillingCodes', 'ServiceBundles']) {
    if (byId(e0[entity]) !== byId(e1[entity])) out.push(`${entity} changed`);
  }
  // Services: the old ones untouched, at most one per SKU, new ones only for approved rows' SKUs.
  const oldServices = new Map((e0.Services ?? []).map((s) => [s.id, JSON.stringify(s)]));
  const skuCount = new Map<string, number>();
  for (const s of e1.Services ?? []) {
    const sku = String(s.sku ?? '').toLowerCase();
    if (sku) skuCount.set(sku, (skuCount.get(sku) ?? 0) + 1);
    if (oldServices.has(s.id) && oldServices.get(s.id) !== JSON.stringify(s))
      out.push(`service ${String(s.id)} changed`);
    if (!oldServices.has(s.id) && !rows.some((r) => r.approved && r.sku.toLowerCase() === sku)) {
      out.push(`service ${String(s.sku)} created for no approved row`);
    }
  }
  for (const [sku, n] of skuCount) if (n > 1) out.push(`${n} services with SKU ${sku}`);
  const serviceIdOf = (r: RowTarget): number | undefined =>
    r.productId
      ? Number(r.productId)
      : num((e1.Services ?? []).find((s) => String(s.sku ?? '').toLowerCase() === r.sku.toLowerCase())?.id);

  const contractType = new Map((e0.Contracts ?? []).map((c) => [String(c.id), num(c.contractType)]));
  const isQuantity = (r: RowTarget) => r.chargeType === 'recurring' && contractType.get(r.contractId) === 7;

  // Charges: one per approved charge row, with its values; none for anything else.
  const oldCharges = new Set((e0.ContractCharges ?? []).map((c) => JSON.stringify(c)));
  const chargesByKey = new Map<string, Rec[]>();
  for (const c of e1.ContractCharges ?? []) {
    const key = KEY.exec(String(c.name))?.[0] ?? '';
    chargesByKey.set(key, [...(chargesByKey.get(key) ?? []), c]);
  }
  const rowByKey = new Map(rows.map((r) => [r.key, r]));
  for (const [key, list] of chargesByKey) {
    if (list.length > 1) out.push(`${list.length} charges for ${key}`);
    for (const c of list) {
      const r = rowByKey.get(key);
      if (!oldCharges.has(JSON.stringify(c)) && !(r?.approved && !isQuantity(r)))
        out.push(`charge for ${key || String(c.name)}, which was not approved`);
    }
  }
  for (const r of rows) {
    if (!r.approved || isQuantity(r)) continue;
    const list = chargesByKey.get(r.key) ?? [];
    if (list.length !== 1) {
      out.push(`${list.length} charges for approved row ${r.key}`);
      continue;
    }
    const c = list[0];
    const diff: string[] = [];
    if (String(c.contractID) !== r.contractId) diff.push(`contract ${String(c.contractID)}≠${r.contractId}`);
    if (!near(c.unitQuantity, r.quantity, 1e-6))
      diff.push(`quantity ${String(c.unitQuantity)}≠${r.quantity}`);
    if (!near(c.unitPrice, r.unitPrice)) diff.push(`price ${String(c.unitPrice)}≠${r.unitPrice}`);
    if (!near(c.unitCost, r.unitCost)) diff.push(`cost ${String(c.unitCost)}≠${r.unitCost}`);
    if (diff.length) out.push(`charge for ${r.key}: ${diff.join(', ')}`);
  }

  // Seat counts: per contract service, the sum of its approved rows; untouched unless all its rows were approved.
  const groups = new Map<string, RowTarget[]>();
  for (const r of rows.filter(isQuantity)) {
    const k = `${r.contractId}/${r.productId || `sku:${r.sku.toLowerCase()}`}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const adjustments = (rows0: Rec[] | undefined, contract: string, service: number | undefined) =>
    (rows0 ?? []).filter((a) => String(a.contractID) === contract && num(a.serviceID) === service).length;
  const pushedGroups = new Set<string>();
  for (const [k, list] of groups) {
    const first = list[0];
    const service = serviceIdOf(first);
    const extra =
      adjustments(e1.ContractServiceAdjustments, first.contractId, service) -
      adjustments(e0.ContractServiceAdjustments, first.contractId, service);
    const approved = list.filter((r) => r.approved);
    if (approved.length === 0) {
      if (extra !== 0) out.push(`${extra} adjustments on ${k}, whose rows were not approved`);
      continue;
    }
    if (approved.length < list.length) continue; // partly approved: skipped by design, checked via Status
    pushedGroups.add(`${first.contractId}/${String(service)}`);
    if (extra > 1) out.push(`${extra} adjustments on ${k} (at most one per push)`);
    const services = (e1.ContractServices ?? []).filter(
      (cs) => String(cs.contractID) === first.contractId && num(cs.serviceID) === service,
    );
    if (services.length !== 1) {
      out.push(`${services.length} contract services for ${k}`);
      continue;
    }
    const eff = first.effectiveDate;
    const units = (e1.ContractServiceUnits ?? []).filter(
      (u) => u.contractServiceID === services[0].id && day(u.startDate) <= eff && day(u.endDate) >= eff,
    );
    const want = approved.reduce((n, r) => n + r.quantity, 0);
    if (units.length !== 1 || !near(units[0].units, want, 1e-6) || !near(units[0].price, first.unitPrice)) {
      out.push(
        `${k} on ${eff}: ${JSON.stringify(units.map((u) => [u.units, u.price]))}, want ${want} × ${first.unitPrice}`,
      );
    }
  }
  for (const a of e1.ContractServiceAdjustments ?? []) {
    const isNew = !(e0.ContractServiceAdjustments ?? []).some((b) => b.id === a.id);
    if (isNew && !pushedGroups.has(`${String(a.contractID)}/${String(a.serviceID)}`)) {
      out.push(
        `adjustment ${String(a.id)} on ${String(a.contractID)}/${String(a.serviceID)} for no approved row`,
      );
    }
  }
  return out;
}

interface HaloState {
  clients: Rec[];
  items: Rec[];
  invoices: (Rec & { lines: Rec[] })[];
  recurringInvoices: Rec[];
  taxes: Rec[];
}

export function checkHalo(initial: HaloState, final: HaloState, rows: RowTarget[]): string[] {
  const out: string[] = [];
  for (const k of ['clients', 'recurringInvoices', 'taxes'] as const) {
    if (byId(initial[k]) !== byId(final[k])) out.push(`${k} changed`);
  }
  const oldItems = new Map(initial.items.map((i) => [i.id, JSON.stringify(i)]));
  const codes = new Map<string, number>();
  for (const i of final.items) {
    const code = String(i.supplier_part_code ?? '').toLowerCase();
    if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
    if (oldItems.has(i.id) && oldItems.get(i.id) !== JSON.stringify(i))
      out.push(`item ${String(i.id)} changed`);
    if (!oldItems.has(i.id) && !rows.some((r) => r.approved && r.sku.toLowerCase() === code))
      out.push(`item ${String(i.supplier_part_code)} created for no approved row`);
  }
  for (const [code, n] of codes) if (n > 1) out.push(`${n} items with code ${code}`);

  const oldInvoices = new Map(initial.invoices.map((i) => [i.id, JSON.stringify(i)]));
  const containers = new Map<string, number>();
  const lines = new Map<string, { line: Rec; invoice: Rec }[]>();
  for (const inv of final.invoices) {
    if (oldInvoices.has(inv.id)) {
      if (oldInvoices.get(inv.id) !== JSON.stringify(inv))
        out.push(`existing invoice ${String(inv.id)} changed`);
      continue;
    }
    const c = `${String(inv.client_id)} '${String(inv.reference)}'`;
    containers.set(c, (containers.get(c) ?? 0) + 1);
    if (inv.lines.length === 0) out.push(`new invoice ${String(inv.id)} (${c}) has no lines`);
    for (const line of inv.lines) {
      const key = String(line.comment_1);
      lines.set(key, [...(lines.get(key) ?? []), { line, invoice: inv }]);
    }
  }
  for (const [c, n] of containers) if (n > 1) out.push(`${n} new invoices for client ${c}`);
  const rowByKey = new Map(rows.map((r) => [r.key, r]));
  for (const [key, list] of lines) {
    if (list.length > 1) out.push(`${list.length} invoice lines for ${key}`);
    if (!rowByKey.get(key)?.approved) out.push(`invoice line for ${key}, which was not approved`);
  }
  const itemById = new Map(final.items.map((i) => [i.id, i]));
  for (const r of rows) {
    if (!r.approved) continue;
    const list = lines.get(r.key) ?? [];
    if (list.length !== 1) {
      out.push(`${list.length} invoice lines for approved row ${r.key}`);
      continue;
    }
    const { line, invoice } = list[0];
    const container = `BillGrid new:${r.orderId ? `order:${r.orderId}` : `month:${r.periodStart.slice(0, 7)}`}`;
    const item = itemById.get(line._itemid);
    const diff: string[] = [];
    if (String(invoice.client_id) !== r.companyId)
      diff.push(`client ${String(invoice.client_id)}≠${r.companyId}`);
    if (invoice.reference !== container) diff.push(`invoice '${String(invoice.reference)}'≠'${container}'`);
    if (!near(line.qty_order, r.quantity, 1e-6))
      diff.push(`quantity ${String(line.qty_order)}≠${r.quantity}`);
    if (!near(line.unit_price, r.unitPrice)) diff.push(`price ${String(line.unit_price)}≠${r.unitPrice}`);
    if (!near(line.unit_cost, r.unitCost)) diff.push(`cost ${String(line.unit_cost)}≠${r.unitCost}`);
    // Auto-created products: the item whose code (or internal reference) is the SKU, or whose name is exact.
    const same = (v: unknown, want: string) =>
      want !== '' &&
      String(v ?? '')
        .trim()
        .toLowerCase() === want.toLowerCase();
    const itemOk = r.productId
      ? String(line._itemid) === r.productId
      : same(item?.supplier_part_code, r.sku) ||
        same(item?.internalreference, r.sku) ||
        same(item?.name, r.productName);
    if (!itemOk) diff.push(`item ${String(line._itemid)} is not ${r.productId || r.sku}`);
    if (diff.length) out.push(`invoice line for ${r.key}: ${diff.join(', ')}`);
  }
  return out;
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
