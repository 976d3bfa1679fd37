import path from 'node:path';
import { createGasEnvironment, createState, startInWorker, type WorkerHandle } from '../../../local/gas';

describe('UrlFetchApp (real HTTP to a server on another thread)', () => {
  let server: WorkerHandle<{ url: string; port: number }>;
  beforeAll(async () => {
    server = await startInWorker(path.join(__dirname, 'fixtures', 'test-server.ts'), 'startTestServer');
  });
  afterAll(() => server.stop());

  const env = () =>
    createGasEnvironment(createState(), { urlMap: { 'https://api.vendor.test': server.value.url } });

  it('sends method, headers and a form-encoded object payload to a mapped vendor URL', () => {
    const { globals } = env();
    const res = globals.UrlFetchApp.fetch('https://api.vendor.test/echo?x=1', {
      method: 'post',
      headers: { Authorization: 'Basic abc' },
      payload: { a: '1', b: 'two words' },
    });
    expect(res.getResponseCode()).toBe(200);
    const echo = JSON.parse(res.getContentText()) as {
      method: string;
      query: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echo.method).toBe('POST');
    expect(echo.query).toBe('?x=1');
    expect(echo.headers.authorization).toBe('Basic abc');
    expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(echo.headers['x-forwarded-host']).toBe('api.vendor.test');
    expect(echo.body).toBe('a=1&b=two+words');
    expect(res.getHeaders()).toMatchObject({ 'X-Multi': 'a', 'Content-Type': 'application/json' });
    expect(JSON.parse(res.getBlob().getDataAsString())).toMatchObject({ method: 'POST' });
  });

  it('sends a JSON string payload with contentType and follows redirects', () => {
    const { globals } = env();
    const res = globals.UrlFetchApp.fetch(`${server.value.url}/echo`, {
      method: 'put',
      contentType: 'application/json',
      payload: JSON.stringify({ qty: 3 }),
    });
    const echo = JSON.parse(res.getContentText()) as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echo).toMatchObject({ method: 'PUT', body: '{"qty":3}' });
    expect(echo.headers['content-type']).toBe('application/json');
    const redirected = globals.UrlFetchApp.fetch('https://api.vendor.test/redirect');
    expect(JSON.parse(redirected.getContentText())).toMatchObject({ query: '?from=redirect' });
    const raw = globals.UrlFetchApp.fetch('https://api.vendor.test/redirect', { followRedirects: false });
    expect([raw.getResponseCode(), raw.getHeaders()]).toEqual([
      302,
      expect.objectContaining({ Location: '/echo?from=redirect' }),
    ]);
    expect(
      globals.UrlFetchApp.getRequest('https://api.vendor.test/x', { method: 'post', payload: { a: 1 } }),
    ).toMatchObject({
      method: 'post',
      payload: 'a=1',
      contentType: 'application/x-www-form-urlencoded',
    });
  });

  it("throws Apps Script's message for status >= 400 unless muteHttpExceptions", () => {
    const { globals } = env();
    expect(() => globals.UrlFetchApp.fetch('https://api.vendor.test/status/404')).toThrow(
      /^Request failed for https:\/\/api\.vendor\.test returned code 404\. Truncated server response: \{"error":"status 404".*\.\.\. \(use muteHttpExceptions option to examine full response\)$/,
    );
    const muted = globals.UrlFetchApp.fetch('https://api.vendor.test/status/429', {
      muteHttpExceptions: true,
    });
    expect(muted.getResponseCode()).toBe(429);
    expect(muted.getContentText()).toContain('"error":"status 429"');
  });

  it('runs fetchAll in parallel: five 200 ms requests finish well under 1 s', () => {
    const { globals, stats } = env();
    const started = Date.now();
    const responses = globals.UrlFetchApp.fetchAll(
      Array.from({ length: 5 }, () => ({
        url: 'https://api.vendor.test/slow?ms=200',
        muteHttpExceptions: true,
      })),
    );
    const elapsed = Date.now() - started;
    expect(responses.map((r) => r.getResponseCode())).toEqual([200, 200, 200, 200, 200]);
    expect(elapsed).toBeLessThan(700);
    const spans = responses.map((r) => JSON.parse(r.getContentText()) as { started: number; ended: number });
    // All five were in flight at the same time.
    expect(Math.max(...spans.map((s) => s.started))).toBeLessThan(Math.min(...spans.map((s) => s.ended)));
    expect(stats.httpRequests).toBe(5);
    expect(stats.http).toMatchObject({ fetchCalls: 0, fetchAllCalls: 1, batchSizes: [5] });
  });

  it('throws "Address unavailable" when the connection is refused, and refuses unmapped hosts', () => {
    const { globals, runtime } = env();
    // A port nobody listens on: bind-and-release is racy, so use port 1 (privileged, never a test server).
    expect(() => globals.UrlFetchApp.fetch('http://127.0.0.1:1/x')).toThrow(
      'Address unavailable: http://127.0.0.1:1/x',
    );
    expect(() => globals.UrlFetchApp.fetch('https://example.com/')).toThrow(
      /https:\/\/example\.com is not mapped to a local sandbox/,
    );
    expect(() => globals.UrlFetchApp.fetch('https://evil.vendor.test.attacker.net/')).toThrow(/not mapped/);
    runtime.mapUrls({ 'https://*.vendor.example': server.value.url });
    const res = globals.UrlFetchApp.fetch('https://zone5.vendor.example/echo');
    expect(JSON.parse(res.getContentText())).toMatchObject({ path: '/echo' });
  });

  it('reports a dropped connection as an error, not a response', () => {
    const { globals } = env();
    expect(() => globals.UrlFetchApp.fetch('https://api.vendor.test/drop')).toThrow(
      /^Unexpected error: https:\/\/api\.vendor\.test\/drop$/,
    );
  });
});
