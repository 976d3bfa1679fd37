/**
 * The Apps Script project the browser tests run, in a temp folder, built from the sources now so that a
 * stale or missing dist/ (shared with other work in this tree) cannot hide a change:
 * - sidebar.html with scripts/build.mjs's recipe (esbuild IIFE inlined into sidebar/index.html with
 *   sidebar/styles.css);
 * - Code.js from src/main.ts with scripts/build.mjs's webpack settings, unminified;
 * - appsscript.json from the repository root.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import webpack from 'webpack';
import GasPlugin from 'gas-webpack-plugin';

const ROOT = path.join(__dirname, '..', '..');

export async function buildSidebarHtml(entry = 'main.ts', shell = 'index.html'): Promise<string> {
  const dir = path.join(ROOT, 'sidebar');
  const js = await build({
    entryPoints: [path.join(dir, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
  });
  const css = fs.readFileSync(path.join(dir, 'styles.css'), 'utf8');
  let script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  // The dialog is a template (scripts/build.mjs): no `<?` or `?>` in its script.
  if (entry !== 'main.ts') script = script.replace(/<\?/g, '<\\x3f').replace(/\?>/g, '?\\x3e');
  return fs
    .readFileSync(path.join(dir, shell), 'utf8')
    .replace('<!-- STYLES -->', () => `<style>\n${css}</style>`)
    .replace('<!-- SCRIPT -->', () => `<script>\n${script}</script>`);
}

/**
 * Code.js from src/main.ts with scripts/build.mjs's webpack settings minus terser (seconds instead of
 * tens of seconds), cached by the sources' content so parallel suites and re-runs build it once.
 */
async function buildCode(outDir: string): Promise<void> {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) hash.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.join(ROOT, 'src'));
  const cached = path.join(os.tmpdir(), `billgrid-code-${hash.digest('hex').slice(0, 16)}.js`);
  if (!fs.existsSync(cached)) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-build-'));
    await webpackBuild(tmp);
    // Atomic: a parallel suite sees the whole file or none.
    fs.renameSync(path.join(tmp, 'Code.js'), `${cached}.${process.pid}`);
    fs.renameSync(`${cached}.${process.pid}`, cached);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.copyFileSync(cached, path.join(outDir, 'Code.js'));
}

function webpackBuild(outDir: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        context: ROOT,
        entry: path.join(ROOT, 'src', 'main.ts'),
        target: ['web', 'es2020'],
        devtool: false,
        output: { path: outDir, filename: 'Code.js', environment: { arrowFunction: true } },
        resolve: { extensions: ['.ts', '.js'] },
        module: { rules: [{ test: /\.ts$/, loader: 'esbuild-loader', options: { target: 'es2020' } }] },
        optimization: { minimize: false, concatenateModules: true, usedExports: true },
        performance: { hints: false },
        plugins: [new GasPlugin({ autoGlobalExportsFiles: [] })],
      },
      (err, stats) => {
        if (err) return reject(err);
        if (stats?.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
        resolve();
      },
    );
  });
}

export interface TestProject {
  dir: string;
  cleanup(): void;
}

export async function prepareTestProject(): Promise<TestProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-project-'));
  fs.writeFileSync(path.join(dir, 'sidebar.html'), await buildSidebarHtml());
  fs.writeFileSync(
    path.join(dir, 'drive-picker.html'),
    await buildSidebarHtml('drive-picker.ts', 'drive-picker.html'),
  );
  fs.copyFileSync(path.join(ROOT, 'appsscript.json'), path.join(dir, 'appsscript.json'));
  await buildCode(dir);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
