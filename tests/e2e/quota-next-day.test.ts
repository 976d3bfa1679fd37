/**
 * The account's daily UrlFetch quota runs out during a pull or its comparison (issues #23, #25): the job
 * keeps its checkpoint, tells the user when it continues (in the spreadsheet's time zone), waits for the
 * quota to renew a day later, and then finishes. Through the built bundle in the emulator, whose consumer
 * profile enforces Google's 20,000 calls a day per user (local/gas/quotas.ts).
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import { QUOTA_PROFILES } from '../../local/gas/quotas';
import { clockNow } from '../../local/gas';
import { billableDefaults, firstPsaWhere, startBundle, type BundleHost } from './bundle-host';

const OWNER = 'owner@example.com';
const TAB = `Billing ${DEMO_MONTH}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface PullView {
  lines: number;
  problems: string[];
  comparison?: string;
}

describe("a pull or comparison past the day's UrlFetch quota continues the next day (built bundle)", () => {
  let b: BundleHost;

  beforeAll(async () => {
    b = await startBundle(firstPsaWhere());
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  /** Leaves the owner `left` UrlFetch calls for the rest of their day (consumer account). */
  const leave = (left: number) => {
    const usage = b.host.state.quota?.[OWNER];
    if (!usage) throw new Error('no quota usage recorded for the owner');
    usage.urlFetchCalls = QUOTA_PROFILES.consumer.urlFetchCalls - left;
  };
  const handlers = () => b.host.state.triggers.map((t) => t.handler);
  const fire = (at: number) => b.host.fireDueTriggers(at);
  const checkpoint = () => b.host.state.properties.document['bg.checkpoint'];
  const hasTab = () => b.host.state.spreadsheets[0].sheets.some((s) => s.name === TAB);
  const lastRunMessage = () =>
    (b.call('getSchedule') as { lastRun: { message: string; outcome: string } | null }).lastRun;
  /** Requests the month's sources received since the last call. */
  const sourceRequests = async () => {
    let n = 0;
    for (const k of b.sources) {
      n += (await b.sb.admin(k).requests()).length;
      await b.sb.admin(k).clearRequests();
    }
    return n;
  };

  it('a pull that meets the quota writes nothing, says when it continues, and finishes when the quota renews', () => {
    const start = clockNow(b.host.state);
    leave(1);
    const s = b.call('pullBillingMonth', DEMO_MONTH) as PullView;
    expect(s.comparison).toBe('continuing');
    expect(s.lines).toBe(0);
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatch(
      /^The Google account's daily Apps Script quota is used up \(.*Service invoked too many times for one day: urlfetch\..*\)\. Nothing was written yet: the pull of 2026-10, then the comparison with the PSA, continues at 2026-11-02 \d\d:\d\d \([A-Za-z_/]+\), when the quota renews\.$/,
    );
    expect(hasTab()).toBe(false);
    expect(JSON.parse(checkpoint() ?? '{}')).toMatchObject({ job: 'pull', month: DEMO_MONTH });
    expect(handlers()).toEqual(['continueJob_']);
    // The Schedule tab says the same.
    expect(lastRunMessage()).toMatchObject({ outcome: 'continuing', message: s.problems[0] });

    // Not before the day is over: an hour early, nothing runs.
    expect(fire(start + DAY - HOUR)).toEqual([]);
    expect(hasTab()).toBe(false);
    const ran = fire(start + DAY + 60_000);
    expect(ran.map((r) => [r.functionName, r.ok, r.error?.message])).toEqual([
      ['continueJob_', true, undefined],
    ]);
    expect(hasTab()).toBe(true);
    expect(b.rows(TAB).length).toBeGreaterThan(0);
    expect(b.rows(TAB).some((r) => r.Action !== '')).toBe(true);
    expect(checkpoint()).toBeUndefined();
    expect(handlers()).toEqual([]);
  });

  it('a comparison that meets the quota keeps the pulled tab and compares when the quota renews', async () => {
    // How many calls the pull itself makes (tokens are warm after the previous test's continuation).
    await sourceRequests();
    const measured = b.call('pullBillingMonth', DEMO_MONTH) as PullView;
    expect(measured.comparison).toBe('done');
    const pullCalls = await sourceRequests();
    expect(pullCalls).toBeGreaterThan(0);

    const start = clockNow(b.host.state);
    leave(pullCalls);
    const s = b.call('pullBillingMonth', DEMO_MONTH) as PullView;
    expect(await sourceRequests()).toBe(pullCalls);
    expect(s.lines).toBe(measured.lines);
    expect(s.comparison).toBe('continuing');
    expect(s.problems.join(' ')).toMatch(
      /The comparison of 2026-10 with the PSA continues at 2026-11-03 \d\d:\d\d \([A-Za-z_/]+\), when the quota renews\./,
    );
    expect(JSON.parse(checkpoint() ?? '{}')).toMatchObject({ job: 'compare', month: DEMO_MONTH });
    expect(fire(start + DAY - HOUR)).toEqual([]);
    const ran = fire(start + DAY + 60_000);
    expect(ran.map((r) => [r.functionName, r.ok])).toEqual([['continueJob_', true]]);
    expect((b.call('getJobProgress') as { step: string }).step).toBe(`Compared ${DEMO_MONTH} with the PSA`);
    expect(checkpoint()).toBeUndefined();
    expect(handlers()).toEqual([]);
  });
});
