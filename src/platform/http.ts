/**
 * HttpClient over UrlFetchApp: the one HTTP policy every connector uses.
 * - 429, 5xx and network errors are retried with exponential back-off and full jitter,
 *   honouring Retry-After (seconds or HTTP date), up to `maxRetries`;
 * - other 4xx are returned at once for the connector to explain;
 * - `requestAll` sends batches through fetchAll, never more than `maxConcurrency` at once.
 * Sleeping uses Utilities.sleep, which Apps Script counts against the execution time.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../core/http';
import { HttpTransportError } from '../core/http';
import { DailyQuotaError, isDailyQuota } from './quota';

export interface HttpPolicy {
  /** Shown in messages, e.g. 'Twilio'. */
  apiName: string;
  maxConcurrency: number;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Whether a response may be retried (idempotent requests only). Default: 429 and 5xx. Autotask, for
   * one, answers validation errors with 500 and an `errors` body, which no retry will fix.
   */
  isRetryable?: (res: HttpResponse) => boolean;
}

export const DEFAULT_POLICY: Omit<HttpPolicy, 'apiName'> = {
  maxConcurrency: 10,
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
};

/** The parts of Apps Script the client needs; injectable so tests can count and fake time. */
export interface HttpDeps {
  fetchAll(requests: GoogleAppsScript.URL_Fetch.URLFetchRequest[]): GoogleAppsScript.URL_Fetch.HTTPResponse[];
  sleep(ms: number): void;
  random(): number;
  now(): number;
}

export function appsScriptHttpDeps(): HttpDeps {
  return {
    fetchAll: (reqs) => UrlFetchApp.fetchAll(reqs),
    sleep: (ms) => Utilities.sleep(ms),
    random: () => Math.random(),
    now: () => Date.now(),
  };
}

export interface HttpStats {
  requests: number;
  retries: number;
  batches: number;
  sleptMs: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export const isReplayable = (r: HttpRequest): boolean =>
  r.idempotent ?? !(r.method === 'post' || r.method === 'patch');

/** The server said it did not act: safe to retry even a create. */
const NOT_ACTED = 429;

export class RetryingHttpClient implements HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, batches: 0, sleptMs: 0 };
  readonly policy: HttpPolicy;

  constructor(
    policy: Partial<HttpPolicy> & { apiName: string },
    private readonly deps: HttpDeps = appsScriptHttpDeps(),
  ) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  request(req: HttpRequest): HttpResponse {
    return this.requestAll([req])[0];
  }

  requestAll(reqs: HttpRequest[]): HttpResponse[] {
    const results: HttpResponse[] = new Array<HttpResponse>(reqs.length);
    for (let i = 0; i < reqs.length; i += this.policy.maxConcurrency) {
      const idx = reqs.slice(i, i + this.policy.maxConcurrency).map((_, j) => i + j);
      this.sendWithRetries(reqs, idx, results);
    }
    return results;
  }

  private sendWithRetries(reqs: HttpRequest[], idx: number[], results: HttpResponse[]): void {
    let pending = idx;
    for (let attempt = 0; ; attempt++) {
      const outcomes = this.sendBatch(pending.map((i) => reqs[i]));
      const again: number[] = [];
      let waitMs = 0;
      outcomes.forEach((out, k) => {
        const i = pending[k];
        if (!isReplayable(reqs[i]) && (out instanceof Error || out.status !== NOT_ACTED)) {
          if (out instanceof Error) {
            throw new HttpTransportError(
              `${this.policy.apiName} did not answer a change request (${out.message}); it was not sent again — the next run re-reads and finishes it`,
            );
          }
          results[i] = out;
          return;
        }
        if (out instanceof Error || this.retryable(out)) {
          if (attempt >= this.policy.maxRetries) {
            if (out instanceof Error) {
              throw new HttpTransportError(
                `${this.policy.apiName} could not be reached after ${attempt + 1} attempts (${out.message})`,
              );
            }
            results[i] = out;
            return;
          }
          again.push(i);
          waitMs = Math.max(waitMs, this.delayFor(attempt, out instanceof Error ? undefined : out));
        } else {
          results[i] = out;
        }
      });
      if (again.length === 0) return;
      this.stats.retries += again.length;
      this.stats.sleptMs += waitMs;
      this.deps.sleep(waitMs);
      pending = again;
    }
  }

  private retryable(res: HttpResponse): boolean {
    if (res.status === NOT_ACTED) return true;
    return this.policy.isRetryable ? this.policy.isRetryable(res) : RETRYABLE.has(res.status);
  }

  /**
   * fetchAll throws on any network error; then the batch's replayable requests are re-sent one by one to
   * find which failed. A non-replayable one may have landed, so it is reported, not re-sent.
   */
  private sendBatch(batch: HttpRequest[]): Array<HttpResponse | Error> {
    this.stats.batches += 1;
    const params = batch.map(toFetchRequest);
    try {
      this.stats.requests += batch.length;
      return this.deps.fetchAll(params).map(fromFetchResponse);
    } catch (err) {
      // The day's quota: Apps Script sent nothing and will send nothing more today; never "connection lost".
      if (isDailyQuota(err)) throw new DailyQuotaError(safeError(err).message);
      if (batch.length === 1) return [safeError(err)];
      return params.map((p, k) => {
        if (!isReplayable(batch[k])) return new Error('connection lost while the batch was in flight');
        try {
          this.stats.requests += 1;
          return fromFetchResponse(this.deps.fetchAll([p])[0]);
        } catch (e) {
          return safeError(e);
        }
      });
    }
  }

  private delayFor(attempt: number, res: HttpResponse | undefined): number {
    const retryAfter = res ? parseRetryAfter(res.headers, this.deps.now()) : null;
    if (retryAfter !== null) return Math.min(retryAfter, this.policy.maxDelayMs);
    const cap = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
    return Math.round(cap / 2 + (this.deps.random() * cap) / 2);
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | null {
  const key = Object.keys(headers).find((h) => h.toLowerCase() === 'retry-after');
  if (!key) return null;
  const value = headers[key].trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function toFetchRequest(req: HttpRequest): GoogleAppsScript.URL_Fetch.URLFetchRequest {
  const out: GoogleAppsScript.URL_Fetch.URLFetchRequest = {
    url: req.url,
    method: req.method,
    headers: req.headers ?? {},
    muteHttpExceptions: true,
    followRedirects: true,
  };
  if (req.body !== undefined) out.payload = req.body;
  if (req.contentType) out.contentType = req.contentType;
  return out;
}

function fromFetchResponse(res: GoogleAppsScript.URL_Fetch.HTTPResponse): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.getHeaders() as Record<string, unknown>)) headers[k] = String(v);
  return { status: res.getResponseCode(), headers, body: res.getContentText() };
}

/** Network errors from UrlFetchApp can quote the URL; keep only the first line, with any query string cut. */
function safeError(err: unknown): Error {
  const text = err instanceof Error ? err.message : String(err);
  return new Error(text.split('\n')[0].replace(/\?[^\s]*/g, '?…'));
}
