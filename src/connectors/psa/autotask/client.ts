/**
 * Autotask REST v1.0 transport: zone discovery, the three authentication headers, the query API with
 * paging (MaxRecords 500, pageDetails.nextPageUrl), creates/updates, and Autotask's `{ "errors": [...] }`
 * bodies turned into sentences that never contain a credential.
 */
import type { z } from 'zod';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import { policy } from './config';
import type { AutotaskConfig } from './config';
import {
  createdSchema,
  entityFieldsSchema,
  errorBodySchema,
  pageSchema,
  zoneSchema,
  type AtEntityFields,
} from './schemas';

export const MAX_RECORDS = 500;
/** Autotask allows 500 OR conditions per query (an `in` list counts); keep room for the other conditions. */
export const IN_CHUNK = 400;

export type Filter =
  | {
      op: 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains';
      field: string;
      value: string | number | boolean;
    }
  | { op: 'in' | 'notIn'; field: string; value: Array<string | number> }
  | { op: 'exist' | 'notExist'; field: string }
  | { op: 'and' | 'or'; items: Filter[] };

/** A record Autotask sent that BillGrid could not read: reported with its id, never silently dropped. */
export interface AutotaskProblem {
  entity: string;
  recordId: string;
  message: string;
  /** The record's name, when it has one as text (a charge's name carries its line key). */
  name?: string;
}

/** A URL's scheme and host (with any port or user part), lower-cased; '' when it has none. */
const originOf = (url: string): string =>
  /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0].toLowerCase() ?? '';

export const chunk = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

function json(res: HttpResponse): unknown {
  try {
    return res.body ? (JSON.parse(res.body) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A create or update of one entity. */
export interface Mutation {
  method: 'post' | 'patch';
  path: string;
  body: unknown;
  what: string;
}

export type MutationResult =
  { ok: true; id: number } | { ok: false; status: number; message: string; retryable: boolean };

export class AutotaskClient {
  readonly problems: AutotaskProblem[] = [];
  private zoneBase: string | null = null;

  constructor(
    readonly config: AutotaskConfig,
    private readonly http: HttpClient,
    private readonly mutations: HttpClient,
  ) {
    if (config.zoneUrl) this.zoneBase = restBase(config.zoneUrl);
  }

  /** The zone's `.../ATServicesRest/V1.0/` root, discovered once per connector instance. */
  base(): string {
    if (this.zoneBase) return this.zoneBase;
    const url = `${this.config.globalHost.replace(/\/+$/, '')}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(this.config.username)}`;
    const res = this.http.request({ method: 'get', url, headers: { Accept: 'application/json' } });
    if (res.status !== 200) {
      throw new PsaError(
        `Autotask could not find the zone for this API user (${this.describe(res)})`,
        res.status,
      );
    }
    const zone = zoneSchema.safeParse(json(res));
    if (!zone.success) throw new PsaError('Autotask zone discovery answered without a zone URL', res.status);
    this.zoneBase = restBase(zone.data.url);
    return this.zoneBase;
  }

  private headers(url: string): Record<string, string> {
    // Credentials only go to the zone we discovered (its scheme and host, as go-autotask's isSameOrigin
    // compares them: a page link's path may differ in case or version, F10), never to another host.
    const origin = originOf(url);
    if (!origin || origin !== originOf(this.base())) {
      throw new PsaError('Autotask sent a page link outside its own zone; BillGrid did not follow it');
    }
    return {
      ApiIntegrationCode: this.config.integrationCode,
      UserName: this.config.username,
      Secret: this.config.secret,
      Accept: 'application/json',
    };
  }

  request(method: HttpRequest['method'], path: string, body?: unknown): HttpRequest {
    const url = /^https?:/i.test(path) ? path : this.base() + path;
    const req: HttpRequest = { method, url, headers: this.headers(url) };
    // A query is a read even when POSTed: safe to send again after a 5xx or a dropped connection.
    if (/\/query(\/|\?|$)/i.test(url)) req.idempotent = true;
    if (body !== undefined) {
      req.body = JSON.stringify(body);
      req.contentType = 'application/json';
    }
    return req;
  }

  /** An entity's field metadata (lengths, required flags, picklists); cached for the execution. */
  entityFields(entity: string): AtEntityFields {
    const known = this.fieldsCache.get(entity);
    if (known) return known;
    const [res] = this.http.requestAll([this.request('get', `${entity}/entityInformation/fields`)]);
    if (res.status !== 200) throw new PsaError(this.readError(res, entity), res.status);
    const parsed = entityFieldsSchema.safeParse(json(res));
    if (!parsed.success)
      throw new PsaError(`Autotask answered the ${entity} field list with something BillGrid cannot read`);
    this.fieldsCache.set(entity, parsed.data);
    return parsed.data;
  }
  private readonly fieldsCache = new Map<string, AtEntityFields>();

  /** Several read-only requests in parallel (within the read policy's concurrency). */
  readAll(reqs: HttpRequest[]): HttpResponse[] {
    return this.http.requestAll(reqs);
  }

  /**
   * Runs several queries on one entity (e.g. one per chunk of ids) and follows every page, sending the
   * pages of different queries in parallel (RetryingHttpClient caps the concurrency). Returns parsed records
   * in id order without duplicates; malformed records become problems.
   */
  queryAll<S extends z.ZodType<{ id: number }>>(
    entity: string,
    filters: Filter[][],
    schema: S,
    includeFields?: string[],
  ): Array<z.infer<S>> {
    const byId = new Map<number, z.infer<S>>();
    const bodies = filters.map((filter) => ({
      MaxRecords: MAX_RECORDS,
      ...(includeFields ? { IncludeFields: includeFields } : {}),
      filter,
    }));
    let pending = bodies.map((body) => ({ body, req: this.request('post', `${entity}/query`, body) }));
    while (pending.length) {
      const responses = this.http.requestAll(pending.map((p) => p.req));
      const sent = pending;
      pending = [];
      for (const [k, res] of responses.entries()) {
        if (res.status !== 200) throw new PsaError(this.readError(res, entity), res.status);
        const page = pageSchema.safeParse(json(res));
        if (!page.success)
          throw new PsaError(`Autotask answered a ${entity} query with something that is not a result page`);
        for (const raw of page.data.items) {
          const rec = schema.safeParse(raw);
          if (rec.success) byId.set(rec.data.id, rec.data);
          else this.problem(entity, raw, rec.error);
        }
        // The link of a POST query carries no filter and answers GET with 405: the next page is the same
        // body POSTed to it (SOURCES.md, F1).
        const next = page.data.pageDetails?.nextPageUrl;
        const { body } = sent[k];
        if (next) pending.push({ body, req: this.request('post', next, body) });
      }
    }
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  private problem(entity: string, raw: unknown, error: z.ZodError): void {
    const rid =
      typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : '?';
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')} ` : '';
    const name = (raw as { name?: unknown } | null)?.name;
    this.problems.push({
      entity,
      recordId: rid,
      message: `${entity} ${rid}: ${where}${issue?.message ?? 'is not valid'}`,
      ...(typeof name === 'string' ? { name } : {}),
    });
  }

  /** One create or update, sent once (see mutationPolicy); Autotask answers `{ itemId }`. */
  mutate(method: 'post' | 'patch', path: string, body: unknown, what: string): MutationResult {
    return this.mutateAll([{ method, path, body, what }])[0];
  }

  /**
   * Creates and updates of distinct entities, sent once each, `policy.maxConcurrency` at a time (Autotask's
   * thread limit): one fetchAll round trip per group instead of one per entity. A dropped connection fails
   * only its own group, each member "may or may not have been saved": the next push re-reads and converges.
   */
  mutateAll(changes: readonly Mutation[]): MutationResult[] {
    const out: MutationResult[] = [];
    for (const group of chunk(changes, policy.maxConcurrency)) {
      let responses: HttpResponse[];
      try {
        responses = this.mutations.requestAll(group.map((c) => this.request(c.method, c.path, c.body)));
      } catch (err) {
        // The platform's message wraps the transport's own words in parentheses: keep just those.
        const text = err instanceof Error ? err.message : '';
        const why = this.scrub(/\(([^()]+)\)/.exec(text)?.[1] ?? (text || 'network error'));
        for (const c of group) {
          out.push({
            ok: false,
            status: 0,
            retryable: true,
            message: `Autotask did not answer while ${c.what} (${why}); it may or may not have been saved - push again: BillGrid re-reads before sending`,
          });
        }
        continue;
      }
      responses.forEach((res, k) => out.push(this.mutationResult(res, group[k].what)));
    }
    return out;
  }

  private mutationResult(res: HttpResponse, what: string): MutationResult {
    if (res.status >= 200 && res.status < 300) {
      const created = createdSchema.safeParse(json(res));
      if (created.success) return { ok: true, id: created.data.itemId };
      return {
        ok: false,
        status: res.status,
        retryable: true,
        message: `Autotask accepted ${what} but did not say which record it saved`,
      };
    }
    return {
      ok: false,
      status: res.status,
      retryable: res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504,
      message: `Autotask refused ${what}: ${this.describe(res)}`,
    };
  }

  /** A read failure as one sentence for the sidebar. */
  readError(res: HttpResponse, entity: string): string {
    if (res.status === 401) return 'Autotask rejected the API user name, secret or integration code (401)';
    if (res.status === 500 && errorBodySchema.safeParse(json(res)).success)
      return `Autotask could not read ${entity} (${this.describe(res)}); if every Autotask request fails like this, check the integration code and the API user name: Autotask answers 500, not 401, when either is wrong`;
    if (res.status === 403)
      return `The Autotask API user may not read ${entity} (403): ${this.messages(res)}`;
    if (res.status === 429) return `Autotask's request limit was reached (429): ${this.messages(res)}`;
    return `Autotask could not read ${entity} (${this.describe(res)})`;
  }

  describe(res: HttpResponse): string {
    if (res.status === 401) return 'the API user name, secret or integration code was rejected (401)';
    return `${res.status}: ${this.messages(res)}`;
  }

  /** Autotask's own words from `{ "errors": [...] }`, without anything secret. */
  messages(res: HttpResponse): string {
    const parsed = errorBodySchema.safeParse(json(res));
    const text =
      parsed.success && parsed.data.errors.length ? parsed.data.errors.join('; ') : 'no explanation given';
    return this.scrub(text);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of [this.config.secret, this.config.integrationCode]) if (s) out = out.split(s).join('•••');
    return out.slice(0, 400);
  }
}

/** `https://host/ATServicesRest/` (or with V1.0 already) → `https://host/ATServicesRest/V1.0/`. */
export function restBase(zoneUrl: string): string {
  const u = zoneUrl.replace(/\/+$/, '');
  return /\/v1\.0$/i.test(u) ? `${u}/` : `${u}/V1.0/`;
}
