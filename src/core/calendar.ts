/**
 * Calendar days and months in a time zone: where the uptime bars, the monthly figures, the history's months and
 * years and the dates of new incident files begin and end. The site's `display_timezone` decides them all, so a
 * page, the JSON API and a file name never disagree about which day something happened on. In a zone with
 * daylight-saving time a day lasts 23 or 25 hours twice a year. Zone math is luxon's.
 */
import { DateTime } from 'luxon';
import { dateUtc, monthUtc } from './format.js';

const DAY = 86_400_000;
const isUtc = (zone: string) => zone === 'UTC' || zone === 'Etc/UTC';

/** `YYYY-MM-DD`: the day of an instant in a zone. */
export function dateIn(ms: number, zone: string): string {
  if (isUtc(zone)) return dateUtc(ms);
  // (An unknown zone, already reported where it was written, counts in UTC.)
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? dateUtc(ms);
}

/** `YYYY-MM`: the month of an instant in a zone. */
export function monthIn(ms: number, zone: string): string {
  if (isUtc(zone)) return monthUtc(ms);
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM');
}

/** `YYYY`: the year of an instant in a zone. */
export function yearIn(ms: number, zone: string): string {
  return monthIn(ms, zone).slice(0, 4);
}

/** The instant a `YYYY-MM-DD` day begins in a zone (the first instant of that day, even when midnight is skipped). */
export function startOfDate(date: string, zone: string): number {
  if (isUtc(zone)) return Date.parse(`${date}T00:00:00Z`);
  const t = DateTime.fromISO(date, { zone }).startOf('day');
  return t.isValid ? t.toMillis() : Date.parse(`${date}T00:00:00Z`);
}

/**
 * The starts of the last `days` days of a zone ending with the day of `now`, oldest first, followed by the start of
 * the next day: `days + 1` instants, so day `i` is `[starts[i], starts[i + 1])`.
 */
export function dayStarts(now: number, days: number, zone: string): number[] {
  if (isUtc(zone)) {
    const today = Math.floor(now / DAY) * DAY;
    return Array.from({ length: days + 1 }, (_, i) => today + (i - days + 1) * DAY);
  }
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  return Array.from({ length: days + 1 }, (_, i) => today.plus({ days: i - days + 1 }).startOf('day').toMillis());
}

/** The starts of the last `months` months of a zone ending with the month of `now`, oldest first, then the next month's. */
export function monthStarts(now: number, months: number, zone: string): number[] {
  if (isUtc(zone)) {
    const d = new Date(now);
    return Array.from({ length: months + 1 }, (_, i) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months + 1 + i, 1));
  }
  const first = DateTime.fromMillis(now, { zone }).startOf('month');
  return Array.from({ length: months + 1 }, (_, i) => first.plus({ months: i - months + 1 }).startOf('month').toMillis());
}
