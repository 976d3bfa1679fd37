/**
 * The google.script.* client the workbench injects into the sidebar HTML it serves: the same surface
 * HtmlService pages get on Google (run with success/failure handlers and user objects, host.close,
 * host.editor.focus), each run call sent to the workbench server as one execution.
 * Bundled by the workbench server at start-up; the endpoint comes from the script tag's data-endpoint.
 */
import { scriptRunArgs } from '../../gas/script-run';

type Handler = (value: unknown, userObject?: unknown) => void;
interface Options {
  success?: Handler;
  failure?: Handler;
  userObject?: unknown;
}
interface RunReply {
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}

const endpoint = (document.currentScript as HTMLScriptElement | null)?.dataset.endpoint ?? '/api/sidebar-run';
const post = (message: unknown) => window.parent.postMessage(message, window.location.origin);

function runCall(fn: string, args: unknown[], opts: Options): void {
  let sent: unknown[];
  try {
    sent = scriptRunArgs(args); // a Date or function argument fails here, as on Google
  } catch (e) {
    if (opts.failure) opts.failure(e, opts.userObject);
    else console.error(e);
    return;
  }
  fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fn, args: sent }),
  })
    .then((res) => res.json() as Promise<RunReply>)
    .then((out) => {
      post({ type: 'billgrid:executed' });
      if (out.ok) {
        opts.success?.(out.value, opts.userObject);
        return;
      }
      // Apps Script hands the failure handler an Error whose message is the server's error text.
      const err = new Error(out.error?.message ?? 'Unknown error');
      err.name = out.error?.name ?? 'Error';
      if (opts.failure) opts.failure(err, opts.userObject);
      else console.error(err);
    })
    .catch((e: unknown) => {
      const err = new Error(`NetworkError: Connection failure due to HTTP 0 (${String(e)})`);
      if (opts.failure) opts.failure(err, opts.userObject);
      else console.error(err);
    });
}

function makeRunner(opts: Options): unknown {
  return new Proxy(
    {},
    {
      get(_target, prop) {
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        if (prop === 'withSuccessHandler') return (fn: Handler) => makeRunner({ ...opts, success: fn });
        if (prop === 'withFailureHandler') return (fn: Handler) => makeRunner({ ...opts, failure: fn });
        if (prop === 'withUserObject') return (o: unknown) => makeRunner({ ...opts, userObject: o });
        return (...args: unknown[]) => runCall(prop, args, opts);
      },
    },
  );
}

(window as unknown as { google: unknown }).google = {
  script: {
    run: makeRunner({}),
    host: {
      origin: window.location.origin,
      close: () => post({ type: 'billgrid:close-sidebar' }),
      setHeight: () => undefined,
      setWidth: () => undefined,
      editor: { focus: () => post({ type: 'billgrid:focus-editor' }) },
    },
    url: {
      getLocation: (cb: (l: unknown) => void) => cb({ hash: '', parameter: {}, parameters: {} }),
    },
  },
};
