/**
 * Datto RMM as a billing source: one quantity line per site per billing type per month, counting the site's
 * devices now (Datto RMM keeps no device history; a month's pull is a count taken when it runs, as Kaseya's own
 * Integrated Customer Billing syncs counts nightly). A billing type is a named count rule over a device's
 * `deviceClass` and `deviceType.category` (configurable; defaults: Workstations, Servers, Network devices).
 *
 * Requests: a token (OAuth password grant, cached 100 hours, fetched again once on a 401); the sites, page by
 * page (nextPageUrl); the first page of every site's devices together, then their further pages together.
 * A site whose devices cannot be read is reported and gets no lines (its rows stay as they were); a malformed
 * device is reported with its id.
 */
import type { CachedToken, HttpClient, HttpRequest, HttpResponse, TokenStore } from '../../../core/http';
import type { RawBillingLine } from '../../../core/billing-line';
import {
  SourceError,
  type BillingPeriod,
  type BillingSource,
  type PullResult,
  type SourceCustomer,
  type SourceProblem,
} from '../../../core/source';
import { countEvidence } from '../common/evidence';
import { isOk, jsonBody, scrub, zodReason } from '../common/http-util';
import { parseDattoRmmConfig, type DattoRmmConfig } from './config';
import {
  deviceSchema,
  devicesPageSchema,
  siteSchema,
  sitesPageSchema,
  tokenSchema,
  type DattoDevice,
  type DattoSite,
} from './schemas';

/** A billing type: which devices it counts. Matching is case-insensitive. */
export interface BillingTypeRule {
  /** Stable: part of the line's SKU and key. */
  id: string;
  name: string;
  deviceClasses: string[];
  /** Only these deviceType.category values (any when absent). */
  categories?: string[];
  /** Never these categories. */
  excludeCategories?: string[];
  /**
   * What the MSP charges and pays per unit. Datto RMM has no prices, and BillGrid keeps the PSA's price equal
   * to the line's, so a billing type without a price yields no lines (a problem says so) rather than a $0 bill.
   */
  unitPrice?: number | null;
  unitCost?: number | null;
}

export const DEFAULT_BILLING_TYPES: readonly BillingTypeRule[] = [
  { id: 'workstations', name: 'Workstations', deviceClasses: ['device'], excludeCategories: ['Server'] },
  {
    id: 'servers',
    name: 'Servers',
    deviceClasses: ['device', 'esxihost'],
    categories: ['Server', 'ESXi Host'],
  },
  { id: 'network-devices', name: 'Network devices', deviceClasses: ['rmmnetworkdevice'] },
];

export function matches(rule: BillingTypeRule, d: DattoDevice): boolean {
  const lc = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase();
  if (!rule.deviceClasses.map(lc).includes(lc(d.deviceClass))) return false;
  const cat = lc(d.deviceType?.category);
  if (rule.categories && !rule.categories.map(lc).includes(cat)) return false;
  if (rule.excludeCategories?.map(lc).includes(cat)) return false;
  return true;
}

export interface DattoRmmDeps {
  tokenStore?: TokenStore;
  now?: () => number;
  billingTypes?: readonly BillingTypeRule[];
}

/** Datto's fixed public OAuth client: the API key and secret are the grant's user name and password. */
const PUBLIC_CLIENT = 'Basic cHVibGljLWNsaWVudDpwdWJsaWM='; // base64('public-client:public')

function memoryStore(): TokenStore {
  let t: CachedToken | null = null;
  return { get: () => t, put: (x) => (t = x), clear: () => (t = null) };
}

export const skuOf = (rule: BillingTypeRule): string => `DATTO-RMM-${rule.id.toUpperCase()}`;

export class DattoRmmSource implements BillingSource {
  readonly id = 'datto-rmm';
  readonly displayName = 'Datto RMM';
  private readonly tokens: TokenStore;
  private readonly now: () => number;
  readonly billingTypes: readonly BillingTypeRule[];

  constructor(
    readonly config: DattoRmmConfig,
    private readonly http: HttpClient,
    deps: DattoRmmDeps = {},
  ) {
    this.tokens = deps.tokenStore ?? memoryStore();
    this.now = deps.now ?? (() => Date.now());
    this.billingTypes = deps.billingTypes ?? DEFAULT_BILLING_TYPES;
  }

  private secretsOf(): string[] {
    return [this.config.apiSecret, this.config.apiKey, this.tokens.get()?.token ?? ''];
  }

  private token(): string {
    const t = this.tokens.get();
    if (t && t.expiresAt - 60_000 > this.now()) return t.token;
    const body = `grant_type=password&username=${encodeURIComponent(this.config.apiKey)}&password=${encodeURIComponent(this.config.apiSecret)}`;
    const res = this.http.request({
      method: 'post',
      url: `${this.config.apiUrl}/auth/oauth/token`,
      body,
      contentType: 'application/x-www-form-urlencoded',
      headers: { Authorization: PUBLIC_CLIENT, Accept: 'application/json' },
      idempotent: true,
    });
    if (res.status === 400 || res.status === 401)
      throw new SourceError(`Datto RMM rejected the API key or secret (${res.status})`, res.status);
    if (!isOk(res)) throw new SourceError(`Datto RMM sign-in failed (${res.status})`, res.status);
    const parsed = tokenSchema.safeParse(jsonBody(res));
    if (!parsed.success) throw new SourceError('Datto RMM sign-in answered without a usable token');
    const token = { token: parsed.data.access_token, expiresAt: this.now() + parsed.data.expires_in * 1000 };
    this.tokens.put(token);
    return token.token;
  }

  private get(url: string, token: string): HttpRequest {
    // The token only goes to the configured API host, never to a host named in a page link.
    if (!url.toLowerCase().startsWith(`${this.config.apiUrl.toLowerCase()}/`))
      throw new SourceError('Datto RMM sent a page link to another host; BillGrid did not follow it');
    return { method: 'get', url, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } };
  }

  /** GETs in parallel; on a 401 one new token and the refused ones again. */
  private getAll(urls: string[]): HttpResponse[] {
    let out = this.http.requestAll(urls.map((u) => this.get(u, this.token())));
    const again = out.map((r, i) => (r.status === 401 ? i : -1)).filter((i) => i >= 0);
    if (again.length) {
      this.tokens.clear();
      const token = this.token();
      const retry = this.http.requestAll(again.map((i) => this.get(urls[i], token)));
      out = out.slice();
      again.forEach((i, k) => (out[i] = retry[k]));
    }
    return out;
  }

  private why(res: HttpResponse): string {
    const body = jsonBody(res) as { message?: unknown; error_description?: unknown } | undefined;
    const text =
      typeof body?.message === 'string'
        ? body.message
        : typeof body?.error_description === 'string'
          ? body.error_description
          : '';
    return scrub(`${res.status}${text ? `: ${text}` : ''}`, this.secretsOf());
  }

  private sites(problems: SourceProblem[]): DattoSite[] {
    const out: DattoSite[] = [];
    let url: string | null = `${this.config.apiUrl}/api/v2/account/sites?page=0&max=${this.config.pageSize}`;
    const seen = new Set<string>();
    while (url && !seen.has(url)) {
      seen.add(url);
      const [res] = this.getAll([url]);
      if (!isOk(res))
        throw new SourceError(`Datto RMM could not list the sites (${this.why(res)})`, res.status);
      const page = sitesPageSchema.safeParse(jsonBody(res));
      if (!page.success)
        throw new SourceError('Datto RMM answered the site list with something that is not a page');
      for (const raw of page.data.sites) {
        const s = siteSchema.safeParse(raw);
        if (s.success) out.push(s.data);
        else
          problems.push({
            recordId: recordId(raw),
            message: `Datto RMM site ${recordId(raw)}: ${zodReason(s.error)}`,
          });
      }
      url = page.data.pageDetails.nextPageUrl || null;
    }
    return out;
  }

  listCustomers(): SourceCustomer[] {
    return this.sites([]).map((s) => ({
      id: s.uid,
      name: s.name,
      status: s.onDemand ? 'on demand' : 'active',
    }));
  }

  /** Every device of every site; a site that fails is reported and left out (null). */
  private devices(sites: DattoSite[], problems: SourceProblem[]): Map<string, DattoDevice[] | null> {
    const out = new Map<string, DattoDevice[] | null>(sites.map((s) => [s.uid, []]));
    let pending = sites.map((s) => ({
      site: s,
      url: `${this.config.apiUrl}/api/v2/site/${encodeURIComponent(s.uid)}/devices?page=0&max=${this.config.pageSize}`,
    }));
    const seen = new Set<string>();
    while (pending.length) {
      const responses = this.getAll(pending.map((p) => p.url));
      const next: typeof pending = [];
      responses.forEach((res, i) => {
        const { site, url } = pending[i];
        seen.add(url);
        if (out.get(site.uid) === null) return;
        const page = isOk(res) ? devicesPageSchema.safeParse(jsonBody(res)) : null;
        if (!page?.success) {
          out.set(site.uid, null);
          problems.push({
            customerId: site.uid,
            customerName: site.name,
            message: `Datto RMM could not list the devices of '${site.name}' (${isOk(res) ? 'not a page of devices' : this.why(res)}); its lines were left as they were`,
          });
          return;
        }
        const list = out.get(site.uid)!;
        for (const raw of page.data.devices) {
          const d = deviceSchema.safeParse(raw);
          if (d.success) list.push(d.data);
          else {
            // A device that cannot be read could belong to any billing type: the site's counts would be
            // short, so none of its lines is billed until it reads.
            out.set(site.uid, null);
            problems.push({
              customerId: site.uid,
              customerName: site.name,
              recordId: recordId(raw),
              message: `Datto RMM device ${recordId(raw)} at '${site.name}': ${zodReason(d.error)}; the site's counts were not billed, its lines were left as they were`,
            });
            return;
          }
        }
        const link = page.data.pageDetails.nextPageUrl;
        if (link && !seen.has(link)) next.push({ site, url: link });
      });
      pending = next;
    }
    return out;
  }

  /**
   * Tenant check (read-only): the sites come as pages with pageDetails, and a site's devices carry
   * deviceClass and deviceType.category, the two fields the billing types count by.
   */
  probeDeviceFields(): { status: 'confirmed' | 'differs' | 'unchecked'; detail: string } {
    const [res] = this.getAll([`${this.config.apiUrl}/api/v2/account/sites?page=0&max=5`]);
    if (!isOk(res)) return { status: 'unchecked', detail: `The site list answered ${this.why(res)}` };
    const page = sitesPageSchema.safeParse(jsonBody(res));
    if (!page.success) return { status: 'differs', detail: 'The site list is not a page with pageDetails' };
    const site = page.data.sites.map((x) => siteSchema.safeParse(x)).find((x) => x.success)?.data;
    if (!site) return { status: 'unchecked', detail: 'The account has no site to look at' };
    const [dev] = this.getAll([
      `${this.config.apiUrl}/api/v2/site/${encodeURIComponent(site.uid)}/devices?page=0&max=25`,
    ]);
    if (!isOk(dev)) return { status: 'unchecked', detail: `The devices of a site answered ${this.why(dev)}` };
    const devices = devicesPageSchema.safeParse(jsonBody(dev));
    if (!devices.success)
      return { status: 'differs', detail: "A site's devices are not a page with pageDetails" };
    if (!devices.data.devices.length)
      return { status: 'unchecked', detail: `Site '${site.name}' has no device` };
    const bad = devices.data.devices.filter((d) => {
      const x = deviceSchema.safeParse(d);
      // Workstations and servers are told apart by category; network devices need only their class.
      return !x.success || (x.data.deviceClass.toLowerCase() === 'device' && !x.data.deviceType?.category);
    }).length;
    return bad
      ? {
          status: 'differs',
          detail: `${bad} of ${devices.data.devices.length} devices at '${site.name}' lack deviceClass, or are agents without deviceType.category`,
        }
      : {
          status: 'confirmed',
          detail: `${devices.data.devices.length} devices at '${site.name}' carry deviceClass (agents also deviceType.category)`,
        };
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const sites = this.sites(problems);
    const devices = this.devices(sites, problems);
    const lines: RawBillingLine[] = [];
    const priced = this.billingTypes.filter(
      (r) => typeof r.unitPrice === 'number' && Number.isFinite(r.unitPrice),
    );
    for (const r of this.billingTypes)
      if (!priced.includes(r))
        problems.push({
          message: `Datto RMM billing type '${r.name}' has no price yet, so its counts were not billed: set its unit price and cost in BillGrid's Datto RMM billing types`,
        });
    for (const site of sites) {
      const list = devices.get(site.uid);
      if (!list) continue;
      const live = list.filter((d) => d.deleted !== true);
      for (const rule of priced) {
        const counted = live.filter((d) => matches(rule, d));
        const count = counted.length;
        lines.push({
          source: this.id,
          customerId: site.uid,
          customerName: site.name,
          // One contract service per site and billing type, each with its own sync switch (seed 002).
          subscriptionId: `${site.uid}:${rule.id}`,
          sku: skuOf(rule),
          productName: `Datto RMM ${rule.name}`,
          description: `Datto RMM ${rule.name} at ${site.name}, ${period.month}`,
          periodStart: period.start,
          periodEnd: period.end,
          cycle: 'monthly',
          chargeType: 'recurring',
          quantity: count,
          unitCost: rule.unitCost ?? 0,
          unitPrice: rule.unitPrice ?? 0,
          total: Math.round(count * (rule.unitPrice ?? 0) * 100) / 100,
          currency: this.config.currency,
          effectiveDate: period.start,
          orderId: '',
          recordId: `${site.uid}:${rule.id}`,
          // The devices counted, by host name (or uid), so staff can check the count.
          evidence: countEvidence(
            { one: 'device', many: 'devices' },
            counted.map((d) => d.hostname?.trim() || d.uid),
          ),
        });
      }
    }
    return { lines, problems };
  }
}

function recordId(raw: unknown): string {
  if (raw && typeof raw === 'object') {
    const r = raw as { uid?: unknown; id?: unknown };
    if (typeof r.uid === 'string' && r.uid) return r.uid;
    if (r.id !== undefined) return String(r.id);
  }
  return '?';
}

export function createDattoRmmSource(
  config: unknown,
  http: HttpClient,
  deps: DattoRmmDeps = {},
): DattoRmmSource {
  return new DattoRmmSource(parseDattoRmmConfig(config), http, deps);
}
