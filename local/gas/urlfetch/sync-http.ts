/**
 * Synchronous HTTP for the in-process emulator: the calling thread posts the batch to one helper
 * thread per process and blocks on Atomics.wait until the helper has the answers. Servers the bundle
 * talks to must therefore run on another thread (see startInWorker) or process.
 */
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { UrlMap, WireRequest, WireResult } from './wire';

interface Helper {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

let helper: Helper | null = null;
/** Numbers each batch: a late answer to an earlier batch (its caller gave up waiting) is never taken for this one's. */
let batchSeq = 0;

function startHelper(): Helper {
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, '..', '..', 'ts-worker.cjs'), {
    workerData: { __entry: path.join(__dirname, 'http-worker.ts'), port: port2, flag },
    transferList: [port2],
  });
  worker.unref();
  worker.on('error', () => {
    helper = null;
  });
  worker.on('exit', () => {
    helper = null;
  });
  return { worker, port: port1, signal: new Int32Array(flag) };
}

export function requestAllSync(reqs: WireRequest[], map: UrlMap): WireResult[] {
  if (reqs.length === 0) return [];
  helper ??= startHelper();
  const h = helper;
  const seq = ++batchSeq;
  Atomics.store(h.signal, 0, 0);
  h.port.postMessage({ seq, reqs, map });
  // Each request times out on the helper by itself; this only guards against a dead helper thread.
  const waitMs = Math.max(...reqs.map((r) => r.timeoutMs)) * 2 + 10_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(h.signal, 0, 0, left) === 'timed-out') {
      throw new Error('Emulator: the HTTP helper thread did not answer in time.');
    }
    // Cleared before draining: an answer posted after this sets the flag again (the helper posts, then
    // sets it), so the next wait returns at once instead of missing it.
    Atomics.store(h.signal, 0, 0);
    for (;;) {
      const msg = receiveMessageOnPort(h.port)?.message as HelperAnswer | undefined;
      if (!msg) break;
      if (msg.seq !== seq) continue; // a late answer to an earlier batch whose caller gave up
      if (!msg.results) throw new Error(`Emulator: HTTP helper failed: ${msg.error ?? 'no answer'}`);
      if (msg.results.length !== reqs.length)
        throw new Error('Emulator: the HTTP helper answered a different batch of requests.');
      return msg.results;
    }
  }
}

interface HelperAnswer {
  seq: number;
  results?: WireResult[];
  error?: string;
}

/** Stops the helper thread (it is unref'd, so this is only needed for tidy shutdowns). */
export async function stopHttpHelper(): Promise<void> {
  const h = helper;
  helper = null;
  if (h) await h.worker.terminate();
}
