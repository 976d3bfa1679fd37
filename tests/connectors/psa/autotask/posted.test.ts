/**
 * F6 (posted periods): Autotask refuses to change an approved and posted contract period. The sandbox refuses
 * such an adjustment; BillGrid never sends one and gives the row a reason it can act on.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
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
const contract = recurringContractIdOf('c01');

describe('Autotask posted contract periods (F6)', () => {
  let sb: RunningSandboxes;
  let serviceId = 0;
  let units = 0;
  beforeAll(async () => {
    // c01's October is approved and posted for every service.
    const f = demoFixture();
    for (const u of f.entities.ContractServiceUnits) {
      if (u.contractID === contract && day(u.startDate) === '2026-10-01') {
        u.approveAndPostDate = '2026-11-03T00:00:00Z';
        serviceId = Number(u.serviceID);
        units = Number(u.units);
      }
    }
    sb = await startSandboxes([{ kind: 'autotask', fixture: f }]);
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
  const step = (quantity: number, effectiveDate: string, unitPrice: number): PushStep => ({
    idempotencyKey: `posted-${quantity}-${effectiveDate}`,
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

  it('the sandbox refuses an adjustment that would change a posted period', async () => {
    const res = await fetch(`${sb.urls.autotask}/atservicesrest/v1.0/ContractServiceAdjustments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ApiIntegrationCode: DEMO_INTEGRATION_CODE,
        UserName: DEMO_USER,
        Secret: DEMO_SECRET,
      },
      body: JSON.stringify({
        contractID: contract,
        serviceID: serviceId,
        effectiveDate: '2026-10-15',
        unitChange: 1,
      }),
    });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).toMatch(/approved and posted contract period/);
  });

  it('never sends a change into a posted period: the step fails with the reason, nothing is sent', async () => {
    const s0 = await sb.admin('autotask').state<AtState>();
    const price = Number(
      s0.entities.ContractServiceUnits.find((u) => u.contractID === contract && u.serviceID === serviceId)
        ?.price,
    );
    await sb.admin('autotask').clearRequests();
    const [out] = connect().applyAll([step(units + 2, '2026-10-01', price)]);
    expect(out.status).toBe('failed');
    expect(out).toMatchObject({ retryable: false });
    expect(out.status === 'failed' && out.message).toMatch(
      /approved and posted the contract period 2026-10-01 to 2026-10-31/,
    );
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
    // The same units are not a change, posted or not; a date after the posted period goes through.
    expect(connect().applyAll([step(units, '2026-10-01', price)])[0].status).toBe('unchanged');
    expect(connect().applyAll([step(units + 2, '2026-11-01', price)])[0].status).toBe('applied');
  });
});
