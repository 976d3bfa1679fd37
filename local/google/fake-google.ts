/**
 * Fakes of the three Google browser APIs the Drive pick dialog uses, and the Drive files.get it calls,
 * built from Google's published references (sources: src/connectors/sources/csv/SOURCES.md, "Google
 * Drive"). Only the subset BillGrid uses, and strict: a call Google documents as required but missing
 * (client id, scope, developer key, OAuth token, app id) fails; a request without a valid Bearer token,
 * or for a file the user did not pick with this app (the `drive.file` rule), is refused as Drive does.
 *
 * `handle` answers requests to accounts.google.com, apis.google.com, docs.google.com and
 * www.googleapis.com; tests serve it to the browser with Playwright's `context.route` (`routeFakeGoogle`),
 * so the page loads these fakes where it would load Google's scripts.
 */
import crypto from 'node:crypto';
import type { BrowserContext, Route } from 'playwright-core';

export interface FakeDriveFile {
  id: string;
  name: string;
  mimeType: string;
  bytes: Buffer;
}

export interface FakeGoogleOptions {
  /** The OAuth client id registered in the fake Cloud project (its leading digits are the project number). */
  clientId: string;
  apiKey: string;
  projectNumber: string;
  files: FakeDriveFile[];
}

export interface FakeReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
const TOKEN_SECONDS = 3599;

interface Token {
  clientId: string;
  scope: string[];
  expiresAt: number;
  revoked: boolean;
}

export class FakeGoogle {
  readonly tokens = new Map<string, Token>();
  /** drive.file grants: project number → file ids the user picked with that app. */
  readonly grants = new Map<string, Set<string>>();
  /** Every request answered: method, URL without query, status (for tests). */
  readonly log: Array<{ method: string; url: string; status: number; auth: string | null }> = [];

  constructor(readonly options: FakeGoogleOptions) {}

  handle(req: FakeRequest): FakeReply {
    const reply = this.answer(req);
    const url = new URL(req.url);
    this.log.push({
      method: req.method,
      url: `${url.origin}${url.pathname}`,
      status: reply.status,
      auth: req.headers.authorization ?? null,
    });
    return reply;
  }

  private answer(req: FakeRequest): FakeReply {
    const url = new URL(req.url);
    if (req.method === 'OPTIONS') return cors(204, '');
    const at = `${url.host}${url.pathname}`;
    if (at === 'accounts.google.com/gsi/client') return script(GIS_FAKE);
    if (at === 'apis.google.com/js/api.js') return script(GAPI_FAKE);
    if (at === 'accounts.google.com/fake/token') return this.issueToken(req);
    if (at === 'accounts.google.com/fake/revoke') return this.revoke(req);
    if (at === 'docs.google.com/fake/picker/files') return this.pickerFiles(req, url);
    if (at === 'docs.google.com/fake/picker/pick') return this.pick(req);
    const file = /^www\.googleapis\.com\/drive\/v3\/files\/([^/]+)$/.exec(at);
    if (file && req.method === 'GET') return this.filesGet(req, url, decodeURIComponent(file[1]));
    return driveError(404, 'notFound', `Not Found: ${url.pathname}`);
  }

  /** Google Identity Services' token model: a token for the registered client with the scopes asked for. */
  private issueToken(req: FakeRequest): FakeReply {
    const body = jsonBody(req.body);
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    const scope = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [];
    if (clientId !== this.options.clientId)
      return json(200, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    if (scope.length === 0) return json(200, { error: 'invalid_scope', error_description: 'Missing scope.' });
    const token = `ya29.fake-${crypto.randomBytes(18).toString('base64url')}`;
    this.tokens.set(token, { clientId, scope, expiresAt: Date.now() + TOKEN_SECONDS * 1000, revoked: false });
    return json(200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: TOKEN_SECONDS,
      scope: scope.join(' '),
    });
  }

  private revoke(req: FakeRequest): FakeReply {
    const body = jsonBody(req.body);
    const t = typeof body.token === 'string' ? this.tokens.get(body.token) : undefined;
    if (t) t.revoked = true;
    return json(200, { successful: Boolean(t) });
  }

  /** The bearer token of a request, if valid; else the reply Drive gives. */
  private bearer(req: FakeRequest): { token: Token } | { refused: FakeReply } {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(auth);
    if (!m)
      return {
        refused: driveError(
          401,
          'required',
          'Request is missing required authentication credential. Expected OAuth 2 access token.',
        ),
      };
    const t = this.tokens.get(m[1]);
    if (!t || t.revoked || t.expiresAt < Date.now())
      return { refused: driveError(401, 'authError', 'Invalid Credentials') };
    return { token: t };
  }

  private projectOf(t: Token): string {
    return t.clientId.split('-')[0] ?? '';
  }

  /** What the fake Picker lists: the user's files of the view's MIME types (needs the developer key). */
  private pickerFiles(req: FakeRequest, url: URL): FakeReply {
    if (url.searchParams.get('key') !== this.options.apiKey)
      return driveError(403, 'keyInvalid', 'The API developer key is invalid.');
    const b = this.bearer(req);
    if ('refused' in b) return b.refused;
    const types = (url.searchParams.get('mimeTypes') ?? '').split(',').filter(Boolean);
    return json(200, {
      files: this.options.files
        .filter((f) => types.length === 0 || types.includes(f.mimeType))
        .map((f) => ({ id: f.id, name: f.name, mimeType: f.mimeType, sizeBytes: f.bytes.length })),
    });
  }

  /** The user picks a file: Google grants the app (the project number set as app id) that file. */
  private pick(req: FakeRequest): FakeReply {
    const b = this.bearer(req);
    if ('refused' in b) return b.refused;
    const body = jsonBody(req.body);
    const appId = typeof body.appId === 'string' ? body.appId : '';
    const fileId = typeof body.fileId === 'string' ? body.fileId : '';
    if (appId !== this.options.projectNumber || appId !== this.projectOf(b.token))
      return driveError(403, 'forbidden', 'The app id is not the project number of the OAuth client.');
    if (!this.options.files.some((f) => f.id === fileId))
      return driveError(404, 'notFound', 'File not found.');
    const set = this.grants.get(appId) ?? new Set<string>();
    set.add(fileId);
    this.grants.set(appId, set);
    return json(200, { ok: true });
  }

  /** Drive API v3 files.get: metadata, or the content with alt=media; drive.file sees picked files only. */
  private filesGet(req: FakeRequest, url: URL, id: string): FakeReply {
    const b = this.bearer(req);
    if ('refused' in b) return b.refused;
    const readable = [
      DRIVE_FILE_SCOPE,
      'https://www.googleapis.com/auth/drive',
      'https://www.googleapis.com/auth/drive.readonly',
    ];
    if (!b.token.scope.some((s) => readable.includes(s)))
      return driveError(
        403,
        'insufficientPermissions',
        'Insufficient Permission: Request had insufficient authentication scopes.',
      );
    const file = this.options.files.find((f) => f.id === id);
    const granted = this.grants.get(this.projectOf(b.token))?.has(id) ?? false;
    const broad = b.token.scope.some((s) => s !== DRIVE_FILE_SCOPE && readable.includes(s));
    if (!file || (!granted && !broad)) return driveError(404, 'notFound', `File not found: ${id}.`);
    if (url.searchParams.get('alt') !== 'media')
      return json(200, { kind: 'drive#file', id: file.id, name: file.name, mimeType: file.mimeType });
    if (file.mimeType.startsWith('application/vnd.google-apps.'))
      return driveError(
        403,
        'fileNotDownloadable',
        'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      );
    return { status: 200, headers: { ...CORS, 'content-type': file.mimeType }, body: file.bytes };
  }
}

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
};
const cors = (status: number, body: string): FakeReply => ({ status, headers: CORS, body });
const json = (status: number, value: unknown): FakeReply => ({
  status,
  headers: { ...CORS, 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(value),
});
const script = (text: string): FakeReply => ({
  status: 200,
  headers: { ...CORS, 'content-type': 'text/javascript; charset=utf-8' },
  body: text,
});
/** Drive's error body (Drive API "Resolve errors"). */
const driveError = (code: number, reason: string, message: string): FakeReply =>
  json(code, { error: { code, message, errors: [{ domain: 'global', reason, message }] } });

function jsonBody(body: string | null): Record<string, unknown> {
  try {
    const v = JSON.parse(body ?? '{}') as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Serves the fakes to every page of a browser context in place of Google's hosts. */
export async function routeFakeGoogle(context: BrowserContext, fake: FakeGoogle): Promise<void> {
  const handler = async (route: Route) => {
    const r = route.request();
    const reply = fake.handle({
      method: r.method(),
      url: r.url(),
      headers: await r.allHeaders(),
      body: r.postData(),
    });
    await route.fulfill({ status: reply.status, headers: reply.headers, body: reply.body });
  };
  await context.route(
    /^https:\/\/(accounts\.google\.com|apis\.google\.com|docs\.google\.com|www\.googleapis\.com)\//,
    handler,
  );
}

/**
 * google.accounts.oauth2 (Google Identity Services, token model; "JavaScript API reference"):
 * initTokenClient needs client_id, scope and callback; requestAccessToken opens Google's consent popup,
 * which browsers allow only on a user gesture (else error_callback with popup_failed_to_open); the
 * callback gets a TokenResponse (access_token, expires_in, scope, token_type, or error); hasGrantedAllScopes
 * and revoke as documented. The consent itself is granted at once.
 */
const GIS_FAKE = String.raw`(function () {
  var g = (window.google = window.google || {});
  g.accounts = g.accounts || {};
  function required(config, name, type) {
    if (!config || typeof config[name] !== type || config[name] === '')
      throw new Error('Missing required parameter ' + name + '.');
  }
  g.accounts.oauth2 = {
    initTokenClient: function (config) {
      required(config, 'client_id', 'string');
      required(config, 'scope', 'string');
      required(config, 'callback', 'function');
      return {
        requestAccessToken: function (overrides) {
          if (!navigator.userActivation || !navigator.userActivation.isActive) {
            if (config.error_callback) config.error_callback({ type: 'popup_failed_to_open', message: 'Failed to open popup window' });
            return;
          }
          var scope = (overrides && overrides.scope) || config.scope;
          fetch('https://accounts.google.com/fake/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ client_id: config.client_id, scope: scope }),
          })
            .then(function (r) { return r.json(); })
            .then(function (resp) { config.callback(resp); })
            .catch(function (e) {
              if (config.error_callback) config.error_callback({ type: 'unknown', message: String(e) });
            });
        },
      };
    },
    hasGrantedAllScopes: function (resp) {
      var granted = ((resp && resp.scope) || '').split(' ');
      for (var i = 1; i < arguments.length; i++) if (granted.indexOf(arguments[i]) < 0) return false;
      return arguments.length > 1;
    },
    revoke: function (token, done) {
      fetch('https://accounts.google.com/fake/revoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: token }),
      })
        .then(function (r) { return r.json(); })
        .then(function (r) { if (done) done({ successful: r.successful }); });
    },
  };
})();`;

/**
 * gapi.load('picker', …) and google.picker (Google Picker API reference: PickerBuilder, DocsView, ViewId,
 * Action, Response, Document). build() refuses a picker without a view, callback, OAuth token, developer
 * key or app id (setAppId: "required for the drive.file scope"). The picker is a plain overlay listing the
 * user's files of the view's MIME types; picking one grants it to the app (drive.file) and calls back
 * with { action: 'picked', docs: [{ id, name, mimeType, sizeBytes }] }; Cancel calls back with 'cancel'.
 */
const GAPI_FAKE = String.raw`(function () {
  function install() {
    var g = (window.google = window.google || {});
    var P = (g.picker = {});
    P.ViewId = { DOCS: 'all', SPREADSHEETS: 'spreadsheets', FOLDERS: 'folders' };
    P.Action = { PICKED: 'picked', CANCEL: 'cancel', LOADED: 'loaded' };
    P.Response = { ACTION: 'action', DOCUMENTS: 'docs' };
    P.Document = { ID: 'id', NAME: 'name', MIME_TYPE: 'mimeType', SIZE_BYTES: 'sizeBytes' };
    function DocsView(viewId) {
      this.viewId = viewId || P.ViewId.DOCS;
      this.mimeTypes = '';
    }
    DocsView.prototype.setMimeTypes = function (m) { this.mimeTypes = String(m); return this; };
    DocsView.prototype.setIncludeFolders = function () { return this; };
    DocsView.prototype.setSelectFolderEnabled = function () { return this; };
    P.DocsView = DocsView;
    function PickerBuilder() { this.views = []; }
    var B = PickerBuilder.prototype;
    B.addView = function (v) { this.views.push(typeof v === 'string' ? new DocsView(v) : v); return this; };
    B.setOAuthToken = function (t) { this.token = t; return this; };
    B.setDeveloperKey = function (k) { this.key = k; return this; };
    B.setAppId = function (a) { this.appId = a; return this; };
    B.setOrigin = function (o) { this.origin = o; return this; };
    B.setTitle = function (t) { this.title = t; return this; };
    B.setCallback = function (f) { this.callback = f; return this; };
    B.build = function () {
      if (!this.views.length) throw new Error('Picker: no view was added.');
      if (typeof this.callback !== 'function') throw new Error('Picker: no callback was set.');
      if (!this.token) throw new Error('Picker: an OAuth token is required (setOAuthToken).');
      if (!this.key) throw new Error('Picker: a developer key is required (setDeveloperKey).');
      if (!this.appId) throw new Error('Picker: the app id is required for the drive.file scope (setAppId).');
      var b = this;
      return {
        setVisible: function (visible) { if (visible) show(b); },
        dispose: function () {},
      };
    };
    P.PickerBuilder = PickerBuilder;
  }
  function show(b) {
    var auth = { Authorization: 'Bearer ' + b.token };
    var box = document.createElement('div');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'Google Picker');
    box.style.cssText = 'position:fixed;inset:10px;background:#fff;border:1px solid #888;padding:12px;overflow:auto;z-index:1000';
    var h = document.createElement('h2');
    h.textContent = b.title || 'Select a file';
    box.appendChild(h);
    var list = document.createElement('ul');
    box.appendChild(list);
    var cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.onclick = function () { box.remove(); b.callback({ action: 'cancel' }); };
    box.appendChild(cancel);
    document.body.appendChild(box);
    var types = b.views.map(function (v) { return v.mimeTypes; }).join(',');
    fetch('https://docs.google.com/fake/picker/files?key=' + encodeURIComponent(b.key) + '&mimeTypes=' + encodeURIComponent(types), { headers: auth })
      .then(function (r) { return r.json(); })
      .then(function (r) {
        if (r.error) { var p = document.createElement('p'); p.textContent = r.error.message; box.insertBefore(p, list); return; }
        b.callback({ action: 'loaded' });
        r.files.forEach(function (f) {
          var li = document.createElement('li');
          var btn = document.createElement('button');
          btn.type = 'button';
          btn.textContent = f.name;
          btn.onclick = function () {
            fetch('https://docs.google.com/fake/picker/pick', {
              method: 'POST',
              headers: { Authorization: auth.Authorization, 'Content-Type': 'application/json' },
              body: JSON.stringify({ fileId: f.id, appId: b.appId }),
            })
              .then(function (r) { return r.json(); })
              .then(function (r) {
                if (r.error) { var p = document.createElement('p'); p.textContent = r.error.message; box.insertBefore(p, list); return; }
                box.remove();
                b.callback({ action: 'picked', docs: [{ id: f.id, name: f.name, mimeType: f.mimeType, sizeBytes: f.sizeBytes }] });
              });
          };
          li.appendChild(btn);
          list.appendChild(li);
        });
      });
  }
  window.gapi = {
    load: function (name, cb) {
      if (name !== 'picker') throw new Error('gapi.load: this fake knows only "picker", not ' + name);
      setTimeout(function () {
        install();
        if (typeof cb === 'function') cb();
        else if (cb && typeof cb.callback === 'function') cb.callback();
      }, 0);
    },
  };
})();`;
