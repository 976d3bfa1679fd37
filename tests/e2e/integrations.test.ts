/**
 * Integrations on/off and pulled one at a time (issue #18 item 4) through the BUILT bundle: a disabled
 * integration keeps its credentials, is skipped by pulls and the tenant check and says so; its rows are
 * left as they are (never "Removed at source"); a pull of one integration leaves the others' rows alone.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { sourceName } from '../../src/connectors/registry';
import { billableDefaults, DEMO_SOURCES, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost } from './bundle-host';

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
});
