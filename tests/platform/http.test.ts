import { HttpTransportError } from '../../src/core/http';
import type { HttpRequest } from '../../src/core/http';
import { RetryingHttpClient, parseRetryAfter } from '../../src/platform/http';
import { DailyQuotaError } from '../../src/platform/quota';
import type { HttpDeps } from '../../src/platform/http';

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'network';

/** Fake UrlFetchApp: answers from a per-URL script and records every request and sleep. */
function fakeDeps(script: Record<string, Answer[]>) {
  const sent: string[] = [];
  const batches: number[] = [];
  const sleeps: number[] = [];
  const deps: HttpDeps = {
    fetchAll(reqs) {
      batches.push(reqs.length);
      const out = reqs.map((r) => {
        sent.push(`${String(r.method).toUpperCase()} ${r.url}`);
        const queue = script[r.url];
        const a = queue && queue.length > 1 ? queue.shift()! : (queue?.[0] ?? { status: 200 });
        return a;
      });
      if (out.some((a) => a === 'network')) throw new Error('Address unavailable: http://x/y?token=SECRET');
      return out.map((a) => {
        const ans = a as Exclude<Answer, 'network'>;
        return {
          getResponseCode: () => ans.status,
          getHeaders: () => ans.headers ?? {},
          getContentText: () => ans.body ?? '',
        } as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse;
      });
    },
    sleep: (ms) => sleeps.push(ms),
    random: () => 0.5,
    now: () => Date.parse('2026-11-01T00:00:00Z'),
  };
  return { deps, sent, batches, sleeps };
}

const get = (url: string): HttpRequest => ({ method: 'get', url });
const post = (url: string): HttpRequest => ({ method: 'post', url, body: '{}' });

describe('RetryingHttpClient', () => {
  it('honours Retry-After on 429 and retries 5xx with growing back-off', () => {
    const f = fakeDeps({
      a: [{ status: 429, headers: { 'Retry-After': '7' } }, { status: 503 }, { status: 200, body: 'ok' }],
    });
    const client = new RetryingHttpClient({ apiName: 'Test', baseDelayMs: 1000 }, f.deps);
    expect(client.request(get('a'))).toMatchObject({ status: 200, body: 'ok' });
    expect(f.sleeps).toEqual([7000, 1500]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, sleptMs: 8500 });
  });

  it('returns the last response once retries are exhausted, and never retries other 4xx', () => {
    const f = fakeDeps({ a: [{ status: 500 }], b: [{ status: 404 }] });
    const client = new RetryingHttpClient({ apiName: 'Test', maxRetries: 2 }, f.deps);
    expect(client.request(get('a')).status).toBe(500);
    expect(client.request(get('b')).status).toBe(404);
    expect(f.sent).toEqual(['GET a', 'GET a', 'GET a', 'GET b']);
  });

  it('sends at most maxConcurrency requests per fetchAll, results in order', () => {
    const f = fakeDeps({});
    const client = new RetryingHttpClient({ apiName: 'Test', maxConcurrency: 3 }, f.deps);
    const urls = ['1', '2', '3', '4', '5', '6', '7'];
    expect(client.requestAll(urls.map(get)).map((r) => r.status)).toEqual(urls.map(() => 200));
    expect(f.batches).toEqual([3, 3, 1]);
  });

  it('retries a create only when the server said it did not act (429), never after a 5xx', () => {
    const f = fakeDeps({
      c: [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 500 }, { status: 201 }],
    });
    const client = new RetryingHttpClient({ apiName: 'Test' }, f.deps);
    expect(client.request(post('c')).status).toBe(500);
    expect(f.sent).toEqual(['POST c', 'POST c']);
  });

  it('after a network error re-sends only the idempotent requests of the batch, one by one', () => {
    const f = fakeDeps({ g: [{ status: 200 }], p: ['network', { status: 201 }] });
    const client = new RetryingHttpClient({ apiName: 'Test' }, f.deps);
    expect(() => client.requestAll([get('g'), post('p')])).toThrow(HttpTransportError);
    expect(f.sent).toEqual(['GET g', 'POST p', 'GET g']);
  });

  it("stops at Apps Script's daily UrlFetch quota: nothing re-sent, no create reported as maybe-sent", () => {
    const f = fakeDeps({});
    const deps: HttpDeps = {
      ...f.deps,
      fetchAll(reqs) {
        f.batches.push(reqs.length);
        throw new Error('Service invoked too many times for one day: urlfetch.');
      },
    };
    const client = new RetryingHttpClient({ apiName: 'Test' }, deps);
    expect(() => client.requestAll([get('g'), post('p')])).toThrow(DailyQuotaError);
    expect(() => client.request(get('g'))).toThrow(/too many times for one day: urlfetch/);
    // One fetchAll each: no one-by-one re-send of the batch, no retry with back-off.
    expect(f.batches).toEqual([2, 1]);
    expect(f.sleeps).toEqual([]);
  });

  it('gives up on persistent network errors with a message that names the API and hides query strings', () => {
    const f = fakeDeps({ g: ['network'] });
    const client = new RetryingHttpClient({ apiName: 'Vendor API', maxRetries: 2 }, f.deps);
    let message = '';
    try {
      client.request(get('g'));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Vendor API could not be reached after 3 attempts/);
    expect(message).not.toContain('SECRET');
  });

  it('lets a policy say which responses are worth retrying', () => {
    const f = fakeDeps({ g: [{ status: 500, body: '{"errors":["Missing field"]}' }] });
    const client = new RetryingHttpClient(
      { apiName: 'Vendor API', isRetryable: (r) => r.status >= 500 && !r.body.includes('"errors"') },
      f.deps,
    );
    expect(client.request(get('g')).status).toBe(500);
    expect(f.sent).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '2.5' }, now)).toBe(2500);
    expect(parseRetryAfter({ 'Retry-After': 'Sun, 01 Nov 2026 00:00:30 GMT' }, now)).toBe(30000);
    expect(parseRetryAfter({ 'Retry-After': 'soon' }, now)).toBeNull();
    expect(parseRetryAfter({}, now)).toBeNull();
  });
});
