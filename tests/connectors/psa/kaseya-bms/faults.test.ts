/**
 * Randomised fault schedules against the BMS sandbox under every variant but the default one (whose faults
 * run through the built bundle in the shared fault suite: fault-hooks.ts, fault-schedules.test.ts): connections dropped before or after
 * BMS acted, 5xx, 429 and slow answers on any request, over several pushes of the same month; then the faults
 * stop and BillGrid pushes twice more. Invariants: never two lines of one service on a contract, and in the end
 * every step either holds its target in BMS or says why not (a person to check, units to set by hand).
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import type { Fault } from '../../../../local/sandbox/framework';
import {
  DEFAULT_VARIANTS,
  LINE_VARIANTS,
  SERVICE,
  accountIdOf,
  contractIdOf,
  demoFixture,
} from '../../../../local/sandbox/kaseya-bms/fixture';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import type { PushStep } from '../../../../src/core/psa';
import { memoryLineRecordStore, memoryTenantFacts } from '../../../../src/connectors/psa/kaseya-bms';
import { connect } from './support';

/** mulberry32: a small seeded generator, so a failing schedule can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const step = (
  contract: string,
  service: number,
  account: number,
  q: number,
  price: number,
  cost: number,
): PushStep => ({
  idempotencyKey: `q-${contract}-${service}`,
  operation: 'set-quantity',
  ref: { kind: 'quantity', companyId: String(account), contractId: contract, productId: String(service) },
  lineKeys: [`BG-${(Number(contract) * 1000 + service).toString(16).padStart(16, '0')}`],
  before: null,
  after: {
    quantity: q,
    unitPrice: price,
    unitCost: cost,
    effectiveDate: '2026-10-01',
    description: 'devices',
    productName: `Service ${service}`,
    sku: '',
  },
});

const SEEDS = [1, 2, 3, 4, 5, 6];

const OTHER_VARIANTS = LINE_VARIANTS.filter(
  (v) => v.lineRead !== DEFAULT_VARIANTS.lineRead || v.lineUpdate !== DEFAULT_VARIANTS.lineUpdate,
);

describe.each(OTHER_VARIANTS.map((v, i) => [`${v.lineRead} / ${v.lineUpdate}`, v, i] as const))(
  'fault schedules, variant %s',
  (_label, variant) => {
    let sb: RunningSandboxes;
    beforeAll(async () => {
      sb = await startSandboxes([{ kind: 'kaseya-bms', fixture: demoFixture(variant) }]);
    });
    /** Seeds whose faults made at least one step fail: the schedules must bite, or the test proves nothing. */
    let bitten = 0;
    afterAll(async () => {
      await sb.stop();
      expect(bitten).toBeGreaterThanOrEqual(SEEDS.length / 2);
    });
    const reads = variant.lineRead === 'contract-detail';

    it.each(SEEDS)('seed %i: no second line, and the month holds or says why', async (seed) => {
      const admin = sb.admin('kaseya-bms');
      await admin.reset();
      const store = memoryLineRecordStore();
      const facts = memoryTenantFacts();
      const run = () => connect(sb.urls['kaseya-bms'], { lineStore: store, facts }).target;
      const C06 = accountIdOf('c06');
      const made = run().createContract({
        companyId: String(C06),
        name: 'Managed devices',
        reference: 'BG-faults',
        startDate: '2026-10-01',
      }).id;
      const C01 = String(contractIdOf('c01'));
      const steps = [
        step(made, SERVICE.rmmWorkstation, C06, 10, 12, 3),
        step(made, SERVICE.rmmServer, C06, 2, 45, 8),
        step(made, SERVICE.rmmNetwork, C06, 4, 6, 1),
        step(C01, SERVICE.rmmWorkstation, accountIdOf('c01'), 25, 12, 3),
        step(C01, SERVICE.rmmNetwork, accountIdOf('c01'), 3, 6, 1),
      ];
      const random = rng(seed * 7919);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
      const noLineTwice = async (): Promise<void> => {
        const s = await admin.state<BmsState>();
        const seen = new Set<string>();
        for (const l of s.lines) {
          const k = `${l.ContractId}/${l.ServiceId}`;
          expect({ seed, duplicate: seen.has(k) ? k : null }).toEqual({ seed, duplicate: null });
          seen.add(k);
        }
      };
      let hit = false;
      for (let round = 0; round < 3; round++) {
        const faults: Fault[] = Array.from({ length: 3 }, () => {
          const kind = pick(['drop', 'dropAfter', '500', '502', '429', 'slow'] as const);
          const match = { method: pick(['GET', 'POST', 'PUT'] as const) };
          const after = Math.floor(random() * 4);
          if (kind === 'drop') return { match, after, drop: true };
          if (kind === 'dropAfter') return { match, after, dropAfterHandling: true };
          if (kind === 'slow') return { match, after, delayMs: 30 };
          return { match, after, status: Number(kind) };
        });
        await admin.clearFaults();
        await admin.faults(faults);
        if (
          run()
            .applyAll(steps)
            .some((o) => o.status === 'failed' && /did not answer|failed while|could not/.test(o.message))
        )
          hit = true;
        await noLineTwice();
      }
      if (hit) bitten += 1;
      await admin.clearFaults();
      run().applyAll(steps);
      const final = run().applyAll(steps);
      await noLineTwice();
      const s = await admin.state<BmsState>();
      final.forEach((o, i) => {
        const st = steps[i];
        if (st.ref.kind !== 'quantity') return;
        const ref = st.ref;
        const held = s.lines.filter(
          (l) => l.ContractId === Number(ref.contractId) && l.ServiceId === Number(ref.productId),
        );
        const holds = held.length === 1 && held[0].Units === st.after.quantity;
        if (o.status !== 'failed') {
          expect({ seed, i, holds }).toEqual({ seed, i, holds: true });
          return;
        }
        // What may still fail once the faults are gone, and only with its reason.
        expect({ seed, i, message: o.message }).toEqual({
          seed,
          i,
          message: expect.stringMatching(
            reads
              ? /cannot change the units/
              : /got no answer it could trust|cannot change the units|of which BillGrid's own record accounts for/,
          ),
        });
      });
      if (reads && variant.lineUpdate === 'put-line')
        expect(final.every((o) => o.status !== 'failed')).toBe(true);
    });
  },
);
