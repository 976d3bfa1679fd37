/**
 * Fault schedules for what the shared fault suite (fault-schedules.test.ts, through the built bundle) does
 * not run: the non-default proration policy 'prorate' (a change ends the addition in force and starts a new
 * one: two requests, so a crash can fall between them) and 429 without Retry-After. Randomised (fast-check)
 * against the ConnectWise sandbox through the real HTTP path: a month of quantity and charge steps pushed
 * under 1–3 faults, then re-run (a fresh execution each time) until nothing fails. ConnectWise must then
 * hold exactly what a fault-free push produced, and one more push must send no change.
 * Sized to run well under 60 s (BILLGRID_FAULT_SCHEDULES overrides the count).
 */
import fc from 'fast-check';
import { startSandboxes, type Fault, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  agreementIdOf,
  companyIdOf,
  demoFixture,
  type CwState,
  type Rec,
} from '../../../../local/sandbox/connectwise/fixture';
import type { PushStep } from '../../../../src/core/psa';
import { chargeStep, connect, isMutation, key, quantityStep } from './support';

const SCHEDULES = Number(process.env.BILLGRID_FAULT_SCHEDULES ?? 24);
const TEMPLATE = '501';

const KINDS = [
  'crash-after',
  'lost-before',
  'rate-limited',
  'server-error-read',
  'server-error-write',
] as const;
type Kind = (typeof KINDS)[number];

function faultOf(kind: Kind, at: number, retryAfter: boolean): Fault {
  const write = { method: at % 2 ? 'PATCH' : 'POST' };
  switch (kind) {
    case 'crash-after':
      return { match: write, after: at, dropAfterHandling: true };
    case 'lost-before':
      return { match: write, after: at, drop: true };
    case 'rate-limited':
      return {
        after: at,
        status: 429,
        times: 2,
        body: { code: 'TooManyRequests', message: 'slow down' },
        ...(retryAfter ? { retryAfter: 1 } : {}),
      };
    case 'server-error-read':
      return {
        match: { method: 'GET' },
        after: at,
        status: 503,
        body: { code: 'Unavailable', message: 'busy' },
      };
    case 'server-error-write':
      return { match: write, after: at, status: 500, body: { code: 'Error', message: 'oops' } };
  }
}

const additionsOf = (s: CwState, agreementId: number) =>
  s.additions.filter((a) => a.agreementId === agreementId) as Array<
    Rec & { product: { id: number }; quantity: number }
  >;

function steps(s: CwState): PushStep[] {
  const out: PushStep[] = [];
  for (const [i, c] of ['c01', 'c03', 'c05', 'c06'].entries()) {
    const company = companyIdOf(c);
    const agreement = agreementIdOf(c);
    const first = additionsOf(s, agreement)[0];
    out.push(
      quantityStep(company, agreement, String(first.product.id), i === 1 ? 0 : first.quantity + i + 1, 9, 5),
    );
    out.push(quantityStep(company, agreement, `new:FAULT-SKU-${i % 2}`, 3 + i, 2, 1, { itemCode: TEMPLATE }));
    out.push(
      chargeStep(company, agreement, key(0xf00 + i), i % 2 ? '510' : 'new:USAGE-SKU', 100 + i, 0.5, {
        itemCode: TEMPLATE,
      }),
    );
  }
  return out;
}

function project(s: CwState): unknown {
  const itemOf = new Map(s.catalog.map((c) => [c.id, String(c.identifier)]));
  const strip = ({ id: _id, ...r }: Rec) => r;
  return {
    catalog: s.catalog.map((c) => JSON.stringify(strip(c))).sort(),
    additions: s.additions
      .map((a) => {
        const { product, ...rest } = strip(a) as Record<string, unknown> & { product: { id: number } };
        return JSON.stringify({ ...rest, product: itemOf.get(product.id) });
      })
      .sort(),
  };
}

describe.each(['prorate'] as const)('ConnectWise fault schedules (%s)', (proration) => {
  let sb: RunningSandboxes;
  let clean: unknown;
  let plan: PushStep[];
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'connectwise', fixture: demoFixture() }]);
    plan = steps((await sb.admin('connectwise').state()) as CwState);
    const out = connect(sb.urls.connectwise, { proration }).target.applyAll(plan);
    expect(out.filter((o) => o.status === 'failed')).toEqual([]);
    clean = project((await sb.admin('connectwise').state()) as CwState);
  });
  afterAll(() => sb.stop());

  it('converges to the fault-free result under every schedule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.constantFrom(...KINDS), at: fc.nat(12), retryAfter: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        async (schedule) => {
          await sb.admin('connectwise').reset();
          await sb.admin('connectwise').faults(schedule.map((f) => faultOf(f.kind, f.at, f.retryAfter)));
          let runs = 0;
          for (;;) {
            runs += 1;
            const out = connect(sb.urls.connectwise, { proration }).target.applyAll(plan);
            const failed = out.flatMap((o) => (o.status === 'failed' ? [o] : []));
            if (!failed.length) break;
            // A failure is retryable (ConnectWise did not act or BillGrid could not tell), never a refusal.
            expect(failed.filter((f) => !f.retryable)).toEqual([]);
            expect(runs).toBeLessThan(6);
          }
          expect(project((await sb.admin('connectwise').state()) as CwState)).toEqual(clean);
          await sb.admin('connectwise').clearFaults();
          await sb.admin('connectwise').clearRequests();
          const again = connect(sb.urls.connectwise, { proration }).target.applyAll(plan);
          expect(again.map((o) => o.status)).toEqual(plan.map(() => 'unchanged'));
          expect((await sb.admin('connectwise').requests()).filter(isMutation)).toEqual([]);
        },
      ),
      { numRuns: SCHEDULES, seed: 2212 },
    );
  }, 120_000);
});
