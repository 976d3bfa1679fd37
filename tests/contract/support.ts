/**
 * Shared machinery of the contract suites: which registered connectors have a contract fixture
 * (local/sandbox/<id>/contract.ts, see local/sandbox/contract.ts), their sandboxes started in-process on a
 * worker thread, and the connector built through the registry over the real HTTP path (the retrying
 * client over the Apps Script emulator's UrlFetchApp, vendor hosts mapped to the sandboxes, modelled
 * sleeps), exactly as the jobs build it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGasEnvironment } from '../../local/gas/env';
import { createState } from '../../local/gas/state';
import type { ContractFixture } from '../../local/sandbox/contract';
import type { LoggedRequest } from '../../local/sandbox/framework';
import { sandboxedConnectors, sandboxOf } from '../../local/sandbox/registry';
import { urlMapFor } from '../../local/workbench/vendors';
import type { ConnectorDescriptor } from '../../src/connectors/descriptor';
import type { HttpDeps } from '../../src/platform/http';
import { OpenApiSpec } from '../support/openapi';

type FetchRequest = GoogleAppsScript.URL_Fetch.URLFetchRequest;
type FetchResponse = GoogleAppsScript.URL_Fetch.HTTPResponse;

const SANDBOX_ROOT = path.resolve(__dirname, '..', '..', 'local', 'sandbox');

export const hasContractFixture = (id: string): boolean =>
  fs.existsSync(path.join(SANDBOX_ROOT, id, 'contract.ts'));

export function contractFixtureOf(id: string): ContractFixture {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- fixtures load by convention
  const mod = require(path.join(SANDBOX_ROOT, id, 'contract.ts')) as { contract?: ContractFixture };
  if (!mod.contract) throw new Error(`local/sandbox/${id}/contract.ts must export \`contract\``);
  return mod.contract;
}

/** Registered connectors of a kind with a sandbox, split by whether they have a contract fixture. */
export function contractConnectors(kind: ConnectorDescriptor['kind']): {
  ready: ConnectorDescriptor[];
  without: string[];
} {
  const all = sandboxedConnectors(kind);
  return {
    ready: all.filter((c) => hasContractFixture(c.id)),
    without: all.filter((c) => !hasContractFixture(c.id)).map((c) => c.id),
  };
}

/** HTTP for connectors built through the registry: vendor hosts → sandboxes, no real waiting. */
export function sandboxHttp(sandboxUrls: Record<string, string>): HttpDeps {
  const env = createGasEnvironment(createState(), { urlMap: urlMapFor(sandboxUrls) });
  const { UrlFetchApp, Utilities } = env.globals;
  let now = Date.UTC(2026, 10, 2, 9, 0, 0);
  return {
    fetchAll: (reqs: FetchRequest[]) => UrlFetchApp.fetchAll(reqs) as unknown as FetchResponse[],
    sleep: (ms) => {
      now += ms;
      Utilities.sleep(ms);
    },
    random: () => 0.5,
    now: () => now,
  };
}

/** The demo credentials of a connector and which of their values are secret (by the descriptor's fields). */
export function credentialsOf(c: ConnectorDescriptor): { creds: Record<string, string>; secrets: string[] } {
  const creds = sandboxOf(c.id).demoCredentials();
  const secretNames = new Set(c.fields.filter((f) => f.exposure === 'secret').map((f) => f.name));
  const secrets = Object.entries(creds)
    .filter(([k, v]) => secretNames.has(k) && v.length >= 4)
    .map(([, v]) => v);
  return { creds, secrets };
}

/** Everything a run printed through console (connectors must not log secrets either). */
export function captureConsole(): { text(): string; restore(): void } {
  const seen: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      seen.push(
        args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : String(a))).join(' '),
      );
    }),
  );
  return {
    text: () => seen.join('\n'),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}

/** The secrets that occur in `text` (empty: none). */
export const leaked = (text: string, secrets: readonly string[]): string[] =>
  secrets.filter((s) => text.includes(s));

/** Text of an error as anyone could see it: message and stack. */
export const errorText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);

/** Spec problems of every logged exchange (empty: every request and answer is as the spec says). */
export function specProblems(spec: OpenApiSpec, log: readonly LoggedRequest[]): string[] {
  return log.flatMap((r) => spec.check(r).errors.map((e) => `${r.method} ${r.path}: ${e}`));
}

/** One interrupted request: `lost-before` the vendor saw it, or `crash-after` it acted. */
export interface Interruption {
  mode: 'lost-before' | 'crash-after';
  method: string;
  path: string;
  /** Matching requests to let through first. */
  after: number;
}

/**
 * For each request of a reference run that `pick` selects: the interruption at that request, in both
 * modes. The sandbox matches faults by method and path prefix, so earlier requests that match the same
 * way (a query under the same path) are counted to hit exactly this one.
 */
export function interruptionsOf(
  log: readonly Pick<LoggedRequest, 'method' | 'path'>[],
  pick: (r: Pick<LoggedRequest, 'method' | 'path'>) => boolean,
): Interruption[] {
  const out: Interruption[] = [];
  log.forEach((r, i) => {
    if (!pick(r)) return;
    const after = log.slice(0, i).filter((x) => x.method === r.method && x.path.startsWith(r.path)).length;
    for (const mode of ['lost-before', 'crash-after'] as const)
      out.push({ mode, method: r.method, path: r.path, after });
  });
  return out;
}

export const faultOf = (x: Interruption) => ({
  match: { method: x.method, pathPrefix: x.path },
  after: x.after,
  ...(x.mode === 'lost-before' ? { drop: true } : { dropAfterHandling: true }),
});
