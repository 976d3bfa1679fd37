/**
 * Worker-thread entry for the bench's sandboxes (see sandboxes.ts). Same sandboxes as `startSandboxes`,
 * with one bench-only change: a sandbox whose bench hooks say `copiesStateOnWrite` copies its whole
 * state before every write so that a rejected write can be rolled back. That copy is O(state) per
 * request, i.e. quadratic over a 60,000-write month, and would make the sandbox — not BillGrid — the
 * slowest part of the bench. Here the copy of the live state is skipped; the bench then checks that no
 * write was rejected (a rejected write is the only case where the copy matters) and reports it if one
 * was. Nothing BillGrid sees changes: same routes, answers, limits and request log.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSandbox, type SandboxSpec } from '../sandbox/framework/registry';
import type { Sandbox } from '../sandbox/framework';

async function main(): Promise<void> {
  const { specs, skipRollbackCopyOf } = workerData as { specs: SandboxSpec[]; skipRollbackCopyOf: string[] };
  const running: Sandbox<unknown>[] = [];
  const urls: Record<string, string> = {};
  for (const spec of specs) {
    const sandbox = loadSandbox(spec);
    if (skipRollbackCopyOf.includes(spec.kind)) skipRollbackCopy(sandbox);
    urls[spec.name ?? spec.kind] = await sandbox.start(spec.port ?? 0);
    running.push(sandbox);
  }
  parentPort!.on('message', (msg: { type: string }) => {
    if (msg.type === 'stop') {
      void Promise.all(running.map((s) => s.stop())).then(() => parentPort!.postMessage({ type: 'stopped' }));
    }
  });
  parentPort!.postMessage({ type: 'ready', urls });
}

function skipRollbackCopy(sandbox: Sandbox<unknown>): void {
  const copy = globalThis.structuredClone;
  globalThis.structuredClone = ((value: unknown, options?: StructuredSerializeOptions) =>
    value === sandbox.state ? value : copy(value, options)) as typeof structuredClone;
}

main().catch((err: Error) => parentPort!.postMessage({ type: 'error', message: err.stack ?? err.message }));
