/**
 * Product lifecycle management on/off as its own switch (seed 000's toggle), per integration, through the
 * BUILT bundle: switched off for one integration, its lines whose product is not mapped are held and say
 * why — no product is created or defaulted for them — while the other integration is pushed in the same
 * run; switched on again, the next push bills them once and a further push changes nothing.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { billableDefaults, DEMO_SOURCES, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost, DefaultsView, Row } from './bundle-host';

describe('product lifecycle management switched off for one integration (built bundle)', () => {
  let b: BundleHost;
  const [kept, off] = DEMO_SOURCES;
  beforeAll(async () => {
    b = await startBundle(firstPsaWhere());
    b.call('refreshClients');
    billableDefaults(b, { sources: { [off]: { productLifecycleEnabled: false } } });
  });
  afterAll(() => b.sb.stop());

  const grid = () => b.rows(`Billing ${DEMO_MONTH}`);
  const keysOf = (rows: Row[]) => new Set(rows.map((r) => String(r['Line key'])));
  const stepsTouching = (keys: Set<string>) => {
    const dry = b.call('dryRunPush', DEMO_MONTH) as { steps: { lineKeys: string[] }[] };
    return dry.steps.filter((s) => s.lineKeys.some((k) => keys.has(k))).length;
  };

  it('holds only the unmapped lines of the integration it is off for, then bills them once it is on', () => {
    const settings = (b.call('getDefaults') as DefaultsView).settings;
    expect(settings.sources[off]).toEqual({ productLifecycleEnabled: false });
    expect(settings.global.productLifecycleEnabled).toBe(true);

    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    b.call('reconcileBillingMonth', DEMO_MONTH);
    const lifecycleOff = /lifecycle management is off/;
    const held = grid().filter((r) => r.Source === off && lifecycleOff.test(String(r.Action)));
    expect(held.length).toBeGreaterThan(0);
    expect(grid().some((r) => r.Source === kept && lifecycleOff.test(String(r.Action)))).toBe(false);
    expect(stepsTouching(keysOf(held))).toBe(0);
    const keptRows = grid().filter((r) => r.Source === kept);
    expect(stepsTouching(keysOf(keptRows))).toBeGreaterThan(0);

    // Not the whole-push refusal of "reconcile by hand": the other integration is pushed.
    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    const heldKeys = keysOf(held);
    for (const r of grid().filter((x) => heldKeys.has(String(x['Line key'])))) {
      expect(r['PSA reference']).toBe('');
      expect(`${String(r.Status)} ${String(r.Action)}`).toMatch(lifecycleOff);
    }
    expect(grid().some((r) => r.Source === kept && String(r.Status).startsWith('Pushed'))).toBe(true);

    // Switched on again (inherits auto-create): the held lines are billed, once.
    const d = b.call('getDefaults') as DefaultsView;
    b.call('saveDefaults', { ...d.settings, sources: {} });
    b.call('approveRows', DEMO_MONTH, { approve: true });
    expect(stepsTouching(heldKeys)).toBeGreaterThan(0);
    expect((b.call('pushBillingMonth', DEMO_MONTH) as { failed: number }).failed).toBe(0);
    const billed = grid().filter((r) => heldKeys.has(String(r['Line key'])));
    expect(billed.some((r) => String(r.Status).startsWith('Pushed'))).toBe(true);
    expect((b.call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
  });
});
