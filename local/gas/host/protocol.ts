/**
 * Synchronous RPC between an execution's worker thread and the host thread.
 * The worker posts a call and blocks on Atomics.wait; the host answers (possibly much later, e.g.
 * when a lock frees up), posts the reply on the same port, then sets the flag and notifies. The worker
 * wakes and takes the reply with receiveMessageOnPort. Service objects travel as handles.
 */
import type { ExecutionKind } from '../execution';

export interface HandleRef {
  __gasHandle: number;
  cls: string;
  /** Data properties visible on the object (enums like SpreadsheetApp.DataValidationCriteria). */
  props: Record<string, unknown>;
}

export interface CallMessage {
  seq: number;
  handle: number;
  /** Method name, or '__set__' to assign a property (HtmlTemplate variables). */
  method: string;
  args: unknown[];
}

export type ReplyMessage =
  | { seq: number; ok: true; value: unknown }
  | { seq: number; ok: false; error: { name: string; message: string } };

export interface ExecWorkerData {
  __entry: string;
  code: string;
  filename: string;
  functionName: string;
  args: unknown[];
  roots: Record<string, HandleRef>;
  flag: SharedArrayBuffer;
  check: boolean;
  kind: ExecutionKind;
  /** The script's time zone: the bundle's local time. */
  timeZone: string;
}

export type DoneMessage =
  | { type: 'done'; ok: true; result: unknown }
  | { type: 'done'; ok: false; error: { name: string; message: string; stack?: string } };

export function isHandleRef(v: unknown): v is HandleRef {
  return (
    typeof v === 'object' && v !== null && typeof (v as { __gasHandle?: unknown }).__gasHandle === 'number'
  );
}
