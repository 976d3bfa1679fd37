/**
 * IT Glue as a billing source: one quantity line per organisation per billing type per month, counting the
 * organisation's configurations that are not archived. A billing type is a named rule over configuration types
 * (ids or names) with the MSP's unit price and cost; a type without a price is reported and not billed.
 *
 * Requests (JSON:API, `x-api-key`): organisations and all non-archived configurations of the account, each the
 * first page and then every further page together (page[size] 1000, meta total-pages) — not one query per
 * organisation and type.
 */
import { z } from 'zod';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../core/http';
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
import { parseItGlueConfig, type ItGlueConfig } from './config';

export interface ItGlueBillingType {
  id: string;
  name: string;
  configurationTypeIds?: number[];
  configurationTypeNames?: string[];
  unitPrice?: number | null;
  unitCost?: number | null;
}

const pageSchema = z.lazy(() =>
  z.object({
    data: z.array(z.unknown()),
    meta: z.object({ 'total-pages': z.number().int().nullish() }).nullish(),
  }),
);
/** An id IT Glue sends as a number or a string (z.coerce is avoided: the bundle drops the coercion). */
const idText = z.lazy(() => z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)));

const organizationSchema = z.lazy(() =>
  z.object({
    id: idText,
    attributes: z.object({ name: z.string().min(1), 'organization-status-name': z.string().nullish() }),
  }),
);
const configurationSchema = z.lazy(() =>
  z.object({
    id: idText,
    attributes: z.object({
      'organization-id': idText,
      name: z.string().nullish(),
      'configuration-type-id': z.number().int().nullish(),
      'configuration-type-name': z.string().nullish(),
      archived: z.boolean().nullish(),
    }),
  }),
);
type Configuration = z.infer<typeof configurationSchema>;

export function countsFor(rule: ItGlueBillingType, c: Configuration): boolean {
  const a = c.attributes;
  if (a.archived === true) return false;
  if (rule.configurationTypeIds?.includes(a['configuration-type-id'] ?? -1)) return true;
  const name = (a['configuration-type-name'] ?? '').trim().toLowerCase();
  return Boolean(name && rule.configurationTypeNames?.some((n) => n.trim().toLowerCase() === name));
}

/** The organisation a configuration names, read leniently from a record that failed its schema. */
function orgOf(raw: unknown): string | null {
  const a = (raw as { attributes?: Record<string, unknown> } | null)?.attributes;
  const v = a?.['organization-id'];
  return typeof v === 'number' || (typeof v === 'string' && v) ? String(v) : null;
}

const recordId = (raw: unknown): string =>
  raw && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : '?';

export class ItGlueSource implements BillingSource {
  readonly id = 'it-glue';
  readonly displayName = 'IT Glue';

  constructor(
    readonly config: ItGlueConfig,
    private readonly http: HttpClient,
    readonly billingTypes: readonly ItGlueBillingType[] = [],
  ) {}

  private req(path: string, query: Record<string, string | number>): HttpRequest {
    const q = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    return {
      method: 'get',
      url: `${this.config.apiUrl}${path}${q ? `?${q}` : ''}`,
      headers: { 'x-api-key': this.config.apiKey, Accept: 'application/vnd.api+json' },
    };
  }

  private fail(res: HttpResponse, what: string): SourceError {
    if (res.status === 401 || res.status === 403)
      return new SourceError(`IT Glue rejected the API key (${res.status})`, res.status);
    const body = jsonBody(res) as { errors?: Array<{ title?: unknown; detail?: unknown }> } | undefined;
    const e = body?.errors?.[0];
    const text = [e?.title, e?.detail].filter((x): x is string => typeof x === 'string').join(': ');
    return new SourceError(
      `IT Glue could not list ${what} (${scrub(`${res.status}${text ? `: ${text}` : ''}`, [this.config.apiKey])})`,
      res.status,
    );
  }

  /** Every record of a list: first page, then all further pages together. */
  private all(path: string, query: Record<string, string | number>, what: string): unknown[] {
    const size = this.config.pageSize;
    const [first] = this.http.requestAll([
      this.req(path, { ...query, 'page[size]': size, 'page[number]': 1 }),
    ]);
    if (!isOk(first)) throw this.fail(first, what);
    const p = pageSchema.safeParse(jsonBody(first));
    if (!p.success)
      throw new SourceError(`IT Glue answered the ${what} list with something that is not a page`);
    const out = [...p.data.data];
    const pages = p.data.meta?.['total-pages'] ?? 1;
    const rest = this.http.requestAll(
      Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
        this.req(path, { ...query, 'page[size]': size, 'page[number]': i + 2 }),
      ),
    );
    for (const res of rest) {
      if (!isOk(res)) throw this.fail(res, what);
      const more = pageSchema.safeParse(jsonBody(res));
      if (!more.success)
        throw new SourceError(`IT Glue answered the ${what} list with something that is not a page`);
      out.push(...more.data.data);
    }
    return out;
  }

  private organizations(problems: SourceProblem[]) {
    const out: Array<z.infer<typeof organizationSchema>> = [];
    for (const raw of this.all('/organizations', {}, 'organisations')) {
      const o = organizationSchema.safeParse(raw);
      if (o.success) out.push(o.data);
      else
        problems.push({
          recordId: recordId(raw),
          message: `IT Glue organisation ${recordId(raw)}: ${zodReason(o.error)}`,
        });
    }
    return out;
  }

  listCustomers(): SourceCustomer[] {
    return this.organizations([]).map((o) => ({
      id: o.id,
      name: o.attributes.name,
      status: (o.attributes['organization-status-name'] ?? 'unknown').toLowerCase(),
    }));
  }

  /**
   * Tenant check (read-only): configurations come as JSON:API pages with meta total-pages and carry their
   * configuration type (id and name) and archived flag, which the billing types count by.
   */
  probeConfigurationFields(): { status: 'confirmed' | 'differs' | 'unchecked'; detail: string } {
    const [res] = this.http.requestAll([
      this.req('/configurations', { 'page[size]': 25, 'page[number]': 1 }),
    ]);
    if (!isOk(res)) return { status: 'unchecked', detail: this.fail(res, 'configurations').message };
    const page = pageSchema.safeParse(jsonBody(res));
    if (!page.success || typeof page.data.meta?.['total-pages'] !== 'number')
      return { status: 'differs', detail: 'The configuration list is not a page with meta total-pages' };
    if (!page.data.data.length) return { status: 'unchecked', detail: 'The account has no configuration' };
    const bad = page.data.data.filter((raw) => {
      const c = configurationSchema.safeParse(raw);
      return (
        !c.success ||
        !c.data.attributes['configuration-type-name'] ||
        typeof c.data.attributes.archived !== 'boolean'
      );
    }).length;
    return bad
      ? {
          status: 'differs',
          detail: `${bad} of ${page.data.data.length} configurations lack their type name or archived flag`,
        }
      : {
          status: 'confirmed',
          detail: `${page.data.data.length} configurations carry their type and archived flag`,
        };
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const problems: SourceProblem[] = [];
    const orgs = this.organizations(problems);
    const configs: Configuration[] = [];
    // Organisations with a configuration that cannot be read: their counts would be short, so not billed
    // ('*' when the record does not even say its organisation).
    const withheld = new Set<string>();
    for (const raw of this.all('/configurations', { 'filter[archived]': 'false' }, 'configurations')) {
      const c = configurationSchema.safeParse(raw);
      if (c.success) configs.push(c.data);
      else {
        const org = orgOf(raw);
        withheld.add(org ?? '*');
        problems.push({
          recordId: recordId(raw),
          ...(org ? { customerId: org } : {}),
          message: `IT Glue configuration ${recordId(raw)}: ${zodReason(c.error)}; ${org ? "its organisation's counts are not billed" : 'nothing is billed'} until it reads`,
        });
      }
    }
    const priced = this.billingTypes.filter(
      (r) => typeof r.unitPrice === 'number' && Number.isFinite(r.unitPrice),
    );
    for (const r of this.billingTypes)
      if (!priced.includes(r))
        problems.push({
          message: `IT Glue billing type '${r.name}' has no price yet, so its counts were not billed: set its unit price and cost in BillGrid's IT Glue billing types`,
        });
    const byOrg = new Map<string, Configuration[]>();
    for (const c of configs)
      byOrg.set(c.attributes['organization-id'], [...(byOrg.get(c.attributes['organization-id']) ?? []), c]);
    const lines: RawBillingLine[] = [];
    for (const o of orgs) {
      if (withheld.has(o.id) || withheld.has('*')) continue;
      const mine = byOrg.get(o.id) ?? [];
      for (const rule of priced) {
        const counted = mine.filter((c) => countsFor(rule, c));
        const count = counted.length;
        lines.push({
          source: this.id,
          customerId: o.id,
          customerName: o.attributes.name,
          // One contract service per organisation and billing type, each with its own sync switch (seed 002).
          subscriptionId: `${o.id}:${rule.id}`,
          sku: `IT-GLUE-${rule.id.toUpperCase()}`,
          productName: `IT Glue ${rule.name}`,
          description: `IT Glue ${rule.name} at ${o.attributes.name}, ${period.month}`,
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
          recordId: `${o.id}:${rule.id}`,
          // The configurations counted, by name (or id), so staff can check the count.
          evidence: countEvidence(
            { one: 'configuration', many: 'configurations' },
            counted.map((c) => c.attributes.name?.trim() || `configuration ${c.id}`),
          ),
        });
      }
    }
    return { lines, problems };
  }
}

export function createItGlueSource(
  config: unknown,
  http: HttpClient,
  billingTypes: readonly ItGlueBillingType[] = [],
): ItGlueSource {
  return new ItGlueSource(parseItGlueConfig(config), http, billingTypes);
}
