/**
 * The HTTP port connectors talk through. Apps Script is synchronous, so is this.
 * The platform implementation (src/platform/http) adds retries with back-off, Retry-After,
 * per-API concurrency caps and request counting; connectors never see UrlFetchApp.
 */
import type { ZodType } from 'zod';
export interface HttpRequest {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  url: string;
  headers?: Record<string, string>;
  /** Already-serialised body. */
  body?: string;
  contentType?: string;
  /**
   * Safe to send twice. Default: true for get/put/delete, false for post/patch. A request that is not
   * idempotent is retried only when the server said it did not act (429), never after a network error
   * or a 5xx, since a create that timed out may have landed; the caller re-reads instead.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  /** One request; retried per policy on 429/5xx/network errors. Never throws for an HTTP status. */
  request(req: HttpRequest): HttpResponse;
  /** Many requests in parallel (fetchAll), at most the API's concurrency cap at once; results in order. */
  requestAll(reqs: HttpRequest[]): HttpResponse[];
}

/** An OAuth access token and when it stops working. */
export interface CachedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Where a connector keeps its token between requests (and executions, when the platform backs it with a cache). */
export interface TokenStore {
  get(): CachedToken | null;
  put(token: CachedToken): void;
  clear(): void;
}

/**
 * A value a connector keeps a short while across executions (the platform backs it with the document
 * cache): something it can always read again from the vendor, kept to save requests. It may vanish at
 * any time; `read` gives null then, or when the value no longer parses with the caller's schema.
 */
export interface CachedValue {
  read<T>(schema: ZodType<T>): T | null;
  write(value: unknown, seconds: number): void;
  clear(): void;
}

/**
 * Send times (ms since epoch) of an API's requests in its rolling rate-limit window, kept between
 * executions so consecutive executions share the budget.
 */
export interface RequestWindowStore {
  get(): number[] | null;
  put(times: number[]): void;
  /**
   * Read, change and write back as one step (under a lock where the platform has one), so two executions
   * saving at once both keep their requests; absent: get then put.
   */
  update?(change: (stored: number[]) => number[]): number[];
}

/** Thrown for network-level failures that survived retries. Message never contains secrets. */
export class HttpTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

/**
 * An API's rate limit has no room for longer than the execution has left (`waitMs`), so nothing was sent:
 * a job checkpoints and continues from a trigger instead of sleeping until Apps Script stops it.
 */
export class RateLimitWait extends HttpTransportError {
  constructor(
    message: string,
    readonly waitMs: number,
  ) {
    super(message);
    this.name = 'RateLimitWait';
  }
}
