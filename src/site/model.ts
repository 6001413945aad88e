/**
 * The site model: every derived figure of the published incidents, computed once and shared by the pages, the
 * feeds, the badges and the JSON API. Pure: same inputs, same output, no clock, no locale, no machine time zone
 * (everything is UTC milliseconds).
 */
import { displayZone, type AffectedService, type ComponentStatus, type Impact, type Incident, type IncidentHtml, type SiteConfig } from '../core/model.js';
import { contentLanguageOf } from '../core/locale.js';
import { STATUS_RANK, worse } from '../core/status.js';
import { compareStrings } from '../core/compare.js';
import { dateUtc } from '../core/format.js';
import type { IncidentView, ServiceView, SiteModel } from './types.js';
import { compareIncidents, toView } from './incident.js';
import { serviceUptime, uptimeCalendar, type ServiceSpan } from './uptime.js';
import { overallStatus } from './overall.js';
import { collectActions } from './actions.js';
import { groupServices } from './groups.js';
import { incidentFingerprint } from './fingerprint.js';

const DAY = 86_400_000;
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
  /** Images to publish from incidents/ (site path → project path), checked by project/. */
  media?: Map<string, string>;
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

/** The published incidents' views, newest first, linked to their neighbours, with fingerprints when asked. */
function incidentViews(config: SiteConfig, incidents: Incident[], opts: SiteModelOptions): IncidentView[] {
  const { now } = opts;
  const views = incidents
    .filter((i) => opts.drafts || !i.draft)
    .sort(compareIncidents)
    .map((i) => toView(i, now, opts.html(i), contentLanguageOf(config, i)));
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
  return views;
}

/** One incident's stretches on one service: its phases, or the whole incident with one impact. */
function spansOf(view: IncidentView, serviceId: string, impact: Impact | null): ServiceSpan[] {
  const phases = view.phases?.find((p) => p.id === serviceId)?.phases;
  if (!phases) return [{ id: view.id, impact, started: view.started, resolved: view.resolved }];
  // A service never impacted (a notice, a near miss) is listed over the whole incident, as without phases.
  const everImpacted = phases.some((p) => p.impact !== null);
  return phases.map((p) => ({ id: view.id, impact: p.impact, started: p.start, resolved: p.end, listed: !everImpacted || p.impact !== null }));
}

/** The impact an ongoing incident has on a service now: its current phase's (the last one begun by now). */
function currentImpact(spans: readonly ServiceSpan[], now: number): Impact | null {
  let current: Impact | null = null;
  for (const s of spans) if (s.started <= now) current = s.impact;
  return current;
}

/** Each service with its current status, uptime and incidents (views are already in display order). */
function serviceViews(config: SiteConfig, views: readonly IncidentView[], now: number): ServiceView[] {
  const calendar = uptimeCalendar(now, config.uptimeDays, displayZone(config));
  const spansByService = new Map<string, ServiceSpan[]>(config.services.map((s) => [s.id, []]));
  const idsByService = new Map<string, string[]>(config.services.map((s) => [s.id, []]));
  const statusByService = new Map<string, ComponentStatus>();
  let historyStart: number | undefined;
  for (const view of views) {
    if (view.started <= now && (historyStart === undefined || view.started < historyStart)) historyStart = view.started;
    for (const [serviceId, impact] of affectedByService(view.services)) {
      const spans = spansByService.get(serviceId);
      if (!spans) continue;
      const own = spansOf(view, serviceId, impact);
      spans.push(...own);
      idsByService.get(serviceId)!.push(view.id);
      const current = view.ongoing ? currentImpact(own, now) : null;
      if (current !== null) statusByService.set(serviceId, worse(statusByService.get(serviceId) ?? 'operational', current));
    }
  }
  return config.services.map((service) => ({
    ...service,
    status: statusByService.get(service.id) ?? 'operational',
    ...serviceUptime(service, spansByService.get(service.id) ?? [], now, config.uptimeDays, { historyStart, calendar }),
    incidentIds: idsByService.get(service.id) ?? [],
  }));
}

/** tag → ids of its incidents, tags sorted. */
function tagIndex(views: readonly IncidentView[]): Map<string, string[]> {
  const tagMap = new Map<string, string[]>();
  for (const view of views) {
    for (const tag of new Set(view.tags)) {
      const ids = tagMap.get(tag);
      if (ids) ids.push(view.id);
      else tagMap.set(tag, [view.id]);
    }
  }
  return new Map([...tagMap.entries()].sort(([a], [b]) => compareStrings(a, b)));
}

export function buildSiteModel(config: SiteConfig, incidents: Incident[], opts: SiteModelOptions): SiteModel {
  const { now } = opts;
  const views = incidentViews(config, incidents, opts);
  const services = serviceViews(config, views, now);
  const recentFrom = now - RECENT_DAYS * DAY;
  return {
    config,
    now,
    overall: overallStatus(services.map((s) => s.status)),
    services,
    groups: groupServices(services),
    incidents: views,
    byId: new Map(views.map((v) => [v.id, v] as const)),
    active: views.filter((v) => !v.isMaintenance && v.ongoing),
    maintenanceActive: views.filter((v) => v.isMaintenance && v.ongoing),
    maintenanceUpcoming: views.filter((v) => v.upcoming).sort((a, b) => a.started - b.started || compareIncidents(a, b)),
    recent: views.filter((v) => !v.isMaintenance && !v.ongoing && v.started >= recentFrom && v.started <= now),
    past: views.filter((v) => !v.upcoming),
    media: opts.media ?? new Map(),
    tags: tagIndex(views),
    actions: collectActions(views, now),
  };
}
