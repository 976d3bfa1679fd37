/**
 * The month as the jobs layer runs it, through core's own functions: lines → readBilling → reconcile →
 * push plan → applyAll, then a second read must reconcile to "nothing to do" and a second push must send
 * nothing.
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
} from '../../../../local/sandbox/autotask/fixture';
import type { RawBillingLine } from '../../../../src/core/billing-line';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { Mappings } from '../../../../src/core/mapping';
import { buildPushPlan } from '../../../../src/core/push-plan';
import { reconcile } from '../../../../src/core/reconcile';
import { defaultBillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { descriptor } from '../../../../src/connectors/psa/autotask/descriptor';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { gasHttp, isMutation } from './support';

const raw = (over: Partial<RawBillingLine>): RawBillingLine => ({
  source: 'pax8',
  customerId: 'px-acme',
  customerName: 'Acme Dental Group, LLC',
  subscriptionId: 'sub-1',
  sku: 'M365-BP',
  productName: 'Microsoft 365 Business Premium',
  description: 'Microsoft 365 Business Premium',
  periodStart: '2026-10-01',
  periodEnd: '2026-10-31',
  cycle: 'monthly',
  chargeType: 'recurring',
  quantity: 10,
  unitCost: 22,
  unitPrice: 26.4,
  total: 264,
  currency: 'USD',
  effectiveDate: '2026-10-01',
  orderId: '',
  ...over,
});

describe('Autotask with core reconcile and push plan', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'autotask' }]);
  });
  afterAll(() => sb.stop());

  it('converges in one push and then has nothing to do', async () => {
    const acme = String(companyIdOf('c01'));
    const acmeContract = String(recurringContractIdOf('c01'));
    const blue = String(companyIdOf('c03'));
    const blueContract = String(recurringContractIdOf('c03'));
    // What the demo Autotask holds for Acme in October (derived from the Pax8 demo, with drift).
    const rows = demoFixture().entities.ContractServiceUnits.filter(
      (r) => r.contractID === Number(acmeContract) && r.startDate === '2026-10-01T00:00:00Z',
    );
    const bp = rows.find((r) => r.serviceID === 5011)!;
    const exo = rows.find((r) => r.serviceID === 5004)!;
    const { lines } = assignLineKeys([
      raw({ subscriptionId: 'sub-1', quantity: 10, unitPrice: Number(bp.price), unitCost: Number(bp.cost) }),
      raw({ subscriptionId: 'sub-2', quantity: 5, unitPrice: Number(bp.price), unitCost: Number(bp.cost) }), // 15 seats in all
      raw({
        sku: 'EXO-P1',
        productName: 'Exchange Online (Plan 1)',
        quantity: Number(exo.units),
        unitPrice: Number(exo.price),
        unitCost: Number(exo.cost),
      }), // already right
      raw({
        sku: 'M365-BP',
        chargeType: 'pro-rata',
        productName: 'Microsoft 365 Business Premium',
        description: 'Pro-rata: 2 seats from Oct 20',
        quantity: 2,
        unitPrice: 10.22,
        unitCost: 8.52,
        effectiveDate: '2026-10-20',
      }),
      raw({
        source: 'twilio',
        customerId: 'AC-blue',
        customerName: 'Blue Harbor Logistics',
        subscriptionId: '',
        sku: 'TWILIO-VOICE',
        productName: 'Twilio voice usage',
        description: 'Voice minutes, October',
        cycle: 'usage',
        chargeType: 'usage',
        quantity: 1834,
        unitPrice: 0.02,
        unitCost: 0.013,
        effectiveDate: '2026-10-31',
      }),
    ]);
    const mappings: Mappings = {
      clients: [
        {
          source: 'pax8',
          customerId: 'px-acme',
          customerName: 'Acme',
          companyId: acme,
          status: 'confirmed',
          score: null,
        },
        {
          source: 'twilio',
          customerId: 'AC-blue',
          customerName: 'Blue',
          companyId: blue,
          status: 'confirmed',
          score: null,
        },
      ],
      products: [
        { source: 'pax8', sku: 'M365-BP', productId: '5011', status: 'confirmed' },
        { source: 'pax8', sku: 'EXO-P1', productId: '5004', status: 'confirmed' },
        { source: 'twilio', sku: 'TWILIO-VOICE', productId: '5007', status: 'confirmed' },
      ],
      contracts: [
        { source: 'pax8', customerId: 'px-acme', subscriptionId: '', contractId: acmeContract },
        { source: 'twilio', customerId: 'AC-blue', subscriptionId: '', contractId: blueContract },
      ],
    };
    const resolver = mappingTargetResolver(mappings, defaultBillingSettings());
    const scope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [acme, blue],
      contractIds: [acmeContract, blueContract],
      lineKeys: lines.map((l) => l.key),
    };
    const connect = () => {
      const g = gasHttp({ 'https://*.autotask.net': sb.urls.autotask });
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
    const plan = (target: ReturnType<typeof connect>) => {
      const r = reconcile({
        lines,
        state: target.readBilling(scope),
        resolver,
        capabilities: descriptor.capabilities,
        psaCurrency: 'USD',
      });
      return { actions: r.actions, plan: buildPushPlan(r.actions, new Set(lines.map((l) => l.key))) };
    };

    const first = plan(connect());
    expect(first.actions.map((a) => a.action).sort()).toEqual([
      'add-charge',
      'add-charge',
      'none',
      'set-quantity',
    ]);
    const outcomes = connect().applyAll(first.plan.steps);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);

    const second = plan(connect());
    expect(second.actions.map((a) => a.action)).toEqual(['none', 'none', 'none', 'none']);
    await sb.admin('autotask').clearRequests();
    expect(
      connect()
        .applyAll(first.plan.steps)
        .map((o) => o.status),
    ).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });
});
