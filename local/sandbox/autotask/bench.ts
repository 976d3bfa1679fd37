/**
 * Autotask's part of the bench's month (local/sandbox/bench.ts): every client a company; nine in ten a
 * recurring-service contract whose contract services come from the client's seats — a third exact, a
 * third a few seats off, a third not on the contract yet — so a push has unchanged, adjusted and new
 * quantities, and new charges. Autotask is the bench's reference PSA (naive baseline, 100,000 lines).
 */
import type { MinimumPart, PsaBench } from '../bench';
import type { AtRecord } from './filter';
import { DEMO_SERVICES, demoFixture, type AtState } from './fixture';
import { naive } from './naive';

/** Largest page the API serves (src/connectors/psa/autotask/SOURCES.md). */
const PAGE = 500;
const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const hasContract = (i: number): boolean => i % 10 !== 0;

export const bench: PsaBench<AtState> = {
  kind: 'psa',
  build({ clients, seats, companyName }) {
    const at = demoFixture();
    // Autotask allows 10,000 requests an hour per database; a month this size spreads its writes over
    // hours of continuations on the real API. The bench counts requests, so it lifts the budget rather
    // than wait (the 3-thread limit stays).
    at.limits.hourlyRequests = 100_000_000;
    const serviceBySku = new Map(DEMO_SERVICES.map((s) => [s.sku, s]));
    const companies: AtRecord[] = [];
    const contracts: AtRecord[] = [];
    const contractServices: AtRecord[] = [];
    const units: AtRecord[] = [];
    let unitId = 1_000_000;
    let csId = 400_000;
    for (const i of range(clients)) {
      const companyID = 200_000 + i;
      companies.push({
        id: companyID,
        companyName: companyName(i),
        companyType: 1,
        isActive: true,
        phone: '555-0100',
        ownerResourceID: 29682885,
      });
      if (!hasContract(i)) continue;
      const contractID = 300_000 + i;
      contracts.push({
        id: contractID,
        companyID,
        contractName: `${companyName(i)} - Managed Services`,
        contractType: 7,
        status: 1,
        startDate: '2026-01-01T00:00:00Z',
        endDate: '2027-12-31T00:00:00Z',
        timeReportingRequiresStartAndStopTimes: 1,
      });
      let k = 0;
      for (const [sku, count] of seats.get(i) ?? []) {
        const svc = serviceBySku.get(sku);
        const drift = (i + k++) % 3;
        if (!svc || drift === 2) continue; // not on the contract yet
        const id = ++csId;
        contractServices.push({
          id,
          contractID,
          serviceID: svc.id,
          unitPrice: svc.price,
          unitCost: svc.cost,
          adjustedPrice: svc.price,
          invoiceDescription: svc.name,
          internalDescription: '',
        });
        for (const [start, end] of [
          ['2026-09-01', '2026-09-30'],
          ['2026-10-01', '2026-10-31'],
          ['2026-11-01', '2026-11-30'],
        ]) {
          units.push({
            id: ++unitId,
            contractID,
            contractServiceID: id,
            serviceID: svc.id,
            startDate: `${start}T00:00:00Z`,
            endDate: `${end}T00:00:00Z`,
            units: drift === 0 ? count : count + 2,
            price: svc.price,
            cost: svc.cost,
            approveAndPostDate: null,
          });
        }
      }
    }
    at.entities.Companies = companies;
    at.entities.Contracts = contracts;
    at.entities.ContractServices = contractServices;
    at.entities.ContractServiceUnits = units;
    at.entities.ContractCharges = [];
    at.entities.ContractServiceAdjustments = [];
    return { state: at };
  },
  refreshMinimum(at): MinimumPart[] {
    const e = at.entities;
    return [
      ['companies', pages(e.Companies.length)],
      ['contracts', pages(e.Contracts.length)],
      ['services', pages(e.Services.length)],
      ['billing codes', pages(e.BillingCodes.length)],
    ];
  },
  readMinimum(at, month, after): MinimumPart[] {
    const e = at.entities;
    const last = lastDay(month);
    const inPeriod = e.ContractServiceUnits.filter(
      (u) => String(u.startDate) <= last && String(u.endDate) >= last,
    ).length;
    return [
      ['contracts', pages(e.Contracts.length)],
      ['contract service units in the period', pages(inPeriod)],
      ['contract charges', pages(after?.entities.ContractCharges.length ?? 0)],
    ];
  },
  changes(before, after) {
    const out: Record<string, number> = {};
    // ContractServices and their units change as a consequence of an adjustment (no request of their own).
    const derived = new Set(['ContractServices', 'ContractServiceUnits']);
    for (const [entity, rows] of Object.entries(after.entities)) {
      if (derived.has(entity)) continue;
      const old = new Map((before.entities[entity] ?? []).map((r: AtRecord) => [r.id, JSON.stringify(r)]));
      const n = rows.filter((r) => old.get(r.id) !== JSON.stringify(r)).length;
      if (n) out[entity] = n;
    }
    return out;
  },
  duplicates(after) {
    const dup = (keys: string[]) => keys.length - new Set(keys).size;
    const e = after.entities;
    return {
      'charge keys': dup(
        e.ContractCharges.map((c) => /BG-[0-9a-f]{16}(-\d+)?/.exec(String(c.name))?.[0] ?? '').filter(
          Boolean,
        ),
      ),
      // One adjustment per contract service and effective date: a second one would bill the change twice.
      adjustments: dup(
        e.ContractServiceAdjustments.map((a) => `${a.contractID}/${a.serviceID}/${String(a.effectiveDate)}`),
      ),
    };
  },
  threads: 3,
  // Autotask: 10,000 requests an hour per database, shared with every other integration (SOURCES.md); past
  // 50 % of it Autotask adds latency to each call, which the model leaves out (a lower bound on the wait).
  hostedLimit: { requests: 10_000, windowS: 3600 },
  copiesStateOnWrite: true,
  naive,
};

/** The month's last day, 'YYYY-MM-DD'. */
function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
