/**
 * Every server function the sidebar reads with returns what google.script.run can carry (issue #25): run
 * directly (no serialisation) and through the emulator's sidebar bridge (Google's rules: a Date anywhere
 * gives the page null, a Map arrives as {}), each gives the same value. A function returning a Date, Map,
 * Set or class instance fails here. The month-bundle tests cover the same for a whole month's calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../../local/gas';
import { SERVER_FUNCTIONS } from '../../src/api/functions';

const code = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');

const readers = Object.entries(SERVER_FUNCTIONS)
  .filter(([name, f]) => f.args.length === 0 && /^(get|list)/.test(name))
  .map(([name]) => name);

describe('server functions the sidebar reads with return plain values', () => {
  const host = new LocalHost(GasRuntime.create({ owner: 'owner@example.com' }), code);
  setClock(host.state, Date.parse('2026-11-01T09:00:00Z'));
  const run = (fn: string, kind: 'direct' | 'sidebar', args: unknown[] = []) =>
    host.run(fn, args, { kind, user: 'owner@example.com' });

  beforeAll(() => {
    // A schedule and a refused run give getSchedule a last run (with its time) to return.
    expect(
      run('saveSchedule', 'sidebar', [{ dayOfMonth: 1, hour: 2, pullFirst: false, nightlyHour: null }]).ok,
    ).toBe(true);
    host.fireDueTriggers(Date.parse('2026-12-01T07:59:59Z'));
  });

  it('lists the readers', () => {
    expect(readers).toEqual(expect.arrayContaining(['getSchedule', 'getDefaults', 'getSessionInfo']));
  });

  it.each(readers)('%s', (name) => {
    const direct = run(name, 'direct');
    const viaPage = run(name, 'sidebar');
    expect(viaPage.ok).toBe(direct.ok);
    if (!direct.ok) return; // needs a connection; its error text crosses as text
    expect(viaPage.result).toEqual(JSON.parse(JSON.stringify(direct.result ?? null)));
    expect(viaPage.result).toEqual(direct.result ?? null);
  });
});
