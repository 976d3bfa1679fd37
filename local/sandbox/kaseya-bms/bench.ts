/**
 * Kaseya BMS's part of the bench's month (local/sandbox/bench.ts): every client a CRM account; nine in ten
 * a recurring-services contract whose service lines come from the client's seats — a third exact, a third
 * a few units off, a third not on the contract yet — so a push has unchanged, changed and new lines; a
 * catalogue service for two products in three (the push creates the others, found by name). The sandbox's
 * default variant (a contract's services read back, a line's units changed in place). Usage and one-off
 * charges are held by BillGrid before the push (BMS takes no charges: CHARGE_REFUSED), so they cost nothing.
 */
import type { MinimumPart, PsaBench } from '../bench';
import {
  demoFixture,
  type BmsContract,
  type BmsFixture,
  type BmsServiceLine,
  type BmsService,
} from './fixture';

/** Largest page the API serves (src/connectors/psa/kaseya-bms/SOURCES.md: 100 records a page). */
const PAGE = 100;
const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const hasContract = (i: number): boolean => i % 10 !== 0;
const accountId = (i: number): number => 100_000 + i;
const contractId = (i: number): number => 200_000 + i;
const key = (l: Pick<BmsServiceLine, 'ContractId' | 'ServiceId'>): string => `${l.ContractId}/${l.ServiceId}`;

export const bench: PsaBench<BmsFixture> = {
  kind: 'psa',
  build({ clients, seats, products, companyName }) {
    const f = demoFixture();
    // Kaseya allows 1,500 calls an hour per endpoint; the bench counts requests instead of waiting (its
    // elapsed time under the limit is modelled from `hostedLimit`), so the sandbox's limit is lifted.
    // BillGrid's own pacer still stops before 1,500 calls on one endpoint in a clock hour.
    f.hourlyLimit = 100_000_000;
    const account = f.accounts[0];
    f.accounts = range(clients).map((i) => ({
      ...account,
      Id: accountId(i),
      AccountName: companyName(i),
      AccountCode: `BENCH${i}`,
    }));
    const template = f.contracts[0];
    f.contracts = range(clients)
      .filter(hasContract)
      .map((i): BmsContract => ({
        ...template,
        Id: contractId(i),
        AccountId: accountId(i),
        ContractName: `Managed Services ${companyName(i)}`,
        ContractNumber: `CN-${i}`,
      }));
    // A catalogue service for two products in three (by first appearance), named as the product.
    let serviceId = 10_000;
    const catalogue = new Map<string, BmsService>();
    products.forEach((p, k) => {
      if (k % 3 === 2) return;
      catalogue.set(p.sku, {
        Id: ++serviceId,
        Name: p.name,
        Description: p.sku,
        UnitCost: p.cost,
        UnitPrice: p.price,
        IsActive: true,
      });
    });
    f.services = [...f.services, ...catalogue.values()];
    let lineId = 5_000_000;
    const lines: BmsServiceLine[] = [];
    for (const i of range(clients).filter(hasContract)) {
      let k = 0;
      for (const [sku, count] of seats.get(i) ?? []) {
        const s = catalogue.get(sku);
        const drift = (i + k++) % 3;
        if (!s || drift === 2) continue; // not on the contract yet
        lines.push({
          Id: ++lineId,
          ContractId: contractId(i),
          ServiceId: s.Id,
          ServiceName: s.Name,
          Description: s.Description,
          Units: drift === 0 ? count : count + 2,
          UnitCost: s.UnitCost,
          UnitPrice: s.UnitPrice,
          EffectiveDate: '2026-01-01T00:00:00',
          SortOrder: 0,
          CreatedOn: '2026-01-01T09:00:00',
          ModifiedOn: '2026-01-01T09:00:00',
        });
      }
    }
    f.lines = lines;
    // No KaseyaOne organisation mappings in the bench: clients are matched by name.
    f.orgMappings = [];
    f.moduleOrganizations = [];
    return { state: f };
  },
  refreshMinimum: (f): MinimumPart[] => [
    ['accounts', pages(f.accounts.length)],
    ['contracts (summary)', pages(f.contracts.length)],
    ['services (catalogue)', pages(f.services.length)],
    ['KaseyaOne status, modules, organisation mappings', 3],
  ],
  // No list of service lines exists: one contract read each (GET /v2/finance/contracts/{id}).
  readMinimum: (f): MinimumPart[] => [['contracts with their services (one each)', f.contracts.length]],
  changes(before, after) {
    const out: Record<string, number> = {};
    const old = new Map(before.lines.map((l) => [l.Id, l]));
    for (const l of after.lines) {
      const o = old.get(l.Id);
      const k = !o
        ? 'service lines added'
        : o.Units !== l.Units || o.UnitPrice !== l.UnitPrice || o.UnitCost !== l.UnitCost
          ? 'service lines changed'
          : null;
      if (k) out[k] = (out[k] ?? 0) + 1;
    }
    const services = new Set(before.services.map((s) => s.Id));
    const made = after.services.filter((s) => !services.has(s.Id)).length;
    if (made) out['services created'] = made;
    return out;
  },
  duplicates(f) {
    const dup = (keys: string[]) => keys.length - new Set(keys).size;
    return {
      'service lines per contract and service': dup(f.lines.map(key)),
      'services of one name': dup(f.services.map((s) => s.Name.trim().toLowerCase())),
    };
  },
  // The connector's read and write policies allow 4 requests at once (src/connectors/psa/kaseya-bms/config.ts).
  threads: 4,
  // Kaseya: 1,500 calls an hour per endpoint (SOURCES.md). Modelled as one window for all of the month's
  // requests, an upper bound on the wait: the push's writes all go to one endpoint (POST or PUT of a
  // contract's service) and its reads mostly to another (GET of a contract).
  hostedLimit: { requests: 1500, windowS: 3600 },
};
