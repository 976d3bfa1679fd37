/**
 * Stateful Crayon Cloud-iQ sandbox: the customer API subset BillGrid reads (specs/crayon_cloudiq_openapi.json,
 * apidocs.crayon.com; see src/connectors/sources/crayon/SOURCES.md).
 *   POST /api/v1/connect/token                         client id/secret as HTTP Basic + password grant (form)
 *   GET  /api/v1/Organizations                          paged
 *   GET  /api/v1/InvoiceProfiles                        paged, OrganizationId filter
 *   GET  /api/v1/CustomerTenants                        paged, OrganizationId / InvoiceProfileId filters
 *   GET  /api/v1/Subscriptions                          paged, OrganizationId / CustomerTenantId filters
 *   GET  /api/v1/BillingStatements                      paged, OrganizationId (required), InvoiceProfileId,
 *                                                       ProvisionType, From/To (statement period overlaps)
 *   GET  /api/v1/BillingStatements/{id}/billingrecordsfile   { fileName, data: base64 of the file }
 *   GET  /api/v1/UsageCost/organization/{organizationId}?from&to   Azure cost per subscription
 * Paging: Page (from 1), PageSize (default 50, the SDK's; above maxPageSize → 400 or clamped, a variant).
 * Envelope, property casing and the records file's format are variants (fixture `variants`). Errors:
 * { errorCode, message } (Crayon SDK's Error); the token endpoint answers OAuth's { error }.
 */
import { randomBytes } from 'node:crypto';
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { demoFixture, type CrayonFixture, type CrayonRecord } from './fixture';

export type CrayonState = CrayonFixture;

const BASE = '/api/v1';
const DEFAULT_PAGE_SIZE = 50;

/** First letter upper-cased in every key, recursively ('pascal' casing variant). */
function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]),
    );
  }
  return value;
}

function respond(s: CrayonState, status: number, json: unknown): SandboxResponse {
  return { status, json: s.variants.casing === 'pascal' ? pascal(json) : json };
}

export function crayonError(
  s: CrayonState,
  status: number,
  errorCode: string,
  message: string,
): SandboxResponse {
  return respond(s, status, { errorCode, message });
}

function intParam(req: SandboxRequest, name: string): number | undefined | 'bad' {
  const raw = req.query.get(name) ?? req.query.get(name.charAt(0).toLowerCase() + name.slice(1));
  if (raw === null || raw === '') return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : 'bad';
}

function paged(req: SandboxRequest, s: CrayonState, all: unknown[]): SandboxResponse {
  const page = intParam(req, 'Page') ?? 1;
  let size = intParam(req, 'PageSize') ?? DEFAULT_PAGE_SIZE;
  if (page === 'bad' || page < 1)
    return crayonError(s, 400, 'InvalidParameter', 'Page must be a whole number from 1');
  if (size === 'bad' || size < 1)
    return crayonError(s, 400, 'InvalidParameter', 'PageSize must be a positive whole number');
  if (size > s.maxPageSize) {
    if (s.variants.pageSizeCap === 'reject')
      return crayonError(s, 400, 'InvalidParameter', `PageSize cannot exceed ${s.maxPageSize}`);
    size = s.maxPageSize;
  }
  const items = all.slice((page - 1) * size, page * size);
  return respond(s, 200, s.variants.listShape === 'array' ? items : { totalHits: all.length, items });
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function dateParam(req: SandboxRequest, name: string): string | undefined | 'bad' {
  const raw = req.query.get(name) ?? req.query.get(name.toLowerCase());
  if (raw === null || raw === '') return undefined;
  return ISO.test(raw) ? raw.slice(0, 10) : 'bad';
}

/** CSV text of records with the union of their columns, first-seen order; RFC 4180 quoting. */
export function recordsCsv(records: CrayonRecord[], delimiter: string): string {
  const columns: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const cell = (v: string | number | null | undefined) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...records.map((r) => columns.map((c) => r[c]))]
    .map((row) => row.map((v) => cell(v)).join(delimiter))
    .join('\r\n');
}

export function createSandbox(fixture?: unknown): Sandbox<CrayonState> {
  const seed = (fixture as CrayonFixture | undefined) ?? demoFixture();
  const sandbox = new Sandbox<CrayonState>('crayon', () => JSON.parse(JSON.stringify(seed)) as CrayonState);
  let window: number[] = [];

  sandbox.before = (req, s) => {
    const limit = s.limits?.requestsPerSecond;
    if (limit) {
      const now = Date.now();
      window = window.filter((t) => now - t < 1000);
      if (window.length >= limit)
        return {
          ...crayonError(s, 429, 'TooManyRequests', 'Rate limit exceeded'),
          headers: { 'Retry-After': '1' },
        };
      window.push(now);
    }
    if (req.path.toLowerCase() === `${BASE}/connect/token`) return undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const known = token ? s.tokens.find((t) => t.token === token) : undefined;
    if (!known || known.expiresAt <= Date.now())
      return crayonError(s, 401, 'Unauthorized', 'Authorization has been denied for this request.');
    return undefined;
  };
  sandbox.notFound = (req) =>
    crayonError(sandbox.state, 404, 'NotFound', `No endpoint ${req.method} ${req.path}`);

  sandbox.route('POST', `${BASE}/connect/token`, (req, s) => {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [clientId, ...rest] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const client = s.clients.find((c) => c.clientId === clientId && c.clientSecret === rest.join(':'));
    if (!client) return { status: 400, json: { error: 'invalid_client' } };
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
      return { status: 400, json: { error: 'invalid_request' } };
    const body = new URLSearchParams(req.body);
    if (body.get('grant_type') !== 'password')
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    const user = s.users.find(
      (u) => u.username === body.get('username') && u.password === body.get('password'),
    );
    if (!user)
      return {
        status: 400,
        json: { error: 'invalid_grant', error_description: 'invalid_username_or_password' },
      };
    const token = `${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    s.tokens.push({ token, expiresAt: Date.now() + s.tokenTtlSeconds * 1000 });
    return respond(s, 200, { accessToken: token, expiresIn: s.tokenTtlSeconds, tokenType: 'Bearer' });
  });

  sandbox.route('GET', `${BASE}/Organizations`, (req, s) => paged(req, s, s.organizations));

  sandbox.route('GET', `${BASE}/InvoiceProfiles`, (req, s) => {
    const org = intParam(req, 'OrganizationId');
    if (org === 'bad') return crayonError(s, 400, 'InvalidParameter', 'OrganizationId must be a number');
    return paged(
      req,
      s,
      s.invoiceProfiles.filter((p) => org === undefined || p.organization.id === org),
    );
  });

  sandbox.route('GET', `${BASE}/CustomerTenants`, (req, s) => {
    const org = intParam(req, 'OrganizationId');
    const profile = intParam(req, 'InvoiceProfileId');
    if (org === 'bad' || profile === 'bad')
      return crayonError(s, 400, 'InvalidParameter', 'Ids must be numbers');
    return paged(
      req,
      s,
      s.customerTenants.filter(
        (t) =>
          (org === undefined || t.organization.id === org) &&
          (profile === undefined || t.invoiceProfile.id === profile),
      ),
    );
  });

  sandbox.route('GET', `${BASE}/Subscriptions`, (req, s) => {
    const org = intParam(req, 'OrganizationId');
    const tenant = intParam(req, 'CustomerTenantId');
    if (org === 'bad' || tenant === 'bad')
      return crayonError(s, 400, 'InvalidParameter', 'Ids must be numbers');
    return paged(
      req,
      s,
      s.subscriptions.filter(
        (x) =>
          (org === undefined || x.organization.id === org) &&
          (tenant === undefined || x.customerTenant.id === tenant),
      ),
    );
  });

  sandbox.route('GET', `${BASE}/BillingStatements`, (req, s) => {
    const org = intParam(req, 'OrganizationId');
    const profile = intParam(req, 'InvoiceProfileId');
    const provision = intParam(req, 'ProvisionType');
    const from = dateParam(req, 'From');
    const to = dateParam(req, 'To');
    if (org === undefined) return crayonError(s, 400, 'InvalidParameter', 'OrganizationId is required');
    if ([org, profile, provision, from, to].includes('bad'))
      return crayonError(s, 400, 'InvalidParameter', 'A filter value is not valid');
    return paged(
      req,
      s,
      s.statements.filter(
        (x) =>
          x.organization.id === org &&
          (profile === undefined || x.invoiceProfile.id === profile) &&
          (provision === undefined || x.provisionType === provision) &&
          (from === undefined || x.endDate.slice(0, 10) >= from) &&
          (to === undefined || x.startDate.slice(0, 10) <= to),
      ),
    );
  });

  sandbox.route('GET', `${BASE}/BillingStatements/:id/billingrecordsfile`, (req, s) => {
    const id = Number(req.params.id);
    const statement = s.statements.find((x) => x.id === id);
    if (!statement) return crayonError(s, 404, 'NotFound', 'Billing statement not found');
    if (s.zippedStatements?.includes(id)) {
      // A split file: a zip archive (PK header) of several files.
      const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(60)]);
      return respond(s, 200, { fileName: `billing-records-${id}.zip`, data: zip.toString('base64') });
    }
    const records = s.records.filter((r) => r.statementId === id).map((r) => r.record);
    const csv = s.variants.recordsFile === 'csv';
    const text = csv ? recordsCsv(records, s.variants.csvDelimiter) : JSON.stringify(records);
    return respond(s, 200, {
      fileName: `customer-billing-records-${id}.${csv ? 'csv' : 'json'}`,
      data: Buffer.from(text, 'utf8').toString('base64'),
    });
  });

  sandbox.route('GET', `${BASE}/UsageCost/organization/:organizationId`, (req, s) => {
    const org = Number(req.params.organizationId);
    const from = dateParam(req, 'from');
    const to = dateParam(req, 'to');
    if (from === 'bad' || to === 'bad')
      return crayonError(s, 400, 'InvalidParameter', 'from/to must be dates');
    const rows = s.usageCosts.filter(
      (u) =>
        u.organizationId === org &&
        (from === undefined || `${u.month}-31` >= from) &&
        (to === undefined || `${u.month}-01` <= to),
    );
    return respond(
      s,
      200,
      rows.map((u) => u.record),
    );
  });

  return sandbox;
}
