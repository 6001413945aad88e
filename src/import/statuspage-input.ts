/**
 * Statuspage's data as an import reads it: the public API v2 (`summary.json`, `incidents.json`,
 * `scheduled-maintenances.json`, `components.json`) and the management API v1 (bare lists of incidents,
 * components and component groups, and the page's profile). Shapes are checked with zod, so that malformed input
 * is one clear error that names the file and the path of the value; unknown fields are ignored.
 */
import { z } from 'zod';
import { FetchError } from './http.js';

const when = z.string().refine((s) => Number.isFinite(Date.parse(s)), { error: 'expected an ISO 8601 timestamp' });
const optionalWhen = when.nullish();

export const componentStatus = z.enum(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance']);

const affectedComponent = z.looseObject({
  code: z.string().min(1),
  name: z.string().nullish(),
  old_status: z.string().nullish(),
  new_status: z.string(),
});

const update = z.looseObject({
  id: z.string().nullish(),
  status: z.string(),
  body: z.string().nullish(),
  created_at: when,
  display_at: optionalWhen,
  affected_components: z.array(affectedComponent).nullish(),
});

const component = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  status: z.string().nullish(),
  description: z.string().nullish(),
  position: z.number().nullish(),
  group_id: z.string().nullish(),
  group: z.boolean().nullish(),
  components: z.array(z.string()).nullish(),
  start_date: z.string().nullish(),
});

export const incident = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  status: z.string(),
  impact: z.string().nullish(),
  impact_override: z.string().nullish(),
  created_at: when,
  started_at: optionalWhen,
  resolved_at: optionalWhen,
  scheduled_for: optionalWhen,
  scheduled_until: optionalWhen,
  shortlink: z.string().nullish(),
  postmortem_body: z.string().nullish(),
  incident_updates: z.array(update),
  components: z.array(component).nullish(),
});

const page = z.looseObject({ id: z.string().nullish(), name: z.string().nullish(), url: z.string().nullish(), time_zone: z.string().nullish() });

export type SpIncident = z.infer<typeof incident>;
export type SpComponent = z.infer<typeof component>;
export type SpUpdate = z.infer<typeof update>;
export type SpPage = z.infer<typeof page>;

/** Everything read from the inputs, merged (an incident read twice, e.g. from summary.json and incidents.json, once). */
export interface SpData {
  page: SpPage | null;
  components: SpComponent[];
  /** Groups from the management API's component-groups (the public API lists groups among components). */
  groups: { id: string; name: string; components: string[] }[];
  incidents: SpIncident[];
  /** Where each incident was read (for notes). */
  origin: Map<string, string>;
  /** How many incidents and maintenances the public lists held (50 means: maybe more). */
  publicCounts: { incidents?: number; maintenances?: number };
}

export function emptyData(): SpData {
  return { page: null, components: [], groups: [], incidents: [], origin: new Map(), publicCounts: {} };
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const found = valueAt(value, issue.path);
  throw new FetchError(`${where}: ${at || 'the document'}: ${issue.message.replace(/^Invalid input: /, '')}; found ${describeValue(found)}`);
}

function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v).slice(0, 60);
}

function addIncidents(data: SpData, list: SpIncident[], where: string): void {
  for (const i of list) {
    const known = data.incidents.findIndex((x) => x.id === i.id);
    // The same incident from two files: keep the one with more updates (summary.json holds only unresolved ones).
    if (known >= 0) {
      if (i.incident_updates.length > data.incidents[known]!.incident_updates.length) data.incidents[known] = i;
      continue;
    }
    data.incidents.push(i);
    data.origin.set(i.id, where);
  }
}

function addComponents(data: SpData, list: SpComponent[]): void {
  for (const c of list) if (!data.components.some((x) => x.id === c.id)) data.components.push(c);
}

const listOf = <T>(item: z.ZodType<T>) => z.array(item);

/**
 * One JSON document of either API into `data`: an object with `incidents`, `scheduled_maintenances`, `components`
 * and/or `page` (v2), or a bare list of incidents or of components (v1). Anything else is an error.
 */
export function addDocument(data: SpData, value: unknown, where: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    const first = value[0] as Record<string, unknown> | null;
    if (first && typeof first === 'object' && 'incident_updates' in first) return addIncidents(data, parseWith(listOf(incident), value, where), where);
    if (first && typeof first === 'object' && 'name' in first && ('status' in first || 'components' in first)) {
      if ('components' in first && !('status' in first)) {
        data.groups.push(...parseWith(listOf(z.looseObject({ id: z.string(), name: z.string(), components: z.array(z.string()) })), value, where));
        return;
      }
      return addComponents(data, parseWith(listOf(component), value, where));
    }
    throw new FetchError(`${where}: expected a list of Statuspage incidents or components; found a list of something else`);
  }
  if (value === null || typeof value !== 'object') throw new FetchError(`${where}: expected a Statuspage API document (an object with incidents, scheduled_maintenances or components); found ${describeValue(value)}`);
  const doc = value as Record<string, unknown>;
  const known = ['incidents', 'scheduled_maintenances', 'components', 'page'].filter((k) => k in doc);
  if (known.length === 0) throw new FetchError(`${where}: expected a Statuspage API document with incidents, scheduled_maintenances, components or page; found an object with ${Object.keys(doc).slice(0, 5).join(', ') || 'no keys'}`);
  if ('page' in doc && doc.page !== null) data.page = parseWith(page, doc.page, `${where}: page`);
  if ('components' in doc) addComponents(data, parseWith(listOf(component), doc.components, `${where}: components`));
  const isSummary = 'status' in doc && 'components' in doc;
  if ('incidents' in doc) {
    const list = parseWith(listOf(incident), doc.incidents, `${where}: incidents`);
    if (!isSummary) data.publicCounts.incidents = Math.max(data.publicCounts.incidents ?? 0, list.length);
    addIncidents(data, list, where);
  }
  if ('scheduled_maintenances' in doc) {
    const list = parseWith(listOf(incident), doc.scheduled_maintenances, `${where}: scheduled_maintenances`);
    if (!isSummary) data.publicCounts.maintenances = Math.max(data.publicCounts.maintenances ?? 0, list.length);
    addIncidents(data, list, where);
  }
}

/** A page profile (management API `GET /pages/{id}`). */
export function addPage(data: SpData, value: unknown, where: string): void {
  data.page = parseWith(page, value, where);
}
