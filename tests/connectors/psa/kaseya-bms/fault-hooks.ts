/**
 * Kaseya BMS's fault hooks for the shared fault suite (tests/reliability/support/fault-suite.ts), and its
 * oracle (the sandbox's default variant: a contract's services are read back, a line's units changed in
 * place): the approved module counts of the month (Datto RMM, IT Glue) mapped to one contract and service
 * are ONE service line on that contract whose Units are their sum, at the rows' price and cost; a contract
 * service no approved row names is as it was; a catalogue service is created only for an approved row's
 * product, once; accounts, contracts and organisation mappings never change.
 */
import { VOLATILE, sortByJson, type PsaFaultHooks } from '../../../reliability/support/fault-suite';
import { near, type RowTarget } from '../../../reliability/support/oracle';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import type { BmsServiceLine } from '../../../../local/sandbox/kaseya-bms/fixture';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const lower = (s: unknown): string =>
  String(s ?? '')
    .trim()
    .toLowerCase();

export function checkBms(initial: BmsState, final: BmsState, rows: RowTarget[]): string[] {
  const out: string[] = [];
  for (const k of ['accounts', 'contracts', 'orgMappings', 'moduleOrganizations', 'modules'] as const)
    if (!same(initial[k], final[k])) out.push(`${k} changed`);
  // Catalogue: the old services untouched, new ones only for an approved row's product, one per name.
  const old = new Map(initial.services.map((s) => [s.Id, s]));
  const names = new Map<string, number>();
  for (const s of final.services) {
    names.set(lower(s.Name), (names.get(lower(s.Name)) ?? 0) + 1);
    if (old.has(s.Id) && !same(old.get(s.Id), s)) out.push(`service ${s.Id} changed`);
    if (
      !old.has(s.Id) &&
      !rows.some((r) => r.approved && !r.productId && lower(r.productName || r.sku) === lower(s.Name))
    )
      out.push(`service '${s.Name}' created for no approved row`);
  }
  for (const [n, c] of names) if (c > 1) out.push(`${c} services named '${n}'`);
  const serviceOf = (r: RowTarget): number | undefined =>
    r.productId
      ? Number(r.productId)
      : final.services.find((s) => lower(s.Name) === lower(r.productName || r.sku))?.Id;

  // The approved count per contract and service.
  const want = new Map<string, { units: number; price: number; cost: number; keys: string[] }>();
  for (const r of rows) {
    if (!r.approved) continue;
    const service = serviceOf(r);
    if (service === undefined) {
      out.push(`no service for approved row ${r.key} (${r.productName || r.sku})`);
      continue;
    }
    const k = `${r.contractId}/${service}`;
    const w = want.get(k) ?? { units: 0, price: r.unitPrice, cost: r.unitCost, keys: [] };
    w.units += r.quantity;
    w.keys.push(r.key);
    want.set(k, w);
  }
  const byTarget = (ls: BmsServiceLine[]) => {
    const m = new Map<string, BmsServiceLine[]>();
    for (const l of ls)
      m.set(`${l.ContractId}/${l.ServiceId}`, [...(m.get(`${l.ContractId}/${l.ServiceId}`) ?? []), l]);
    return m;
  };
  const before = byTarget(initial.lines);
  const after = byTarget(final.lines);
  for (const [k, ls] of after) if (ls.length > 1) out.push(`${ls.length} lines of service ${k}`);
  for (const [k, w] of want) {
    const ls = after.get(k) ?? [];
    if (w.units === 0 && ls.length === 0 && !before.has(k)) continue; // BMS adds no line of 0 units
    if (ls.length !== 1) {
      out.push(`${ls.length} lines for approved rows ${w.keys.join(', ')} (${k})`);
      continue;
    }
    const l = ls[0];
    const diff: string[] = [];
    if (l.Units !== w.units) diff.push(`units ${String(l.Units)}≠${w.units}`);
    if (!near(l.UnitPrice, w.price)) diff.push(`price ${String(l.UnitPrice)}≠${w.price}`);
    if (!near(l.UnitCost, w.cost)) diff.push(`cost ${String(l.UnitCost)}≠${w.cost}`);
    if (diff.length) out.push(`service line ${k}: ${diff.join(', ')}`);
  }
  // Lines no approved row names: as they were (none added, none changed, none deleted).
  for (const [k, ls] of after)
    if (!want.has(k) && !same(ls, before.get(k)))
      out.push(`service line ${k}, which no approved row names, changed`);
  for (const [k] of before) if (!after.has(k)) out.push(`service line ${k} was deleted`);
  return out;
}

/** What BMS bills, without the ids and stamps it handed out (a service BillGrid created is named, not numbered). */
function projectBms(state: BmsState): unknown {
  const name = new Map(state.services.map((s) => [s.Id, s.Name]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) {
    if (VOLATILE.has(k) || k === 'refreshTokens' || k === 'clockOffsetMs') continue;
    if (k === 'lines')
      out[k] = sortByJson(
        state.lines.map(({ Id: _id, CreatedOn: _c, ModifiedOn: _m, ServiceId, ...l }) => ({
          ...l,
          service: name.get(ServiceId),
        })),
      );
    else if (k === 'services') out[k] = sortByJson(state.services.map(({ Id: _id, ...s }) => s));
    else out[k] = v;
  }
  return out;
}

export const hooks: PsaFaultHooks = {
  // The oracle was written for the IT Complete modules' demo counts.
  sources: ['datto-rmm', 'it-glue'],
  writes: [
    // A service line added to, or changed on, a recurring-services contract.
    { method: 'POST', pathPrefix: '/v2/finance/contracts/recurringservices/' },
    { method: 'PUT', pathPrefix: '/v2/finance/contracts/recurringservices/' },
    // A catalogue service created for an auto-created product.
    { method: 'POST', pathPrefix: '/v2/admin/finance/services/services' },
  ],
  reads: { method: 'GET' },
  project: (state) => projectBms(state as BmsState),
  check: (initial, final, rows) => checkBms(initial as BmsState, final as BmsState, rows),
};
