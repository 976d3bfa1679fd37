/** The monthly schedule as staff set it in the sidebar, kept in document properties. */
import { z } from 'zod';
import { readJson, writeJson } from '../platform/store';

export const scheduleSchema = z.lazy(() =>
  z.object({
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
  }),
);
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

/**
 * Who owns the schedule. Installable triggers run as the account that created them, and each account sees
 * only its own triggers, so two admins saving a schedule would leave two monthly triggers. One owner is
 * recorded here; only the owner's triggers run. `email: null` means the schedule was stopped (a stopped
 * schedule's leftover triggers, which only their creator can delete, must do nothing).
 */
const OWNER_KEY = 'bg.schedule.owner';
const ownerSchema = z.lazy(() => z.object({ email: z.string().nullable(), since: z.string() }));
export type ScheduleOwner = z.infer<typeof ownerSchema>;

/** The recorded owner; null when none was ever recorded (schedules saved before owners were kept). */
export function readScheduleOwner(): ScheduleOwner | null {
  const r = readJson(OWNER_KEY, ownerSchema);
  return r.ok ? r.value : null;
}

export function recordScheduleOwner(email: string | null, now = new Date()): void {
  writeJson(OWNER_KEY, { email, since: now.toISOString() });
}

/**
 * Whether a schedule trigger created by `creator` may run now. A schedule saved before owners were
 * recorded is adopted by the first of its triggers to fire.
 */
export function triggerMayRun(
  creator: string,
): { ok: true } | { ok: false; owner: string | null; message: string } {
  const owner = readScheduleOwner();
  if (owner === null) {
    if (creator) recordScheduleOwner(creator);
    return { ok: true };
  }
  if (owner.email !== null && owner.email === creator) return { ok: true };
  return {
    ok: false,
    owner: owner.email,
    message:
      owner.email === null
        ? `The schedule was stopped; this trigger (created by ${creator || 'an unknown account'}) did nothing and removed itself.`
        : `The schedule now belongs to ${owner.email}; this trigger (created by ${creator || 'an unknown account'}) did nothing and removed itself.`,
  };
}
