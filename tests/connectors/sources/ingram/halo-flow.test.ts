/**
 * An Ingram Micro month into HaloPSA through core, both sandboxes over the real HTTP path: the Ingram
 * integration is set to "always create new invoices" (as BillingBot recommends for hardware), so a
 * client's three orders become three new Halo invoices, one per order; pushing again sends nothing.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CLIENT, DEMO_CUSTOMER_NUMBER } from '../../../../local/sandbox/ingram/fixture';
import { DEMO_CREDENTIALS } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createIngramSource, ingramHttpPolicy } from '../../../../src/connectors/sources/ingram';
import { createHaloTarget, policy } from '../../../../src/connectors/psa/halo';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { BillingLine } from '../../../../src/core/billing-line';
import type { Mappings } from '../../../../src/core/mapping';
import type { PsaReadScope } from '../../../../src/core/psa';
import { buildPushPlan, keyedStep } from '../../../../src/core/push-plan';
import { reconcile } from '../../../../src/core/reconcile';
import { DEFAULT_SETTINGS, type BillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { descriptor as halo } from '../../../../src/connectors/psa/halo/descriptor';

const HALO_CAPABILITIES = halo.capabilities;
import { TENANT_URL, testHttp as haloHttp } from '../../psa/halo/support/http';
import { CODES } from '../../psa/halo/support/scenario';
import { stopGasHttp, testHttp } from '../support/gas-http';

const BLUE = 'BLUE HARBOR LOGISTICS INC';

describe('Ingram Micro → HaloPSA: a new invoice per order', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'ingram' }, { kind: 'halo' }]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });

  function pullBlueHarbor(): BillingLine[] {
    const t = testHttp(ingramHttpPolicy(), { 'https://api.ingrammicro.com': sb.urls.ingram });
    const src = createIngramSource(
      { ...DEMO_CLIENT, customerNumber: DEMO_CUSTOMER_NUMBER, countryCode: 'US' },
      t.http,
    );
    const pulled = src.pullPeriod({ month: '2026-10', start: '2026-10-01', end: '2026-10-31' });
    expect(pulled.problems).toEqual([]);
    return assignLineKeys(pulled.lines.filter((l) => l.customerId === BLUE)).lines;
  }

  const MAPPINGS: Mappings = {
    clients: [
      {
        source: 'ingram',
        customerId: BLUE,
        customerName: BLUE,
        companyId: '103',
        status: 'confirmed',
        score: null,
      },
    ],
    products: [],
    contracts: [],
  };
  const SETTINGS: BillingSettings = {
    global: {
      ...DEFAULT_SETTINGS,
      productLifecycle: 'auto-create',
      invoiceBehaviour: 'latest',
      codes: CODES,
    },
    sources: { ingram: { invoiceBehaviour: 'new' } },
    clients: {},
  };

  function cycle(lines: BillingLine[]) {
    const t = haloHttp(policy, sb.urls.halo);
    const psa = createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
      now: t.now,
      integrationName: 'Ingram Micro',
    });
    const resolver = mappingTargetResolver(MAPPINGS, SETTINGS);
    const refs = lines.map((l) => resolver.resolve(l, HALO_CAPABILITIES));
    const scope: PsaReadScope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [...new Set(refs.flatMap((r) => (r.ok ? [r.companyId] : [])))],
      contractIds: [
        ...new Set(refs.flatMap((r) => (r.ok && r.ref.kind === 'charge' ? [r.ref.container] : []))),
      ],
      lineKeys: lines.map((l) => l.key),
    };
    const result = reconcile({
      lines,
      state: psa.readBilling(scope),
      resolver,
      capabilities: HALO_CAPABILITIES,
      psaCurrency: null,
    });
    const plan = buildPushPlan(result.actions, new Set(lines.map((l) => l.key)), 'invoice');
    return { result, plan, outcomes: plan.steps.map((s) => psa.apply(keyedStep(s))) };
  }

  it("three orders for one client → three new Halo invoices, each holding its order's lines; a second push sends nothing", async () => {
    const lines = pullBlueHarbor();
    const orders = new Set(lines.map((l) => l.orderId));
    expect(orders.size).toBe(3);
    const before = await sb.admin('halo').state<HaloState>();

    const first = cycle(lines);
    expect(first.result.actions.filter((a) => a.action === 'blocked')).toEqual([]);
    expect(first.outcomes.filter((o) => o.status !== 'applied')).toEqual([]);
    expect(new Set(first.plan.steps.map((s) => (s.ref.kind === 'charge' ? s.ref.container : '')))).toEqual(
      new Set([...orders].map((o) => `new:order:${o}`)),
    );
    const after = await sb.admin('halo').state<HaloState>();
    const created = after.invoices.filter((i) => !before.invoices.some((b) => b.id === i.id));
    expect(created).toHaveLength(3);
    expect(created.every((i) => String(i.client_id) === '103')).toBe(true);
    // Each new invoice holds exactly one order's lines, found by the line keys Halo keeps on them.
    const byOrder = [...orders].map((o) =>
      lines
        .filter((l) => l.orderId === o)
        .map((l) => l.key)
        .sort(),
    );
    const onInvoices = created.map((inv) =>
      inv.lines.map((l) => [l.comment_1, l.item_longdescription].join(' ')),
    );
    for (const keys of byOrder) {
      const holder = onInvoices.filter((texts) => keys.every((k) => texts.some((t) => t.includes(k))));
      expect(holder).toHaveLength(1);
      expect(holder[0]).toHaveLength(keys.length);
    }
    expect(created.flatMap((i) => i.lines.map((l) => l.item_longdescription)).join(' ')).toMatch(
      /S\/N SN[0-9A-F]{10}/,
    );

    await sb.admin('halo').clearRequests();
    const second = cycle(pullBlueHarbor());
    expect(second.result.actions.map((a) => a.action)).toEqual(lines.map(() => 'none'));
    expect(second.plan.steps).toEqual([]);
    const sent = await sb.admin('halo').requests();
    expect(sent.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'))).toEqual([]);
  });
});
