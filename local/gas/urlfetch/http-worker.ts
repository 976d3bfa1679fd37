/**
 * Helper thread for synchronous UrlFetchApp in-process: receives a batch, performs it in parallel,
 * posts the results back and wakes the blocked caller through the shared flag.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { performAll } from './http-core';
import type { UrlMap, WireRequest } from './wire';

const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);

port.on('message', (msg: { seq: number; reqs: WireRequest[]; map: UrlMap }) => {
  performAll(msg.reqs, msg.map)
    .then((results) => port.postMessage({ seq: msg.seq, results }))
    .catch((err: unknown) =>
      port.postMessage({ seq: msg.seq, error: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
