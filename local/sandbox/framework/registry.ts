/**
 * Sandboxes are found by convention: `local/sandbox/<kind>/server.ts` exports
 * `createSandbox(fixture?: unknown): Sandbox<...>`; `fixture` defaults to that folder's demo fixture.
 */
import path from 'node:path';
import type { Sandbox } from './sandbox';

export interface SandboxSpec {
  /** Folder name under local/sandbox, e.g. 'twilio', 'pax8', 'autotask', 'halo'. */
  kind: string;
  /** Key in the returned url map (defaults to kind), to run two of a kind. */
  name?: string;
  /** Fixture object; the sandbox's own demo fixture when omitted. */
  fixture?: unknown;
  port?: number;
}

export function loadSandbox(spec: SandboxSpec): Sandbox<unknown> {
  if (!/^[a-z0-9-]+$/.test(spec.kind)) throw new Error(`Bad sandbox kind '${spec.kind}'`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- sandboxes load by convention at run time
  const mod = require(path.join(__dirname, '..', spec.kind, 'server.ts')) as {
    createSandbox: (fixture?: unknown) => Sandbox<unknown>;
  };
  return mod.createSandbox(spec.fixture);
}
