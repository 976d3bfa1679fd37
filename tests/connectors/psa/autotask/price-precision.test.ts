/**
 * Autotask keeps a charge's unit price to 4 decimals. A Crayon Azure line of 113.5 × 0.02024 bills 2.30
 * (2.29724 to the cent); sent as it is, Autotask keeps 113.5 × 0.0202 and bills 2.2927, i.e. 2.29, and a
 * 0.005 price tolerance would never notice. Such a line must go as 1 × 2.30 with "113.5 × 0.02024" in the
 * description, and a re-run must plan nothing.
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
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { descriptor } from '../../../../src/connectors/psa/autotask/descriptor';
import type { BillingLine } from '../../../../src/core/billing-line';
import type { Mappings } from '../../../../src/core/mapping';
import { extendedCents } from '../../../../src/core/money';
import type { PsaBillingState } from '../../../../src/core/psa';
import { buildPushPlan, keyedStep } from '../../../../src/core/push-plan';
import { reconcile, type ReconcileAction } from '../../../../src/core/reconcile';
import { defaultBillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { keyed, raw } from '../../../core/fixtures';
import { gasHttp, isMutation } from './support';

const COMPANY = companyIdOf('c01');
const CONTRACT = recurringContractIdOf('c01');

const maps: Mappings = {
  clients: [
    {
      source: 'crayon',
      customerId: 'cr-1',
      customerName: 'Acme',
      companyId: String(COMPANY),
      status: 'confirmed',
      score: null,
    },
  ],
  products: [
    { source: 'crayon', sku: 'AZ-PLAN', productId: String(DEMO_MATERIAL_CODE), status: 'manual' },
    { source: 'crayon', sku: 'EGRESS', productId: String(DEMO_MATERIAL_CODE), status: 'manual' },
    { source: 'crayon', sku: 'SEATS', productId: String(DEMO_MATERIAL_CODE), status: 'manual' },
  ],
  contracts: [{ source: 'crayon', customerId: 'cr-1', subscriptionId: '', contractId: String(CONTRACT) }],
};

const usage = (sku: string, quantity: number, unitPrice: number, unitCost: number) =>
  raw({
    source: 'crayon',
    customerId: 'cr-1',
    subscriptionId: `sub-${sku}`,
    sku,
    productName: sku,
    description: `${sku} October 2026`,
    cycle: 'usage',
    chargeType: 'usage',
    quantity,
    unitPrice,
    unitCost,
    total: Number(extendedCents(quantity, unitPrice)) / 100,
  });

const LINES: BillingLine[] = keyed([
  usage('AZ-PLAN', 113.5, 0.02024, 0.0171), // 2.30 at the source, 2.29 at 4-decimal prices
  usage('EGRESS', 1534.123456, 0.00791234, 0.0051), // fractional quantity too: 12.14 vs 12.12
  usage('SEATS', 3, 12.5, 10), // 4 decimals reproduce it: sent as it is
]);

function plan(state: PsaBillingState): ReconcileAction[] {
  return reconcile({
    lines: LINES,
    state,
    resolver: mappingTargetResolver(maps, defaultBillingSettings()),
    capabilities: descriptor.capabilities,
    psaCurrency: 'USD',
  }).actions;
}

describe('Autotask charges whose 4-decimal price cannot bill the line (the 2.30 → 2.29 Azure line)', () => {
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
  const scope = {
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    companyIds: [String(COMPANY)],
    contractIds: [String(CONTRACT)],
    lineKeys: LINES.map((l) => l.key),
  };
  const chargeOf = async (l: BillingLine) =>
    (await sb.admin('autotask').state<AtState>()).entities.ContractCharges.find((c) =>
      String(c.name).includes(l.key),
    );

  it('bills what the source billed, and a second push plans and sends nothing', async () => {
    const target = connect();
    const first = plan(target.readBilling(scope));
    expect(first.map((a) => [a.action, a.message])).toEqual([
      ['add-charge', expect.stringMatching(/^Add charge: /)],
      ['add-charge', expect.stringMatching(/^Add charge: /)],
      ['add-charge', expect.stringMatching(/^Add charge: /)],
    ]);
    const steps = buildPushPlan(first, new Set(LINES.map((l) => l.key))).steps.map(keyedStep);
    expect(target.applyAll(steps).map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);

    // What Autotask bills (quantity × its 4-decimal price, to the cent) is what the source billed.
    for (const l of LINES) {
      const c = await chargeOf(l);
      const billed = Number(extendedCents(Number(c?.unitQuantity), Number(c?.unitPrice))) / 100;
      expect({ sku: l.sku, billed }).toEqual({
        sku: l.sku,
        billed: Number(extendedCents(l.quantity, l.unitPrice)) / 100,
      });
    }
    expect(await chargeOf(LINES[0])).toMatchObject({
      unitQuantity: 1,
      unitPrice: 2.3,
      unitCost: 1.9409, // 113.5 × 0.0171 = 1.94085
      description: '113.5 × 0.02024: AZ-PLAN October 2026',
    });
    expect(await chargeOf(LINES[1])).toMatchObject({ unitQuantity: 1, unitPrice: 12.14 });
    expect(await chargeOf(LINES[2])).toMatchObject({
      unitQuantity: 3,
      unitPrice: 12.5,
      description: 'SEATS October 2026',
    });

    // Re-run: reconcile compares by amount and plans nothing; the steps, forced, send nothing either.
    await sb.admin('autotask').clearRequests();
    const again = plan(connect().readBilling(scope));
    expect(again.map((a) => [a.action, a.message])).toEqual([
      ['none', 'Already in the PSA'],
      ['none', 'Already in the PSA'],
      ['none', 'Already in the PSA'],
    ]);
    expect(
      connect()
        .applyAll(steps)
        .map((o) => o.status),
    ).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });

  it('corrects a charge an earlier push left at the rounded price, and a changed line changes it', async () => {
    await sb.admin('autotask').reset();
    const target = connect();
    // As today's code sent it: 113.5 × 0.0202 (Autotask rounded the price), billing 2.29.
    const [az] = LINES;
    const old = buildPushPlan(plan(target.readBilling(scope)), new Set([az.key])).steps.map(keyedStep);
    expect(target.applyAll(old).map((o) => o.status)).toEqual(['applied']);
    const s = await sb.admin('autotask').state<AtState>();
    const saved = s.entities.ContractCharges.find((c) => String(c.name).includes(az.key));
    Object.assign(saved ?? {}, {
      unitQuantity: 113.5,
      unitPrice: 0.0202,
      description: 'AZ-PLAN October 2026',
    });
    await sb.admin('autotask').setState(s);
    const fix = plan(connect().readBilling(scope)).find((a) => a.lineKeys[0] === az.key);
    expect(fix).toMatchObject({
      action: 'update-charge',
      message: 'Update charge: 113.5 × 0.0202 → 1 × 2.3 (113.5 × 0.02024)',
    });
    expect(
      connect().applyAll(buildPushPlan([fix as ReconcileAction], new Set([az.key])).steps.map(keyedStep)),
    ).toEqual([expect.objectContaining({ status: 'applied' })]);
    expect(await chargeOf(az)).toMatchObject({ unitQuantity: 1, unitPrice: 2.3 });
    // The source corrects the line to 120 × 0.02024 = 2.43: the amount changes, so the charge does.
    const moved = keyed([usage('AZ-PLAN', 120, 0.02024, 0.0171)])[0];
    expect(moved.key).toBe(az.key);
    const next = reconcile({
      lines: [moved],
      state: connect().readBilling(scope),
      resolver: mappingTargetResolver(maps, defaultBillingSettings()),
      capabilities: descriptor.capabilities,
      psaCurrency: 'USD',
    }).actions;
    expect(next).toMatchObject([
      { action: 'update-charge', message: 'Update charge: 1 × 2.3 → 1 × 2.43 (120 × 0.02024)' },
    ]);
  });
});
