/**
 * `npm run build` emits the private Editor add-on's project (dist-addon/) beside the bound script's (dist/):
 * the same bundle, sidebar and manifest, with nothing only a bound script may use (docs/SECURITY.md).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const read = (dir: string, f: string) => fs.readFileSync(path.join(root, dir, f), 'utf8');

describe('the add-on build', () => {
  it('holds the bound project’s files, unchanged', () => {
    for (const f of ['Code.js', 'sidebar.html', 'drive-picker.html', 'appsscript.json'])
      expect(read('dist-addon', f)).toBe(read('dist', f));
  });

  it('builds the Drive pick dialog as a template whose only scriptlet is its configuration', () => {
    // HtmlService templates read `<?` … `?>` as scriptlets: the inlined script must hold none.
    const html = read('dist', 'drive-picker.html');
    expect(html.match(/<\?/g)).toEqual(['<?']);
    expect(html.match(/\?>/g)).toEqual(['?>']);
    expect(html).toContain('data-config="<?= config ?>"');
  });

  it('has a manifest an Editor add-on accepts: no macros, no web app, no card add-on section', () => {
    const manifest = JSON.parse(read('dist-addon', 'appsscript.json')) as Record<string, unknown>;
    expect(
      Object.keys(manifest).filter((k) => ['sheets', 'webapp', 'executionApi', 'addOns'].includes(k)),
    ).toEqual([]);
    expect(manifest.oauthScopes).toContain('https://www.googleapis.com/auth/spreadsheets.currentonly');
  });

  it('exposes no trigger handler to google.script.run (private names end in _)', () => {
    const code = read('dist-addon', 'Code.js');
    for (const name of ['runScheduledMonth', 'runNightlySync', 'continueJob']) {
      expect(code).toMatch(new RegExp(`function ${name}_\\(`));
      expect(code).not.toMatch(new RegExp(`^function ${name}\\(`, 'm'));
    }
  });
});
