/**
 * Uptime: weighted downtime merged across overlapping incidents (and their impact phases), per day of the window,
 * per month of the last 12, per year of the service's whole life, and over the window. Days, months and years are
 * those of the site's display zone (core/calendar.ts): the page's bar, the tables and the API's buckets are the
 * same figures. Pure: UTC milliseconds in, figures out.
 */
import type { Impact, ServiceConfig } from '../core/model.js';
import { STATUS_RANK } from '../core/status.js';
import { dateIn, dayStarts, monthIn, monthStarts as monthStartsIn, startOfDate, yearIn } from '../core/calendar.js';
import type { DayBucket, MonthUptime, YearUptime } from './types.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** `YYYY-MM-DD` → UTC midnight in ms; `null` when absent or unreadable. */
export function dateToMs(date: string | undefined): number | null {
  if (!date) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) ? ms : null;
}

/** UTC midnight of the day containing `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** One stretch of an incident with one impact on one service (a whole incident, or one of its impact phases). */
export interface ServiceSpan {
  id: string;
  impact: Impact | null;
  started: number;
  /** End of the stretch (`resolved`, or the next phase), or undefined while ongoing. */
  resolved?: number;
  /** Whether the stretch lists its incident on the days it touches (default true; false for a recovered phase). */
  listed?: boolean;
}

export interface UptimeResult {
  uptimePercent: number | null;
  days: DayBucket[];
  monthly: MonthUptime[];
  yearly: YearUptime[];
}

interface Interval {
  start: number;
  end: number;
  weight: number;
}

/** The days and months a site counts: the starts of the window's days and of the last 12 months, each with the next one's. */
export interface UptimeCalendar {
  zone: string;
  /** `days + 1` instants: day `i` is `[days[i], days[i + 1])`; the last day is the day of "now". */
  days: number[];
  /** 13 instants: the last 12 months (the month of "now" last) and the start of the next one. */
  months: number[];
}

/** The calendar of the uptime window ending with the day of `now` in `zone` (computed once per model). */
export function uptimeCalendar(now: number, uptimeDays: number, zone = 'UTC'): UptimeCalendar {
  return { zone, days: dayStarts(now, Math.max(1, Math.floor(uptimeDays)), zone), months: monthStartsIn(now, 12, zone) };
}

/** Index of the day of `cal` holding `t` (−1 before the window; the last day after it). */
function dayIndex(cal: UptimeCalendar, t: number): number {
  let lo = 0;
  let hi = cal.days.length - 2;
  if (t < cal.days[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cal.days[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The periods a service's figures are computed over. */
interface Frame {
  cal: UptimeCalendar;
  now: number;
  /** UTC midnight of `since`, or null (alive since before any period). */
  since: number | null;
  windowStart: number;
  days: number;
  /** 13 UTC month starts: the last 12 months and the one after. */
  monthStarts: number[];
  /** UTC year starts, from the first year of life to the year after now's. */
  yearStarts: number[];
  /** Earliest instant counted: spans are clipped to [lifeStart, now]. */
  lifeStart: number;
}

/** The share of a moment counted as down, per impact (the others count as up). */
export const DOWN_WEIGHT: Partial<Record<Impact, number>> = { major_outage: 1, partial_outage: 0.3 };
const RANKED = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', 'operational'] as const;

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function percent(downMs: number, livedMs: number): number | null {
  if (livedMs <= 0) return null;
  return Math.min(100, Math.max(0, 100 * (1 - downMs / livedMs)));
}

/**
 * Weighted downtime as disjoint, time-ordered segments: a sweep over the start/end events of the
 * spans, keeping a count of open major and partial outages, so that overlapping incidents are
 * merged and at each moment only the worst impact counts (major 1, partial 0.3, others 0).
 */
export function downtimeSegments(intervals: Interval[]): Interval[] {
  const events: { t: number; delta: number; weight: number }[] = [];
  for (const iv of intervals) {
    if (iv.weight <= 0 || iv.end <= iv.start) continue;
    events.push({ t: iv.start, delta: 1, weight: iv.weight }, { t: iv.end, delta: -1, weight: iv.weight });
  }
  events.sort((a, b) => a.t - b.t);
  const segments: Interval[] = [];
  let major = 0;
  let partial = 0;
  let prev = 0;
  for (const ev of events) {
    const current = major > 0 ? 1 : partial > 0 ? 0.3 : 0;
    if (current > 0 && ev.t > prev) {
      const last = segments[segments.length - 1];
      if (last && last.end === prev && last.weight === current) last.end = ev.t;
      else segments.push({ start: prev, end: ev.t, weight: current });
    }
    if (ev.weight >= 1) major += ev.delta;
    else partial += ev.delta;
    prev = ev.t;
  }
  return segments;
}

/**
 * Weighted downtime of sorted, disjoint segments in each period [bounds[k], bounds[k+1]) of sorted bounds:
 * one pass over both lists.
 */
export function downtimeByPeriod(segments: readonly Interval[], bounds: readonly number[]): number[] {
  const down = new Array<number>(Math.max(0, bounds.length - 1)).fill(0);
  let k = 0;
  for (const seg of segments) {
    let t = Math.max(seg.start, bounds[0] ?? Infinity);
    while (t < seg.end && k < down.length) {
      const stop = Math.min(seg.end, bounds[k + 1]!);
      if (t >= stop) {
        k++;
        continue;
      }
      down[k] = down[k]! + (stop - t) * seg.weight;
      t = stop;
    }
  }
  return down;
}

/** The window, the last 12 months and the years of life of a service at `now`, in the calendar's zone. */
function frameOf(service: ServiceConfig, now: number, cal: UptimeCalendar, historyStart: number | undefined): Frame {
  const days = cal.days.length - 1;
  const windowStart = cal.days[0]!;
  const monthStarts = cal.months;
  const since = service.since ? startOfDate(service.since, cal.zone) : null;
  // A service without `since` lives from the first year of the site's history (or this year).
  const born = since ?? Math.min(historyStart ?? now, now);
  const year = Number(yearIn(now, cal.zone));
  const firstYear = Math.min(Number(yearIn(born, cal.zone)), year);
  const yearStarts: number[] = [];
  for (let y = firstYear; y <= year + 1; y++) yearStarts.push(startOfDate(`${String(y).padStart(4, '0')}-01-01`, cal.zone));
  const rangeStart = Math.min(windowStart, monthStarts[0]!, yearStarts[0]!);
  return { cal, now, since, windowStart, days, monthStarts, yearStarts, lifeStart: since === null ? rangeStart : Math.max(rangeStart, since) };
}

/** Spans clipped to the lived range [lifeStart, now]; a zero-length span before life is dropped. */
function clip(spans: readonly ServiceSpan[], f: Frame): ServiceSpan[] {
  const out: ServiceSpan[] = [];
  for (const span of spans) {
    if (span.started > f.now) continue;
    const end = Math.min(span.resolved ?? f.now, f.now);
    const start = Math.max(span.started, f.lifeStart);
    if (end < start || (end === start && span.started < f.lifeStart)) continue;
    out.push({ ...span, started: start, resolved: end });
  }
  return out;
}

/** Per window day: the worst impact and the incidents listed (a zero-length span touches the day of its start). */
function dayDetails(clipped: readonly ServiceSpan[], f: Frame): { worstRank: number[]; ids: string[][] } {
  const worstRank = new Array<number>(f.days).fill(STATUS_RANK.operational);
  const ids: string[][] = Array.from({ length: f.days }, () => []);
  for (const span of clipped) {
    const start = span.started;
    const end = span.resolved!;
    const first = Math.max(0, dayIndex(f.cal, start));
    const last = dayIndex(f.cal, Math.max(end, start + 1) - 1);
    const rank = span.impact === null ? STATUS_RANK.operational : STATUS_RANK[span.impact];
    for (let d = first; d <= last; d++) {
      if (rank < worstRank[d]!) worstRank[d] = rank;
      const list = ids[d]!;
      if (span.listed !== false && !list.includes(span.id)) list.push(span.id);
    }
  }
  return { worstRank, ids };
}

function dayBuckets(clipped: readonly ServiceSpan[], segments: readonly Interval[], f: Frame): DayBucket[] {
  const bounds = f.cal.days;
  const down = downtimeByPeriod(segments, bounds);
  const { worstRank, ids } = dayDetails(clipped, f);
  return down.map((ms, d) => {
    const lived = f.since === null || bounds[d + 1]! > f.since;
    return {
      date: dateIn(bounds[d]!, f.cal.zone),
      downtimeMinutes: round2(ms / MINUTE),
      worst: lived ? RANKED[worstRank[d]!]! : null,
      incidents: lived ? ids[d]! : [],
    };
  });
}

/** Uptime and downtime of each period [bounds[k], bounds[k+1]), lived from `since` up to now. */
function periods(segments: readonly Interval[], bounds: readonly number[], f: Frame): { uptimePercent: number | null; downtimeMinutes: number }[] {
  return downtimeByPeriod(segments, bounds).map((ms, k) => {
    const from = Math.max(bounds[k]!, f.since ?? -Infinity);
    const to = Math.min(bounds[k + 1]!, f.now);
    return { uptimePercent: percent(ms, to - from), downtimeMinutes: round2(ms / MINUTE) };
  });
}

/**
 * Uptime figures of one service: per-day buckets over the `uptimeDays` days (of the calendar's zone, UTC unless
 * given) ending with the day of `now` (that
 * day counted up to `now`), the percentage over that window, the last 12 calendar months, and every calendar year
 * of its life (from `since`, else from the first year of `historyStart`, the site's earliest incident). Time before
 * `since` is not lived: neither up nor down. Linear in the number of spans (plus one sort) and in the number of
 * days each span touches.
 */
export function serviceUptime(service: ServiceConfig, spans: ServiceSpan[], now: number, uptimeDays: number, opts: { historyStart?: number; calendar?: UptimeCalendar } = {}): UptimeResult {
  const f = frameOf(service, now, opts.calendar ?? uptimeCalendar(now, uptimeDays), opts.historyStart);
  const clipped = clip(spans, f);
  const segments = downtimeSegments(clipped.filter((s) => s.impact !== null).map((s) => ({ start: s.started, end: s.resolved!, weight: DOWN_WEIGHT[s.impact!] ?? 0 })));
  const days = dayBuckets(clipped, segments, f);
  const monthly = periods(segments, f.monthStarts, f).map((p, k) => ({ month: monthIn(f.monthStarts[k]!, f.cal.zone), ...p }));
  const yearly = periods(segments, f.yearStarts, f).map((p, k) => ({ year: yearIn(f.yearStarts[k]!, f.cal.zone), ...p }));
  const windowDown = downtimeByPeriod(segments, [f.windowStart, f.now])[0] ?? 0;
  const livedWindow = now - Math.max(f.windowStart, f.since ?? -Infinity);
  return { uptimePercent: percent(windowDown, livedWindow), days, monthly, yearly };
}
