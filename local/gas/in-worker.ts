/** Worker entry for startInWorker: calls the export, reports its data, closes it on 'stop'. */
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName, args } = workerData as {
  modulePath: string;
  exportName: string;
  args: unknown[];
};

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is chosen at run time
  const mod = require(modulePath) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`${modulePath} has no export '${exportName}'`);
  const result = (await (fn as (...a: unknown[]) => unknown)(...args)) as unknown;
  const obj = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : null;
  const value = obj
    ? Object.fromEntries(Object.entries(obj).filter(([, v]) => typeof v !== 'function'))
    : result;
  parentPort?.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    const close = obj?.close;
    Promise.resolve(typeof close === 'function' ? (close as () => unknown).call(obj) : undefined)
      .catch(() => undefined)
      .finally(() => parentPort?.postMessage({ type: 'stopped' }));
  });
  parentPort?.postMessage({ type: 'ready', value });
}

main().catch((err: unknown) =>
  parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
