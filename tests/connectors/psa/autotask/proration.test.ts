/**
 * F6 (proration): Autotask prorates a unit change effective inside a billing period into an extra invoice
 * line that cannot be deleted. The sandbox records those lines; a seat change BillGrid sends from the
 * period's first day costs none, one from mid-period costs exactly one, and a re-run (or a retry after a
 * crash) adds no +n/−n pair.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { defaultBillingSettings, type BillingSettings } from '../../../../src/core/settings';
import { gasHttp, isMutation, pushActions, seatReconciler } from './support';

const day = (v: unknown): string => String(v).slice(0, 10);
const contract = recurringContractIdOf('c01');

describe('Autotask proration of mid-period unit changes (F6)', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'autotask' }]);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('autotask').reset());

  const connect = () => {
    const g = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
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
  };
  /** c01's first contract service as October starts: its service, units and price. */
  const october = async () => {
    const s = await sb.admin('autotask').state<AtState>();
    const row = s.entities.ContractServiceUnits.filter(
      (u) => u.contractID === contract && day(u.startDate) === '2026-10-01',
    ).sort((a, b) => Number(a.serviceID) - Number(b.serviceID))[0];
    return { serviceId: Number(row.serviceID), units: Number(row.units), price: Number(row.price) };
  };
  const step = (serviceId: number, quantity: number, unitPrice: number, effectiveDate: string): PushStep => ({
    idempotencyKey: `prorate-${quantity}-${effectiveDate}`,
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
      unitPrice,
      unitCost: 0,
      effectiveDate,
      description: 'seats',
      productName: 'Seats',
      sku: 'SKU',
    },
  });
  const prorations = async () => (await sb.admin('autotask').state<AtState>()).prorations ?? [];

  it("a change from the period's first day is not prorated; a re-run sends nothing", async () => {
    const { serviceId, units, price } = await october();
    const s = step(serviceId, units + 3, price, '2026-10-01');
    expect(connect().applyAll([s])[0].status).toBe('applied');
    expect(await prorations()).toEqual([]);
    await sb.admin('autotask').clearRequests();
    expect(connect().applyAll([s])[0].status).toBe('unchanged');
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });

  it('a change from mid-period is prorated once, for the days left; a retry adds no +n/−n pair', async () => {
    const { serviceId, units, price } = await october();
    const s = step(serviceId, units + 3, price, '2026-10-17');
    expect(connect().applyAll([s])[0].status).toBe('applied');
    // 17 to 31 October: 15 of the period's 31 days.
    expect(await prorations()).toEqual([
      expect.objectContaining({
        contractID: contract,
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        effectiveDate: '2026-10-17',
        unitChange: 3,
        amount: Math.round(((3 * price * 15) / 31) * 10_000) / 10_000,
      }),
    ]);
    // The same step again (a re-run, or the retry after a crash once the adjustment landed) reads the new row.
    expect(connect().applyAll([s])[0].status).toBe('unchanged');
    expect(await prorations()).toHaveLength(1);
  });

  describe("the setting 'prorate' (F6): a seat change dated 17 October", () => {
    const company = String(companyIdOf('c01'));
    const plan = async (settings: BillingSettings) => {
      const { serviceId, units, price } = await october();
      return seatReconciler({
        target: connect,
        company,
        contract: String(contract),
        serviceId,
        quantity: units + 3,
        price,
        effectiveDate: '2026-10-17',
        settings,
      });
    };
    const base = defaultBillingSettings();

    it('on (as left out): the change is sent from its date and prorated once', async () => {
      const actions = await plan(base);
      const first = actions();
      expect(first).toMatchObject([{ action: 'set-quantity', after: { effectiveDate: '2026-10-17' } }]);
      expect(pushActions(connect(), first)).toEqual(['applied']);
      expect(await prorations()).toHaveLength(1);
      expect(actions()).toMatchObject([{ action: 'none' }]);
    });

    it('off: the change waits for 1 November, nothing is prorated, and a second push plans nothing', async () => {
      const actions = await plan({ ...base, clients: { [company]: { prorate: false } } });
      const first = actions();
      expect(first).toMatchObject([{ action: 'set-quantity', after: { effectiveDate: '2026-11-01' } }]);
      expect(pushActions(connect(), first)).toEqual(['applied']);
      expect(await prorations()).toEqual([]);
      await sb.admin('autotask').clearRequests();
      expect(actions()).toMatchObject([{ action: 'none' }]);
      expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
    });

    it("a contract's own setting wins over its client's, both ways", async () => {
      const contractOn = await plan({
        ...base,
        clients: { [company]: { prorate: false } },
        contracts: { [String(contract)]: { prorate: true } },
      });
      expect(contractOn()).toMatchObject([
        { action: 'set-quantity', after: { effectiveDate: '2026-10-17' } },
      ]);
      const contractOff = await plan({
        ...base,
        clients: { [company]: { prorate: true } },
        contracts: { [String(contract)]: { prorate: false } },
      });
      expect(contractOff()).toMatchObject([
        { action: 'set-quantity', after: { effectiveDate: '2026-11-01' } },
      ]);
    });
  });
});
