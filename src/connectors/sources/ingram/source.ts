/**
 * Ingram Micro source (Xvantage reseller API, specs/ingram_xvantage_resellers.json): the month's hardware
 * and subscription sales, from the orders placed in it or the invoices dated in it (setting `billFrom`).
 *
 * Requests (every reseller call carries a bearer token, IM-CustomerNumber, IM-CountryCode and a fresh
 * IM-CorrelationID of at most 32 characters):
 *  1. a token (cached; fetched again once on 401);
 *  2. orders: GET /resellers/v6/orders/search?ingramOrderDate-bt=start&ingramOrderDate-bt=end, page 1,
 *     then every other page (known from recordsFound) together; then every order's details together;
 *     invoices: GET /resellers/v6/invoices?invoiceFromDate&invoiceToDate paged the same way, every invoice's
 *     details (with serial numbers) together, then the details of their orders for the end user, since
 *     invoices name no end customer.
 * A record that cannot be read or billed is reported with its Ingram number and reason; the rest are billed.
 */
import type { z } from 'zod';
import type { HttpClient, HttpResponse, TokenStore } from '../../../core/http';
import { getAllWithToken } from '../common/oauth';
import type {
  BillingPeriod,
  BillingSource,
  PullResult,
  SourceCustomer,
  SourceProblem,
} from '../../../core/source';
import { SourceError } from '../../../core/source';
import type { RawBillingLine } from '../../../core/billing-line';
import { isOk, jsonBody, scrub } from '../common/http-util';
import { IngramAuth, memoryTokenStore } from './auth';
import { parseIngramConfig, type IngramConfig } from './config';
import { customerIdOf, invoiceLineToLine, orderLineToLine, type LineContext } from './mapping';
import {
  ingramError,
  invoiceDetail,
  invoiceLine,
  invoiceSearch,
  invoiceSummary,
  orderDetail,
  orderLine,
  orderSearch,
  orderSummary,
  type IngramOrderDetail,
} from './schemas';

export function ingramHttpPolicy(config: Pick<IngramConfig, 'maxConcurrency'> = { maxConcurrency: 5 }) {
  return { apiName: 'Ingram Micro', maxConcurrency: config.maxConcurrency };
}

/** What the tenant check found (see `tenantFacts`). */
export interface IngramTenantFacts {
  /** 'envelope' when the order search answers as the spec says, else what it answered. */
  search: string;
  endUser: 'named' | 'unnamed' | 'unknown';
}

export interface IngramDeps {
  tokenStore?: TokenStore;
  now?: () => number;
}

type Params = Array<[string, string | number]>;
type ReadResult<T> = { ok: true; value: T } | { ok: false; reason: string; status: number };

const ORDERS = '/resellers/v6/orders/search';
const INVOICES = '/resellers/v6/invoices';
const DAY_MS = 86_400_000;

const encode = (params: Params): string =>
  params.length
    ? `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`
    : '';

const isCancelled = (status: string | null | undefined): boolean => /cancel/i.test(status ?? '');

export class IngramSource implements BillingSource {
  readonly id = 'ingram';
  readonly displayName = 'Ingram Micro';
  readonly auth: IngramAuth;
  private readonly now: () => number;
  private sequence = 0;

  constructor(
    private readonly config: IngramConfig,
    private readonly http: HttpClient,
    deps: IngramDeps = {},
  ) {
    this.now = deps.now ?? (() => Date.now());
    this.auth = new IngramAuth(config, http, deps.tokenStore ?? memoryTokenStore(), this.now);
  }

  /** End users named on the orders of the last twelve months (Ingram has no customer list). */
  listCustomers(): SourceCustomer[] {
    const end = new Date(this.now()).toISOString().slice(0, 10);
    const start = new Date(this.now() - 365 * DAY_MS).toISOString().slice(0, 10);
    const found = this.required(this.search('orders', start, end), 'orders');
    const out = new Map<string, SourceCustomer>();
    for (const raw of found) {
      const o = orderSummary.safeParse(raw);
      const name = o.success ? (o.data.endUserCompanyName ?? '').trim() : '';
      if (name && !out.has(customerIdOf(name)))
        out.set(customerIdOf(name), { id: customerIdOf(name), name, status: 'active' });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * What the tenant check looks at: one page of one order from the last twelve months — whether the
   * search answers with the spec's envelope and whether an order names its end user (our customer).
   */
  tenantFacts(): IngramTenantFacts {
    const end = new Date(this.now()).toISOString().slice(0, 10);
    const start = new Date(this.now() - 365 * DAY_MS).toISOString().slice(0, 10);
    const params: Params = [
      ['ingramOrderDate-bt', start],
      ['ingramOrderDate-bt', end],
      ['pageSize', 1],
      ['pageNumber', 1],
    ];
    const [res] = this.authed([`${this.config.apiBaseUrl}${ORDERS}${encode(params)}`], false);
    if (res.status === 204) return { search: 'envelope', endUser: 'unknown' };
    if (!isOk(res)) return { search: this.describe(res), endUser: 'unknown' };
    const env = orderSearch.safeParse(jsonBody(res));
    if (!env.success || env.data.recordsFound === undefined)
      return {
        search: env.success ? 'no recordsFound count' : `unreadable (${zodReason(env.error)})`,
        endUser: 'unknown',
      };
    const first = orderSummary.safeParse(env.data.orders?.[0]);
    return {
      search: 'envelope',
      endUser: !env.data.orders?.length
        ? 'unknown'
        : first.success && (first.data.endUserCompanyName ?? '').trim()
          ? 'named'
          : 'unnamed',
    };
  }

  pullPeriod(period: BillingPeriod): PullResult {
    return this.config.billFrom === 'invoices' ? this.pullInvoices(period) : this.pullOrders(period);
  }

  // ---- orders -----------------------------------------------------------------------------------

  private pullOrders(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const numbers = this.orderNumbers(
      this.required(this.search('orders', period.start, period.end), 'orders'),
      problems,
    );
    const details = this.details(
      numbers.map((n) => `/resellers/v6.1/orders/${encodeURIComponent(n)}`),
      false,
    );
    const lines: RawBillingLine[] = [];
    numbers.forEach((n, i) => {
      const order = this.order(n, details[i], problems);
      if (!order) return;
      const date = order.ingramOrderDate.slice(0, 10);
      // The search filters by date already; an order outside the month (another zone's midnight) is not this month's.
      if (date < period.start || date > period.end || isCancelled(order.orderStatus)) return;
      const customerName = (order.endUserInfo?.companyName ?? '').trim();
      if (!customerName) {
        problems.push({
          recordId: n,
          message: `Ingram order ${n} names no end user, so it cannot be billed to a client`,
        });
        return;
      }
      const ctx: LineContext = {
        orderNumber: n,
        date,
        customerName,
        purchaseOrder: order.customerOrderNumber,
        currency: order.currencyCode ?? '',
        markupPercent: this.config.markupPercent,
      };
      (order.lines ?? []).forEach((raw, k) => {
        const where = { customerId: customerIdOf(customerName), customerName };
        const line = orderLine.safeParse(raw);
        if (!line.success) {
          const id = lineNumberOf(raw, 'ingramOrderLineNumber') ?? String(k + 1);
          problems.push({
            ...where,
            recordId: `${n}/${id}`,
            message: `Ingram order ${n} line ${id} skipped: ${zodReason(line.error)}`,
          });
          return;
        }
        if (isCancelled(line.data.lineStatus)) return;
        const out = orderLineToLine(line.data, ctx);
        if (out.ok) lines.push(out.line);
        else {
          const id = `${n}/${line.data.ingramOrderLineNumber}`;
          problems.push({
            ...where,
            recordId: id,
            message: `Ingram order ${n} line ${line.data.ingramOrderLineNumber} skipped: ${out.message}`,
          });
        }
      });
    });
    return { lines, problems };
  }

  private orderNumbers(found: unknown[], problems: SourceProblem[]): string[] {
    const out = new Set<string>();
    for (const raw of found) {
      const o = orderSummary.safeParse(raw);
      if (o.success) out.add(o.data.ingramOrderNumber);
      else problems.push({ message: `Ingram order search result skipped: ${zodReason(o.error)}` });
    }
    return [...out];
  }

  private order(
    n: string,
    res: ReadResult<unknown>,
    problems: SourceProblem[],
  ): IngramOrderDetail | undefined {
    if (!res.ok) {
      problems.push({ recordId: n, message: `Ingram order ${n} could not be read: ${res.reason}` });
      return undefined;
    }
    const o = orderDetail.safeParse(res.value);
    if (!o.success) {
      problems.push({ recordId: n, message: `Ingram order ${n} skipped: ${zodReason(o.error)}` });
      return undefined;
    }
    return o.data;
  }

  // ---- invoices ---------------------------------------------------------------------------------

  private pullInvoices(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const numbers = new Set<string>();
    for (const raw of this.required(this.search('invoices', period.start, period.end), 'invoices')) {
      const s = invoiceSummary.safeParse(raw);
      if (s.success) numbers.add(s.data.invoiceNumber);
      else problems.push({ message: `Ingram invoice search result skipped: ${zodReason(s.error)}` });
    }
    const invoiceNumbers = [...numbers];
    const details = this.details(
      invoiceNumbers.map(
        (n) =>
          `/resellers/v6.1/invoices/${encodeURIComponent(n)}${encode([
            ['customerType', 'invoice'],
            ['includeSerialNumbers', 'true'],
          ])}`,
      ),
      true,
    );
    const invoices = invoiceNumbers.flatMap((n, i) => {
      const res = details[i];
      if (!res.ok) {
        problems.push({ recordId: n, message: `Ingram invoice ${n} could not be read: ${res.reason}` });
        return [];
      }
      const inv = invoiceDetail.safeParse(res.value);
      if (!inv.success) {
        problems.push({ recordId: n, message: `Ingram invoice ${n} skipped: ${zodReason(inv.error)}` });
        return [];
      }
      const date = inv.data.invoiceDate.slice(0, 10);
      if (date < period.start || date > period.end) return [];
      const order = (inv.data.ingramOrderNumber || inv.data.orderNumber || '').trim();
      if (!order) {
        problems.push({
          recordId: n,
          message: `Ingram invoice ${n} names no order, so its end user is unknown`,
        });
        return [];
      }
      return [{ inv: inv.data, order, date }];
    });
    // Invoices carry no end customer: it is the end user of the invoice's order.
    const orderNumbers = [...new Set(invoices.map((x) => x.order))];
    const orderDetails = this.details(
      orderNumbers.map((n) => `/resellers/v6.1/orders/${encodeURIComponent(n)}`),
      false,
    );
    const endUsers = new Map<string, string>();
    orderNumbers.forEach((n, i) => {
      const res = orderDetails[i];
      const o = res.ok ? orderDetail.safeParse(res.value) : undefined;
      const name = o?.success ? (o.data.endUserInfo?.companyName ?? '').trim() : '';
      if (name) endUsers.set(n, name);
    });
    const lines: RawBillingLine[] = [];
    for (const { inv, order, date } of invoices) {
      const customerName = endUsers.get(order);
      if (!customerName) {
        problems.push({
          recordId: inv.invoiceNumber,
          message: `Ingram invoice ${inv.invoiceNumber}: the end user of order ${order} could not be read, so it cannot be billed to a client`,
        });
        continue;
      }
      const where = { customerId: customerIdOf(customerName), customerName };
      const ctx: LineContext = {
        orderNumber: order,
        invoiceNumber: inv.invoiceNumber,
        date,
        customerName,
        purchaseOrder: inv.customerOrderNumber,
        currency: '',
        markupPercent: this.config.markupPercent,
      };
      (inv.lines ?? []).forEach((raw, k) => {
        const line = invoiceLine.safeParse(raw);
        const id = line.success
          ? line.data.ingramLineNumber
          : (lineNumberOf(raw, 'ingramLineNumber') ?? String(k + 1));
        const out = line.success
          ? invoiceLineToLine(line.data, ctx)
          : { ok: false as const, message: zodReason(line.error) };
        if (out.ok) lines.push(out.line);
        else
          problems.push({
            ...where,
            recordId: `${inv.invoiceNumber}/${id}`,
            message: `Ingram invoice ${inv.invoiceNumber} line ${id} skipped: ${out.message}`,
          });
      });
    }
    return { lines, problems };
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private required(r: ReadResult<unknown[]>, what: string): unknown[] {
    if (!r.ok) throw new SourceError(`Ingram Micro could not search the ${what} (${r.reason})`, r.status);
    return r.value;
  }

  /** Every result of a date-range search: page 1, then all other pages together (pages hold ≤ 100). */
  private search(kind: 'orders' | 'invoices', from: string, to: string): ReadResult<unknown[]> {
    const size = this.config.pageSize;
    const base: Params =
      kind === 'orders'
        ? [
            ['ingramOrderDate-bt', from],
            ['ingramOrderDate-bt', to],
          ]
        : [
            ['invoiceFromDate', from],
            ['invoiceToDate', to],
          ];
    const path = kind === 'orders' ? ORDERS : INVOICES;
    const url = (page: number) =>
      `${this.config.apiBaseUrl}${path}${encode([...base, ['pageSize', size], ['pageNumber', page]])}`;
    const envelope = kind === 'orders' ? orderSearch : invoiceSearch;
    const read = (res: HttpResponse): ReadResult<{ items: unknown[]; total?: number; next: boolean }> => {
      if (res.status === 204) return { ok: true, value: { items: [], total: 0, next: false } };
      if (!isOk(res)) return { ok: false, reason: this.describe(res), status: res.status };
      const env = envelope.safeParse(jsonBody(res));
      if (!env.success)
        return { ok: false, reason: `unreadable response (${zodReason(env.error)})`, status: res.status };
      const items =
        (kind === 'orders'
          ? (env.data as { orders?: unknown[] | null }).orders
          : (env.data as { invoices?: unknown[] | null }).invoices) ?? [];
      return { ok: true, value: { items, total: env.data.recordsFound, next: Boolean(env.data.nextPage) } };
    };
    const first = read(this.authed([url(1)], kind === 'invoices')[0]);
    if (!first.ok) return first;
    const items = [...first.value.items];
    const total = first.value.total;
    if (total !== undefined) {
      const pages = Math.ceil(total / size);
      const rest = this.authed(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) => url(i + 2)),
        kind === 'invoices',
      );
      for (const res of rest) {
        const page = read(res);
        if (!page.ok) return page;
        items.push(...page.value.items);
      }
      return { ok: true, value: items };
    }
    // No count: follow nextPage one page at a time (bounded, in case a server keeps offering one).
    let next = first.value.next && first.value.items.length > 0;
    for (let page = 2; next && page <= 1000; page++) {
      const r = read(this.authed([url(page)], kind === 'invoices')[0]);
      if (!r.ok) return r;
      items.push(...r.value.items);
      next = r.value.next && r.value.items.length > 0;
    }
    return { ok: true, value: items };
  }

  private details(paths: string[], invoices: boolean): Array<ReadResult<unknown>> {
    return this.authed(
      paths.map((p) => `${this.config.apiBaseUrl}${p}`),
      invoices,
    ).map((res) =>
      isOk(res)
        ? { ok: true as const, value: jsonBody(res) }
        : { ok: false as const, reason: this.describe(res), status: res.status },
    );
  }

  private describe(res: HttpResponse): string {
    const err = ingramError.safeParse(jsonBody(res));
    let msg: string | undefined;
    if (err.success) {
      const e = err.data.errors?.[0];
      const fields = (e?.fields ?? []).map((f) => [f.field, f.message].filter(Boolean).join(': ')).join('; ');
      msg =
        (e?.message ? `${e.message}${fields ? ` (${fields})` : ''}` : undefined) ??
        err.data.fault?.faultstring ??
        err.data.message ??
        undefined;
    }
    return scrub(`HTTP ${res.status}${msg ? `: ${msg}` : ''}`, [
      this.config.clientSecret,
      this.config.clientId,
    ]);
  }

  /** A fresh correlation id: 32 characters at most, as the spec allows. */
  private correlationId(): string {
    this.sequence += 1;
    return `bg${this.now().toString(36)}${this.sequence.toString(36)}${Math.random().toString(36).slice(2)}`.slice(
      0,
      32,
    );
  }

  /** GETs with the token and IM-* headers; a 401 fetches a new token once and re-sends the 401s. */
  private authed(urls: string[], invoices: boolean): HttpResponse[] {
    return getAllWithToken(this.http, this.auth, 'Ingram Micro', urls, (url, token) => ({
      method: 'get',
      url,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'IM-CustomerNumber': this.config.customerNumber,
        'IM-CountryCode': this.config.countryCode,
        'IM-CorrelationID': this.correlationId(),
        'IM-SenderID': this.config.senderId,
        ...(invoices ? { 'IM-ApplicationID': this.config.senderId } : {}),
      },
    }));
  }
}

/** One readable reason naming the field, without saying its name twice ("unitPrice is missing"). */
function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the record is not valid';
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (!field || issue.message.startsWith(field)) return issue.message;
  return `${issue.path.join('.')}: ${issue.message}`;
}

function lineNumberOf(raw: unknown, key: string): string | undefined {
  const v = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/** Factory used by jobs: validates the settings (throws SourceError with a safe message). */
export function createIngramSource(config: unknown, http: HttpClient, deps: IngramDeps = {}): IngramSource {
  return new IngramSource(parseIngramConfig(config), http, deps);
}
