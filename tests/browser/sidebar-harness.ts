/**
 * Serves the built sidebar (sidebar/ → one HTML file, as scripts/build.mjs builds it) with the
 * workbench's google.script shim, answering run calls with src/api in-process over fake Apps Script
 * globals (a spreadsheet without BillGrid tabs). Tests the sidebar alone, without the emulator.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sidebarApi } from '../../src/api';
import { bundlePage, injectShim } from '../../local/workbench/assets';
import { installFakeGas, type FakeGas } from '../api/fake-gas';
import { buildSidebarHtml } from './bundle';

export interface Harness {
  url: string;
  gas: FakeGas;
  /** Every response body sent to the sidebar, in order. */
  bodies: string[];
  stop(): Promise<void>;
}

export async function startSidebarHarness(): Promise<Harness> {
  const [html, { shim }] = await Promise.all([buildSidebarHtml(), bundlePage()]);
  const page = injectShim(html, shim, '/run');
  const gas = installFakeGas();
  const bodies: string[] = [];
  const api = { ...sidebarApi } as unknown as Record<string, (...args: unknown[]) => unknown>;
  const server = http.createServer((req, res) => {
    const reply = (status: number, type: string, body: string) => {
      bodies.push(body);
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    if (req.method === 'GET') return reply(200, 'text/html', page);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { fn, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        fn: string;
        args: unknown[];
      };
      const failed = (e: unknown) => ({
        ok: false,
        error: { name: 'Error', message: e instanceof Error ? e.message : String(e) },
      });
      // A test may stand in a slow server function (a promise): other calls are answered meanwhile.
      void Promise.resolve()
        .then(() => {
          const f = api[fn];
          if (typeof f !== 'function') throw new Error(`Script function not found: ${fn}`);
          return f(...args);
        })
        // JSON round trip: what google.script.run can carry.
        .then(
          (value) => ({
            ok: true,
            value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)),
          }),
          failed,
        )
        .catch(failed)
        .then((out) => reply(200, 'application/json', JSON.stringify(out)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    gas,
    bodies,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
