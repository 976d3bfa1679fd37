/**
 * Typed, promise-based client over google.script.run. Only types come from src/api, so the sidebar
 * bundle carries no server code. Each call is one Apps Script execution; failures reject with an Error
 * whose message is the server's message without Apps Script's "Exception:" style prefixes.
 */
import type { ServerArgs, ServerFunctionName, ServerResult } from '../src/api';

/** Every server function the sidebar calls (src/api/functions.ts; src/main.ts exposes each as a global). */
export type { ServerApi as SidebarApi } from '../src/api';

type Handler = (value: unknown) => void;

interface ScriptRunner {
  withSuccessHandler(fn: Handler): ScriptRunner;
  withFailureHandler(fn: (error: unknown) => void): ScriptRunner;
  [fn: string]: unknown;
}

interface GoogleScript {
  run: ScriptRunner;
  host?: { close(): void; editor?: { focus(): void } };
}

function googleScript(): GoogleScript | null {
  const g = (window as unknown as { google?: { script?: GoogleScript } }).google;
  return g?.script?.run ? g.script : null;
}

/** Turns whatever the failure handler got into a sentence for the user. */
export function readableError(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const message = raw.replace(/^(?:(?:Exception|Error|TypeError|BillGrid|ScriptError):\s*)+/, '').trim();
  return message || 'Something went wrong in BillGrid. Please try again.';
}

/** Typed on the server function's argument schemas and result: `call('pullBillingMonth', 42)` fails to compile. */
export function call<K extends ServerFunctionName>(
  name: K,
  ...args: ServerArgs<K>
): Promise<ServerResult<K>> {
  return new Promise((resolve, reject) => {
    const script = googleScript();
    if (!script) {
      reject(new Error('BillGrid must be opened from Google Sheets (Extensions → BillGrid).'));
      return;
    }
    const runner = script.run
      .withSuccessHandler((value) => resolve(value as ServerResult<K>))
      .withFailureHandler((error) => reject(new Error(readableError(error))));
    const fn = runner[name];
    if (typeof fn !== 'function') {
      reject(new Error(`This version of BillGrid has no server function '${name}'.`));
      return;
    }
    (fn as (...a: unknown[]) => void).apply(runner, args);
  });
}

export function closeSidebar(): void {
  googleScript()?.host?.close();
}

export type Call = typeof call;
