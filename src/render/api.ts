/**
 * The JSON API: Atlassian Statuspage's public API v2 (same paths, field names and value sets, so
 * that existing clients, widgets and aggregators read the site unchanged) and our own
 * `api/incidents.json` (paginated, see `pendingIncidentsApi`) / `api/services.json` with every field
 * and derived figure.
 *
 * Every file is `JSON.stringify(value, null, 2)` plus a newline. Ids are stable: an incident's id is
 * its slug, a component's id its service id, a group's id `group-<slug of its name>`, an update's id
 * `<incident id>-<index of the entry in the timeline>`.
 */

import { createHash } from 'node:crypto';
import type { ComponentStatus, Severity, TimelineEntry } from '../core/model.js';
import type { IncidentView, ServiceView, SiteModel } from '../site/index.js';
import type { PendingFile } from './types.js';
import { isoUtc } from '../core/format.js';
import { displayZone } from '../core/model.js';
import { slugify, toJson } from '../core/text.js';
import { dateToMs, incidentUpdatedAt } from '../site/index.js';
import { affectedComponents, internalFields, internalMark, linkRecords, phaseFields, timelineImpact } from './api-phases.js';
import { folderOf, relativeUrl, siteUrl } from '../core/url.js';
import { worstStatus } from '../core/status.js';

/** Statuspage lists this many incidents / maintenances in its list endpoints. */
export const STATUSPAGE_LIMIT = 50;

// ---------------------------------------------------------------------------------------------
// Statuspage v2

export type StatuspageImpact = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** Incident impact in Statuspage's words (notice → none). */
export const STATUSPAGE_IMPACT: Record<Severity, StatuspageImpact> = {
  critical: 'critical',
  major: 'major',
  minor: 'minor',
  notice: 'none',
  maintenance: 'maintenance',
};

/** Deterministic ids for groups, unique against the service ids and each other (config order decides suffixes). */
export function groupIds(model: SiteModel): Map<string, string> {
  const taken = new Set(model.config.services.map((s) => s.id));
  const ids = new Map<string, string>();
  for (const group of model.groups) {
    if (group.name === null || ids.has(group.name)) continue;
    const base = `group-${slugify(group.name, { fallback: 'unnamed' })}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    ids.set(group.name, id);
  }
  return ids;
}

function pageObject(model: SiteModel) {
  const { config } = model;
  return {
    id: slugify(config.title, { fallback: 'page' }),
    name: config.title,
    url: config.baseUrl ?? config.basePath,
    // Statuspage's page zone is the one its times are shown in.
    time_zone: displayZone(config),
    updated_at: isoUtc(model.now),
  };
}

interface Context {
  model: SiteModel;
  pageId: string;
  groupIds: Map<string, string>;
  services: Map<string, ServiceView>;
  /** component id → position, created/updated instants */
  positions: Map<string, number>;
}

function context(model: SiteModel): Context {
  const ids = groupIds(model);
  const positions = new Map<string, number>();
  let position = 1;
  for (const group of model.groups) {
    if (group.name !== null) positions.set(ids.get(group.name)!, position++);
    for (const s of group.services) positions.set(s.id, position++);
  }
  return {
    model,
    pageId: slugify(model.config.title, { fallback: 'page' }),
    groupIds: ids,
    services: new Map(model.services.map((s) => [s.id, s] as const)),
    positions,
  };
}

/**
 * created_at / updated_at of a component: `since` (else its first incident that has started, else
 * now) and its latest change (the latest start or end, not later than now, of its incidents).
 */
function componentTimes(ctx: Context, services: ServiceView[]): { created: number; updated: number } {
  const { model } = ctx;
  let created = Infinity;
  let updated = -Infinity;
  for (const s of services) {
    const since = dateToMs(s.since);
    if (since !== null) created = Math.min(created, since);
    for (const id of s.incidentIds) {
      const i = model.byId.get(id);
      if (!i) continue;
      if (since === null && i.started <= model.now) created = Math.min(created, i.started);
      for (const t of [i.started, i.resolved]) if (t !== undefined && t <= model.now) updated = Math.max(updated, t);
    }
  }
  if (created === Infinity) created = model.now;
  if (updated < created) updated = created;
  return { created, updated };
}

function componentObject(ctx: Context, service: ServiceView) {
  const { created, updated } = componentTimes(ctx, [service]);
  return {
    id: service.id,
    name: service.name,
    status: service.status,
    created_at: isoUtc(created),
    updated_at: isoUtc(updated),
    position: ctx.positions.get(service.id) ?? 0,
    description: service.description ?? null,
    showcase: true,
    start_date: service.since ?? null,
    group_id: service.group ? (ctx.groupIds.get(service.group) ?? null) : null,
    page_id: ctx.pageId,
    group: false,
    only_show_if_degraded: false,
  };
}

function groupObject(ctx: Context, name: string, services: ServiceView[]) {
  const id = ctx.groupIds.get(name)!;
  const { created, updated } = componentTimes(ctx, services);
  return {
    id,
    name,
    status: worstStatus(services.map((s) => s.status)),
    created_at: isoUtc(created),
    updated_at: isoUtc(updated),
    position: ctx.positions.get(id) ?? 0,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: ctx.pageId,
    group: true,
    only_show_if_degraded: false,
    components: services.map((s) => s.id),
  };
}

/** All components in display order: each group (itself a component) followed by its members. */
function components(ctx: Context) {
  const seen = new Set<string>();
  const list: unknown[] = [];
  for (const group of ctx.model.groups) {
    if (group.name !== null && !seen.has(group.name)) {
      seen.add(group.name);
      list.push(groupObject(ctx, group.name, group.services));
    }
    for (const s of group.services) list.push(componentObject(ctx, s));
  }
  return list;
}

/** created_at / updated_at of an incident: its first status update or start, its latest change; never later than now. */
function incidentTimes(incident: IncidentView, now: number): { created: number; updated: number } {
  const first = incident.updates.reduce((min, u) => Math.min(min, u.at), incident.started);
  const created = Math.min(first, now);
  return { created, updated: Math.max(created, Math.min(incidentUpdatedAt(incident, now), now)) };
}

function incidentUpdates(ctx: Context, incident: IncidentView) {
  const indexed = incident.timeline
    .map((entry: TimelineEntry, index: number) => ({ entry, index }))
    .filter(({ entry }) => entry.status !== undefined)
    .sort((a, b) => b.entry.at - a.entry.at || b.index - a.index);
  const transitions = affectedComponents(incident, ctx.services);
  const updates = indexed.map(({ entry, index }) => ({
    id: `${incident.id}-${index}`,
    status: entry.status!,
    body: entry.text,
    incident_id: incident.id,
    created_at: isoUtc(entry.at),
    updated_at: isoUtc(entry.at),
    display_at: isoUtc(entry.at),
    affected_components: transitions.get(entry) ?? null,
    deliver_notifications: false,
  }));
  if (updates.length > 0) return updates;
  // Clients read incident_updates[0]; an incident without status updates gets one from its summary.
  const at = isoUtc(incidentTimes(incident, ctx.model.now).updated);
  return [
    {
      id: `${incident.id}-summary`,
      status: incident.status,
      body: incident.summary,
      incident_id: incident.id,
      created_at: at,
      updated_at: at,
      display_at: at,
      affected_components: null,
      deliver_notifications: false,
    },
  ];
}

function firstAt(incident: IncidentView, status: string): number | null {
  let first: number | null = null;
  for (const e of incident.timeline) if (e.status === status && (first === null || e.at < first)) first = e.at;
  return first;
}

/** A Statuspage incident (or scheduled maintenance, with `scheduled_for` / `scheduled_until`). */
function incidentObject(ctx: Context, incident: IncidentView) {
  const { model } = ctx;
  const { created, updated } = incidentTimes(incident, model.now);
  const monitoring = firstAt(incident, 'monitoring');
  const done = incident.isMaintenance ? incident.status === 'completed' : incident.resolved !== undefined;
  const obj = {
    id: incident.id,
    name: incident.title,
    status: incident.status,
    created_at: isoUtc(created),
    updated_at: isoUtc(updated),
    monitoring_at: monitoring === null ? null : isoUtc(monitoring),
    resolved_at: done && incident.resolved !== undefined ? isoUtc(incident.resolved) : null,
    impact: STATUSPAGE_IMPACT[incident.severity],
    shortlink: siteUrl(model.config, incident.path),
    started_at: isoUtc(incident.started),
    page_id: ctx.pageId,
    incident_updates: incidentUpdates(ctx, incident),
    components: incident.services
      .map((s) => ctx.services.get(s.id))
      .filter((s): s is ServiceView => s !== undefined)
      .map((s) => componentObject(ctx, s)),
  };
  if (!incident.isMaintenance) return obj;
  return {
    ...obj,
    scheduled_for: isoUtc(incident.started),
    scheduled_until: incident.resolved === undefined ? null : isoUtc(incident.resolved),
  };
}

/** Every Statuspage v2 file under `api/v2/`. */
export function statuspageFiles(model: SiteModel): PendingFile[] {
  const ctx = context(model);
  const page = pageObject(model);
  const status = { indicator: model.overall.indicator, description: model.overall.description };
  const incidents = model.incidents.filter((i) => !i.isMaintenance);
  const maintenance = model.incidents.filter((i) => i.isMaintenance);
  const unresolved = model.active.map((i) => incidentObject(ctx, i));
  const upcoming = model.maintenanceUpcoming.map((i) => incidentObject(ctx, i));
  const active = model.maintenanceActive.map((i) => incidentObject(ctx, i));
  const comps = components(ctx);
  const file = (path: string, value: unknown): PendingFile => ({ path: `api/v2/${path}`, render: () => toJson(value) });
  return [
    file('summary.json', { page, components: comps, incidents: unresolved, scheduled_maintenances: [...active, ...upcoming], status }),
    file('status.json', { page, status }),
    file('components.json', { page, components: comps }),
    file('incidents.json', { page, incidents: incidents.slice(0, STATUSPAGE_LIMIT).map((i) => incidentObject(ctx, i)) }),
    file('incidents/unresolved.json', { page, incidents: unresolved }),
    file('scheduled-maintenances.json', {
      page,
      scheduled_maintenances: maintenance.slice(0, STATUSPAGE_LIMIT).map((i) => incidentObject(ctx, i)),
    }),
    file('scheduled-maintenances/upcoming.json', { page, scheduled_maintenances: upcoming }),
    file('scheduled-maintenances/active.json', { page, scheduled_maintenances: active }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Our own API

const iso = (ms: number | undefined | null): string | null => (ms === undefined || ms === null ? null : isoUtc(ms));

/** One published incident with every field, normalized (ISO UTC strings, snake_case, nulls for absent values). */
export function incidentRecord(model: SiteModel, incident: IncidentView) {
  const names = new Map(model.config.services.map((s) => [s.id, s.name] as const));
  return {
    id: incident.id,
    url: siteUrl(model.config, incident.path),
    path: incident.path,
    file: incident.file,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    status: incident.status,
    ongoing: incident.ongoing,
    upcoming: incident.upcoming,
    maintenance: incident.isMaintenance,
    draft: incident.draft,
    started: isoUtc(incident.started),
    detected: iso(incident.detected),
    mitigated: iso(incident.mitigated),
    resolved: iso(incident.resolved),
    detection: incident.detection ?? null,
    updated: isoUtc(incidentUpdatedAt(incident, model.now)),
    duration_ms: incident.durationMs,
    time_to_detect_ms: incident.timeToDetectMs,
    time_to_mitigate_ms: incident.timeToMitigateMs,
    services: incident.services.map((s) => ({ id: s.id, name: names.get(s.id) ?? s.id, impact: s.impact, ...phaseFields(incident, s.id) })),
    timeline: incident.timeline.map((e) => ({ at: isoUtc(e.at), text: e.text, status: e.status ?? null, ...timelineImpact(e), ...internalMark(e) })),
    ...linkRecords(incident),
    root_cause: incident.rootCause ?? null,
    contributing_factors: incident.contributingFactors,
    actions: incident.actions.map((a) => ({
      title: a.title,
      status: a.status,
      owner: a.owner ?? null,
      due: a.due ?? null,
      priority: a.priority ?? null,
      kind: a.kind ?? null,
      link: a.link ?? null,
      closed: a.closed ?? null,
      ...internalMark(a),
    })),
    tags: incident.tags,
    authors: incident.authors,
    timezone: incident.timezone,
    body: incident.body,
    previous_id: incident.prevId,
    next_id: incident.nextId,
    ...internalFields(incident),
  };
}

/** One service with its current status and uptime figures. */
export function serviceRecord(model: SiteModel, service: ServiceView) {
  return {
    id: service.id,
    name: service.name,
    group: service.group ?? null,
    description: service.description ?? null,
    since: service.since ?? null,
    url: siteUrl(model.config, `services/${service.id}/`),
    status: service.status,
    uptime_percent: service.uptimePercent,
    days: service.days.map((d) => ({ date: d.date, downtime_minutes: d.downtimeMinutes, worst: d.worst, incidents: d.incidents })),
    monthly: service.monthly.map((m) => ({ month: m.month, uptime_percent: m.uptimePercent, downtime_minutes: m.downtimeMinutes })),
    yearly: service.yearly.map((y) => ({ year: y.year, uptime_percent: y.uptimePercent, downtime_minutes: y.downtimeMinutes })),
    incidents: service.incidentIds,
  };
}

/** Incidents per page of `api/incidents.json` and `api/incidents/page/<n>.json`. */
export const API_PER_PAGE = 100;

/** Site path of page `n` (1-based) of our incident list. */
export function incidentsPagePath(n: number): string {
  return n === 1 ? 'api/incidents.json' : `api/incidents/page/${n}.json`;
}

/** Site path of the compact index of every incident. */
export const INCIDENTS_INDEX_PATH = 'api/incidents/_index.json';

/** Site path of one incident's full record. */
export function incidentApiPath(id: string): string {
  return `api/incidents/${id}.json`;
}

/** The few fields a list needs; a few hundred bytes per incident. */
function incidentIndexEntry(model: SiteModel, incident: IncidentView) {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    started_at: isoUtc(incident.started),
    resolved_at: iso(incident.resolved),
    url: siteUrl(model.config, incident.path),
  };
}

/**
 * Our own incident API, linear in the number of incidents (issue 5, item 4: no file grows with the
 * whole history unless paginated):
 * - `api/incidents.json` (page 1) and `api/incidents/page/<n>.json`: the full records, newest first,
 *   `API_PER_PAGE` to a file, with `page`, `per_page`, `total`, `pages` and `prev` / `next` (URLs
 *   relative to the file itself, or null);
 * - `api/incidents/<id>.json`: one incident's full record;
 * - `api/incidents/_index.json`: every incident, in compact form only (an id never starts with `_`, so
 *   no incident's own file can take this path). This one file does grow with
 *   the history, but by a few hundred bytes per incident (≈2–3 MB at 10,000): linear, and what a
 *   client needs to find an incident without walking the pages.
 *
 * Not rendered yet: each incident's own file is keyed by the site configuration and the incident's
 * fingerprint, each page by those of its incidents, its position and "now" (`generated_at`).
 */
export function pendingIncidentsApi(model: SiteModel): PendingFile[] {
  const incidents = model.incidents;
  const total = incidents.length;
  const pages = Math.max(1, Math.ceil(total / API_PER_PAGE));
  const configKey = createHash('sha256').update(`api\0audience:${model.config.audience ?? 'public'}\0${JSON.stringify(model.config)}`).digest('base64url');
  const keyed = incidents.every((i) => i.fingerprint !== undefined);
  const key = (...parts: (string | number)[]) => (keyed ? createHash('sha256').update(parts.join('\0')).digest('base64url') : undefined);
  const withKey = (k: string | undefined) => (k !== undefined ? { key: k } : {});
  const generated = isoUtc(model.now);
  const files: PendingFile[] = [];
  for (let n = 1; n <= pages; n++) {
    const path = incidentsPagePath(n);
    const members = incidents.slice((n - 1) * API_PER_PAGE, n * API_PER_PAGE);
    files.push({
      path,
      ...withKey(key(configKey, 'page', generated, n, pages, total, ...members.map((i) => i.fingerprint!))),
      render: () =>
        toJson({
          generated_at: generated,
          page: n,
          per_page: API_PER_PAGE,
          total,
          pages,
          prev: n > 1 ? relativeUrl(folderOf(path), incidentsPagePath(n - 1)) : null,
          next: n < pages ? relativeUrl(folderOf(path), incidentsPagePath(n + 1)) : null,
          incidents: members.map((i) => incidentRecord(model, i)),
        }),
    });
  }
  files.push({
    path: INCIDENTS_INDEX_PATH,
    render: () => toJson({ generated_at: generated, total, incidents: incidents.map((i) => incidentIndexEntry(model, i)) }),
  });
  for (const incident of incidents) {
    files.push({ path: incidentApiPath(incident.id), ...withKey(key(configKey, 'incident', incident.fingerprint!)), render: () => toJson(incidentRecord(model, incident)) });
  }
  return files;
}

/** Every file of the JSON APIs, not rendered yet. */
export function apiFiles(model: SiteModel): PendingFile[] {
  return [...statuspageFiles(model), ...pendingIncidentsApi(model), servicesFile(model)];
}

function servicesFile(model: SiteModel): PendingFile {
  return {
    path: 'api/services.json',
    render: () =>
      toJson({
        generated_at: isoUtc(model.now),
        uptime_days: model.config.uptimeDays,
        // The zone whose days the buckets (`date`) and months are: the same days as the pages' bars.
        timezone: displayZone(model.config),
        overall: model.overall,
        services: model.services.map((s) => serviceRecord(model, s)),
      }),
  };
}
