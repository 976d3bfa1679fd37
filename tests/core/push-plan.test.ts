import fc from 'fast-check';
import type { BillingLine } from '../../src/core/billing-line';
import type { ClientMapping, ContractMapping, Mappings, ProductMapping } from '../../src/core/mapping';
import { applyModifiers } from '../../src/core/modifiers';
import type { PsaBillingState, PsaChargeNow, PsaQuantityNow } from '../../src/core/psa';
import { buildPushPlan, idempotencyKey, stepKey } from '../../src/core/push-plan';
import { reconcile } from '../../src/core/reconcile';
import type { ReconcileResult } from '../../src/core/reconcile';
import { defaultBillingSettings } from '../../src/core/settings';
import type { BillingSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';
import type { PsaCapabilities } from '../../src/core/targets';
import { applyPlan, applyStep, canonicalState } from '../../src/core/testing/memory-psa';
import { keyed, raw, rawLineArb } from './fixtures';

interface Scenario {
  lines: BillingLine[];
  mappings: Mappings;
  settings: BillingSettings;
  caps: PsaCapabilities;
  state: PsaBillingState;
}

const customers = ['market|c1', 'market|c2', 'market|c3', 'usage|c1', 'usage|c2', 'usage|c3'];
const skus = ['SKU-A', 'SKU-B', 'MST-AZR-PLAN'];

const clientArb = (sc: string): fc.Arbitrary<ClientMapping | null> => {
  const [source, customerId] = sc.split('|');
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: 1 },
    {
      arbitrary: fc.constantFrom('CO1', 'CO2').map((companyId): ClientMapping => ({
        source,
        customerId,
        customerName: '',
        companyId,
        status: 'manual',
        score: null,
      })),
      weight: 4,
    },
    {
      arbitrary: fc.constant<ClientMapping>({
        source,
        customerId,
        customerName: '',
        companyId: null,
        status: 'excluded',
        score: null,
      }),
      weight: 1,
    },
  );
};

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    raws: fc.array(rawLineArb, { maxLength: 25 }),
    clients: fc.tuple(...customers.map(clientArb)),
    products: fc.subarray(['market', 'usage'].flatMap((source) => skus.map((sku) => ({ source, sku })))),
    productIds: fc.constantFrom('P1', 'P2'),
    contracts: fc.subarray(customers, { minLength: 3 }),
    lifecycle: fc.constantFrom('manual', 'default-item', 'auto-create', 'auto-create' as const),
    // Mostly one price per SKU, so several lines can sum into one contract service.
    catalogue: fc.boolean(),
    behaviour: fc.constantFrom('new', 'latest', 'recurring' as const),
    caps: fc.constantFrom(CONTRACT_PSA, INVOICE_PSA),
    collapse: fc.boolean(),
    dropZero: fc.boolean(),
    stateSeed: fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 0, max: 9 }), fc.boolean()), {
      maxLength: 10,
    }),
  })
  .map((r): Scenario => {
    const base = defaultBillingSettings();
    const settings: BillingSettings = {
      ...base,
      global: {
        ...base.global,
        productLifecycle: r.lifecycle,
        invoiceBehaviour: r.behaviour,
        targetInvoiceId: 'RI-1',
        codes: { ...base.global.codes, itemCode: 'ITEM' },
        modifiers: { ...base.global.modifiers, collapseAzure: r.collapse, dropZero: r.dropZero },
      },
      clients: { CO2: { targetInvoiceId: null } },
    };
    const mappings: Mappings = {
      clients: r.clients.filter((c): c is ClientMapping => c !== null),
      products: r.products.map((p): ProductMapping => ({ ...p, productId: r.productIds, status: 'manual' })),
      contracts: r.contracts.map((sc): ContractMapping => {
        const [source, customerId] = sc.split('|');
        return { source, customerId, subscriptionId: '', contractId: `K-${customerId}` };
      }),
    };
    const priced = r.catalogue
      ? r.raws.map((l) => {
          const unitPrice = 10 + skus.indexOf(l.sku);
          return { ...l, unitPrice, unitCost: unitPrice - 2, total: l.quantity * unitPrice };
        })
      : r.raws;
    const lines = keyed(priced);
    // A PSA state that already holds some of these targets, with other values.
    const state = seedState(lines, mappings, settings, r.caps, r.stateSeed);
    return { lines, mappings, settings, caps: r.caps, state };
  });

function reconcileScenario(s: Scenario, state: PsaBillingState): ReconcileResult {
  const resolver = mappingTargetResolver(s.mappings, s.settings);
  const mods = applyModifiers(s.lines, () => s.settings.global);
  return reconcile({
    lines: mods.lines,
    dropped: mods.dropped,
    state,
    resolver,
    capabilities: s.caps,
    psaCurrency: 'USD',
  });
}

function seedState(
  lines: BillingLine[],
  mappings: Mappings,
  settings: BillingSettings,
  caps: PsaCapabilities,
  seed: [number, number, boolean][],
): PsaBillingState {
  const r = reconcile({
    lines,
    state: { quantities: [], charges: [] },
    resolver: mappingTargetResolver(mappings, settings),
    capabilities: caps,
    psaCurrency: 'USD',
  });
  const targets = r.actions.filter((a) => a.ref && a.after);
  const quantities: PsaQuantityNow[] = [];
  const charges: PsaChargeNow[] = [];
  for (const [i, qty, exists] of seed) {
    const a = targets[i % Math.max(1, targets.length)];
    if (!a?.ref) continue;
    if (a.ref.kind === 'quantity') {
      if (!quantities.some((q) => JSON.stringify(q.ref) === JSON.stringify(a.ref))) {
        quantities.push({
          ref: a.ref,
          psaId: exists ? `CS-${i}` : null,
          quantity: qty,
          unitPrice: 1,
          unitCost: 1,
        });
      }
    } else if (!charges.some((c) => c.ref.lineKey === (a.ref as { lineKey: string }).lineKey)) {
      charges.push({
        ref: a.ref,
        psaId: `CH-${i}`,
        quantity: qty,
        unitPrice: 2,
        unitCost: 1,
        description: 'old',
        date: '2026-09-01',
      });
    }
  }
  return { quantities, charges };
}

const allKeys = (s: Scenario): Set<string> => {
  const mods = applyModifiers(s.lines, () => s.settings.global);
  return new Set([...s.lines, ...mods.collapsed.map((c) => c.line)].map((l) => l.key));
};

describe('push plan', () => {
  it('groups steps per PSA entity in a deterministic order, quantities before charges', () => {
    const lines = keyed([
      raw({ chargeType: 'usage', customerId: 'b', subscriptionId: '1' }),
      raw({ customerId: 'b' }),
      raw({ customerId: 'a' }),
      raw({ chargeType: 'one-off', customerId: 'a', subscriptionId: '2' }),
    ]);
    const mappings: Mappings = {
      clients: ['a', 'b'].map((id) => ({
        source: 'market',
        customerId: id,
        customerName: '',
        companyId: `CO-${id}`,
        status: 'manual',
        score: null,
      })),
      products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
      contracts: ['a', 'b'].map((id) => ({
        source: 'market',
        customerId: id,
        subscriptionId: '',
        contractId: `K-${id}`,
      })),
    };
    const r = reconcile({
      lines,
      state: { quantities: [], charges: [] },
      resolver: mappingTargetResolver(mappings, defaultBillingSettings()),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
    });
    const plan = buildPushPlan(r.actions, new Set(lines.map((l) => l.key)));
    expect(plan.groups.map((g) => [g.entity, g.steps.map((s) => s.operation)])).toEqual([
      ['company:CO-a/contract:K-a', ['create-quantity', 'add-charge']],
      ['company:CO-b/contract:K-b', ['create-quantity', 'add-charge']],
    ]);
    expect(plan.steps).toEqual(plan.groups.flatMap((g) => g.steps));
    const reversed = buildPushPlan(r.actions.slice().reverse(), new Set(lines.map((l) => l.key)));
    expect(reversed).toEqual(plan);
  });

  it('pushes a contract service only when every line summed into it is approved', () => {
    const lines = keyed([
      raw({ subscriptionId: 'a' }),
      raw({ subscriptionId: 'b' }),
      raw({ chargeType: 'usage' }),
    ]);
    const r = reconcile({
      lines,
      state: { quantities: [], charges: [] },
      resolver: mappingTargetResolver(
        {
          clients: [
            {
              source: 'market',
              customerId: 'cust-1',
              customerName: '',
              companyId: 'CO1',
              status: 'manual',
              score: null,
            },
          ],
          products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
          contracts: [{ source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: 'K1' }],
        },
        defaultBillingSettings(),
      ),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
    });
    const plan = buildPushPlan(r.actions, new Set([lines[0].key]));
    expect(plan.steps).toEqual([]);
    expect(plan.skipped.map((s) => [s.reason, s.message])).toEqual(
      expect.arrayContaining([
        ['partly-approved', 'Only 1 of the 2 lines for this contract service are approved'],
        ['not-approved', 'Not approved'],
      ]),
    );
  });

  it('derives the idempotency key from the target and the wanted values only', () => {
    const ref = { kind: 'charge' as const, companyId: 'C', container: 'K', lineKey: 'BG-1' };
    const after = {
      quantity: 1,
      unitPrice: 2,
      unitCost: 1,
      effectiveDate: '2026-10-01',
      description: 'd',
      productName: 'p',
      sku: 's',
    };
    expect(idempotencyKey(ref, after)).toBe(idempotencyKey({ ...ref }, { ...after }));
    expect(idempotencyKey(ref, after)).not.toBe(idempotencyKey(ref, { ...after, quantity: 2 }));
    expect(idempotencyKey(ref, after)).not.toBe(idempotencyKey({ ...ref, lineKey: 'BG-2' }, after));
    expect(idempotencyKey(ref, after)).toMatch(/^[0-9a-f]{16}:[0-9a-f]{16}$/);
  });

  it('property: after applying an approved plan, reconciling again yields only "none" (or the same blocks)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const before = reconcileScenario(s, s.state);
        const plan = buildPushPlan(before.actions, allKeys(s), s.caps.chargeContainer);
        expect(plan.skipped).toEqual([]);
        const after = reconcileScenario(s, applyPlan(s.state, plan));
        for (const a of after.actions) expect(['none', 'blocked']).toContain(a.action);
        const blocked = (r: ReconcileResult) => r.actions.filter((a) => a.action === 'blocked');
        expect(blocked(after)).toEqual(blocked(before));
        // Nothing billed twice: one PSA charge per line key, one contract service per target.
        const state = applyPlan(s.state, plan);
        expect(new Set(state.charges.map((c) => c.ref.lineKey)).size).toBe(state.charges.length);
      }),
      { numRuns: 300 },
    );
  });

  it('property: applying the same plan twice equals applying it once, and a re-run reports every step unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const plan = buildPushPlan(reconcileScenario(s, s.state).actions, allKeys(s), s.caps.chargeContainer);
        const once = applyPlan(s.state, plan);
        expect(canonicalState(applyPlan(once, plan))).toBe(canonicalState(once));
        for (const step of plan.steps) expect(applyStep(once, step).outcome.status).toBe('unchanged');
      }),
      { numRuns: 300 },
    );
  });

  it('property: idempotency keys (hashed on first use) are unique within a plan, and unapproved lines are never pushed', () => {
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0, max: 1, noNaN: true }), (s, share) => {
        const keys = [...allKeys(s)].sort();
        const approved = new Set(keys.slice(0, Math.floor(keys.length * share)));
        const plan = buildPushPlan(reconcileScenario(s, s.state).actions, approved, s.caps.chargeContainer);
        // A plan hashes no key; stepKey hashes it once, as idempotencyKey does, and keeps it on the step.
        for (const st of plan.steps) expect(st.idempotencyKey).toBeUndefined();
        const ids = plan.steps.map(stepKey);
        plan.steps.forEach((st, i) => {
          expect(ids[i]).toBe(idempotencyKey(st.ref, st.after));
          expect(st.idempotencyKey).toBe(ids[i]);
        });
        expect(new Set(ids).size).toBe(ids.length);
        for (const st of plan.steps) for (const k of st.lineKeys) expect(approved.has(k)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a partly approved push converges for what was approved and leaves the rest proposed', () => {
    fc.assert(
      fc.property(scenarioArb, fc.double({ min: 0, max: 1, noNaN: true }), (s, share) => {
        const keys = [...allKeys(s)].sort();
        const approved = new Set(keys.slice(0, Math.floor(keys.length * share)));
        const first = reconcileScenario(s, s.state);
        const plan = buildPushPlan(first.actions, approved, s.caps.chargeContainer);
        const pushed = new Set(plan.steps.flatMap((st) => st.lineKeys));
        const next = reconcileScenario(s, applyPlan(s.state, plan));
        for (const a of next.actions) {
          if (a.lineKeys.some((k) => pushed.has(k))) expect(a.action).toBe('none');
        }
      }),
      { numRuns: 200 },
    );
  });
});
