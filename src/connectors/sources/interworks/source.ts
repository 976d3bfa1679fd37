/**
 * interworks.cloud source: a billing month's charges from the tenant's BSS, as seed 004's ApplicationLink
 * reads them — End Customer → customer, Subscription ID → subscription, Product → product, Billing Plan
 * (description), Billing Cycle → cycle, Quantity → units, Unit Cost → cost, the date the charge or change
 * was realised → effective date.
 *
 * Lines:
 *  - one `recurring` line per subscription charged or changed in the month: the units in force at the
 *    month's end (the month's recurring units plus its increases, less its decreases and cancellations),
 *    effective from the last change's date (else the cycle start), total = the recurring charges billed;
 *    so a quantity-based PSA adjusts the contract service on the date of the change.
 *  - one `pro-rata` line per change charge (New, Increase, Decrease, Cancel) with its signed units and
 *    amount, effective on its date.
 * Requests: a token; first pages of accounts, subscriptions and the month's charges together; then their
 * remaining pages together.
 */
import type { HttpClient, HttpResponse, TokenStore } from '../../../core/http';
import { getAllWithToken } from '../common/oauth';
import {
  CURRENCIES,
  parseRawBillingLine,
  type BillingCycle,
  type RawBillingLine,
} from '../../../core/billing-line';
import type {
  BillingPeriod,
  BillingSource,
  PullResult,
  SourceCustomer,
  SourceProblem,
} from '../../../core/source';
import { SourceError } from '../../../core/source';
import { isOk, jsonBody, queryString, round6, scrub, zodReason } from '../common/http-util';
import { InterworksAuth, memoryTokenStore } from './auth';
import { parseInterworksConfig, type InterworksConfig } from './config';
import {
  account,
  charge,
  envelope,
  iwError,
  pagination,
  subscription,
  type IwAccount,
  type IwCharge,
  type IwSubscription,
} from './schemas';

/** What the tenant check found. */
export interface InterworksTenantFacts {
  pagination: 'header' | 'envelope' | 'none' | 'unknown';
  /** 'present', 'missing' (404) or the HTTP status that stopped the check. */
  charges: string;
  chargeFields: string;
}

export function interworksHttpPolicy(
  config: Pick<InterworksConfig, 'maxConcurrency'> = { maxConcurrency: 4 },
) {
  return { apiName: 'interworks.cloud', maxConcurrency: config.maxConcurrency };
}

export interface InterworksDeps {
  tokenStore?: TokenStore;
  now?: () => number;
}

/** Billing Cycle as the BSS names it (unverified spellings; anything else is reported). */
const CYCLES: Record<string, BillingCycle> = {
  monthly: 'monthly',
  month: 'monthly',
  annually: 'annual',
  annual: 'annual',
  yearly: 'annual',
  year: 'annual',
};
const CHANGE_TYPES = ['new', 'increase', 'decrease', 'cancel', 'cancellation'];

type ListResult = { ok: true; records: unknown[] } | { ok: false; reason: string; status: number };
type Page =
  { ok: true; items: unknown[]; totalPages?: number } | { ok: false; reason: string; status: number };

export class InterworksSource implements BillingSource {
  readonly id = 'interworks';
  readonly displayName = 'interworks.cloud';
  readonly auth: InterworksAuth;
  private readonly base: string;

  constructor(
    private readonly config: InterworksConfig,
    private readonly http: HttpClient,
    deps: InterworksDeps = {},
  ) {
    this.base = config.host;
    this.auth = new InterworksAuth(
      config,
      this.base,
      http,
      deps.tokenStore ?? memoryTokenStore(),
      deps.now ?? (() => Date.now()),
    );
  }

  listCustomers(): SourceCustomer[] {
    const [accounts] = this.readLists([{ path: '/api/accounts', query: {} }]);
    return this.accountsFrom(this.required(accounts, 'accounts'), []).map((a) => ({
      id: String(a.id),
      name: a.name,
      status: (a.status ?? 'unknown').toLowerCase(),
    }));
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const [accList, subList, chargeList] = this.readLists([
      { path: '/api/accounts', query: {} },
      { path: '/api/subscriptions', query: {} },
      { path: '/api/charges', query: { fromDate: period.start, toDate: period.end } },
    ]);
    const accounts = new Map(
      this.accountsFrom(this.required(accList, 'accounts'), problems).map((a) => [a.id, a]),
    );
    const subs = new Map<number, IwSubscription>();
    for (const raw of this.required(subList, 'subscriptions')) {
      const s = subscription.safeParse(raw);
      if (s.success) subs.set(s.data.id, s.data);
      else
        problems.push({
          recordId: idOf(raw),
          message: `interworks.cloud subscription skipped: ${zodReason(s.error)}`,
        });
    }
    const charges: IwCharge[] = [];
    // A subscription's recurring line is derived from all its charges of the month, so one unreadable
    // charge holds every line of its subscription (a partial sum would be a wrong bill).
    const held = new Map<number, { who: Partial<SourceProblem>; charges: string[] }>();
    const hold = (raw: unknown, who: Partial<SourceProblem>, chargeId: string | undefined) => {
      const sub = subscriptionIdOf(raw);
      if (sub === undefined) return;
      const h = held.get(sub) ?? { who, charges: [] };
      h.charges.push(chargeId ?? '(no id)');
      held.set(sub, h);
    };
    for (const raw of this.required(chargeList, 'charges')) {
      const c = charge.safeParse(raw);
      const who = accountOf(raw, accounts);
      if (!c.success) {
        problems.push({
          ...who,
          recordId: idOf(raw),
          message: `interworks.cloud charge skipped: ${zodReason(c.error)}`,
        });
        hold(raw, who, idOf(raw));
        continue;
      }
      const problem = checkCharge(c.data, accounts);
      if (problem) {
        problems.push({
          ...who,
          recordId: String(c.data.id),
          message: `interworks.cloud charge skipped: ${problem}`,
        });
        hold(raw, who, String(c.data.id));
      } else charges.push(c.data);
    }
    for (const [sub, h] of held)
      problems.push({
        ...h.who,
        recordId: `subscription ${sub}`,
        message: `interworks.cloud subscription ${sub} not billed this month: its charge ${h.charges.join(', ')} could not be read, so its units and total would be wrong`,
      });

    const lines: RawBillingLine[] = [];
    const bySub = new Map<number, IwCharge[]>();
    for (const c of charges)
      if (!held.has(c.subscriptionId))
        bySub.set(c.subscriptionId, [...(bySub.get(c.subscriptionId) ?? []), c]);
    for (const [subId, list] of bySub) {
      const acct = accounts.get(list[0].accountId)!;
      const recurring = list.filter((c) => c.type.toLowerCase() === 'recurring');
      const changes = list.filter((c) => CHANGE_TYPES.includes(c.type.toLowerCase()));
      const sub = subs.get(subId);
      const first = recurring[0] ?? changes[0];
      const cycle = CYCLES[first.billingCycle.trim().toLowerCase()]!;
      for (const c of changes) {
        this.push(lines, problems, c, {
          source: 'interworks',
          customerId: String(acct.id),
          customerName: acct.name,
          subscriptionId: String(subId),
          sku: c.productCode || c.productName,
          productName: c.productName,
          description: `${c.productName}: ${c.type} of ${Math.abs(c.quantity)} units on ${c.effectiveDate}${c.billingPlan ? ` (${c.billingPlan})` : ''}`,
          periodStart: c.fromDate,
          periodEnd: c.toDate,
          cycle,
          chargeType: 'pro-rata',
          quantity: c.quantity,
          unitCost: c.unitCost,
          unitPrice: c.unitPrice ?? c.unitCost,
          total: c.amount,
          currency: c.currency.toUpperCase(),
          effectiveDate: c.effectiveDate,
          orderId: '',
          recordId: `charge ${c.id}`,
        });
      }
      // Units in force at the month's end: the recurring units plus the month's changes; with no recurring
      // charge this month (an annual plan between renewals), the subscription's own count.
      const base = recurring.length
        ? recurring.reduce((n, c) => n + c.quantity, 0)
        : (sub?.quantity ?? 0) - changes.reduce((n, c) => n + c.quantity, 0);
      const units = round6(base + changes.reduce((n, c) => n + c.quantity, 0));
      const lastChange = changes
        .map((c) => c.effectiveDate)
        .sort()
        .pop();
      const start = recurring[0]?.fromDate ?? period.start;
      const end = recurring[0]?.toDate ?? period.end;
      this.push(lines, problems, first, {
        source: 'interworks',
        customerId: String(acct.id),
        customerName: acct.name,
        subscriptionId: String(subId),
        sku: first.productCode || first.productName,
        productName: first.productName,
        description: `${first.productName}${first.billingPlan ? ` (${first.billingPlan})` : ''}: ${units} units${lastChange ? ` from ${lastChange}` : ''}, ${start} to ${end}`,
        periodStart: start,
        periodEnd: end,
        cycle,
        chargeType: 'recurring',
        quantity: Math.max(0, units),
        unitCost: first.unitCost,
        unitPrice: first.unitPrice ?? first.unitCost,
        total: round6(recurring.reduce((n, c) => n + c.amount, 0)),
        currency: first.currency.toUpperCase(),
        effectiveDate: lastChange && lastChange > start ? lastChange : start,
        orderId: '',
        recordId: `subscription ${subId}`,
      });
    }
    return { lines, problems };
  }

  /**
   * The tenant check: what this BSS does where the public documentation is silent. Reads one page of
   * accounts (pagination metadata: header or body) and one page of the month's charges (does the charges
   * route exist, and do its records have the fields seed 004 needs). Read-only.
   */
  tenantFacts(period: BillingPeriod): InterworksTenantFacts {
    const url = (path: string, q: Record<string, string | number>) =>
      `${this.base}${path}${queryString({ ...q, page: 1, pageSize: 1 })}`;
    const [acc, ch] = this.authed([
      url('/api/accounts', {}),
      url('/api/charges', { fromDate: period.start, toDate: period.end }),
    ]);
    const header = Object.keys(acc.headers).some((k) => k.toLowerCase() === 'x-pagination');
    const body = jsonBody(acc);
    const facts: InterworksTenantFacts = {
      pagination: !isOk(acc)
        ? 'unknown'
        : header
          ? 'header'
          : envelope.safeParse(body).success
            ? 'envelope'
            : 'none',
      charges: ch.status === 404 ? 'missing' : !isOk(ch) ? `HTTP ${ch.status}` : 'present',
      chargeFields: 'unknown',
    };
    if (isOk(ch)) {
      const p = this.page(ch);
      const first = p.ok ? p.items[0] : undefined;
      if (first !== undefined) {
        const c = charge.safeParse(first);
        facts.chargeFields = c.success ? 'as modelled' : `differ: ${zodReason(c.error)}`;
      }
    }
    return facts;
  }

  private push(
    lines: RawBillingLine[],
    problems: SourceProblem[],
    c: IwCharge,
    // The currency is checked by the line schema, like every other field.
    line: Omit<RawBillingLine, 'currency'> & { currency: string },
  ): void {
    const parsed = parseRawBillingLine(line);
    if (parsed.ok) lines.push(parsed.line);
    else
      problems.push({
        customerId: line.customerId,
        customerName: line.customerName,
        recordId: String(c.id),
        message: `interworks.cloud charge skipped: ${parsed.message}`,
      });
  }

  private required(list: ListResult, what: string): unknown[] {
    if (!list.ok)
      throw new SourceError(`interworks.cloud could not list the ${what} (${list.reason})`, list.status);
    return list.records;
  }

  private accountsFrom(raw: unknown[], problems: SourceProblem[]): IwAccount[] {
    const out: IwAccount[] = [];
    for (const r of raw) {
      const a = account.safeParse(r);
      if (a.success) out.push(a.data);
      else
        problems.push({
          recordId: idOf(r),
          message: `interworks.cloud account skipped: ${zodReason(a.error)}`,
        });
    }
    return out;
  }

  /** Metadata from the X-Pagination header or a { data, pagination } body; a bare array without either is one page. */
  private page(res: HttpResponse): Page {
    if (!isOk(res)) return { ok: false, reason: this.describe(res), status: res.status };
    const body = jsonBody(res);
    const header = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'x-pagination')?.[1];
    if (Array.isArray(body)) {
      let meta: unknown;
      try {
        meta = header ? JSON.parse(header) : undefined;
      } catch {
        meta = undefined;
      }
      const p = pagination.safeParse(meta);
      return { ok: true, items: body, totalPages: p.success ? p.data.totalPages : undefined };
    }
    const env = envelope.safeParse(body);
    if (!env.success)
      return { ok: false, reason: `unreadable response (${zodReason(env.error)})`, status: res.status };
    return { ok: true, items: env.data.data, totalPages: env.data.pagination.totalPages };
  }

  private readLists(lists: Array<{ path: string; query: Record<string, string> }>): ListResult[] {
    const url = (l: (typeof lists)[number], page: number) =>
      `${this.base}${l.path}${queryString({ ...l.query, page, pageSize: this.config.pageSize })}`;
    const results: ListResult[] = [];
    const more: Array<{ list: number; page: number }> = [];
    this.authed(lists.map((l) => url(l, 1))).forEach((res, i) => {
      const p = this.page(res);
      results[i] = p.ok ? { ok: true, records: [...p.items] } : p;
      if (p.ok) for (let n = 2; n <= (p.totalPages ?? 1); n++) more.push({ list: i, page: n });
    });
    this.authed(more.map((m) => url(lists[m.list], m.page))).forEach((res, k) => {
      const { list } = more[k];
      const cur = results[list];
      if (!cur.ok) return;
      const p = this.page(res);
      results[list] = p.ok ? { ok: true, records: [...cur.records, ...p.items] } : p;
    });
    return results;
  }

  private describe(res: HttpResponse): string {
    const e = iwError.safeParse(jsonBody(res));
    return scrub(`HTTP ${res.status}${e.success && e.data.message ? `: ${e.data.message}` : ''}`, [
      this.config.clientSecret,
      this.config.password,
    ]);
  }

  /** GETs with the bearer token; on 401 the token is fetched again once and the 401s are re-sent. */
  private authed(urls: string[]): HttpResponse[] {
    return getAllWithToken(this.http, this.auth, 'interworks.cloud', urls);
  }
}

function checkCharge(c: IwCharge, accounts: Map<number, IwAccount>): string | undefined {
  if (!accounts.has(c.accountId))
    return `account ${c.accountId} (${c.accountName ?? 'no name'}) is not an interworks.cloud account BillGrid can see`;
  if (!CYCLES[c.billingCycle.trim().toLowerCase()])
    return `billing cycle '${c.billingCycle}' is not one BillGrid knows`;
  const type = c.type.toLowerCase();
  if (type !== 'recurring' && !CHANGE_TYPES.includes(type))
    return `charge type '${c.type}' is not one BillGrid knows`;
  if (!(CURRENCIES as readonly string[]).includes(c.currency.toUpperCase()))
    return `currency '${c.currency}' is not supported`;
  return undefined;
}

function idOf(raw: unknown): string | undefined {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

function subscriptionIdOf(raw: unknown): number | undefined {
  const id =
    raw && typeof raw === 'object' ? (raw as { subscriptionId?: unknown }).subscriptionId : undefined;
  return typeof id === 'number' ? id : undefined;
}

function accountOf(raw: unknown, accounts: Map<number, IwAccount>): Partial<SourceProblem> {
  const id = raw && typeof raw === 'object' ? (raw as { accountId?: unknown }).accountId : undefined;
  if (typeof id !== 'number') return {};
  const a = accounts.get(id);
  return { customerId: String(id), customerName: a?.name };
}

export function createInterworksSource(
  config: unknown,
  http: HttpClient,
  deps: InterworksDeps = {},
): InterworksSource {
  return new InterworksSource(parseInterworksConfig(config), http, deps);
}
