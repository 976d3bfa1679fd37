/**
 * Twilio source: the top-level account's own usage plus every subaccount's, for one billing period.
 *
 * Requests (Basic auth with the top-level Account SID / Auth Token):
 *  1. GET /2010-04-01/Accounts.json?PageSize=… — the account itself and all its subaccounts, following
 *     next_page_uri (token paging, so pages are sequential);
 *  2. GET /2010-04-01/Accounts/{Sid}/Usage/Records.json?StartDate&EndDate&IncludeSubaccounts=false
 *     for every account in parallel (requestAll), then every account's next pages in parallel rounds.
 *     IncludeSubaccounts defaults to true, which would fold every subaccount into the top-level account.
 * A subaccount whose usage cannot be read is reported as a problem; the others are still billed.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../../../core/http';
import type {
  BillingPeriod,
  BillingSource,
  PullResult,
  SourceCustomer,
  SourceProblem,
} from '../../../core/source';
import { SourceError } from '../../../core/source';
import type { RawBillingLine } from '../../../core/billing-line';
import { basicAuth } from '../common/base64';
import { isOk, jsonBody, queryString, scrub, zodReason } from '../common/http-util';
import { parseTwilioConfig, type TwilioConfig } from './config';
import { TOTAL_CATEGORY } from './categories';
import { usageLines } from './usage-lines';
import { accountsPage, twilioAccount, twilioError, usagePage, type TwilioAccount } from './schemas';

const API = '/2010-04-01';

/** What RetryingHttpClient needs to know about Twilio. */
export function twilioHttpPolicy(config: Pick<TwilioConfig, 'maxConcurrency'> = { maxConcurrency: 10 }) {
  return { apiName: 'Twilio', maxConcurrency: config.maxConcurrency };
}

interface Customer extends SourceCustomer {
  isMain: boolean;
}

export class TwilioSource implements BillingSource {
  readonly id = 'twilio';
  readonly displayName = 'Twilio';
  private readonly auth: string;

  constructor(
    private readonly config: TwilioConfig,
    private readonly http: HttpClient,
  ) {
    // An API key authenticates as its SID and secret; paths still name the account (Twilio IAM docs).
    this.auth =
      config.apiKeySid && config.apiKeySecret
        ? basicAuth(config.apiKeySid, config.apiKeySecret)
        : basicAuth(config.accountSid, config.authToken ?? '');
  }

  listCustomers(): SourceCustomer[] {
    return this.listAccounts().customers.map(({ id, name, status, parentId }) => ({
      id,
      name,
      status,
      parentId,
    }));
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const { customers, problems } = this.listAccounts();
    const lines: RawBillingLine[] = [];
    const pages = this.readUsage(customers, period, problems);
    customers.forEach((c, i) => {
      const records = pages[i];
      if (records) lines.push(...usageLines(c, records, period, this.config, problems));
    });
    return { lines, problems };
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private get(pathAndQuery: string): HttpRequest {
    return {
      method: 'get',
      url: this.config.baseUrl + pathAndQuery,
      headers: { Authorization: this.auth, Accept: 'application/json' },
    };
  }

  /** Vendor message without secrets, e.g. "HTTP 500: Internal error". */
  private describe(res: HttpResponse): string {
    const err = twilioError.safeParse(jsonBody(res));
    const msg = err.success && err.data.message ? `: ${err.data.message}` : '';
    const code = err.success && err.data.code ? ` (Twilio error ${err.data.code})` : '';
    return scrub(`HTTP ${res.status}${msg}${code}`, this.secrets());
  }

  private secrets(): string[] {
    return [this.config.authToken, this.config.apiKeySecret].filter((s): s is string => !!s);
  }

  private failIfAuth(res: HttpResponse): void {
    if (res.status === 401 || res.status === 403) {
      throw new SourceError(
        this.config.apiKeySid
          ? `Twilio rejected the API key (${res.status}); listing subaccounts needs a Main key, not a Standard one`
          : `Twilio rejected the Account SID / Auth Token (${res.status})`,
        res.status,
      );
    }
  }

  // ---- accounts ---------------------------------------------------------------------------------

  private listAccounts(): { customers: Customer[]; problems: SourceProblem[] } {
    const problems: SourceProblem[] = [];
    const bySid = new Map<string, Customer>();
    let next: string | null = `${API}/Accounts.json${queryString({ PageSize: this.config.pageSize })}`;
    let index = 0;
    while (next) {
      const res = this.http.request(this.get(next));
      this.failIfAuth(res);
      if (!isOk(res))
        throw new SourceError(`Twilio could not list the subaccounts (${this.describe(res)})`, res.status);
      const page = accountsPage.safeParse(jsonBody(res));
      if (!page.success)
        throw new SourceError(`Twilio sent an unreadable list of accounts (${zodReason(page.error)})`);
      for (const raw of page.data.accounts) {
        index += 1;
        const acc = twilioAccount.safeParse(raw);
        if (!acc.success) {
          problems.push({
            recordId: recordLabel(raw, index),
            message: `Twilio account skipped: ${zodReason(acc.error)}`,
          });
          continue;
        }
        bySid.set(acc.data.sid, this.customerOf(acc.data));
      }
      next = page.data.next_page_uri ?? null;
    }
    if (!bySid.has(this.config.accountSid)) bySid.set(this.config.accountSid, this.readMainAccount());
    // The top-level account first, then subaccounts by name: a stable order for the grid.
    const customers = [...bySid.values()].sort(
      (a, b) =>
        Number(b.isMain) - Number(a.isMain) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    );
    return { customers, problems };
  }

  private customerOf(acc: TwilioAccount): Customer {
    return {
      id: acc.sid,
      name: acc.friendly_name?.trim() || acc.sid,
      status: acc.status ?? 'unknown',
      isMain: acc.sid === this.config.accountSid,
      // A subaccount's owner_account_sid is the account that created it (the main account's is its own).
      ...(acc.owner_account_sid && acc.owner_account_sid !== acc.sid
        ? { parentId: acc.owner_account_sid }
        : {}),
    };
  }

  /** Only when the list left the top-level account out (the API normally includes it). */
  private readMainAccount(): Customer {
    const res = this.http.request(this.get(`${API}/Accounts/${this.config.accountSid}.json`));
    this.failIfAuth(res);
    const acc = twilioAccount.safeParse(jsonBody(res));
    if (!isOk(res) || !acc.success) {
      return { id: this.config.accountSid, name: this.config.accountSid, status: 'unknown', isMain: true };
    }
    return this.customerOf(acc.data);
  }

  // ---- usage ------------------------------------------------------------------------------------

  private usagePath(sid: string, period: BillingPeriod): string {
    return (
      `${API}/Accounts/${sid}/Usage/Records.json` +
      queryString({
        Category: this.config.lineMode === 'total' ? TOTAL_CATEGORY : undefined,
        StartDate: period.start,
        EndDate: period.end,
        IncludeSubaccounts: false,
        PageSize: this.config.pageSize,
      })
    );
  }

  /** Usage records per customer (undefined where the customer failed), fetched in parallel rounds. */
  private readUsage(
    customers: Customer[],
    period: BillingPeriod,
    problems: SourceProblem[],
  ): Array<unknown[] | undefined> {
    const out: Array<unknown[] | undefined> = customers.map(() => []);
    let pending = customers.map((c, i) => ({ i, path: this.usagePath(c.id, period) }));
    while (pending.length) {
      const responses = this.http.requestAll(pending.map((p) => this.get(p.path)));
      const again: typeof pending = [];
      responses.forEach((res, k) => {
        const { i } = pending[k];
        const c = customers[i];
        if (res.status === 401 && c.isMain) this.failIfAuth(res);
        const page = isOk(res) ? usagePage.safeParse(jsonBody(res)) : undefined;
        if (!page?.success) {
          const refused = res.status === 403 && twilioError.safeParse(jsonBody(res)).data?.code === 20403;
          const why = page
            ? `unreadable response (${zodReason(page.error)})`
            : refused
              ? `Twilio no longer gives access to this ${c.status} account (Twilio error 20403), so its usage before it was ${c.status} cannot be read through the API; bill it from Twilio's console`
              : this.describe(res);
          problems.push({
            customerId: c.id,
            customerName: c.name,
            message: `Twilio usage for ${c.name} could not be read: ${why}`,
          });
          out[i] = undefined;
          return;
        }
        out[i]?.push(...page.data.usage_records);
        if (page.data.next_page_uri && out[i]) again.push({ i, path: page.data.next_page_uri });
      });
      pending = again;
    }
    return out;
  }
}

/** A label for an account record in problems: its sid when readable, else its position. */
function recordLabel(raw: unknown, position: number): string {
  const sid = raw && typeof raw === 'object' ? (raw as { sid?: unknown }).sid : undefined;
  return typeof sid === 'string' && sid ? sid : `record #${position}`;
}

/** Factory used by jobs: validates the settings (throws SourceError with a safe message). */
export function createTwilioSource(config: unknown, http: HttpClient): TwilioSource {
  return new TwilioSource(parseTwilioConfig(config), http);
}
