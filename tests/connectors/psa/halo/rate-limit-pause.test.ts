/**
 * A push that meets hosted Halo's 300 requests / 5 minutes with less time left than the window needs:
 * nothing is sent, every step says why (naming the limit) and asks to continue later; the continuation,
 * once the window has room, pushes the month exactly once, and a push after it sends no change.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, policy } from '../../../../src/connectors/psa/halo';
import { HOSTED_LIMIT } from '../../../../src/connectors/psa/halo/pacing';
import type { RequestWindowStore } from '../../../../src/core/http';
import { TENANT_URL, testHttp } from './support/http';
import { divergence, fullMonth, stepsOf } from './support/scenario';

describe('HaloPSA: a rate-limit wait longer than the run has left', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());

  it('pauses without sending, continues later, bills once', async () => {
    await sb.admin('halo').reset();
    const t = testHttp(policy, sb.urls.halo);
    // Another execution filled the window 100 s ago (kept in script properties on Google).
    // The pacer's clock: moved only by its sleeps and the test, so the figures below are exact.
    let clock = Date.UTC(2026, 10, 2, 9);
    let stored: number[] | null = Array.from({ length: HOSTED_LIMIT.requests }, () => clock - 100_000);
    const store: RequestWindowStore = {
      get: () => stored,
      put: (times) => {
        stored = [...times];
      },
      update: (change) => (stored = change(stored ?? [])),
    };
    let left = 150_000;
    const target = () =>
      createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
        now: t.now,
        integrationName: 'Pax8',
        pacing: { now: () => clock, sleep: (ms) => (clock += ms), store, timeLeftMs: () => left },
      });
    const lines = fullMonth();
    const steps = stepsOf(lines);
    await sb.admin('halo').clearRequests();

    // Room again in 200 s; 150 s left: stop, send nothing.
    const first = target().applyAll(steps);
    expect(first.every((o) => o.status === 'failed' && o.continueLater && o.retryable)).toBe(true);
    // The pacer stopped each call before its first request: the push may take these steps as never sent.
    expect(first.every((o) => o.status === 'failed' && o.notSent === true)).toBe(true);
    expect(first[0].status === 'failed' && first[0].message).toMatch(
      /300 requests per rolling 5 minutes\) is used up for about 200 s more/,
    );
    // Only sign-in (authinfo, the token) went out, which the pacer leaves alone.
    const sent = (await sb.admin('halo').requests()).filter(
      (r) => r.path.startsWith('/api/') && r.path !== '/api/authinfo',
    );
    expect(sent).toEqual([]);

    // The continuation a minute later has a fresh budget: it waits the rest of the window, then pushes.
    clock += 60_000;
    left = 270_000;
    const second = target().applyAll(steps);
    expect(second.filter((o) => o.status === 'failed')).toEqual([]);
    expect(divergence(await sb.admin('halo').state<HaloState>(), lines, 'BillGrid_Pax8')).toEqual([]);

    await sb.admin('halo').clearRequests();
    const third = target().applyAll(steps);
    expect(third.every((o) => o.status === 'unchanged')).toBe(true);
    const writes = (await sb.admin('halo').requests()).filter(
      (r) => r.method !== 'GET' && r.path.startsWith('/api/'),
    );
    expect(writes).toEqual([]);
  }, 120_000);
});
