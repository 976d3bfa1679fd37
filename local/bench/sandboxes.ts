/**
 * The bench's sandboxes on their own worker thread (the emulator's UrlFetchApp blocks the calling
 * thread). Like `startSandboxes`, plus the thread's busy time, so Node CPU can be split between
 * BillGrid + emulator (main thread) and the sandboxes.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SandboxAdmin, type SandboxSpec } from '../sandbox/framework';

export interface BenchSandboxes {
  urls: Record<string, string>;
  admin(name: string): SandboxAdmin;
  /** Milliseconds the sandbox thread has been busy since it started. */
  busyMs(): number;
  stop(): Promise<void>;
}

export interface BenchSandboxOptions {
  /**
   * Sandboxes (by kind) that copy their whole state before every write to roll a refused one back
   * (a PSA's bench hook says `copiesStateOnWrite`): the worker skips that copy (sandbox-worker.ts).
   */
  skipRollbackCopyOf?: string[];
}

export async function startBenchSandboxes(
  specs: SandboxSpec[],
  options: BenchSandboxOptions = {},
): Promise<BenchSandboxes> {
  const worker = new Worker(path.join(__dirname, '..', 'ts-worker.cjs'), {
    workerData: {
      specs,
      skipRollbackCopyOf: options.skipRollbackCopyOf ?? [],
      __entry: path.join(__dirname, 'sandbox-worker.ts'),
    },
    resourceLimits: { maxOldGenerationSizeMb: 8192 },
  });
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (msg: { type: string; urls?: Record<string, string>; message?: string }) => {
      if (msg.type === 'ready' && msg.urls) resolve(msg.urls);
      else reject(new Error(`Sandboxes failed to start: ${msg.message ?? 'unknown'}`));
    });
  });
  return {
    urls,
    admin(name) {
      const url = urls[name];
      if (!url) throw new Error(`No sandbox named '${name}'`);
      return new SandboxAdmin(url);
    },
    busyMs: () => worker.performance.eventLoopUtilization().active,
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
