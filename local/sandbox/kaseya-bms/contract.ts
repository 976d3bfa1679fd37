/**
 * The Kaseya BMS month for the shared contract suite (local/sandbox/contract.ts): Datto RMM device counts of
 * October 2026 on two accounts' recurring-services contracts (the sandbox's default variant, which reads a
 * contract's services back and changes a line's units in place; the other variants are tested in
 * tests/connectors/psa/kaseya-bms). Acme Dental's two RMM sites bill together on one account (one account ←
 * many organisations): its workstation line goes from 24 to 28, its server line is already right, and a
 * network-device line is added; Blue Harbor's workstation line goes from 40 to 38 and a server line is added.
 * Rules checked (the connector's SOURCES.md, Kaseya's BMS REST v2 description): a contract holds one service
 * line per catalogue service, whose Units are the month's whole count at the line's price and cost; other
 * lines, contracts, accounts and the catalogue are left as they are; nothing is deleted.
 */
import type { RawBillingLine } from '../../../src/core/billing-line';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { codeText, near, type PsaContractFixture } from '../contract';
import { accountIdOf, contractIdOf, demoFixture, SERVICE, type BmsServiceLine } from './fixture';
import type { BmsState } from './server';

const ACME = accountIdOf('c01');
const BLUE = accountIdOf('c03');
const CONTRACT_OF: Record<string, number> = {
  'site-acme-hq': contractIdOf('c01'),
  'site-acme-north': contractIdOf('c01'),
  'site-blueharbor': contractIdOf('c03'),
};
const ACCOUNT_OF: Record<string, number> = {
  'site-acme-hq': ACME,
  'site-acme-north': ACME,
  'site-blueharbor': BLUE,
};
/** Billing type (the source's SKU) → catalogue service, with the catalogue's price and cost. */
const TYPES: Record<string, { service: number; name: string; price: number; cost: number }> = {
  'DATTO-RMM-WORKSTATIONS': { service: SERVICE.rmmWorkstation, name: 'Workstations', price: 12, cost: 3 },
  'DATTO-RMM-SERVERS': { service: SERVICE.rmmServer, name: 'Servers', price: 45, cost: 8 },
  'DATTO-RMM-NETWORK-DEVICES': { service: SERVICE.rmmNetwork, name: 'Network devices', price: 6, cost: 1 },
};

const raw = (site: string, sku: string, quantity: number): RawBillingLine => {
  const t = TYPES[sku];
  return {
    source: 'datto-rmm',
    customerId: site,
    customerName: site,
    subscriptionId: `${site}/${sku}`,
    sku,
    productName: `Datto RMM ${t.name}`,
    description: `Datto RMM ${t.name} (Oct 2026)`,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    cycle: 'monthly',
    chargeType: 'recurring',
    quantity,
    unitCost: t.cost,
    unitPrice: t.price,
    total: quantity * t.price,
    currency: 'USD',
    effectiveDate: '2026-10-01',
    orderId: '',
  };
};

const LINES: RawBillingLine[] = [
  raw('site-acme-hq', 'DATTO-RMM-WORKSTATIONS', 20),
  raw('site-acme-north', 'DATTO-RMM-WORKSTATIONS', 8),
  raw('site-acme-hq', 'DATTO-RMM-SERVERS', 3),
  raw('site-acme-hq', 'DATTO-RMM-NETWORK-DEVICES', 3),
  raw('site-blueharbor', 'DATTO-RMM-WORKSTATIONS', 38),
  raw('site-blueharbor', 'DATTO-RMM-SERVERS', 4),
];

const seeded = demoFixture();
/** Where the month's lines land: contract/service pairs. */
const isMine = (l: Pick<BmsServiceLine, 'ContractId' | 'ServiceId'>): boolean =>
  LINES.some((x) => CONTRACT_OF[x.customerId] === l.ContractId && TYPES[x.sku].service === l.ServiceId);

export const contract: PsaContractFixture<BmsState> = {
  kind: 'psa',
  period: { month: '2026-10', start: '2026-10-01', end: '2026-10-31' },
  lines: LINES,
  mappings: {
    clients: Object.entries(ACCOUNT_OF).map(([site, account]) => ({
      source: 'datto-rmm',
      customerId: site,
      customerName: site,
      companyId: String(account),
      status: 'confirmed',
      score: null,
    })),
    products: Object.entries(TYPES).map(([sku, t]) => ({
      source: 'datto-rmm',
      sku,
      productId: String(t.service),
      status: 'confirmed',
    })),
    contracts: Object.entries(CONTRACT_OF).map(([site, contractId]) => ({
      source: 'datto-rmm',
      customerId: site,
      subscriptionId: '',
      contractId: String(contractId),
    })),
  },
  settings: { global: { ...DEFAULT_SETTINGS }, sources: {}, clients: {} },

  check(state, byKey) {
    const out: string[] = [];
    // The month's count per contract and service: the sum over the account's organisations.
    const want = new Map<
      string,
      { contract: number; service: number; units: number; price: number; cost: number }
    >();
    for (const l of byKey.values()) {
      const contractId = CONTRACT_OF[l.customerId];
      const t = TYPES[l.sku];
      const k = `${contractId}/${t.service}`;
      const w = want.get(k) ?? {
        contract: contractId,
        service: t.service,
        units: 0,
        price: l.unitPrice,
        cost: l.unitCost,
      };
      w.units += l.quantity;
      want.set(k, w);
    }
    for (const w of want.values()) {
      const at = state.lines.filter((l) => l.ContractId === w.contract && l.ServiceId === w.service);
      if (at.length !== 1) {
        out.push(`${at.length} lines of service ${w.service} on contract ${w.contract}`);
        continue;
      }
      const l = at[0];
      if (l.Units !== w.units)
        out.push(`service ${w.service} on ${w.contract}: ${String(l.Units)} units, want ${w.units}`);
      if (!near(l.UnitPrice, w.price))
        out.push(`service ${w.service} on ${w.contract}: price ${String(l.UnitPrice)}`);
      if (!near(l.UnitCost, w.cost))
        out.push(`service ${w.service} on ${w.contract}: cost ${String(l.UnitCost)}`);
    }
    // Every other line is as it was; none was deleted.
    const others = (ls: BmsServiceLine[]) => JSON.stringify(ls.filter((l) => !isMine(l)));
    if (others(state.lines) !== others(seeded.lines))
      out.push('service lines BillGrid does not bill changed');
    for (const l of seeded.lines)
      if (!state.lines.some((x) => x.Id === l.Id)) out.push(`service line ${l.Id} was deleted`);
    for (const entity of ['accounts', 'contracts', 'services', 'orgMappings'] as const)
      if (JSON.stringify(state[entity]) !== JSON.stringify(seeded[entity])) out.push(`${entity} changed`);
    return out;
  },

  billed(state) {
    return {
      counts: {
        lines: state.lines.length,
        contracts: state.contracts.length,
        accounts: state.accounts.length,
        services: state.services.length,
      },
      lines: state.lines
        .map(({ Id: _id, CreatedOn: _c, ModifiedOn: _m, SortOrder: _s, ...rest }) => JSON.stringify(rest))
        .sort(),
    };
  },

  // Creates and changes: anything but a GET, a sign-in or a search (a POST that queries).
  // The CRM account's AccountCode.
  accountCodeOf: (state, companyId) =>
    codeText(state.accounts.find((a) => String(a.Id) === companyId)?.AccountCode),
  isMutation: (r) => r.method !== 'GET' && !/\/search$/i.test(r.path) && !/^\/v2\/security\//i.test(r.path),

  malformed: [
    {
      name: "a contract's service line of the month whose Units are not a number",
      spoil(state, _lineKey, line) {
        if (!line) return null;
        const contractId = CONTRACT_OF[line.customerId];
        const service = TYPES[line.sku]?.service;
        const at = state.lines.find((l) => l.ContractId === contractId && l.ServiceId === service);
        if (!at) return null;
        at.Units = 'twelve' as unknown as number;
        return { recordId: String(at.Id) };
      },
    },
  ],
};
