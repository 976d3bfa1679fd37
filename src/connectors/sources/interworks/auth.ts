/**
 * interworks.cloud tokens: OAuth 2.0 resource-owner password flow, `POST {host}/oauth/token`; the client
 * key/secret are accepted ONLY as HTTP Basic (documented), the application user's credentials as the
 * form's username/password. The token cycle is the sources' shared one (common/oauth.ts): cached until a
 * minute before expiry, fetched again once on a 401.
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import { basicAuth } from '../common/base64';
import { isOk, jsonBody } from '../common/http-util';
import {
  CachedTokenAuth,
  formBody,
  memoryTokenStore,
  oauthErrorCode,
  type TokenEndpoint,
} from '../common/oauth';
import type { InterworksConfig } from './config';
import { tokenResponse } from './schemas';

export { memoryTokenStore };

export function interworksTokenEndpoint(config: InterworksConfig, base: string): TokenEndpoint {
  return {
    vendor: 'interworks.cloud',
    earlyMs: 60 * 1000,
    request: () => ({
      method: 'post',
      url: `${base}/oauth/token`,
      contentType: 'application/x-www-form-urlencoded',
      headers: {
        Authorization: basicAuth(config.clientKey, config.clientSecret),
        Accept: 'application/json',
      },
      body: formBody({ grant_type: 'password', username: config.username, password: config.password }),
      idempotent: true,
    }),
    refusal: (res) => {
      if (isOk(res)) return undefined;
      const code = oauthErrorCode(jsonBody(res));
      if (code === 'invalid_client')
        return `interworks.cloud rejected the Client Key / Client Secret (HTTP ${res.status})`;
      if (code === 'invalid_grant')
        return `interworks.cloud rejected the API user name / password (HTTP ${res.status})`;
      return undefined;
    },
    read: (body) => {
      const t = tokenResponse.safeParse(body);
      return t.success ? { token: t.data.access_token, expiresInSeconds: t.data.expires_in } : undefined;
    },
  };
}

export class InterworksAuth extends CachedTokenAuth {
  constructor(
    config: InterworksConfig,
    base: string,
    http: HttpClient,
    store: TokenStore,
    now: () => number,
  ) {
    super(interworksTokenEndpoint(config, base), http, store, now);
  }
}
