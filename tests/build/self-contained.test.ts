/**
 * The repository stands alone: nothing under src, local, tests, scripts or sidebar reaches outside it
 * (e.g. a spec read from a folder beside the clone). Specs a test needs are vendored in specs/.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const FOLDERS = ['src', 'local', 'tests', 'scripts', 'sidebar'];
const CODE = /\.(ts|mjs|cjs|js)$/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(p);
    return CODE.test(e.name) ? [p] : [];
  });
}

describe('self-contained repository', () => {
  const all = FOLDERS.flatMap((f) => files(path.join(root, f)));

  it('reads nothing from a shared folder beside the clone', () => {
    // A path built from segments ('..', 'shared') or written out ('../shared/…').
    const outside = /(['"]\.\.['"]\s*,\s*['"]shared['"])|(\.\.\/shared\/)/;
    const self = path.join(root, 'tests', 'build', 'self-contained.test.ts');
    const offenders = all.filter((f) => f !== self && outside.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('ships every vendored spec with a licence file and a provenance row', () => {
    const specs = path.join(root, 'specs');
    const readme = fs.readFileSync(path.join(specs, 'README.md'), 'utf8');
    const jsons = fs.readdirSync(specs).filter((f) => f.endsWith('.json'));
    expect(jsons.length).toBeGreaterThanOrEqual(5);
    for (const spec of jsons) {
      const stem = spec.replace(/\.json$/, '');
      const licence = fs.readdirSync(specs).find((f) => f.startsWith(`${stem}.LICENSE`));
      expect({ spec, licence: licence ?? null }).toEqual({ spec, licence: expect.any(String) });
      expect(readme).toContain(`\`${spec}\``);
    }
  });
});
