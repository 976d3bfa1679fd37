/**
 * interworks.cloud tokens: OAuth 2.0 resource-owner password flow, `POST {host}/oauth/token`; the client
 * key/secret are accepted ONLY as HTTP Basic (documented), the application user's credentials as the
 * form's username/password. Cached until a minute before expiry; fetched again once on a 401.
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import { SourceError } from '../../../core/source';
import { basicAuth } from '../common/base64';
import { isOk, jsonBody } from '../common/http-util';
import type { InterworksConfig } from './config';
import { oauthError, tokenResponse } from './schemas';

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

export class InterworksAuth {
  issued = 0;

  constructor(
    private readonly config: InterworksConfig,
    private readonly base: string,
    private readonly http: HttpClient,
    private readonly store: TokenStore,
    private readonly now: () => number,
  ) {}

  token(): string {
    const cached = this.store.get();
    if (cached && cached.expiresAt - 60_000 > this.now()) return cached.token;
    return this.refresh();
  }

  refresh(): string {
    this.store.clear();
    const res = this.http.request({
      method: 'post',
      url: `${this.base}/oauth/token`,
      contentType: 'application/x-www-form-urlencoded',
      headers: {
        Authorization: basicAuth(this.config.clientKey, this.config.clientSecret),
        Accept: 'application/json',
      },
      body: `grant_type=password&username=${encodeURIComponent(this.config.username)}&password=${encodeURIComponent(this.config.password)}`,
      idempotent: true,
    });
    this.issued += 1;
    if (!isOk(res)) {
      const e = oauthError.safeParse(jsonBody(res));
      const code = e.success ? e.data.error : undefined;
      if (code === 'invalid_client')
        throw new SourceError(
          `interworks.cloud rejected the Client Key / Client Secret (HTTP ${res.status})`,
          res.status,
        );
      if (code === 'invalid_grant')
        throw new SourceError(
          `interworks.cloud rejected the API user name / password (HTTP ${res.status})`,
          res.status,
        );
      throw new SourceError(
        `interworks.cloud could not issue an access token (HTTP ${res.status})`,
        res.status,
      );
    }
    const t = tokenResponse.safeParse(jsonBody(res));
    if (!t.success)
      throw new SourceError('interworks.cloud sent an unreadable access token response', res.status);
    this.store.put({ token: t.data.access_token, expiresAt: this.now() + t.data.expires_in * 1000 });
    return t.data.access_token;
  }
}
