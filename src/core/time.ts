/**
 * Timestamps of the incident format: exact (`Z` or an offset) or local to an IANA zone, where a local time
 * that falls into a daylight-saving gap or overlap is an error naming both readings. Zone math is luxon's.
 */
import { IANAZone } from 'luxon';
import { isoUtc } from './format.js';
import { Rule, type AnyRule } from './rules.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; rule: AnyRule; message: string; hint?: string };

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt]| +)(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?: *([Zz]|[+-]\d{2}(?::?\d{2})?))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const TIMESTAMP_PATTERN = TIMESTAMP_RE.source;
export const DATE_PATTERN = DATE_RE.source;

const zoneCache = new Map<string, IANAZone | null>();

/** The zone for an IANA name, or null when the name is unknown. `UTC` and `Etc/…` names are accepted. */
export function zoneFor(name: string): IANAZone | null {
  let z = zoneCache.get(name);
  if (z === undefined) {
    z = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
    zoneCache.set(name, z);
  }
  return z;
}

let knownZones: string[] | null = null;
/** Every IANA zone name the runtime knows, for "did you mean". */
export function allZoneNames(): string[] {
  knownZones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return knownZones;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian leap years, any year (0000 is one). */
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!);
}

/**
 * Milliseconds since the epoch of a UTC wall-clock time, the year read exactly. (`Date.UTC` reads the years
 * 0–99 as 1900–1999: `0024-01-01` would be published as 1924.)
 */
export function utcMs(y: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, month - 1, day);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

/** Parse a `YYYY-MM-DD` date into UTC midnight. */
export function parseDate(value: string): Parsed<{ date: string; ms: number }> {
  const m = DATE_RE.exec(value);
  if (!m) {
    return {
      ok: false,
      rule: Rule.InvalidDate,
      message: `expected a date like 2020-06-30; found "${value}"`,
    };
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validCalendarDate(y, mo, d)) {
    return { ok: false, rule: Rule.InvalidDate, message: `"${value}" is not a day of the calendar` };
  }
  return { ok: true, value: { date: value, ms: utcMs(y, mo, d) } };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * Parse a timestamp. Exact forms carry `Z` or an offset; local forms are read in `zoneName`.
 * Returns the instant in milliseconds since the epoch, UTC.
 */
export function parseTimestamp(value: string, zoneName: string): Parsed<number> {
  const m = TIMESTAMP_RE.exec(value.trim());
  if (!m) {
    if (DATE_RE.test(value.trim())) {
      return {
        ok: false,
        rule: Rule.InvalidTimestamp,
        message: `expected a date and a time; found the date alone "${value}"`,
        hint: `dates alone are accepted only for \`due\` and \`since\`; write e.g. "${value.trim()}T00:00:00Z"`,
      };
    }
    return {
      ok: false,
      rule: Rule.InvalidTimestamp,
      message: `expected a timestamp like 2020-05-29T16:21:00Z, 2020-05-29T16:21:00-04:00 or 2020-05-29 16:21 (local time); found "${value}"`,
    };
  }
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const s = m[6] ? Number(m[6]) : 0;
  const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (!validCalendarDate(y, mo, d)) {
    return { ok: false, rule: Rule.InvalidTimestamp, message: `"${value}" is not a day of the calendar` };
  }
  if (h > 23 || mi > 59 || s > 59) {
    return { ok: false, rule: Rule.InvalidTimestamp, message: `"${value}" is not a time of day; expected hours 00–23, minutes and seconds 00–59` };
  }
  const wallAsUtc = utcMs(y, mo, d, h, mi, s, frac);
  const off = m[8];
  if (off) {
    if (off === 'Z' || off === 'z') return { ok: true, value: wallAsUtc };
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 18 || om > 59) {
      return { ok: false, rule: Rule.InvalidTimestamp, message: `"${off}" is not a UTC offset; expected e.g. -04:00 or +05:30` };
    }
    return { ok: true, value: wallAsUtc - sign * (oh * 60 + om) * 60_000 };
  }
  const zone = zoneFor(zoneName);
  if (!zone) {
    return { ok: false, rule: Rule.UnknownTimezone, message: `cannot read local time "${value}": unknown time zone "${zoneName}"` };
  }
  return resolveLocal(value.trim(), wallAsUtc, zone, zoneName);
}

/** Find the instants whose wall-clock time in `zone` is `wallAsUtc`; zero (gap) or two (overlap) is an error. */
function resolveLocal(value: string, wallAsUtc: number, zone: IANAZone, zoneName: string): Parsed<number> {
  const DAY = 86_400_000;
  const offsets = [...new Set([zone.offset(wallAsUtc - DAY), zone.offset(wallAsUtc), zone.offset(wallAsUtc + DAY)])];
  const valid = offsets
    .map((o) => ({ o, utc: wallAsUtc - o * 60_000 }))
    .filter(({ o, utc }) => zone.offset(utc) === o)
    .sort((a, b) => a.utc - b.utc);
  const unique = valid.filter((v, i) => i === 0 || v.utc !== valid[i - 1]!.utc);
  if (unique.length === 1) return { ok: true, value: unique[0]!.utc };
  const before = zone.offset(wallAsUtc - DAY);
  const after = zone.offset(wallAsUtc + DAY);
  const written = value.replace(/^(\d{4}-\d{2}-\d{2})(?:[Tt]| +)/, '$1T');
  const reading = (o: number) => `${written}${formatOffset(o)} (${isoUtc(wallAsUtc - o * 60_000)})`;
  if (unique.length === 0) {
    return {
      ok: false,
      rule: Rule.TimestampGap,
      message: `local time "${value}" does not exist in ${zoneName}: the clocks skip it when daylight-saving time begins; it could mean ${reading(before)} or ${reading(after)}`,
      hint: 'write the timestamp with an explicit offset or in UTC (with Z)',
    };
  }
  const [a, b] = unique;
  return {
    ok: false,
    rule: Rule.TimestampAmbiguous,
    message: `local time "${value}" happens twice in ${zoneName} (the clocks go back when daylight-saving time ends); it could mean ${reading(a!.o)} or ${reading(b!.o)}`,
    hint: 'write the timestamp with an explicit offset or in UTC (with Z)',
  };
}
