/**
 * What a publish changed, from the live site's snapshot and the new one: per incident, the events it went through
 * (in order of progress), and the services whose status changed. Derived from the two sites alone, never from local
 * state: publishing the same site again changes nothing and announces nothing.
 *
 * - An incident: `opened` (new and ongoing, or its `resolved` removed: reopened), `update` (a newest status update
 *   later than the live site's newest; an update is known by its time and status, and one dated before the newest
 *   already published is not announced), `resolved`, `postmortem` (resolved with its root cause or a `postmortem`
 *   update, for the first time). A new incident already resolved is `resolved` (and `postmortem`), never `opened`:
 *   readers learn it happened, not that it begins.
 * - A maintenance: `scheduled` (new and upcoming, or moved while upcoming), `update`, `started`, `completed`.
 * - A first run (no live snapshot) announces only what is going on now: ongoing incidents, maintenance in progress
 *   or upcoming; never the history.
 */
import type { ComponentStatus, NotifyEvent } from '../core/index.js';
import type { NotifySnapshot, SnapshotIncident, SnapshotService } from '../render/index.js';
import { parseUpdateKey } from './details.js';

export interface IncidentChange {
  kind: 'incident';
  incident: SnapshotIncident;
  /** As the live site had it; null when new. */
  before: SnapshotIncident | null;
  /** In order of progress; never empty. */
  events: NotifyEvent[];
  /** An incident whose `resolved` was removed; a maintenance moved while upcoming. */
  again: boolean;
  /** The newest status update (`<at> <status>`), when the live site did not have it. */
  newUpdate: string | null;
}

export interface ServiceChange {
  kind: 'service';
  service: SnapshotService;
  from: ComponentStatus;
}

export type Change = IncidentChange | ServiceChange;

/** The newest update of `cur` when it is new: another than the live site's newest, and not earlier. */
function newUpdate(cur: SnapshotIncident, before: SnapshotIncident | null): string | null {
  if (before === null || cur.latest_update === null || cur.latest_update === before.latest_update) return null;
  if (before.latest_update === null) return cur.latest_update;
  return Date.parse(parseUpdateKey(cur.latest_update).at) >= Date.parse(parseUpdateKey(before.latest_update).at) ? cur.latest_update : null;
}

const MAINTENANCE_ORDER = { upcoming: 0, in_progress: 1, completed: 2 } as const;

function incidentEvents(cur: SnapshotIncident, before: SnapshotIncident | null, update: string | null): { events: NotifyEvent[]; again: boolean } {
  const events: NotifyEvent[] = [];
  if (before === null) {
    if (cur.phase === 'open') return { events: ['opened'], again: false };
    return { events: cur.postmortem ? ['resolved', 'postmortem'] : ['resolved'], again: false };
  }
  const again = before.phase === 'resolved' && cur.phase === 'open';
  if (again) events.push('opened');
  if (update !== null) events.push('update');
  if (before.phase === 'open' && cur.phase === 'resolved') events.push('resolved');
  if (cur.postmortem && !before.postmortem) events.push('postmortem');
  return { events, again };
}

function maintenanceEvents(cur: SnapshotIncident, before: SnapshotIncident | null, update: string | null): { events: NotifyEvent[]; again: boolean } {
  const phase = cur.phase as keyof typeof MAINTENANCE_ORDER;
  if (before === null) return { events: [phase === 'upcoming' ? 'scheduled' : phase === 'in_progress' ? 'started' : 'completed'], again: false };
  const was = before.phase as keyof typeof MAINTENANCE_ORDER;
  const events: NotifyEvent[] = [];
  const moved = phase === 'upcoming' && (was !== 'upcoming' || before.started_at !== cur.started_at || before.resolved_at !== cur.resolved_at);
  if (moved) events.push('scheduled');
  if (update !== null) events.push('update');
  if (MAINTENANCE_ORDER[was] < 1 && MAINTENANCE_ORDER[phase] >= 1) events.push('started');
  if (MAINTENANCE_ORDER[was] < 2 && phase === 'completed') events.push('completed');
  return { events, again: moved && was === 'upcoming' };
}

/** Active on a first run: what a reader should hear about even without a previous site. */
const isCurrent = (i: SnapshotIncident) => i.phase === 'open' || i.phase === 'in_progress' || i.phase === 'upcoming';

/**
 * The changes from `previous` to `current`, oldest incident first, then services in the site's order. `previous`
 * null: a first run (see above).
 */
export function deriveChanges(previous: NotifySnapshot | null, current: NotifySnapshot): Change[] {
  const before = new Map((previous?.incidents ?? []).map((i) => [i.id, i] as const));
  const changes: Change[] = [];
  const incidents = [...current.incidents].reverse();
  for (const incident of incidents) {
    if (previous === null && !isCurrent(incident)) continue;
    const was = before.get(incident.id) ?? null;
    // Only a kind the incident keeps is compared: an incident turned into maintenance (or back) starts anew.
    const prior = was && was.maintenance === incident.maintenance ? was : null;
    const update = newUpdate(incident, prior);
    const { events, again } = incident.maintenance ? maintenanceEvents(incident, prior, update) : incidentEvents(incident, prior, update);
    if (events.length > 0) changes.push({ kind: 'incident', incident, before: prior, events, again, newUpdate: update });
  }
  if (previous !== null) {
    const statuses = new Map(previous.services.map((s) => [s.id, s.status] as const));
    for (const service of current.services) {
      const from = statuses.get(service.id);
      if (from !== undefined && from !== service.status) changes.push({ kind: 'service', service, from });
    }
  }
  return changes;
}
