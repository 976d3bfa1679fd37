/**
 * The Apps Script project the browser tests run, in a temp folder:
 * - sidebar.html built from sidebar/ now, with scripts/build.mjs's recipe (esbuild IIFE inlined into
 *   sidebar/index.html with sidebar/styles.css), so a stale or missing dist/ cannot hide a change;
 * - Code.js: dist/Code.js when it exposes every sidebar API function, otherwise a bundle built with
 *   scripts/build.mjs's webpack settings from fixtures/entry.ts (menu, sidebar and sidebar API);
 * - appsscript.json from the repository root.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import webpack from 'webpack';
import GasPlugin from 'gas-webpack-plugin';
import { sidebarApi } from '../../src/api';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');

/** True when dist/Code.js has a top-level function for every sidebar API function. */
export function distExposesSidebarApi(): boolean {
  const file = path.join(DIST, 'Code.js');
  if (!fs.existsSync(file)) return false;
  const code = fs.readFileSync(file, 'utf8');
  return Object.keys(sidebarApi).every((name) => new RegExp(`^function ${name}\\(`, 'm').test(code));
}

export async function buildSidebarHtml(): Promise<string> {
  const dir = path.join(ROOT, 'sidebar');
  const js = await build({
    entryPoints: [path.join(dir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
  });
  const css = fs.readFileSync(path.join(dir, 'styles.css'), 'utf8');
  const script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  return fs
    .readFileSync(path.join(dir, 'index.html'), 'utf8')
    .replace('<!-- STYLES -->', () => `<style>\n${css}</style>`)
    .replace('<!-- SCRIPT -->', () => `<script>\n${script}</script>`);
}

function buildFallbackCode(outDir: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        context: ROOT,
        entry: path.join(__dirname, 'fixtures', 'entry.ts'),
        target: ['web', 'es2020'],
        devtool: false,
        output: { path: outDir, filename: 'Code.js', environment: { arrowFunction: true } },
        resolve: { extensions: ['.ts', '.js'] },
        module: { rules: [{ test: /\.ts$/, loader: 'esbuild-loader', options: { target: 'es2020' } }] },
        optimization: { minimize: false, concatenateModules: true },
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
  /** 'dist' or 'fallback entry'. */
  code: string;
  cleanup(): void;
}

export async function prepareTestProject(): Promise<TestProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-project-'));
  fs.writeFileSync(path.join(dir, 'sidebar.html'), await buildSidebarHtml());
  fs.copyFileSync(path.join(ROOT, 'appsscript.json'), path.join(dir, 'appsscript.json'));
  let code = 'dist';
  if (distExposesSidebarApi()) fs.copyFileSync(path.join(DIST, 'Code.js'), path.join(dir, 'Code.js'));
  else {
    code = 'fallback entry';
    await buildFallbackCode(dir);
  }
  return { dir, code, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
