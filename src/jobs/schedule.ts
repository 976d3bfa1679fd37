/** The monthly schedule as staff set it in the sidebar, kept in document properties. */
import { z } from 'zod';
import { readJson, writeJson } from '../platform/store';

export const scheduleSchema = z.object({
  dayOfMonth: z
    .number({ error: 'Day of month must be a number' })
    .int({ error: 'Day of month must be a whole number' })
    .min(1, { error: 'Day of month must be 1–28' })
    .max(28, { error: 'Day of month must be 1–28 (every month has them)' }),
  hour: z
    .number({ error: 'Hour must be a number' })
    .int({ error: 'Hour must be a whole number' })
    .min(0, { error: 'Hour must be 0–23' })
    .max(23, { error: 'Hour must be 0–23' }),
  /** The monthly run pulls the month again before pushing its approved rows. */
  pullFirst: z.boolean({ error: 'Pull first must be true or false' }),
  nightlyHour: z.number().int().min(0).max(23).nullable(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

const SCHEDULE_KEY = 'bg.schedule';

/** The saved schedule; null when none was saved or it cannot be read. */
export function readSchedule(): Schedule | null {
  const r = readJson(SCHEDULE_KEY, scheduleSchema);
  return r.ok ? r.value : null;
}

export function saveScheduleSettings(s: Schedule): void {
  writeJson(SCHEDULE_KEY, s);
}
