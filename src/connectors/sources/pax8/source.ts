/**
 * Pax8 source: the invoice items of the invoices dated in the billing period (Pax8 invoices on the 1st:
 * the month's licences in advance, the previous month's Azure usage in arrears, pro-rata for mid-month
 * changes), mapped to lines per company.
 *
 * Requests, all paged at size 200 (the maximum):
 *  1. a token (cached; refreshed once on 401);
 *  2. first pages of companies, subscriptions and the period's invoices together (requestAll), then all
 *     their remaining pages together;
 *  3. first page of every invoice's items together, then all remaining item pages together.
 * An invoice whose items cannot be read (a bill-on-behalf company's invoice, say) is reported; the rest
 * are still billed. A malformed item is reported with its id and reason.
 */
import type { HttpClient, HttpResponse } from '../../../core/http';
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
import { isOk, jsonBody, queryString, scrub, zodReason } from '../common/http-util';
import { valuesOf } from '../../../core/unbillable';
import { Pax8Auth, memoryTokenStore, type TokenStore } from './auth';
import { parsePax8Config, type Pax8Config } from './config';
import { itemToLine, readableItem, type ItemOutcome } from './mapping';
import {
  company,
  invoice,
  invoiceItem,
  pageEnvelope,
  pax8Error,
  subscription,
  type Pax8Invoice,
} from './schemas';

export function pax8HttpPolicy(config: Pick<Pax8Config, 'maxConcurrency'> = { maxConcurrency: 5 }) {
  return { apiName: 'Pax8', maxConcurrency: config.maxConcurrency };
}

export interface Pax8Deps {
  tokenStore?: TokenStore;
  now?: () => number;
}

type Query = Record<string, string | number | undefined>;
interface ListRequest {
  path: string;
  query: Query;
}
/** A list read in full, or why not. */
type ListResult =
  | { ok: true; records: unknown[]; totalElements: number; path: string }
  | { ok: false; reason: string; status: number };

export class Pax8Source implements BillingSource {
  readonly id = 'pax8';
  readonly displayName = 'Pax8';
  readonly auth: Pax8Auth;
  private readonly now: () => number;

  constructor(
    private readonly config: Pax8Config,
    private readonly http: HttpClient,
    deps: Pax8Deps = {},
  ) {
    this.now = deps.now ?? (() => Date.now());
    this.auth = new Pax8Auth(config, http, deps.tokenStore ?? memoryTokenStore(), this.now);
  }

  listCustomers(): SourceCustomer[] {
    const [companies] = this.readLists([{ path: '/companies', query: {} }]);
    const problems: SourceProblem[] = [];
    return this.companiesFrom(this.required(companies, 'companies'), problems).map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status ?? 'unknown',
    }));
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const [companiesList, subscriptionsList, invoicesList] = this.readLists([
      { path: '/companies', query: {} },
      { path: '/subscriptions', query: {} },
      { path: '/invoices', query: { invoiceDateRangeStart: period.start, invoiceDateRangeEnd: period.end } },
    ]);
    const companies = new Map(
      this.companiesFrom(this.required(companiesList, 'companies', problems), problems).map((c) => [c.id, c]),
    );
    // Subscriptions only supply a term when an item has none: a failed list is reported, not fatal.
    const terms = new Map<string, string>();
    if (!subscriptionsList.ok) {
      problems.push({
        message: `Pax8 could not list the subscriptions (${subscriptionsList.reason}); items without a billing term are skipped`,
      });
    }
    for (const raw of this.complete(subscriptionsList, 'subscriptions', problems) ?? []) {
      const s = subscription.safeParse(raw);
      if (s.success && s.data.billingTerm) terms.set(s.data.id, s.data.billingTerm);
    }
    const invoices: Pax8Invoice[] = [];
    for (const raw of this.required(invoicesList, 'invoices', problems)) {
      const inv = invoice.safeParse(raw);
      if (!inv.success)
        problems.push({ recordId: idOf(raw), message: `Pax8 invoice skipped: ${zodReason(inv.error)}` });
      else if ((inv.data.status ?? '').toLowerCase() !== 'void') invoices.push(inv.data);
    }
    // Pax8 dates a month's invoice the 1st but issues it around the 5th: before then there is nothing
    // to bill yet, which must not look like a month with no charges.
    if (invoices.length === 0) return this.preview(period, companies, terms, problems);

    const itemLists = this.readLists(
      invoices.map((inv) => ({ path: `/invoices/${encodeURIComponent(inv.id)}/items`, query: {} })),
    );
    const lines: RawBillingLine[] = [];
    invoices.forEach((inv, i) => {
      const list = itemLists[i];
      if (!list.ok) {
        const who = inv.companyId ? companies.get(inv.companyId) : undefined;
        problems.push({
          customerId: who?.id ?? inv.companyId ?? undefined,
          customerName: who?.name,
          recordId: inv.id,
          message: `Pax8 invoice ${inv.id} (${inv.invoiceDate ?? 'no date'}) could not be read: ${list.reason}`,
        });
        return;
      }
      this.complete(list, `items of invoice ${inv.id}`, problems, companies);
      list.records.forEach((raw, n) => {
        const recordId = idOf(raw) ?? `${inv.id}#${n + 1}`;
        const item = invoiceItem.safeParse(raw);
        if (!item.success) {
          const who = customerOf(raw, companies);
          problems.push({
            ...who,
            recordId,
            message: `Pax8 invoice item skipped: ${zodReason(item.error)}`,
            values: { ...readableItem(raw, who.customerName, inv.currencyCode ?? undefined), recordId },
          });
          return;
        }
        const who = companies.get(item.data.companyId);
        const out = itemToLine(item.data, {
          invoice: inv,
          companyName: who?.name,
          billOnBehalf: who?.billOnBehalfOfEnabled === true,
          subscriptionTerm: item.data.subscriptionId ? terms.get(item.data.subscriptionId) : undefined,
        });
        if (out.ok) lines.push(out.line);
        else {
          problems.push({
            customerId: item.data.companyId,
            customerName: who?.name ?? item.data.companyName ?? undefined,
            recordId,
            message: `Pax8 invoice item ${out.skip ? 'not billed' : 'skipped'}: ${out.message}`,
            // Items Pax8 bills the client itself are left out on purpose; the others get a row.
            ...(out.skip
              ? {}
              : { values: { ...readableItem(raw, who?.name, inv.currencyCode ?? undefined), recordId } }),
          });
        }
      });
    });
    return { lines, problems };
  }

  /**
   * Before Pax8 issues the month's invoice, its draft items show what the invoice will hold. They become
   * rows marked "Preview", never approvable or pushed; a pull after the invoice is issued turns each into
   * the invoiced charge (see sheets/merge.ts). Drafts exist for the current and the next month only
   * (monthOffset 0 and 1), carry no item id, and leave out usage billed in arrears.
   */
  private preview(
    period: BillingPeriod,
    companies: Map<string, { id: string; name: string; billOnBehalfOfEnabled?: boolean | null }>,
    terms: Map<string, string>,
    problems: SourceProblem[],
  ): PullResult {
    const notYet = `Pax8 has no invoice dated ${period.start} to ${period.end} yet (Pax8 dates a month's invoice the 1st and issues it around the 5th)`;
    const offset = monthsFrom(this.today(), period.month);
    if (offset !== 0 && offset !== 1)
      throw new SourceError(`${notYet}; pull ${period.month} again once Pax8 has issued it`);
    const [drafts] = this.readLists([{ path: '/invoices/draftItems', query: { monthOffset: offset } }]);
    if (!drafts.ok) {
      throw new SourceError(
        `${notYet}, and its draft items could not be read (${drafts.reason}); pull ${period.month} again once Pax8 has issued it`,
        drafts.status,
      );
    }
    const why = `preview from Pax8's draft items, not billable: Pax8 issues the invoice for ${period.month} around the 5th and it may differ; the next pull after that turns this row into the invoiced charge`;
    const draftInvoice: Pax8Invoice = { id: 'draft', invoiceDate: period.start };
    let shown = 0;
    for (const raw of this.complete(drafts, 'draft items', problems, companies) ?? []) {
      const item = invoiceItem.safeParse(raw);
      const who = item.success ? companies.get(item.data.companyId) : undefined;
      const out: ItemOutcome = item.success
        ? itemToLine(item.data, {
            invoice: draftInvoice,
            companyName: who?.name,
            billOnBehalf: who?.billOnBehalfOfEnabled === true,
            subscriptionTerm: item.data.subscriptionId ? terms.get(item.data.subscriptionId) : undefined,
          })
        : { ok: false, message: zodReason(item.error) };
      if (!out.ok && out.skip) continue;
      const customer = customerOf(raw, companies);
      problems.push({
        ...customer,
        message: out.ok ? why : `${why} (and as it stands it could not be billed: ${out.message})`,
        values: out.ok ? valuesOf(out.line) : readableItem(raw, customer.customerName),
        preview: true,
      });
      shown++;
    }
    problems.push({
      message: `${notYet}: ${shown} draft item${shown === 1 ? ' is' : 's are'} shown as previews (not billable; usage billed in arrears is not among them); pull ${period.month} again once Pax8 has issued it`,
    });
    return { lines: [], problems };
  }

  private today(): string {
    return new Date(this.now()).toISOString().slice(0, 7);
  }

  // ---- lists ------------------------------------------------------------------------------------

  private required(list: ListResult, what: string, problems: SourceProblem[] = []): unknown[] {
    if (!list.ok) throw new SourceError(`Pax8 could not list the ${what} (${list.reason})`, list.status);
    return this.complete(list, what, problems) as unknown[];
  }

  /**
   * A list's records, each vendor record once. Pax8's lists take no sort order, so a record can move
   * between two page requests: one served twice is kept once and reported; a list whose distinct
   * records do not add up to its `totalElements` lost a record between pages, and billing the rest
   * would be a partial bill, so the whole pull fails. Undefined when the list could not be read.
   * De-duplicates `list.records` in place.
   */
  private complete(
    list: ListResult,
    what: string,
    problems: SourceProblem[],
    companies?: Map<string, { id: string; name: string }>,
  ): unknown[] | undefined {
    if (!list.ok) return undefined;
    const seen = new Set<string>();
    const kept: unknown[] = [];
    for (const raw of list.records) {
      const id = idOf(raw);
      if (id !== undefined && seen.has(id)) {
        problems.push({
          ...(companies ? customerOf(raw, companies) : {}),
          recordId: id,
          message: `Pax8 served record ${id} of the ${what} twice while paging; it is counted once`,
        });
        continue;
      }
      if (id !== undefined) seen.add(id);
      kept.push(raw);
    }
    if (kept.length !== list.totalElements) {
      throw new SourceError(
        `Pax8 changed the ${what} while BillGrid was paging through them (${kept.length} distinct records read, ${list.totalElements} announced); nothing from Pax8 was billed, pull again`,
      );
    }
    list.records = kept;
    return kept;
  }

  private companiesFrom(raw: unknown[], problems: SourceProblem[]) {
    const out = [];
    for (const r of raw) {
      const c = company.safeParse(r);
      if (c.success) out.push(c.data);
      else problems.push({ recordId: idOf(r), message: `Pax8 company skipped: ${zodReason(c.error)}` });
    }
    return out;
  }

  /**
   * Read several paged lists at once: every first page in one parallel batch, then every remaining page
   * of every list (known from page.totalPages) in a second batch — the fewest requests and round trips.
   */
  private readLists(lists: ListRequest[]): ListResult[] {
    const size = this.config.pageSize;
    const url = (l: ListRequest, page: number) =>
      `${this.config.apiBaseUrl}${l.path}${queryString({ ...l.query, page, size })}`;
    const results: ListResult[] = [];
    const firsts = this.authed(lists.map((l) => url(l, 0)));
    const more: Array<{ list: number; page: number }> = [];
    firsts.forEach((res, i) => {
      const page = this.page(res);
      results[i] = page.ok
        ? { ok: true, records: [...page.content], totalElements: page.totalElements, path: lists[i].path }
        : page;
      if (page.ok) for (let p = 1; p < page.totalPages; p++) more.push({ list: i, page: p });
    });
    const rest = this.authed(more.map((m) => url(lists[m.list], m.page)));
    rest.forEach((res, k) => {
      const { list } = more[k];
      const current = results[list];
      if (!current.ok) return;
      const page = this.page(res);
      // The count announced last is the one the final pages were cut from.
      results[list] = page.ok
        ? { ...current, records: [...current.records, ...page.content], totalElements: page.totalElements }
        : page;
    });
    return results;
  }

  private page(
    res: HttpResponse,
  ):
    | { ok: true; content: unknown[]; totalPages: number; totalElements: number }
    | { ok: false; reason: string; status: number } {
    if (!isOk(res)) return { ok: false, reason: this.describe(res), status: res.status };
    const env = pageEnvelope.safeParse(jsonBody(res));
    if (!env.success)
      return { ok: false, reason: `unreadable response (${zodReason(env.error)})`, status: res.status };
    return {
      ok: true,
      content: env.data.content,
      totalPages: env.data.page.totalPages,
      totalElements: env.data.page.totalElements,
    };
  }

  private describe(res: HttpResponse): string {
    const err = pax8Error.safeParse(jsonBody(res));
    const msg = err.success ? (err.data.message ?? err.data.error_description) : undefined;
    return scrub(`HTTP ${res.status}${msg ? `: ${msg}` : ''}`, [this.config.clientSecret]);
  }

  /** GETs with the bearer token; on 401 the token is fetched again once and the 401s are re-sent. */
  private authed(urls: string[]): HttpResponse[] {
    return getAllWithToken(this.http, this.auth, 'Pax8', urls);
  }
}

/** Months from `today` (yyyy-mm) to `month` (yyyy-mm): 0 the same month, 1 the next. */
function monthsFrom(today: string, month: string): number {
  const n = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return n(month) - n(today);
}

function idOf(raw: unknown): string | undefined {
  return raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
    ? (raw as { id: string }).id
    : undefined;
}

function customerOf(
  raw: unknown,
  companies: Map<string, { id: string; name: string }>,
): Partial<SourceProblem> {
  const id = raw && typeof raw === 'object' ? (raw as { companyId?: unknown }).companyId : undefined;
  if (typeof id !== 'string') return {};
  return { customerId: id, customerName: companies.get(id)?.name };
}

/** Factory used by jobs: validates the settings (throws SourceError with a safe message). */
export function createPax8Source(config: unknown, http: HttpClient, deps: Pax8Deps = {}): Pax8Source {
  return new Pax8Source(parsePax8Config(config), http, deps);
}
