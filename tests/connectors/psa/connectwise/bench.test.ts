/**
 * ConnectWise's share of the bench: a generated month of N source lines (20 per client: 8 seat lines summed
 * into 4 quantity targets, 12 usage/one-off charges) read and pushed through the real HTTP path, in the
 * jobs' batches of 100 steps, twice. Reports requests against the minimum the API allows and the modelled
 * time under ConnectWise's (unpublished) throttle. 2,000 lines always; 20,000 with BILLGRID_BENCH_HUGE=1.
 *
 * Minimum (from the fixture, not from BillGrid's log): reads = agreements ÷ 1,000 + one additions page per
 * agreement (≤ 1,000 each) + one catalog lookup; writes = one per addition created or changed + one per
 * catalog item created. Modelled time = max(requests ÷ rate, requests × 300 ms ÷ 4 concurrent).
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { demoFixture, ref, type CwState, type Rec } from '../../../../local/sandbox/connectwise/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { entityOf } from '../../../../src/core/push-plan';
import { batchesOf } from '../../../../src/jobs/execute';
import { chargeStep, connect, isMutation, key, quantityStep } from './support';

const LATENCY_MS = 300;
const CONCURRENCY = 4;

function bigMonth(lines: number): { fixture: CwState; steps: PushStep[]; newSkus: number } {
  const f = demoFixture();
  f.throttle = { limit: 1e9, windowMs: 60_000 };
  f.companies = [];
  f.contacts = [];
  f.agreements = [];
  f.additions = [];
  const items = f.catalog.map((c) => c.id);
  const steps: PushStep[] = [];
  let id = 100_000;
  const clients = Math.ceil(lines / 20);
  for (let c = 0; c < clients; c++) {
    const company = 1_000_000 + c;
    const agreement = 2_000_000 + c;
    f.companies.push({ id: company, identifier: `Bench${c}`, name: `Bench client ${c}`, deletedFlag: false });
    f.agreements.push({
      id: agreement,
      name: 'Managed Services',
      type: ref(1, 'Managed Services'),
      company: ref(company, `Bench client ${c}`),
      agreementStatus: 'Active',
      cancelledFlag: false,
      startDate: '2026-01-01T00:00:00Z',
    } as Rec);
    // Three seat additions in force (one will change, one stays, one is cancelled), a fourth product is new.
    for (let k = 0; k < 3; k++) {
      const item = f.catalog[(c + k) % f.catalog.length];
      f.additions.push({
        id: ++id,
        agreementId: agreement,
        product: { id: item.id, identifier: item.identifier },
        quantity: 10 + k,
        unitPrice: 5,
        unitCost: 3,
        billCustomer: 'Billable',
        effectiveDate: '2026-01-01T00:00:00Z',
        cancelledDate: null,
        invoiceDescription: String(item.description),
      });
    }
    const p = (k: number) => String(items[(c + k) % items.length]);
    steps.push(quantityStep(company, agreement, p(0), 14, 5, 3));
    steps.push(quantityStep(company, agreement, p(1), 11, 5, 3));
    steps.push(quantityStep(company, agreement, p(2), 0, 5, 3));
    steps.push(quantityStep(company, agreement, `new:BENCH-SKU-${c % 4}`, 6, 2, 1, { itemCode: '501' }));
    for (let u = 0; u < 12; u++)
      steps.push(
        chargeStep(company, agreement, key(c * 100 + u), u % 3 ? '510' : 'new:BENCH-USAGE', 10 + u, 0.25, {
          itemCode: '501',
        }),
      );
  }
  return { fixture: f, steps, newSkus: 5 };
}

async function run(lines: number) {
  const { fixture, steps, newSkus } = bigMonth(lines);
  const sb: RunningSandboxes = await startSandboxes([{ kind: 'connectwise', fixture }]);
  try {
    const admin = sb.admin('connectwise');
    const agreements = fixture.agreements.length;
    const scope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: fixture.companies.map((c) => String(c.id)),
      contractIds: fixture.agreements.map((a) => String(a.id)),
      lineKeys: steps.flatMap((s) => (s.ref.kind === 'charge' ? [s.ref.lineKey] : [])),
    };
    const t0 = Date.now();
    connect(sb.urls.connectwise).target.readBilling(scope);
    const readRequests = (await admin.requests()).length;
    await admin.clearRequests();
    // One execution per batch (as a continuation would run them, at worst): nothing cached across batches.
    let failed = 0;
    for (const batch of batchesOf(steps, 100, (s) => entityOf(s.ref)))
      failed += connect(sb.urls.connectwise)
        .target.applyAll(batch)
        .filter((o) => o.status === 'failed').length;
    const log = await admin.requests();
    const pushReads = log.filter((r) => !isMutation(r)).length;
    const pushWrites = log.filter(isMutation).length;
    const realS = (Date.now() - t0) / 1000;
    await admin.clearRequests();
    for (const batch of batchesOf(steps, 100, (s) => entityOf(s.ref)))
      connect(sb.urls.connectwise).target.applyAll(batch);
    const secondWrites = (await admin.requests()).filter(isMutation).length;
    // Changed per the fixture: every step but the one per client whose quantity already matches (11).
    const minReads = Math.ceil(agreements / 1000) + agreements + 1;
    const batches = batchesOf(steps, 100, (s) => entityOf(s.ref)).length;
    const minWrites = steps.length - agreements + newSkus;
    const total = readRequests + pushReads + pushWrites;
    const minimum = minReads * 2 - 1 + minWrites; // the reconcile read and the push's re-read each need the additions
    const modelled = (rate: number) =>
      Math.max((total / rate) * 60, (total * LATENCY_MS) / CONCURRENCY / 1000);
    return {
      batches,
      lines,
      steps: steps.length,
      agreements,
      readRequests,
      pushReads,
      pushWrites,
      secondWrites,
      failed,
      total,
      minimum,
      minReads,
      minWrites,
      realS,
      at60: modelled(60),
      at1000: modelled(1000),
    };
  } finally {
    await sb.stop();
  }
}

const sizes = process.env.BILLGRID_BENCH_HUGE ? [2000, 20_000] : [2000];

describe('ConnectWise bench', () => {
  it.each(sizes)(
    '%i lines: requests against the minimum, modelled time under the throttle',
    async (lines) => {
      const r = await run(lines);
      const min = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
      console.log(
        `ConnectWise ${r.lines} lines (${r.agreements} agreements, ${r.steps} steps in ${r.batches} batches): reconcile read ${r.readRequests} requests, ` +
          `push ${r.pushReads} reads + ${r.pushWrites} writes (minimum ${r.minReads} + ${r.minWrites}); total ${r.total} vs minimum ${r.minimum} ` +
          `(${(r.total / r.minimum).toFixed(2)}×); second push ${r.secondWrites} writes; modelled at 60/min ${min(r.at60)}, at 1,000/min ${min(r.at1000)}; ${r.realS.toFixed(0)} s real`,
      );
      expect(r.failed).toBe(0);
      expect(r.secondWrites).toBe(0);
      expect(r.pushWrites).toBe(r.minWrites);
      // Each batch (a fresh execution) looks the auto-created SKUs up again (at most one catalog read per
      // batch), and agreements are read by id 150 at a time (URL length), not 1,000 a page.
      expect(r.total).toBeLessThanOrEqual(r.minimum + r.batches + Math.ceil(r.agreements / 150));
    },
    900_000,
  );
});
