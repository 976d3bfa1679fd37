/**
 * An interworks.cloud month through the BUILT bundle (dist/Code.js) in the emulator into Autotask, as
 * ApplicationLink does it (seed 004): the month is first pushed as it stood on the 1st (every
 * subscription at its recurring units), then the BSS records a mid-month increase, a decrease and a
 * cancellation; the re-pull turns each into a contract-service adjustment effective on the date of the
 * change (Effective Date), the change's pro-rata charge lands dated the same day, and a second push
 * sends nothing.
 * Seed 004's Subscription ID → Contract ID: before the first push, the subscription that will increase gets
 * a contract of its own, created in Autotask from the sidebar (Contracts → the subscription → "Create
 * contract for this subscription"); its lines and its adjustment land there, its customer's other
 * subscriptions stay on the customer's contract, and the link is remembered (a second click finds it).
 * Before the changes are approved, the grid shows each contract service's units in Autotask against the
 * month's lines on it: exactly the services of the changed subscriptions differ, by the change's units.
 */
import type { IwFixture } from '../../../../local/sandbox/interworks/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

type Entity = Record<string, unknown>;
type AutotaskState = { entities: Record<string, Entity[]> };

/** The BSS on the 1st: no change charge yet, every subscription at its recurring units. */
function beforeChanges(f: IwFixture): IwFixture {
  const recurring = f.charges.filter((c) => c.type === 'Recurring');
  return {
    ...f,
    charges: recurring,
    subscriptions: f.subscriptions.map((s) => ({
      ...s,
      quantity: recurring.find((c) => c.subscriptionId === s.id)?.quantity ?? s.quantity,
      status: 'Active',
      cancellationDate: null,
    })),
  };
}

describe('an interworks.cloud month through the built bundle → Autotask', () => {
  let m: BundleMonth;
  beforeAll(async () => {
    m = await bundleMonth(['interworks'], 'autotask');
  });
  afterAll(() => m.stop());

  it('mid-month increase, decrease and cancellation become adjustments on their dates; a second push sends nothing', async () => {
    const bss = m.sb.admin('interworks');
    const demo = await bss.state<IwFixture>();
    const changes = demo.charges.filter((c) => c.type !== 'Recurring');
    expect(new Set(changes.map((c) => c.type))).toEqual(new Set(['Increase', 'Decrease', 'Cancel']));

    await bss.setState(beforeChanges(demo));
    m.connect();
    // A contract of its own for the subscription that will increase, from the sidebar's per-subscription link.
    m.call('pullBillingMonth', DEMO_MONTH);
    type SyncView = {
      canCreate: boolean;
      rows: Array<{
        source: string;
        customerId: string;
        customerName: string;
        subscriptionId: string;
        companyId: string;
        contractId: string;
        ownRow: boolean;
      }>;
    };
    const increased = changes.find((c) => c.type === 'Increase')!;
    const sync = m.call('listServiceSync', DEMO_MONTH) as SyncView;
    expect(sync.canCreate).toBe(true);
    const subRow = sync.rows.find((r) => r.subscriptionId === String(increased.subscriptionId))!;
    expect(subRow).toMatchObject({ ownRow: false });
    const createOwn = () =>
      m.call('createMissingInPsa', {
        source: subRow.source,
        customerId: subRow.customerId,
        customerName: subRow.customerName,
        companyId: subRow.companyId,
        month: DEMO_MONTH,
        subscriptionId: subRow.subscriptionId,
      }) as { contractName: string; createdContract: boolean };
    const made = createOwn();
    expect(made).toMatchObject({ createdContract: true });
    expect(createOwn()).toMatchObject({ createdContract: false, contractName: made.contractName });
    const linked = (m.call('listServiceSync', DEMO_MONTH) as SyncView).rows.find(
      (r) => r.subscriptionId === subRow.subscriptionId,
    )!;
    expect(linked.ownRow).toBe(true);
    expect(linked.contractId).not.toBe(subRow.contractId);
    const first = m.pullApprovePush(DEMO_MONTH);
    expect(first.pushed.failed).toBe(0);
    expect(first.pushed.applied).toBeGreaterThan(0);

    await bss.reset();
    const before = await m.sb.admin('autotask').state<AutotaskState>();
    const pulled = m.call('pullBillingMonth', DEMO_MONTH) as { problems: string[] };
    expect(pulled.problems).toEqual([]);
    // Validation before approval (seed 004 step 5): each contract service's units in Autotask against the
    // month's lines on it. Exactly the changed subscriptions' services differ, by the change's units.
    const [h0, ...pulledRows] = m.grid(DEMO_MONTH);
    const at = (r: unknown[], name: string) => r[h0.indexOf(name)];
    const seats = pulledRows.filter(
      (r) => at(r, 'Charge type') === 'recurring' && at(r, 'PSA contract') !== '',
    );
    // Auto-create mode: a contract service per contract and SKU.
    const serviceOf = (r: unknown[]) => `${String(at(r, 'PSA contract'))}|${String(at(r, 'Product/SKU'))}`;
    const units = new Map<string, number>();
    for (const r of seats)
      units.set(serviceOf(r), (units.get(serviceOf(r)) ?? 0) + Number(at(r, 'Quantity')));
    const changedSubs = new Set(changes.map((c) => String(c.subscriptionId)));
    const changedServices = new Set(
      seats.filter((r) => changedSubs.has(String(at(r, 'Subscription')))).map(serviceOf),
    );
    expect(changedServices.size).toBeGreaterThan(0);
    for (const r of seats) {
      const now = Number(at(r, 'PSA quantity now'));
      expect(Number(at(r, 'Difference'))).toBe(units.get(serviceOf(r))! - now);
      if (changedServices.has(serviceOf(r))) expect(String(at(r, 'Action'))).toMatch(/^Set quantity /);
      else expect([at(r, 'Difference'), at(r, 'Action')]).toEqual([0, 'Already in the PSA']);
    }
    const own = seats.find((r) => String(at(r, 'Subscription')) === String(increased.subscriptionId))!;
    expect(Number(at(own, 'Difference'))).toBe(increased.quantity);
    m.call('approveRows', DEMO_MONTH, { approve: true });
    const pushed = m.call('pushBillingMonth', DEMO_MONTH) as { failed: number; finished: boolean };
    expect([pushed.failed, pushed.finished]).toEqual([0, true]);
    const after = await m.sb.admin('autotask').state<AutotaskState>();
    const fresh = (entity: string) =>
      (after.entities[entity] ?? []).filter(
        (e) => !(before.entities[entity] ?? []).some((b) => b.id === e.id),
      );
    const adjustments = fresh('ContractServiceAdjustments');
    const charges = fresh('ContractCharges');

    const [header, ...body] = m.grid(DEMO_MONTH);
    const col = (name: string) => header.indexOf(name);
    const rowsOf = (sub: number, type: string) =>
      body.filter((r) => String(r[col('Subscription')]) === String(sub) && r[col('Charge type')] === type);
    // Changes of clients the demo Autotask has (one client of the BSS is deliberately unmatched).
    const placed = changes.filter((c) => rowsOf(c.subscriptionId, 'recurring')[0]?.[col('PSA contract')]);
    expect(new Set(placed.map((c) => c.type))).toEqual(new Set(['Increase', 'Decrease', 'Cancel']));
    for (const c of placed) {
      const [recurring] = rowsOf(c.subscriptionId, 'recurring');
      const contract = Number(/\[(\d+)\]$/.exec(String(recurring[col('PSA contract')]))?.[1]);
      expect(String(recurring[col('Effective date')])).toBe(c.effectiveDate);
      // The contract service's units change by the change's units, effective on its date.
      const adj = adjustments.filter((a) => a.contractID === contract && a.unitChange === c.quantity);
      expect(adj.map((a) => a.effectiveDate)).toContain(`${c.effectiveDate}T00:00:00Z`);
      // The change's pro-rata charge, dated on the change.
      const [prorata] = rowsOf(c.subscriptionId, 'pro-rata');
      const charge = charges.find((x) => x.id === Number(prorata[col('PSA reference')]));
      expect(charge).toMatchObject({ contractID: contract, unitQuantity: c.quantity });
      expect(charge?.datePurchased).toBe(`${c.effectiveDate}T00:00:00Z`);
    }
    // The increased subscription is billed on its own contract; its customer's other subscriptions are not.
    const contractOfRow = (r: unknown[]) => /\[(\d+)\]$/.exec(String(r[col('PSA contract')]))?.[1];
    expect(rowsOf(increased.subscriptionId, 'recurring').map(contractOfRow)).toEqual([linked.contractId]);
    const siblings = body.filter(
      (r) =>
        String(r[col('Customer id')]) === subRow.customerId &&
        String(r[col('Subscription')]) !== subRow.subscriptionId,
    );
    expect(siblings.length).toBeGreaterThan(0);
    for (const r of siblings) expect(contractOfRow(r)).not.toBe(linked.contractId);
    // Nothing but the changes moved: one adjustment per change, no other.
    expect(adjustments).toHaveLength(placed.length);

    await m.sb.admin('autotask').clearRequests();
    const again = m.call('pushBillingMonth', DEMO_MONTH) as {
      applied: number;
      unchanged: number;
      steps: number;
    };
    expect(again.applied).toBe(0);
    expect(again.unchanged).toBe(again.steps);
    expect(await m.psaMutations()).toEqual([]);
  }, 180_000);
});
