/**
 * ConnectWise PSA REST 3.0 transport: the site's /<codebase>/apis/3.0 root, HTTP Basic
 * `company+publicKey:privateKey` with the clientId header and the versioned media type, lists with
 * `conditions` followed page by page (forward-only pageId Links where the site honours them, page numbers
 * otherwise), creates and JSON Patch updates sent once, and ConnectWise's `{ code, message, errors[] }`
 * turned into sentences that never contain a credential.
 */
import type { z } from 'zod';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import { base64Utf8 } from '../../sources/common/base64';
import { policy, type ConnectWiseConfig } from './config';
import { createdSchema, errorBodySchema } from './schemas';

/** ConnectWise's page-size ceiling (SOURCES.md: "hard limit of 1,000 records"). */
export const PAGE_SIZE = 1000;
/** Ids per `in (…)` condition, keeping a list URL well under common URL-length limits. */
export const IN_CHUNK = 100;
/** A list that pages on past this is a loop, not data. */
const MAX_PAGES = 500;

/** A record ConnectWise sent that BillGrid could not read: reported with its id, never silently dropped. */
export interface ConnectWiseProblem {
  entity: string;
  recordId: string;
  message: string;
  /** The raw record, for callers that need a field of it (e.g. the product of an unreadable addition). */
  raw: unknown;
  /** Which query of a listAll call it came from. */
  query: number;
}

export interface Mutation {
  method: 'post' | 'patch';
  path: string;
  body: unknown;
  what: string;
}

export type MutationResult =
  { ok: true; id: number } | { ok: false; status: number; message: string; retryable: boolean };

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

const headerOf = (res: HttpResponse, name: string): string =>
  Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';

/** The `rel="next"` target of a Link header, or null. */
export function nextLink(link: string): string | null {
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /rel="?next"?/i.test(m[2])) return m[1];
  }
  return null;
}

/** A string value inside a condition: double quotes, embedded quotes and backslashes escaped. */
export const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export interface ListQuery {
  path: string;
  conditions?: string;
}

export class ConnectWiseClient {
  readonly problems: ConnectWiseProblem[] = [];
  readonly root: string;
  private readonly auth: string;

  constructor(
    readonly config: ConnectWiseConfig,
    private readonly http: HttpClient,
    private readonly mutations: HttpClient,
  ) {
    this.root = `${config.site}/${config.codebase}/apis/3.0/`;
    this.auth = `Basic ${base64Utf8(`${config.companyId}+${config.publicKey}:${config.privateKey}`)}`;
  }

  request(method: HttpRequest['method'], pathOrUrl: string, body?: unknown, list = false): HttpRequest {
    const url = /^https?:/i.test(pathOrUrl) ? pathOrUrl : this.root + pathOrUrl.replace(/^\//, '');
    // Credentials only go to the site's own REST root, never to a host named in a Link header.
    if (!url.toLowerCase().startsWith(this.root.toLowerCase()))
      throw new PsaError('ConnectWise sent a page link outside its own site; BillGrid did not follow it');
    const headers: Record<string, string> = {
      Authorization: this.auth,
      clientId: this.config.clientId,
      Accept: `application/vnd.connectwise.com+json; version=${this.config.apiVersion}`,
    };
    if (list) headers['pagination-type'] = 'forward-only';
    const req: HttpRequest = { method, url, headers };
    if (body !== undefined) {
      req.body = JSON.stringify(body);
      req.contentType = 'application/json';
    }
    return req;
  }

  listUrl(q: ListQuery, pageSize = PAGE_SIZE, page?: number): string {
    const params = [`pageSize=${pageSize}`];
    if (q.conditions) params.unshift(`conditions=${encodeURIComponent(q.conditions)}`);
    if (page !== undefined) params.push(`page=${page}`);
    return `${this.root}${q.path.replace(/^\//, '')}?${params.join('&')}`;
  }

  /** Several read-only requests in parallel (within the read policy's concurrency). */
  readAll(reqs: HttpRequest[]): HttpResponse[] {
    return this.http.requestAll(reqs);
  }

  /**
   * Runs several list queries and follows every page of each, pages of different queries in parallel.
   * The next page is the Link header's rel="next" when there is one (forward-only: pageId), else, after a
   * full page, the next page number; records are kept once by id, and a page that adds none ends the list
   * (a site that ignores `page` on a forward-only request would otherwise loop). Malformed records become
   * problems; one result list per query, in id order.
   */
  listAll<S extends z.ZodType<{ id: number }>>(
    entity: string,
    queries: readonly ListQuery[],
    schema: S,
  ): Array<Array<z.infer<S>>> {
    const results = queries.map(() => new Map<number, z.infer<S>>());
    const seen = queries.map(() => new Set<string>());
    let pending = queries.map((q, k) => ({
      k,
      page: 1,
      req: this.request('get', this.listUrl(q), undefined, true),
    }));
    let rounds = 0;
    while (pending.length) {
      if (++rounds > MAX_PAGES)
        throw new PsaError(`ConnectWise kept paging ${entity} past ${MAX_PAGES} pages`);
      const responses = this.http.requestAll(pending.map((p) => p.req));
      const sent = pending;
      pending = [];
      responses.forEach((res, i) => {
        const { k, page } = sent[i];
        if (res.status !== 200) throw new PsaError(this.readError(res, entity), res.status);
        const body = json(res);
        if (!Array.isArray(body))
          throw new PsaError(`ConnectWise answered a ${entity} list with something that is not a list`);
        let added = 0;
        for (const raw of body) {
          const rid = this.recordId(raw);
          if (seen[k].has(rid)) continue;
          seen[k].add(rid);
          added += 1;
          const rec = schema.safeParse(raw);
          if (rec.success) results[k].set(rec.data.id, rec.data);
          else this.problem(entity, raw, rec.error, k);
        }
        const link = nextLink(headerOf(res, 'link'));
        if (link && added > 0)
          pending.push({ k, page: page + 1, req: this.request('get', link, undefined, true) });
        else if (!link && body.length >= PAGE_SIZE && added > 0)
          pending.push({
            k,
            page: page + 1,
            req: this.request('get', this.listUrl(queries[k], PAGE_SIZE, page + 1), undefined, true),
          });
      });
    }
    return results.map((m) => [...m.values()].sort((a, b) => a.id - b.id));
  }

  /** One list query, all pages. */
  list<S extends z.ZodType<{ id: number }>>(entity: string, q: ListQuery, schema: S): Array<z.infer<S>> {
    return this.listAll(entity, [q], schema)[0];
  }

  private recordId(raw: unknown): string {
    return typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : '?';
  }

  private problem(entity: string, raw: unknown, error: z.ZodError, query: number): void {
    const rid = this.recordId(raw);
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')} ` : '';
    this.problems.push({
      entity,
      recordId: rid,
      message: `${entity} ${rid}: ${where}${issue?.message ?? 'is not valid'}`,
      raw,
      query,
    });
  }

  /** Creates and updates of distinct records, sent once each, within the read policy's concurrency. */
  mutateAll(changes: readonly Mutation[]): MutationResult[] {
    const out: MutationResult[] = [];
    for (const group of chunk(changes, policy.maxConcurrency)) {
      let responses: HttpResponse[];
      try {
        responses = this.mutations.requestAll(group.map((c) => this.request(c.method, c.path, c.body)));
      } catch (err) {
        const text = err instanceof Error ? err.message : '';
        const why = this.scrub(/\(([^()]+)\)/.exec(text)?.[1] ?? (text || 'network error'));
        for (const c of group)
          out.push({
            ok: false,
            status: 0,
            retryable: true,
            message: `ConnectWise did not answer while ${c.what} (${why}); it may or may not have been saved - push again: BillGrid re-reads before sending`,
          });
        continue;
      }
      responses.forEach((res, k) => out.push(this.mutationResult(res, group[k].what)));
    }
    return out;
  }

  mutate(method: 'post' | 'patch', path: string, body: unknown, what: string): MutationResult {
    return this.mutateAll([{ method, path, body, what }])[0];
  }

  private mutationResult(res: HttpResponse, what: string): MutationResult {
    if (res.status >= 200 && res.status < 300) {
      const created = createdSchema.safeParse(json(res));
      if (created.success) return { ok: true, id: created.data.id };
      return {
        ok: false,
        status: res.status,
        retryable: true,
        message: `ConnectWise accepted ${what} but did not say which record it saved`,
      };
    }
    return {
      ok: false,
      status: res.status,
      retryable: res.status === 429 || res.status >= 500,
      message: `ConnectWise refused ${what}: ${this.describe(res)}`,
    };
  }

  /** A read failure as one sentence for the sidebar. */
  readError(res: HttpResponse, entity: string): string {
    if (res.status === 401)
      return 'ConnectWise rejected the company id, public key, private key or client id (401)';
    if (res.status === 403)
      return `The ConnectWise API member's security role may not read ${entity} (403): ${this.messages(res)}`;
    if (res.status === 429) return `ConnectWise's request limit was reached (429): ${this.messages(res)}`;
    return `ConnectWise could not read ${entity} (${this.describe(res)})`;
  }

  describe(res: HttpResponse): string {
    if (res.status === 401) return 'the company id, public key, private key or client id was rejected (401)';
    return `${res.status}: ${this.messages(res)}`;
  }

  /** ConnectWise's own words: the message, then each field error as `field: message`. */
  messages(res: HttpResponse): string {
    const parsed = errorBodySchema.safeParse(json(res));
    if (!parsed.success) return 'no explanation given';
    const parts = [
      parsed.data.message ?? parsed.data.code ?? '',
      ...(parsed.data.errors ?? []).map((e) => [e.field, e.message ?? e.code].filter(Boolean).join(': ')),
    ].filter((s) => s.trim());
    return this.scrub(parts.join('; ') || 'no explanation given');
  }

  scrub(text: string): string {
    let out = text;
    const c = this.config;
    for (const s of [c.privateKey, c.publicKey, c.clientId, this.auth.slice('Basic '.length)])
      if (s) out = out.split(s).join('•••');
    return out.slice(0, 400);
  }
}
