/**
 * An Ingram Micro month into Autotask through core, both sandboxes over the real HTTP path: a client's
 * three orders become contract charges on its recurring contract (one per order line, the order number
 * and serials in the description); pushing again sends nothing.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CLIENT, DEMO_CUSTOMER_NUMBER } from '../../../../local/sandbox/ingram/fixture';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  recurringContractIdOf,
} from '../../../../local/sandbox/autotask/fixture';
import { createIngramSource, ingramHttpPolicy } from '../../../../src/connectors/sources/ingram';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { Mappings } from '../../../../src/core/mapping';
import { buildPushPlan, keyedStep } from '../../../../src/core/push-plan';
import { reconcile } from '../../../../src/core/reconcile';
import { defaultBillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { descriptor as autotask } from '../../../../src/connectors/psa/autotask/descriptor';

const AUTOTASK_CAPABILITIES = autotask.capabilities;
import { gasHttp, isMutation } from '../../psa/autotask/support';
import { stopGasHttp, testHttp } from '../support/gas-http';

const BLUE = 'BLUE HARBOR LOGISTICS INC';

describe('Ingram Micro → Autotask: contract charges per order line', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'ingram' }, { kind: 'autotask' }]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });

  it("three orders for one client → one charge per order line on the client's contract; a second push sends nothing", async () => {
    const t = testHttp(ingramHttpPolicy(), { 'https://api.ingrammicro.com': sb.urls.ingram });
    const src = createIngramSource(
      { ...DEMO_CLIENT, customerNumber: DEMO_CUSTOMER_NUMBER, countryCode: 'US' },
      t.http,
    );
    const pulled = src.pullPeriod({ month: '2026-10', start: '2026-10-01', end: '2026-10-31' });
    const { lines } = assignLineKeys(pulled.lines.filter((l) => l.customerId === BLUE));
    expect(new Set(lines.map((l) => l.orderId)).size).toBe(3);

    const company = String(companyIdOf('c03'));
    const contract = String(recurringContractIdOf('c03'));
    const mappings: Mappings = {
      clients: [
        {
          source: 'ingram',
          customerId: BLUE,
          customerName: BLUE,
          companyId: company,
          status: 'confirmed',
          score: null,
        },
      ],
      products: [],
      contracts: [{ source: 'ingram', customerId: BLUE, subscriptionId: '', contractId: contract }],
    };
    const defaults = defaultBillingSettings();
    const settings = {
      ...defaults,
      global: { ...defaults.global, productLifecycle: 'auto-create' as const },
    };
    const resolver = mappingTargetResolver(mappings, settings);
    const scope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [company],
      contractIds: [contract],
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
    const plan = () => {
      const r = reconcile({
        lines,
        state: connect().readBilling(scope),
        resolver,
        capabilities: AUTOTASK_CAPABILITIES,
        psaCurrency: 'USD',
      });
      return { actions: r.actions, plan: buildPushPlan(r.actions, new Set(lines.map((l) => l.key))) };
    };

    const first = plan();
    expect(first.actions.map((a) => a.action)).toEqual(lines.map(() => 'add-charge'));
    expect(
      connect()
        .applyAll(first.plan.steps.map(keyedStep))
        .map((o) => o.status),
    ).toEqual(lines.map(() => 'applied'));
    const state = await sb
      .admin('autotask')
      .state<{ entities: { ContractCharges: Array<Record<string, unknown>> } }>();
    const charges = state.entities.ContractCharges.filter(
      (c) => String(c.contractID) === contract && lines.some((l) => String(c.name).includes(l.key)),
    );
    expect(charges).toHaveLength(lines.length);
    for (const l of lines) {
      const c = charges.find((x) => String(x.name).includes(l.key))!;
      expect([c.unitQuantity, c.unitPrice, c.unitCost]).toEqual([l.quantity, l.unitPrice, l.unitCost]);
      expect(String(c.description)).toContain(l.orderId);
    }

    const second = plan();
    expect(second.actions.map((a) => a.action)).toEqual(lines.map(() => 'none'));
    await sb.admin('autotask').clearRequests();
    expect(connect().applyAll(second.plan.steps.map(keyedStep))).toEqual([]);
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });
});
