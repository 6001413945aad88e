/**
 * What a message says of an incident beyond what is compared: its title, link, summary, services and the text of its
 * newest status update, read from the new site's own `api/incidents/<id>.json` (the full public record), only for
 * the incidents that changed. The snapshot stays small; the text is the one just published.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, SEVERITIES, type Impact, type Severity, type TimelineStatus } from '../core/index.js';
import { incidentApiPath, type SnapshotIncident } from '../render/index.js';
import { NotifyError } from './errors.js';

export interface IncidentDetails {
  title: string;
  url: string;
  severity: Severity;
  summary: string;
  services: { id: string; name: string; impact: Impact | null }[];
  /** The newest status update (the snapshot's `latest_update`) with its text (inline Markdown), or null. */
  update: { at: string; status: TimelineStatus; text: string } | null;
}

const record = z.object({
  title: z.string(),
  url: z.string(),
  severity: z.enum(SEVERITIES),
  summary: z.string(),
  services: z.array(z.object({ id: z.string(), name: z.string(), impact: z.enum(IMPACTS).nullable() })),
  timeline: z.array(z.object({ at: z.string(), text: z.string(), status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]).nullable() })),
});

/** `<at> <status>` → its parts. */
export function parseUpdateKey(key: string): { at: string; status: TimelineStatus } {
  const [at, status] = key.split(' ');
  return { at: at!, status: status as TimelineStatus };
}

async function readDetails(siteDir: string, incident: SnapshotIncident): Promise<IncidentDetails> {
  const rel = incidentApiPath(incident.id);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path.join(siteDir, ...rel.split('/')), 'utf8'));
  } catch (e) {
    throw new NotifyError(`cannot read ${rel} of the new site (${(e as NodeJS.ErrnoException).code ?? 'not JSON'}): build the site again`);
  }
  const parsed = record.safeParse(data);
  if (!parsed.success) throw new NotifyError(`${rel} of the new site is not an incident record postmortem wrote: build the site again`);
  const r = parsed.data;
  let update: IncidentDetails['update'] = null;
  if (incident.latest_update !== null) {
    const { at, status } = parseUpdateKey(incident.latest_update);
    const entry = r.timeline.filter((e) => e.at === at && e.status === status).pop();
    if (entry) update = { at, status, text: entry.text };
  }
  return { title: r.title, url: r.url, severity: r.severity, summary: r.summary, services: r.services, update };
}

/** The details of each incident, by id. */
export async function loadDetails(siteDir: string, incidents: readonly SnapshotIncident[]): Promise<Map<string, IncidentDetails>> {
  const out = new Map<string, IncidentDetails>();
  for (const i of incidents) out.set(i.id, await readDetails(siteDir, i));
  return out;
}
