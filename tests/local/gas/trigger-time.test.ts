/**
 * When clock triggers fire (issue #25): Google runs an atHour trigger at a minute within the hour that it
 * picks once and keeps ("Apps Script chooses a time between 9 a.m. and 10 a.m., then keeps that timing
 * consistent", installable triggers guide), and in the zone given by inTimezone() on every firing, not only
 * the first. Both fail on an emulator that fires at minute 0 and forgets the zone after the first run.
 */
import { createState, GasRuntime, LocalHost } from '../../../local/gas';
import { spreadMinute } from '../../../local/gas/script-app';

const BUNDLE = `
  function setup(tz) {
    var b = ScriptApp.newTrigger('monthly').timeBased().onMonthDay(1).atHour(2);
    (tz ? b.inTimezone(tz) : b).create();
  }
  function monthly() {
    var p = PropertiesService.getScriptProperties();
    p.setProperty('runs', String(Number(p.getProperty('runs') || 0) + 1));
    p.setProperty('at', new Date().toISOString());
  }`;

const host = (triggerMinute?: number) =>
  new LocalHost(
    new GasRuntime(createState({ now: Date.parse('2026-10-15T00:00:00Z') }), {
      scriptTimeZone: 'America/New_York',
      ...(triggerMinute === undefined ? {} : { triggerMinute }),
    }),
    BUNDLE,
  );

describe('clock trigger fire times', () => {
  it('fires an atHour trigger at a minute within the hour that it keeps from month to month', () => {
    const h = host();
    expect(h.run('setup', ['Pacific/Auckland']).error).toBeNull();
    const [t] = h.state.triggers;
    const minute = new Date(t.nextRunAt!).getUTCMinutes();
    // 1 November 02:mm in Auckland (UTC+13) is 31 October 13:mm UTC.
    expect(t.nextRunAt).toBe(Date.parse('2026-10-31T13:00:00Z') + minute * 60_000);
    // The spread is a real spread: different triggers get different minutes, not all 0.
    const minutes = new Set(Array.from({ length: 20 }, (_, i) => spreadMinute(`monthly|u|${i}|0`)));
    expect(minutes.size).toBeGreaterThan(10);

    expect(h.fireDueTriggers(t.nextRunAt! - 1)).toHaveLength(0);
    expect(h.fireDueTriggers(Date.parse('2026-10-31T13:59:59Z'))).toHaveLength(1);
    expect(h.fireDueTriggers(Date.parse('2026-10-31T23:00:00Z'))).toHaveLength(0);
    // December: same minute, and still Auckland's 02:mm (UTC+13 → 30 November 13:mm UTC), not New York's.
    expect(t.nextRunAt).toBe(Date.parse('2026-11-30T13:00:00Z') + minute * 60_000);
    expect(h.fireDueTriggers(Date.parse('2026-11-30T13:59:59Z'))).toHaveLength(1);
    expect(h.state.properties.script.runs).toBe('2');
  });

  it("different triggers' minutes are spread over the hour, not all on the hour", () => {
    const h = host();
    for (let i = 0; i < 12; i++)
      expect(h.run('setup', [null], { user: `admin${i}@example.com` }).error).toBeNull();
    const minutes = new Set(h.state.triggers.map((t) => new Date(t.nextRunAt!).getUTCMinutes()));
    expect(h.state.triggers).toHaveLength(12);
    expect(minutes.size).toBeGreaterThan(4);
  });

  it.each([0, 59])('a pinned minute %i: the trigger fires once in its hour', (m) => {
    const h = host(m);
    h.run('setup', [null]);
    // 1 November 02:mm in New York (EDT until that day's 02:00 → EST, UTC-5) is 07:mm UTC.
    expect(h.state.triggers[0].nextRunAt).toBe(Date.parse('2026-11-01T07:00:00Z') + m * 60_000);
    expect(h.fireDueTriggers(Date.parse('2026-11-01T07:59:59Z'))).toHaveLength(1);
    expect(h.fireDueTriggers(Date.parse('2026-11-01T08:59:59Z'))).toHaveLength(0);
  });
});
