/**
 * Stateful interworks.cloud BSS sandbox (per-tenant host; see src/connectors/interworks SOURCES.md):
 *   POST /oauth/token            OAuth 2.0 resource-owner password grant; client key/secret ONLY as HTTP
 *                                Basic (documented), the application user's username/password in the form
 *   GET  /api/accounts           paged; $filter `id eq N` (documented property)
 *   GET  /api/subscriptions      paged; $filter `accountId eq N`
 *   GET  /api/charges            paged; fromDate/toDate: the charges whose effective date falls in them
 * Paging: page (from 1), pageSize (1..maxPageSize); metadata as an X-Pagination header or a body envelope
 * (variant). Errors: { message } with the documented status codes (400, 401, 403, 404, 500, 503).
 */
import { randomBytes } from 'node:crypto';
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { demoFixture, type IwFixture } from './fixture';

export type IwState = IwFixture;

const err = (status: number, message: string): SandboxResponse => ({ status, json: { message } });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dated(s: IwState, value: unknown): unknown {
  if (s.variants.dates !== 'datetime' || !value || typeof value !== 'object' || Array.isArray(value))
    return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' && DATE.test(v) ? `${v}T00:00:00` : v]),
  );
}

function paged(req: SandboxRequest, s: IwState, all: unknown[]): SandboxResponse {
  const page = Number(req.query.get('page') ?? '1');
  const size = Number(req.query.get('pageSize') ?? '20');
  if (!Number.isInteger(page) || page < 1) return err(400, 'page must be a whole number from 1');
  if (!Number.isInteger(size) || size < 1 || size > s.maxPageSize)
    return err(400, `pageSize must be between 1 and ${s.maxPageSize}`);
  const data = all.slice((page - 1) * size, page * size).map((x) => dated(s, x));
  const pagination = {
    totalCount: all.length,
    pageSize: size,
    currentPage: page,
    totalPages: Math.ceil(all.length / size),
  };
  return s.variants.pagination === 'header'
    ? { status: 200, headers: { 'X-Pagination': JSON.stringify(pagination) }, json: data }
    : { status: 200, json: { data, pagination } };
}

/** The subset of OData $filter the connector uses: `<prop> eq <number>` joined by `and`. */
function filterOf(req: SandboxRequest): Record<string, number> | 'bad' {
  const raw = req.query.get('$filter');
  if (!raw) return {};
  const out: Record<string, number> = {};
  for (const part of raw.split(/\s+and\s+/i)) {
    const m = /^\s*(\w+)\s+eq\s+(\d+)\s*$/i.exec(part);
    if (!m) return 'bad';
    out[m[1].toLowerCase()] = Number(m[2]);
  }
  return out;
}

const matches = (f: Record<string, number>, x: Record<string, unknown>) =>
  Object.entries(f).every(([k, v]) =>
    Object.entries(x).some(([xk, xv]) => xk.toLowerCase() === k && xv === v),
  );

export function createSandbox(fixture?: unknown): Sandbox<IwState> {
  const seed = (fixture as IwFixture | undefined) ?? demoFixture();
  const sandbox = new Sandbox<IwState>('interworks', () => JSON.parse(JSON.stringify(seed)) as IwState);
  let window: number[] = [];

  sandbox.before = (req, s) => {
    const limit = s.limits?.requestsPerSecond;
    if (limit) {
      const now = Date.now();
      window = window.filter((t) => now - t < 1000);
      if (window.length >= limit)
        return { ...err(429, 'Too many requests'), headers: { 'Retry-After': '1' } };
      window.push(now);
    }
    if (req.path === '/oauth/token') return undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const known = token ? s.tokens.find((t) => t.token === token) : undefined;
    if (!known || known.expiresAt <= Date.now())
      return err(401, 'Authorization has been denied for this request.');
    return undefined;
  };
  sandbox.notFound = (req) => err(404, `No endpoint ${req.method} ${req.path}`);

  sandbox.route('POST', '/oauth/token', (req, s) => {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const form = new URLSearchParams(req.body);
    // Documented: the client key/secret are accepted only through basic authentication.
    if (!basic || form.has('client_id') || form.has('client_secret'))
      return { status: 400, json: { error: 'invalid_client' } };
    const [key, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (!s.clients.some((c) => c.clientKey === key && c.clientSecret === rest.join(':')))
      return { status: 400, json: { error: 'invalid_client' } };
    if (form.get('grant_type') !== 'password')
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    if (!s.users.some((u) => u.username === form.get('username') && u.password === form.get('password')))
      return {
        status: 400,
        json: { error: 'invalid_grant', error_description: 'The user name or password is incorrect.' },
      };
    const token = randomBytes(40).toString('base64url');
    s.tokens.push({ token, expiresAt: Date.now() + s.tokenTtlSeconds * 1000 });
    return {
      status: 200,
      json: { access_token: token, token_type: 'bearer', expires_in: s.tokenTtlSeconds },
    };
  });

  sandbox.route('GET', '/api/accounts', (req, s) => {
    const f = filterOf(req);
    if (f === 'bad') return err(400, 'The $filter expression is not valid');
    return paged(
      req,
      s,
      s.accounts.filter((a) => matches(f, a as unknown as Record<string, unknown>)),
    );
  });
  sandbox.route('GET', '/api/subscriptions', (req, s) => {
    const f = filterOf(req);
    if (f === 'bad') return err(400, 'The $filter expression is not valid');
    return paged(
      req,
      s,
      s.subscriptions.filter((x) => matches(f, x as unknown as Record<string, unknown>)),
    );
  });
  sandbox.route('GET', '/api/charges', (req, s) => {
    const from = req.query.get('fromDate');
    const to = req.query.get('toDate');
    if (!from || !to || !DATE.test(from) || !DATE.test(to))
      return err(400, 'fromDate and toDate (yyyy-MM-dd) are required');
    const list: unknown[] = s.charges.filter((c) => c.effectiveDate >= from && c.effectiveDate <= to);
    list.push(...(s.rawCharges ?? []));
    return paged(req, s, list);
  });
  return sandbox;
}
