/** Calendar-day arithmetic on ISO dates (yyyy-mm-dd) in UTC, independent of the script's time zone. */

const DAY = 86_400_000;
const parse = (iso: string): Date => new Date(`${iso.slice(0, 10)}T00:00:00Z`);
const show = (d: Date): string => d.toISOString().slice(0, 10);

/** `iso` plus `months` calendar months (day clamped to the month's end), then plus `days`. */
export function addMonthsIso(iso: string, months: number, days = 0): string {
  const d = parse(iso);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const moved = new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
  return show(new Date(moved.getTime() + days * DAY));
}

/** The 1st of the month before the month of `iso`, e.g. 2026-10-17 → 2026-09-01. */
export function previousMonthStart(iso: string): string {
  return addMonthsIso(`${iso.slice(0, 7)}-01`, -1);
}
