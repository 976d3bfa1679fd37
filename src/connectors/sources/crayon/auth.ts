/**
 * Cloud-iQ tokens: POST {api}/connect/token with the API client's id/secret as HTTP Basic and the API
 * user's credentials as a form-encoded password grant, scope CustomerApi (Crayon SDK TokenResource;
 * apidocs.crayon.com "Authentication"). The token is cached until a minute before `expiresIn` runs out and
 * fetched again once when the API answers 401.
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import { SourceError } from '../../../core/source';
import { basicAuth } from '../common/base64';
import { isOk, jsonBody } from '../common/http-util';
import type { CrayonConfig } from './config';
import { camelKeys, oauthError, tokenResponse } from './schemas';

export function memoryTokenStore(): TokenStore {
  let cached: ReturnType<TokenStore['get']> = null;
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

const EARLY_MS = 60 * 1000;
const form = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

export class CrayonAuth {
  /** Token requests made by this instance (tests). */
  issued = 0;

  constructor(
    private readonly config: CrayonConfig,
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
      method: 'post',
      url: `${this.config.apiBaseUrl}/connect/token`,
      contentType: 'application/x-www-form-urlencoded',
      headers: {
        Authorization: basicAuth(this.config.clientId, this.config.clientSecret),
        Accept: 'application/json',
      },
      body: form({
        grant_type: 'password',
        username: this.config.username,
        password: this.config.password,
        scope: 'CustomerApi',
      }),
      // A token request changes nothing that matters: safe to repeat after a network error.
      idempotent: true,
    });
    this.issued += 1;
    const body = camelKeys(jsonBody(res));
    if (!isOk(res)) {
      const err = oauthError.safeParse(body);
      const code = err.success ? err.data.error : undefined;
      if (code === 'invalid_client') {
        throw new SourceError(
          `Crayon rejected the API client (Client ID / Client secret) (HTTP ${res.status})`,
          res.status,
        );
      }
      if (code === 'invalid_grant') {
        throw new SourceError(
          `Crayon rejected the API user name / password (HTTP ${res.status})`,
          res.status,
        );
      }
      throw new SourceError(
        `Crayon could not issue an access token (HTTP ${res.status}${code ? `: ${code}` : ''})`,
        res.status,
      );
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new SourceError('Crayon sent an unreadable access token response', res.status);
    this.store.put({ token: parsed.data.accessToken, expiresAt: this.now() + parsed.data.expiresIn * 1000 });
    return parsed.data.accessToken;
  }
}
