/**
 * The built bundle itself (dist/Code.js, `npm run build` first) in a vm context holding only the
 * emulator's Apps Script globals: every entry point src/main.ts declares is a real top-level function,
 * the smoke flow works (onOpen builds the add-on menu, the menu opens the sidebar), and nothing from
 * Node leaks in — proven on a deliberately bad copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {
  GasRuntime,
  LocalHost,
  assertBundleIsClean,
  createGasEnvironment,
  createState,
  loadBundle,
} from '../../local/gas';
import { sidebarApi } from '../../src/api';

const root = path.resolve(__dirname, '..', '..');
const code = fs.readFileSync(path.join(root, 'dist', 'Code.js'), 'utf8');
const declared = [
  ...fs.readFileSync(path.join(root, 'src', 'main.ts'), 'utf8').matchAll(/^global\.(\w+) = /gm),
].map((m) => m[1]);

describe('dist/Code.js', () => {
  it('declares every entry point of src/main.ts as a top-level function, including the whole sidebar API', () => {
    expect(declared.length).toBeGreaterThan(20);
    for (const name of Object.keys(sidebarApi)) expect(declared).toContain(name);
    const env = createGasEnvironment(createState());
    const bundle = loadBundle(code, env.globals);
    for (const name of declared) {
      expect(code).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
      expect(bundle.functions).toContain(name);
    }
  });

  it('is clean: no require, process, timers, fetch or Buffer', () => {
    expect(() => assertBundleIsClean(code)).not.toThrow();
  });

  it('fails the check when something from Node leaks in (a deliberately bad copy)', () => {
    for (const leak of ['require("fs")', 'process.env.X', 'setTimeout(f, 1)', 'fetch(u)', 'Buffer.from(s)']) {
      const bad = `${code}\nfunction leaky(u, s, f) { return ${leak}; }\n`;
      expect(() => assertBundleIsClean(bad)).toThrow();
      const env = createGasEnvironment(createState());
      const loaded = loadBundle(bad, env.globals, { check: false });
      expect(() => loaded.call('leaky', 'https://x', 's', () => 0)).toThrow(/is not defined/);
    }
  });

  it('onOpen builds the add-on menu and its first item opens the sidebar', () => {
    const host = new LocalHost(GasRuntime.create({}, { bundleDir: path.join(root, 'dist') }), code);
    expect(host.run('onOpen', [], { kind: 'simple-trigger' }).ok).toBe(true);
    const menus = host.state.ui.menus;
    expect(menus).toHaveLength(1);
    const items = JSON.stringify(menus[0]);
    expect(items).toContain('Open BillGrid');
    expect(items).toContain('openSidebar');
    const opened = host.run('openSidebar', [], { kind: 'menu' });
    expect(opened.error).toBeNull();
    const sidebar = host.state.ui.sidebar;
    expect(sidebar?.title).toBe('BillGrid');
    expect(sidebar?.html).toBe(fs.readFileSync(path.join(root, 'dist', 'sidebar.html'), 'utf8'));
  });
  it('builds few validation schemas when it loads: every execution (each sidebar call, each trigger) runs its top level', () => {
    // zod gives each schema (and each check on one) its `_zod` internals with Object.defineProperty: counted in a
    // realm of the bundle's own while its top level runs. Top-level schemas are z.lazy(), built on first use;
    // built eagerly, 2,994 were made at every load (about 40 of the 55 ms a load took in Node).
    const context = vm.createContext({ built: 0 });
    vm.runInContext(
      `(function (define) {
        Object.defineProperty = function (o, k, d) { if (k === '_zod') built++; return define(o, k, d); };
      })(Object.defineProperty);`,
      context,
    );
    vm.runInContext(code, context, { filename: 'Code.js' });
    const built = (context as { built: number }).built;
    expect(built).toBeGreaterThan(0);
    expect(built).toBeLessThan(1200);
  });
});
