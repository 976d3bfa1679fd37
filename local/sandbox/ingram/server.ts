/**
 * Stateful Ingram Micro Xvantage reseller sandbox, the subset BillGrid reads
 * (specs/ingram_xvantage_resellers.json, vendor-official, MIT):
 *   GET /oauth/oauth20/token?grant_type=client_credentials&client_id&client_secret → AccesstokenResponse
 *   GET /resellers/v6/orders/search          OrderSearch_Response; ingramOrderDate-bt (two dates), orderStatus,
 *                                            customerOrderNumber, endCustomerOrderNumber; pageSize ≤ 100, pageNumber from 1
 *   GET /resellers/v6.1/orders/{ordernumber} OrderDetailB2B
 *   GET /resellers/v6/invoices               InvoiceSearchResponse; invoiceFromDate/invoiceToDate, paging as above
 *   GET /resellers/v6.1/invoices/{invoiceNumber} InvoiceDetailsv6.1Response (serials only with includeSerialNumbers=true)
 * Every reseller call needs a bearer token and the headers IM-CustomerNumber (≤ 10, the account's),
 * IM-CountryCode (2 letters), IM-CorrelationID (≤ 32); invoice calls also IM-ApplicationID (≤ 32).
 * Missing or bad headers → 400 ErrorResponse { errors: [{ id, type, message, fields: [{ field, message, value }] }] }.
 * Behaviour the spec leaves open is chosen by `state.variants` (see fixture.ts).
 */
import { randomBytes } from 'node:crypto';
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { demoFixture, DEFAULT_VARIANTS, type IngramFixture, type IngramInvoice } from './fixture';

export type IngramState = IngramFixture;

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

let errorSeq = 0;
interface FieldError {
  field: string;
  message: string;
  value?: string;
}

export function ingramError(
  status: number,
  type: string,
  message: string,
  fields?: FieldError[],
): SandboxResponse {
  errorSeq += 1;
  const error: Record<string, unknown> = { id: `bg-sandbox-${errorSeq}`, type, message };
  if (fields?.length) error.fields = fields;
  return { status, json: { errors: [error] } };
}

const validation = (fields: FieldError[]) =>
  ingramError(400, '/errors/validation-failed', 'Validation failed', fields);

/** Apigee-style gateway faults: what Ingram's gateway answers before the API sees the request. */
const fault = (status: number, faultstring: string, errorcode: string): SandboxResponse => ({
  status,
  json: { fault: { faultstring, detail: { errorcode } } },
});

const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

function checkHeaders(req: SandboxRequest, s: IngramState, invoices: boolean): SandboxResponse | undefined {
  const fields: FieldError[] = [];
  const need = (name: string, max: number, min = 1) => {
    const v = header(req, name);
    if (v === undefined || v === '') fields.push({ field: name, message: 'Required field is missing' });
    else if (v.length > max || v.length < min)
      fields.push({ field: name, message: `Length must be between ${min} and ${max}`, value: v });
    return v;
  };
  const customer = need('IM-CustomerNumber', 10);
  const country = need('IM-CountryCode', 2, 2);
  need('IM-CorrelationID', 32);
  if (invoices) need('IM-ApplicationID', 32);
  const sender = header(req, 'IM-SenderID');
  if (sender !== undefined && sender.length > 32)
    fields.push({ field: 'IM-SenderID', message: 'Length must be between 1 and 32', value: sender });
  if (fields.length) return validation(fields);
  if (customer !== s.customerNumber || country?.toUpperCase() !== s.countryCode) {
    return ingramError(400, '/errors/validation-failed', 'Invalid customer number or country code', [
      {
        field: 'IM-CustomerNumber',
        message: 'Customer number is not valid for this country',
        value: customer,
      },
    ]);
  }
  return undefined;
}

/** pageSize/pageNumber as the spec declares them (defaults 25 and 1, at most 100 a page). */
function paging(req: SandboxRequest, s: IngramState): { size: number; page: number } | SandboxResponse {
  const rawSize = req.query.get('pageSize');
  const rawPage = req.query.get('pageNumber');
  let size = rawSize === null ? DEFAULT_PAGE_SIZE : Number(rawSize);
  const page = rawPage === null ? 1 : Number(rawPage);
  const fields: FieldError[] = [];
  if (!Number.isInteger(size) || size < 1)
    fields.push({ field: 'pageSize', message: 'Must be a whole number from 1', value: rawSize ?? '' });
  else if (size > MAX_PAGE_SIZE) {
    if (s.variants.oversizePage === 'reject')
      fields.push({
        field: 'pageSize',
        message: `Max records ${MAX_PAGE_SIZE} per page`,
        value: rawSize ?? '',
      });
    else size = MAX_PAGE_SIZE;
  }
  if (!Number.isInteger(page) || page < 1)
    fields.push({ field: 'pageNumber', message: 'Must be a whole number from 1', value: rawPage ?? '' });
  return fields.length ? validation(fields) : { size, page };
}

/** A page of search results; the next page's link keeps the caller's parameters, as the spec's example does. */
function pageOf(
  req: SandboxRequest,
  s: IngramState,
  key: 'orders' | 'invoices',
  all: unknown[],
  p: { size: number; page: number },
): SandboxResponse {
  if (all.length === 0 && s.variants.emptySearch === '204') {
    return { status: 204, headers: { 'IM-CorrelationID': header(req, 'IM-CorrelationID') ?? '' } };
  }
  const slice = all.slice((p.page - 1) * p.size, p.page * p.size);
  const num = (n: number): number | string => (s.variants.numbersAsText ? String(n) : n);
  const body: Record<string, unknown> = {
    recordsFound: num(all.length),
    pageSize: num(p.size),
    pageNumber: num(p.page),
    [key]: slice,
  };
  const q = new URLSearchParams(req.query);
  if (p.page * p.size < all.length) {
    q.set('pageNumber', String(p.page + 1));
    body.nextPage = `${req.path}?${q.toString()}`;
  }
  if (key === 'orders' && p.page > 1) {
    q.set('pageNumber', String(p.page - 1));
    body.previousPage = `${req.path}?${q.toString()}`;
  }
  return { status: 200, json: body };
}

const dayOf = (iso: string): string => iso.slice(0, 10);

/** Two-entry date range parameter (`x-bt=from&x-bt=to`, or one comma-separated value). */
function range(req: SandboxRequest, name: string): [string, string] | null | SandboxResponse {
  const all = req.query.getAll(name).flatMap((v) => v.split(','));
  if (all.length === 0) return null;
  if (all.length !== 2 || !all.every((d) => DATE.test(d))) {
    return validation([
      {
        field: name,
        message: 'input date format error expected format is - yyyy-MM-dd',
        value: all.join(','),
      },
    ]);
  }
  return [all[0], all[1]];
}

const isResponse = (x: unknown): x is SandboxResponse =>
  typeof x === 'object' && x !== null && typeof (x as { status?: unknown }).status === 'number';

function orderSummary(o: IngramFixture['orders'][number]): Record<string, unknown> {
  const sub = o.lines[0]?.subOrderNumber;
  return {
    ingramOrderNumber: o.ingramOrderNumber,
    ingramOrderDate: o.ingramOrderDate,
    customerOrderNumber: o.customerOrderNumber,
    vendorName: o.lines[0]?.vendorName ?? '',
    endUserCompanyName: o.endUserInfo?.companyName ?? '',
    orderTotal: o.orderTotal,
    orderStatus: o.orderStatus,
    subOrders: sub
      ? [
          {
            subOrderNumber: sub,
            subOrderTotal: o.orderTotal,
            subOrderStatus: o.orderStatus,
            links: [{ topic: 'orders', href: `/resellers/v6.1/orders/${sub}`, type: 'GET' }],
          },
        ]
      : [],
    links: { topic: 'orders', href: `/resellers/v6.1/orders/${o.ingramOrderNumber}`, type: 'GET' },
  };
}

function invoiceSummary(i: IngramInvoice): Record<string, unknown> {
  const out: Record<string, unknown> = {
    paymentTermsDueDate: i.invoiceDueDate,
    erpOrderNumber: `${i.ingramOrderNumber}-11`,
    invoiceNumber: i.invoiceNumber,
    invoiceStatus: i.invoiceStatus,
    invoiceDate: i.invoiceDate,
    invoiceDueDate: i.invoiceDueDate,
    invoicedAmountDue: i.summary.totals.invoicedAmountDue,
    customerOrderNumber: i.customerOrderNumber,
    orderCreateDate: i.orderDate,
    invoiceAmountInclTax: i.summary.totals.invoicedAmountDue,
  };
  if (i.endCustomerOrderNumber) out.endCustomerOrderNumber = i.endCustomerOrderNumber;
  return out;
}

export function createSandbox(fixture?: unknown): Sandbox<IngramState> {
  const seed = (fixture as IngramFixture | undefined) ?? demoFixture();
  const sandbox = new Sandbox<IngramState>('ingram', () => {
    const s = JSON.parse(JSON.stringify(seed)) as IngramState;
    s.variants = { ...DEFAULT_VARIANTS, ...(s.variants ?? {}) };
    return s;
  });
  let window: number[] = [];

  sandbox.before = (req, s) => {
    const limit = s.limits?.requestsPerSecond;
    if (limit) {
      const now = Date.now();
      window = window.filter((t) => now - t < 1000);
      if (window.length >= limit) {
        return {
          ...fault(429, 'Rate limit quota violation', 'policies.ratelimit.QuotaViolation'),
          headers: { 'Retry-After': '1' },
        };
      }
      window.push(now);
    }
    if (req.path === '/oauth/oauth20/token') return undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    const known = token ? s.tokens.find((t) => t.token === token) : undefined;
    if (!known) return fault(401, 'Invalid Access Token', 'keymanagement.service.invalid_access_token');
    if (known.expiresAt <= Date.now())
      return fault(401, 'Access Token expired', 'keymanagement.service.access_token_expired');
    return checkHeaders(req, s, req.path.includes('/invoices'));
  };
  sandbox.notFound = (req) => ingramError(404, '/errors/not-found', `No endpoint ${req.method} ${req.path}`);

  sandbox.route('GET', '/oauth/oauth20/token', (req, s) => {
    const q = (k: string) => req.query.get(k);
    if (q('grant_type') !== 'client_credentials')
      return {
        status: 400,
        json: { message: 'Unsupported grant type; keep grant_type as client_credentials' },
      };
    const client = s.clients.find(
      (c) => c.clientId === q('client_id') && c.clientSecret === q('client_secret'),
    );
    if (!client) {
      return s.variants.badCredentials === '401'
        ? fault(401, 'Invalid client identifier', 'oauth.v2.InvalidClientIdentifier')
        : { status: 400, json: { message: 'Invalid client credentials' } };
    }
    const token = randomBytes(21).toString('base64url');
    s.tokens.push({ token, expiresAt: Date.now() + s.tokenTtlSeconds * 1000 });
    // The spec declares expires_in as a string.
    return {
      status: 200,
      json: { access_token: token, token_type: 'Bearer', expires_in: String(s.tokenTtlSeconds) },
    };
  });

  sandbox.route('GET', '/resellers/v6/orders/search', (req, s) => {
    const p = paging(req, s);
    if (isResponse(p)) return p;
    const dates = range(req, 'ingramOrderDate-bt');
    if (isResponse(dates)) return dates;
    const on = req.query.get('ingramOrderDate');
    if (on !== null && !DATE.test(on))
      return validation([
        {
          field: 'ingramOrderDate',
          message: 'input date format error expected format is - yyyy-MM-dd',
          value: on,
        },
      ]);
    const status = req.query.get('orderStatus');
    const po = req.query.get('customerOrderNumber');
    const eu = req.query.get('endCustomerOrderNumber');
    const inRange = (d: string) =>
      (!dates || (dayOf(d) >= dates[0] && dayOf(d) <= dates[1])) && (!on || dayOf(d) === on);
    const orders: Array<{ date: string; number: string; summary: unknown }> = s.orders
      .filter(
        (o) =>
          inRange(o.ingramOrderDate) &&
          (!status || o.orderStatus === status) &&
          (!po || o.customerOrderNumber === po) &&
          (!eu || o.endCustomerOrderNumber === eu),
      )
      .map((o) => ({ date: o.ingramOrderDate, number: o.ingramOrderNumber, summary: orderSummary(o) }));
    for (const r of s.rawOrders ?? []) {
      if (!status && !po && !eu && inRange(r.ingramOrderDate)) {
        orders.push({
          date: r.ingramOrderDate,
          number: r.ingramOrderNumber,
          summary: { ingramOrderNumber: r.ingramOrderNumber, ingramOrderDate: r.ingramOrderDate },
        });
      }
    }
    // Newest first, then by number: a stable order so pages never overlap.
    orders.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.number < b.number ? -1 : 1));
    return pageOf(
      req,
      s,
      'orders',
      orders.map((o) => o.summary),
      p,
    );
  });

  sandbox.route('GET', '/resellers/v6.1/orders/:ordernumber', (req, s) => {
    const n = req.params.ordernumber;
    if (n.length > 12)
      return validation([{ field: 'ordernumber', message: 'Length must be at most 12', value: n }]);
    const order = s.orders.find((o) => o.ingramOrderNumber === n);
    if (order) return { status: 200, json: order };
    const raw = (s.rawOrders ?? []).find((o) => o.ingramOrderNumber === n);
    if (raw) return { status: 200, json: raw.record };
    return ingramError(404, '/errors/not-found', `Order ${n} not found`);
  });

  sandbox.route('GET', '/resellers/v6/invoices', (req, s) => {
    const p = paging(req, s);
    if (isResponse(p)) return p;
    const fields: FieldError[] = [];
    const from = req.query.get('invoiceFromDate');
    const to = req.query.get('invoiceToDate');
    for (const [k, v] of [
      ['invoiceFromDate', from],
      ['invoiceToDate', to],
    ] as const) {
      if (v !== null && !DATE.test(v))
        fields.push({ field: k, message: 'Date must be yyyy-MM-dd', value: v });
    }
    if (fields.length) return validation(fields);
    const num = req.query.get('orderNumber');
    const list = s.invoices
      .filter(
        (i) =>
          (!from || i.invoiceDate >= from) &&
          (!to || i.invoiceDate <= to) &&
          (!num || i.ingramOrderNumber === num),
      )
      .sort((a, b) =>
        a.invoiceDate < b.invoiceDate
          ? 1
          : a.invoiceDate > b.invoiceDate
            ? -1
            : a.invoiceNumber < b.invoiceNumber
              ? -1
              : 1,
      );
    return pageOf(req, s, 'invoices', list.map(invoiceSummary), p);
  });

  sandbox.route('GET', '/resellers/v6.1/invoices/:invoiceNumber', (req, s) => {
    const n = req.params.invoiceNumber;
    if (n.length > 12)
      return validation([{ field: 'invoiceNumber', message: 'Length must be at most 12', value: n }]);
    const inv = s.invoices.find((i) => i.invoiceNumber === n);
    if (!inv) return ingramError(404, '/errors/not-found', `Invoice ${n} not found`);
    if (req.query.get('includeSerialNumbers') === 'true') return { status: 200, json: inv };
    return {
      status: 200,
      json: { ...inv, lines: inv.lines.map(({ serialNumbers: _s, ...l }) => (void _s, l)) },
    };
  });

  return sandbox;
}
