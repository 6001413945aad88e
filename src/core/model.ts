/**
 * The domain: what an incident and a site configuration are, once validated. Every later stage reads these types;
 * the views derived from them live in site/, the files made from them in render/.
 *
 * All instants are milliseconds since the Unix epoch, in UTC. Dates (no time) are `YYYY-MM-DD` strings.
 */

import type { Messages } from './strings.js';

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

/**
 * The value that says "listed, but not impacted at this moment": a service written with `impact: operational` starts
 * the incident unaffected (hit later in a cascade), and an impact phase that sets `operational` marks its recovery
 * while the incident goes on. Stored as a `null` impact, exactly like a `notice` without an impact: no downtime, no
 * change of status. (A near miss, affected with no customer impact, is the same idea.)
 */
export const NO_IMPACT = 'operational' as const;
export const IMPACT_VALUES = [...IMPACTS, NO_IMPACT] as const;

/** What a link of an incident points at. */
export const LINK_KINDS = ['postmortem', 'status', 'dashboard', 'graph', 'ticket', 'chat', 'related', 'other'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
/** How the team learned of an incident (`detection`). */
export const DETECTION_METHODS = ['monitoring', 'customer', 'employee', 'third_party', 'other'] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];

/**
 * Who may read a part of the project (issue 15). `public`: the status site customers read, and everything the format
 * had before; `internal`: the team's own site, which shows everything, internal parts marked. An incident is public
 * unless it says `visibility: internal`; a part of it (a timeline entry, an action, a link, a contributing factor, a
 * `:::internal` section of its Markdown) is public unless marked internal. The public site is made from the public
 * projection of each incident (core/audience.ts) and nothing else.
 */
export const AUDIENCES = ['public', 'internal'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const VISIBILITIES = AUDIENCES;
export type Visibility = Audience;

/** The impact a severity implies when a service entry gives none (`notice` changes nothing). */
export const DEFAULT_IMPACT: Record<Severity, Impact | null> = {
  critical: 'major_outage',
  major: 'partial_outage',
  minor: 'degraded_performance',
  notice: null,
  maintenance: 'under_maintenance',
};

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

/** The internal site (site.yaml `internal:`): its own address and output folder, and what else is kept internal. */
export interface InternalSettings {
  /** The internal site's address, normalized like base_url; absent: the internal site has none. */
  baseUrl?: string;
  /** Path part of `baseUrl` (`/` without it). */
  basePath: string;
  /** Output folder of the internal site, relative to the project (forward slashes); absent: `dist-internal`. */
  output?: string;
  /** `internal`: action owners are shown on the internal site only (default `public`: on both). */
  actionOwners: Visibility;
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
  // The reader's locale (issue 17). loadConfig always sets them; code that builds a configuration by hand may leave
  // them out: `siteLocale` (locale.ts) and `displayZone` give the defaults.
  /** Language of the pages, feeds and badges: a canonical BCP 47 tag (default `en`). */
  language?: string;
  /** Language incidents are written in, unless one says its own (default: `language`). */
  contentLanguage?: string;
  /** IANA zone of the times readers see and of the days and months counted (default `UTC`). */
  displayTimezone?: string;
  /** Clock of the times readers see (default `24h`). */
  clock?: '24h' | '12h';
  /** The project's own strings (`locales/<tag>.*`), by canonical language tag, over the package's. */
  strings?: Record<string, Messages>;
  /** site.yaml's `internal:` (absent: the defaults). Never in the configuration of the public site (core/audience.ts). */
  internal?: InternalSettings;
  /** Set on the configuration of the internal site only (core/audience.ts): the site shows internal parts, marked. */
  audience?: 'internal';
}

/** The zone whose days and months the site counts and whose times it shows (default UTC). */
export function displayZone(config: Pick<SiteConfig, 'displayTimezone'>): string {
  return config.displayTimezone ?? 'UTC';
}

// ---------------------------------------------------------------------------------------------
// Validated incidents

export interface AffectedService {
  id: string;
  /** `null` when the incident does not change the service's status (severity `notice` without an impact). */
  impact: Impact | null;
}

/** A change of one service's impact, from its timeline entry's `at` onward (`null`: back to operational). */
export interface ImpactChange {
  service: string;
  impact: Impact | null;
}

export interface TimelineEntry {
  at: number;
  /** Inline Markdown. */
  text: string;
  status?: TimelineStatus;
  /** Impact phases: the services whose impact changes at `at`, in file order (absent: none). */
  impact?: ImpactChange[];
  /** Shown on the internal site only (`internal: true`); never carries a status or an impact (validate/audience.ts). */
  internal?: true;
}

/** Sources and evidence: the public write-up, a dashboard, the tracking ticket, a related incident. */
export interface IncidentLink {
  title: string;
  url: string;
  kind?: LinkKind;
  /** Shown on the internal site only. */
  internal?: true;
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
  /** `YYYY-MM-DD`, when a done or won't-do action was closed. */
  closed?: string;
  /** Shown on the internal site only. */
  internal?: true;
}

/** Someone who worked on the incident (`responders`): internal only. */
export interface Responder {
  name: string;
  /** Their role, in the team's words: incident commander, communications lead, scribe, … */
  role?: string;
}

/** A `[start, end)` range of offsets in a Markdown string: one `:::internal` section, its fences included. */
export type TextRange = readonly [number, number];

/** The `:::internal` sections of an incident's Markdown (absent: none). */
export interface InternalParts {
  body?: TextRange[];
  rootCause?: TextRange[];
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
  /** How the team learned of it. */
  detection?: DetectionMethod;
  /** Absent: ongoing. */
  resolved?: number;
  services: AffectedService[];
  /** Sorted by `at` (stable for equal instants). */
  timeline: TimelineEntry[];
  /** Markdown. */
  rootCause?: string;
  contributingFactors: string[];
  actions: Action[];
  links: IncidentLink[];
  tags: string[];
  authors: string[];
  /** The zone local timestamps of this file were read in (the file's `timezone`, else the site's). */
  timezone: string;
  /** The language the incident is written in, when the file says (a canonical BCP 47 tag); else the site's `content_language`. */
  language?: string;
  /** Local images of its Markdown (body, root cause, timeline), in the order they appear. */
  images?: ImageRef[];
  draft: boolean;
  /** `visibility: internal`: on the internal site only (absent: public). */
  visibility?: 'internal';
  /** `near_miss: true`: no customer impact; internal only, it changes no service's status or uptime. */
  nearMiss?: true;
  /** Who worked on it: internal only (absent: none written). */
  responders?: Responder[];
  /** Indexes into `contributingFactors` of the factors marked internal, ascending (absent: none). */
  internalFactors?: number[];
  /** The `:::internal` sections of `body` and `rootCause` (absent: none). */
  internalParts?: InternalParts;
  /** The Markdown body after the frontmatter. */
  body: string;
  /** 1-based line of the file where the body starts (for diagnostics of the body). */
  bodyLine: number;
}

/** An image of an incident's Markdown that names a file of the project (not an `https:` address). */
export interface ImageRef {
  /** The address as written. */
  url: string;
  /** Path of the file relative to the project root (forward slashes), or null when the address leaves the project. */
  file: string | null;
  /** Where the site publishes it (`img/x.svg`, `incidents/x/diagram.png`), or null with `file`. */
  sitePath: string | null;
  /** 1-based line and column of the image in the incident file (and where it ends, when on the same line). */
  line: number;
  column: number;
  endColumn?: number;
  /** In an internal part (a `:::internal` section, an internal timeline entry): published on the internal site only. */
  internal?: true;
}

/** HTML rendered from an incident's Markdown (body, root cause, timeline texts). */
export interface IncidentHtml {
  bodyHtml: string;
  rootCauseHtml: string;
  timelineHtml: string[];
  /** The Markdown source of the body, when the incident itself was stored without it (build cache). */
  readonly body?: string;
  /**
   * The body and the root cause without their `:::internal` sections, rendered from the text with those sections
   * cut out (core/audience.ts): set only when the incident has such sections (else the HTML above is the public one).
   */
  readonly publicBodyHtml?: string;
  readonly publicRootCauseHtml?: string;
}

