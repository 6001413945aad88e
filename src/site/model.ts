/**
 * The site model: every derived figure of the published incidents, computed once and shared by
 * the pages, the feeds, the badges and the JSON API. Pure: same inputs, same output, no clock, no
 * locale, no machine time zone (everything is UTC milliseconds).
 */

import type {
  Action,
  ActionView,
  AffectedService,
  ComponentStatus,
  DayBucket,
  Impact,
  Incident,
  IncidentHtml,
  IncidentView,
  Indicator,
  MonthUptime,
  ServiceConfig,
  ServiceGroup,
  ServiceView,
  SiteConfig,
  SiteModel,
  TimelineEntry,
  TimelineStatus,
} from '../core/model.js';
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../core/model.js';
import { dateUtc, monthUtc } from '../core/format.js';
import { createHash } from 'node:crypto';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far back `recent` looks. */
export const RECENT_DAYS = 14;

export interface SiteModelOptions {
  /** Build instant in ms (SOURCE_DATE_EPOCH × 1000 when set). */
  now: number;
  /** Publish drafts too. */
  drafts: boolean;
  /** Renders an incident's Markdown (body, root cause, timeline texts). */
  html: (incident: Incident) => IncidentHtml;
  /**
   * A hash of the text an incident was read from (with everything it was read with: tool, site.yaml). When
   * given, each view gets a `fingerprint`, so that outputs made from unchanged incidents can be reused.
   */
  sourceHash?: (incident: Incident) => string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Small shared helpers (also used by feeds.ts, api.ts, badges.ts)

/** Rank of a component status, 0 = worst (major_outage) … 4 = operational. */
export const STATUS_RANK: Record<ComponentStatus, number> = {
  major_outage: 0,
  partial_outage: 1,
  degraded_performance: 2,
  under_maintenance: 3,
  operational: 4,
};

/** The worse of two component statuses. */
export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return STATUS_RANK[b] < STATUS_RANK[a] ? b : a;
}

/** Public URL of a site-relative path: absolute under `base_url`, else root-relative under the base path. */
export function siteUrl(config: SiteConfig, path: string): string {
  return `${config.baseUrl ?? config.basePath}${path}`;
}

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

/** Deterministic ordering: newest `started` first, ties by id (code-unit order, no locale). */
export function compareIncidents(a: Incident, b: Incident): number {
  if (a.started !== b.started) return b.started - a.started;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isMaintenance(incident: Incident): boolean {
  return incident.severity === 'maintenance';
}

/** Ongoing at `now`: non-maintenance without `resolved`; maintenance with started ≤ now < resolved (or no resolved). */
export function isOngoing(incident: Incident, now: number): boolean {
  if (!isMaintenance(incident)) return incident.resolved === undefined;
  return incident.started <= now && (incident.resolved === undefined || now < incident.resolved);
}

/** Maintenance scheduled in the future. */
export function isUpcoming(incident: Incident, now: number): boolean {
  return isMaintenance(incident) && incident.started > now;
}

const FINAL_INCIDENT: ReadonlySet<string> = new Set(['resolved', 'postmortem']);
const INCIDENT_STATUS_SET: ReadonlySet<string> = new Set(INCIDENT_STATUSES);
const MAINTENANCE_STATUS_SET: ReadonlySet<string> = new Set(MAINTENANCE_STATUSES);

/** The last (by time, then file order) status of the timeline at `now` that `keep` accepts. */
function lastStatus(timeline: TimelineEntry[], now: number, keep: (s: TimelineStatus) => boolean): TimelineStatus | null {
  let best: TimelineEntry | null = null;
  for (const entry of timeline) {
    if (entry.status === undefined || entry.at > now || !keep(entry.status)) continue;
    if (best === null || entry.at >= best.at) best = entry;
  }
  return best?.status ?? null;
}

/**
 * Current status of an incident, consistent with its times:
 * - maintenance: the time decides the phase (scheduled before `started`, completed from `resolved`,
 *   else in progress, where a `verifying` update is kept); stale timeline statuses never win;
 * - incident with `resolved`: its last status when that is `resolved`/`postmortem`, else `resolved`;
 * - ongoing incident: its last status among investigating/identified/monitoring, else `investigating`.
 * Timeline entries later than `now` and statuses of the other kind are ignored.
 */
export function incidentStatus(incident: Incident, now: number): TimelineStatus {
  if (isMaintenance(incident)) {
    if (now < incident.started) return 'scheduled';
    if (incident.resolved !== undefined && now >= incident.resolved) return 'completed';
    const last = lastStatus(incident.timeline, now, (s) => MAINTENANCE_STATUS_SET.has(s));
    return last === 'verifying' ? 'verifying' : 'in_progress';
  }
  if (incident.resolved !== undefined) {
    const last = lastStatus(incident.timeline, now, (s) => INCIDENT_STATUS_SET.has(s));
    return last !== null && FINAL_INCIDENT.has(last) ? last : 'resolved';
  }
  const last = lastStatus(incident.timeline, now, (s) => INCIDENT_STATUS_SET.has(s) && !FINAL_INCIDENT.has(s));
  return last ?? 'investigating';
}

/**
 * The instant of the latest change of an incident that has happened by `now`: the latest of
 * started, detected, mitigated, resolved and timeline entries not later than `now`; `started` when
 * none has happened yet (upcoming maintenance). Used for Atom `updated`, JSON `date_modified`,
 * Statuspage `updated_at`.
 */
export function incidentUpdatedAt(incident: Incident, now: number): number {
  let latest = -Infinity;
  const consider = (t: number | undefined): void => {
    if (t !== undefined && t <= now && t > latest) latest = t;
  };
  consider(incident.started);
  consider(incident.detected);
  consider(incident.mitigated);
  consider(incident.resolved);
  for (const entry of incident.timeline) consider(entry.at);
  return latest === -Infinity ? incident.started : latest;
}

/** Duration, time to detect and time to mitigate in ms (null when a time is missing). */
export function incidentDurations(
  incident: Incident,
  now: number,
): { durationMs: number | null; timeToDetectMs: number | null; timeToMitigateMs: number | null } {
  let durationMs: number | null = null;
  if (incident.resolved !== undefined) durationMs = incident.resolved - incident.started;
  else if (incident.started <= now) durationMs = now - incident.started;
  return {
    durationMs,
    timeToDetectMs: incident.detected === undefined ? null : incident.detected - incident.started,
    timeToMitigateMs: incident.mitigated === undefined ? null : incident.mitigated - incident.started,
  };
}

/** Status updates (timeline entries with a status), newest first; equal instants: later in the file first. */
export function statusUpdates(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.status !== undefined)
    .sort((a, b) => b.entry.at - a.entry.at || b.index - a.index)
    .map(({ entry }) => entry);
}

// ---------------------------------------------------------------------------------------------
// Uptime

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

// ---------------------------------------------------------------------------------------------
// Overall status

const OVERALL: Record<ComponentStatus, { indicator: Indicator; description: string }> = {
  major_outage: { indicator: 'critical', description: 'Major Service Outage' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  degraded_performance: { indicator: 'minor', description: 'Minor Service Outage' },
  under_maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance' },
  operational: { indicator: 'none', description: 'All Systems Operational' },
};

/** The page's indicator and description (Statuspage's words) from its components' statuses. */
export function overallStatus(statuses: ComponentStatus[]): { indicator: Indicator; description: string } {
  const worst = statuses.reduce<ComponentStatus>(worse, 'operational');
  return { ...OVERALL[worst] };
}

// ---------------------------------------------------------------------------------------------
// Actions

const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

function actionGroup(a: ActionView): number {
  if (a.status === 'open' || a.status === 'in_progress') return a.overdue ? 0 : 1;
  return 2;
}

/**
 * Every action across incidents: overdue open/in-progress first (earliest due first), then the
 * other open/in-progress ones (by due date, undated last), then done/won't do. Remaining ties: priority
 * (high first), the incident order (newest first), the order in the file.
 */
export function collectActions(incidents: IncidentView[], now: number): ActionView[] {
  const today = dateUtc(now);
  const rows: { view: ActionView; incident: number; index: number }[] = [];
  incidents.forEach((incident, incidentIndex) => {
    incident.actions.forEach((action: Action, index) => {
      rows.push({
        view: {
          ...action,
          incidentId: incident.id,
          incidentTitle: incident.title,
          overdue: isOverdue(action, today),
        },
        incident: incidentIndex,
        index,
      });
    });
  });
  const dueKey = (a: ActionView): string => a.due ?? '9999-99-99';
  rows.sort((x, y) => {
    const a = x.view;
    const b = y.view;
    const g = actionGroup(a) - actionGroup(b);
    if (g !== 0) return g;
    if (actionGroup(a) < 2 && dueKey(a) !== dueKey(b)) return dueKey(a) < dueKey(b) ? -1 : 1;
    const p = (PRIORITY_RANK[a.priority ?? ''] ?? 3) - (PRIORITY_RANK[b.priority ?? ''] ?? 3);
    if (p !== 0) return p;
    return x.incident - y.incident || x.index - y.index;
  });
  return rows.map((r) => r.view);
}

// ---------------------------------------------------------------------------------------------
// Groups

/** Services by group, groups in the order of their first service; runs of ungrouped services form `name: null` groups. */
export function groupServices(services: ServiceView[]): ServiceGroup[] {
  const groups: ServiceGroup[] = [];
  const named = new Map<string, ServiceGroup>();
  for (const service of services) {
    if (service.group === undefined || service.group === '') {
      const last = groups[groups.length - 1];
      if (last && last.name === null) last.services.push(service);
      else groups.push({ name: null, services: [service] });
      continue;
    }
    let group = named.get(service.group);
    if (!group) {
      group = { name: service.group, services: [] };
      named.set(service.group, group);
      groups.push(group);
    }
    group.services.push(service);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// The model

/** An action still to do whose due date (`YYYY-MM-DD`) is before `today`. */
export function isOverdue(a: { status: string; due?: string | undefined }, today: string): boolean {
  return (a.status === 'open' || a.status === 'in_progress') && a.due !== undefined && a.due < today;
}

/**
 * Everything an incident's view holds, as a hash: the hash of its source (which determines the incident and its
 * HTML) and every value derived from "now" and from its neighbours. Two builds that give a view the same
 * fingerprint give it the same fields, so a page made only from it (and from site-wide inputs) is the same.
 */
export function incidentFingerprint(view: IncidentView, sourceHash: string, now: number, today: string): string {
  const derived = [
    view.status,
    view.ongoing,
    view.upcoming,
    view.durationMs,
    view.timeToDetectMs,
    view.timeToMitigateMs,
    view.prevId,
    view.nextId,
    incidentUpdatedAt(view, now),
    view.actions.map((a) => isOverdue(a, today)),
  ];
  return createHash('sha256').update(sourceHash).update('\0').update(JSON.stringify(derived)).digest('base64url');
}

function toView(incident: Incident, now: number, html: IncidentHtml): IncidentView {
  const derived = {
    status: incidentStatus(incident, now),
    ongoing: isOngoing(incident, now),
    upcoming: isUpcoming(incident, now),
    isMaintenance: isMaintenance(incident),
    ...incidentDurations(incident, now),
    path: `incidents/${incident.id}/`,
    updates: statusUpdates(incident.timeline),
    prevId: null,
    nextId: null,
  };
  // Object.assign rather than a spread: V8 copies a wide object with extra keys ~20× faster this way.
  const view = Object.assign({}, incident, derived) as Omit<IncidentView, 'bodyHtml' | 'rootCauseHtml' | 'timelineHtml'>;
  // The HTML is read through `html` when used, not copied: it may be loaded lazily from the build cache.
  for (const key of ['bodyHtml', 'rootCauseHtml', 'timelineHtml'] as const) {
    Object.defineProperty(view, key, { get: () => html[key], enumerable: true, configurable: true });
  }
  // An incident from the build cache is stored without its Markdown source, which comes with its HTML.
  if (!('body' in incident) && 'body' in html) Object.defineProperty(view, 'body', { get: () => (html as { body: string }).body, enumerable: true, configurable: true });
  return view as IncidentView;
}

/** One entry per service id, keeping the worst impact when an incident lists a service twice. */
function affectedByService(services: AffectedService[]): Map<string, Impact | null> {
  const map = new Map<string, Impact | null>();
  for (const s of services) {
    const prev = map.get(s.id);
    if (prev === undefined || prev === null) map.set(s.id, s.impact);
    else if (s.impact !== null && STATUS_RANK[s.impact] < STATUS_RANK[prev]) map.set(s.id, s.impact);
  }
  return map;
}

export function buildSiteModel(config: SiteConfig, incidents: Incident[], opts: SiteModelOptions): SiteModel {
  const { now } = opts;
  const published = incidents.filter((i) => opts.drafts || !i.draft).sort(compareIncidents);
  const views = published.map((i) => toView(i, now, opts.html(i)));
  views.forEach((view, k) => {
    view.nextId = k > 0 ? views[k - 1]!.id : null;
    view.prevId = k + 1 < views.length ? views[k + 1]!.id : null;
  });
  if (opts.sourceHash) {
    const today = dateUtc(now);
    for (const view of views) {
      const source = opts.sourceHash(view);
      if (source !== undefined) view.fingerprint = incidentFingerprint(view, source, now, today);
    }
  }
  const byId = new Map(views.map((v) => [v.id, v] as const));

  // Bucket incidents per service once (views are already in display order).
  const spansByService = new Map<string, ServiceSpan[]>(config.services.map((s) => [s.id, []]));
  const statusByService = new Map<string, ComponentStatus>();
  for (const view of views) {
    for (const [serviceId, impact] of affectedByService(view.services)) {
      const spans = spansByService.get(serviceId);
      if (!spans) continue;
      spans.push({ id: view.id, impact, started: view.started, resolved: view.resolved });
      if (view.ongoing && impact !== null) {
        statusByService.set(serviceId, worse(statusByService.get(serviceId) ?? 'operational', impact));
      }
    }
  }

  const services: ServiceView[] = config.services.map((service) => {
    const spans = spansByService.get(service.id) ?? [];
    return {
      ...service,
      status: statusByService.get(service.id) ?? 'operational',
      ...serviceUptime(service, spans, now, config.uptimeDays),
      incidentIds: spans.map((s) => s.id),
    };
  });

  const tagMap = new Map<string, string[]>();
  for (const view of views) {
    for (const tag of new Set(view.tags)) {
      const ids = tagMap.get(tag);
      if (ids) ids.push(view.id);
      else tagMap.set(tag, [view.id]);
    }
  }
  const tags = new Map([...tagMap.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  const recentFrom = now - RECENT_DAYS * DAY;
  return {
    config,
    now,
    overall: overallStatus(services.map((s) => s.status)),
    services,
    groups: groupServices(services),
    incidents: views,
    byId,
    active: views.filter((v) => !v.isMaintenance && v.ongoing),
    maintenanceActive: views.filter((v) => v.isMaintenance && v.ongoing),
    maintenanceUpcoming: views.filter((v) => v.upcoming).sort((a, b) => a.started - b.started || compareIncidents(a, b)),
    recent: views.filter((v) => !v.isMaintenance && (v.ongoing || (v.started >= recentFrom && v.started <= now))),
    tags,
    actions: collectActions(views, now),
  };
}
