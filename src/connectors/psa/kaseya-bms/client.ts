/**
 * Kaseya BMS REST v2 transport: sign-in (multipart form, as the swagger declares) with the token kept in
 * a token store and renewed through the refresh token, one fresh sign-in on a 401, the { Success, Error,
 * Result } envelope (refusals come as Success false, also with HTTP 200), paging by PageSize/PageNumber
 * with TotalRecords, and BMS's words turned into sentences that never carry a credential or token.
 */
import type { z } from 'zod';
import { HttpTransportError } from '../../../core/http';
import type { CachedToken, HttpClient, HttpRequest, HttpResponse, TokenStore } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import { HOURLY_LIMIT_PER_ENDPOINT, policy, type KaseyaBmsConfig } from './config';
import { envelopeSchema, pascal, tokenSchema } from './schemas';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiCall {
  method: 'get' | 'post' | 'put';
  path: string;
  query?: Query;
  body?: unknown;
}

/** What one call came back with, in BillGrid's terms. */
export type BmsAnswer =
  | { kind: 'ok'; result: unknown; total: number | null }
  /** BMS answered and refused (Success false, or an HTTP error with an envelope). */
  | { kind: 'refused'; status: number; code: number | null; message: string }
  /** A bare 404/405: the route does not exist on this BMS (an unverified endpoint). */
  | { kind: 'no-route'; status: number }
  /** A write whose answer never came: it may or may not have been applied. */
  | { kind: 'lost'; message: string }
  | { kind: 'unreadable'; status: number; message: string };

/** A record BMS sent that BillGrid could not read: reported with its id, never silently dropped. */
export interface BmsProblem {
  what: string;
  recordId: string;
  message: string;
}

/** Calls sent per endpoint in one clock hour, shared by the executions of a run (script properties). */
export interface CallLedger {
  get(): { hour: number; counts: Record<string, number> } | null;
  put(value: { hour: number; counts: Record<string, number> }): void;
}

/** Endpoint identity for BMS's per-endpoint limit: method and path, ids folded (`/contracts/8001` → `/contracts/{id}`). */
export const endpointOf = (call: Pick<ApiCall, 'method' | 'path'>): string =>
  `${call.method.toUpperCase()} ${call.path.toLowerCase().replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

export interface ClientDeps {
  /** Paces calls under the hourly limit across executions; without it, BMS's own refusal is reported. */
  callLedger?: CallLedger;
  /** Access token between executions (script cache in production). */
  tokenStore?: TokenStore;
  /** Refresh token (with the access token it belongs to) between executions. */
  refreshStore?: TokenStore;
  now?: () => number;
}

const SAFETY_MS = 60_000;

function memoryStore(): TokenStore {
  let t: CachedToken | null = null;
  return {
    get: () => t,
    put: (x) => (t = x),
    clear: () => (t = null),
  };
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const parts = Object.entries(q)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function parseJson(body: string): unknown {
  try {
    return body ? (JSON.parse(body) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A multipart/form-data body of text fields (what /v2/security/* declares). */
export function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = 'BillGridFormBoundary7d1c5e';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export class BmsClient {
  readonly problems: BmsProblem[] = [];
  private readonly tokens: TokenStore;
  private readonly refreshes: TokenStore;
  private readonly now: () => number;
  /** Tokens seen in this execution, scrubbed from every message. */
  private readonly secrets = new Set<string>();

  constructor(
    readonly config: KaseyaBmsConfig,
    private readonly http: HttpClient,
    private readonly mutations: HttpClient,
    private readonly deps: ClientDeps = {},
  ) {
    this.tokens = deps.tokenStore ?? memoryStore();
    this.refreshes = deps.refreshStore ?? memoryStore();
    this.now = deps.now ?? (() => Date.now());
    this.secrets.add(config.password);
  }

  // ---------------------------------------------------------------- sign-in

  /** A valid access token: cached, else renewed with the refresh token, else a new sign-in. */
  token(): string {
    const cached = this.tokens.get();
    if (cached && cached.expiresAt - SAFETY_MS > this.now()) {
      this.secrets.add(cached.token);
      return cached.token;
    }
    return this.refresh() ?? this.signIn();
  }

  private signIn(): string {
    const form = multipart({
      UserName: this.config.userName,
      Password: this.config.password,
      Tenant: this.config.tenant,
      GrantType: 'password',
    });
    const res = this.http.request({
      method: 'post',
      url: `${this.config.apiHost}/v2/security/authenticate`,
      body: form.body,
      contentType: form.contentType,
      headers: { Accept: 'application/json' },
      // A sign-in changes nothing: safe to send again after a network error.
      idempotent: true,
    });
    const answer = this.interpret(res);
    if (answer.kind !== 'ok') {
      if (res.status === 401 || (answer.kind === 'refused' && answer.code === 401))
        throw new PsaError('Kaseya BMS rejected the user name, password or company (tenant) name (401)', 401);
      if (answer.kind === 'no-route')
        throw new PsaError(
          `No Kaseya BMS sign-in service at ${this.host} (${res.status}): check the API address`,
          res.status,
        );
      throw new PsaError(`Kaseya BMS sign-in failed (${this.describe(answer)})`, res.status);
    }
    return this.keep(answer.result);
  }

  private refresh(): string | null {
    const saved = this.refreshes.get();
    if (!saved || saved.expiresAt - SAFETY_MS <= this.now()) return null;
    let pair: { a: string; r: string };
    try {
      pair = JSON.parse(saved.token) as { a: string; r: string };
    } catch {
      return null;
    }
    this.secrets.add(pair.a);
    this.secrets.add(pair.r);
    const form = multipart({ AccessToken: pair.a, RefreshToken: pair.r });
    const res = this.http.request({
      method: 'post',
      url: `${this.config.apiHost}/v2/security/refreshtoken`,
      body: form.body,
      contentType: form.contentType,
      headers: { Accept: 'application/json' },
    });
    const answer = this.interpret(res);
    // A refused refresh (expired, used) is not an error: sign in again.
    if (answer.kind !== 'ok') {
      this.refreshes.clear();
      return null;
    }
    return this.keep(answer.result);
  }

  private keep(result: unknown): string {
    const t = tokenSchema.safeParse(result);
    if (!t.success) throw new PsaError('Kaseya BMS sign-in answered without a usable token');
    const expires = Date.parse(t.data.AccessTokenExpireOn);
    const at = Number.isNaN(expires) ? this.now() + 10 * 60_000 : expires;
    this.secrets.add(t.data.AccessToken);
    this.tokens.put({ token: t.data.AccessToken, expiresAt: at });
    if (t.data.RefreshToken) {
      this.secrets.add(t.data.RefreshToken);
      const rexp = Date.parse(t.data.RefreshTokenExpireOn ?? '');
      this.refreshes.put({
        token: JSON.stringify({ a: t.data.AccessToken, r: t.data.RefreshToken }),
        expiresAt: Number.isNaN(rexp) ? at : rexp,
      });
    }
    return t.data.AccessToken;
  }

  get host(): string {
    return this.config.apiHost.replace(/^[a-z]+:\/\//i, '');
  }

  // ---------------------------------------------------------------- calls

  private request(call: ApiCall, token: string): HttpRequest {
    const req: HttpRequest = {
      method: call.method,
      url: `${this.config.apiHost}${call.path}${queryString(call.query)}`,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    };
    if (call.body !== undefined) {
      req.body = JSON.stringify(call.body);
      req.contentType = 'application/json';
    }
    // A search is a read sent as POST: safe to send again.
    if (call.method === 'post' && /\/search$/i.test(call.path)) req.idempotent = true;
    return req;
  }

  /** Reads in parallel (read policy); one new sign-in if BMS says the token is no longer valid. */
  readAll(calls: ApiCall[]): BmsAnswer[] {
    return this.sendAll(calls, this.http);
  }

  read(call: ApiCall): BmsAnswer {
    return this.readAll([call])[0];
  }

  /** Creates and changes, each sent once (mutation policy); a lost answer is reported as 'lost'. */
  writeAll(calls: ApiCall[]): BmsAnswer[] {
    // In groups of the concurrency cap, each its own fetchAll: a lost connection fails its own group only,
    // and the groups after it are still sent.
    const out: BmsAnswer[] = [];
    for (let i = 0; i < calls.length; i += policy.maxConcurrency ?? 1)
      out.push(...this.sendAll(calls.slice(i, i + (policy.maxConcurrency ?? 1)), this.mutations));
    return out;
  }

  write(call: ApiCall): BmsAnswer {
    return this.writeAll([call])[0];
  }

  private sendAll(all: ApiCall[], http: HttpClient): BmsAnswer[] {
    if (!all.length) return [];
    const allowed = this.withinLimit(all);
    const calls = all.filter((_, i) => allowed[i]);
    const answers = calls.length ? this.sendCounted(calls, http) : [];
    let next = 0;
    return all.map((_, i) =>
      allowed[i] ? answers[next++] : { kind: 'refused', status: 0, code: 429, message: this.pacedMessage() },
    );
  }

  /**
   * Which calls fit under the hourly limit of their endpoint, counting those sent before (also by earlier
   * executions of this hour, through the ledger); the ones that fit are counted as sent.
   */
  private withinLimit(calls: ApiCall[]): boolean[] {
    const ledger = this.deps.callLedger;
    if (!ledger) return calls.map(() => true);
    const hour = Math.floor(this.now() / 3_600_000);
    const saved = ledger.get();
    const counts: Record<string, number> = saved && saved.hour === hour ? { ...saved.counts } : {};
    const out = calls.map((c) => {
      const k = endpointOf(c);
      if ((counts[k] ?? 0) >= this.config.hourlyLimit) return false;
      counts[k] = (counts[k] ?? 0) + 1;
      return true;
    });
    ledger.put({ hour, counts });
    return out;
  }

  /** When this instance's pacer last refused a call: the start of the next clock hour (ms), else null. */
  pausedUntil: number | null = null;

  /** A call BillGrid's own pacer held back (nothing was sent). */
  static isPaced(a: BmsAnswer): boolean {
    return a.kind === 'refused' && a.status === 0 && a.code === 429;
  }

  private pacedMessage(): string {
    this.pausedUntil = (Math.floor(this.now() / 3_600_000) + 1) * 3_600_000;
    const next = new Date((Math.floor(this.now() / 3_600_000) + 1) * 3_600_000).toISOString().slice(11, 16);
    return `BillGrid paused before Kaseya BMS's limit of ${this.config.hourlyLimit.toLocaleString('en-US')} calls an hour on this endpoint; nothing was sent, and it carries on after ${next} UTC`;
  }

  private sendCounted(calls: ApiCall[], http: HttpClient): BmsAnswer[] {
    let out = this.sendRaw(calls, http, this.token());
    if (out.some((r) => !(r instanceof Error) && r.status === 401)) {
      // The token was revoked or expired early: one fresh sign-in, then only the refused calls again.
      this.tokens.clear();
      this.refreshes.clear();
      const again = calls
        .map((_, i) => i)
        .filter((i) => !(out[i] instanceof Error) && (out[i] as HttpResponse).status === 401);
      const token = this.signIn();
      const retry = this.sendRaw(
        again.map((i) => calls[i]),
        http,
        token,
      );
      out = out.slice();
      again.forEach((i, k) => (out[i] = retry[k]));
    }
    return out.map((r) => (r instanceof Error ? this.lost(r) : this.interpret(r)));
  }

  private sendRaw(calls: ApiCall[], http: HttpClient, token: string): Array<HttpResponse | Error> {
    try {
      return http.requestAll(calls.map((c) => this.request(c, token)));
    } catch (err) {
      if (!(err instanceof HttpTransportError)) throw err;
      return calls.map(() => err);
    }
  }

  private lost(err: Error): BmsAnswer {
    const why = this.scrub(/\(([^()]+)\)/.exec(err.message)?.[1] ?? (err.message || 'network error'));
    return { kind: 'lost', message: why };
  }

  /** One HTTP answer in BillGrid's terms. */
  interpret(res: HttpResponse): BmsAnswer {
    const raw = parseJson(res.body);
    const env = envelopeSchema.safeParse(pascal(raw));
    if (!env.success) {
      if (res.status === 404 || res.status === 405) return { kind: 'no-route', status: res.status };
      if (res.status === 429)
        return { kind: 'refused', status: 429, code: 429, message: this.limitMessage() };
      return {
        kind: 'unreadable',
        status: res.status,
        message: res.status === 401 ? 'not signed in (401)' : `HTTP ${res.status} without a BMS answer`,
      };
    }
    const e = env.data;
    if (e.Success && res.status >= 200 && res.status < 300)
      return { kind: 'ok', result: e.Result, total: e.TotalRecords ?? null };
    const code = e.Error?.Code ?? null;
    if (res.status === 429 || code === 429)
      return { kind: 'refused', status: res.status, code: 429, message: this.limitMessage() };
    const words = [e.Error?.Message, ...(e.Error?.SubErrors ?? [])].filter(Boolean).join('; ');
    return {
      kind: 'refused',
      status: res.status,
      code,
      message: this.scrub(words || 'no explanation given'),
    };
  }

  private limitMessage(): string {
    return `Kaseya BMS's limit of ${HOURLY_LIMIT_PER_ENDPOINT.toLocaleString('en-US')} calls an hour on this endpoint is used up; BillGrid carries on from where it stopped after the hour`;
  }

  describe(a: BmsAnswer): string {
    switch (a.kind) {
      case 'ok':
        return 'ok';
      case 'refused':
        return a.message;
      case 'no-route':
        return `BMS has no such endpoint (${a.status})`;
      case 'lost':
        return `no answer: ${a.message}`;
      case 'unreadable':
        return a.message;
    }
  }

  /** A failed read as a PsaError. */
  fail(a: BmsAnswer, what: string): PsaError {
    const status =
      a.kind === 'refused' || a.kind === 'unreadable' || a.kind === 'no-route' ? a.status : undefined;
    return new PsaError(`Kaseya BMS could not read ${what} (${this.describe(a)})`, status);
  }

  // ---------------------------------------------------------------- paging

  /**
   * Every page of a paged list: the first page tells TotalRecords, the others go out in parallel.
   * `body` set: a POST search with PageSize/PageNumber in the body; else a GET with them in the query.
   */
  pages(
    what: string,
    path: string,
    filter: { query?: Query; body?: Record<string, unknown> } = {},
  ): unknown[] {
    const size = this.config.pageSize;
    const call = (n: number): ApiCall =>
      filter.body
        ? { method: 'post', path, body: { ...filter.body, PageSize: size, PageNumber: n } }
        : { method: 'get', path, query: { ...filter.query, PageSize: size, PageNumber: n } };
    const first = this.read(call(1));
    if (first.kind !== 'ok') throw this.fail(first, what);
    const records = this.records(first.result, what);
    if (first.total === null) {
      // No total: follow pages until a short one.
      let n = 1;
      let last = records.length;
      while (last === size) {
        const next = this.read(call(++n));
        if (next.kind !== 'ok') throw this.fail(next, what);
        const more = this.records(next.result, what);
        records.push(...more);
        last = more.length;
      }
      return records;
    }
    const count = Math.ceil(first.total / size);
    const rest = this.readAll(Array.from({ length: Math.max(0, count - 1) }, (_, i) => call(i + 2)));
    for (const a of rest) {
      if (a.kind !== 'ok') throw this.fail(a, what);
      records.push(...this.records(a.result, what));
    }
    return records;
  }

  records(result: unknown, what: string): unknown[] {
    if (Array.isArray(result)) return result;
    throw new PsaError(`Kaseya BMS answered the ${what} list with something that is not a list`);
  }

  /** Parse records one by one; a bad one becomes a problem with its id. */
  parseEach<S extends z.ZodTypeAny>(what: string, raws: unknown[], schema: S): Array<z.infer<S>> {
    const out: Array<z.infer<S>> = [];
    for (const raw of raws) {
      const r = schema.safeParse(raw);
      if (r.success) out.push(r.data as z.infer<S>);
      else {
        const rid = raw && typeof raw === 'object' && 'Id' in raw ? String((raw as { Id: unknown }).Id) : '?';
        const issue = r.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')} ` : '';
        this.problems.push({
          what,
          recordId: rid,
          message: `${what} ${rid}: ${where}${issue?.message ?? 'is not valid'}`,
        });
      }
    }
    return out;
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s) out = out.split(s).join('•••');
    return out.slice(0, 400);
  }
}
