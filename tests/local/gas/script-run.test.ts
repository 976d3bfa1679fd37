/**
 * google.script.run's rules in the emulator's sidebar bridge (issue #25): a Date, function or circular
 * argument fails the request before anything runs, undefined in arrays arrives as null, class instances
 * arrive as plain objects; a returned value with a Date in it reaches the page as null. Before, the bridge
 * was JSON (a Date became a string) or structuredClone (a Date stayed a Date), kinder than Google.
 */
import { createState, GasHost, GasRuntime, LocalHost } from '../../../local/gas';
import { illegalValue, scriptRunArgs, scriptRunResult } from '../../../local/gas/script-run';

describe('google.script.run values', () => {
  it('refuses a Date, function or cycle anywhere in the arguments, naming where', () => {
    expect(() => scriptRunArgs(['2026-10', { at: new Date(0) }])).toThrow(illegalValue('1.at'));
    expect(() => scriptRunArgs([[1, () => 1]])).toThrow(illegalValue('0.1'));
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => scriptRunArgs([loop])).toThrow(illegalValue('0.self'));
  });

  it('turns undefined in arrays into null, leaves undefined fields out, copies class instances as plain objects', () => {
    class Row {
      constructor(readonly key: string) {}
      label(): string {
        return this.key;
      }
    }
    const [a, b, c] = scriptRunArgs([[1, undefined], { x: undefined, y: 2 }, new Row('k')]);
    expect(a).toEqual([1, null]);
    expect(Object.keys(b as object)).toEqual(['y']);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(c).toEqual({ key: 'k' });
    expect(scriptRunResult(new Map([['a', 1]]))).toEqual({}); // a Map's entries are not fields
    expect(scriptRunResult({ rows: [{ at: new Date(0) }] })).toBeNull();
  });

  const BUNDLE = `
    function stamp(x) { PropertiesService.getScriptProperties().setProperty('ran', 'yes'); return { x: x, at: new Date(0) }; }
    function plain() { return { list: [1, undefined], when: new Date(0).toISOString() }; }`;

  it('LocalHost: a sidebar call with a Date fails before running; a returned Date gives null', () => {
    const host = new LocalHost(new GasRuntime(createState()), BUNDLE);
    const refused = host.run('stamp', [new Date(0)], { kind: 'sidebar' });
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toBe(illegalValue('0'));
    expect(host.state.properties.script.ran).toBeUndefined();
    const r = host.run('stamp', ['a'], { kind: 'sidebar' });
    expect([r.ok, r.result]).toEqual([true, null]);
    expect(host.run('plain', [], { kind: 'sidebar' }).result).toEqual({
      list: [1, null],
      when: '1970-01-01T00:00:00.000Z',
    });
    // Outside the sidebar (a direct run) values are not serialised.
    const direct = (host.run('stamp', ['a']).result as { at: unknown }).at;
    expect(Object.prototype.toString.call(direct)).toBe('[object Date]');
  });

  it('GasHost: the same rules for sidebar executions in a worker', async () => {
    const host = new GasHost({ state: createState() });
    const src = { code: BUNDLE, filename: 'Code.js' };
    try {
      const refused = await host.run(src, 'stamp', [{ at: new Date(0) }], { kind: 'sidebar' });
      expect(refused.error?.message).toBe(illegalValue('0.at'));
      expect((await host.run(src, 'stamp', ['a'], { kind: 'sidebar' })).result).toBeNull();
      expect((await host.run(src, 'plain', [], { kind: 'sidebar' })).result).toEqual({
        list: [1, null],
        when: '1970-01-01T00:00:00.000Z',
      });
    } finally {
      await host.close();
    }
  });
});
