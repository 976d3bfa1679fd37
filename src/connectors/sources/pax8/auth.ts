/**
 * OAuth 2.0 client credentials for Pax8: POST {client_id, client_secret, audience, grant_type} as JSON
 * to the token endpoint; the bearer token lives 24 hours. The token cycle is the sources' shared one
 * (common/oauth.ts): cached (in memory, or in the store the caller passes, e.g. CacheService) until five
 * minutes before expiry, fetched again once when the API answers 401 to a cached token.
 */
import type { CachedToken, HttpClient, TokenStore } from '../../../core/http';
import { CachedTokenAuth, memoryTokenStore, type TokenEndpoint } from '../common/oauth';
import type { Pax8Config } from './config';
import { tokenResponse } from './schemas';

export type { CachedToken, TokenStore };
export { memoryTokenStore };

export function pax8TokenEndpoint(config: Pax8Config): TokenEndpoint {
  return {
    vendor: 'Pax8',
    earlyMs: 5 * 60 * 1000,
    request: () => ({
      method: 'post',
      url: config.tokenUrl,
      contentType: 'application/json',
      headers: { Accept: 'application/json' },
      body: JSON.stringify({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        audience: config.audience,
        grant_type: 'client_credentials',
      }),
    }),
    refusal: (res) =>
      res.status === 401 || res.status === 403
        ? `Pax8 rejected the Client ID / Client Secret (${res.status})`
        : undefined,
    read: (body) => {
      const t = tokenResponse.safeParse(body);
      return t.success ? { token: t.data.access_token, expiresInSeconds: t.data.expires_in } : undefined;
    },
  };
}

export class Pax8Auth extends CachedTokenAuth {
  constructor(config: Pax8Config, http: HttpClient, store: TokenStore, now: () => number) {
    super(pax8TokenEndpoint(config), http, store, now);
  }
}
