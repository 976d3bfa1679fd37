/**
 * F9 and F4 for longer periods: contracts BillGrid creates say their billing period (Monthly) whatever
 * Autotask would default to (sandbox variants), and unit rows of quarterly and yearly contracts are read and
 * adjusted convergently.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  CONTRACT_PERIOD,
  CONTRACT_PERIOD_DEFAULT_VARIANTS,
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  contractPeriods,
  demoFixture,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { defaultBillingSettings } from '../../../../src/core/settings';
import { gasHttp, isMutation, pushActions, seatReconciler } from './support';

const day = (v: unknown): string => String(v).slice(0, 10);

function connectTo(url: string) {
  const g = gasHttp({ 'https://webservices.autotask.net': url });
  return createAutotaskTarget(
    {
      username: DEMO_USER,
      secret: DEMO_SECRET,
      integrationCode: DEMO_INTEGRATION_CODE,
      materialCodeId: DEMO_MATERIAL_CODE,
    },
    g.reads,
    g.writes,
  );
}

describe.each(CONTRACT_PERIOD_DEFAULT_VARIANTS)('Autotask contract period default: %s (F9)', (variant) => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'autotask', fixture: { ...demoFixture(), variants: { contractPeriodDefault: variant } } },
    ]);
  });
  afterAll(() => sb.stop());

  it('creates a recurring-service contract billed monthly, its unit rows monthly', async () => {
    const target = connectTo(sb.urls.autotask);
    const created = target.createContract({
      companyId: String(companyIdOf('c08')),
      name: 'Contoso Period Test - Managed Services',
      kind: 'recurring-service',
      startDate: '2026-09-01',
    });
    expect(created.created).toBe(true);
    const s = await sb.admin('autotask').state<AtState>();
    const contract = s.entities.Contracts.find((c) => String(c.id) === created.id);
    expect(contract?.contractPeriodType).toBe(CONTRACT_PERIOD.monthly);
    // A service added to it gets one row per month.
    const r = target.addContractService({
      contractId: created.id,
      serviceId: '5010',
      unitPrice: 10,
      unitCost: 5,
    });
    const rows = (await sb.admin('autotask').state<AtState>()).entities.ContractServiceUnits.filter(
      (u) => String(u.contractServiceID) === r.id,
    );
    expect(rows.slice(0, 2).map((u) => [day(u.startDate), day(u.endDate)])).toEqual([
      ['2026-09-01', '2026-09-30'],
      ['2026-10-01', '2026-10-31'],
    ]);
  });
});

describe.each([
  ['quarterly', CONTRACT_PERIOD.quarterly, 3, { start: '2026-07-01', end: '2026-09-30', next: '2026-10-01' }],
  ['yearly', CONTRACT_PERIOD.yearly, 12, { start: '2026-01-01', end: '2026-12-31', next: '2027-01-01' }],
] as const)(
  'Autotask %s contract: unit rows follow the contract period (F4)',
  (_name, period, months, august) => {
    const contract = recurringContractIdOf('c01');
    let sb: RunningSandboxes;
    beforeAll(async () => {
      // c01's contract billed per quarter / year: its unit rows are regenerated with that period.
      const f = demoFixture();
      const c = f.entities.Contracts.find((x) => x.id === contract)!;
      c.contractPeriodType = period;
      const byService = new Map<unknown, Record<string, unknown>>();
      for (const u of f.entities.ContractServiceUnits)
        if (u.contractID === contract) byService.set(u.contractServiceID, u);
      f.entities.ContractServiceUnits = f.entities.ContractServiceUnits.filter(
        (u) => u.contractID !== contract,
      );
      let id = 990000;
      for (const u of byService.values())
        for (const p of contractPeriods(String(c.startDate), String(c.endDate), months))
          f.entities.ContractServiceUnits.push({ ...u, ...p, id: ++id });
      sb = await startSandboxes([{ kind: 'autotask', fixture: f }]);
    });
    afterAll(() => sb.stop());

    const step = (serviceId: number, quantity: number, price: number, effectiveDate: string): PushStep => ({
      idempotencyKey: `p-${serviceId}-${quantity}-${effectiveDate}`,
      operation: 'set-quantity',
      ref: {
        kind: 'quantity',
        companyId: String(companyIdOf('c01')),
        contractId: String(contract),
        productId: String(serviceId),
      },
      lineKeys: [],
      before: null,
      after: {
        quantity,
        unitPrice: price,
        unitCost: 0,
        effectiveDate,
        description: 'seats',
        productName: 'Seats',
        sku: 'SKU',
      },
    });
    const inForce = (s: AtState, serviceId: number, date: string) =>
      s.entities.ContractServiceUnits.filter(
        (r) =>
          r.contractID === contract &&
          r.serviceID === serviceId &&
          day(r.startDate) <= date &&
          day(r.endDate) >= date,
      ).sort((a, b) => day(b.startDate).localeCompare(day(a.startDate)) || Number(b.id) - Number(a.id))[0];

    it('reads the period row in force and adjusts from a date inside it, once', async () => {
      const admin = sb.admin('autotask');
      const s0 = await admin.state<AtState>();
      const first = s0.entities.ContractServiceUnits.find((r) => r.contractID === contract)!;
      expect(day(first.endDate) > '2026-01-31').toBe(true); // not a monthly row
      const serviceId = Number(first.serviceID);
      const was = Number(inForce(s0, serviceId, '2026-11-01').units);
      const steps = [step(serviceId, was + 4, Number(first.price), '2026-11-01')];
      expect(
        connectTo(sb.urls.autotask)
          .applyAll(steps)
          .map((o) => o.status),
      ).toEqual(['applied']);
      const s1 = await admin.state<AtState>();
      expect(inForce(s1, serviceId, '2026-11-01').units).toBe(was + 4);
      // The period row was split at the date: before it the old units are still in force.
      expect(inForce(s1, serviceId, '2026-10-31').units).toBe(was);
      await admin.clearRequests();
      expect(
        connectTo(sb.urls.autotask)
          .applyAll(steps)
          .map((o) => o.status),
      ).toEqual(['unchanged']);
      expect((await admin.requests()).filter(isMutation)).toEqual([]);
      // Reconcile reads the same units.
      const read = connectTo(sb.urls.autotask).readBilling({
        companyIds: [String(companyIdOf('c01'))],
        contractIds: [String(contract)],
        lineKeys: [],
        periodStart: '2026-11-01',
        periodEnd: '2026-11-30',
      });
      expect(
        read.quantities.find((q) => q.ref.kind === 'quantity' && q.ref.productId === String(serviceId))
          ?.quantity,
      ).toBe(was + 4);
    });
    /**
     * F6 on a longer period: a seat change dated 17 August, inside the contract's period holding August (the
     * third quarter, or the year). Prorate on: sent from its date, prorated for the period's days left. Off
     * (this contract's own setting, its client's being on): it waits for the next period's first day, nothing is
     * prorated, and a second push plans nothing.
     */
    describe("proration and the contract's 'prorate' setting (F6)", () => {
      const company = String(companyIdOf('c01'));
      const DAY = 86_400_000;
      const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY + 1;
      const plan = async (prorate: boolean) => {
        await sb.admin('autotask').reset();
        const s = await sb.admin('autotask').state<AtState>();
        const row = inForce(
          s,
          Number(s.entities.ContractServiceUnits.find((r) => r.contractID === contract)!.serviceID),
          '2026-08-17',
        );
        const base = defaultBillingSettings();
        return {
          price: Number(row.price),
          actions: seatReconciler({
            target: () => connectTo(sb.urls.autotask),
            company,
            contract: String(contract),
            serviceId: Number(row.serviceID),
            quantity: Number(row.units) + 2,
            price: Number(row.price),
            effectiveDate: '2026-08-17',
            settings: {
              ...base,
              clients: { [company]: { prorate: !prorate } },
              contracts: { [String(contract)]: { prorate } },
            },
          }),
        };
      };
      const prorations = async () => (await sb.admin('autotask').state<AtState>()).prorations ?? [];

      it(`on: prorated once over the period's days (${august.start} to ${august.end})`, async () => {
        const { price, actions } = await plan(true);
        const first = actions();
        expect(first).toMatchObject([{ action: 'set-quantity', after: { effectiveDate: '2026-08-17' } }]);
        expect(pushActions(connectTo(sb.urls.autotask), first)).toEqual(['applied']);
        expect(await prorations()).toEqual([
          expect.objectContaining({
            periodStart: august.start,
            periodEnd: august.end,
            unitChange: 2,
            amount:
              Math.round(
                ((2 * price * days('2026-08-17', august.end)) / days(august.start, august.end)) * 10_000,
              ) / 10_000,
          }),
        ]);
        expect(actions()).toMatchObject([{ action: 'none' }]);
      });

      it(`off: waits for ${august.next}, nothing prorated, a second push sends nothing`, async () => {
        const { actions } = await plan(false);
        const first = actions();
        expect(first).toMatchObject([{ action: 'set-quantity', after: { effectiveDate: august.next } }]);
        expect(pushActions(connectTo(sb.urls.autotask), first)).toEqual(['applied']);
        expect(await prorations()).toEqual([]);
        await sb.admin('autotask').clearRequests();
        expect(actions()).toMatchObject([{ action: 'none' }]);
        expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
      });
    });
  },
);
