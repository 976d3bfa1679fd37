/**
 * Default-item mode on Autotask (#15 item 6), end to end through reconcile, the push plan and the sandbox:
 * products not yet mapped go to the defaults. On Autotask the default item is a billing code, which a
 * charge takes (a Material code), while a recurring line needs a contract service, hence a Service: the
 * default service (`codes.defaultService`). Before the fix the recurring line was sent with the billing
 * code as its service id and failed ("… is not an Autotask service").
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  SERVICE_PERIODS,
  companyIdOf,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { descriptor } from '../../../../src/connectors/psa/autotask/descriptor';
import type { Mappings } from '../../../../src/core/mapping';
import { reconcile } from '../../../../src/core/reconcile';
import { defaultBillingSettings, type BillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { keyed, raw } from '../../../core/fixtures';
import { gasHttp, isMutation, pushActions } from './support';

const SERVICE = 5010; // Managed Endpoint, a Service of the demo tenant
const SERVICE_CODE = 29682801; // 'Recurring Services', a Service billing code (useType 5)
const company = String(companyIdOf('c01'));
const contract = recurringContractIdOf('c01');

describe('Autotask default-item mode (unmapped products go to the defaults)', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'autotask' }]);
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
  // Nothing mapped but the client and its contract.
  const maps: Mappings = {
    clients: [
      {
        source: 'market',
        customerId: 'cust-1',
        customerName: 'Acme',
        companyId: company,
        status: 'confirmed',
        score: null,
      },
    ],
    products: [],
    contracts: [{ source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: String(contract) }],
  };
  const lines = keyed([
    raw({ sku: 'NEW-SEATS', productName: 'New seats', quantity: 7, unitPrice: 45, unitCost: 0, total: 315 }),
    raw({
      sku: 'NEW-USAGE',
      productName: 'New usage',
      chargeType: 'usage',
      subscriptionId: 'sub-2',
      quantity: 3,
      unitPrice: 2.5,
      unitCost: 1,
      total: 7.5,
    }),
  ]);
  const settingsWith = (codes: Partial<BillingSettings['global']['codes']>): BillingSettings => {
    const base = defaultBillingSettings();
    return {
      ...base,
      global: {
        ...base.global,
        productLifecycle: 'default-item',
        codes: { ...base.global.codes, itemCode: String(DEMO_MATERIAL_CODE), ...codes },
      },
    };
  };
  const plan = (settings: BillingSettings) =>
    reconcile({
      lines,
      state: connect().readBilling({
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        companyIds: [company],
        contractIds: [String(contract)],
        lineKeys: lines.map((l) => l.key),
      }),
      resolver: mappingTargetResolver(maps, settings),
      capabilities: descriptor.capabilities,
      psaCurrency: 'USD',
    }).actions;

  it('a recurring line goes to the default service, a usage line to the material code; a re-run sends nothing', async () => {
    await sb.admin('autotask').reset();
    const settings = settingsWith({ defaultService: String(SERVICE) });
    const first = plan(settings);
    expect(first.map((a) => a.ref?.kind)).toEqual(['charge', 'quantity']);
    expect(first[1].ref).toMatchObject({ productId: String(SERVICE), contractId: String(contract) });
    expect(pushActions(connect(), first)).toEqual(['applied', 'applied']);

    const s = await sb.admin('autotask').state<AtState>();
    const charge = s.entities.ContractCharges.find((c) => String(c.name).includes(lines[1].key));
    expect(charge).toMatchObject({
      contractID: contract,
      billingCodeID: DEMO_MATERIAL_CODE,
      unitQuantity: 3,
    });
    const units = s.entities.ContractServiceUnits.filter(
      (u) =>
        u.contractID === contract &&
        u.serviceID === SERVICE &&
        String(u.startDate).slice(0, 10) <= '2026-10-01' &&
        String(u.endDate).slice(0, 10) >= '2026-10-01',
    ).sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)) || Number(b.id) - Number(a.id));
    expect(units[0]?.units).toBe(7);

    await sb.admin('autotask').clearRequests();
    expect(plan(settings).map((a) => a.action)).toEqual(['none', 'none']);
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });

  it('without a default service the recurring line is held with the reason; the charge still goes', () => {
    const actions = plan(settingsWith({}));
    const held = actions.find((a) => a.lineKeys.includes(lines[0].key));
    expect(held).toMatchObject({ action: 'blocked', reason: 'unmapped-product' });
    expect(held?.message).toMatch(/no default service is set for recurring lines/);
    expect(actions.find((a) => a.lineKeys.includes(lines[1].key))?.ref?.kind).toBe('charge');
  });
  // #15: Billing cycle → commitment period (ApplicationLink's field table) on the services BillGrid creates.
  it('auto-create: a service created for an annual subscription is billed yearly, a monthly one monthly', async () => {
    await sb.admin('autotask').reset();
    const base = defaultBillingSettings();
    const settings: BillingSettings = {
      ...base,
      global: {
        ...base.global,
        productLifecycle: 'auto-create',
        codes: { ...base.global.codes, itemCode: String(SERVICE_CODE) },
      },
    };
    const seats = keyed([
      raw({
        sku: 'NEW-ANNUAL',
        productName: 'Annual seats',
        cycle: 'annual',
        quantity: 2,
        unitPrice: 240,
        total: 480,
      }),
      raw({
        sku: 'NEW-MONTHLY',
        productName: 'Monthly seats',
        subscriptionId: 'sub-2',
        quantity: 5,
        unitPrice: 20,
        total: 100,
      }),
    ]);
    const actions = reconcile({
      lines: seats,
      state: connect().readBilling({
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        companyIds: [company],
        contractIds: [String(contract)],
        lineKeys: [],
      }),
      resolver: mappingTargetResolver(maps, settings),
      capabilities: descriptor.capabilities,
      psaCurrency: 'USD',
    }).actions;
    expect(pushActions(connect(), actions)).toEqual(['applied', 'applied']);
    const services = (await sb.admin('autotask').state<AtState>()).entities.Services;
    const period = (sku: string) =>
      SERVICE_PERIODS.find((p) => p.value === services.find((x) => x.sku === sku)?.periodType)?.label;
    expect([period('NEW-ANNUAL'), period('NEW-MONTHLY')]).toEqual(['Yearly', 'Monthly']);
  });
});
