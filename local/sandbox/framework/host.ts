/**
 * Start sandboxes on a worker thread. UrlFetchApp in the emulator blocks its calling thread while the
 * request is in flight, so the servers must never share that thread.
 *
 *   const sb = await startSandboxes([{ kind: 'twilio' }, { kind: 'pax8' }]);
 *   sb.urls.twilio        // 'http://127.0.0.1:PORT'
 *   await sb.admin('twilio').faults([{ status: 429, retryAfter: 1 }]);
 *   await sb.stop();
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Fault, LoggedRequest } from './sandbox';
import type { SandboxSpec } from './registry';

export class SandboxAdmin {
  constructor(readonly url: string) {}

  private async call(method: string, what: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/__admin/${what}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Sandbox admin ${method} ${what} failed: ${res.status}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  state<T = unknown>(): Promise<T> {
    return this.call('GET', 'state') as Promise<T>;
  }
  setState(state: unknown): Promise<unknown> {
    return this.call('PUT', 'state', state);
  }
  reset(): Promise<unknown> {
    return this.call('POST', 'reset');
  }
  requests(): Promise<LoggedRequest[]> {
    return this.call('GET', 'requests') as Promise<LoggedRequest[]>;
  }
  clearRequests(): Promise<unknown> {
    return this.call('DELETE', 'requests');
  }
  faults(faults: Fault[]): Promise<unknown> {
    return this.call('POST', 'faults', { faults });
  }
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', 'faults');
  }
}

export interface RunningSandboxes {
  urls: Record<string, string>;
  admin(name: string): SandboxAdmin;
  stop(): Promise<void>;
}

export async function startSandboxes(specs: SandboxSpec[]): Promise<RunningSandboxes> {
  const worker = new Worker(path.join(__dirname, '..', '..', 'ts-worker.cjs'), {
    workerData: { specs, __entry: path.join(__dirname, 'worker-main.ts') },
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
    admin(name: string) {
      const url = urls[name];
      if (!url) throw new Error(`No sandbox named '${name}'`);
      return new SandboxAdmin(url);
    },
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
