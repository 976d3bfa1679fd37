import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const specs = path.resolve(root, 'specs');

describe('appsscript.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'appsscript.json'), 'utf8')) as {
    runtimeVersion: string;
    timeZone: string;
    oauthScopes: string[];
    urlFetchWhitelist: string[];
  };

  it('validates against the published manifest schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(specs, 'appsscript.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // The schema's own description says urlFetchWhitelist holds "HTTPS URL prefixes" (as Google documents:
    // https, a host that may start with a *. wildcard, and a path ending in '/'), yet it tags the items
    // format "hostname", which no such prefix can satisfy. Check Google's documented rule instead.
    ajv.addFormat('hostname', /^https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+\/([^\s]*\/)?$/);
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('targets V8 with an explicit, minimal scope list', () => {
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.timeZone).toMatch(/^[A-Za-z_]+\/[A-Za-z_]+$/);
    // Broader scopes (all spreadsheets, Drive, full mail) need a written reason in the README first.
    const allowed = new Set([
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.scriptapp',
      'https://www.googleapis.com/auth/script.send_mail',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
    for (const scope of manifest.oauthScopes) expect(allowed.has(scope)).toBe(true);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const scope of manifest.oauthScopes) expect(readme).toContain(scope);
  });

  it('whitelists only the vendors HTTPS prefixes', () => {
    for (const prefix of manifest.urlFetchWhitelist) expect(prefix).toMatch(/^https:\/\/[a-z0-9.*-]+\/$/);
  });
});
