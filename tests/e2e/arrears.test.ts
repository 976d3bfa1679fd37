/**
 * Arrears mode (P32, seed 003) through the BUILT bundle: usage billed in arrears lands on the billing period
 * the setting says — "most recent" = the month consumed, "next" = the following billing month — in the grid's
 * Billing period column and in the PSA (the charge's date or its invoice's, as the PSA's contract fixture
 * reads it), per integration and per client override, on every PSA whose fixture says where it bills.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { contractFixtureOf } from '../contract/support';
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { psaConnector } from '../../src/connectors/registry';
import { billableDefaults, psasWhere, startBundle } from './bundle-host';
import type { BundleHost, DefaultsView, Row } from './bundle-host';

const NEXT = '2026-11';
const companyIdOf = (r: Row): string => /\[([^\]]+)\]\s*$/.exec(String(r['PSA company']))?.[1] ?? '';

/** Every sandboxed PSA whose contract fixture says in which month it bills a charge. */
const dated = psasWhere((p) => {
  try {
    return typeof (contractFixtureOf(p.id) as PsaContractFixture).chargeMonthOf === 'function';
  } catch {
    return false;
  }
}).map((p) => [p.id, contractFixtureOf(p.id) as PsaContractFixture] as const);

it('at least two PSAs (one billing on contracts, one on invoices) say where a charge is billed', () => {
  const containers = new Set(dated.map(([id]) => psaConnector(id).capabilities.chargeContainer));
  expect([...containers].sort()).toEqual(['contract', 'invoice']);
});

describe.each(dated)('arrears mode through the built bundle (→ %s)', (psa, fixture) => {
  let b: BundleHost;
  beforeAll(async () => {
    b = await startBundle(psa);
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  const grid = () => b.rows(`Billing ${DEMO_MONTH}`);
  const usage = () => grid().filter((r) => r['Charge type'] === 'usage' && r['PSA company'] !== '');

  it('bills usage in the month consumed or the next, per integration and per client', async () => {
    b.call('pullBillingMonth', DEMO_MONTH);
    const before = usage();
    expect(before.length).toBeGreaterThan(3);
    // Most recent (the default): the month the usage was consumed.
    for (const r of before) expect(r['Billing period']).toBe(String(r['Period end']).slice(0, 7));

    // Next for the usage integration, but one client keeps "most recent" by its own setting.
    const sourceOfUsage = String(before[0].Source);
    const keeper = companyIdOf(before[0]);
    const d = b.call('getDefaults') as DefaultsView;
    b.call('saveDefaults', {
      ...d.settings,
      sources: { ...d.settings.sources, [sourceOfUsage]: { arrearsMode: 'next' } },
      clients: { ...d.settings.clients, [keeper]: { arrearsMode: 'most-recent' } },
    });
    b.call('pullBillingMonth', DEMO_MONTH);
    const after = usage().filter((r) => r.Source === sourceOfUsage);
    const kept = after.filter((r) => companyIdOf(r) === keeper);
    const moved = after.filter((r) => companyIdOf(r) !== keeper);
    expect(kept.length).toBeGreaterThan(0);
    expect(moved.length).toBeGreaterThan(0);
    for (const r of kept) expect(r['Billing period']).toBe(DEMO_MONTH);
    for (const r of moved) expect(r['Billing period']).toBe(NEXT);
    // Recurring lines are billed in their own month whatever the arrears mode.
    for (const r of grid().filter((x) => x['Charge type'] === 'recurring'))
      expect(r['Billing period']).toBe(String(r['Period start']).slice(0, 7));

    b.call('approveRows', DEMO_MONTH, { approve: true });
    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { failed: number; applied: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);

    const keyOf = (r: Row) => String(r['Line key']);
    // The rows the push sent (a client without a contract in the PSA, say, is held back).
    const sent = new Set(
      grid()
        .filter((r) => String(r.Status).startsWith('Pushed'))
        .map(keyOf),
    );
    const movedSent = moved.filter((r) => sent.has(keyOf(r)));
    const keptSent = kept.filter((r) => sent.has(keyOf(r)));
    expect(movedSent.length).toBeGreaterThan(0);
    expect(keptSent.length).toBeGreaterThan(0);
    const state = await b.sb.admin(psa).state();
    const monthOf = (r: Row) => fixture.chargeMonthOf?.(state, keyOf(r));
    for (const r of movedSent) expect(monthOf(r)).toBe(NEXT);
    for (const r of keptSent) expect(monthOf(r)).toBe(DEMO_MONTH);
    // Converged: a second push changes nothing.
    expect((b.call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
  });
});
