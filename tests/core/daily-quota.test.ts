/** The daily-quota estimate shown before a run (issues #23, #25): src/core/daily-quota.ts. */
import {
  DAILY_LIMITS,
  DEFAULT_MONTH_COST,
  accountTypeOf,
  estimateDailyQuota,
} from '../../src/core/daily-quota';
import { QUOTA_PROFILES } from '../../local/gas/quotas';
import { PSAS } from '../../src/connectors/registry';

describe('daily quota estimate', () => {
  it('uses the quotas the emulator enforces (the same page of Google documentation)', () => {
    for (const account of ['consumer', 'workspace'] as const) {
      expect(DAILY_LIMITS[account].urlFetchCalls).toBe(QUOTA_PROFILES[account].urlFetchCalls);
      expect(DAILY_LIMITS[account].triggerRuntimeS * 1000).toBe(QUOTA_PROFILES[account].triggerRuntimeMs);
    }
  });

  it('takes gmail.com addresses (and unknown ones) as consumer accounts, other domains as Workspace', () => {
    expect(accountTypeOf('someone@gmail.com')).toBe('consumer');
    expect(accountTypeOf(' Someone@GoogleMail.com ')).toBe('consumer');
    expect(accountTypeOf('')).toBe('consumer');
    expect(accountTypeOf(null)).toBe('consumer');
    expect(accountTypeOf('billing@msp.example')).toBe('workspace');
  });

  it('says nothing for a month that fits with room to spare', () => {
    const e = estimateDailyQuota(
      2_000,
      { requestsPerLine: 0.58, secondsPerLine: 0.062 },
      'consumer',
      'PSA X',
    );
    expect(e).toMatchObject({ lines: 2_000, requests: 1_160, runtimeS: 124, days: 1, warning: null });
  });

  it('warns before a month that needs more than a day, with the days and what the account allows', () => {
    // The documented 100,000-line month on the reference PSA: 57,712 requests, 6,175 s.
    const model = { requestsPerLine: 0.58, secondsPerLine: 0.062 };
    const consumer = estimateDailyQuota(100_000, model, 'consumer', 'PSA X');
    expect(consumer.requests).toBe(58_000);
    expect(consumer.days).toBe(3);
    expect(consumer.warning).toContain("This month's 100,000 lines need about 58,000 requests to PSA X");
    expect(consumer.warning).toContain('more than one day');
    expect(consumer.warning).toContain('20,000 requests');
    expect(consumer.warning).toContain('about 3 days');
    expect(consumer.warning).toContain('continues 24 hours later');
    // The same month fits a Workspace account's day (58 % of its calls, 29 % of its runtime).
    const workspace = estimateDailyQuota(100_000, model, 'workspace', 'PSA X');
    expect(workspace).toMatchObject({ days: 1, warning: null });
  });

  it('trigger runtime alone can make a month not fit', () => {
    const e = estimateDailyQuota(10_000, { requestsPerLine: 0.1, secondsPerLine: 0.6 }, 'consumer');
    expect(e.urlFetchShare).toBeCloseTo(0.05);
    expect(e.runtimeShare).toBeCloseTo(6_000 / 5_400);
    expect(e.days).toBe(2);
    expect(e.warning).toContain('100 minutes of Apps Script time');
  });

  it('warns when the month would use most of a day (other scripts share it)', () => {
    const e = estimateDailyQuota(17_000, { requestsPerLine: 1, secondsPerLine: 0.01 }, 'consumer');
    expect(e.days).toBe(1);
    expect(e.warning).toContain('85 % of one day');
  });

  it('every registered PSA states its month cost, or gets the default that is above all of them', () => {
    for (const d of PSAS) {
      const cost = d.monthCost ?? DEFAULT_MONTH_COST;
      expect(cost.requestsPerLine).toBeGreaterThan(0);
      expect(cost.requestsPerLine).toBeLessThanOrEqual(DEFAULT_MONTH_COST.requestsPerLine);
      expect(cost.secondsPerLine).toBeGreaterThan(0);
      expect(cost.secondsPerLine).toBeLessThanOrEqual(DEFAULT_MONTH_COST.secondsPerLine);
    }
  });
});
