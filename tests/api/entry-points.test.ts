import fs from 'node:fs';
import path from 'node:path';
import { SERVER_FUNCTIONS, sidebarApi } from '../../src/api';

const root = path.join(__dirname, '..', '..');
const sidebarGlobals = (text: string) => [...text.matchAll(/^global\.(\w+) = sidebarApi\.(\w+);$/gm)];

describe('sidebar entry points', () => {
  it('src/main.ts has exactly one literal global line per server function, and no other sidebar line', () => {
    const main = fs.readFileSync(path.join(root, 'src/main.ts'), 'utf8');
    const lines = sidebarGlobals(main);
    expect(lines.every((m) => m[1] === m[2])).toBe(true);
    expect(lines.map((m) => m[1]).sort()).toEqual(Object.keys(SERVER_FUNCTIONS).sort());
    // Nothing else reaches the sidebar unchecked.
    expect(main).not.toMatch(/^global\.\w+ = (?!sidebarApi\.)\w+Api\./m);
  });

  it('ENTRY_POINTS.md lists exactly the same lines', () => {
    const doc = fs.readFileSync(path.join(root, 'src/api/ENTRY_POINTS.md'), 'utf8');
    const listed = sidebarGlobals(doc);
    expect(listed.every((m) => m[1] === m[2])).toBe(true);
    expect(listed.map((m) => m[1]).sort()).toEqual(Object.keys(SERVER_FUNCTIONS).sort());
  });

  it('checks every argument against its schema before the function runs', () => {
    // A number where a month is expected: refused with the words the sidebar shows, before any service call.
    expect(() => (sidebarApi.pullBillingMonth as (m: unknown) => unknown)(42)).toThrow(
      'Billing month: Billing month must be text like 2026-10',
    );
    expect(() => (sidebarApi.saveSchedule as (s: unknown) => unknown)('monthly')).toThrow(/^Schedule: /);
  });
});

describe("the sidebar's call() is typed on the list", () => {
  it('refuses wrong arguments and types results at compile time (tsc checks the lines below)', async () => {
    const { call } = await import('../../sidebar/rpc');
    const compileOnly = async () => {
      // @ts-expect-error a number is not a billing month
      await call('pullBillingMonth', 42);
      // @ts-expect-error missing argument
      await call('saveConnection', 'x');
      // @ts-expect-error no such server function
      await call('deleteEverything');
      const view = await call('getConnections');
      // @ts-expect-error the result is typed: a ConnectionsView has no 'rows'
      void view.rows;
      const months: string[] = (await call('listBillingMonths')).months;
      return months;
    };
    expect(typeof compileOnly).toBe('function');
  });
});
