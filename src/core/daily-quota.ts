/**
 * Apps Script's daily quotas per Google account, and how much of them a month's run would use, estimated
 * before it starts (issues #23 and #25). Google: "Current quotas",
 * https://developers.google.com/apps-script/guides/services/quotas — URL Fetch calls 20,000 / day for a
 * consumer account (gmail.com) and 100,000 for Google Workspace; triggers' total runtime 90 min / 6 h a day.
 * Past one, Apps Script refuses the rest of the day: BillGrid then continues the job 24 hours later
 * (src/platform/quota.ts), so a month that does not fit one day is spread over days. The estimate says so
 * before the run starts.
 *
 * The estimate is linear in the month's lines: each PSA's bench (docs/PERFORMANCE.md) measures what a
 * whole month costs (pull and compare, approve, push, push again) in requests (its sources' included) and
 * in modelled Apps Script time; its descriptor carries that per line (`PsaDescriptor.monthCost`).
 */

export type AccountType = 'consumer' | 'workspace';

export interface DailyLimits {
  urlFetchCalls: number;
  triggerRuntimeS: number;
}

/** The quotas page's figures (copied from local/gas/quotas.ts's source; the emulator enforces the same). */
export const DAILY_LIMITS: Readonly<Record<AccountType, DailyLimits>> = {
  consumer: { urlFetchCalls: 20_000, triggerRuntimeS: 90 * 60 },
  workspace: { urlFetchCalls: 100_000, triggerRuntimeS: 6 * 3600 },
};

/** What a whole month costs on Google per source line, as a PSA's bench measured it. */
export interface MonthCostModel {
  /** HTTP requests (sources and PSA, sign-ins included) per line. */
  requestsPerLine: number;
  /** Modelled Apps Script seconds per line (every execution: a scheduled month runs them all as triggers). */
  secondsPerLine: number;
}

/** For a PSA whose bench gives no figure: one request and 0.1 s per line, above every measured PSA. */
export const DEFAULT_MONTH_COST: MonthCostModel = { requestsPerLine: 1, secondsPerLine: 0.1 };

/** From this share of a daily quota on, the run is said to be close to it (other scripts share the day). */
export const NEAR_SHARE = 0.8;

export interface QuotaEstimate {
  lines: number;
  account: AccountType;
  requests: number;
  runtimeS: number;
  /** Share of the day's UrlFetch calls and of trigger runtime the month would use (1 = all of it). */
  urlFetchShare: number;
  runtimeShare: number;
  /** Days the month needs when each day's quota is used up (1 when it fits). */
  days: number;
  /** What to tell the user before the run starts; null when it fits with room to spare. */
  warning: string | null;
}

/**
 * The account type BillGrid assumes for an address: gmail.com / googlemail.com accounts are consumer
 * accounts; any other domain is taken to be Google Workspace. An unknown address (Apps Script gives none in
 * some contexts) is taken as consumer, the smaller quota.
 */
export function accountTypeOf(email: string | null | undefined): AccountType {
  const domain = (email ?? '').trim().toLowerCase().split('@')[1] ?? '';
  if (domain === '' || domain === 'gmail.com' || domain === 'googlemail.com') return 'consumer';
  return 'workspace';
}

const ACCOUNT_WORDS: Record<AccountType, string> = {
  consumer: 'a consumer Google account (gmail.com)',
  workspace: 'a Google Workspace account',
};

const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');
const minutes = (s: number): string => `${grouped(Math.ceil(s / 60))} minutes`;
const percent = (share: number): string => `${Math.round(share * 100)} %`;

/** The month's estimated use of one account's daily quotas, with the warning to show before it starts. */
export function estimateDailyQuota(
  lines: number,
  model: MonthCostModel,
  account: AccountType,
  psaName = 'the PSA',
): QuotaEstimate {
  const limits = DAILY_LIMITS[account];
  const n = Math.max(0, Math.floor(lines));
  const requests = Math.ceil(n * model.requestsPerLine);
  const runtimeS = Math.ceil(n * model.secondsPerLine);
  const urlFetchShare = requests / limits.urlFetchCalls;
  const runtimeShare = runtimeS / limits.triggerRuntimeS;
  const worst = Math.max(urlFetchShare, runtimeShare);
  const days = Math.max(1, Math.ceil(worst));
  const needs =
    `This month's ${grouped(n)} lines need about ${grouped(requests)} requests to ${psaName} and the sources ` +
    `and ${minutes(runtimeS)} of Apps Script time`;
  const quota =
    `${ACCOUNT_WORDS[account]} may make ${grouped(limits.urlFetchCalls)} requests and run ` +
    `${minutes(limits.triggerRuntimeS)} of triggers a day`;
  let warning: string | null = null;
  if (worst > 1) {
    const other = account === 'consumer' ? ' (a Google Workspace account allows 100,000 and 6 hours)' : '';
    warning =
      `${needs}: more than one day's quota. ${quota}${other}. BillGrid spreads the run over about ${days} days: ` +
      `when the quota runs out, what is left continues 24 hours later, and the Schedule tab shows when.`;
  } else if (worst >= NEAR_SHARE) {
    warning =
      `${needs}: ${percent(worst)} of one day's quota (${quota}). Other scripts of this account share it; ` +
      `if it runs out, what is left continues 24 hours later.`;
  }
  return { lines: n, account, requests, runtimeS, urlFetchShare, runtimeShare, days, warning };
}
