/**
 * Uptime: weighted downtime merged across overlapping incidents, per day of the window, per month and over the
 * window. Pure: UTC milliseconds in, figures out.
 */
import type { Impact, ServiceConfig } from '../core/model.js';
import { STATUS_RANK } from '../core/status.js';
import { dateUtc, monthUtc } from '../core/format.js';
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

/** The share of a moment counted as down, per impact (the others count as up). */
export const DOWN_WEIGHT: Partial<Record<Impact, number>> = { major_outage: 1, partial_outage: 0.3 };

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

/**
 * Uptime figures of one service: per-day buckets over the `uptimeDays` UTC days ending with the day
 * of `now` (that day counted up to `now`), the percentage over that window, and the last 12
 * calendar months. Time before `since` is not lived: neither up nor down. Linear in the number of
 * spans (plus one sort) and in the number of days each span touches.
 */
export function serviceUptime(service: ServiceConfig, spans: ServiceSpan[], now: number, uptimeDays: number): UptimeResult {
  const today = startOfDay(now);
  const days = Math.max(1, Math.floor(uptimeDays));
  const windowStart = today - (days - 1) * DAY;
  const nowDate = new Date(now);
  const year = nowDate.getUTCFullYear();
  const month = nowDate.getUTCMonth();
  const monthStarts: number[] = [];
  for (let k = 11; k >= -1; k--) monthStarts.push(Date.UTC(year, month - k, 1));
  const rangeStart = Math.min(windowStart, monthStarts[0]!);
  const since = dateToMs(service.since);
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
    const first = Math.max(0, Math.floor((start - windowStart) / DAY));
    const last = Math.min(days - 1, Math.floor((Math.max(end, start + 1) - 1 - windowStart) / DAY));
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
    // Window days: split the segment at UTC midnights.
    let t = Math.max(seg.start, windowStart);
    while (t < seg.end) {
      const d = Math.floor((t - windowStart) / DAY);
      const stop = Math.min(seg.end, windowStart + (d + 1) * DAY);
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
    const dayStart = windowStart + d * DAY;
    const lived = since === null || dayStart + DAY > since;
    buckets.push({
      date: dateUtc(dayStart),
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
      month: monthUtc(monthStarts[k]!),
      uptimePercent: percent(monthDown[k]!, to - from),
      downtimeMinutes: round2(monthDown[k]! / MINUTE),
    });
  }
  const livedWindow = now - Math.max(windowStart, since ?? -Infinity);
  return { uptimePercent: percent(windowDown, livedWindow), days: buckets, monthly };
}

