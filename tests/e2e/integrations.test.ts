/**
 * Integrations on/off and pulled one at a time (issue #18 item 4) through the BUILT bundle: a disabled
 * integration keeps its credentials, is skipped by pulls and the tenant check and says so; its rows are
 * left as they are (never "Removed at source"); a pull of one integration leaves the others' rows alone.
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { billableDefaults, startBundle } from './bundle-host';
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
    b = await startBundle('autotask');
    b.call('refreshClients');
    billableDefaults(b, 'autotask');
  });
  afterAll(() => b.sb.stop());

  const grid = () => b.rows(`Billing ${DEMO_MONTH}`);
  const removed = (source: string) =>
    grid().filter((r) => r.Source === source && String(r.Status).startsWith('Removed at source'));

  it('skips a disabled integration without losing its keys or its rows, and pulls one alone', async () => {
    const first = b.call('pullBillingMonth', DEMO_MONTH) as Pull;
    expect(first.sources.map((s) => s.id).sort()).toEqual(['pax8', 'twilio']);
    const twilioRows = grid().filter((r) => r.Source === 'twilio').length;
    expect(twilioRows).toBeGreaterThan(0);

    // Only an admin switches integrations.
    b.call('setAdmins', []);
    expect(b.run('setIntegrationEnabled', ['twilio', false], 'editor@example.com').ok).toBe(false);
    const list = b.call('setIntegrationEnabled', 'twilio', false) as Integration[];
    expect(list.find((i) => i.id === 'twilio')).toMatchObject({ connected: true, enabled: false });

    await b.sb.admin('twilio').clearRequests();
    const pulled = b.call('pullBillingMonth', DEMO_MONTH) as Pull;
    expect(pulled.sources.map((s) => s.id)).toEqual(['pax8']);
    expect(await b.sb.admin('twilio').requests()).toEqual([]);
    expect(grid().filter((r) => r.Source === 'twilio')).toHaveLength(twilioRows);
    expect(removed('twilio')).toEqual([]);
    // The tenant check and a pull of it alone say it is disabled.
    const check = b.run('checkConnection', ['twilio']);
    expect(check.ok).toBe(false);
    expect(check.error?.message).toMatch(/Twilio is disabled/);
    const alone = b.run('pullBillingMonth', [DEMO_MONTH, 'twilio']);
    expect(alone.error?.message).toMatch(/disabled: enable it first/);

    // Enabled again: its keys were kept; a pull of it alone leaves Pax8's rows alone.
    b.call('setIntegrationEnabled', 'twilio', true);
    await b.sb.admin('pax8').clearRequests();
    const pax8Rows = grid().filter((r) => r.Source === 'pax8').length;
    const one = b.call('pullBillingMonth', DEMO_MONTH, 'twilio') as Pull;
    expect(one.sources.map((s) => s.id)).toEqual(['twilio']);
    expect(await b.sb.admin('pax8').requests()).toEqual([]);
    expect(grid().filter((r) => r.Source === 'pax8')).toHaveLength(pax8Rows);
    expect(removed('pax8')).toEqual([]);
    expect(b.run('pullBillingMonth', [DEMO_MONTH, 'nosuch']).error?.message).toMatch(/Integration/);
  });
});
