import path from 'node:path';
import { build } from 'esbuild';
import {
  assertBundleIsClean,
  createGasEnvironment,
  createState,
  findBundleProblems,
  GasRuntime,
  LocalHost,
  loadBundle,
  TOO_MANY_TRIGGERS,
} from '../../../local/gas';
import { CLEAN_LOOKALIKE, DIRTY_BUNDLES, EDIT_BUNDLE, TINY_BUNDLE, TRIGGER_BUNDLE } from './fixtures/bundles';

describe('loadBundle', () => {
  it('runs a hand-written bundle with only Apps Script globals and lists its functions', () => {
    const env = createGasEnvironment(createState());
    const bundle = loadBundle(TINY_BUNDLE, env.globals);
    expect(bundle.functions).toEqual(expect.arrayContaining(['onOpen', 'writeCell', 'holdLock']));
    expect(bundle.functions).not.toContain('SpreadsheetApp');
    bundle.call('onOpen');
    expect(env.state.ui.menus[0].items).toEqual([
      { kind: 'item', caption: 'Open BillGrid', functionName: 'openSidebar' },
    ]);
    expect(bundle.call('writeCell', 'B2', '=1+2')).toBe(3);
    expect(env.stats.calls['SpreadsheetApp.Range.setValue']).toBe(1);
  });

  it('gives the bundle its own realm: Arrays, Dates and Errors pass instanceof; Node globals are absent', () => {
    const env = createGasEnvironment(createState());
    const bundle = loadBundle(TINY_BUNDLE, env.globals);
    expect(bundle.call('realmTypes')).toEqual({
      isArray: true,
      arrayInstance: true,
      dateInstance: true,
      errorInstance: true,
      errorMessage:
        'The number of rows in the data does not match the number of rows in the range. The data has 1 but the range has 2.',
      typeofSetTimeout: 'undefined',
      typeofProcess: 'undefined',
      enumValue: 'CHECKBOX',
    });
    expect(() => bundle.call('useHiddenRequire')).toThrow(/not a function/);
  });

  it.each(Object.entries(DIRTY_BUNDLES))('rejects a bundle that uses %s', (_name, code) => {
    const env = createGasEnvironment(createState());
    expect(() => loadBundle(code, env.globals)).toThrow(/do not exist in Apps Script/);
    // The check remembers only clean bundles: the same dirty text is refused again, every time.
    expect(() => loadBundle(code, env.globals)).toThrow(/do not exist in Apps Script/);
  });

  it('accepts property accesses, object keys, comments, strings, regexes and typeof guards', () => {
    expect(findBundleProblems(CLEAN_LOOKALIKE)).toEqual([]);
    expect(() => assertBundleIsClean(CLEAN_LOOKALIKE)).not.toThrow();
    expect(findBundleProblems('var a = 1;\nvar b = process.env;')).toEqual([{ name: 'process', line: 2 }]);
  });
});

describe('a bundle with the real libraries (zod, date-fns, fastest-levenshtein)', () => {
  it('passes the static check and runs inside the vm context', async () => {
    const entry = `
      import { z } from 'zod';
      import { addMonths, format, parseISO } from 'date-fns';
      import { distance } from 'fastest-levenshtein';
      const Line = z.object({ sku: z.string(), qty: z.number().int() });
      (globalThis as Record<string, unknown>).probe = function () {
        const bad = Line.safeParse({ sku: 'A', qty: 1.5 });
        return [bad.success, format(addMonths(parseISO('2026-10-01'), 1), 'yyyy-MM'), distance('acme', 'acne')];
      };`;
    const out = await build({
      stdin: { contents: entry, resolveDir: path.resolve(__dirname, '../../..'), loader: 'ts' },
      bundle: true,
      format: 'iife',
      target: 'es2020',
      write: false,
    });
    const code = out.outputFiles[0].text;
    expect(code.length).toBeGreaterThan(100_000);
    expect(findBundleProblems(code)).toEqual([]);
    const bundle = loadBundle(code, createGasEnvironment(createState()).globals);
    expect((bundle.context as unknown as { probe(): unknown }).probe()).toEqual([false, '2026-11', 1]);
  });
});

describe('LocalHost executions and time-driven triggers', () => {
  const tz = 'America/New_York';
  const at = (iso: string) => Date.parse(iso);

  it('fires monthly triggers on their day and hour, after() once, and deleteTrigger stops them', () => {
    // Minute 0 of the hour pinned, so the hour's edges can be checked exactly (see trigger-time.test.ts).
    const runtime = new GasRuntime(createState({ now: at('2026-10-15T16:00:00Z') }), {
      scriptTimeZone: tz,
      triggerMinute: 0,
    });
    const host = new LocalHost(runtime, TRIGGER_BUNDLE);
    const setup = host.run('setup');
    expect(setup.error).toBeNull();
    expect(setup.result).toEqual([
      ['monthly', 'CLOCK', 'CLOCK'],
      ['later', 'CLOCK', 'CLOCK'],
    ]);
    const props = () => runtime.state.properties.script;

    expect(host.fireDueTriggers(at('2026-10-15T16:59:00Z'))).toHaveLength(0);
    const fired = host.fireDueTriggers(at('2026-10-15T17:00:00Z'));
    expect(fired.map((r) => [r.functionName, r.ok])).toEqual([['later', true]]);
    expect(host.fireDueTriggers(at('2026-10-20T00:00:00Z'))).toHaveLength(0);
    expect(props().later).toBe('1');
    // A fired one-off trigger stays listed (and counts towards the limit) until deleted, as on Google.
    expect(runtime.state.triggers.map((t) => t.handler)).toEqual(['monthly', 'later']);

    // 9:00 in New York on Nov 1 (EST after the DST change) is 14:00Z.
    expect(host.fireDueTriggers(at('2026-11-01T13:59:00Z'))).toHaveLength(0);
    const monthly = host.fireDueTriggers(at('2026-11-01T14:00:00Z'));
    expect(monthly.map((r) => r.functionName)).toEqual(['monthly']);
    const event = JSON.parse(props().monthlyEvent) as Record<string, unknown>;
    expect(event).toMatchObject({
      authMode: 'FULL',
      year: 2026,
      month: 11,
      'day-of-month': 1,
      hour: 14,
      timezone: 'UTC',
    });
    expect(event.triggerUid).toBe(runtime.state.triggers[0].id);
    expect(host.fireDueTriggers(at('2026-11-20T14:00:00Z'))).toHaveLength(0);
    expect(host.fireDueTriggers(at('2026-12-01T14:00:00Z')).map((r) => r.functionName)).toEqual(['monthly']);
    expect(props().monthly).toBe('2');

    expect(host.run('removeAll').result).toBe(0);
    expect(host.fireDueTriggers(at('2027-01-01T14:00:00Z'))).toHaveLength(0);
  });

  it('refuses a 21st trigger with Apps Script’s message', () => {
    const host = new LocalHost(new GasRuntime(createState()), TRIGGER_BUNDLE);
    const r = host.run('tooMany');
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe(TOO_MANY_TRIGGERS);
    expect(host.state.triggers).toHaveLength(20);
  });

  it('gives each run a fresh context and its own stats and logs', () => {
    const host = new LocalHost(new GasRuntime(createState()), TINY_BUNDLE);
    const a = host.run('logSomething');
    const b = host.run('writeCell', ['A1', 5]);
    expect(a.result).toBe('from Logger\n');
    expect(a.logs.map((l) => l.message)).toEqual(['hello log', 'from Logger']);
    expect(b.result).toBe(5);
    expect(b.stats.calls['SpreadsheetApp.Range.setValue']).toBe(1);
    expect(a.stats.calls['SpreadsheetApp.Range.setValue']).toBeUndefined();
    expect(host.run('template', ['<b>Ann</b>']).result).toBe('<p>Hello &lt;b&gt;Ann&lt;/b&gt;</p>');
    const swallowed = host.run('swallowTimeout');
    expect([swallowed.ok, swallowed.error?.message]).toEqual([false, 'Exceeded maximum execution time']);
  });
});

describe('document events (open, edit)', () => {
  it('runs onOpen and onEdit as simple triggers with event objects, then installable ON_EDIT triggers', () => {
    const runtime = new GasRuntime(createState({ sheets: ['Billing'] }), { user: 'ann@msp.test' });
    runtime.state.spreadsheets[0].editors.push('ann@msp.test'); // onOpen runs only for editors
    const host = new LocalHost(runtime, EDIT_BUNDLE);
    const opened = host.open();
    expect(opened.map((r) => [r.functionName, r.ok])).toEqual([['onOpen', true]]);
    expect(runtime.state.ui.menus.map((m) => m.caption)).toEqual(['BillGrid']);
    expect(runtime.state.properties.document.openedBy).toBe('ann@msp.test LIMITED');

    expect(host.run('installEditTrigger').ok).toBe(true);
    runtime.state.spreadsheets[0].sheets[0].rows[4] = [null, null, { v: 'old' }];
    const edited = host.edit({ sheet: 'Billing', a1: 'C5', value: true });
    expect(edited.map((r) => [r.functionName, r.ok])).toEqual([
      ['onEdit', true],
      ['auditEdit', true],
    ]);
    const sheet = createGasEnvironment(runtime).globals.SpreadsheetApp.getActiveSheet();
    expect(sheet.getRange('C5:D5').getValues()).toEqual([[true, 'Billing|C5|TRUE|old|LIMITED']]);
    expect(runtime.state.properties.script.audit).toBe(`C5 ${runtime.state.triggers[0].id} FULL`);
    expect(edited[0].stats.calls['SpreadsheetApp.Range.setValue']).toBe(1);
  });

  it('skips onEdit when the bundle has none', () => {
    const host = new LocalHost(new GasRuntime(createState()), TINY_BUNDLE);
    expect(host.edit({ sheet: 'Sheet1', a1: 'A1', value: 'x' })).toEqual([]);
    expect(host.state.spreadsheets[0].sheets[0].rows[0]?.[0]).toEqual({ v: 'x' });
  });
});
