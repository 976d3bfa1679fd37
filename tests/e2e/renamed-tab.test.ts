/**
 * BillGrid's month tabs are found by what they are (developer metadata), not only by their name (issue #18
 * item 7), through the BUILT bundle: a month tab staff renamed keeps its month in the month list, its
 * approvals through a re-pull, and is the tab the dry run and the push work on; no second tab is made for
 * the month. A month with no tab is told to pull, which loses nothing.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { billableDefaults, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost } from './bundle-host';

const RENAMED = 'October (checked by Ann)';

describe('a renamed month tab (built bundle)', () => {
  let b: BundleHost;
  beforeAll(async () => {
    b = await startBundle(firstPsaWhere());
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  const tabs = () => b.host.state.spreadsheets[0].sheets.map((s) => s.name);

  it('keeps its month, approvals and history, and is the tab pushed', () => {
    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    const approved = b.rows(`Billing ${DEMO_MONTH}`).filter((r) => r.Approved === true);
    expect(approved.length).toBeGreaterThan(5);
    // Staff take one row back by hand, then rename the tab.
    const unticked = String(approved[0]['Line key']);
    const g = b.sheet(`Billing ${DEMO_MONTH}`);
    const value = (c: { v?: unknown } | null | undefined): unknown => c?.v ?? '';
    const head = (g.rows[0] ?? []).map(value);
    const row = g.rows.find((r) => value(r?.[head.indexOf('Line key')]) === unticked);
    (row?.[head.indexOf('Approved')] as { v?: unknown }).v = false;
    b.sheet(`Billing ${DEMO_MONTH}`).name = RENAMED;

    expect((b.call('listBillingMonths') as { months: string[] }).months).toContain(DEMO_MONTH);
    const dry = b.call('dryRunPush', DEMO_MONTH) as { total: number };
    expect(dry.total).toBeGreaterThan(0);

    // A re-pull merges into the renamed tab: approvals kept, no new tab for the month.
    b.call('pullBillingMonth', DEMO_MONTH);
    expect(tabs().filter((n) => n.includes(DEMO_MONTH))).toEqual([]);
    const after = b.rows(RENAMED);
    const approvedAfter = after.filter((r) => r.Approved === true).map((r) => String(r['Line key']));
    expect(approvedAfter.sort()).toEqual(
      approved
        .map((r) => String(r['Line key']))
        .filter((k) => k !== unticked)
        .sort(),
    );

    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { failed: number; applied: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    expect(b.rows(RENAMED).some((r) => String(r.Status).startsWith('Pushed'))).toBe(true);
    expect((b.call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
    expect(tabs().filter((n) => n.includes(DEMO_MONTH))).toEqual([]);
  });

  it('tells a month without a tab to pull (nothing to lose), and a name taken by another month is left alone', () => {
    const none = b.run('dryRunPush', ['2026-08']);
    expect(none.ok).toBe(false);
    expect(none.error?.message).toMatch(/No tab holds billing month 2026-08.*pull 2026-08 to create it/);

    // Staff rename October's tab to September's name: it is still October's; September gets its own tab.
    b.sheet(RENAMED).name = 'Billing 2026-09';
    expect(b.run('approveRows', ['2026-09', { approve: true }]).error?.message).toMatch(/No tab holds/);
    expect((b.call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
    expect((b.call('listBillingMonths') as { months: string[] }).months).not.toContain('2026-09');
  });
});
