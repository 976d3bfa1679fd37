/**
 * Autotask's fault hooks for the shared fault suite (tests/reliability/support/fault-suite.ts), and its
 * oracle: a recurring row on a recurring-service contract is a seat count — the contract service's units
 * in force on the row's effective date equal the SUM of the approved quantities mapped to that contract
 * and service (one contract service, at most one adjustment per push target); every other approved row
 * is exactly one contract charge whose name carries the line key, with the row's values.
 */
import { extendedCents } from '../../../../src/core/money';
import type { SheetState } from '../../../../local/gas/state';
import type { AtVariants } from '../../../../local/sandbox/autotask/fixture';
import {
  VOLATILE,
  sortByJson,
  type FaultVariant,
  type PsaFaultHooks,
} from '../../../reliability/support/fault-suite';
import { idOf } from '../../../reliability/support/month';
import { KEY, byId, day, near, num, type Rec, type RowTarget } from '../../../reliability/support/oracle';

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
    // Autotask bills quantity × its 4-decimal price: that must be the row's amount to the cent. The charge
    // holds the row's figures (at 4 decimals), or 1 × the amount when those cannot bill it.
    const billed = extendedCents(num(c.unitQuantity), num(c.unitPrice));
    const amount = extendedCents(r.quantity, r.unitPrice);
    if (billed !== amount) diff.push(`bills ${billed} cents≠${amount}`);
    if (near(c.unitQuantity, r.quantity, 0.00005)) {
      if (!near(c.unitPrice, r.unitPrice)) diff.push(`price ${String(c.unitPrice)}≠${r.unitPrice}`);
      if (!near(c.unitCost, r.unitCost)) diff.push(`cost ${String(c.unitCost)}≠${r.unitCost}`);
    } else if (num(c.unitQuantity) !== 1) {
      diff.push(`quantity ${String(c.unitQuantity)}≠${r.quantity}`);
    } else if (!near(c.unitCost, r.quantity * r.unitCost)) {
      diff.push(`cost ${String(c.unitCost)}≠${r.quantity} × ${r.unitCost}`);
    }
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

function projectAutotask(state: { entities: Record<string, Rec[]> }): unknown {
  const label = new Map<unknown, string>();
  const natural: Record<string, (r: Rec) => string> = {
    Companies: (r) => `company:${String(r.companyName)}`,
    Services: (r) => `service:${String(r.sku ?? r.name)}`,
    ServiceBundles: (r) => `bundle:${String(r.name)}`,
    Contracts: (r) => `contract:${String(r.contractName)}`,
    BillingCodes: (r) => `code:${String(r.name)}`,
  };
  for (const [entity, f] of Object.entries(natural))
    for (const r of state.entities[entity] ?? []) label.set(r.id, f(r));
  for (const r of state.entities.ContractServices ?? []) {
    label.set(
      r.id,
      `cs:${label.get(r.contractID) ?? String(r.contractID)}/${label.get(r.serviceID) ?? String(r.serviceID)}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [entity, rows] of Object.entries(state.entities)) {
    out[entity] = sortByJson(
      rows.map((r) => {
        const o: Rec = {};
        for (const [k, v] of Object.entries(r)) {
          if (k === 'id' || VOLATILE.has(k)) continue;
          o[k] = /ID$/.test(k) && label.has(v) ? label.get(v) : v;
        }
        return o;
      }),
    );
  }
  return out;
}

/**
 * A seat price changed on the grid (+1.25 on every row of one contract service whose seats the month sets or
 * keeps): the price goes by PATCH of adjustedPrice, the seats by adjustment (F5), which is what the
 * adjustment-price variants are about.
 */
function raiseOneSeatPrice(sheet: SheetState): void {
  const [head, ...body] = sheet.rows;
  const at = (name: string) => (head ?? []).findIndex((c) => c?.v === name);
  const [type, action, contract, service, price] = [
    'Charge type',
    'Action',
    'PSA contract',
    'PSA service/item',
    'Unit price',
  ].map(at);
  const text = (r: (typeof body)[number], i: number) => String(r?.[i]?.v ?? '');
  const seat = body.find(
    (r) => text(r, type) === 'recurring' && /^(Set quantity|Already)/.test(text(r, action)),
  );
  if (!seat) return;
  for (const r of body) {
    const cell = r?.[price];
    if (cell && text(r, contract) === text(seat, contract) && text(r, service) === text(seat, service))
      cell.v = Number(cell.v) + 1.25;
  }
}

/** Each non-default value of each Autotask sandbox variant, paired (sandbox/autotask/fixture.ts). */
const variant = (v: AtVariants): FaultVariant => ({
  name: Object.values(v).join(', '),
  psa: (state) => ({ ...(state as object), variants: v }),
  edit: raiseOneSeatPrice,
});

export const hooks: PsaFaultHooks = {
  variants: [
    variant({ adjustmentPrice: 'units-only', contractPeriodDefault: 'yearly' }),
    variant({ adjustmentPrice: 'reject-zero', contractPeriodDefault: 'required' }),
  ],
  // The oracle was written for these sources' demo lines.
  sources: ['pax8', 'twilio'],
  writes: [
    { method: 'POST', pathIncludes: 'ContractServiceAdjustments' },
    { method: 'POST', pathIncludes: '/Charges' },
    { method: 'PATCH' },
  ],
  reads: { method: 'POST', pathIncludes: '/query' },
  project: (state) => projectAutotask(state as AtState),
  check: (initial, final, rows) => checkAutotask(initial as AtState, final as AtState, rows),
  // Only the unit rows of contracts the month touches.
  trim(state, rows) {
    const copy = state as AtState;
    const contracts = new Set(rows.map((r) => idOf(r['PSA contract'])).filter(Boolean));
    copy.entities.ContractServiceUnits = copy.entities.ContractServiceUnits.filter((u) =>
      contracts.has(String(u.contractID)),
    );
    return copy;
  },
};
