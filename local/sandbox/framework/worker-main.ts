/** Worker-thread entry: starts the requested sandboxes and keeps them alive until told to stop. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSandbox, type SandboxSpec } from './registry';
import type { Sandbox } from './sandbox';

async function main(): Promise<void> {
  const specs = (workerData as { specs: SandboxSpec[] }).specs;
  const running: Sandbox<unknown>[] = [];
  const urls: Record<string, string> = {};
  for (const spec of specs) {
    const sandbox = loadSandbox(spec);
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

main().catch((err: Error) => parentPort!.postMessage({ type: 'error', message: err.stack ?? err.message }));
