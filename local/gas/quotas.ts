/**
 * Apps Script's per-call limits of UrlFetchApp and its daily quotas per user, with Google's error
 * messages. Figures and sources: FIDELITY.md. Daily usage lives in the state (it outlives executions and
 * is saved with the workbench), per user, and resets 24 h after that user's first counted request, as the
 * quotas page describes ("Daily quotas are refreshed at the end of a 24-hour window").
 */
import { GasError } from './execution';
import type { DailyUsageState, GasState } from './state';

/** Per-request limits (quotas page, "Feature limitations": URL Fetch URL length / POST size / response size / headers). */
export const URLFETCH_LIMITS = {
  urlLength: 2 * 1024,
  postBytes: 50 * 1024 * 1024,
  responseBytes: 50 * 1024 * 1024,
  headers: 100,
  headerBytes: 8 * 1024,
} as const;

export const URL_LENGTH_MESSAGE = 'Limit Exceeded: URLFetch URL Length.';
export const POST_SIZE_MESSAGE = 'Limit Exceeded: URLFetch POST Size.';
export const RESPONSE_SIZE_MESSAGE = 'Limit Exceeded: URLFetch response size.';
export const HEADERS_MESSAGE = 'Limit Exceeded: URLFetch headers.';
export const HEADER_SIZE_MESSAGE = 'Limit Exceeded: URLFetch header size.';

export type QuotaProfileName = 'consumer' | 'workspace';
/** 'unlimited' counts usage (for reports) but never refuses. */
export type QuotaProfileOption = QuotaProfileName | 'unlimited';

export interface DailyQuota {
  /** UrlFetchApp requests (a fetchAll of n counts n). */
  urlFetchCalls: number;
  /** Total modelled runtime of installable-trigger executions. */
  triggerRuntimeMs: number;
  /** PropertiesService reads and writes (each get/set/delete call on a store). */
  propertiesReadWrites: number;
  /** Email recipients per day (MailApp). */
  emailRecipients: number;
}

/** https://developers.google.com/apps-script/guides/services/quotas ("Current quotas"). */
export const QUOTA_PROFILES: Record<QuotaProfileName, DailyQuota> = {
  consumer: {
    urlFetchCalls: 20_000,
    triggerRuntimeMs: 90 * 60_000,
    propertiesReadWrites: 50_000,
    emailRecipients: 100,
  },
  workspace: {
    urlFetchCalls: 100_000,
    triggerRuntimeMs: 6 * 3_600_000,
    propertiesReadWrites: 500_000,
    emailRecipients: 1_500,
  },
};

export const URLFETCH_DAILY_MESSAGE = 'Service invoked too many times for one day: urlfetch.';
export const PROPERTIES_DAILY_MESSAGE = 'Service invoked too many times for one day: properties.';
export const EMAIL_DAILY_MESSAGE = 'Service invoked too many times for one day: email.';
export const TRIGGER_RUNTIME_MESSAGE = 'Service using too much computer time for one day';

const DAY_MS = 86_400_000;

export type QuotaUsage = DailyUsageState;

type Counter = Exclude<keyof QuotaUsage, 'since'>;

const MESSAGES: Record<Counter, string> = {
  urlFetchCalls: URLFETCH_DAILY_MESSAGE,
  propertiesReadWrites: PROPERTIES_DAILY_MESSAGE,
  triggerRuntimeMs: TRIGGER_RUNTIME_MESSAGE,
};

export function limitsOf(profile: QuotaProfileOption): DailyQuota | null {
  return profile === 'unlimited' ? null : QUOTA_PROFILES[profile];
}

/** This user's usage in the current 24-hour window (a new window starts when the last one is over). */
export function usageOf(state: GasState, user: string, now: number): QuotaUsage {
  state.quota ??= {};
  const u = state.quota[user];
  if (u && now - u.since < DAY_MS) return u;
  const fresh = { since: now, urlFetchCalls: 0, triggerRuntimeMs: 0, propertiesReadWrites: 0 };
  state.quota[user] = fresh;
  return fresh;
}

/** Counts `n` uses, refusing with Google's message when the day's quota would be exceeded. */
export function consume(
  state: GasState,
  profile: QuotaProfileOption,
  user: string,
  now: number,
  counter: Exclude<Counter, 'triggerRuntimeMs'>,
  n = 1,
): void {
  const usage = usageOf(state, user, now);
  const limit = limitsOf(profile)?.[counter];
  if (limit !== undefined && usage[counter] + n > limit) throw new GasError(MESSAGES[counter]);
  usage[counter] += n;
}

/** A trigger execution may not start once the user's trigger runtime for the day is used up. */
export function assertTriggerRuntimeLeft(
  state: GasState,
  profile: QuotaProfileOption,
  user: string,
  now: number,
): void {
  const limit = limitsOf(profile)?.triggerRuntimeMs;
  if (limit !== undefined && usageOf(state, user, now).triggerRuntimeMs >= limit)
    throw new GasError(TRIGGER_RUNTIME_MESSAGE);
}

export function chargeTriggerRuntime(state: GasState, user: string, now: number, ms: number): void {
  usageOf(state, user, now).triggerRuntimeMs += ms;
}

/** Installable triggers' executions count towards "Triggers total runtime". */
export function isTriggerKind(kind: string): boolean {
  return kind === 'trigger' || kind === 'document-trigger';
}

export interface QuotaReport {
  profile: QuotaProfileOption;
  usage: QuotaUsage;
  /** Share of each daily quota used (0..1+); null when the profile is 'unlimited'. */
  share: Record<Counter, number> | null;
}

export function quotaReport(
  state: GasState,
  profile: QuotaProfileOption,
  user: string,
  now: number,
): QuotaReport {
  const usage = { ...usageOf(state, user, now) };
  const limits = limitsOf(profile);
  return {
    profile,
    usage,
    share: limits
      ? {
          urlFetchCalls: usage.urlFetchCalls / limits.urlFetchCalls,
          triggerRuntimeMs: usage.triggerRuntimeMs / limits.triggerRuntimeMs,
          propertiesReadWrites: usage.propertiesReadWrites / limits.propertiesReadWrites,
        }
      : null,
  };
}
