/**
 * What an importer makes of its source, before anything touches the project: services, incidents and every note
 * about input it could not map faithfully. Services are referred to by their source key (a Statuspage component
 * id, a cState system name); the staging step gives them their ids in the project.
 */
import type { Impact, IncidentStatus, LinkKind, MaintenanceStatus, Severity } from '../core/model.js';

/** An impact as written in a file: `operational` is "listed, not impacted". */
export type ImpactValue = Impact | 'operational';

/** Something of the input that was not mapped as is, and where it was. */
export interface Note {
  /** `incidents.json: incident "Name" (id)`, `content/issues/a.md:12`. */
  where: string;
  message: string;
}

export interface PlannedService {
  /** The source's own key: a component id, a system name. */
  key: string;
  name: string;
  group?: string;
  description?: string;
  /** `YYYY-MM-DD` */
  since?: string;
}

export interface PlannedEntry {
  at: number;
  text: string;
  status?: IncidentStatus | MaintenanceStatus;
  /** Service key → impact from `at` on. */
  impact?: Record<string, ImpactValue>;
}

export interface PlannedIncident {
  /** `statuspage:<id>`, `cstate:<path>`: recorded in the file, so that a re-run finds it. */
  key: string;
  /** File name wanted, without `.md` (a slug); made unique when staged. */
  name: string;
  title: string;
  summary: string;
  severity: Severity;
  started: number;
  resolved?: number;
  /** Service key → impact at `started` (absent: from the severity). */
  services: { key: string; impact?: ImpactValue }[];
  timeline: PlannedEntry[];
  links: { title: string; url: string; kind?: LinkKind }[];
  /** Markdown. */
  body: string;
  draft?: boolean;
}

export interface ImportPlan {
  /** `Statuspage`, `cState`: how the summary names the source. */
  source: string;
  /** The page or site's title, for a new site.yaml. */
  title?: string;
  /** The page or site's IANA time zone, offered to site.yaml. */
  timezone?: string;
  services: PlannedService[];
  incidents: PlannedIncident[];
  notes: Note[];
  /** Lines for the summary that are about the source as a whole (e.g. the public API's 50 incidents). */
  remarks: string[];
}
