/**
 * The schedule in the spreadsheet's time zone, whatever the script's (issue #25), through the built bundle:
 * the monthly run is set and shown as the spreadsheet's day and hour, runs at the hourly dispatcher's first
 * firing in that hour (at whichever minute Google fires it), bills the month before in the spreadsheet's
 * zone, and runs once. The script's
 * zone stays New York (appsscript.json); the spreadsheets are far from it on both sides of UTC, around the
 * October/November boundary. Nothing is connected: what is checked is when the run happens and which month
 * it is for, not what it sends (the other schedule tests do that).
 */
import { GasRuntime, LocalHost, setClock } from '../../local/gas';
import fs from 'node:fs';
import path from 'node:path';

const code = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');

interface View {
  nextRun: string | null;
  lastRunAt: string | null;
  lastRun: { month: string; trigger: string } | null;
}

const cases = [
  // 1 November 02:mm in Auckland (UTC+13) is 31 October 13:mm UTC, when it is still October in UTC and
  // in New York: a month taken from either would be September.
  { tz: 'Pacific/Auckland', hour: 2, before: '2026-10-31T12:59:59Z', hourStart: '2026-10-31T13:00:00Z' },
  // Midnight on 1 November in Los Angeles (UTC-7) is 07:mm UTC; New York's midnight (04:mm UTC) is too early.
  { tz: 'America/Los_Angeles', hour: 0, before: '2026-11-01T06:59:59Z', hourStart: '2026-11-01T07:00:00Z' },
];

describe.each(cases)('monthly run in a $tz spreadsheet (script zone New York)', (c) => {
  it.each([0, 59])('the dispatcher fires at minute %i of the hour: the run happens then, once', (minute) => {
    const runtime = GasRuntime.create(
      { owner: 'owner@example.com' },
      { scriptTimeZone: 'America/New_York', triggerMinute: minute },
    );
    const host = new LocalHost(runtime, code);
    host.state.spreadsheets[0].timeZone = c.tz;
    setClock(host.state, Date.parse('2026-10-30T00:00:00Z'));
    const call = (fn: string, ...args: unknown[]): unknown => {
      const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result;
    };
    const hh = String(c.hour).padStart(2, '0');

    const saved = call('saveSchedule', { dayOfMonth: 1, hour: c.hour, pullFirst: false, nightlyHour: null });
    expect((saved as View).nextRun).toBe(`2026-11-01 ${hh}:00 (${c.tz})`);

    // The hourly dispatcher is the one trigger; it fires at `minute` past each hour.
    expect(host.state.triggers.map((t) => t.handler)).toEqual(['dispatchJobs_']);
    const trigger = host.state.triggers[0];
    const fireAt = (at: number) => {
      trigger.nextRunAt = at;
      return host.fireDueTriggers(at);
    };
    const last = () => (call('getSchedule') as View).lastRun;
    // Not a second early (a run in the script's zone would already have happened here) …
    expect(fireAt(Date.parse(c.before)).map((r) => r.ok)).toEqual([true]);
    expect(last()).toBeNull();
    // … then at the dispatcher's first firing in the hour, and only once in that hour and day.
    const picked = Date.parse(c.hourStart) + minute * 60_000;
    expect(fireAt(picked).map((r) => r.functionName)).toEqual(['dispatchJobs_']);
    expect(last()).toMatchObject({ month: '2026-10', trigger: 'scheduled' });
    const hourEnd = Date.parse(c.hourStart) + 3_600_000 - 1000;
    fireAt(hourEnd);
    fireAt(hourEnd + 12 * 3_600_000);

    const view = call('getSchedule') as View;
    expect(view.lastRun).toMatchObject({ month: '2026-10', trigger: 'scheduled' });
    expect(view.lastRunAt).toBe(`2026-11-01 ${hh}:${String(minute).padStart(2, '0')} (${c.tz})`);
    expect(view.nextRun).toBe(`2026-12-01 ${hh}:00 (${c.tz})`);
    expect(host.state.mail.map((m) => m.subject)).toEqual([
      `BillGrid scheduled run for ${'2026-10'}: ${(view.lastRun as { outcome?: string }).outcome}`,
    ]);
    expect(host.state.mail[0].body).toContain(
      `at 2026-11-01 ${hh}:${String(minute).padStart(2, '0')} (${c.tz})`,
    );
  });
});
