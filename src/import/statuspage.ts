/**
 * Statuspage → an import plan. Components become services (groups kept, names kept), incidents and scheduled
 * maintenance become incidents with every update in the timeline at its display time (`display_at`: when it
 * happened; `created_at` is when it was typed, later for backfilled updates), statuses kept, the components'
 * transitions as impact phases, impact mapped to severity, the postmortem as the body and the shortlink as a link.
 */
import type { IncidentStatus, MaintenanceStatus, Severity } from '../core/model.js';
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../core/model.js';
import { dateUtc, isoUtc } from '../core/format.js';
import { slugify } from '../core/text.js';
import type { ImpactValue, ImportPlan, Note, PlannedEntry, PlannedIncident, PlannedService } from './plan.js';
import type { SpComponent, SpData, SpIncident, SpUpdate } from './statuspage-input.js';
import { componentStatus } from './statuspage-input.js';
import { clip, oneLine, plainToMarkdown, summaryFrom } from './text.js';

/** Statuspage's public lists hold at most this many incidents (and maintenances). */
export const PUBLIC_LIST_LIMIT = 50;

const SEVERITY: Record<string, Severity> = { none: 'notice', minor: 'minor', major: 'major', critical: 'critical', maintenance: 'maintenance' };

export function statuspagePlan(data: SpData, now: number): ImportPlan {
  const notes: Note[] = [];
  const services = planServices(data, notes);
  const known = new Map(services.map((s) => [s.key, s] as const));
  const incidents: PlannedIncident[] = [];
  const sorted = [...data.incidents].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : 1));
  for (const inc of sorted) {
    const planned = planIncident(inc, data, known, services, notes, now);
    if (planned) incidents.push(planned);
  }
  const plan: ImportPlan = { source: 'Statuspage', services, incidents, notes, remarks: remarks(data) };
  const title = data.page?.name ?? undefined;
  if (title) plan.title = title;
  if (data.page?.time_zone) plan.timezone = data.page.time_zone;
  return plan;
}

function remarks(data: SpData): string[] {
  const out: string[] = [];
  const { incidents, maintenances } = data.publicCounts;
  if ((incidents ?? 0) >= PUBLIC_LIST_LIMIT || (maintenances ?? 0) >= PUBLIC_LIST_LIMIT) {
    out.push(
      `Statuspage's public API lists only the ${PUBLIC_LIST_LIMIT} latest incidents and maintenances: older ones are not in this import. ` +
        'For the whole history, import from the management API: postmortem import statuspage --page-id ID (with the key in STATUSPAGE_API_KEY).',
    );
  }
  return out;
}

/** Components (not groups) in display order, their group's name kept; deleted components seen in incidents added. */
function planServices(data: SpData, notes: Note[]): PlannedService[] {
  const groupName = new Map<string, string>();
  for (const g of data.groups) groupName.set(g.id, g.name);
  for (const c of data.components) if (c.group) groupName.set(c.id, c.name);
  const memberOf = new Map<string, string>();
  for (const g of data.groups) for (const id of g.components) memberOf.set(id, g.id);
  const members = data.components.filter((c) => !c.group).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const services = members.map((c) => service(c, groupName.get(c.group_id ?? memberOf.get(c.id) ?? '')));
  const seen = new Set(services.map((s) => s.key));
  for (const inc of data.incidents) {
    for (const ref of componentRefs(inc)) {
      if (seen.has(ref.code) || groupName.has(ref.code)) continue;
      seen.add(ref.code);
      services.push({ key: ref.code, name: ref.name ?? ref.code });
      notes.push({ where: `component "${ref.name ?? ref.code}" (${ref.code})`, message: 'is not among the page\'s components any more (deleted?); added as a service so that its incidents keep it' });
    }
  }
  return services;
}

function service(c: SpComponent, group: string | undefined): PlannedService {
  const s: PlannedService = { key: c.id, name: oneLine(c.name).slice(0, 200) };
  if (group) s.group = oneLine(group);
  if (c.description && oneLine(c.description)) s.description = oneLine(c.description);
  if (c.start_date && /^\d{4}-\d{2}-\d{2}/.test(c.start_date)) s.since = c.start_date.slice(0, 10);
  return s;
}

/** Every component an incident mentions: in `components` and in its updates' transitions. */
function componentRefs(inc: SpIncident): { code: string; name?: string }[] {
  const refs: { code: string; name?: string }[] = [];
  for (const c of inc.components ?? []) if (!c.group) refs.push({ code: c.id, name: c.name });
  for (const u of inc.incident_updates) for (const a of u.affected_components ?? []) refs.push({ code: a.code, ...(a.name ? { name: a.name } : {}) });
  return refs;
}

const at = (u: SpUpdate): number => Date.parse(u.display_at ?? u.created_at);

function planIncident(inc: SpIncident, data: SpData, known: Map<string, PlannedService>, all: PlannedService[], notes: Note[], now: number): PlannedIncident | null {
  const where = `${data.origin.get(inc.id) ?? 'Statuspage'}: ${inc.scheduled_for ? 'maintenance' : 'incident'} "${oneLine(inc.name)}" (${inc.id})`;
  const maintenance = !!inc.scheduled_for || (inc.impact_override ?? inc.impact) === 'maintenance';
  const severity: Severity = maintenance ? 'maintenance' : (SEVERITY[inc.impact_override ?? inc.impact ?? 'none'] ?? 'notice');
  if (!maintenance && !SEVERITY[inc.impact_override ?? inc.impact ?? 'none']) notes.push({ where, message: `impact "${inc.impact_override ?? inc.impact}" is not one of none, minor, major, critical; imported as a notice` });
  const updates = [...inc.incident_updates].sort((a, b) => at(a) - at(b) || Date.parse(a.created_at) - Date.parse(b.created_at));
  const started = maintenance ? Date.parse(inc.scheduled_for ?? inc.created_at) : Date.parse(inc.started_at ?? inc.created_at);
  if (!maintenance && started > now) {
    notes.push({ where, message: `starts in the future (${isoUtc(started)}) and is not maintenance; left out` });
    return null;
  }
  let resolved = resolvedAt(inc, updates, maintenance);
  if (resolved !== undefined && resolved < started) {
    notes.push({ where, message: `ends (${isoUtc(resolved)}) before it starts (${isoUtc(started)}); its end is taken as its start` });
    resolved = started;
  }
  if (!maintenance && resolved !== undefined && resolved > now) resolved = undefined;
  const title = clip(oneLine(inc.name) || `Untitled ${maintenance ? 'maintenance' : 'incident'}`, 200);
  if (title !== oneLine(inc.name)) notes.push({ where, message: oneLine(inc.name) ? 'its name is over 200 characters; shortened' : 'it has no name; called "Untitled"' });
  const timeline = updates.map((u) => entry(u, maintenance, where, notes));
  const phases = transitions(updates, started, resolved, notes, where);
  const services = incidentServices(inc, phases.initial, phases.keys, known, all, notes, where);
  applyPhases(timeline, phases.changes, new Set(services.map((s) => s.key)));
  const planned: PlannedIncident = {
    key: `statuspage:${inc.id}`,
    name: `${dateUtc(started)}-${slugify(inc.name, { max: 80, fallback: maintenance ? 'maintenance' : 'incident' })}`,
    title,
    summary: summaryFrom(updates.map((u) => (u.body ?? '').replace(/\r\n?/g, '\n').split(/\n\s*\n/)[0] ?? ''), title),
    severity,
    started,
    services,
    timeline,
    links: /^https?:\/\/\S+$/i.test(inc.shortlink ?? '') ? [{ title: 'On the former Statuspage', url: inc.shortlink!, kind: 'status' }] : [],
    body: (inc.postmortem_body ?? '').replace(/\r\n?/g, '\n').trim(),
  };
  if (resolved !== undefined) planned.resolved = resolved;
  return planned;
}

/** When impact ended: `resolved_at`; a maintenance's actual or scheduled end; the resolving update's time. */
function resolvedAt(inc: SpIncident, updates: readonly SpUpdate[], maintenance: boolean): number | undefined {
  if (maintenance) {
    if (inc.status === 'completed' && inc.resolved_at) return Date.parse(inc.resolved_at);
    return inc.scheduled_until ? Date.parse(inc.scheduled_until) : undefined;
  }
  if (inc.status !== 'resolved' && inc.status !== 'postmortem') return undefined;
  if (inc.resolved_at) return Date.parse(inc.resolved_at);
  const last = [...updates].reverse().find((u) => u.status === 'resolved');
  return last ? at(last) : updates.length ? at(updates[updates.length - 1]!) : Date.parse(inc.created_at);
}

const INCIDENT_SET: ReadonlySet<string> = new Set(INCIDENT_STATUSES);
const MAINTENANCE_SET: ReadonlySet<string> = new Set(MAINTENANCE_STATUSES);

function entry(u: SpUpdate, maintenance: boolean, where: string, notes: Note[]): PlannedEntry {
  const text = plainToMarkdown(u.body ?? '');
  const e: PlannedEntry = { at: at(u), text: text || `${u.status.replace(/_/g, ' ')}.` };
  if ((maintenance ? MAINTENANCE_SET : INCIDENT_SET).has(u.status)) e.status = u.status as IncidentStatus | MaintenanceStatus;
  else notes.push({ where, message: `an update at ${isoUtc(e.at)} has the status "${u.status}", not one of ${maintenance ? 'maintenance' : 'an incident'}'s; kept without a status` });
  return e;
}

interface Transitions {
  /** Component → its status at the start. */
  initial: Map<string, ImpactValue>;
  /** Update (by index in the sorted list) → component → new status. */
  changes: Map<number, Map<string, ImpactValue>>;
  /** Every component with a transition. */
  keys: Set<string>;
}

/** The components' transitions: those at or before the start set the initial impact, those after it are phases. */
function transitions(updates: readonly SpUpdate[], started: number, resolved: number | undefined, notes: Note[], where: string): Transitions {
  const t: Transitions = { initial: new Map(), changes: new Map(), keys: new Set() };
  const lastAt = new Map<string, { time: number; index: number }>();
  updates.forEach((u, index) => {
    const time = at(u);
    for (const a of u.affected_components ?? []) {
      const status = componentStatus.safeParse(a.new_status);
      if (!status.success) {
        notes.push({ where, message: `component ${a.name ?? a.code} changed to "${a.new_status}" at ${isoUtc(time)}, not a component status; left out` });
        continue;
      }
      t.keys.add(a.code);
      if (!t.initial.has(a.code) && time > started) t.initial.set(a.code, componentStatus.safeParse(a.old_status).data ?? 'operational');
      if (time <= started) t.initial.set(a.code, status.data);
      else if (resolved !== undefined && time >= resolved) continue; // impact has ended: nothing left to change
      else {
        // Two updates at the same instant: the one typed last wins.
        const prior = lastAt.get(a.code);
        if (prior && prior.time === time) t.changes.get(prior.index)?.delete(a.code);
        lastAt.set(a.code, { time, index });
        if (!t.changes.has(index)) t.changes.set(index, new Map());
        t.changes.get(index)!.set(a.code, status.data);
      }
    }
  });
  return t;
}

function incidentServices(
  inc: SpIncident,
  initial: Map<string, ImpactValue>,
  withTransitions: Set<string>,
  known: Map<string, PlannedService>,
  all: readonly PlannedService[],
  notes: Note[],
  where: string,
): PlannedIncident['services'] {
  const keys: string[] = [];
  for (const ref of componentRefs(inc)) if (known.has(ref.code) && !keys.includes(ref.code)) keys.push(ref.code);
  if (keys.length === 0) {
    if (all.length) notes.push({ where, message: 'names no component; listed under every service without changing their status (impact: operational)' });
    return all.map((s) => ({ key: s.key, impact: 'operational' as const }));
  }
  return keys.map((key) => {
    const impact = initial.get(key);
    // Without transitions the impact follows the severity, as a file written by hand.
    return impact !== undefined || withTransitions.has(key) ? { key, impact: impact ?? 'operational' } : { key };
  });
}

/** The phases on their updates' entries, for the incident's services only (a group's own transitions are not). */
function applyPhases(timeline: PlannedEntry[], changes: Map<number, Map<string, ImpactValue>>, listed: ReadonlySet<string>): void {
  for (const [index, map] of changes) {
    const own = [...map].filter(([key]) => listed.has(key));
    if (own.length > 0) timeline[index]!.impact = Object.fromEntries(own);
  }
}
