/**
 * Integrations on/off and pulled one at a time (issue #18 item 4) through the BUILT bundle: a disabled
 * integration keeps its credentials, is skipped by pulls and the tenant check and says so; its rows are
 * left as they are (never "Removed at source"); a pull of one integration leaves the others' rows alone.
 * Scheduled runs (the nightly sync and the monthly push, through the hourly dispatcher) skip it too. Its
 * rows, even approved, are held (never pushed, by hand, by a schedule or as changes in a dry run) with a
 * Status naming it; enabling it again pushes them once.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { sourceName } from '../../src/connectors/registry';
import { setClock } from '../../local/gas';
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { contractFixtureOf } from '../contract/support';
import { billableDefaults, DEMO_SOURCES, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost, DefaultsView } from './bundle-host';

interface Integration {
  id: string;
  connected: boolean;
  enabled: boolean;
}
interface Pull {
  sources: { id: string }[];
  lines: number;
}

describe('integrations on/off and pulled one at a time (built bundle)', () => {
  let b: BundleHost;
  beforeAll(async () => {
    b = await startBundle(firstPsaWhere());
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  const grid = () => b.rows(`Billing ${DEMO_MONTH}`);
  const removed = (source: string) =>
    grid().filter((r) => r.Source === source && String(r.Status).startsWith('Removed at source'));

  const [kept, off] = DEMO_SOURCES;

  it('skips a disabled integration without losing its keys or its rows, and pulls one alone', async () => {
    const first = b.call('pullBillingMonth', DEMO_MONTH) as Pull;
    expect(first.sources.map((s) => s.id).sort()).toEqual([kept, off].sort());
    const offRows = grid().filter((r) => r.Source === off).length;
    expect(offRows).toBeGreaterThan(0);

    // Only an admin switches integrations.
    b.call('setAdmins', []);
    expect(b.run('setIntegrationEnabled', [off, false], 'editor@example.com').ok).toBe(false);
    const list = b.call('setIntegrationEnabled', off, false) as Integration[];
    expect(list.find((i) => i.id === off)).toMatchObject({ connected: true, enabled: false });

    await b.sb.admin(off).clearRequests();
    const pulled = b.call('pullBillingMonth', DEMO_MONTH) as Pull;
    expect(pulled.sources.map((s) => s.id)).toEqual([kept]);
    expect(await b.sb.admin(off).requests()).toEqual([]);
    expect(grid().filter((r) => r.Source === off)).toHaveLength(offRows);
    expect(removed(off)).toEqual([]);
    // The tenant check and a pull of it alone say it is disabled.
    const check = b.run('checkConnection', [off]);
    expect(check.ok).toBe(false);
    expect(check.error?.message).toMatch(new RegExp(`${sourceName(off)} is disabled`));
    const alone = b.run('pullBillingMonth', [DEMO_MONTH, off]);
    expect(alone.error?.message).toMatch(/disabled: enable it first/);

    // Enabled again: its keys were kept; a pull of it alone leaves the other's rows alone.
    b.call('setIntegrationEnabled', off, true);
    await b.sb.admin(kept).clearRequests();
    const keptRows = grid().filter((r) => r.Source === kept).length;
    const one = b.call('pullBillingMonth', DEMO_MONTH, off) as Pull;
    expect(one.sources.map((s) => s.id)).toEqual([off]);
    expect(await b.sb.admin(kept).requests()).toEqual([]);
    expect(grid().filter((r) => r.Source === kept)).toHaveLength(keptRows);
    expect(removed(kept)).toEqual([]);
    expect(b.run('pullBillingMonth', [DEMO_MONTH, 'nosuch']).error?.message).toMatch(/Integration/);
  });

  it('a scheduled run (the nightly sync and the monthly push, pulling first) skips a disabled integration, even one set to reconcile products by hand', async () => {
    // Late October: the nightly sync bills the demo month itself.
    setClock(b.host.state, Date.parse('2026-10-28T12:00:00Z'));
    b.call('pullBillingMonth', DEMO_MONTH);
    // The enabled integration's rows are approved; the other's are not (ticked by hand off again).
    b.call('approveRows', DEMO_MONTH, { approve: true });
    const g = b.sheet(`Billing ${DEMO_MONTH}`);
    const head = (g.rows[0] ?? []).map((c) => c?.v ?? '');
    for (const r of g.rows.slice(1))
      if (r?.[head.indexOf('Source')]?.v === off) {
        const cell = r[head.indexOf('Approved')];
        if (cell) cell.v = false;
      }
    const offRows = () => grid().filter((r) => r.Source === off);
    for (const r of offRows()) expect(r.Approved).toBe(false);
    const before = JSON.stringify(offRows());

    // Disabled, and its own product mode "reconcile by hand": were it counted, every automatic run would be
    // refused (see refuseReason).
    b.call('setIntegrationEnabled', off, false);
    const d = b.call('getDefaults') as DefaultsView;
    b.call('saveDefaults', {
      ...d.settings,
      sources: { ...d.settings.sources, [off]: { ...d.settings.sources[off], productLifecycle: 'manual' } },
    });
    b.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });

    type Last = { lastRun: { outcome: string; message: string; month: string; trigger: string } };
    const changed = (s: Last) => Number(/: (\d+) changed/.exec(s.lastRun.message)?.[1]);
    await b.sb.admin(off).clearRequests();
    await b.sb.admin(kept).clearRequests();
    // 02:00 New York time on the 29th: the nightly sync, through the hourly dispatcher.
    b.host.fireDueTriggers(Date.parse('2026-10-29T06:59:00Z'));
    let s = b.call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'nightly' });
    expect(changed(s)).toBeGreaterThan(0);
    expect((await b.sb.admin(kept).requests()).length).toBeGreaterThan(0);
    expect(await b.sb.admin(off).requests()).toEqual([]);
    expect(JSON.stringify(offRows())).toBe(before);

    // The monthly push on the 2nd at 06:00, pulling first: the same.
    b.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: null });
    await b.sb.admin(kept).clearRequests();
    b.host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    s = b.call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', month: DEMO_MONTH, trigger: 'scheduled' });
    expect((await b.sb.admin(kept).requests()).length).toBeGreaterThan(0);
    expect(await b.sb.admin(off).requests()).toEqual([]);
    expect(JSON.stringify(offRows())).toBe(before);
    expect(removed(off)).toEqual([]);
    b.call('stopSchedule');
  });
  it('holds the approved rows of a disabled integration (manual push, dry run, nightly sync, monthly push) and pushes them once when it is enabled again', async () => {
    // Left by the test above: the integration is disabled, with its own mode "reconcile by hand", and its
    // rows were never pushed. They are ticked by hand now.
    const { isMutation } = contractFixtureOf(b.psa) as PsaContractFixture;
    const mutations = async () => (await b.sb.admin(b.psa).requests()).filter(isMutation);
    const g = b.sheet(`Billing ${DEMO_MONTH}`);
    const head = (g.rows[0] ?? []).map((c) => c?.v ?? '');
    for (const r of g.rows.slice(1))
      if (r?.[head.indexOf('Source')]?.v === off) {
        const cell = r[head.indexOf('Approved')];
        if (cell) cell.v = true;
      }
    const offRows = () => grid().filter((r) => r.Source === off);
    const count = offRows().length;
    expect(count).toBeGreaterThan(0);
    const reason = `Integration '${sourceName(off)}' is disabled on Connect: enable it to push these rows`;
    const held = () => {
      for (const r of offRows()) {
        expect(r.Approved).toBe(true);
        expect(r.Status).toBe(`Not pushed: ${reason}`);
        expect(r['PSA reference']).toBe('');
      }
    };

    // Review counts them; a dry run shows no change for them; a push by hand sends nothing for them and is
    // not refused for their unmapped products.
    type Review = { disabledIntegrations: { integration: string; rows: number; approved: number }[] };
    expect((b.call('reviewBillingMonth', DEMO_MONTH) as Review).disabledIntegrations).toEqual([
      expect.objectContaining({ integration: sourceName(off), rows: count, approved: count }),
    ]);
    type Dry = { total: number; refused?: unknown };
    const dry = b.call('dryRunPush', DEMO_MONTH) as Dry;
    expect(dry.refused).toBeUndefined();
    expect(dry.total).toBe(0);
    await b.sb.admin(b.psa).clearRequests();
    const manual = b.call('pushBillingMonth', DEMO_MONTH) as { applied: number; refused?: unknown };
    expect(manual.refused).toBeUndefined();
    expect(manual.applied).toBe(0);
    expect(await mutations()).toEqual([]);
    held();

    // Its products auto-created again (no mode of its own), so nothing else would stop its rows: the nightly
    // sync and the monthly push, pulling first, through the hourly dispatcher, hold them the same.
    const d = b.call('getDefaults') as DefaultsView;
    const own = { ...d.settings.sources[off] };
    delete own.productLifecycle;
    b.call('saveDefaults', { ...d.settings, sources: { ...d.settings.sources, [off]: own } });
    type Last = { lastRun: { outcome: string; month: string; trigger: string } };
    setClock(b.host.state, Date.parse('2026-10-29T12:00:00Z'));
    b.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });
    b.host.fireDueTriggers(Date.parse('2026-10-30T06:59:00Z'));
    expect((b.call('getSchedule') as Last).lastRun).toMatchObject({
      outcome: 'finished',
      trigger: 'nightly',
    });
    b.call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: null });
    b.host.fireDueTriggers(Date.parse('2026-11-02T11:59:00Z'));
    expect((b.call('getSchedule') as Last).lastRun).toMatchObject({
      outcome: 'finished',
      month: DEMO_MONTH,
      trigger: 'scheduled',
    });
    b.call('stopSchedule');
    expect(await mutations()).toEqual([]);
    held();
    expect(offRows()).toHaveLength(count);

    // Enabled again: pushed once; a second push changes nothing.
    b.call('setIntegrationEnabled', off, true);
    expect((b.call('dryRunPush', DEMO_MONTH) as Dry).total).toBeGreaterThan(0);
    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    for (const r of offRows()) expect(String(r.Status)).not.toMatch(/disabled/);
    expect(offRows().filter((r) => r['PSA reference'] !== '').length).toBeGreaterThan(0);
    expect((b.call('reviewBillingMonth', DEMO_MONTH) as Review).disabledIntegrations).toEqual([]);
    await b.sb.admin(b.psa).clearRequests();
    expect((b.call('pushBillingMonth', DEMO_MONTH) as { applied: number }).applied).toBe(0);
    expect(await mutations()).toEqual([]);
    expect((b.call('dryRunPush', DEMO_MONTH) as Dry).total).toBe(0);
  });
});
