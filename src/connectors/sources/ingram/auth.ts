/**
 * OAuth 2.0 client credentials for Ingram Micro as the spec has it: GET /oauth/oauth20/token with
 * grant_type, client_id and client_secret in the query (the platform strips query strings from transport
 * error messages, and this module never quotes the URL). The token cycle is the sources' shared one
 * (common/oauth.ts): cached until five minutes before `expires_in` (sent as text) runs out, fetched again
 * once on a 401.
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import { queryString } from '../common/http-util';
import { CachedTokenAuth, memoryTokenStore, type TokenEndpoint } from '../common/oauth';
import type { IngramConfig } from './config';
import { tokenResponse } from './schemas';

export { memoryTokenStore };

export function ingramTokenEndpoint(config: IngramConfig): TokenEndpoint {
  return {
    vendor: 'Ingram Micro',
    earlyMs: 5 * 60 * 1000,
    request: () => ({
      method: 'get',
      url: `${config.apiBaseUrl}/oauth/oauth20/token${queryString({
        grant_type: 'client_credentials',
        client_id: config.clientId,
        client_secret: config.clientSecret,
      })}`,
      headers: { Accept: 'application/json' },
    }),
    // The spec answers bad credentials with 400 { message }; Ingram's gateway may say 401.
    refusal: (res) =>
      [400, 401, 403].includes(res.status)
        ? `Ingram Micro rejected the Client ID / Client Secret (${res.status})`
        : undefined,
    read: (body) => {
      const t = tokenResponse.safeParse(body);
      return t.success ? { token: t.data.access_token, expiresInSeconds: t.data.expires_in } : undefined;
    },
  };
}

export class IngramAuth extends CachedTokenAuth {
  constructor(config: IngramConfig, http: HttpClient, store: TokenStore, now: () => number) {
    super(ingramTokenEndpoint(config), http, store, now);
  }
}
