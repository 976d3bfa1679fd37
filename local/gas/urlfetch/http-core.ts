/**
 * Real HTTP with node:http, asynchronous. Used by the helper thread (in-process mode) and directly by
 * the multi-execution host. Redirects are followed here so each hop goes through the URL map again.
 */
import http from 'node:http';
import https from 'node:https';
import { resolveTarget, UnmappedHostError, type UrlMap, type WireRequest, type WireResult } from './wire';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const tlsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });

export function performAll(reqs: WireRequest[], map: UrlMap): Promise<WireResult[]> {
  return Promise.all(reqs.map((r) => perform(r, map, Date.now(), 10)));
}

async function perform(
  req: WireRequest,
  map: UrlMap,
  started: number,
  redirectsLeft: number,
): Promise<WireResult> {
  let target: string;
  try {
    target = resolveTarget(req.url, map);
  } catch (err) {
    return {
      ok: false,
      code: err instanceof UnmappedHostError ? 'UNMAPPED' : 'INVALID',
      url: req.url,
      ms: 0,
    };
  }
  const res = await once(req, target, map);
  if (!res.ok) return { ...res, ms: Date.now() - started };
  const location = res.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
  if (
    req.followRedirects &&
    location &&
    [301, 302, 303, 307, 308].includes(res.status) &&
    redirectsLeft > 0
  ) {
    const next = new URL(location, req.url).toString();
    const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && req.method !== 'GET');
    return perform(
      { ...req, url: next, method: toGet ? 'GET' : req.method, body: toGet ? null : req.body },
      map,
      started,
      redirectsLeft - 1,
    );
  }
  return { ...res, ms: Date.now() - started };
}

function once(req: WireRequest, target: string, map: UrlMap): Promise<WireResult> {
  void map;
  return new Promise((resolve) => {
    const u = new URL(target);
    const original = new URL(req.url);
    const headers: Record<string, string> = { ...req.headers };
    if (original.host !== u.host) headers['X-Forwarded-Host'] = original.host;
    const lib = u.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (r: WireResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const request = lib.request(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: u.pathname + u.search,
        method: req.method,
        headers,
        agent: u.protocol === 'https:' ? tlsAgent : agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
          done({
            ok: true,
            status: res.statusCode ?? 0,
            headers: pairs,
            body: new Uint8Array(Buffer.concat(chunks)),
            ms: 0,
          });
        });
        res.on('error', () => done({ ok: false, code: 'ECONNRESET', url: req.url, ms: 0 }));
      },
    );
    request.setTimeout(req.timeoutMs, () => {
      done({ ok: false, code: 'TIMEOUT', url: req.url, ms: 0 });
      request.destroy();
    });
    request.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, code: err.code ?? 'ERROR', url: req.url, ms: 0 }),
    );
    if (req.body) request.write(req.body);
    request.end();
  });
}
