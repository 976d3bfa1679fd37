/**
 * Requests as they travel to the HTTP thread, the vendor-URL → sandbox map, and Apps Script's error
 * wording for network failures.
 */

export interface WireRequest {
  /** URL as the bundle wrote it (vendor URL); mapped to a sandbox by `resolveTarget`. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  followRedirects: boolean;
  timeoutMs: number;
}

export type WireResult =
  | {
      ok: true;
      status: number;
      /** Header name/value pairs in the order and case the server sent them. */
      headers: Array<[string, string]>;
      body: Uint8Array;
      ms: number;
    }
  | { ok: false; code: string; url: string; ms: number };

/** Vendor origin (may use a leading wildcard label, e.g. 'https://*.autotask.net') → local base URL. */
export type UrlMap = Record<string, string>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase());
}

export class UnmappedHostError extends Error {
  constructor(readonly url: string) {
    super(
      `Emulator: ${originOf(url)} is not mapped to a local sandbox and the emulator never touches the network ` +
        `(add it to the urlMap option).`,
    );
    this.name = 'Exception';
  }
}

export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/** The URL to really connect to: mapped vendor URL, loopback as is; anything else throws. */
export function resolveTarget(url: string, map: UrlMap): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw Object.assign(new Error(`Invalid argument: ${url}`), { name: 'Exception' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw Object.assign(new Error(`Invalid argument: ${url}`), { name: 'Exception' });
  }
  for (const [key, base] of Object.entries(map)) {
    const m = /^(https?):\/\/([^/:]+)(?::(\d+))?\/?$/i.exec(key.trim());
    if (!m) continue;
    const [, scheme, hostPattern, port] = m;
    if (`${scheme.toLowerCase()}:` !== u.protocol) continue;
    if (port && port !== (u.port || (u.protocol === 'https:' ? '443' : '80'))) continue;
    if (!hostMatches(hostPattern, u.hostname)) continue;
    return base.replace(/\/+$/, '') + u.pathname + u.search;
  }
  if (isLoopback(u.hostname)) return u.toString();
  throw new UnmappedHostError(url);
}

/** Apps Script's message for a request that got no HTTP answer. */
export function networkErrorMessage(code: string, url: string): string {
  switch (code) {
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Address unavailable: ${url}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS error: ${url}`;
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return `Timeout: ${url}`;
    case 'UNMAPPED':
      return new UnmappedHostError(url).message;
    case 'INVALID':
      return `Invalid argument: ${url}`;
    default:
      return `Unexpected error: ${url}`;
  }
}
