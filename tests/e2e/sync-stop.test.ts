/**
 * Per-service "sync stopped" (seed 002's stop icon) through the BUILT bundle: a stopped contract service
 * keeps its quantity while its rows stay in the grid, are never bulk-approved and, even ticked by hand, are
 * never pushed — by a person or by the schedule — and their Status says why; resuming sync pushes them.
 * A customer mapped to another company than its contract's is held the same way until mapped back.
 * Each Contracts row shows its last and next sync.
 */
import type { SheetState } from '../../local/gas/state';
import { DEMO_MONTH } from '../../local/demo/msp';
import { billableDefaults, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost, Row } from './bundle-host';

interface SyncRow {
  source: string;
  sourceName: string;
  customerId: string;
  customerName: string;
  contractName: string;
  mappingIncomplete: string | null;
  subscriptionId: string;
  ownRow: boolean;
  stopped: boolean;
  lastSync: string | null;
  nextSync: string | null;
}
interface SyncView {
  rows: SyncRow[];
  nextSync: string | null;
}

describe('stopping and resuming the sync of one contract service (built bundle)', () => {
  let b: BundleHost;
  const call = (fn: string, ...args: unknown[]): unknown => b.call(fn, ...args);
  const rows = (name: string): Row[] => b.rows(name);
  const sheet = (name: string): SheetState => b.sheet(name);
  const value = (c: { v?: unknown } | null | undefined): unknown => c?.v ?? '';
  const grid = () => rows(`Billing ${DEMO_MONTH}`);

  beforeAll(async () => {
    // A PSA that keeps quantities on contract services; the demo month's data is October 2026.
    b = await startBundle(firstPsaWhere((p) => p.capabilities.quantityTargets));
    call('refreshClients');
    billableDefaults(b);
    call('pullBillingMonth', DEMO_MONTH);
  });
  afterAll(() => b.sb.stop());

  it('holds a stopped service through a manual push and the monthly schedule, then pushes it once resumed', () => {
    // A subscription whose contract service exists with another quantity than the source's.
    const target = grid().find((r) => String(r.Action).startsWith('Set quantity') && r.Subscription !== '');
    if (!target) throw new Error('the demo month has no quantity change on an existing contract service');
    const key = String(target['Line key']);
    const psaQuantity = target['PSA quantity now'];
    expect(psaQuantity).not.toBe(target.Quantity);
    const service = {
      source: String(target.Source),
      customerId: String(target['Customer id']),
      subscriptionId: String(target.Subscription),
      month: DEMO_MONTH,
    };

    // An editor may stop it.
    const stopped = call('stopServiceSync', service) as SyncView;
    const own = stopped.rows.find(
      (r) => r.customerId === service.customerId && r.subscriptionId === service.subscriptionId,
    );
    expect(own).toMatchObject({ ownRow: true, stopped: true, nextSync: null });
    const contracts = rows('Contracts');
    expect(
      contracts.find(
        (r) => r['Customer id'] === service.customerId && r.Subscription === service.subscriptionId,
      )?.Sync,
    ).toBe('stopped');

    // Shown, with the PSA's quantity kept, but blocked and never bulk-approved.
    call('reconcileBillingMonth', DEMO_MONTH);
    let row = grid().find((r) => r['Line key'] === key) as Row;
    expect(String(row.Action)).toMatch(/^Blocked: Sync stopped for subscription/);
    expect(row['PSA quantity now']).toBe(psaQuantity);
    call('approveRows', DEMO_MONTH, { approve: true });
    row = grid().find((r) => r['Line key'] === key) as Row;
    expect(row.Approved).toBe(false);

    // Ticked by hand anyway: the monthly schedule pushes everything else and leaves it, saying why.
    const g = sheet(`Billing ${DEMO_MONTH}`);
    const head = (g.rows[0] ?? []).map(value);
    const approvedCol = head.indexOf('Approved');
    const rowIndex = g.rows.findIndex((r) => value(r?.[head.indexOf('Line key')]) === key);
    const cell = (g.rows[rowIndex] as NonNullable<SheetState['rows'][number]>)[approvedCol];
    (cell as { v?: unknown }).v = true;
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: false, nightlyHour: 2 });
    const scheduled = call('listServiceSync', DEMO_MONTH) as SyncView;
    // The nightly sync at 02:00 comes before the monthly push on the 2nd at 06:00.
    expect(scheduled.nextSync).toBe('2026-11-02 02:00 (America/New_York)');
    expect(scheduled.rows.filter((r) => !r.stopped).every((r) => r.nextSync === scheduled.nextSync)).toBe(
      true,
    );
    // The hourly dispatcher runs one due job a firing: the nightly sync first, the monthly push the hour after.
    b.host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    b.host.fireDueTriggers(Date.parse('2026-11-02T12:59:00Z'));
    const last = (call('getSchedule') as { lastRun: { outcome: string; month: string } }).lastRun;
    expect(last).toMatchObject({ outcome: 'finished', month: DEMO_MONTH });
    row = grid().find((r) => r['Line key'] === key) as Row;
    expect(String(row.Status)).toMatch(/Sync stopped for subscription/);
    expect(row['PSA reference']).toBe('');
    call('stopSchedule');

    // Every other approved change landed; the stopped service kept its quantity.
    call('reconcileBillingMonth', DEMO_MONTH);
    row = grid().find((r) => r['Line key'] === key) as Row;
    expect(row['PSA quantity now']).toBe(psaQuantity);
    expect((call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);

    // Last sync per mapping row: rows pushed have one; the stopped one has none.
    const after = call('listServiceSync', DEMO_MONTH) as SyncView;
    const stoppedRow = after.rows.find((r) => r.subscriptionId === service.subscriptionId && r.stopped);
    expect(stoppedRow?.lastSync).toBeNull();
    expect(after.rows.filter((r) => r.lastSync !== null).length).toBeGreaterThan(10);
    expect(after.nextSync).toBeNull();

    // Resumed: its change is planned, pushed once, and a second push changes nothing.
    const resumed = call('resumeServiceSync', service) as SyncView;
    expect(
      resumed.rows.find(
        (r) => r.subscriptionId === service.subscriptionId && r.customerId === service.customerId,
      ),
    ).toMatchObject({ stopped: false });
    const dry = call('dryRunPush', DEMO_MONTH) as { steps: { lineKeys: string[] }[] };
    expect(dry.steps.some((s) => s.lineKeys.includes(key))).toBe(true);
    const pushed = call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed).toMatchObject({ failed: 0 });
    expect(pushed.applied).toBeGreaterThan(0);
    call('reconcileBillingMonth', DEMO_MONTH);
    row = grid().find((r) => r['Line key'] === key) as Row;
    expect(row['PSA quantity now']).toBe(row.Quantity);
    const synced = call('listServiceSync', DEMO_MONTH) as SyncView;
    expect(
      synced.rows.find(
        (r) => r.subscriptionId === service.subscriptionId && r.customerId === service.customerId,
      )?.lastSync,
    ).toEqual(expect.any(String));
    expect((call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
  });

  it('says "Mapping Settings Incomplete" under a service whose customer is not mapped to its contract\'s company, in Review and on its rows, and not once mapped again', () => {
    const incomplete = (): SyncRow[] =>
      (call('listServiceSync', DEMO_MONTH) as SyncView).rows.filter((r) => r.mappingIncomplete !== null);
    const reviewWarnings = (): string[] =>
      (call('reviewBillingMonth', DEMO_MONTH) as { warnings: string[] }).warnings.filter((w) =>
        w.startsWith('Mapping Settings Incomplete'),
      );
    // A service BillGrid synced (the first test pushed the month); no service is incomplete yet.
    const before = (call('listServiceSync', DEMO_MONTH) as SyncView).rows;
    expect(before.filter((r) => r.mappingIncomplete !== null)).toEqual([]);
    const synced = before.find((r) => r.lastSync !== null && !r.stopped && r.subscriptionId !== '');
    if (!synced) throw new Error('no synced contract service');
    const customer = { source: synced.source, customerId: synced.customerId };
    const mine = (rs: SyncRow[]) =>
      rs.filter((r) => r.source === synced.source && r.customerId === synced.customerId);
    const tail =
      'so this contract service gets no units from it and keeps what it has. Map it on Clients (or stop the sync and bill it by hand)';

    // Excluded: the service stays (with its last sync), saying why it gets nothing; Review says it too.
    call('excludeClient', { ...customer, customerName: synced.customerName });
    const excluded = incomplete();
    expect(excluded.length).toBeGreaterThan(0);
    expect(excluded).toEqual(mine(excluded));
    const words = `Mapping Settings Incomplete: ${synced.customerName} (${synced.sourceName}) is excluded (not invoiced), ${tail}`;
    expect(new Set(excluded.map((r) => r.mappingIncomplete))).toEqual(new Set([words]));
    expect(excluded.find((r) => r.subscriptionId === synced.subscriptionId)?.lastSync).toBe(synced.lastSync);
    expect(reviewWarnings()).toEqual([words]);
    call('includeClient', customer);

    // Mapped to another company in the Clients tab by hand: the service says the mapping is incomplete, and
    // its rows are held, since their contract belongs to the customer's former company (core/contract-owner.ts).
    const clients = sheet('Clients');
    const head = (clients.rows[0] ?? []).map(value);
    const at = clients.rows.findIndex(
      (r, i) =>
        i > 0 &&
        value(r?.[head.indexOf('Source')]) === synced.source &&
        value(r?.[head.indexOf('Customer id')]) === synced.customerId,
    );
    const company = (clients.rows[at] as NonNullable<SheetState['rows'][number]>)[
      head.indexOf('PSA company')
    ] as {
      v?: unknown;
    };
    const own = company.v;
    const other = rows('Clients')
      .map((r) => String(r['PSA company']))
      .find((c) => c !== '' && c !== String(own));
    if (!other) throw new Error('no second PSA company in the Clients tab');
    company.v = other;
    const moved = mine(incomplete());
    expect(moved.length).toBeGreaterThan(0);
    const otherName = other.replace(/\s*\[[^\]]*\]$/, '');
    for (const r of moved)
      expect(r.mappingIncomplete).toMatch(
        new RegExp(
          `^Mapping Settings Incomplete: .* is mapped to ${otherName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, not to .* whose contract this is, `,
        ),
      );
    call('reconcileBillingMonth', DEMO_MONTH);
    const flagged = grid().filter(
      (r) =>
        r.Source === synced.source &&
        r['Customer id'] === synced.customerId &&
        r['Charge type'] === 'recurring',
    );
    expect(flagged.length).toBeGreaterThan(0);
    for (const r of flagged) {
      expect(String(r.Action)).toMatch(
        /^Blocked: Customer .* is mapped to PSA company .*, but contract .* belongs to /,
      );
      expect(String(r.Status)).toMatch(/^⚠ Held: Customer .* is mapped to PSA company /);
    }
    expect(reviewWarnings().length).toBeGreaterThan(0);

    // Mapped back: the warning goes, from the service, Review and the rows.
    company.v = own;
    expect(incomplete()).toEqual([]);
    expect(reviewWarnings()).toEqual([]);
    call('reconcileBillingMonth', DEMO_MONTH);
    expect(grid().filter((r) => String(r.Action).includes('Mapping Settings Incomplete'))).toEqual([]);
    expect(grid().filter((r) => String(r.Status).startsWith('⚠ Held'))).toEqual([]);
  });
});
