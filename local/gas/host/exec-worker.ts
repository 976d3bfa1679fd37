/**
 * Execution thread: for each job, loads the bundle in a fresh vm context whose globals are proxies to
 * the host's services, calls the function and reports the result. Every service call is a blocking RPC.
 * A thread runs one execution at a time; the host reuses idle threads for later executions.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadBundle } from '../bundle';
import {
  isHandleRef,
  type CallMessage,
  type DoneMessage,
  type ExecWorkerData,
  type HandleRef,
  type ReplyMessage,
} from './protocol';

type Job = ExecWorkerData & { port: MessagePort };
let data = workerData as Job;
let signal = new Int32Array(data.flag);
const REMOTE_ID = Symbol('remoteId');
let seq = 0;

class RemoteObject {
  constructor(
    readonly id: number,
    readonly cls: string,
  ) {}
}

function remote(ref: HandleRef): object {
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(new RemoteObject(ref.__gasHandle, ref.cls), {
    get(target, prop) {
      if (prop === REMOTE_ID) return target.id;
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      if (Object.prototype.hasOwnProperty.call(ref.props, prop)) return ref.props[prop];
      let fn = methods.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => call(target.id, prop, args);
        methods.set(prop, fn);
      }
      return fn;
    },
    set(target, prop, value) {
      if (typeof prop === 'symbol') return false;
      call(target.id, '__set__', [prop, value]);
      ref.props[prop] = value;
      return true;
    },
  });
}

function encode(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const id = (v as { [REMOTE_ID]?: number })[REMOTE_ID];
  if (typeof id === 'number') return { __gasHandle: id, cls: '', props: {} };
  if (Array.isArray(v)) return v.map(encode);
  return v;
}

function decode(v: unknown): unknown {
  if (isHandleRef(v)) return remote(v);
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The host posts the reply, raises the flag, then notifies. A thread that read the previous reply as
 * soon as the flag rose can be woken by that late notify while waiting for this call: an empty port
 * then means "not yet", so wait again. A stale reply (an earlier call's) is skipped.
 */
function awaitReply(want: number): ReplyMessage {
  for (;;) {
    const reply = receiveMessageOnPort(data.port)?.message as ReplyMessage | undefined;
    if (reply && reply.seq === want) return reply;
    if (reply && reply.seq < want) continue;
    if (reply) throw new Error('Emulator: lost the host connection');
    // Flag still down: sleep until the host raises it. Flag up but port empty: the reply is in transit.
    if (Atomics.wait(signal, 0, 0) === 'not-equal') Atomics.wait(pause, 0, 0, 1);
  }
}

function call(handle: number, method: string, args: unknown[]): unknown {
  const msg: CallMessage = { seq: ++seq, handle, method, args: args.map(encode) };
  Atomics.store(signal, 0, 0);
  data.port.postMessage(msg);
  const reply = awaitReply(msg.seq);
  if (!reply.ok) {
    const err = new Error(reply.error.message);
    err.name = reply.error.name;
    throw err;
  }
  return decode(reply.value);
}

function finish(msg: DoneMessage): void {
  try {
    parentPort?.postMessage(msg);
  } catch {
    // The result could not be cloned (functions, proxies): report it like google.script.run would.
    parentPort?.postMessage({ type: 'done', ok: true, result: null } satisfies DoneMessage);
  }
}

function runJob(job: Job): void {
  data = job;
  signal = new Int32Array(job.flag);
  try {
    const globals = Object.fromEntries(Object.entries(data.roots).map(([name, ref]) => [name, remote(ref)]));
    const bundle = loadBundle(data.code, globals, {
      filename: data.filename,
      check: data.check,
      timeZone: data.timeZone,
    });
    const result = bundle.call(data.functionName, ...data.args.map(decode));
    finish({ type: 'done', ok: true, result });
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    finish({
      type: 'done',
      ok: false,
      error: {
        name: typeof e?.name === 'string' ? e.name : 'Error',
        message: typeof e?.message === 'string' ? e.message : String(err),
        ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
      },
    });
  }
}

runJob(workerData as Job);
parentPort?.on('message', (job: Job) => runJob(job));
