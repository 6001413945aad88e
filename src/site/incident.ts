/**
 * What an incident is at a given "now": its status, whether it is ongoing or upcoming, its durations, its latest
 * change, its public updates, and its view for the pages. Pure.
 */
import type { Impact, Incident, IncidentHtml, TimelineEntry, TimelineStatus } from '../core/model.js';
import { STATUS_RANK } from '../core/status.js';
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../core/model.js';
import { compareStrings } from '../core/compare.js';
import type { IncidentView } from './types.js';
import { incidentPhases } from './phases.js';

/** Deterministic ordering: newest `started` first, ties by id (code-unit order, no locale). */
export function compareIncidents(a: Incident, b: Incident): number {
  if (a.started !== b.started) return b.started - a.started;
  return compareStrings(a.id, b.id);
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


/** The worst impact an incident has on its services, or null when it changes no status. */
export function incidentImpact(incident: Incident): Impact | null {
  let worst: Impact | null = null;
  for (const s of incident.services) if (s.impact !== null && (worst === null || STATUS_RANK[s.impact] < STATUS_RANK[worst])) worst = s.impact;
  return worst;
}

export function toView(incident: Incident, now: number, html: IncidentHtml, lang: string): IncidentView {
  const derived = {
    status: incidentStatus(incident, now),
    impact: incidentImpact(incident),
    lang,
    ongoing: isOngoing(incident, now),
    upcoming: isUpcoming(incident, now),
    isMaintenance: isMaintenance(incident),
    ...incidentDurations(incident, now),
    path: `incidents/${incident.id}/`,
    updates: statusUpdates(incident.timeline),
    phases: incidentPhases(incident, now),
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

