/**
 * The OAuth 2.0 token cycle the sources share: ask the vendor's token endpoint, keep the token in the
 * caller's store (memory, or the script cache across executions) until shortly before it expires, and ask
 * again once when the API answers 401. What differs per vendor — the request (client credentials or
 * password grant, query, JSON or form) and how its answers read — is the `TokenEndpoint` each connector
 * describes; messages name the vendor and the field, never a value.
 */
import { z } from 'zod';
import type { CachedToken, HttpClient, HttpRequest, HttpResponse, TokenStore } from '../../../core/http';
import { SourceError } from '../../../core/source';
import { isOk, jsonBody } from './http-util';

export function memoryTokenStore(): TokenStore {
  let cached: CachedToken | null = null;
  return {
    get: () => cached,
    put: (t) => {
      cached = t;
    },
    clear: () => {
      cached = null;
    },
  };
}

export interface TokenEndpoint {
  /** The vendor's name in messages. */
  vendor: string;
  /** The token is asked for again this long before it runs out. */
  earlyMs: number;
  request(): HttpRequest;
  /** A message when the answer is a refusal the vendor names (wrong client, wrong user); else undefined. */
  refusal(res: HttpResponse): string | undefined;
  /** The token and its lifetime from a 2xx body, or undefined when the body does not read. */
  read(body: unknown): { token: string; expiresInSeconds: number } | undefined;
}

/** RFC 6749 §5.2 error answer. */
export const oauthError = z.lazy(() =>
  z.object({ error: z.string(), error_description: z.string().nullish() }),
);

/** The `error` code of an RFC 6749 §5.2 answer, if the body is one. */
export function oauthErrorCode(body: unknown): string | undefined {
  const e = oauthError.safeParse(body);
  return e.success ? e.data.error : undefined;
}

/** application/x-www-form-urlencoded body. */
export const formBody = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

export class CachedTokenAuth {
  /** Token requests made by this instance (tests and stats). */
  issued = 0;

  constructor(
    private readonly endpoint: TokenEndpoint,
    private readonly http: HttpClient,
    private readonly store: TokenStore,
    private readonly now: () => number,
  ) {}

  /** A usable token: the cached one, or a new one. */
  token(): string {
    const cached = this.store.get();
    if (cached && cached.expiresAt - this.endpoint.earlyMs > this.now()) return cached.token;
    return this.refresh();
  }

  refresh(): string {
    const { vendor } = this.endpoint;
    this.store.clear();
    const res = this.http.request(this.endpoint.request());
    this.issued += 1;
    const refused = this.endpoint.refusal(res);
    if (refused) throw new SourceError(refused, res.status);
    if (!isOk(res))
      throw new SourceError(`${vendor} could not issue an access token (HTTP ${res.status})`, res.status);
    const t = this.endpoint.read(jsonBody(res));
    if (!t) throw new SourceError(`${vendor} sent an unreadable access token response`, res.status);
    this.store.put({ token: t.token, expiresAt: this.now() + t.expiresInSeconds * 1000 });
    return t.token;
  }
}

/** A JSON GET carrying the bearer token. */
export const bearerGet = (url: string, token: string): HttpRequest => ({
  method: 'get',
  url,
  headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
});

/**
 * GETs with the bearer token, sent together; the ones answered 401 (the token ran out or was revoked
 * meanwhile) are sent again once with a new token, and a second 401 stops the read naming `vendor`.
 * `request` builds each GET from its URL and the token (a vendor's own headers).
 */
export function getAllWithToken(
  http: HttpClient,
  auth: Pick<CachedTokenAuth, 'token' | 'refresh'>,
  vendor: string,
  urls: readonly string[],
  request: (url: string, token: string) => HttpRequest = bearerGet,
): HttpResponse[] {
  if (urls.length === 0) return [];
  const token = auth.token();
  const responses = http.requestAll(urls.map((u) => request(u, token)));
  const rejected = responses.flatMap((r, i) => (r.status === 401 ? [i] : []));
  if (rejected.length === 0) return responses;
  const fresh = auth.refresh();
  http.requestAll(rejected.map((i) => request(urls[i], fresh))).forEach((r, k) => {
    if (r.status === 401)
      throw new SourceError(`${vendor} rejected the access token (401) even after a new one was issued`, 401);
    responses[rejected[k]] = r;
  });
  return responses;
}
