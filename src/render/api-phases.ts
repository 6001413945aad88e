/**
 * What the JSON APIs say of impact phases and links. Keys are added only to incidents that have them, so that the
 * records of every other incident stay as they were.
 */
import type { ComponentStatus, TimelineEntry } from '../core/model.js';
import { isoUtc } from '../core/format.js';
import { impactAt, type IncidentView, type Phase, type ServiceView } from '../site/index.js';

/** Statuspage's `affected_components` item: a component's status before and after an update. */
export interface AffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

/** A service's status in the incident at `t` (operational outside it, or in a phase without impact). */
function statusAt(phases: readonly Phase[], t: number): ComponentStatus {
  return impactAt(phases, t) ?? 'operational';
}

/**
 * For each status update of an incident with phases, the components whose status it changed since the update
 * before it (the first: since before the incident), as Statuspage reports them; updates that change nothing are
 * absent. Changes written on entries without a status are reported with the next status update.
 */
export function affectedComponents(incident: IncidentView, services: ReadonlyMap<string, ServiceView>): Map<TimelineEntry, AffectedComponent[]> {
  const out = new Map<TimelineEntry, AffectedComponent[]>();
  if (!incident.phases) return out;
  let previous = -Infinity;
  for (const entry of incident.timeline) {
    if (entry.status === undefined) continue;
    const changed: AffectedComponent[] = [];
    for (const s of incident.phases) {
      const before = previous === -Infinity ? 'operational' : statusAt(s.phases, previous);
      const after = statusAt(s.phases, entry.at);
      if (before !== after) changed.push({ code: s.id, name: services.get(s.id)?.name ?? s.id, old_status: before, new_status: after });
    }
    if (changed.length > 0) out.set(entry, changed);
    previous = entry.at;
  }
  return out;
}

/** `phases` and `impacted_ms` of one service entry of our incident record (nothing without phases). */
export function phaseFields(incident: IncidentView, serviceId: string): { phases?: { from: string; until: string | null; impact: ComponentStatus }[]; impacted_ms?: number } {
  const own = incident.phases?.find((p) => p.id === serviceId);
  if (!own) return {};
  return {
    phases: own.phases.map((p) => ({ from: isoUtc(p.start), until: p.end === undefined ? null : isoUtc(p.end), impact: p.impact ?? 'operational' })),
    impacted_ms: own.impactedMs,
  };
}

/** `impact` of a timeline entry of our incident record: service id → impact from then on (nothing without changes). */
export function timelineImpact(entry: TimelineEntry): { impact?: Record<string, ComponentStatus> } {
  if (!entry.impact || entry.impact.length === 0) return {};
  return { impact: Object.fromEntries(entry.impact.map((c) => [c.service, c.impact ?? 'operational'])) };
}

/** `links` of our incident record (nothing when the incident has none). */
export function linkRecords(incident: IncidentView): { links?: { title: string; url: string; kind: string | null; internal?: true }[] } {
  if (incident.links.length === 0) return {};
  return { links: incident.links.map((l) => ({ title: l.title, url: l.url, kind: l.kind ?? null, ...internalMark(l) })) };
}

/** `internal: true` on a part of an internal site's record (the public site's parts are never internal). */
export function internalMark(part: { internal?: true }): { internal?: true } {
  return part.internal ? { internal: true } : {};
}

/**
 * What an incident of the internal site adds to its record: its visibility, whether it is a near miss, its
 * responders, which contributing factors are internal (indexes). Nothing for a public site's incident.
 */
export function internalFields(incident: IncidentView): { visibility?: 'internal'; near_miss?: true; responders?: { name: string; role: string | null }[]; internal_factors?: number[] } {
  return {
    ...(incident.visibility ? { visibility: incident.visibility } : {}),
    ...(incident.nearMiss ? { near_miss: true as const } : {}),
    ...(incident.responders ? { responders: incident.responders.map((r) => ({ name: r.name, role: r.role ?? null })) } : {}),
    ...(incident.internalFactors ? { internal_factors: incident.internalFactors } : {}),
  };
}
