/**
 * The token cycle the OAuth sources share (Pax8, Crayon, interworks.cloud, Ingram Micro): GETs sent together
 * with the cached token; only those answered 401 are sent again, once, with a new token; a second 401 stops
 * the read with the vendor's name.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/core/http';
import { SourceError } from '../../../../src/core/source';
import { getAllWithToken } from '../../../../src/connectors/sources/common/oauth';

/** A vendor that accepts only `valid` tokens, and refuses the URLs in `revoked` whatever the token. */
function vendor(valid: Set<string>, revoked = new Set<string>()) {
  const sent: { url: string; token: string }[] = [];
  const answer = (req: HttpRequest): HttpResponse => {
    const token = String(req.headers?.Authorization ?? '').replace(/^Bearer /, '');
    sent.push({ url: req.url, token });
    const ok = valid.has(token) && !revoked.has(req.url);
    return { status: ok ? 200 : 401, headers: {}, body: ok ? `{"url":"${req.url}"}` : '' };
  };
  const http: HttpClient = { request: answer, requestAll: (reqs) => reqs.map(answer) };
  return { http, sent };
}

function tokens(first: string, next: string) {
  const asked: string[] = [];
  return {
    asked,
    token: () => (asked.push('token'), first),
    refresh: () => (asked.push('refresh'), next),
  };
}

describe('getAllWithToken', () => {
  it('sends every GET with the cached token and asks for nothing more when all are answered', () => {
    const v = vendor(new Set(['t1']));
    const auth = tokens('t1', 't2');
    const out = getAllWithToken(v.http, auth, 'Vendor', ['/a', '/b']);
    expect(out.map((r) => r.status)).toEqual([200, 200]);
    expect(auth.asked).toEqual(['token']);
    expect(v.sent).toEqual([
      { url: '/a', token: 't1' },
      { url: '/b', token: 't1' },
    ]);
  });

  it('re-sends only the 401s, once, with a new token, and keeps the answers in order', () => {
    // The cached token ran out: every GET is refused, then answered with the new one.
    const v = vendor(new Set(['t2']));
    const auth = tokens('t1', 't2');
    const out = getAllWithToken(v.http, auth, 'Vendor', ['/a', '/b', '/c']);
    expect(out.map((r) => JSON.parse(r.body) as { url: string })).toEqual([
      { url: '/a' },
      { url: '/b' },
      { url: '/c' },
    ]);
    expect(auth.asked).toEqual(['token', 'refresh']);
    expect(v.sent.filter((s) => s.token === 't2').map((s) => s.url)).toEqual(['/a', '/b', '/c']);
  });

  it("a second 401 stops the read with the vendor's name; the token is never in the message", () => {
    const v = vendor(new Set(['t1', 't2']), new Set(['/b']));
    const auth = tokens('t1', 't2');
    let thrown: unknown;
    try {
      getAllWithToken(v.http, auth, 'Vendor Ltd', ['/a', '/b']);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SourceError);
    expect((thrown as SourceError).message).toBe(
      'Vendor Ltd rejected the access token (401) even after a new one was issued',
    );
    expect((thrown as SourceError).message).not.toMatch(/t1|t2/);
    // '/a' went once: only the refused GET was sent again.
    expect(v.sent.map((s) => `${s.url} ${s.token}`)).toEqual(['/a t1', '/b t1', '/b t2']);
  });

  it('asks for no token when there is nothing to read', () => {
    const v = vendor(new Set(['t1']));
    const auth = tokens('t1', 't2');
    expect(getAllWithToken(v.http, auth, 'Vendor', [])).toEqual([]);
    expect([auth.asked, v.sent]).toEqual([[], []]);
  });

  it("builds each GET with the vendor's own headers", () => {
    const v = vendor(new Set(['t1']));
    const seen: HttpRequest[] = [];
    const http: HttpClient = {
      request: v.http.request,
      requestAll: (reqs) => (seen.push(...reqs), v.http.requestAll(reqs)),
    };
    getAllWithToken(http, tokens('t1', 't2'), 'Vendor', ['/a'], (url, token) => ({
      method: 'get',
      url,
      headers: { Authorization: `Bearer ${token}`, 'X-Vendor': 'yes' },
    }));
    expect(seen.map((r) => r.headers)).toEqual([{ Authorization: 'Bearer t1', 'X-Vendor': 'yes' }]);
  });
});
