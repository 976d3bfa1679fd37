import type { z } from 'zod';
import { HttpTransportError } from '../../../core/http';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import type { HaloConfig } from './config';
import { listEnvelope, tokenResponse } from './schemas';

export type Query = Record<string, string | number | boolean | undefined>;

/** A record Halo sent that BillGrid could not read; reported, never silently dropped. */
export interface HaloProblem {
  what: string;
  recordId: string;
  reason: string;
}

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
  ) {}

  get host(): string {
    return this.config.baseUrl.replace(/^[a-z]+:\/\//i, '').split('/')[0];
  }

  private tokenUrl(): string {
    const auth = this.config.authUrl ?? `${this.config.baseUrl}/auth`;
    return `${auth}/token${queryString({ tenant: this.config.tenant || undefined })}`;
  }

  private fetchToken(): string {
    const form = [
      ['grant_type', 'client_credentials'],
      ['client_id', this.config.clientId],
      ['client_secret', this.config.clientSecret],
      ['scope', 'all'],
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
    if (res.status === 400 || res.status === 401) {
      throw new PsaError(`HaloPSA rejected the client ID / client secret (${res.status})`, res.status);
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
    return this.token.value;
  }

  private bearer(): string {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    return this.fetchToken();
  }

  private toRequest(call: ApiCall, token: string): HttpRequest {
    const req: HttpRequest = {
      method: call.method,
      url: `${this.config.baseUrl}/api${call.path}${queryString(call.query)}`,
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
      out = this.http.requestAll(calls.map((c) => this.toRequest(c, token)));
    } catch (err) {
      // UrlFetchApp reports a request that outlived its deadline as "Timeout: <url>".
      if (changes && err instanceof HttpTransportError && /\btimeout\b/i.test(err.message)) {
        this.inFlight = err.message;
      }
      throw err;
    }
    const again = out.map((r, i) => (r.status === 401 ? i : -1)).filter((i) => i >= 0);
    if (again.length) {
      this.token = null;
      token = this.bearer();
      const retried = this.http.requestAll(again.map((i) => this.toRequest(calls[i], token)));
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
          `HaloPSA is limiting requests (429) while ${what}; try again in a few minutes`,
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

  /** Several lists at once (e.g. one per client), each paged to the end. */
  listMany<T>(
    lists: { path: string; query: Query }[],
    key: string,
    schema: z.ZodType<T>,
    what: string,
  ): T[][] {
    const size = this.config.pageSize;
    const env = listEnvelope(key);
    const page = (l: { path: string; query: Query }, n: number): ApiCall => ({
      method: 'get',
      path: l.path,
      query: { ...l.query, pageinate: true, page_size: size, page_no: n },
    });
    const first = this.sendAll(lists.map((l) => page(l, 1))).map((r) => this.json(r, env, what));
    const more: { list: number; n: number }[] = [];
    first.forEach((f, i) => {
      const got = f.records.length;
      if (got === 0 || f.count <= got) return;
      const pages = Math.ceil(f.count / got);
      for (let n = 2; n <= pages; n++) more.push({ list: i, n });
    });
    const rest = this.sendAll(more.map((m) => page(lists[m.list], m.n))).map((r) => this.json(r, env, what));
    const all = first.map((f) => [...f.records]);
    more.forEach((m, k) => all[m.list].push(...rest[k].records));
    return all.map((records) => this.parseRecords(records, schema, what));
  }
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
