/**
 * The nightly sync early in a month (built bundle): it works on the current month, which the sources may not
 * bill yet (no invoice, no usage) and which has no tab yet. Such a night says "nothing to sync yet" and is
 * not recorded as a failed run; nothing is written to the PSA.
 */
import { billableDefaults, DEMO_SOURCES, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost } from './bundle-host';
import { setClock } from '../../local/gas';
import { newSheetState, nextId } from '../../local/gas/state';

interface Schedule {
  lastRun: { outcome: string; message: string; trigger: string; month: string } | null;
}

describe('the nightly sync before the current month has anything to sync (built bundle)', () => {
  let b: BundleHost;
  beforeAll(async () => {
    // One integration, billed from the vendor's issued invoice: none is issued for the current month yet.
    b = await startBundle(firstPsaWhere(), DEMO_SOURCES.slice(0, 1));
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  it('says nothing to sync yet instead of failing', async () => {
    setClock(b.host.state, Date.parse('2026-11-02T06:00:00Z'));
    // A pull of the current month by hand reads nothing yet.
    expect(b.run('pullBillingMonth', ['2026-11']).error?.message).toMatch(/Nothing was pulled/);
    expect(b.host.state.spreadsheets[0].sheets.some((s) => s.name.includes('2026-11'))).toBe(false);
    b.call('saveSchedule', { dayOfMonth: 20, hour: 6, pullFirst: true, nightlyHour: 2 });
    await b.sb.admin(b.psa).clearRequests();
    // 02:00 New York on 2 November: the nightly run's month is 2026-11.
    b.host.fireDueTriggers(Date.parse('2026-11-02T07:01:00Z'));
    const s = b.call('getSchedule') as Schedule;
    expect(s.lastRun).toMatchObject({ trigger: 'nightly', month: '2026-11' });
    expect(s.lastRun?.outcome).not.toBe('failed');
    expect(s.lastRun?.message).toMatch(/[Nn]othing to sync yet/);
    const writes = (await b.sb.admin(b.psa).requests()).filter((r) => r.method !== 'GET');
    expect(writes.filter((r) => !/query/i.test(r.path))).toEqual([]);

    // Once the month has a tab, a night that reads nothing at all is a failure again.
    b.host.state.spreadsheets[0].sheets.push(newSheetState(nextId(b.host.state), 'Billing 2026-11'));
    b.host.fireDueTriggers(Date.parse('2026-11-03T07:01:00Z'));
    expect((b.call('getSchedule') as Schedule).lastRun?.outcome).toBe('failed');
  });
});
