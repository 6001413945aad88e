/**
 * The typed model shared by every step of the pipeline:
 *
 *   files → parsed documents (frontmatter.ts) → validated incidents + diagnostics (validate.ts)
 *         → site model with derived figures (site.ts) → pages, feeds, JSON (render.ts, feeds.ts, api.ts)
 *         → dist/ (output.ts)
 *
 * All instants are milliseconds since the Unix epoch, in UTC. Dates (no time) are `YYYY-MM-DD` strings.
 */

export const SEVERITIES = ['critical', 'major', 'minor', 'notice', 'maintenance'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Impact on a service, worst first. */
export const IMPACTS = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'] as const;
export type Impact = (typeof IMPACTS)[number];

/** A component's status in Statuspage's words, worst first. */
export const COMPONENT_STATUSES = [...IMPACTS, 'operational'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export type TimelineStatus = IncidentStatus | MaintenanceStatus;

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ACTION_KINDS = ['prevent', 'mitigate', 'detect', 'process'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** The impact a severity implies when a service entry gives none (`notice` changes nothing). */
export const DEFAULT_IMPACT: Record<Severity, Impact | null> = {
  critical: 'major_outage',
  major: 'partial_outage',
  minor: 'degraded_performance',
  notice: null,
  maintenance: 'under_maintenance',
};

// ---------------------------------------------------------------------------------------------
// Diagnostics

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  /** Path relative to the project root, with forward slashes (e.g. `incidents/2020-05-29-x.md`). */
  file: string;
  /** 1-based line and column of the offending value; 1:1 when the problem concerns the whole file. */
  line: number;
  column: number;
  /** End of the offending span (exclusive column), when known; used to underline it. */
  endLine?: number;
  endColumn?: number;
  severity: DiagnosticSeverity;
  /** Stable rule id, e.g. `unknown-key`, `invalid-enum`, `timestamp-gap`. */
  rule: string;
  /** What was expected and what was found. */
  message: string;
  /** Optional help line: a "did you mean", the fix. */
  hint?: string;
}

// ---------------------------------------------------------------------------------------------
// Configuration (site.yaml)

export interface ServiceConfig {
  id: string;
  name: string;
  group?: string;
  description?: string;
  /** `YYYY-MM-DD`, start of the service's life (UTC midnight), uptime is not counted before it. */
  since?: string;
}

export interface SiteConfig {
  title: string;
  description?: string;
  /** Absolute URL with a trailing slash, e.g. `https://acme.github.io/status/`; absent when not configured. */
  baseUrl?: string;
  /** Path part of base_url, always starting and ending with `/` (`/` when there is no base_url). */
  basePath: string;
  /** IANA time zone used to read local timestamps. */
  timezone: string;
  uptimeDays: number;
  services: ServiceConfig[];
}

// ---------------------------------------------------------------------------------------------
// Validated incidents

export interface AffectedService {
  id: string;
  /** `null` when the incident does not change the service's status (severity `notice` without an impact). */
  impact: Impact | null;
}

export interface TimelineEntry {
  at: number;
  /** Inline Markdown. */
  text: string;
  status?: TimelineStatus;
}

export interface Action {
  title: string;
  status: ActionStatus;
  owner?: string;
  /** `YYYY-MM-DD` */
  due?: string;
  priority?: Priority;
  kind?: ActionKind;
  link?: string;
}

export interface Incident {
  /** File name without `.md`; also the URL slug. */
  id: string;
  /** Path relative to the root, forward slashes. */
  file: string;
  title: string;
  summary: string;
  severity: Severity;
  started: number;
  detected?: number;
  mitigated?: number;
  /** Absent: ongoing. */
  resolved?: number;
  services: AffectedService[];
  /** Sorted by `at` (stable for equal instants). */
  timeline: TimelineEntry[];
  /** Markdown. */
  rootCause?: string;
  contributingFactors: string[];
  actions: Action[];
  tags: string[];
  authors: string[];
  /** The zone local timestamps of this file were read in (the file's `timezone`, else the site's). */
  timezone: string;
  draft: boolean;
  /** The Markdown body after the frontmatter. */
  body: string;
  /** 1-based line of the file where the body starts (for diagnostics of the body). */
  bodyLine: number;
}

export interface ValidationResult {
  /** `null` when site.yaml itself could not be read or is invalid beyond use. */
  config: SiteConfig | null;
  /** Every incident that validated without error (drafts included; the build filters them). */
  incidents: Incident[];
  diagnostics: Diagnostic[];
  /** Number of incident files looked at. */
  fileCount: number;
  /** File contents by relative path, for code frames. */
  sources: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Site model (derived figures), consumed by templates, feeds and the JSON API

export interface DayBucket {
  /** `YYYY-MM-DD` (UTC day). */
  date: string;
  /** Weighted downtime in minutes (major_outage counts fully, partial_outage at 30 %), rounded to 0.01. */
  downtimeMinutes: number;
  /** Worst impact that day; `operational` when none; `null` when the service did not exist yet (before `since`). */
  worst: ComponentStatus | null;
  /** Ids of the published incidents touching this service on this day. */
  incidents: string[];
}

export interface MonthUptime {
  /** `YYYY-MM` */
  month: string;
  /** null when the service did not exist during that month. */
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
  overall: { indicator: Indicator; description: string };
  services: ServiceView[];
  groups: ServiceGroup[];
  /** Published incidents (drafts only when asked), newest `started` first; maintenance included. */
  incidents: IncidentView[];
  byId: Map<string, IncidentView>;
  /** Ongoing non-maintenance incidents. */
  active: IncidentView[];
  maintenanceActive: IncidentView[];
  maintenanceUpcoming: IncidentView[];
  /** Incidents (not maintenance) started in the last 14 days, or still ongoing. */
  recent: IncidentView[];
  /** tag → incident ids, tags sorted. */
  tags: Map<string, string[]>;
  /** Open/in-progress first (overdue first among them), then done/won't do. */
  actions: ActionView[];
}

// ---------------------------------------------------------------------------------------------
// Output

/** One file of the built site; `path` is relative to the output folder, forward slashes, no leading slash. */
export interface OutputFile {
  path: string;
  content: string | Uint8Array;
}

/** HTML rendered from an incident's Markdown (body, root cause, timeline texts). */
export interface IncidentHtml {
  bodyHtml: string;
  rootCauseHtml: string;
  timelineHtml: string[];
  /** The Markdown source of the body, when the incident itself was stored without it (build cache). */
  readonly body?: string;
}

/**
 * A file of the site before it is rendered: the build renders it when it writes it, one at a time, so the whole
 * site is never held in memory; and not at all when the previous output has a file of the same path and key.
 */
export interface PendingFile {
  path: string;
  /** Identifies the content: two files with one path and one key have the same bytes. Absent: always rendered. */
  key?: string;
  render(): string | Uint8Array;
}
