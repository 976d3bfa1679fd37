/** The workbench page and the google.script shim, bundled with esbuild when the server starts. */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export async function bundlePage(): Promise<{ page: string; shim: string }> {
  const dir = path.join(__dirname, 'page');
  const bundle = async (entry: string) => {
    const out = await build({
      entryPoints: [path.join(dir, entry)],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
    });
    return out.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  };
  const [main, shim] = await Promise.all([bundle('main.ts'), bundle('shim.ts')]);
  const css = fs.readFileSync(path.join(dir, 'styles.css'), 'utf8');
  const page = fs
    .readFileSync(path.join(dir, 'index.html'), 'utf8')
    .replace('<!-- STYLES -->', () => `<style>\n${css}</style>`)
    .replace('<!-- SCRIPT -->', () => `<script>\n${main}</script>`);
  return { page, shim };
}

/** The sidebar HTML as HtmlService produced it, with the google.script client added first. */
export function injectShim(html: string, shim: string, endpoint: string): string {
  const tag = `<script data-endpoint="${endpoint}">\n${shim}</script>`;
  const m = /<head[^>]*>/i.exec(html);
  if (m) return html.slice(0, m.index + m[0].length) + tag + html.slice(m.index + m[0].length);
  return tag + html;
}
