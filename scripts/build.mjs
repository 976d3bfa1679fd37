// Builds the Apps Script project into dist/: Code.js (webpack + esbuild-loader + gas-webpack-plugin),
// sidebar.html (esbuild bundle inlined into one self-contained file) and appsscript.json.
import { build as esbuild } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';
import GasPlugin from 'gas-webpack-plugin';
import TerserPlugin from 'terser-webpack-plugin';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

const serverConfig = {
  mode: 'production',
  context: root,
  entry: './src/main.ts',
  target: ['web', 'es2020'],
  devtool: false,
  output: { path: dist, filename: 'Code.js', environment: { arrowFunction: true } },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, loader: 'esbuild-loader', options: { target: 'es2020' } }],
  },
  // Dead code (e.g. zod's unused locales) is dropped, names are kept and the output stays readable:
  // Apps Script stack traces and reviewers both benefit.
  optimization: {
    concatenateModules: true,
    usedExports: true,
    minimize: true,
    minimizer: [
      new TerserPlugin({
        extractComments: false,
        terserOptions: {
          ecma: 2020,
          compress: { passes: 2, keep_fargs: true },
          mangle: false,
          keep_fnames: true,
          keep_classnames: true,
          format: { beautify: true, comments: false },
        },
      }),
    ],
  },
  performance: { hints: false },
  plugins: [new GasPlugin({ autoGlobalExportsFiles: [] })],
};

await new Promise((resolve, reject) => {
  webpack(serverConfig, (err, stats) => {
    if (err) return reject(err);
    if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
    resolve();
  });
});

// Sidebar and the Drive pick dialog: each one HTML file with its script and styles inlined (HtmlService
// serves no separate assets).
const sidebarDir = path.join(root, 'sidebar');
const css = fs.readFileSync(path.join(sidebarDir, 'styles.css'), 'utf8');
async function page(entry, shellFile, outFile, template = false) {
  const js = await esbuild({
    entryPoints: [path.join(sidebarDir, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
  });
  const shell = fs.readFileSync(path.join(sidebarDir, shellFile), 'utf8');
  let script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  // A template (HtmlService.createTemplateFromFile) reads `<?` … `?>` as scriptlets: in the script they can
  // only stand in regular expressions or strings, where \x3f and \x3e mean the same characters.
  if (template) script = script.replace(/<\?/g, '<\\x3f').replace(/\?>/g, '?\\x3e');
  const html = shell
    .replace('<!-- STYLES -->', () => `<style>\n${css}</style>`)
    .replace('<!-- SCRIPT -->', () => `<script>\n${script}</script>`);
  fs.writeFileSync(path.join(dist, outFile), html);
}
await page('main.ts', 'index.html', 'sidebar.html');
await page('drive-picker.ts', 'drive-picker.html', 'drive-picker.html', true);
fs.copyFileSync(path.join(root, 'appsscript.json'), path.join(dist, 'appsscript.json'));

const size = (f) => `${(fs.statSync(path.join(dist, f)).size / 1024).toFixed(1)} KiB`;
console.log(
  `dist/Code.js ${size('Code.js')}, dist/sidebar.html ${size('sidebar.html')}, dist/drive-picker.html ${size('drive-picker.html')}, dist/appsscript.json`,
);

// The private Editor add-on (docs/SECURITY.md): the same files in their own folder, pushed to a
// standalone project (README, "Deploying"). An Editor add-on with an HTML sidebar takes the same manifest:
// the manifest's `addOns` section describes card-based Workspace add-ons, which BillGrid is not, and the
// manifest holds nothing that only a bound script may use (no `sheets.macros`).
const addonDist = path.join(root, 'dist-addon');
fs.rmSync(addonDist, { recursive: true, force: true });
fs.mkdirSync(addonDist, { recursive: true });
for (const f of ['Code.js', 'sidebar.html', 'drive-picker.html', 'appsscript.json'])
  fs.copyFileSync(path.join(dist, f), path.join(addonDist, f));
console.log('dist-addon/ (the same project for the private Editor add-on)');
