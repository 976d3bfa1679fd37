/**
 * F5: behaviours Autotask's documentation leaves open, each offered by the sandbox as a variant. BillGrid must
 * bill correctly and converge (second push: no mutating request) under every one.
 */
import { startSandboxes, type Fault, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  ADJUSTMENT_PRICE_VARIANTS,
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  demoFixture,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { gasHttp, isMutation } from './support';

const day = (v: unknown): string => String(v).slice(0, 10);

describe.each(ADJUSTMENT_PRICE_VARIANTS)('Autotask adjustment price behaviour: %s', (variant) => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'autotask', fixture: { ...demoFixture(), variants: { adjustmentPrice: variant } } },
    ]);
  });
  afterAll(() => sb.stop());

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
  const contract = recurringContractIdOf('c01');
  const company = String(companyIdOf('c01'));
  const step = (serviceId: number, quantity: number, unitPrice: number, unitCost: number): PushStep => ({
    idempotencyKey: `v-${serviceId}-${quantity}-${unitPrice}`,
    operation: 'set-quantity',
    ref: { kind: 'quantity', companyId: company, contractId: String(contract), productId: String(serviceId) },
    lineKeys: [],
    before: null,
    after: {
      quantity,
      unitPrice,
      unitCost,
      effectiveDate: '2026-10-01',
      description: 'seats',
      productName: 'Seats',
      sku: 'SKU',
    },
  });
  const rowsOn = (s: AtState, serviceId: number, date: string) =>
    s.entities.ContractServiceUnits.filter(
      (r) =>
        r.contractID === contract &&
        r.serviceID === serviceId &&
        day(r.startDate) <= date &&
        day(r.endDate) >= date,
    );

  it('a price-only change and a units-and-price change land once and then send nothing', async () => {
    const s0 = await sb.admin('autotask').state<AtState>();
    const [a, b] = s0.entities.ContractServiceUnits.filter(
      (r) => r.contractID === contract && day(r.startDate) <= '2026-10-01' && day(r.endDate) >= '2026-10-01',
    ).sort((x, y) => Number(x.serviceID) - Number(y.serviceID));
    const n = (v: unknown) => Number(v);
    const steps = [
      step(n(a.serviceID), n(a.units), n(a.price) + 1.25, n(a.cost)),
      step(n(b.serviceID), n(b.units) + 2, n(b.price) + 0.5, n(b.cost)),
    ];
    const first = connect().applyAll(steps);
    expect(first.map((o) => o.status)).toEqual(['applied', 'applied']);
    const s1 = await sb.admin('autotask').state<AtState>();
    for (const x of steps) {
      const rows = rowsOn(s1, Number(x.ref.kind === 'quantity' ? x.ref.productId : 0), '2026-10-01');
      expect(rows.map((r) => [r.units, r.price])).toEqual([[x.after.quantity, x.after.unitPrice]]);
    }
    // Never a 0-unit adjustment.
    expect(s1.entities.ContractServiceAdjustments.map((r) => r.unitChange)).toEqual([2]);
    await sb.admin('autotask').clearRequests();
    expect(
      connect()
        .applyAll(steps)
        .map((o) => o.status),
    ).toEqual(['unchanged', 'unchanged']);
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });

  /** What the contract bills, without the ids a run happened to hand out. */
  const billed = (s: AtState) => {
    const strip = (rows: Array<Record<string, unknown>>) =>
      rows
        .filter((r) => r.contractID === contract)
        .map(({ id: _id, ...r }) => JSON.stringify(r))
        .sort();
    return {
      units: strip(s.entities.ContractServiceUnits),
      adjustments: strip(s.entities.ContractServiceAdjustments),
      services: strip(s.entities.ContractServices),
    };
  };

  it('ends in the same state whichever request a crash lost (read back before each request)', async () => {
    const admin = sb.admin('autotask');
    await admin.reset();
    const s0 = await admin.state<AtState>();
    const [a] = s0.entities.ContractServiceUnits.filter(
      (r) => r.contractID === contract && day(r.startDate) <= '2026-10-01' && day(r.endDate) >= '2026-10-01',
    );
    // Units and price change together: two requests, the units first.
    const steps = [step(Number(a.serviceID), Number(a.units) + 3, Number(a.price) + 2, Number(a.cost))];
    expect(connect().applyAll(steps)[0].status).toBe('applied');
    const reference = billed(await admin.state<AtState>());
    const lost: Array<[string, Fault]> = [
      ['adjustment lost before', { match: { method: 'POST', pathIncludes: 'Adjustments' }, drop: true }],
      [
        'adjustment crashed after',
        { match: { method: 'POST', pathIncludes: 'Adjustments' }, dropAfterHandling: true },
      ],
      ['price lost before', { match: { method: 'PATCH' }, drop: true }],
      ['price crashed after', { match: { method: 'PATCH' }, dropAfterHandling: true }],
    ];
    for (const [what, fault] of lost) {
      await admin.setState(s0);
      await admin.faults([fault]);
      expect([what, connect().applyAll(steps)[0].status]).toEqual([what, 'failed']);
      await admin.clearFaults();
      connect().applyAll(steps);
      expect([what, billed(await admin.state<AtState>())]).toEqual([what, reference]);
      await admin.clearRequests();
      expect(connect().applyAll(steps)[0].status).toBe('unchanged');
      expect((await admin.requests()).filter(isMutation)).toEqual([]);
    }
  });
});
