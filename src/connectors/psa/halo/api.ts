import type { z } from 'zod';
import { HttpTransportError } from '../../../core/http';
import type { HttpClient, HttpRequest, HttpResponse, TokenStore } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import { MAX_CONCURRENCY, type HaloConfig } from './config';
import { RateLimitPause, type HaloPacer } from './pacing';
import { authInfoResponse, listEnvelope, tokenResponse } from './schemas';

export type Query = Record<string, string | number | boolean | undefined>;

/** A record Halo sent that BillGrid could not read; reported, never silently dropped. */
export interface HaloProblem {
  what: string;
  recordId: string;
  reason: string;
}

/** A list endpoint with its filters (paging is added by the pager). */
export interface ListQuery {
  path: string;
  query: Query;
}

/** One page of a list answer, records not parsed yet. */
export interface ListPage {
  records: unknown[];
  count: number;
}

/**
 * Apps Script refuses a fetch whose address is longer than 2 KB ("URL Fetch URL length", Apps Script
 * quotas); lists filtered by many clients are split to stay under it.
 */
export const MAX_URL = 2000;
/** An encoded comma between two client ids ("%2C"). */
const SEPARATOR_LENGTH = 3;

export interface ApiCall {
  method: 'get' | 'post' | 'delete';
  path: string;
  query?: Query;
  body?: unknown;
}

const SAFETY_MS = 60_000;

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const parts = Object.entries(q)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Halo's error text: a JSON string, {Message}, {message}, {error, error_description} or plain text. */
export function haloErrorText(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const v: unknown = JSON.parse(trimmed);
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['Message', 'message', 'errorMessage', 'error_description', 'error', 'title']) {
        if (typeof o[k] === 'string' && o[k]) return o[k] as string;
      }
    }
  } catch {
    // not JSON: plain text below
  }
  return trimmed.slice(0, 200);
}

/**
 * The HTTP side of the Halo connector: OAuth client-credentials token (cached until shortly before it
 * expires, refreshed once on a 401), JSON calls with readable errors, and paging with the largest page.
 */
export class HaloApi {
  private token: { value: string; expiresAt: number } | null = null;
  readonly problems: HaloProblem[] = [];

  constructor(
    readonly config: HaloConfig,
    private readonly http: HttpClient,
    private readonly now: () => number,
    /** Paces requests to hosted Halo's window; none: sent as they come (tests of other behaviour). */
    readonly pacer: HaloPacer | null = null,
    /**
     * The token kept between executions (the document cache): a job's continuations and the sidebar's
     * calls then sign in (authinfo and token, two requests) once per token lifetime, not per execution.
     */
    private readonly tokens: TokenStore | null = null,
  ) {}

  /** Requests in rounds of the connector's concurrency, each round paced to the rate-limit window. */
  private paced(reqs: HttpRequest[]): HttpResponse[] {
    if (!this.pacer) return this.http.requestAll(reqs);
    const out: HttpResponse[] = [];
    for (let i = 0; i < reqs.length; i += MAX_CONCURRENCY) {
      const round = reqs.slice(i, i + MAX_CONCURRENCY);
      try {
        this.pacer.before(round.length);
      } catch (err) {
        if (err instanceof RateLimitPause) err.nothingSent = i === 0;
        throw err;
      }
      try {
        out.push(...this.http.requestAll(round));
      } finally {
        this.pacer.save();
      }
    }
    return out;
  }

  get host(): string {
    return this.config.baseUrl.replace(/^[a-z]+:\/\//i, '').split('/')[0];
  }

  /** The authorisation server and tenant, once found (authinfo read at most once per execution). */
  private signIn: { authUrl: string; tenant: string } | null = null;

  /**
   * Where to ask for a token, as Halo's own PowerShell module does: an authorisation address the admin
   * entered wins; else `GET /api/authinfo` names it (`auth_url`) and the tenant (`tenant_id`); else
   * `<address>/auth`. The tenant the admin entered wins over the one authinfo names; without either, a
   * `<tenant>.halopsa.com` address names it.
   */
  private signInTarget(): { authUrl: string; tenant: string } {
    if (this.signIn) return this.signIn;
    const entered = this.config.tenant ?? '';
    let authUrl = this.config.authUrl ?? '';
    let tenant = entered;
    if (!authUrl) {
      const res = this.http.request({
        method: 'get',
        url: `${this.config.baseUrl}/api/authinfo`,
        headers: { Accept: 'application/json' },
      });
      const info = res.status === 200 ? authInfoResponse.safeParse(safeJson(res.body)) : null;
      if (info?.success) {
        authUrl = info.data.auth_url.replace(/\/+$/, '');
        tenant = entered || info.data.tenant_id || '';
      }
    }
    if (!authUrl) authUrl = `${this.config.baseUrl}/auth`;
    if (!tenant) tenant = hostedTenantOf(this.config.baseUrl);
    this.signIn = { authUrl, tenant };
    return this.signIn;
  }

  private tokenUrl(): string {
    const { authUrl, tenant } = this.signInTarget();
    return `${authUrl}/token${queryString({ tenant: tenant || undefined })}`;
  }

  private fetchToken(): string {
    const form = [
      ['grant_type', 'client_credentials'],
      ['client_id', this.config.clientId],
      ['client_secret', this.config.clientSecret],
      ['scope', this.config.scope],
    ]
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const res = this.http.request({
      method: 'post',
      url: this.tokenUrl(),
      body: form,
      contentType: 'application/x-www-form-urlencoded',
      headers: { Accept: 'application/json' },
    });
    if (res.status === 401) {
      throw new PsaError(`HaloPSA rejected the client ID / client secret (${res.status})`, res.status);
    }
    if (res.status === 400) {
      const detail = haloErrorText(res.body);
      const { tenant } = this.signInTarget();
      throw new PsaError(
        `HaloPSA refused the sign-in (400${detail ? `: ${detail}` : ''}): check the tenant (${tenant ? `'${tenant}'` : 'none sent'}), the scope ('${this.config.scope}') and the client ID / client secret`,
        400,
      );
    }
    if (res.status === 404) {
      throw new PsaError(`No HaloPSA sign-in service at ${this.host} (404): check the HaloPSA address`, 404);
    }
    if (res.status !== 200) throw new PsaError(`HaloPSA sign-in failed (${res.status})`, res.status);
    const parsed = tokenResponse.safeParse(safeJson(res.body));
    if (!parsed.success) throw new PsaError('HaloPSA sign-in answered without a usable token');
    const lifetime = (parsed.data.expires_in ?? 3600) * 1000;
    this.token = {
      value: parsed.data.access_token,
      expiresAt: this.now() + Math.max(lifetime - SAFETY_MS, 0),
    };
    this.tokens?.put({ token: this.token.value, expiresAt: this.token.expiresAt });
    return this.token.value;
  }

  private bearer(): string {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    const kept = this.tokens?.get();
    if (kept && this.now() < kept.expiresAt) {
      this.token = { value: kept.token, expiresAt: kept.expiresAt };
      return kept.token;
    }
    return this.fetchToken();
  }

  /** A token Halo refused (401): forgotten here and in the store, so the next request signs in again. */
  private dropToken(): void {
    this.token = null;
    this.tokens?.clear();
  }

  /** The address of a call. */
  url(call: ApiCall): string {
    return `${this.config.baseUrl}/api${call.path}${queryString(call.query)}`;
  }

  private toRequest(call: ApiCall, token: string): HttpRequest {
    const req: HttpRequest = {
      method: call.method,
      url: this.url(call),
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    };
    if (call.body !== undefined) {
      req.body = JSON.stringify(call.body);
      req.contentType = 'application/json';
    }
    return req;
  }

  /**
   * Set when a change timed out in this execution: HaloPSA may still be saving it, so no further change
   * is sent (a later step would otherwise create the same item, item group or invoice again before the
   * first one lands); the next push re-reads HaloPSA and finishes. A change whose connection dropped is
   * settled either way, and a re-read shows which: the run goes on.
   */
  private inFlight: string | null = null;

  /** True once a change timed out in this execution: no further change will be sent. */
  get changesBlocked(): boolean {
    return this.inFlight !== null;
  }

  /** Send calls in parallel; any 401 gets one fresh token and one more try. */
  sendAll(calls: ApiCall[]): HttpResponse[] {
    if (calls.length === 0) return [];
    const changes = calls.some((c) => c.method !== 'get');
    if (changes && this.inFlight) {
      throw new HttpTransportError(
        `Not sent: an earlier change in this run timed out and HaloPSA may still be saving it, so BillGrid sends no more changes this run (${this.inFlight}). Push again in a minute: it re-reads HaloPSA first`,
      );
    }
    let token = this.bearer();
    let out: HttpResponse[];
    try {
      out = this.paced(calls.map((c) => this.toRequest(c, token)));
    } catch (err) {
      // UrlFetchApp reports a request that outlived its deadline as "Timeout: <url>".
      if (changes && err instanceof HttpTransportError && /\btimeout\b/i.test(err.message)) {
        this.inFlight = err.message;
      }
      throw err;
    }
    const again = out.map((r, i) => (r.status === 401 ? i : -1)).filter((i) => i >= 0);
    if (again.length) {
      this.dropToken();
      token = this.bearer();
      let retried: HttpResponse[];
      try {
        retried = this.paced(again.map((i) => this.toRequest(calls[i], token)));
      } catch (err) {
        // The first attempt went out (some of it may have been saved): not a call that sent nothing.
        if (err instanceof RateLimitPause) err.nothingSent = false;
        throw err;
      }
      again.forEach((i, k) => (out[i] = retried[k]));
    }
    return out;
  }

  send(call: ApiCall): HttpResponse {
    return this.sendAll([call])[0];
  }

  /** Turn a non-2xx answer into a sentence that names what we were doing. */
  fail(res: HttpResponse, what: string): never {
    const detail = haloErrorText(res.body);
    const tail = detail ? `: ${detail}` : '';
    switch (res.status) {
      case 401:
        throw new PsaError(`HaloPSA refused the API token while ${what} (401)`, 401);
      case 403:
        throw new PsaError(
          `HaloPSA did not allow ${what} (403): give the API application permission for it${tail}`,
          403,
        );
      case 404:
        throw new PsaError(`HaloPSA could not find what BillGrid needed while ${what} (404)${tail}`, 404);
      case 429:
        throw new PsaError(
          `HaloPSA's request limit was reached (429; hosted HaloPSA allows 300 requests per 5 minutes) while ${what}; the next run goes on once the 5 minutes have passed`,
          429,
        );
      default:
        if (res.status >= 500)
          throw new PsaError(`HaloPSA had a server error (${res.status}) while ${what}`, res.status);
        throw new PsaError(`HaloPSA answered ${res.status} while ${what}${tail}`, res.status);
    }
  }

  json<T>(res: HttpResponse, schema: z.ZodType<T>, what: string): T {
    if (res.status < 200 || res.status >= 300) this.fail(res, what);
    const r = schema.safeParse(safeJson(res.body));
    if (!r.success) {
      throw new PsaError(
        `HaloPSA answered in an unexpected form while ${what}: ${r.error.issues[0]?.message ?? ''}`,
      );
    }
    return r.data;
  }

  call<T>(call: ApiCall, schema: z.ZodType<T>, what: string): T {
    return this.json(this.send(call), schema, what);
  }

  /** Parse records one by one; bad ones become problems with their id and reason. */
  parseRecords<T>(records: unknown[], schema: z.ZodType<T>, what: string): T[] {
    const out: T[] = [];
    for (const rec of records) {
      const r = schema.safeParse(rec);
      if (r.success) out.push(r.data);
      else {
        const rid = rec && typeof rec === 'object' && 'id' in rec ? String((rec as { id: unknown }).id) : '?';
        const issue = r.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        this.problems.push({ what, recordId: rid, reason: `${where}${issue?.message ?? 'not readable'}` });
      }
    }
    return out;
  }

  /**
   * Every record of a list endpoint: page 1 first, then the remaining pages in parallel, sized by the
   * page Halo actually returned (it may cap page_size below what we ask for).
   */
  list<T>(path: string, query: Query, key: string, schema: z.ZodType<T>, what: string): T[] {
    return this.listMany([{ path, query }], key, schema, what)[0];
  }

  /**
   * A list the spec declares without paging (`/Tax`, `/AssetGroup`): one request, no paging parameters;
   * the answer may be a bare array or an object holding the list.
   */
  listUnpaged<T>(path: string, key: string, schema: z.ZodType<T>, what: string): T[] {
    const page = this.call({ method: 'get', path }, listEnvelope(key), what);
    return this.parseRecords(page.records, schema, what);
  }

  /** Several lists at once (e.g. one per chunk of clients), each paged to the end. */
  listMany<T>(lists: ListQuery[], key: string, schema: z.ZodType<T>, what: string): T[][] {
    const all = this.restOf(lists, this.firstPages(lists, key, what), key, what);
    return all.map((records) => this.parseRecords(records, schema, what));
  }

  /** Page 1 of each list, in parallel (records still unparsed). */
  firstPages(lists: ListQuery[], key: string, what: string): ListPage[] {
    const env = listEnvelope(key);
    return this.sendAll(lists.map((l) => this.pageCall(l, 1))).map((r) => this.json(r, env, what));
  }

  /** Every record of each list: its page 1 (read already) and the remaining pages, all in parallel. */
  restOf(lists: ListQuery[], firsts: ListPage[], key: string, what: string): unknown[][] {
    const env = listEnvelope(key);
    const more: { list: number; n: number }[] = [];
    firsts.forEach((f, i) => {
      for (let n = 2; n <= pagesLeft(f) + 1; n++) more.push({ list: i, n });
    });
    const rest = this.sendAll(more.map((m) => this.pageCall(lists[m.list], m.n))).map((r) =>
      this.json(r, env, what),
    );
    const all = firsts.map((f) => [...f.records]);
    more.forEach((m, k) => all[m.list].push(...rest[k].records));
    return all;
  }

  /**
   * Several lists read a page of each at a time (page 1 of every list, then page 2 of those that have one,
   * …), each round's records (unparsed) handed to `enough`, which says whether to stop: a list ordered
   * newest first is then read only as far back as what is looked for. True when every page was read.
   */
  pagesUntil(
    lists: ListQuery[],
    key: string,
    what: string,
    enough: (records: unknown[]) => boolean,
  ): boolean {
    const env = listEnvelope(key);
    const firsts = this.firstPages(lists, key, what);
    const left = firsts.map((f) => pagesLeft(f));
    let records = firsts.flatMap((f) => f.records);
    for (let n = 2; ; n++) {
      // Pages 1 … n-1 read: every page is read when no list has page n.
      if (enough(records)) return left.every((l) => l + 1 < n);
      const more = lists.flatMap((_, i) => (n <= left[i] + 1 ? [i] : []));
      if (!more.length) return true;
      records = this.sendAll(more.map((i) => this.pageCall(lists[i], n))).flatMap(
        (r) => this.json(r, env, what).records,
      );
    }
  }

  /**
   * One list filtered by many clients (`client_ids`, comma-separated), split into as few requests as
   * Apps Script's 2 KB address limit allows, each paged to the end.
   */
  listByClients<T>(
    path: string,
    query: Query,
    clientIds: string[],
    key: string,
    schema: z.ZodType<T>,
    what: string,
  ): T[] {
    const lists = this.clientLists(path, query, clientIds);
    return lists.length ? this.listMany(lists, key, schema, what).flat() : [];
  }

  /** The `client_ids` lists for these clients, each address (with paging) under MAX_URL characters. */
  clientLists(path: string, query: Query, clientIds: string[]): ListQuery[] {
    const ids = [...new Set(clientIds)];
    // The address without any id, at the longest paging it could need.
    const base = this.url(this.pageCall({ path, query: { ...query, client_ids: '' } }, 99_999)).length;
    const chunks: string[][] = [];
    let current: string[] = [];
    let len = base;
    for (const id of ids) {
      const size = encodeURIComponent(id).length;
      if (current.length && len + SEPARATOR_LENGTH + size > MAX_URL) {
        chunks.push(current);
        current = [];
        len = base;
      }
      len += (current.length ? SEPARATOR_LENGTH : 0) + size;
      current.push(id);
    }
    if (current.length) chunks.push(current);
    return chunks.map((c) => ({ path, query: { ...query, client_ids: c.join(',') } }));
  }

  private pageCall(l: ListQuery, n: number): ApiCall {
    return {
      method: 'get',
      path: l.path,
      query: { ...l.query, pageinate: true, page_size: this.config.pageSize, page_no: n },
    };
  }
}

/** Pages after page 1, sized by the records page 1 actually held (Halo may serve fewer than asked). */
export function pagesLeft(first: ListPage): number {
  const got = first.records.length;
  if (got === 0 || first.count <= got) return 0;
  return Math.ceil(first.count / got) - 1;
}

/** A Halo-hosted address (https://<tenant>.halopsa.com) names its tenant; '' for any other address. */
export function hostedTenantOf(baseUrl: string): string {
  const m = /^https:\/\/([a-z0-9-]+)\.halopsa\.com(\/|$)/i.exec(baseUrl);
  return m ? m[1].toLowerCase() : '';
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
