/**
 * A forwarding proxy in front of a sandbox that spoils chosen answers the way real networks and vendors
 * do — JSON cut off mid-body, an HTML error page from a load balancer, an empty 200 — which the sandbox
 * framework's faults (always JSON) cannot produce. The request still reaches the sandbox, so a spoiled
 * answer to a change is "the change landed, the answer is garbage".
 *
 * Runs on a worker thread (the emulator's UrlFetchApp blocks the test's thread):
 *   const m = await startInWorker<{ urls: Record<string, string> }>(require.resolve('./mangler'),
 *     'startMangler', [{ autotask: sb.urls.autotask }]);
 *   await mangle(m.value.urls.autotask, [{ match: { pathIncludes: '/query' }, mode: 'truncate' }]);
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MangleRule {
  match?: { method?: string; pathIncludes?: string };
  mode: 'truncate' | 'html' | 'empty';
  /** Status of the spoiled answer (default: the sandbox's for truncate/empty, 502 for html). */
  status?: number;
  /** Skip this many matching requests first (default 0); then spoil `times` of them (default 1). */
  after?: number;
  times?: number;
}

interface Active extends MangleRule {
  skip: number;
  left: number;
}

const HTML =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

function proxy(target: string): Promise<{ url: string; server: http.Server }> {
  let rules: Active[] = [];
  const take = (method: string, path: string): Active | undefined => {
    for (const r of rules) {
      if (r.left <= 0) continue;
      if (r.match?.method && r.match.method.toUpperCase() !== method) continue;
      if (r.match?.pathIncludes && !path.includes(r.match.pathIncludes)) continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      r.left--;
      return r;
    }
    return undefined;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      if (path.startsWith('/__mangle')) {
        if (req.method === 'DELETE') rules = [];
        else {
          const list = (JSON.parse(body.toString('utf8') || '[]') as MangleRule[]).map((r) => ({
            ...r,
            skip: r.after ?? 0,
            left: r.times ?? 1,
          }));
          rules.push(...list);
        }
        res.writeHead(204).end();
        return;
      }
      const rule = take((req.method ?? 'GET').toUpperCase(), path.split('?')[0]);
      const out = http.request(
        `${target}${path}`,
        { method: req.method, headers: { ...req.headers, 'accept-encoding': 'identity' } },
        (up) => {
          const got: Buffer[] = [];
          up.on('data', (c: Buffer) => got.push(c));
          up.on('end', () => {
            const text = Buffer.concat(got).toString('utf8');
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(up.headers)) {
              if (v !== undefined && !/^(content-length|transfer-encoding|connection)$/i.test(k))
                headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            let status = up.statusCode ?? 502;
            let sent = text;
            if (rule?.mode === 'truncate') sent = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
            if (rule?.mode === 'empty') sent = '';
            if (rule?.mode === 'html') {
              sent = HTML;
              status = 502;
              headers['content-type'] = 'text/html; charset=utf-8';
            }
            if (rule?.status) status = rule.status;
            res.writeHead(status, headers).end(sent);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

/** One proxy per vendor: `targets` maps a vendor kind to its sandbox's URL. */
export async function startMangler(
  targets: Record<string, string>,
): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const started = await Promise.all(
    Object.entries(targets).map(async ([k, t]) => [k, await proxy(t)] as const),
  );
  return {
    urls: Object.fromEntries(started.map(([k, p]) => [k, p.url])),
    close: async () => {
      for (const [, p] of started) {
        p.server.closeAllConnections();
        await new Promise<void>((r) => p.server.close(() => r()));
      }
    },
  };
}

/** Add spoiling rules to a running proxy (empty list: clear them). */
export async function mangle(proxyUrl: string, rules: MangleRule[]): Promise<void> {
  const res = await fetch(`${proxyUrl}/__mangle`, {
    method: rules.length ? 'POST' : 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: rules.length ? JSON.stringify(rules) : undefined,
  });
  if (!res.ok) throw new Error(`mangler: ${res.status}`);
}
