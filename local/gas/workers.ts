/**
 * Run async servers (sandboxes, test servers) on a worker thread. The in-process emulator blocks its
 * thread during UrlFetchApp calls, so a server on the same thread could never answer.
 *
 *   const srv = await startInWorker<{ url: string }>(require.resolve('./my-server'), 'start', [opts]);
 *   srv.value.url   // 'http://127.0.0.1:PORT'
 *   await srv.stop();
 *
 * The export is called with `args` and may return (or resolve to) an object: its data properties are
 * sent back as `value`; a `close()` function on it is called by `stop()`.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface WorkerHandle<T> {
  value: T;
  stop(): Promise<void>;
}

export async function startInWorker<T>(
  modulePath: string,
  exportName: string,
  args: unknown[] = [],
): Promise<WorkerHandle<T>> {
  const worker = new Worker(path.join(__dirname, '..', 'ts-worker.cjs'), {
    workerData: { __entry: path.join(__dirname, 'in-worker.ts'), modulePath, exportName, args },
  });
  const value = await new Promise<T>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (msg: { type: string; value?: T; message?: string }) => {
      if (msg.type === 'ready') resolve(msg.value as T);
      else reject(new Error(`Worker ${exportName} failed to start: ${msg.message ?? 'unknown error'}`));
    });
  });
  return {
    value,
    async stop() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: 'stop' });
      });
      await worker.terminate();
    },
  };
}
