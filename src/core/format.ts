/** Instants as machines read them (ISO 8601, UTC), and the units of a duration. Pure. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2020-05-29T16:21:00Z` (seconds kept, milliseconds dropped unless non-zero). */
export function isoUtc(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** `2020-05-29` */
export function dateUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `2020-05` */
export function monthUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

// English in UTC, through Intl like every date a reader sees (no hand-made month table). Pages, feeds and badges
// format through `Locale` (locale.ts), in the site's language and display zone; these remain for English text
// outside the site (and for code written before the site had a language).
const EN_MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const EN_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const EN_DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC', timeZoneName: 'short' });

/** `May 2020` from `2020-05` (English). */
export function monthName(month: string): string {
  return EN_MONTH.format(Date.parse(`${month}-01T00:00:00Z`));
}

/** An Intl format with the year in four digits, as in timestamps (Intl writes the year 24 as `24`). */
export function formatYear4(f: Intl.DateTimeFormat, ms: number): string {
  return f.formatToParts(ms).map((p) => (p.type === 'year' ? p.value.padStart(4, '0') : p.value)).join('');
}

/** `29 May 2020, 16:21 UTC` (English). */
export function humanUtc(ms: number): string {
  return formatYear4(EN_DATE_TIME, ms);
}

/** `29 May 2020` (English), from an instant (its UTC day) or a `YYYY-MM-DD` date. */
export function humanDate(msOrDate: number | string): string {
  return formatYear4(EN_DATE, typeof msOrDate === 'number' ? msOrDate : Date.parse(`${msOrDate}T00:00:00Z`));
}

export type DurationUnit = 'day' | 'hour' | 'minute' | 'second';

/**
 * A duration as the units people say it in, largest first, rounded down to the minute (to the second under one
 * minute): `[hour 4, minute 17]`, `[day 1, minute 11]` for 24 h 11 min. Units that are zero are left out (but a
 * duration never has no part: 0 or less, or not a number, is `[minute 0]`). Nothing below a day is ever dropped.
 */
export function durationParts(ms: number): { unit: DurationUnit; count: number }[] {
  if (!Number.isFinite(ms) || ms <= 0) return [{ unit: 'minute', count: 0 }];
  if (ms < MINUTE) return [{ unit: 'second', count: Math.floor(ms / 1000) }];
  const parts: { unit: DurationUnit; count: number }[] = [];
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  if (d) parts.push({ unit: 'day', count: d });
  if (h) parts.push({ unit: 'hour', count: h });
  if (m || parts.length === 0) parts.push({ unit: 'minute', count: m });
  return parts;
}

const UNIT_ABBREVIATION: Record<DurationUnit, string> = { day: 'd', hour: 'h', minute: 'min', second: 's' };

/**
 * A duration in English, for the terminal (diagnostics): `45 s`, `13 min`, `4 h 17 min`, `1 d 11 min`.
 * Pages, feeds and badges use `Locale.duration`, in the site's language.
 */
export function formatDuration(ms: number): string {
  return durationParts(ms)
    .map((p) => `${p.count} ${UNIT_ABBREVIATION[p.unit]}`)
    .join(' ');
}

/** Uptime as shown to readers: two decimals, never rounded up to 100.00 when there was downtime. */
export function formatPercent(p: number | null): string {
  if (p === null) return 'n/a';
  const floored = Math.floor(p * 100) / 100;
  return `${floored.toFixed(2)} %`;
}
