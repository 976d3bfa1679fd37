/** Small Apps Script facilities the jobs need: the document cache, unique ids, dates in a time zone, properties. */

/** JSON in the document cache (shared by all executions of this spreadsheet), for `seconds`. */
export function putCached(key: string, value: unknown, seconds: number): void {
  (CacheService.getDocumentCache() ?? CacheService.getScriptCache()).put(key, JSON.stringify(value), seconds);
}

export function getCached(key: string): unknown {
  const raw = (CacheService.getDocumentCache() ?? CacheService.getScriptCache()).get(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/** A run id people can read and sort: time of start plus a short random part. */
export function newRunId(): string {
  return `R${Utilities.formatDate(new Date(), 'UTC', 'yyyyMMdd-HHmmss')}-${Utilities.getUuid().slice(0, 4)}`;
}

/** A date's field in a time zone, with Utilities.formatDate's pattern letters (e.g. 'd', 'H'). */
export function formatInZone(date: Date, timeZone: string, pattern: string): string {
  return Utilities.formatDate(date, timeZone, pattern);
}

/** A moment as people read it in the sidebar and mails: '2026-11-01 02:13 (Pacific/Auckland)'. */
export function shownTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${formatInZone(d, timeZone, 'yyyy-MM-dd HH:mm')} (${timeZone})`;
}

/** The spreadsheet's own properties (the script's when there is no document, e.g. in a standalone run). */
export function documentProperties(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties() ?? PropertiesService.getScriptProperties();
}

/** Minutes a time zone is ahead of UTC at a moment (Utilities.formatDate's 'Z': '+1300', '-0500'). */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const z = /^([+-])(\d\d)(\d\d)$/.exec(formatInZone(new Date(ms), timeZone, 'Z'));
  if (!z) return 0;
  return (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
}

/** The moment a wall-clock time (month 1–12, day overflow allowed) happens in a time zone. */
export function wallTimeToEpoch(
  year: number,
  month: number,
  day: number,
  hour: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  let at = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  // Once more with the offset in force at the result (a daylight-saving change in between).
  at = wall - zoneOffsetMinutes(at, timeZone) * 60_000;
  return at;
}
