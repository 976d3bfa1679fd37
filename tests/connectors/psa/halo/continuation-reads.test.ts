/**
 * What a push's continuations carry over instead of reading it again (issues #16/#23: the 20,000-line push
 * re-read the client list, the sign-in and the list view's check in each of its 22 executions): the token,
 * the client list's tax and bill-to facts (30 minutes) and the list view's finding, each kept in a store
 * the platform backs with the document cache. Each execution here is a new target sharing those stores,
 * as consecutive Apps Script executions do. What is kept never stands in for the invoices themselves: a
 * line added in Halo between two executions is seen by the batch's own fresh read, never added twice.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, policy } from '../../../../src/connectors/psa/halo';
import { CLIENT_FACTS_TTL_S } from '../../../../src/connectors/psa/halo/clients';
import { HOSTED_LIMIT } from '../../../../src/connectors/psa/halo/pacing';
import type { CachedToken, CachedValue, RequestWindowStore, TokenStore } from '../../../../src/core/http';
import { TENANT_URL, testHttp } from './support/http';
import { bgLines, divergence, fullMonth, stepsOf } from './support/scenario';

/** The document cache as one execution after another sees it (expiry by the test's clock). */
class MemoryCache {
  readonly entries = new Map<string, { text: string; until: number }>();
  constructor(private readonly now: () => number) {}
  value(key: string): CachedValue {
    return {
      read: (schema) => {
        const e = this.entries.get(key);
        if (!e || e.until <= this.now()) return null;
        const r = schema.safeParse(JSON.parse(e.text));
        return r.success ? r.data : null;
      },
      write: (v, seconds) => {
        this.entries.set(key, { text: JSON.stringify(v), until: this.now() + seconds * 1000 });
      },
      clear: () => {
        this.entries.delete(key);
      },
    };
  }
  tokens(): TokenStore {
    let kept: CachedToken | null = null;
    return {
      get: () => kept,
      put: (t) => {
        kept = t;
      },
      clear: () => {
        kept = null;
      },
    };
  }
}

describe('HaloPSA: what a continuation carries over', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());

  const paths = async (): Promise<string[]> =>
    (await sb.admin('halo').requests()).map((r) => `${r.method} ${r.path}`);

  it('signs in and reads the client list once across executions, until the facts expire', async () => {
    await sb.admin('halo').reset();
    const t = testHttp(policy, sb.urls.halo);
    let clock = Date.UTC(2026, 10, 2, 9);
    const cache = new MemoryCache(() => clock);
    const tokens = cache.tokens();
    const execution = () =>
      createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
        now: () => clock,
        integrationName: 'Pax8',
        tokenStore: tokens,
        cache: (key) => cache.value(key),
      });
    const lines = fullMonth();
    const steps = stepsOf(lines);
    const half = Math.ceil(steps.length / 2);

    await sb.admin('halo').clearRequests();
    const first = execution().applyAll(steps.slice(0, half));
    expect(first.filter((o) => o.status === 'failed')).toEqual([]);
    const firstPaths = await paths();
    expect(firstPaths).toContain('GET /api/authinfo');
    expect(firstPaths.filter((p) => p === 'GET /api/Client').length).toBeGreaterThan(0);

    // The next execution, a few minutes on: no sign-in, no client list; the invoices are read afresh.
    clock += 5 * 60_000;
    await sb.admin('halo').clearRequests();
    const second = execution().applyAll(steps);
    expect(second.filter((o) => o.status === 'failed')).toEqual([]);
    const secondPaths = await paths();
    expect(secondPaths.filter((p) => /authinfo|\/token/.test(p))).toEqual([]);
    expect(secondPaths.filter((p) => p.startsWith('GET /api/Client'))).toEqual([]);
    expect(secondPaths.some((p) => p === 'GET /api/Invoice')).toBe(true);
    expect(divergence(await sb.admin('halo').state<HaloState>(), lines, 'BillGrid_Pax8')).toEqual([]);

    // Past the facts' lifetime (and the token's) the list and the sign-in are read again.
    clock += CLIENT_FACTS_TTL_S * 1000 + 60 * 60_000;
    await sb.admin('halo').clearRequests();
    const third = execution().applyAll(steps);
    expect(third.every((o) => o.status === 'unchanged')).toBe(true);
    const thirdPaths = await paths();
    expect(thirdPaths.filter((p) => p === 'GET /api/Client').length).toBeGreaterThan(0);
    expect(thirdPaths).toContain('POST /auth/token');
  }, 120_000);

  it('a line staff added between executions is found by the fresh read, never added twice', async () => {
    await sb.admin('halo').reset();
    const t = testHttp(policy, sb.urls.halo);
    const clock = Date.UTC(2026, 10, 2, 9);
    const cache = new MemoryCache(() => clock);
    const tokens = cache.tokens();
    const execution = () =>
      createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
        now: () => clock,
        integrationName: 'Pax8',
        tokenStore: tokens,
        cache: (key) => cache.value(key),
      });
    const lines = fullMonth();
    const steps = stepsOf(lines);
    // Execution 1 pushes everything; staff then copy one line onto the same invoice by hand (same key).
    expect(
      execution()
        .applyAll(steps)
        .filter((o) => o.status === 'failed'),
    ).toEqual([]);
    const state = await sb.admin('halo').state<HaloState>();
    const mine = bgLines(state).find((l) => !l.recurring && !l.invoice.posted);
    if (!mine) throw new Error('no BillGrid line on an open invoice');
    mine.invoice.lines.push({ ...mine.line, id: 99_999 });
    await sb.admin('halo').setState(state);
    // Execution 2 (its client facts and list-view finding from the cache) folds the copy, adds nothing.
    const again = execution().applyAll(steps);
    expect(again.filter((o) => o.status === 'failed')).toEqual([]);
    const after = await sb.admin('halo').state<HaloState>();
    expect(bgLines(after).filter((l) => l.line.comment_1 === mine.line.comment_1)).toHaveLength(1);
    expect(divergence(after, lines, 'BillGrid_Pax8')).toEqual([]);
  }, 120_000);

  it('a paced target says when its window is empty again, for the continuation', () => {
    let clock = Date.UTC(2026, 10, 2, 9);
    let stored: number[] | null = Array.from(
      { length: HOSTED_LIMIT.requests },
      (_, i) => clock - 200_000 + i,
    );
    const store: RequestWindowStore = { get: () => stored, put: (x) => (stored = x) };
    const target = createHaloTarget(
      { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS },
      testHttp(policy, 'http://127.0.0.1:9').http,
      { pacing: { now: () => clock, sleep: (ms) => (clock += ms), store, timeLeftMs: () => 270_000 } },
    );
    // The newest request (sent 200 s ago less 299 ms) leaves the window 300 s after it was sent.
    expect(target.resumeInMs()).toBe(HOSTED_LIMIT.windowMs - 200_000 + HOSTED_LIMIT.requests - 1);
    clock += 100_000;
    expect(target.resumeInMs()).toBe(HOSTED_LIMIT.requests - 1);
    clock += 1_000;
    expect(target.resumeInMs()).toBe(0);
  });

  it('a month longer than one window (the limit scaled down to 12) completes through a continuation: never over the limit in any window, no failed step, billed once, a push after it sends nothing', async () => {
    await sb.admin('halo').reset();
    const t = testHttp(policy, sb.urls.halo);
    let clock = Date.UTC(2026, 10, 2, 9);
    const cache = new MemoryCache(() => clock);
    const tokens = cache.tokens();
    // Scaled down so the demo month (19 requests unpaced) needs two windows, as 20,000 lines need five at 300 / 5 minutes.
    const limit = { requests: 12, windowMs: HOSTED_LIMIT.windowMs };
    let stored: number[] | null = null;
    const sent: number[] = [];
    const store: RequestWindowStore = {
      get: () => stored,
      put: (x) => (stored = x),
      update: (change) => {
        const before = [...(stored ?? [])];
        const after = change(stored ?? []);
        for (const x of after) {
          const k = before.indexOf(x);
          if (k >= 0) before.splice(k, 1);
          else sent.push(x);
        }
        stored = after;
        return after;
      },
    };
    // Each execution with two minutes left: a longer wait continues from a trigger.
    const execution = (until: number) =>
      createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
        now: () => clock,
        integrationName: 'Pax8',
        tokenStore: tokens,
        cache: (key) => cache.value(key),
        pacing: {
          now: () => clock,
          sleep: (ms) => (clock += ms),
          store,
          limit,
          timeLeftMs: () => until - clock,
        },
      });
    const lines = fullMonth();
    let pending = stepsOf(lines);
    let executions = 0;
    while (pending.length && executions < 10) {
      executions++;
      const target = execution(clock + 120_000);
      const out = target.applyAll(pending);
      expect(out.filter((o) => o.status === 'failed' && !o.continueLater)).toEqual([]);
      pending = pending.filter((_, i) => out[i].status === 'failed');
      // The continuation's trigger: when the window is empty again, a minute on at the earliest.
      clock += Math.max(target.resumeInMs(), 60_000);
    }
    expect(pending).toEqual([]);
    expect(executions).toBeGreaterThan(1);
    expect(sent.length).toBeGreaterThan(limit.requests);
    for (const x of sent)
      expect(sent.filter((y) => y > x - limit.windowMs && y <= x).length).toBeLessThanOrEqual(limit.requests);
    expect(divergence(await sb.admin('halo').state<HaloState>(), lines, 'BillGrid_Pax8')).toEqual([]);
    await sb.admin('halo').clearRequests();
    const again = execution(clock + 120_000).applyAll(stepsOf(lines));
    expect(again.every((o) => o.status === 'unchanged')).toBe(true);
    expect(
      (await sb.admin('halo').requests()).filter((r) => r.method !== 'GET' && r.path.startsWith('/api/')),
    ).toEqual([]);
  }, 120_000);
});
