/**
 * Cloud-iQ tokens: POST {api}/connect/token with the API client's id/secret as HTTP Basic and the API
 * user's credentials as a form-encoded password grant, scope CustomerApi (Crayon SDK TokenResource;
 * apidocs.crayon.com "Authentication"). The token cycle is the sources' shared one (common/oauth.ts):
 * cached until a minute before `expiresIn` runs out, fetched again once when the API answers 401.
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
import type { CrayonConfig } from './config';
import { camelKeys, tokenResponse } from './schemas';

export { memoryTokenStore };

export function crayonTokenEndpoint(config: CrayonConfig): TokenEndpoint {
  return {
    vendor: 'Crayon',
    earlyMs: 60 * 1000,
    request: () => ({
      method: 'post',
      url: `${config.apiBaseUrl}/connect/token`,
      contentType: 'application/x-www-form-urlencoded',
      headers: {
        Authorization: basicAuth(config.clientId, config.clientSecret),
        Accept: 'application/json',
      },
      body: formBody({
        grant_type: 'password',
        username: config.username,
        password: config.password,
        scope: 'CustomerApi',
      }),
      // A token request changes nothing that matters: safe to repeat after a network error.
      idempotent: true,
    }),
    refusal: (res) => {
      if (isOk(res)) return undefined;
      const code = oauthErrorCode(camelKeys(jsonBody(res)));
      if (code === 'invalid_client')
        return `Crayon rejected the API client (Client ID / Client secret) (HTTP ${res.status})`;
      if (code === 'invalid_grant')
        return `Crayon rejected the API user name / password (HTTP ${res.status})`;
      return `Crayon could not issue an access token (HTTP ${res.status}${code ? `: ${code}` : ''})`;
    },
    read: (body) => {
      const t = tokenResponse.safeParse(camelKeys(body));
      return t.success ? { token: t.data.accessToken, expiresInSeconds: t.data.expiresIn } : undefined;
    },
  };
}

export class CrayonAuth extends CachedTokenAuth {
  constructor(config: CrayonConfig, http: HttpClient, store: TokenStore, now: () => number) {
    super(crayonTokenEndpoint(config), http, store, now);
  }
}
