/**
 * OAuth 2.0 client credentials for Ingram Micro as the spec has it: GET /oauth/oauth20/token with
 * grant_type, client_id and client_secret in the query (the platform strips query strings from transport
 * error messages, and this module never quotes the URL). The token is cached in the caller's store until
 * five minutes before `expires_in` (sent as text) runs out, and fetched again once on a 401.
 */
import type { CachedToken, HttpClient, TokenStore } from '../../../core/http';
import { SourceError } from '../../../core/source';
import { isOk, jsonBody, queryString } from '../common/http-util';
import type { IngramConfig } from './config';
import { tokenResponse } from './schemas';

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

export class IngramAuth {
  issued = 0;

  constructor(
    private readonly config: IngramConfig,
    private readonly http: HttpClient,
    private readonly store: TokenStore,
    private readonly now: () => number,
  ) {}

  token(): string {
    const cached = this.store.get();
    if (cached && cached.expiresAt - EARLY_MS > this.now()) return cached.token;
    return this.refresh();
  }

  refresh(): string {
    this.store.clear();
    const res = this.http.request({
      method: 'get',
      url: `${this.config.apiBaseUrl}/oauth/oauth20/token${queryString({
        grant_type: 'client_credentials',
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
      })}`,
      headers: { Accept: 'application/json' },
    });
    this.issued += 1;
    // The spec answers bad credentials with 400 { message }; Ingram's gateway may say 401.
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new SourceError(
        `Ingram Micro rejected the Client ID / Client Secret (${res.status})`,
        res.status,
      );
    }
    const parsed = isOk(res) ? tokenResponse.safeParse(jsonBody(res)) : undefined;
    if (!parsed?.success) {
      throw new SourceError(
        parsed
          ? 'Ingram Micro sent an unreadable access token response'
          : `Ingram Micro could not issue an access token (HTTP ${res.status})`,
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
