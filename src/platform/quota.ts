/**
 * Apps Script's per-user daily quotas (UrlFetch calls, trigger runtime, …; quotas page). Past one, every
 * call of that service throws for the rest of the 24-hour window; nothing was sent, so a job stops and
 * continues the next day instead of reporting the rest as failed.
 */
import { HttpTransportError } from '../core/http';

/** How Apps Script words it: "Service invoked too many times for one day: urlfetch." and the runtime one. */
const DAILY_QUOTA = /too many times for one day|too much computer time for one day/i;

/** Google's daily window: a day after the first counted call. A continuation set this far ahead resumes. */
export const DAILY_QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000;

export class DailyQuotaError extends HttpTransportError {
  constructor(message: string) {
    super(message);
    this.name = 'DailyQuotaError';
  }
}

/** Whether an error (or an outcome message quoting one) is a daily quota being used up. */
export function isDailyQuota(err: unknown): boolean {
  if (err instanceof DailyQuotaError) return true;
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return DAILY_QUOTA.test(text);
}
