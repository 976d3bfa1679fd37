/**
 * UrlFetchApp: real HTTP to local sandboxes, synchronous for the caller.
 * - method/headers/payload/contentType as Apps Script sends them (object payload → form-encoded);
 * - status >= 400 throws Apps Script's "Request failed for …" unless muteHttpExceptions;
 * - no answer at all throws "Address unavailable: <url>" (refused) / "Timeout: <url>" / …;
 * - vendor URLs go through the runtime's urlMap; unmapped non-loopback hosts throw and never leave the machine.
 */
import { EmuObject, GAS_CLASS, isServiceObject, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { urlFetchCostMs, LATENCY } from '../latency';
import { EmuBlob, decodeText, fromByteArray, toSignedBytes, utf8 } from '../blob';
import {
  consume,
  HEADER_SIZE_MESSAGE,
  HEADERS_MESSAGE,
  POST_SIZE_MESSAGE,
  RESPONSE_SIZE_MESSAGE,
  URL_LENGTH_MESSAGE,
  URLFETCH_LIMITS,
} from '../quotas';
import { networkErrorMessage, originOf, resolveTarget, type WireRequest, type WireResult } from './wire';

type UrlFetchApp = GoogleAppsScript.URL_Fetch.UrlFetchApp;
type HTTPResponse = GoogleAppsScript.URL_Fetch.HTTPResponse;
type Params = GoogleAppsScript.URL_Fetch.URLFetchRequestOptions;
type Request = GoogleAppsScript.URL_Fetch.URLFetchRequest;

const USER_AGENT = 'Mozilla/5.0 (compatible; Google-Apps-Script)';
const TRUNCATE_AT = 100;

export class EmuHTTPResponse
  extends EmuObject
  implements
    Emulates<
      HTTPResponse,
      | 'getAllHeaders'
      | 'getAs'
      | 'getBlob'
      | 'getContent'
      | 'getContentText'
      | 'getHeaders'
      | 'getResponseCode'
    >
{
  readonly [GAS_CLASS] = 'UrlFetchApp.HTTPResponse';
  constructor(
    ctx: Ctx,
    private readonly _status: number,
    private readonly _headers: Array<[string, string]>,
    private readonly _body: Uint8Array,
  ) {
    super(ctx);
  }
  getResponseCode(): number {
    return this._status;
  }
  getContentText(charset?: string): string {
    return decodeText(this._body, charset ?? this._charset());
  }
  getContent(): number[] {
    return toSignedBytes(this._body);
  }
  getHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this._headers) out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
    return out;
  }
  getAllHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of this._headers) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return out;
  }
  getBlob(): EmuBlob {
    return new EmuBlob(this._ctx, this._body.slice(), this._contentType());
  }
  getAs(contentType: string): EmuBlob {
    return new EmuBlob(this._ctx, this._body.slice(), String(contentType));
  }
  private _contentType(): string | null {
    return this._headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null;
  }
  private _charset(): string {
    return /charset=([^;]+)/i.exec(this._contentType() ?? '')?.[1]?.trim() ?? 'utf-8';
  }
}

interface Prepared {
  wire: WireRequest;
  mute: boolean;
}

function isBlob(v: unknown): v is EmuBlob {
  return unwrap(v) instanceof EmuBlob;
}

export class EmuUrlFetchApp
  extends EmuObject
  implements Emulates<UrlFetchApp, 'fetch' | 'fetchAll' | 'getRequest'>
{
  readonly [GAS_CLASS] = 'UrlFetchApp';

  /** The request as Apps Script would send it (also what getRequest returns). */
  getRequest(url: string, params: Params = {}): Request {
    const p = this._prepare({ ...params, url });
    const headers = { ...p.wire.headers };
    const contentType = headers['Content-Type'];
    delete headers['Content-Type'];
    return {
      url,
      method: p.wire.method.toLowerCase() as Request['method'],
      headers,
      payload: p.wire.body ? decodeText(p.wire.body) : '',
      contentType,
      followRedirects: p.wire.followRedirects,
      validateHttpsCertificates: true,
      useIntranet: false,
    };
  }

  fetch(url: string, params: Params = {}): EmuHTTPResponse {
    const prepared = [this._prepare({ ...(params ?? {}), url })];
    this._count('fetch', prepared);
    return this._finish(prepared, this._ctx.rt.httpSync(prepared.map((p) => p.wire)))[0];
  }

  fetchAll(requests: Array<Request | string>): EmuHTTPResponse[] {
    const prepared = this._prepareAll(requests);
    this._count('fetchAll', prepared);
    return this._finish(prepared, this._ctx.rt.httpSync(prepared.map((p) => p.wire)));
  }

  /** Async twins used by the multi-execution host (it must never block its thread). */
  async fetchAsync(url: string, params: Params = {}): Promise<EmuHTTPResponse> {
    const prepared = [this._prepare({ ...(params ?? {}), url })];
    this._count('fetch', prepared);
    return this._finish(prepared, await this._ctx.rt.httpAsync(prepared.map((p) => p.wire)))[0];
  }

  async fetchAllAsync(requests: Array<Request | string>): Promise<EmuHTTPResponse[]> {
    const prepared = this._prepareAll(requests);
    this._count('fetchAll', prepared);
    return this._finish(prepared, await this._ctx.rt.httpAsync(prepared.map((p) => p.wire)));
  }

  private _prepareAll(requests: Array<Request | string>): Prepared[] {
    if (!Array.isArray(requests)) {
      throw new GasError(
        "The parameters (String) don't match the method signature for UrlFetchApp.fetchAll.",
      );
    }
    return requests.map((r) => this._prepare(typeof r === 'string' ? { url: r } : r));
  }

  private _prepare(req: Request): Prepared {
    const url = String(req.url ?? '');
    if (!url) throw new GasError('Attribute provided with no value: url');
    if (Buffer.byteLength(url, 'utf8') > URLFETCH_LIMITS.urlLength) throw new GasError(URL_LENGTH_MESSAGE);
    // Fail fast (before any request of a batch is sent) for unmapped or invalid URLs.
    try {
      resolveTarget(url, this._ctx.rt.options.urlMap);
    } catch (err) {
      throw new GasError(err instanceof Error ? err.message : String(err));
    }
    const method = String(req.method ?? 'get').toUpperCase();
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
      throw new GasError(`Invalid argument: method`);
    const headers: Record<string, string> = {};
    let userContentType: string | undefined;
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (k.toLowerCase() === 'content-type') userContentType = String(v);
      else headers[k] = String(v);
    }
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent'))
      headers['User-Agent'] = USER_AGENT;
    let body: Uint8Array | null = null;
    let contentType = req.contentType ?? userContentType;
    const payload = req.payload as unknown;
    if (payload !== undefined && payload !== null) {
      if (typeof payload === 'string') {
        body = utf8(payload);
        contentType ??= 'application/x-www-form-urlencoded';
      } else if (isBlob(payload)) {
        const blob = unwrap(payload);
        body = blob._data.slice();
        contentType ??= blob.getContentType() ?? 'application/octet-stream';
      } else if (Array.isArray(payload)) {
        body = fromByteArray(payload as number[]);
        contentType ??= 'application/octet-stream';
      } else if (typeof payload === 'object' && !isServiceObject(payload)) {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
          if (isBlob(v))
            throw new GasError(
              'Emulator: multipart payloads (a Blob inside a payload object) are not supported.',
            );
          form.append(k, String(v));
        }
        body = utf8(form.toString());
        contentType ??= 'application/x-www-form-urlencoded';
      } else {
        body = utf8(String(payload));
        contentType ??= 'application/x-www-form-urlencoded';
      }
    }
    if (contentType !== undefined && body !== null) headers['Content-Type'] = contentType;
    if ((body?.length ?? 0) > URLFETCH_LIMITS.postBytes) throw new GasError(POST_SIZE_MESSAGE);
    const names = Object.keys(headers);
    if (names.length > URLFETCH_LIMITS.headers) throw new GasError(HEADERS_MESSAGE);
    const headerBytes = names.reduce((n, k) => n + Buffer.byteLength(`${k}: ${headers[k]}`, 'utf8'), 0);
    if (headerBytes > URLFETCH_LIMITS.headerBytes) throw new GasError(HEADER_SIZE_MESSAGE);
    return {
      wire: {
        url,
        method,
        headers,
        body,
        followRedirects: req.followRedirects ?? true,
        timeoutMs: this._ctx.rt.options.httpTimeoutMs,
      },
      mute: req.muteHttpExceptions === true,
    };
  }

  private _count(kind: 'fetch' | 'fetchAll', prepared: Prepared[]): void {
    const { rt, exec } = this._ctx;
    // Each request of a batch counts towards the day's quota; a batch over it is refused before sending.
    consume(rt.state, rt.options.quotaProfile, exec.user, rt.now(), 'urlFetchCalls', prepared.length);
    const s = exec.stats;
    if (kind === 'fetch') s.http.fetchCalls += 1;
    else {
      s.http.fetchAllCalls += 1;
      s.http.batchSizes.push(prepared.length);
    }
    s.httpRequests += prepared.length;
    for (const p of prepared) s.http.bytesSent += p.wire.body?.length ?? 0;
  }

  private _finish(prepared: Prepared[], results: WireResult[]): EmuHTTPResponse[] {
    const exec = this._ctx.exec;
    let slowest = 0;
    results.forEach((r, i) => {
      const received = r.ok ? r.body.length : 0;
      exec.stats.http.bytesReceived += received;
      slowest = Math.max(slowest, urlFetchCostMs(prepared[i].wire.body?.length ?? 0, received, r.ms));
    });
    exec.addMs(slowest + (prepared.length > 1 ? LATENCY.fetchAllOverheadMs : 0));
    return results.map((r, i) => {
      if (!r.ok) throw new GasError(networkErrorMessage(r.code, r.url));
      if (r.body.length > URLFETCH_LIMITS.responseBytes) throw new GasError(RESPONSE_SIZE_MESSAGE);
      if (r.status >= 400 && !prepared[i].mute) {
        const text = decodeText(r.body);
        const cut = text.length > TRUNCATE_AT ? `${text.slice(0, TRUNCATE_AT)}...` : text;
        throw new GasError(
          `Request failed for ${originOf(prepared[i].wire.url)} returned code ${r.status}. Truncated server response: ${cut} (use muteHttpExceptions option to examine full response)`,
        );
      }
      return new EmuHTTPResponse(this._ctx, r.status, r.headers, r.body);
    });
  }
}
