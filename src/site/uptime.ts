/**
 * Uptime: weighted downtime merged across overlapping incidents, per day of the window, per month and over the
 * window. Days and months are those of the site's display zone (core/calendar.ts): the page's bar, the monthly
 * table and the API's buckets are the same figures. Pure: UTC milliseconds in, figures out.
 */
import type { Impact, ServiceConfig } from '../core/model.js';
import { STATUS_RANK } from '../core/status.js';
import { dateIn, dayStarts, monthIn, monthStarts as monthStartsIn, startOfDate } from '../core/calendar.js';
import type { DayBucket, MonthUptime } from './types.js';

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

/** One incident as it touches one service. */
export interface ServiceSpan {
  id: string;
  impact: Impact | null;
  started: number;
  /** `resolved`, or undefined while ongoing. */
  resolved?: number;
}

export interface UptimeResult {
  uptimePercent: number | null;
  days: DayBucket[];
  monthly: MonthUptime[];
}

const DOWN_WEIGHT: Partial<Record<Impact, number>> = { major_outage: 1, partial_outage: 0.3 };

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
export function downtimeSegments(intervals: { start: number; end: number; weight: number }[]): { start: number; end: number; weight: number }[] {
  const events: { t: number; delta: number; weight: number }[] = [];
  for (const iv of intervals) {
    if (iv.weight <= 0 || iv.end <= iv.start) continue;
    events.push({ t: iv.start, delta: 1, weight: iv.weight }, { t: iv.end, delta: -1, weight: iv.weight });
  }
  events.sort((a, b) => a.t - b.t);
  const segments: { start: number; end: number; weight: number }[] = [];
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

/**
 * Uptime figures of one service: per-day buckets over the `uptimeDays` days of the calendar's zone ending with the
 * day of `now` (that day counted up to `now`), the percentage over that window, and the last 12 calendar months.
 * Time before `since` (midnight of that day in the zone) is not lived: neither up nor down. Linear in the number of
 * spans (plus one sort) and in the number of days each span touches.
 */
export function serviceUptime(service: ServiceConfig, spans: ServiceSpan[], now: number, uptimeDays: number, calendar?: UptimeCalendar): UptimeResult {
  const cal = calendar ?? uptimeCalendar(now, uptimeDays);
  const days = cal.days.length - 1;
  const windowStart = cal.days[0]!;
  const monthStarts = cal.months;
  const rangeStart = Math.min(windowStart, monthStarts[0]!);
  const since = service.since ? startOfDate(service.since, cal.zone) : null;
  const lifeStart = since === null ? rangeStart : Math.max(rangeStart, since);

  // Clip every span to the lived range [lifeStart, now].
  const intervals: { start: number; end: number; weight: number }[] = [];
  const worstRank = new Array<number>(days).fill(STATUS_RANK.operational);
  const dayIds: string[][] = Array.from({ length: days }, () => []);
  for (const span of spans) {
    if (span.started > now) continue;
    const end = Math.min(span.resolved ?? now, now);
    const start = Math.max(span.started, lifeStart);
    if (end < start || (end === start && span.started < lifeStart)) continue;
    if (span.impact !== null) intervals.push({ start, end, weight: DOWN_WEIGHT[span.impact] ?? 0 });
    // Days the span touches inside the window (a zero-length span touches the day of its start).
    const first = Math.max(0, dayIndex(cal, start));
    const last = dayIndex(cal, Math.max(end, start + 1) - 1);
    const rank = span.impact === null ? STATUS_RANK.operational : STATUS_RANK[span.impact];
    for (let d = first; d <= last; d++) {
      if (rank < worstRank[d]!) worstRank[d] = rank;
      const ids = dayIds[d]!;
      if (ids[ids.length - 1] !== span.id) ids.push(span.id);
    }
  }

  const dayDown = new Array<number>(days).fill(0);
  const monthDown = new Array<number>(12).fill(0);
  let windowDown = 0;
  let m = 0;
  for (const seg of downtimeSegments(intervals)) {
    // Window days: split the segment at the zone's midnights.
    let t = Math.max(seg.start, windowStart);
    while (t < seg.end) {
      const d = dayIndex(cal, t);
      const stop = Math.min(seg.end, cal.days[d + 1]!);
      const w = (stop - t) * seg.weight;
      dayDown[d] = dayDown[d]! + w;
      windowDown += w;
      t = stop;
    }
    // Months: segments are sorted, so the month pointer only moves forward.
    t = Math.max(seg.start, monthStarts[0]!);
    while (t < seg.end && m < 12) {
      const stop = Math.min(seg.end, monthStarts[m + 1]!);
      if (t >= stop) {
        m++;
        continue;
      }
      monthDown[m] = monthDown[m]! + (stop - t) * seg.weight;
      t = stop;
    }
  }

  const RANKED = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', 'operational'] as const;
  const buckets: DayBucket[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = cal.days[d]!;
    const lived = since === null || cal.days[d + 1]! > since;
    buckets.push({
      date: dateIn(dayStart, cal.zone),
      downtimeMinutes: round2(dayDown[d]! / MINUTE),
      worst: lived ? RANKED[worstRank[d]!]! : null,
      incidents: lived ? dayIds[d]! : [],
    });
  }
  const monthly: MonthUptime[] = [];
  for (let k = 0; k < 12; k++) {
    const from = Math.max(monthStarts[k]!, since ?? -Infinity);
    const to = Math.min(monthStarts[k + 1]!, now);
    monthly.push({
      month: monthIn(monthStarts[k]!, cal.zone),
      uptimePercent: percent(monthDown[k]!, to - from),
      downtimeMinutes: round2(monthDown[k]! / MINUTE),
    });
  }
  const livedWindow = now - Math.max(windowStart, since ?? -Infinity);
  return { uptimePercent: percent(windowDown, livedWindow), days: buckets, monthly };
}

