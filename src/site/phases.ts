/**
 * Impact phases: how an incident's impact on each service changed over time. A service starts with the impact its
 * `services` entry gives (from `started`), and each timeline entry's `impact` changes it from its `at` onward, in
 * time order, until the incident ends; a `null` impact (written `operational`) is a stretch where the service was
 * listed but not impacted. Pure: UTC milliseconds in, phases out.
 */
import type { Impact, Incident } from '../core/model.js';

/** One stretch of an incident with one impact on a service; `end` absent while the incident goes on. */
export interface Phase {
  start: number;
  end?: number;
  impact: Impact | null;
}

/** A service's phases in one incident, and how long it was impacted (non-null phases, up to now). */
export interface ServicePhases {
  id: string;
  phases: Phase[];
  impactedMs: number;
}

/** Whether any timeline entry of the incident changes a service's impact. */
export function hasImpactChanges(incident: Incident): boolean {
  return incident.timeline.some((e) => e.impact !== undefined && e.impact.length > 0);
}

/** The phases of one service, in time order, adjacent phases with the same impact merged. */
export function servicePhases(incident: Incident, serviceId: string, initial: Impact | null): Phase[] {
  const phases: Phase[] = [{ start: incident.started, impact: initial }];
  for (const entry of incident.timeline) {
    for (const change of entry.impact ?? []) {
      if (change.service !== serviceId) continue;
      const current = phases[phases.length - 1]!;
      if (entry.at <= current.start) current.impact = change.impact;
      else {
        current.end = entry.at;
        phases.push({ start: entry.at, impact: change.impact });
      }
    }
  }
  const merged: Phase[] = [];
  for (const p of phases) {
    const last = merged[merged.length - 1];
    if (last && last.impact === p.impact) {
      if (p.end === undefined) delete last.end;
      else last.end = p.end;
    } else merged.push({ ...p });
  }
  const last = merged[merged.length - 1]!;
  if (incident.resolved !== undefined) last.end = incident.resolved;
  return merged;
}

/** The impact of the phase holding instant `t`; undefined outside every phase. */
export function impactAt(phases: readonly Phase[], t: number): Impact | null | undefined {
  for (let k = phases.length - 1; k >= 0; k--) {
    const p = phases[k]!;
    if (p.start <= t) return p.end === undefined || t < p.end ? p.impact : undefined;
  }
  return undefined;
}

/** Time with an impact (non-null phases), counted up to `now`. */
export function impactedMs(phases: readonly Phase[], now: number): number {
  let total = 0;
  for (const p of phases) {
    if (p.impact === null) continue;
    const end = Math.min(p.end ?? now, now);
    if (end > p.start) total += end - p.start;
  }
  return total;
}

/** Every listed service's phases (null when no timeline entry changes an impact: one impact for the whole incident). */
export function incidentPhases(incident: Incident, now: number): ServicePhases[] | null {
  if (!hasImpactChanges(incident)) return null;
  return incident.services.map((s) => {
    const phases = servicePhases(incident, s.id, s.impact);
    return { id: s.id, phases, impactedMs: impactedMs(phases, now) };
  });
}
