/**
 * Stateful Pax8 sandbox: the partner API subset BillGrid uses.
 *   POST /oauth/token                      client credentials → bearer token (24 h), as token-manager.pax8.com
 *   GET  /v1/companies[/{id}]              paged companies
 *   GET  /v1/subscriptions                 paged subscriptions (companyId, status, billingTerm filters)
 *   GET  /v1/invoices[/{id}]               paged invoices (invoiceDateRangeStart/End, status, companyId)
 *   GET  /v1/invoices/{id}/items           paged invoice items
 *   GET  /v1/invoices/draftItems           paged draft items of the invoice not issued yet (monthOffset 0|1)
 * Paging: page (from 0) and size (1..200, default 10) → { content, page: { size, totalElements, totalPages,
 * number } }. Errors: { type, message, instance, status } (token endpoint: { error, error_description }).
 * Expired or unknown tokens get 401; `limits.requestsPerSecond` gives 429 with Retry-After.
 */
import { randomBytes } from 'node:crypto';
import { Sandbox, parseJsonBody, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { demoFixture, type Pax8Fixture } from './fixture';

export type Pax8State = Pax8Fixture;

const DEFAULT_SIZE = 10;
const MAX_SIZE = 200;
const AUDIENCES = ['https://api.pax8.com', 'api://p8p.client', 'api://provisioning', 'api://usage'];

export function pax8ErrorResponse(
  req: SandboxRequest,
  status: number,
  message: string,
  headers?: Record<string, string>,
): SandboxResponse {
  const type =
    status === 401
      ? 'Unauthorized'
      : status === 404
        ? 'Not Found'
        : status === 429
          ? 'Too Many Requests'
          : 'Unprocessable Entity';
  return { status, headers, json: { type, message, instance: req.path, status } };
}

/**
 * The order a list is served in across page requests. Pax8's item lists take no sort parameter and the
 * API documents no stable order, so besides disjoint pages ('stable') the sandbox can serve:
 *  - 'repeat': one record appears at the end of a page and again at the start of the next (as when a
 *    record is inserted before the read position between two page requests); totalElements still counts
 *    distinct records;
 *  - 'shifting': the order moves between requests, so one record is served twice and another never.
 */
export type Pax8PagingVariant = 'stable' | 'repeat' | 'shifting';

/** As served across pages: every record once, or with the repeat/loss of the variant. */
function servedOrder<T>(all: T[], size: number, variant: Pax8PagingVariant): T[] {
  if (variant === 'stable' || all.length <= size) return all;
  if (variant === 'repeat') return [...all.slice(0, size), all[size - 1], ...all.slice(size)];
  // 'shifting': the record at the start of page 1 is lost; page 0's last record takes its place.
  return [...all.slice(0, size), all[size - 1], ...all.slice(size + 1)];
}

/** One page of `all`; `shape` is applied to the page's entries only (a 100,000-item invoice is not copied per page). */
function paged(
  req: SandboxRequest,
  allRecords: unknown[],
  shape: (x: unknown, index: number) => unknown = (x) => x,
  variants: Pax8Fixture['variants'] = {},
): SandboxResponse {
  const rawPage = req.query.get('page') ?? '0';
  const rawSize = req.query.get('size') ?? String(DEFAULT_SIZE);
  const page = Number(rawPage);
  const size = Number(rawSize);
  if (!Number.isInteger(page) || page < 0)
    return pax8ErrorResponse(req, 422, 'page must be a whole number from 0');
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) {
    return pax8ErrorResponse(req, 422, `size must be between 1 and ${MAX_SIZE}`);
  }
  // Shapes are applied by position in the fixture's list, so index through the served order.
  const positions = servedOrder(
    allRecords.map((_, i) => i),
    size,
    variants.paging ?? 'stable',
  );
  const content = positions.slice(page * size, page * size + size).map((i) => shape(allRecords[i], i));
  const pageInfo = {
    size,
    totalElements: allRecords.length,
    totalPages: Math.ceil(positions.length / size),
    number: page,
  };
  // Pax8 leaves `content` out when a list has nothing to return (Pax8's own CLI patches it back in).
  if (content.length === 0 && (variants.emptyList ?? 'omit-content') === 'omit-content')
    return { status: 200, json: { page: pageInfo } };
  return { status: 200, json: { content, page: pageInfo } };
}

/** The day an invoice dated `invoiceDate` is issued: Pax8 dates invoices the 1st and issues them ~5th. */
export function issuedOn(invoiceDate: string): string {
  const d = new Date(`${invoiceDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + ISSUE_DELAY_DAYS);
  return d.toISOString().slice(0, 10);
}
const ISSUE_DELAY_DAYS = 4;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The month (yyyy-mm) a draft request is for: the sandbox clock's month plus the offset. */
function draftMonth(today: string | undefined, offset: number): string | undefined {
  if (!today) return undefined;
  const m = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 + offset;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

export function createSandbox(fixture?: unknown): Sandbox<Pax8State> {
  const seed = (fixture as Pax8Fixture | undefined) ?? demoFixture();
  const sandbox = new Sandbox<Pax8State>('pax8', () => JSON.parse(JSON.stringify(seed)) as Pax8State);
  let window: number[] = [];

  sandbox.before = (req, s) => {
    const limit = s.limits?.requestsPerSecond;
    if (limit) {
      const now = Date.now();
      window = window.filter((t) => now - t < 1000);
      if (window.length >= limit)
        return pax8ErrorResponse(req, 429, 'Rate limit exceeded', { 'Retry-After': '1' });
      window.push(now);
    }
    if (req.path === '/oauth/token') return undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const known = token ? s.tokens.find((t) => t.token === token) : undefined;
    if (!known || known.expiresAt <= Date.now()) return pax8ErrorResponse(req, 401, 'Unauthorized');
    return undefined;
  };
  sandbox.notFound = (req) => pax8ErrorResponse(req, 404, `No endpoint ${req.method} ${req.path}`);

  sandbox.route('POST', '/oauth/token', (req, s) => {
    const type = String(req.headers['content-type'] ?? '');
    let body: Record<string, unknown> = {};
    if (type.includes('application/x-www-form-urlencoded'))
      body = Object.fromEntries(new URLSearchParams(req.body));
    else {
      const parsed = parseJsonBody(req);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
        return { status: 400, json: { error: 'invalid_request', error_description: 'Body must be JSON' } };
      }
      body = parsed.value as Record<string, unknown>;
    }
    if (body.grant_type !== 'client_credentials') {
      return {
        status: 400,
        json: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' },
      };
    }
    if (typeof body.audience !== 'string' || !AUDIENCES.includes(body.audience)) {
      return {
        status: 403,
        json: {
          error: 'access_denied',
          error_description: `Service not enabled within domain: ${String(body.audience)}`,
        },
      };
    }
    const client = s.clients.find(
      (c) => c.clientId === body.client_id && c.clientSecret === body.client_secret,
    );
    if (!client) return { status: 401, json: { error: 'access_denied', error_description: 'Unauthorized' } };
    const token = `eyJ${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    s.tokens.push({ token, expiresAt: Date.now() + s.tokenTtlSeconds * 1000 });
    return {
      status: 200,
      json: { access_token: token, expires_in: s.tokenTtlSeconds, token_type: 'Bearer' },
    };
  });

  sandbox.route('GET', '/v1/companies', (req, s) => {
    const status = req.query.get('status');
    const list: unknown[] = s.companies.filter((c) => !status || c.status === status);
    if (!status) list.push(...(s.rawCompanies ?? []));
    return paged(req, list, undefined, s.variants);
  });
  sandbox.route('GET', '/v1/companies/:id', (req, s) => {
    const c = s.companies.find((x) => x.id === req.params.id);
    return c ? { status: 200, json: c } : pax8ErrorResponse(req, 404, 'Company not found');
  });

  sandbox.route('GET', '/v1/subscriptions', (req, s) => {
    const q = (k: string) => req.query.get(k);
    return paged(
      req,
      s.subscriptions.filter(
        (x) =>
          (!q('companyId') || x.companyId === q('companyId')) &&
          (!q('status') || x.status === q('status')) &&
          (!q('billingTerm') || x.billingTerm === q('billingTerm')),
      ),
      undefined,
      s.variants,
    );
  });

  sandbox.route('GET', '/v1/invoices', (req, s) => {
    const from = req.query.get('invoiceDateRangeStart');
    const to = req.query.get('invoiceDateRangeEnd');
    for (const [k, v] of [
      ['invoiceDateRangeStart', from],
      ['invoiceDateRangeEnd', to],
    ] as const) {
      if (v !== null && !DATE.test(v))
        return pax8ErrorResponse(req, 422, `${k} must be a date in yyyy-MM-dd form`);
    }
    const status = req.query.get('status');
    const companyId = req.query.get('companyId');
    const list = s.invoices
      .filter(
        (i) =>
          (!from || i.invoiceDate >= from) &&
          (!to || i.invoiceDate <= to) &&
          (!status || i.status === status) &&
          (!companyId || i.companyId === companyId) &&
          // The sandbox's clock: an invoice exists only once Pax8 has issued it.
          (!s.today || issuedOn(i.invoiceDate) <= s.today),
      )
      .sort((a, b) => (a.invoiceDate < b.invoiceDate ? 1 : a.invoiceDate > b.invoiceDate ? -1 : 0));
    return paged(req, list, undefined, s.variants);
  });
  // Registered before /v1/invoices/:id, which would otherwise take 'draftItems' for an id.
  sandbox.route('GET', '/v1/invoices/draftItems', (req, s) => {
    const raw = req.query.get('monthOffset') ?? '1';
    if (raw !== '0' && raw !== '1') return pax8ErrorResponse(req, 422, 'Invalid monthOffset value');
    const companyId = req.query.get('companyId');
    if (companyId && !s.companies.some((c) => c.id === companyId))
      return pax8ErrorResponse(req, 404, 'Company not found');
    const month = draftMonth(s.today, Number(raw));
    // The charges of the month's invoice while Pax8 has not issued it: no item id (drafts have none in
    // Pax8's own example), and no usage billed in arrears ("This endpoint does not include charges for
    // usage-based products billed in arrears").
    const unissued = new Set(
      s.invoices
        .filter(
          (i) =>
            month &&
            i.status !== 'Void' &&
            i.invoiceDate.startsWith(month) &&
            s.today &&
            issuedOn(i.invoiceDate) > s.today,
        )
        .map((i) => i.id),
    );
    const items = s.items
      .filter(
        (i) =>
          unissued.has(i.invoiceId) &&
          i.term.toLowerCase() !== 'arrears' &&
          (!companyId || i.companyId === companyId),
      )
      .map((i) => {
        const { invoiceId: _invoice, id: _id, ...draft } = i;
        void _invoice;
        void _id;
        return { ...draft, ...(s.draftChanges?.[i.id] ?? {}) };
      });
    return paged(req, items, undefined, s.variants);
  });
  sandbox.route('GET', '/v1/invoices/:id', (req, s) => {
    const inv = s.invoices.find(
      (i) => i.id === req.params.id && (!s.today || issuedOn(i.invoiceDate) <= s.today),
    );
    return inv ? { status: 200, json: inv } : pax8ErrorResponse(req, 404, 'Invalid invoice id');
  });
  sandbox.route('GET', '/v1/invoices/:id/items', (req, s) => {
    const inv = s.invoices.find(
      (i) => i.id === req.params.id && (!s.today || issuedOn(i.invoiceDate) <= s.today),
    );
    if (!inv) return pax8ErrorResponse(req, 404, 'Invalid invoice id');
    const items: unknown[] = s.items.filter((i) => i.invoiceId === inv.id);
    const own = items.length;
    for (const raw of s.rawItems ?? []) if (raw.invoiceId === inv.id) items.push(raw.record);
    // Fixture items lose their invoiceId on the way out; raw records go out exactly as they are.
    return paged(
      req,
      items,
      (x, i) => {
        if (i >= own) return x;
        const { invoiceId: _invoice, ...item } = x as (typeof s.items)[number];
        void _invoice;
        return item;
      },
      s.variants,
    );
  });

  return sandbox;
}
