/** The bench's "days needed" column: a month over a daily quota is spread over days (issue #25). */
import { daysNeeded } from '../../local/bench/report';
import { QUOTA_PROFILES } from '../../local/gas/quotas';

describe('days a month needs under the daily quotas', () => {
  it('the documented 100,000-line push (55,149 requests, ~95 min) needs 3 consumer days and 1 Workspace day', () => {
    const q = {
      urlFetchCalls: 55_149,
      propertiesReadWrites: 30_000,
      triggerRuntimeS: 0,
      allRuntimeS: 95 * 60,
    };
    expect(daysNeeded(q, QUOTA_PROFILES.consumer)).toBe(3);
    expect(daysNeeded(q, QUOTA_PROFILES.workspace)).toBe(1);
  });

  it('trigger runtime alone can decide it: 200 min of runtime is 3 consumer days', () => {
    const q = { urlFetchCalls: 10, propertiesReadWrites: 10, triggerRuntimeS: 0, allRuntimeS: 200 * 60 };
    expect(daysNeeded(q, QUOTA_PROFILES.consumer)).toBe(3);
    expect(daysNeeded({ ...q, allRuntimeS: 0 }, QUOTA_PROFILES.consumer)).toBe(1);
  });
});
