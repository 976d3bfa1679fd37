/**
 * The monthly push and the nightly quantity sync as jobs of the hourly dispatcher (src/jobs/dispatcher.ts):
 * each is queued for its next time in the spreadsheet's time zone and moves on to the following one when
 * it runs. Saving the schedule queues them; stopping it removes them.
 */
import { formatInZone, wallTimeToEpoch } from '../platform/runtime';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { cancelJob, jobAt, registerJob, runJobAt } from './dispatcher';
import { runScheduled } from './run';
import { readSchedule } from './schedule';
import type { Schedule } from './schedule';

export const MONTHLY_JOB = 'monthly';
export const NIGHTLY_JOB = 'nightly';

const zone = (): string => activeSpreadsheet().getSpreadsheetTimeZone();

function partsIn(now: number, tz: string): { year: number; month: number; day: number } {
  const [year, month, day] = formatInZone(new Date(now), tz, 'yyyy-M-d').split('-').map(Number);
  return { year, month, day };
}

/** The first `dayOfMonth` at `hour` (spreadsheet time) after `now`. */
export function nextMonthlyAt(s: Schedule, now: number, tz: string): number {
  const p = partsIn(now, tz);
  for (let i = 0; i < 3; i++) {
    const at = wallTimeToEpoch(p.year, p.month + i, s.dayOfMonth, s.hour, tz);
    if (at > now) return at;
  }
  return wallTimeToEpoch(p.year, p.month + 1, s.dayOfMonth, s.hour, tz);
}

/** The first `hour` (spreadsheet time) after `now`. */
export function nextNightlyAt(hour: number, now: number, tz: string): number {
  const p = partsIn(now, tz);
  for (let i = 0; i < 3; i++) {
    const at = wallTimeToEpoch(p.year, p.month, p.day + i, hour, tz);
    if (at > now) return at;
  }
  return wallTimeToEpoch(p.year, p.month, p.day + 1, hour, tz);
}

registerJob(MONTHLY_JOB, {
  run: () => runScheduled('scheduled', readSchedule()?.pullFirst ?? false),
  next: (now) => {
    const s = readSchedule();
    return s ? nextMonthlyAt(s, now, zone()) : null;
  },
});

registerJob(NIGHTLY_JOB, {
  run: () => runScheduled('nightly', true),
  next: (now) => {
    const hour = readSchedule()?.nightlyHour ?? null;
    return hour === null ? null : nextNightlyAt(hour, now, zone());
  },
});

/** Queue the schedule's runs from now on (the dispatcher is installed for the current user if needed). */
export function queueSchedule(s: Schedule, now = Date.now()): void {
  const tz = zone();
  runJobAt(MONTHLY_JOB, nextMonthlyAt(s, now, tz));
  if (s.nightlyHour === null) cancelJob(NIGHTLY_JOB);
  else runJobAt(NIGHTLY_JOB, nextNightlyAt(s.nightlyHour, now, tz));
}

export function unqueueSchedule(): void {
  cancelJob(MONTHLY_JOB);
  cancelJob(NIGHTLY_JOB);
}

/** When the monthly run and the nightly sync are next due (null: not queued). */
export function scheduledRuns(): { monthly: number | null; nightly: number | null } {
  return { monthly: jobAt(MONTHLY_JOB), nightly: jobAt(NIGHTLY_JOB) };
}
