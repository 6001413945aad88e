/**
 * The site model: what the pages, feeds, badges and the JSON API are made from. Views add to each validated
 * incident and service the figures derived from "now" and from the other incidents.
 */
import type { Action, ComponentStatus, Impact, Incident, ServiceConfig, SiteConfig, TimelineEntry, TimelineStatus } from '../core/model.js';
import type { ServicePhases } from './phases.js';


export interface DayBucket {
  /** `YYYY-MM-DD`: a day of the site's display zone (UTC by default; see core/calendar.ts). */
  date: string;
  /** Weighted downtime in minutes (major_outage counts fully, partial_outage at 30 %), rounded to 0.01. */
  downtimeMinutes: number;
  /** Worst impact that day; `operational` when none; `null` when the service did not exist yet (before `since`). */
  worst: ComponentStatus | null;
  /** Ids of the published incidents touching this service on this day. */
  incidents: string[];
}

export interface MonthUptime {
  /** `YYYY-MM`, a month of the site's display zone. */
  month: string;
  /** null when the service did not exist during that month. */
  uptimePercent: number | null;
  downtimeMinutes: number;
}

export interface YearUptime {
  /** `YYYY` */
  year: string;
  /** null when the service did not exist during that year. */
  uptimePercent: number | null;
  downtimeMinutes: number;
}

export interface IncidentView extends Incident {
  /** Current status: the last status of the timeline, or derived from the times. */
  status: TimelineStatus;
  /** Ongoing at build time (maintenance: started ≤ now < resolved). */
  ongoing: boolean;
  /** Maintenance scheduled in the future. */
  upcoming: boolean;
  isMaintenance: boolean;
  /** The worst impact on its services (its pill; see overall.ts); null when it changes no status (a notice). */
  impact: Impact | null;
  /** The language its text is written in: its own `language`, else the site's `content_language`. */
  lang: string;
  /** resolved − started (or now − started while ongoing). */
  durationMs: number | null;
  timeToDetectMs: number | null;
  timeToMitigateMs: number | null;
  /** Site-relative path, e.g. `incidents/<id>/` (no leading slash; templates prefix the base path). */
  path: string;
  bodyHtml: string;
  rootCauseHtml: string;
  timelineHtml: string[];
  /** Public status updates (timeline entries with a status), newest first. */
  updates: TimelineEntry[];
  /** Older and newer published incident (by started), for navigation. */
  prevId: string | null;
  nextId: string | null;
  /** Each listed service's impact phases, when a timeline entry changes an impact (else null: one impact throughout). */
  phases: ServicePhases[] | null;
  /** See `incidentFingerprint` (site.ts); set when the build knows each incident's source hash. */
  fingerprint?: string;
}

export interface ServiceView extends ServiceConfig {
  status: ComponentStatus;
  /** Over the uptime window; null when the service has no life in the window. */
  uptimePercent: number | null;
  /** One bucket per day of the window, oldest first. */
  days: DayBucket[];
  /** Last 12 months, oldest first. */
  monthly: MonthUptime[];
  /** Every calendar year of its life (from `since`, else from the first year of the history), oldest first. */
  yearly: YearUptime[];
  /** Ids of its published incidents, newest first. */
  incidentIds: string[];
}

export interface ServiceGroup {
  /** null for services without a group. */
  name: string | null;
  services: ServiceView[];
}

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export interface ActionView extends Action {
  incidentId: string;
  incidentTitle: string;
  overdue: boolean;
}

export interface SiteModel {
  config: SiteConfig;
  /** Build instant ("now"). */
  now: number;
  /** The page's status (banner, header dot; see overall.ts), with Statuspage's indicator and words (API). */
  overall: { status: ComponentStatus; indicator: Indicator; description: string };
  services: ServiceView[];
  groups: ServiceGroup[];
  /** Published incidents (drafts only when asked), newest `started` first; maintenance included. */
  incidents: IncidentView[];
  byId: Map<string, IncidentView>;
  /** Ongoing non-maintenance incidents. */
  active: IncidentView[];
  maintenanceActive: IncidentView[];
  maintenanceUpcoming: IncidentView[];
  /** Incidents (not maintenance) started in the last 14 days that are no longer ongoing (the active ones have cards). */
  recent: IncidentView[];
  /** The published incidents that have started (upcoming maintenance aside), newest first: what the history lists. */
  past: IncidentView[];
  /** Images of the postmortems published from incidents/: site path → path in the project. */
  media: Map<string, string>;
  /** tag → incident ids, tags sorted. */
  tags: Map<string, string[]>;
  /** Open/in-progress first (overdue first among them), then done/won't do. */
  actions: ActionView[];
}

