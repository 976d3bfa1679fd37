/**
 * A large MSP's month for the benchmark: `clients` Pax8 companies ("Company 001"…) with `rounds` sets of
 * subscriptions each, `subaccounts` Twilio subaccounts named like the first companies, and an Autotask
 * database where most clients already have a recurring contract with some contract services.
 */
import { demoFixture as autotaskDemo } from '../sandbox/autotask/fixture';
import type { AtState } from '../sandbox/autotask/fixture';
import { bigFixture as pax8Big } from '../sandbox/pax8/fixture';
import { bigFixture as twilioBig } from '../sandbox/twilio/fixture';

export interface BigMonth {
  pax8: ReturnType<typeof pax8Big>;
  twilio: ReturnType<typeof twilioBig>;
  autotask: AtState;
}

const name = (i: number) => `Company ${String(i).padStart(3, '0')}`;

export function bigMonth(clients: number, subaccounts: number, rounds: number): BigMonth {
  const pax8 = pax8Big(clients, '2026-10', rounds);
  const twilio = twilioBig(subaccounts, '2026-10');
  twilio.subaccounts.forEach((s, i) => {
    s.friendlyName = name(i + 1);
  });
  const at = autotaskDemo();
  // The real hourly budget is 10,000 requests; at that rate a month this size is spread over several
  // hours of continuations. The bench measures requests, so it lifts the budget rather than wait.
  at.limits.hourlyRequests = 10_000_000;
  const services = at.entities.Services;
  const bp = services.find((s) => String(s.sku) === 'MST-M365-BP-NCE-1M') ?? services[0];
  const companies = [];
  const contracts = [];
  const contractServices = [];
  const units = [];
  let unitId = 1_000_000;
  for (let i = 1; i <= clients; i++) {
    const companyID = 200_000 + i;
    companies.push({
      id: companyID,
      companyName: name(i),
      companyType: 1,
      isActive: true,
      phone: '',
      ownerResourceID: 29682885,
    });
    if (i % 10 === 0) continue; // one client in ten has no contract yet
    const contractID = 300_000 + i;
    contracts.push({
      id: contractID,
      companyID,
      contractName: `${name(i)} - Managed Services`,
      contractType: 7,
      status: 1,
      startDate: '2026-10-01T00:00:00Z',
      endDate: '2026-12-31T00:00:00Z',
      timeReportingRequiresStartAndStopTimes: 1,
    });
    const csId = 400_000 + i;
    contractServices.push({
      id: csId,
      contractID,
      serviceID: bp.id,
      unitPrice: bp.unitPrice,
      unitCost: bp.unitCost,
      adjustedPrice: bp.unitPrice,
      invoiceDescription: String(bp.name),
      internalDescription: '',
    });
    for (const [start, end] of [
      ['2026-10-01', '2026-10-31'],
      ['2026-11-01', '2026-11-30'],
      ['2026-12-01', '2026-12-31'],
    ]) {
      units.push({
        id: ++unitId,
        contractID,
        contractServiceID: csId,
        serviceID: bp.id,
        startDate: `${start}T00:00:00Z`,
        endDate: `${end}T00:00:00Z`,
        units: 10 + (i % 7),
        price: bp.unitPrice,
        cost: bp.unitCost,
        approveAndPostDate: null,
      });
    }
  }
  at.entities.Companies = companies;
  at.entities.Contracts = contracts;
  at.entities.ContractServices = contractServices;
  at.entities.ContractServiceUnits = units;
  at.entities.ContractCharges = [];
  at.entities.ContractServiceAdjustments = [];
  return { pax8, twilio, autotask: at };
}
