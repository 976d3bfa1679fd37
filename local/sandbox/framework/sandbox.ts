/**
 * Stateful sandbox HTTP server framework for vendor and PSA APIs.
 *
 * A sandbox is a router over an in-memory state seeded from a JSON fixture. Every sandbox also serves
 * admin endpoints under `/__admin/` so tests (and the workbench) can inspect state, read the request
 * log and inject faults:
 *   GET    /__admin/state              → the current state (JSON)
 *   PUT    /__admin/state              → replace the state
 *   POST   /__admin/reset              → reseed from the fixture; clears faults and the request log
 *   GET    /__admin/requests           → request log (admin requests excluded)
 *   DELETE /__admin/requests           → clear the request log
 *   POST   /__admin/faults             → body { faults: Fault[] } appended to the fault queue
 *   DELETE /__admin/faults             → clear faults
 * Faults are consumed in order by the requests they match; see `Fault`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Route parameters, e.g. `:id`. */
  params: Record<string, string>;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
}

export type Handler<S> = (req: SandboxRequest, state: S) => SandboxResponse;

export interface Fault {
  /** Which requests it applies to; all when omitted. */
  match?: { method?: string; pathPrefix?: string; pathIncludes?: string };
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Skip this many matching requests before the fault starts (default 0). */
  after?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  retryAfter?: number;
  body?: unknown;
  /** Delay before answering (ms). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Handle the request (state changes!) and then drop the connection: a crash after the server acted. */
  dropAfterHandling?: boolean;
}

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** Response body as sent (for spec validation). */
  response: string;
  responseHeaders: Record<string, string>;
}

interface Route<S> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler<S>;
}

interface ActiveFault extends Fault {
  remaining: number;
  skip: number;
}

export class Sandbox<S> {
  private routes: Route<S>[] = [];
  private server: http.Server | null = null;
  private faults: ActiveFault[] = [];
  private log: LoggedRequest[] = [];
  state: S;
  /** Default headers on every response (e.g. rate-limit headers). */
  onResponse?: (req: SandboxRequest, res: SandboxResponse, state: S) => void;
  /** Runs before routing; return a response to short-circuit (e.g. authentication, rate limit). */
  before?: (req: SandboxRequest, state: S) => SandboxResponse | undefined;
  notFound: (req: SandboxRequest) => SandboxResponse = (req) => ({
    status: 404,
    json: { error: `No route for ${req.method} ${req.path}` },
  });

  constructor(
    readonly name: string,
    private readonly seed: () => S,
  ) {
    this.state = seed();
  }

  route(method: string, path: string, handler: Handler<S>): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          names.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${source}$`, 'i'),
      names,
      handler,
    });
    return this;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error(`${this.name} sandbox is not started`);
    return `http://127.0.0.1:${addr.port}`;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  reset(): void {
    this.state = this.seed();
    this.faults = [];
    this.log = [];
  }

  addFaults(faults: Fault[]): void {
    for (const f of faults) this.faults.push({ ...f, remaining: f.times ?? 1, skip: f.after ?? 0 });
  }

  requests(): LoggedRequest[] {
    return this.log;
  }

  private takeFault(method: string, path: string): ActiveFault | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      const m = f.match;
      if (m?.method && m.method.toUpperCase() !== method) continue;
      if (m?.pathPrefix && !path.startsWith(m.pathPrefix)) continue;
      if (m?.pathIncludes && !path.includes(m.pathIncludes)) continue;
      if (f.skip > 0) {
        f.skip -= 1;
        continue;
      }
      f.remaining -= 1;
      return f;
    }
    return undefined;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const sreq: SandboxRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        params: {},
      };
      if (sreq.path.startsWith('/__admin/')) {
        this.send(res, this.admin(sreq));
        return;
      }
      const fault = this.takeFault(sreq.method, sreq.path);
      const respond = () => {
        if (fault?.drop) {
          this.record(sreq, { status: 0 });
          req.socket.destroy();
          return;
        }
        let out: SandboxResponse;
        if (fault?.status) {
          out = {
            status: fault.status,
            headers: fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {},
            json: fault.body ?? { error: `Injected fault ${fault.status}` },
          };
        } else {
          out = this.handle(sreq);
        }
        this.onResponse?.(sreq, out, this.state);
        this.record(sreq, out);
        if (fault?.dropAfterHandling) {
          req.socket.destroy();
          return;
        }
        this.send(res, out);
      };
      if (fault?.delayMs) setTimeout(respond, fault.delayMs);
      else respond();
    });
  }

  private handle(sreq: SandboxRequest): SandboxResponse {
    try {
      const early = this.before?.(sreq, this.state);
      if (early) return early;
      for (const r of this.routes) {
        if (r.method !== sreq.method) continue;
        const m = r.pattern.exec(sreq.path);
        if (!m) continue;
        sreq.params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
        return r.handler(sreq, this.state);
      }
      return this.notFound(sreq);
    } catch (err) {
      return { status: 500, json: { error: `Sandbox ${this.name} failed: ${(err as Error).message}` } };
    }
  }

  private record(sreq: SandboxRequest, out: SandboxResponse): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(sreq.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    this.log.push({
      at: Date.now(),
      method: sreq.method,
      path: sreq.path,
      query: sreq.query.toString(),
      headers,
      body: sreq.body,
      status: out.status,
      response: out.text ?? (out.json === undefined ? '' : JSON.stringify(out.json)),
      responseHeaders: out.headers ?? {},
    });
  }

  private send(res: http.ServerResponse, out: SandboxResponse): void {
    const isText = out.text !== undefined;
    const body = isText ? (out.text as string) : out.json === undefined ? '' : JSON.stringify(out.json);
    const headers: Record<string, string> = { ...(out.headers ?? {}) };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    }
    res.writeHead(out.status, headers);
    res.end(body);
  }

  private admin(req: SandboxRequest): SandboxResponse {
    const what = req.path.slice('/__admin/'.length);
    const body = (): unknown => (req.body ? JSON.parse(req.body) : {});
    switch (`${req.method} ${what}`) {
      case 'GET state':
        return { status: 200, json: this.state };
      case 'PUT state':
        this.state = body() as S;
        return { status: 204 };
      case 'POST reset':
        this.reset();
        return { status: 204 };
      case 'GET requests':
        return { status: 200, json: this.log };
      case 'DELETE requests':
        this.log = [];
        return { status: 204 };
      case 'POST faults':
        this.addFaults(((body() as { faults?: Fault[] }).faults ?? []) as Fault[]);
        return { status: 204 };
      case 'DELETE faults':
        this.faults = [];
        return { status: 204 };
      default:
        return { status: 404, json: { error: `Unknown admin call ${req.method} ${what}` } };
    }
  }
}

/** JSON body helper for handlers: parse or answer 400 with the vendor-shaped error the caller supplies. */
export function parseJsonBody(req: SandboxRequest): { ok: true; value: unknown } | { ok: false } {
  if (!req.body) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(req.body) };
  } catch {
    return { ok: false };
  }
}
