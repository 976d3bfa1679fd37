/**
 * Found by the bench: the Autotask target re-read the same services (by SKU for auto-created products, by
 * id for billing codes) in every batch of a push — about 1 % of a large month's requests. They are now
 * read once per execution; a SKU is still looked for again before a service is created for it.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  recurringContractIdOf,
} from '../../../../local/sandbox/autotask/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { gasHttp } from './support';

// Charges of services take a Material code (the connection's), new services the default (service) code.
const AUTH = {
  username: DEMO_USER,
  secret: DEMO_SECRET,
  integrationCode: DEMO_INTEGRATION_CODE,
  materialCodeId: DEMO_MATERIAL_CODE,
};
const codes = { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: '29682802' };

function step(n: number, client: string, productId: string, kind: 'charge' | 'quantity'): PushStep {
  const companyId = String(companyIdOf(client));
  const contractId = String(recurringContractIdOf(client));
  const key = `BG-${n.toString(16).padStart(16, '0')}`;
  return {
    idempotencyKey: `k${n}`,
    operation: kind === 'charge' ? 'add-charge' : 'set-quantity',
    ref:
      kind === 'charge'
        ? { kind: 'charge', companyId, container: contractId, lineKey: key }
        : { kind: 'quantity', companyId, contractId, productId },
    lineKeys: [key],
    before: null,
    after: {
      quantity: 3,
      unitPrice: 10,
      unitCost: 8,
      effectiveDate: '2026-10-01',
      description: `bench ${n}`,
      productName: `Bench product ${productId}`,
      sku: productId.replace(/^new:/, ''),
      productId,
    },
    codes,
  };
}

describe('Autotask push reads each service once per execution', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'autotask' }]);
  });
  afterAll(() => sb.stop());

  const serviceRequests = async () => {
    const log = await sb.admin('autotask').requests();
    await sb.admin('autotask').clearRequests();
    return {
      queries: log.filter((r) => /\/Services\/query$/i.test(r.path)).length,
      creates: log.filter((r) => r.method === 'POST' && /\/Services$/i.test(r.path)).length,
    };
  };

  it('looks services up in the first batch only, and creates a new SKU once', async () => {
    const g = gasHttp({ 'https://*.autotask.net': sb.urls.autotask });
    const target = createAutotaskTarget({ ...AUTH }, g.reads, g.writes);
    await sb.admin('autotask').clearRequests();
    // Batch 1: a charge for a SKU Autotask lacks (billing code from the default item code) and a quantity
    // for another missing SKU (auto-create: the service is created).
    const first = target.applyAll([
      step(1, 'c01', 'new:BENCH-USAGE', 'charge'),
      step(2, 'c01', 'new:BENCH-SEATS', 'quantity'),
    ]);
    expect(first.map((o) => o.status)).toEqual(['applied', 'applied']);
    const one = await serviceRequests();
    expect(one.creates).toBe(1);
    expect(one.queries).toBeGreaterThan(0);
    // Batches 2 and 3: the same SKUs for other clients — no service is read again or created again.
    for (const [n, client] of [
      [3, 'c02'],
      [5, 'c04'],
    ] as const) {
      const out = target.applyAll([
        step(n, client, 'new:BENCH-USAGE', 'charge'),
        step(n + 1, client, 'new:BENCH-SEATS', 'quantity'),
      ]);
      expect(out.map((o) => o.status)).toEqual(['applied', 'applied']);
      expect(await serviceRequests()).toEqual({ queries: 0, creates: 0 });
    }
    // A fresh execution (new target) reads once more and finds the service created above.
    const again = createAutotaskTarget({ ...AUTH }, g.reads, g.writes);
    expect(again.applyAll([step(7, 'c05', 'new:BENCH-SEATS', 'quantity')]).map((o) => o.status)).toEqual([
      'applied',
    ]);
    const fresh = await serviceRequests();
    expect(fresh.creates).toBe(0);
    expect(fresh.queries).toBeGreaterThan(0);
  });

  it('looks a missing SKU up again before creating it (a create that timed out may have landed)', async () => {
    const g = gasHttp({ 'https://*.autotask.net': sb.urls.autotask });
    const target = createAutotaskTarget({ ...AUTH }, g.reads, g.writes);
    // The SKU is first seen on a charge (looked up, missing), then needed as a service: it is looked up
    // again before the create, and created once.
    target.applyAll([step(11, 'c06', 'new:BENCH-LATE', 'charge')]);
    await sb.admin('autotask').clearRequests();
    expect(target.applyAll([step(12, 'c06', 'new:BENCH-LATE', 'quantity')]).map((o) => o.status)).toEqual([
      'applied',
    ]);
    expect(await serviceRequests()).toEqual({ queries: 1, creates: 1 });
  });
});
