/**
 * The Drive pick dialog (an HtmlService modal dialog the Import screen opens; the 300 px sidebar is too
 * narrow for Google's Picker). Everything Google-side happens in this page, in the person's own browser:
 * Google Identity Services issues a `drive.file` token to them (token model, `initTokenClient`), Google's
 * Picker lists their files, the Drive API (`files.get?alt=media`) returns the picked file's bytes. The
 * bytes go through the Import screen's chunked upload; the server hears only the upload and the file name.
 * The token lives in this page's memory, is revoked when the file is read, and is never sent to the server.
 */
import type { DrivePickOutcome } from '../src/api/drive-picker';
import {
  DRIVE_FILE_SCOPE,
  DRIVE_PICK_MIME_TYPES,
  PUBLIC_CONFIG_PATTERNS,
} from '../src/core/drive-picker-names';
import type { DrivePickDialog } from '../src/core/drive-picker';
import { actionButton, fill, h } from './dom';
import { call, readableError } from './rpc';
import { uploadBytes } from './upload';

export const GIS_SCRIPT = 'https://accounts.google.com/gsi/client';
export const GAPI_SCRIPT = 'https://apis.google.com/js/api.js';
export const DRIVE_FILES = 'https://www.googleapis.com/drive/v3/files';

/** The parts of Google's browser APIs this page uses (their published references). */
interface TokenResponse {
  access_token?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}
interface TokenClient {
  requestAccessToken(overrides?: { prompt?: string }): void;
}
interface PickerView {
  setMimeTypes(types: string): PickerView;
}
interface PickerBuilder {
  addView(view: PickerView): PickerBuilder;
  setOAuthToken(token: string): PickerBuilder;
  setDeveloperKey(key: string): PickerBuilder;
  setAppId(id: string): PickerBuilder;
  setOrigin(origin: string): PickerBuilder;
  setTitle(title: string): PickerBuilder;
  setCallback(fn: (data: Record<string, unknown>) => void): PickerBuilder;
  build(): { setVisible(visible: boolean): void };
}
interface GoogleApis {
  accounts?: {
    oauth2: {
      initTokenClient(config: {
        client_id: string;
        scope: string;
        callback: (r: TokenResponse) => void;
        error_callback?: (e: { type?: string; message?: string }) => void;
      }): TokenClient;
      hasGrantedAllScopes(r: TokenResponse, ...scopes: string[]): boolean;
      revoke(token: string, done?: () => void): void;
    };
  };
  picker?: {
    PickerBuilder: new () => PickerBuilder;
    DocsView: new (viewId?: string) => PickerView;
    ViewId: { DOCS: string };
    Action: { PICKED: string; CANCEL: string };
    Response: { ACTION: string; DOCUMENTS: string };
    Document: { ID: string; NAME: string };
  };
  script?: { host?: { origin?: string; close(): void } };
}

const googleApis = () => (window as unknown as { google?: GoogleApis }).google ?? {};
const gapi = () =>
  (
    window as unknown as {
      gapi?: { load(name: string, cb: { callback: () => void; onerror: () => void }): void };
    }
  ).gapi;

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`Google's script ${src} did not load (is the network blocked?)`));
    document.head.appendChild(s);
  });
}

/** The picked document, as the Picker's callback describes it. */
interface Picked {
  id: string;
  name: string;
}
const text = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.trim() !== '' && v.length <= max ? v : null;

/** Drive's error body: { error: { code, message } }. */
const driveErrorMessage = (body: unknown): string | null => {
  const error = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : null;
  const message =
    error !== null && typeof error === 'object' ? (error as { message?: unknown }).message : null;
  return text(message, 500);
};

/**
 * The dialog's configuration, from the server's template (checked with the same patterns the server's zod
 * schema uses; the dialog's bundle carries no zod).
 */
function dialogConfig(raw: string | undefined): DrivePickDialog | null {
  let v: unknown;
  try {
    v = JSON.parse(raw ?? 'null');
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const ok = (Object.keys(PUBLIC_CONFIG_PATTERNS) as Array<keyof typeof PUBLIC_CONFIG_PATTERNS>).every(
    (k) => typeof o[k] === 'string' && PUBLIC_CONFIG_PATTERNS[k].test(o[k]),
  );
  return ok ? (o as unknown as DrivePickDialog) : null;
}

async function start(root: HTMLElement): Promise<void> {
  const config = dialogConfig(root.dataset.config);
  if (!config) {
    fill(root, h('p', { class: 'problems' }, 'The Drive pick is not set up correctly: ask an admin.'));
    return;
  }
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading Google’s picker…');
  const problem = h('p', { class: 'problems', role: 'alert', hidden: true });
  let token: string | null = null;
  let finished = false;
  const say = (text: string) => fill(status, text);
  const fail = (text: string) => {
    problem.hidden = false;
    fill(problem, text);
    say('');
  };
  const close = () => googleApis().script?.host?.close();
  const dropToken = () => {
    const t = token;
    token = null;
    if (t) googleApis().accounts?.oauth2.revoke(t);
  };
  const finish = async (outcome: DrivePickOutcome) => {
    if (finished) return;
    finished = true;
    dropToken();
    await call('finishDrivePick', outcome);
    close();
  };

  const readPicked = async (doc: Picked) => {
    if (!token) return fail('Google did not give BillGrid access to Drive: choose again.');
    say(`Reading ${doc.name} from Google Drive…`);
    const res = await fetch(`${DRIVE_FILES}/${encodeURIComponent(doc.id)}?alt=media&supportsAllDrives=true`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) {
      const message = driveErrorMessage(await res.json().catch(() => null));
      return fail(
        `Google Drive refused to send ${doc.name} (${res.status}${message ? `: ${message}` : ''}).`,
      );
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    dropToken();
    const ref = await uploadBytes(doc.name, bytes, say, config.uploadId);
    await finish({ uploadId: config.uploadId, name: ref.name, count: ref.upload.count, as: ref.upload.as });
  };

  const showPicker = () => {
    const picker = googleApis().picker;
    if (!picker || !token) return fail('Google’s picker did not load: close this dialog and try again.');
    const view = new picker.DocsView(picker.ViewId.DOCS).setMimeTypes(DRIVE_PICK_MIME_TYPES.join(','));
    new picker.PickerBuilder()
      .addView(view)
      .setTitle('Choose a vendor file (.csv or .xlsx)')
      .setOAuthToken(token)
      .setDeveloperKey(config.apiKey)
      .setAppId(config.projectNumber)
      .setOrigin(googleApis().script?.host?.origin ?? window.location.origin)
      .setCallback((data) => {
        const action = data[picker.Response.ACTION];
        if (action === picker.Action.CANCEL) {
          say('No file picked. Choose again, or cancel.');
          return;
        }
        if (action !== picker.Action.PICKED) return;
        const docs = data[picker.Response.DOCUMENTS];
        const first: unknown = Array.isArray(docs) ? docs[0] : null;
        const f = first !== null && typeof first === 'object' ? (first as Record<string, unknown>) : {};
        const id = text(f[picker.Document.ID], 200);
        const name = text(f[picker.Document.NAME], 300);
        if (!id || !name) return fail('Google’s picker sent no file BillGrid can read.');
        readPicked({ id, name }).catch((e: unknown) => fail(readableError(e)));
      })
      .build()
      .setVisible(true);
    say('Choose the file in Google’s picker.');
  };

  const choose = actionButton(
    'Choose a file in Google Drive',
    async () => {
      problem.hidden = true;
      if (token) return showPicker();
      const oauth2 = googleApis().accounts?.oauth2;
      if (!oauth2) return fail('Google sign-in did not load: close this dialog and try again.');
      // Called in the click itself: Google opens its consent popup only on a user gesture.
      oauth2
        .initTokenClient({
          client_id: config.clientId,
          scope: DRIVE_FILE_SCOPE,
          callback: (r) => {
            if (r.error || !r.access_token)
              return fail(`Google did not give access: ${r.error_description ?? r.error ?? 'no token'}.`);
            if (!oauth2.hasGrantedAllScopes(r, DRIVE_FILE_SCOPE))
              return fail('Access to the files you pick was not granted: choose again and allow it.');
            token = r.access_token;
            showPicker();
          },
          error_callback: (e) =>
            fail(
              `Google sign-in did not open (${e.type ?? e.message ?? 'unknown'}): allow pop-ups and choose again.`,
            ),
        })
        .requestAccessToken();
    },
    { primary: true },
  );
  const cancel = actionButton('Cancel', async () => finish({ uploadId: config.uploadId, cancelled: true }), {
    subtle: true,
  });
  fill(
    root,
    h('h2', {}, 'Pick a vendor file from Google Drive'),
    h(
      'p',
      { class: 'hint' },
      'Google asks you to let BillGrid see the files you pick here, and no others. The file then goes through the same preview as an upload.',
    ),
    h('div', { class: 'actions' }, choose, cancel),
    status,
    problem,
  );
  choose.setAttribute('disabled', '');
  await Promise.all([loadScript(GIS_SCRIPT), loadScript(GAPI_SCRIPT)]);
  await new Promise<void>((resolve, reject) => {
    const g = gapi();
    if (!g) return reject(new Error('Google’s picker script did not load.'));
    g.load('picker', {
      callback: resolve,
      onerror: () => reject(new Error('Google’s picker did not load.')),
    });
  });
  choose.removeAttribute('disabled');
  say('');
}

const root = document.getElementById('drive-pick');
if (root)
  start(root).catch((e: unknown) => {
    fill(root, h('p', { class: 'problems', role: 'alert' }, readableError(e)));
  });
