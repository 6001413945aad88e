/**
 * `api/notify.json`: what `postmortem notify` compares between the live site and the one just built. Its shape is a
 * contract of its own (`format` and `version`), apart from the other APIs: a new version of the tool reads the
 * versions before it, so that an upgrade never produces events of its own. It holds only what is compared: each
 * published incident's phase (never a draft's), its status, times and newest status update, and each service's
 * status. On one line (only programs read it: about 260 bytes an incident); rendered on every build, like the other
 * files that depend on "now".
 */
import { isoUtc } from '../core/format.js';
import { toJson } from '../core/text.js';
import { siteUrl } from '../core/url.js';
import type { ComponentStatus, TimelineEntry, TimelineStatus } from '../core/model.js';
import type { IncidentView, SiteModel } from '../site/index.js';
import type { PendingFile } from './types.js';

export const NOTIFY_SNAPSHOT_PATH = 'api/notify.json';
export const NOTIFY_SNAPSHOT_FORMAT = 'postmortem-notify';
/** Bump only with a reader of the previous version in notify/snapshot.ts. */
export const NOTIFY_SNAPSHOT_VERSION = 1;

/** Where an incident or a maintenance stands: what events are derived from. */
export type IncidentPhase = 'open' | 'resolved' | 'upcoming' | 'in_progress' | 'completed';

/**
 * What is compared of one incident. Its title, text and links are not here: notify reads them from the new site's
 * `api/incidents/<id>.json`, for the few incidents that changed, so this file stays small.
 */
export interface SnapshotIncident {
  id: string;
  maintenance: boolean;
  phase: IncidentPhase;
  /** Resolved, with its root cause written or a `postmortem` status update. */
  postmortem: boolean;
  status: TimelineStatus;
  started_at: string;
  resolved_at: string | null;
  /** The newest status update posted by "now", as `<at> <status>` (an update is known by its time and status); null when none. */
  latest_update: string | null;
}

export interface SnapshotService {
  id: string;
  name: string;
  status: ComponentStatus;
  url: string;
}

export interface NotifySnapshot {
  format: typeof NOTIFY_SNAPSHOT_FORMAT;
  version: number;
  generated_at: string;
  site: {
    title: string;
    /** base_url; null when the site has none (notify then refuses: messages need absolute links). */
    url: string | null;
    /** The language messages are written in (issue 17 adds others). */
    language: string;
    /** `internal`: the internal site's snapshot (issue 15): notify posts it only when asked (`--audience internal`). */
    audience?: 'internal';
  };
  services: SnapshotService[];
  /** Newest first, like the site. */
  incidents: SnapshotIncident[];
}

function phaseOf(i: IncidentView): IncidentPhase {
  if (i.isMaintenance) return i.upcoming ? 'upcoming' : i.ongoing ? 'in_progress' : 'completed';
  return i.ongoing ? 'open' : 'resolved';
}

/** The newest status update posted by `now` (the first of `updates`, newest first, not in the future). */
export function latestUpdate(i: IncidentView, now: number): TimelineEntry | undefined {
  return i.updates.find((e) => e.at <= now);
}

function snapshotIncident(model: SiteModel, i: IncidentView): SnapshotIncident {
  const latest = latestUpdate(i, model.now);
  const phase = phaseOf(i);
  return {
    id: i.id,
    maintenance: i.isMaintenance,
    phase,
    postmortem: phase === 'resolved' && (i.rootCause !== undefined || i.status === 'postmortem'),
    status: i.status,
    started_at: isoUtc(i.started),
    resolved_at: i.resolved === undefined ? null : isoUtc(i.resolved),
    latest_update: latest ? `${isoUtc(latest.at)} ${latest.status}` : null,
  };
}

export function notifySnapshot(model: SiteModel): NotifySnapshot {
  return {
    format: NOTIFY_SNAPSHOT_FORMAT,
    version: NOTIFY_SNAPSHOT_VERSION,
    generated_at: isoUtc(model.now),
    site: { title: model.config.title, url: model.config.baseUrl ?? null, language: 'en', ...(model.config.audience ? { audience: model.config.audience } : {}) },
    services: model.services.map((s) => ({ id: s.id, name: s.name, status: s.status, url: siteUrl(model.config, `services/${s.id}/`) })),
    incidents: model.incidents.filter((i) => !i.draft).map((i) => snapshotIncident(model, i)),
  };
}

export function notifyFiles(model: SiteModel): PendingFile[] {
  return [{ path: NOTIFY_SNAPSHOT_PATH, render: () => toJson(notifySnapshot(model), 0) }];
}
