/**
 * The bundle's local time is the script's time zone (appsscript.json `timeZone`), not the host's (issue
 * #25). Each expectation fails when the bundle runs in the host's zone (UTC here and in CI).
 */
import { createState, GasHost, GasRuntime, LocalHost } from '../../../local/gas';

const BUNDLE = `
  function local() {
    var d = new Date(2026, 9, 1);
    var later = new Date(2026, 9, 31, 23, 30);
    later.setMinutes(later.getMinutes() + 60); // rolls into November, in the zone
    var instant = new Date(Date.UTC(2026, 9, 31, 12, 0)); // noon UTC on 31 October
    return {
      midnight: d.toISOString(),
      rolled: [later.getFullYear(), later.getMonth(), later.getDate(), later.getHours()],
      instant: [instant.getMonth(), instant.getDate(), instant.getHours(), instant.getDay()],
      offset: instant.getTimezoneOffset(),
      parsedLocal: new Date('2026-10-01T00:00:00').toISOString(),
      parsedDateOnly: new Date('2026-10-01').toISOString(),
      parsedZ: Date.parse('2026-10-01T00:00:00Z'),
      text: instant.toString(),
      isDate: d instanceof Date,
    };
  }`;

const cases = [
  {
    tz: 'Pacific/Auckland', // UTC+13 in October (daylight saving since 27 September)
    midnight: '2026-09-30T11:00:00.000Z',
    rolled: [2026, 10, 1, 0],
    instant: [10, 1, 1, 0], // 1 November 01:00, a Sunday
    offset: -780,
    text: /^Sun Nov 01 2026 01:00:00 GMT\+1300 \(Pacific\/Auckland\)$/,
  },
  {
    tz: 'America/Los_Angeles', // UTC-7 in October
    midnight: '2026-10-01T07:00:00.000Z',
    rolled: [2026, 10, 1, 0],
    instant: [9, 31, 5, 6], // 31 October 05:00, a Saturday
    offset: 420,
    text: /^Sat Oct 31 2026 05:00:00 GMT-0700 \(America\/Los_Angeles\)$/,
  },
];

describe.each(cases)('bundle local time in the script zone $tz', (c) => {
  const check = (r: Record<string, unknown>) => {
    expect(r.midnight).toBe(c.midnight);
    expect(r.rolled).toEqual(c.rolled);
    expect(r.instant).toEqual(c.instant);
    expect(r.offset).toBe(c.offset);
    expect(r.parsedLocal).toBe(c.midnight);
    expect(r.parsedDateOnly).toBe('2026-10-01T00:00:00.000Z'); // ISO date-only is UTC (ECMAScript)
    expect(r.parsedZ).toBe(Date.parse('2026-10-01T00:00:00Z'));
    expect(r.text).toMatch(c.text);
    expect(r.isDate).toBe(true);
  };

  it('LocalHost', () => {
    const host = new LocalHost(new GasRuntime(createState(), { scriptTimeZone: c.tz }), BUNDLE);
    const r = host.run('local');
    expect(r.error).toBeNull();
    check(r.result as Record<string, unknown>);
  });

  it('GasHost (worker)', async () => {
    const host = new GasHost({ state: createState(), options: { scriptTimeZone: c.tz } });
    try {
      const r = await host.run({ code: BUNDLE, filename: 'Code.js' }, 'local');
      expect(r.error).toBeNull();
      check(r.result as Record<string, unknown>);
    } finally {
      await host.close();
    }
  });
});
