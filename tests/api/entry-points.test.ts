import fs from 'node:fs';
import path from 'node:path';
import { sidebarApi } from '../../src/api';

const root = path.join(__dirname, '..', '..');

describe('sidebar entry points', () => {
  it('ENTRY_POINTS.md lists exactly one global line per sidebarApi function', () => {
    const doc = fs.readFileSync(path.join(root, 'src/api/ENTRY_POINTS.md'), 'utf8');
    const listed = [...doc.matchAll(/^global\.(\w+) = sidebarApi\.(\w+);$/gm)];
    expect(listed.every((m) => m[1] === m[2])).toBe(true);
    expect(listed.map((m) => m[1]).sort()).toEqual(Object.keys(sidebarApi).sort());
  });

  it('src/main.ts, once it imports sidebarApi, exposes every function', () => {
    const main = fs.readFileSync(path.join(root, 'src/main.ts'), 'utf8');
    if (!/\bsidebarApi\b/.test(main)) return; // the lead has not wired the API yet
    for (const name of Object.keys(sidebarApi))
      expect(main).toContain(`global.${name} = sidebarApi.${name};`);
  });
});
