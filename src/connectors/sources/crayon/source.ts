/**
 * Crayon source: the billing records of the Cloud-iQ billing statements of the billing month, as lines per
 * customer tenant. Customers are the customer tenants of every organisation the API user can see.
 *
 * Requests (bearer token from auth.ts; every list paged with Page from 1 and PageSize):
 *  1. first pages of organisations, customer tenants and subscriptions together, then their other pages;
 *  2. every organisation's billing statements of the month (OrganizationId, From, To) together;
 *  3. every statement's billing-records file together (one request per statement).
 * Lists come as `{ totalHits, items }` (remaining pages then fetched together) or, as the published spec
 * describes them, as bare arrays (then paged on until a short or empty page). A statement whose file
 * cannot be read and each malformed record are reported; everything else is still billed.
 */
import type { HttpClient, HttpResponse, TokenStore } from '../../../core/http';
import { getAllWithToken } from '../common/oauth';
import type { RawBillingLine } from '../../../core/billing-line';
import type {
  BillingPeriod,
  BillingSource,
  PullResult,
  SourceCustomer,
  SourceProblem,
} from '../../../core/source';
import { SourceError } from '../../../core/source';
import { isOk, jsonBody, queryString, scrub, zodReason } from '../common/http-util';
import { CrayonAuth, memoryTokenStore } from './auth';
import { parseCrayonConfig, type CrayonConfig } from './config';
import { fileRows, parseCsv, type CsvParser } from './files';
import { recordToLine } from './records';
import {
  billingFile,
  billingRecord,
  billingStatement,
  camelKeys,
  collectionPage,
  crayonError,
  customerTenant,
  organization,
  pascalKeys,
  subscription,
  type CrayonStatement,
  type CrayonSubscription,
  type CrayonTenant,
} from './schemas';

/** What the tenant check found (see `tenantFacts`). */
export interface CrayonTenantFacts {
  listShape: 'collection' | 'array';
  casing: 'camel' | 'pascal' | 'unknown';
  recordsFile: 'json' | 'csv' | 'zip' | 'unreadable' | 'unknown';
}

export function crayonHttpPolicy(config: Pick<CrayonConfig, 'maxConcurrency'> = { maxConcurrency: 5 }) {
  return { apiName: 'Crayon', maxConcurrency: config.maxConcurrency };
}

export interface CrayonDeps {
  tokenStore?: TokenStore;
  now?: () => number;
  /** CSV splitter for billing-records files (Utilities.parseCsv on Google); pure TS by default. */
  parseCsv?: CsvParser;
}

type Query = Record<string, string | number | undefined>;
interface ListRequest {
  path: string;
  query: Query;
}
type ListResult = { ok: true; records: unknown[] } | { ok: false; reason: string; status: number };
type Page =
  { ok: true; items: unknown[]; totalHits?: number } | { ok: false; reason: string; status: number };

/** Guard against a server that ignores Page (the same page forever). */
const MAX_PAGES = 2000;

export class CrayonSource implements BillingSource {
  readonly id = 'crayon';
  readonly displayName = 'Crayon';
  readonly auth: CrayonAuth;
  private readonly csv: CsvParser;

  constructor(
    private readonly config: CrayonConfig,
    private readonly http: HttpClient,
    deps: CrayonDeps = {},
  ) {
    this.auth = new CrayonAuth(
      config,
      http,
      deps.tokenStore ?? memoryTokenStore(),
      deps.now ?? (() => Date.now()),
    );
    this.csv = deps.parseCsv ?? parseCsv;
  }

  listCustomers(): SourceCustomer[] {
    const [tenants] = this.readLists([{ path: '/CustomerTenants', query: {} }]);
    return this.tenantsFrom(this.required(tenants, 'customer tenants'), []).map((t) => ({
      id: String(t.id),
      name: t.name,
      // EntityStatus (SDK): 0 None, 1 Removed.
      status: t.entityStatus === 1 ? 'removed' : 'active',
    }));
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const [orgList, tenantList, subList] = this.readLists([
      { path: '/Organizations', query: {} },
      { path: '/CustomerTenants', query: {} },
      { path: '/Subscriptions', query: {} },
    ]);
    const orgs: number[] = [];
    for (const raw of this.required(orgList, 'organisations')) {
      const o = organization.safeParse(raw);
      if (o.success) orgs.push(o.data.id);
      else
        problems.push({ recordId: idOf(raw), message: `Crayon organisation skipped: ${zodReason(o.error)}` });
    }
    const tenants = this.tenantsFrom(this.required(tenantList, 'customer tenants'), problems);
    const subs = new Map<string, CrayonSubscription>();
    for (const raw of this.required(subList, 'subscriptions')) {
      const s = subscription.safeParse(raw);
      if (s.success && s.data.publisherSubscriptionId)
        subs.set(s.data.publisherSubscriptionId.toLowerCase(), s.data);
    }

    const statementLists = this.readLists(
      orgs.map((id) => ({
        path: '/BillingStatements',
        query: { OrganizationId: id, From: `${period.start}T00:00:00Z`, To: `${period.end}T23:59:59Z` },
      })),
    );
    const statements: CrayonStatement[] = [];
    const seen = new Set<number>();
    statementLists.forEach((list, i) => {
      if (!list.ok) {
        problems.push({
          message: `Crayon billing statements of organisation ${orgs[i]} could not be read: ${list.reason}`,
        });
        return;
      }
      for (const raw of list.records) {
        const s = billingStatement.safeParse(raw);
        if (!s.success) {
          problems.push({
            recordId: idOf(raw),
            message: `Crayon billing statement skipped: ${zodReason(s.error)}`,
          });
          continue;
        }
        // The statements of the month: those whose period starts in it (From/To also return neighbours).
        const start = s.data.startDate.slice(0, 10);
        if (start < period.start || start > period.end || seen.has(s.data.id)) continue;
        seen.add(s.data.id);
        statements.push(s.data);
      }
    });

    const files = this.authed(
      statements.map((s) => `${this.config.apiBaseUrl}/BillingStatements/${s.id}/billingrecordsfile`),
    );
    const lines: RawBillingLine[] = [];
    const finder = tenantFinder(tenants);
    statements.forEach((statement, i) => {
      const res = files[i];
      const what = `Crayon billing statement ${statement.id} (${statement.invoiceProfile?.name ?? 'no invoice profile'}, ${statement.startDate.slice(0, 10)})`;
      const file = isOk(res) ? billingFile.safeParse(camelKeys(jsonBody(res))) : undefined;
      if (!file?.success) {
        problems.push({
          recordId: String(statement.id),
          message: `${what} could not be read: ${file ? `unreadable response (${zodReason(file.error)})` : this.describe(res)}`,
        });
        return;
      }
      const rows = fileRows(file.data.fileName ?? '', file.data.data, this.csv);
      if (!rows.ok) {
        problems.push({
          recordId: String(statement.id),
          message: `${what} could not be read: ${rows.reason}`,
        });
        return;
      }
      const currency = statement.totalSalesPrice?.currencyCode ?? undefined;
      rows.rows.forEach((row, n) => {
        const recordId = `${statement.id}#${n + 1}`;
        const rec = billingRecord.safeParse(pascalKeys(row));
        if (!rec.success) {
          problems.push({
            ...customerOfRow(pascalKeys(row), finder),
            recordId,
            message: `Crayon billing record skipped: ${zodReason(rec.error)}`,
          });
          return;
        }
        const sub = rec.data.SubscriptionId ? subs.get(rec.data.SubscriptionId.toLowerCase()) : undefined;
        const tenant =
          (sub?.customerTenant ? tenants.find((t) => t.id === sub.customerTenant?.id) : undefined) ??
          finder(rec.data);
        const out = recordToLine(rec.data, { statement, currency, tenant, subscription: sub });
        if (out.ok) lines.push(out.line);
        else {
          problems.push({
            customerId: tenant ? String(tenant.id) : undefined,
            customerName: tenant?.name ?? rec.data.CompanyName,
            recordId,
            message: `Crayon billing record skipped: ${out.message}`,
          });
        }
      });
    });
    return { lines, problems };
  }

  /**
   * What this tenant actually does where Crayon's documents disagree (the tenant check): the list
   * envelope and property casing of one organisation page, and the format of the most recent billing
   * statement's records file. Read-only; at most three requests after the token.
   */
  tenantFacts(): CrayonTenantFacts {
    const [res] = this.authed([
      `${this.config.apiBaseUrl}/Organizations${queryString({ Page: 1, PageSize: 1 })}`,
    ]);
    if (!isOk(res))
      throw new SourceError(`Crayon could not list the organisations (${this.describe(res)})`, res.status);
    const raw = jsonBody(res);
    const first = Array.isArray(raw) ? raw[0] : raw;
    const keys = first && typeof first === 'object' ? Object.keys(first) : [];
    const facts: CrayonTenantFacts = {
      listShape: Array.isArray(raw) ? 'array' : 'collection',
      casing: keys.some((k) => /^[A-Z]/.test(k)) ? 'pascal' : keys.length ? 'camel' : 'unknown',
      recordsFile: 'unknown',
    };
    const page = this.page(res);
    const org = page.ok ? organization.safeParse(page.items[0]) : undefined;
    if (!org?.success) return facts;
    const [list] = this.readLists([{ path: '/BillingStatements', query: { OrganizationId: org.data.id } }]);
    const statements = (list.ok ? list.records : [])
      .map((r) => billingStatement.safeParse(r))
      .flatMap((r) => (r.success ? [r.data] : []))
      .sort((a, b) => (a.startDate < b.startDate ? 1 : -1));
    if (!statements.length) return facts;
    const [fileRes] = this.authed([
      `${this.config.apiBaseUrl}/BillingStatements/${statements[0].id}/billingrecordsfile`,
    ]);
    const file = isOk(fileRes) ? billingFile.safeParse(camelKeys(jsonBody(fileRes))) : undefined;
    if (!file?.success) return facts;
    const rows = fileRows(file.data.fileName ?? '', file.data.data, this.csv);
    const name = file.data.fileName ?? '';
    facts.recordsFile = !rows.ok
      ? /zip/.test(rows.reason)
        ? 'zip'
        : 'unreadable'
      : /\.json$/i.test(name)
        ? 'json'
        : 'csv';
    return facts;
  }

  // ---- lists ------------------------------------------------------------------------------------

  private required(list: ListResult, what: string): unknown[] {
    if (!list.ok) throw new SourceError(`Crayon could not list the ${what} (${list.reason})`, list.status);
    return list.records;
  }

  private tenantsFrom(raw: unknown[], problems: SourceProblem[]): CrayonTenant[] {
    const out: CrayonTenant[] = [];
    for (const r of raw) {
      const t = customerTenant.safeParse(r);
      if (t.success) out.push(t.data);
      else
        problems.push({
          recordId: idOf(r),
          message: `Crayon customer tenant skipped: ${zodReason(t.error)}`,
        });
    }
    return out;
  }

  private page(res: HttpResponse): Page {
    if (!isOk(res)) return { ok: false, reason: this.describe(res), status: res.status };
    const body = camelKeys(jsonBody(res));
    if (Array.isArray(body)) return { ok: true, items: body };
    const env = collectionPage.safeParse(body);
    if (!env.success)
      return { ok: false, reason: `unreadable response (${zodReason(env.error)})`, status: res.status };
    return { ok: true, items: env.data.items, totalHits: env.data.totalHits };
  }

  /**
   * Read several paged lists at once. Every first page in one parallel batch; a list that says its
   * totalHits gets all its other pages in the next batch (at the page size the server actually used);
   * a bare-array list is paged on, all such lists together, until a page comes back shorter than its
   * first page or empty.
   */
  private readLists(lists: ListRequest[]): ListResult[] {
    const size = this.config.pageSize;
    const url = (l: ListRequest, page: number) =>
      `${this.config.apiBaseUrl}${l.path}${queryString({ ...l.query, Page: page, PageSize: size })}`;
    const results: ListResult[] = [];
    const firstLength: number[] = [];
    const open: Array<{ list: number; page: number }> = [];
    const counted: Array<{ list: number; page: number }> = [];
    this.authed(lists.map((l) => url(l, 1))).forEach((res, i) => {
      const page = this.page(res);
      if (!page.ok) {
        results[i] = page;
        return;
      }
      results[i] = { ok: true, records: [...page.items] };
      firstLength[i] = page.items.length;
      if (page.totalHits !== undefined) {
        const per = page.items.length;
        const pages = per > 0 ? Math.ceil(page.totalHits / per) : 1;
        for (let p = 2; p <= pages; p++) counted.push({ list: i, page: p });
      } else if (page.items.length > 0) open.push({ list: i, page: 2 });
    });
    const append = (list: number, page: Page) => {
      const current = results[list];
      if (!current.ok) return;
      results[list] = page.ok ? { ok: true, records: [...current.records, ...page.items] } : page;
    };
    this.authed(counted.map((c) => url(lists[c.list], c.page))).forEach((res, k) =>
      append(counted[k].list, this.page(res)),
    );
    let round = open;
    while (round.length > 0) {
      const next: typeof round = [];
      this.authed(round.map((c) => url(lists[c.list], c.page))).forEach((res, k) => {
        const { list, page: n } = round[k];
        const page = this.page(res);
        append(list, page);
        if (!page.ok || page.items.length === 0 || page.items.length < firstLength[list]) return;
        if (n >= MAX_PAGES) {
          results[list] = {
            ok: false,
            reason: `more than ${MAX_PAGES} pages: the server seems to ignore Page`,
            status: 200,
          };
          return;
        }
        next.push({ list, page: n + 1 });
      });
      round = next;
    }
    return results;
  }

  private describe(res: HttpResponse): string {
    const err = crayonError.safeParse(camelKeys(jsonBody(res)));
    const msg = err.success ? err.data.message : undefined;
    return scrub(`HTTP ${res.status}${msg ? `: ${msg}` : ''}`, [
      this.config.clientSecret,
      this.config.password,
    ]);
  }

  /** GETs with the bearer token; on 401 the token is fetched again once and the 401s are re-sent. */
  private authed(urls: string[]): HttpResponse[] {
    return getAllWithToken(this.http, this.auth, 'Crayon', urls);
  }
}

/** Finds a record's tenant by primary domain, then tenant reference, then company name (case-insensitive). */
function tenantFinder(tenants: CrayonTenant[]) {
  const by = (key: (t: CrayonTenant) => string | null | undefined) => {
    const m = new Map<string, CrayonTenant>();
    for (const t of tenants) {
      const k = key(t)?.trim().toLowerCase();
      if (k && !m.has(k)) m.set(k, t);
    }
    return m;
  };
  const domains = by((t) => t.domain);
  const refs = by((t) => t.reference);
  const names = by((t) => t.name);
  return (r: { TenantPrimaryDomain?: string; TenantReference?: string; CompanyName?: string }) =>
    (r.TenantPrimaryDomain && domains.get(r.TenantPrimaryDomain.toLowerCase())) ||
    (r.TenantReference && refs.get(r.TenantReference.toLowerCase())) ||
    (r.CompanyName && names.get(r.CompanyName.toLowerCase())) ||
    undefined;
}

function customerOfRow(
  row: Record<string, unknown>,
  find: ReturnType<typeof tenantFinder>,
): Partial<SourceProblem> {
  const text = (k: string) => (typeof row[k] === 'string' ? (row[k] as string) : undefined);
  const t = find({
    TenantPrimaryDomain: text('TenantPrimaryDomain'),
    TenantReference: text('TenantReference'),
    CompanyName: text('CompanyName'),
  });
  return t ? { customerId: String(t.id), customerName: t.name } : { customerName: text('CompanyName') };
}

function idOf(raw: unknown): string | undefined {
  const id =
    raw && typeof raw === 'object'
      ? ((raw as { id?: unknown; Id?: unknown }).id ?? (raw as { Id?: unknown }).Id)
      : undefined;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** Factory used by jobs: validates the settings (throws SourceError with a safe message). */
export function createCrayonSource(config: unknown, http: HttpClient, deps: CrayonDeps = {}): CrayonSource {
  return new CrayonSource(parseCrayonConfig(config), http, deps);
}
