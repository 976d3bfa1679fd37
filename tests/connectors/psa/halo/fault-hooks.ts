/**
 * HaloPSA's fault hooks for the shared fault suite (tests/reliability/support/fault-suite.ts), and its
 * oracle (invoice behaviour "new"): every approved row is exactly one invoice line carrying the line key,
 * on the client's one new invoice for the row's month, with the row's values. Where Halo keeps no key
 * (variant 'dropped'), the new lines must equal the approved rows as a multiset of what each bills.
 */
import { VOLATILE, sortByJson, type PsaFaultHooks } from '../../../reliability/support/fault-suite';
import { near, byId, type Rec, type RowTarget } from '../../../reliability/support/oracle';

interface HaloState {
  clients: Rec[];
  items: Rec[];
  invoices: (Rec & { lines: Rec[] })[];
  recurringInvoices: Rec[];
  taxes: Rec[];
}

export function checkHalo(initial: HaloState, final: HaloState, rows: RowTarget[]): string[] {
  const out: string[] = [];
  // Where Halo keeps no line key, lines cannot be told apart by it: the new lines must then be the approved
  // rows exactly, as a multiset of what each bills (client, invoice, item, quantity, price, cost).
  const keyed = (initial as HaloState & { variant?: Rec }).variant?.lineKey !== 'dropped';
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
  if (!keyed) return [...out, ...unkeyedLines(final, [...lines.values()].flat(), rows)];
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
    const container = containerOf(r);
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

const containerOf = (r: RowTarget): string =>
  `BillGrid new:${r.orderId ? `order:${r.orderId}` : `month:${r.periodStart.slice(0, 7)}`}`;

/** The new invoices' lines against the approved rows, compared as multisets of what each bills. */
function unkeyedLines(final: HaloState, lines: { line: Rec; invoice: Rec }[], rows: RowTarget[]): string[] {
  const r4 = (n: unknown) => Number(n).toFixed(4);
  // As the keyed check: the row's item, or (auto-created) the item whose code, internal reference or name
  // is the row's.
  const is = (v: unknown, want: string) =>
    want !== '' &&
    String(v ?? '')
      .trim()
      .toLowerCase() === want.toLowerCase();
  const itemOf = (r: RowTarget): string => {
    if (r.productId) return r.productId;
    const item = final.items.find(
      (i) => is(i.supplier_part_code, r.sku) || is(i.internalreference, r.sku) || is(i.name, r.productName),
    );
    return item ? String(item.id) : `no item for ${r.sku}`;
  };
  const want = rows
    .filter((r) => r.approved)
    .map((r) =>
      [r.companyId, containerOf(r), itemOf(r), r4(r.quantity), r4(r.unitPrice), r4(r.unitCost)].join(' | '),
    )
    .sort();
  const have = lines
    .map(({ line, invoice }) =>
      [
        String(invoice.client_id),
        String(invoice.reference),
        String(line._itemid),
        r4(line.qty_order),
        r4(line.unit_price),
        r4(line.unit_cost),
      ].join(' | '),
    )
    .sort();
  const out: string[] = [];
  const left = [...have];
  for (const w of want) {
    const i = left.indexOf(w);
    if (i < 0) out.push(`no invoice line for an approved row: ${w}`);
    else left.splice(i, 1);
  }
  for (const l of left) out.push(`invoice line for no approved row (or one too many): ${l}`);
  return out;
}

export function projectHalo(state: Rec): unknown {
  const items = (state.items as Rec[]) ?? [];
  const itemName = new Map(items.map((i) => [i.id, String(i.name)]));
  const invoice = (inv: Rec) => ({
    client_id: inv.client_id,
    reference: inv.reference,
    invoice_date: inv.invoice_date,
    posted: inv.posted,
    lines: sortByJson(
      ((inv.lines as Rec[]) ?? []).map(({ id: _id, ihid: _ihid, _itemid, ...line }) => ({
        ...line,
        item: itemName.get(_itemid),
      })),
    ),
  });
  const out: Rec = {};
  for (const [k, v] of Object.entries(state)) {
    if (VOLATILE.has(k)) continue;
    if (k === 'items') out[k] = sortByJson(items.map(({ id: _id, ...i }) => i));
    else if (k === 'invoices' || k === 'recurringInvoices') out[k] = sortByJson((v as Rec[]).map(invoice));
    else if (k === 'assetGroups') out[k] = sortByJson((v as Rec[]).map((g) => g.name));
    else out[k] = v;
  }
  return out;
}

/**
 * The line-key variant the default schedules run under: 'kept' unless `HALO_FAULT_LINE_KEY=dropped-on-list`
 * (shares of the schedules run under 'dropped-on-list' and 'dropped' anyway: `variants` below).
 */
function lineKeyVariant(): string {
  const v = process.env.HALO_FAULT_LINE_KEY ?? 'kept';
  if (v !== 'kept' && v !== 'dropped-on-list')
    throw new Error(`HALO_FAULT_LINE_KEY must be kept or dropped-on-list, not '${v}'`);
  return v;
}

export const hooks: PsaFaultHooks = {
  // The oracle was written for these sources' demo lines.
  sources: ['pax8', 'twilio'],
  writes: [{ method: 'POST', pathPrefix: '/api/' }],
  reads: { method: 'GET' },
  trim: (state) => {
    const s = state as Rec;
    return { ...s, variant: { ...(s.variant as Rec), lineKey: lineKeyVariant() } };
  },
  project: (state) => projectHalo(state as Rec),
  check: (initial, final, rows) => checkHalo(initial as HaloState, final as HaloState, rows),
  // Part of npm test's schedules run where the list view leaves the line key out (the push must find its
  // lines by the detail view and the Ledger's recorded ids instead).
  variants: [
    {
      name: 'line key dropped on the list',
      psa: (state) => {
        const s = state as Rec;
        return { ...s, variant: { ...(s.variant as Rec), lineKey: 'dropped-on-list' } };
      },
    },
    // Halo keeps no key at all: BillGrid finds its lines by the ids the Ledger and the rows recorded.
    {
      name: 'line key dropped entirely',
      psa: (state) => {
        const s = state as Rec;
        return { ...s, variant: { ...(s.variant as Rec), lineKey: 'dropped' } };
      },
    },
  ],
};
