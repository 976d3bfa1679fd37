/**
 * The whole month through core: mappings + settings → targets → Halo read → reconcile → push plan → apply,
 * against the Halo sandbox, then the same again (nothing left to do, nothing sent).
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { BillingLine, RawBillingLine } from '../../../../src/core/billing-line';
import type { Mappings } from '../../../../src/core/mapping';
import { buildPushPlan } from '../../../../src/core/push-plan';
import { reconcile } from '../../../../src/core/reconcile';
import { DEFAULT_SETTINGS, type BillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { descriptor } from '../../../../src/connectors/psa/halo/descriptor';
import type { PsaReadScope } from '../../../../src/core/psa';
import { createHaloTarget, policy, type HaloTarget } from '../../../../src/connectors/psa/halo';
import { TENANT_URL, testHttp } from './support/http';
import { CODES, divergence, type Approved } from './support/scenario';

const CUSTOMERS: Record<string, { name: string; companyId: string }> = {
  'px-acme': { name: 'Acme Dental Group, LLC', companyId: '101' },
  'px-blue': { name: 'Blue Harbor Logistics Inc.', companyId: '103' },
  'px-crest': { name: 'Crestview Veterinary Clinic', companyId: '105' },
  'px-evora': { name: 'Evora Consulting S.A.', companyId: '107' },
};

function raw(
  customerId: string,
  sku: string,
  productName: string,
  quantity: number,
  over: Partial<RawBillingLine> = {},
) {
  const unitPrice = 4;
  return {
    source: 'pax8',
    customerId,
    customerName: CUSTOMERS[customerId].name,
    subscriptionId: `sub-${customerId}-${sku}`,
    sku,
    productName,
    description: `${productName} (Oct 2026)`,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    cycle: 'monthly',
    chargeType: 'recurring',
    quantity,
    unitCost: 3.4,
    unitPrice,
    total: quantity * unitPrice,
    currency: 'USD',
    effectiveDate: '2026-10-01',
    orderId: '',
    ...over,
  } satisfies RawBillingLine;
}

const LINES: BillingLine[] = assignLineKeys([
  raw('px-acme', 'MS-365-BP', 'Microsoft 365 Business Premium', 12),
  raw('px-acme', 'MS-TEAMS-ESS', 'Microsoft Teams Essentials', 3),
  raw('px-blue', 'HW-DOCK-01', 'USB-C Dock', 2, { chargeType: 'one-off', orderId: 'SO-77', recordId: 'a' }),
  raw('px-blue', 'HW-CABLE-2M', 'USB-C Cable 2m', 4, {
    chargeType: 'one-off',
    orderId: 'SO-77',
    recordId: 'b',
  }),
  raw('px-blue', 'HW-DOCK-01', 'USB-C Dock', 1, { chargeType: 'one-off', orderId: 'SO-78', recordId: 'c' }),
  raw('px-crest', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 9),
  raw('px-evora', 'MS-DEF-BIZ', 'Microsoft Defender for Business', 5),
]).lines;

const MAPPINGS: Mappings = {
  clients: Object.entries(CUSTOMERS).map(([customerId, c]) => ({
    source: 'pax8',
    customerId,
    customerName: c.name,
    companyId: c.companyId,
    status: 'confirmed',
    score: null,
  })),
  products: [{ source: 'pax8', sku: 'MS-365-BP', productId: '1', status: 'confirmed' }],
  contracts: [],
};

const SETTINGS: BillingSettings = {
  global: { ...DEFAULT_SETTINGS, productLifecycle: 'auto-create', invoiceBehaviour: 'latest', codes: CODES },
  sources: {},
  clients: {
    '101': { invoiceBehaviour: 'new' },
    '103': { invoiceBehaviour: 'new' },
    '107': { invoiceBehaviour: 'recurring', targetInvoiceId: 'recurring:-93' },
  },
};

describe('HaloPSA through core’s reconcile and push plan', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());

  const target = (): HaloTarget => {
    const t = testHttp(policy, sb.urls.halo);
    return createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
      now: t.now,
      integrationName: 'Pax8',
    });
  };

  function cycle(psa: HaloTarget) {
    const resolver = mappingTargetResolver(MAPPINGS, SETTINGS);
    const refs = LINES.map((l) => resolver.resolve(l, descriptor.capabilities));
    const scope: PsaReadScope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [...new Set(refs.flatMap((r) => (r.ok ? [r.companyId] : [])))],
      contractIds: [
        ...new Set(refs.flatMap((r) => (r.ok && r.ref.kind === 'charge' ? [r.ref.container] : []))),
      ],
      lineKeys: LINES.map((l) => l.key),
    };
    const result = reconcile({
      lines: LINES,
      state: psa.readBilling(scope),
      resolver,
      capabilities: descriptor.capabilities,
      psaCurrency: null,
    });
    const plan = buildPushPlan(result.actions, new Set(LINES.map((l) => l.key)), 'invoice');
    return { result, plan, outcomes: plan.steps.map((s) => psa.apply(s)) };
  }

  it('pushes every behaviour and lifecycle case, then finds nothing left to do', async () => {
    await sb.admin('halo').reset();
    const first = cycle(target());
    expect(first.result.actions.filter((a) => a.action === 'blocked')).toEqual([]);
    expect(first.plan.steps).toHaveLength(LINES.length);
    expect(first.outcomes.filter((o) => o.status !== 'applied')).toEqual([]);

    const approved: Approved[] = first.plan.steps.map((s) => {
      if (s.ref.kind !== 'charge') throw new Error('charges only');
      return {
        key: s.ref.lineKey,
        companyId: s.ref.companyId,
        container: s.ref.container,
        sku: s.after.sku,
        productName: s.after.productName,
        description: s.after.description,
        quantity: s.after.quantity,
        unitPrice: s.after.unitPrice,
        unitCost: s.after.unitCost,
        productId: s.after.productId ?? '',
      };
    });
    expect(approved.map((a) => `${a.companyId} ${a.container}`).sort()).toEqual([
      '101 new:month:2026-10',
      '101 new:month:2026-10',
      '103 new:order:SO-77',
      '103 new:order:SO-77',
      '103 new:order:SO-78',
      '105 latest',
      '107 recurring:-93',
    ]);
    const state = await sb.admin('halo').state<HaloState>();
    expect(divergence(state, approved, 'BillGrid_Pax8')).toEqual([]);
    expect(
      state.items
        .filter((i) => i.assetgroup_name === 'BillGrid_Pax8')
        .map((i) => i.supplier_part_code)
        .sort(),
    ).toEqual(['HW-CABLE-2M', 'HW-DOCK-01', 'MS-DEF-BIZ', 'MS-TEAMS-ESS']);

    await sb.admin('halo').clearRequests();
    const second = cycle(target());
    expect(second.result.actions.map((a) => a.action)).toEqual(LINES.map(() => 'none'));
    expect(second.plan.steps).toEqual([]);
    const sent = await sb.admin('halo').requests();
    expect(sent.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'))).toEqual([]);
  });
});
