/**
 * Stateful Datto RMM API v2 sandbox (the parts BillGrid uses; src/connectors/sources/datto-rmm/SOURCES.md):
 *  - POST /auth/oauth/token, OAuth2 password grant: HTTP Basic `public-client:public` (Datto's fixed public
 *    client), form grant_type=password, username = API key, password = API secret → { access_token,
 *    expires_in } (100 hours); bad key/secret → 400 { error: 'invalid_grant', error_description };
 *  - GET /api/v2/account/sites and /api/v2/site/{siteUid}/devices with `page` (from 0) and `max` (capped):
 *    { pageDetails: { count, totalCount, prevPageUrl, nextPageUrl }, sites | devices }; the last page's
 *    nextPageUrl is null or "" (variant `lastPageLink`); links are absolute on the API's own host;
 *  - 401 for a missing/unknown bearer token, 404 for an unknown site, 429 with Retry-After past the
 *    per-minute budget.
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework';
import { demoFixture, type DattoFixture } from './fixture';

export interface DattoState extends DattoFixture {
  tokens: string[];
  hits: number[];
  tokenSeq: number;
}

const BASIC = `Basic ${Buffer.from('public-client:public').toString('base64')}`;

function page<T>(req: SandboxRequest, s: DattoState, key: string, all: T[]): SandboxResponse {
  const max = Math.min(Math.max(Number(req.query.get('max') ?? 250) || 250, 1), s.maxPageSize);
  const no = Math.max(Number(req.query.get('page') ?? 0) || 0, 0);
  const rows = all.slice(no * max, (no + 1) * max);
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost');
  const scheme = req.headers['x-forwarded-host'] ? 'https' : 'http';
  const link = (p: number): string => `${scheme}://${host}${req.path}?page=${p}&max=${max}`;
  const more = (no + 1) * max < all.length;
  return {
    status: 200,
    json: {
      pageDetails: {
        count: rows.length,
        totalCount: all.length,
        prevPageUrl: no > 0 ? link(no - 1) : null,
        nextPageUrl: more ? link(no + 1) : s.lastPageLink === 'empty' ? '' : null,
      },
      [key]: rows,
    },
  };
}

export function createSandbox(fixture?: unknown): Sandbox<DattoState> {
  const sb = new Sandbox<DattoState>('datto-rmm', () => ({
    ...structuredClone((fixture as DattoFixture | undefined) ?? demoFixture()),
    tokens: [],
    hits: [],
    tokenSeq: 0,
  }));

  sb.before = (req, s) => {
    const now = Date.now();
    s.hits = s.hits.filter((t) => t > now - 60_000);
    s.hits.push(now);
    if (s.hits.length > s.requestsPerMinute)
      return { status: 429, headers: { 'Retry-After': '1' }, json: { message: 'Rate limit exceeded' } };
    if (req.path === '/auth/oauth/token') return undefined;
    const token = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (!s.tokens.includes(token))
      return { status: 401, json: { error: 'invalid_token', error_description: 'Invalid access token' } };
    return undefined;
  };

  sb.route('POST', '/auth/oauth/token', (req, s) => {
    if (req.headers.authorization !== BASIC)
      return {
        status: 401,
        json: { error: 'unauthorized', error_description: 'Full authentication is required' },
      };
    const f = new URLSearchParams(req.body);
    if (f.get('grant_type') !== 'password')
      return {
        status: 400,
        json: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' },
      };
    if (f.get('username') !== s.apiKey || f.get('password') !== s.apiSecret)
      return { status: 400, json: { error: 'invalid_grant', error_description: 'Bad credentials' } };
    s.tokenSeq += 1;
    const token = `drmm-token-${s.tokenSeq}-${Math.random().toString(36).slice(2, 10)}`;
    s.tokens.push(token);
    return {
      status: 200,
      json: { access_token: token, token_type: 'bearer', expires_in: 359_999, scope: 'default' },
    };
  });

  sb.route('GET', '/api/v2/account/sites', (req, s) => page(req, s, 'sites', s.sites));

  sb.route('GET', '/api/v2/site/:siteUid/devices', (req, s) => {
    if (!s.sites.some((x) => x.uid === req.params.siteUid))
      return { status: 404, json: { message: `Site ${req.params.siteUid} not found` } };
    return page(
      req,
      s,
      'devices',
      s.devices.filter((d) => d.siteUid === req.params.siteUid),
    );
  });
  return sb;
}
