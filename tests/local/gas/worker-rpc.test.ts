/**
 * The execution thread's blocking RPC under the host's real ordering: post the reply, raise the flag,
 * notify. A thread that takes reply N as soon as the flag rises can be woken by N's late notify while it
 * waits for N+1. That woke it to an empty port and failed the run with "lost the host connection" (seen
 * once in CI under load). This fake host puts a spurious notify in that window every time.
 */
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { CallMessage, DoneMessage, ExecWorkerData } from '../../../local/gas/host/protocol';

const nextMessage = (port: MessageChannel['port1']): Promise<CallMessage> =>
  new Promise((resolve) => port.once('message', resolve));
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a late notify from the previous reply does not lose the next call', async () => {
  const flag = new SharedArrayBuffer(4);
  const signal = new Int32Array(flag);
  const { port1, port2 } = new MessageChannel();
  const job: ExecWorkerData & { port: typeof port2 } = {
    __entry: path.join(__dirname, '../../../local/gas/host/exec-worker.ts'),
    code: 'function main() { return Svc.first() + Svc.second(); }',
    filename: 'Code.js',
    functionName: 'main',
    args: [],
    roots: { Svc: { __gasHandle: 1, cls: 'Svc', props: {} } },
    flag,
    check: false,
    kind: 'direct',
    timeZone: 'UTC',
    port: port2,
  };
  const worker = new Worker(path.join(__dirname, '../../../local/ts-worker.cjs'), {
    workerData: job,
    transferList: [port2],
  });
  const done = new Promise<DoneMessage>((resolve) => worker.once('message', resolve));
  try {
    const first = await nextMessage(port1);
    expect(first.method).toBe('first');
    const second = nextMessage(port1);
    port1.postMessage({ seq: first.seq, ok: true, value: 'a' });
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
    const call2 = await second;
    expect(call2.method).toBe('second');
    await tick(50);
    // The first reply's notify arriving late, once the thread already waits on its second call
    // (what the thread sees when it took the reply between the host's flag and its notify).
    Atomics.notify(signal, 0);
    await tick(50);
    port1.postMessage({ seq: call2.seq, ok: true, value: 'b' });
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
    const outcome = await done;
    expect(outcome).toEqual({ type: 'done', ok: true, result: 'ab' });
  } finally {
    port1.close();
    await worker.terminate();
  }
}, 30_000);
