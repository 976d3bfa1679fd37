/**
 * OAuth 2.0 client credentials for Pax8: POST {client_id, client_secret, audience, grant_type} as JSON
 * to the token endpoint; the bearer token lives 24 hours. It is cached (in memory, or in the store the
 * caller passes, e.g. CacheService) until five minutes before expiry, and fetched again once when the
 * API answers 401 to a cached token.
 */
import type { CachedToken, HttpClient, TokenStore } from '../../../core/http';
import { SourceError } from '../../../core/source';
import { isOk, jsonBody } from '../common/http-util';
import type { Pax8Config } from './config';
import { tokenResponse } from './schemas';

export type { CachedToken, TokenStore };

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

const EARLY_MS = 5 * 60 * 1000;

export class Pax8Auth {
  /** Token requests made by this instance (tests and stats). */
  issued = 0;

  constructor(
    private readonly config: Pax8Config,
    private readonly http: HttpClient,
    private readonly store: TokenStore,
    private readonly now: () => number,
  ) {}

  /** A usable token: the cached one, or a new one. */
  token(): string {
    const cached = this.store.get();
    if (cached && cached.expiresAt - EARLY_MS > this.now()) return cached.token;
    return this.refresh();
  }

  refresh(): string {
    this.store.clear();
    const res = this.http.request({
      method: 'post',
      url: this.config.tokenUrl,
      contentType: 'application/json',
      headers: { Accept: 'application/json' },
      body: JSON.stringify({
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        audience: this.config.audience,
        grant_type: 'client_credentials',
      }),
    });
    this.issued += 1;
    if (res.status === 401 || res.status === 403) {
      throw new SourceError(`Pax8 rejected the Client ID / Client Secret (${res.status})`, res.status);
    }
    const parsed = isOk(res) ? tokenResponse.safeParse(jsonBody(res)) : undefined;
    if (!parsed?.success) {
      throw new SourceError(
        parsed
          ? 'Pax8 sent an unreadable access token response'
          : `Pax8 could not issue an access token (HTTP ${res.status})`,
        res.status,
      );
    }
    this.store.put({
      token: parsed.data.access_token,
      expiresAt: this.now() + parsed.data.expires_in * 1000,
    });
    return parsed.data.access_token;
  }
}
