/**
 * Validation of one parsed incident document against the format: the schema (shapes, enums, unknown keys), then
 * the rules that need context, one module per group (times, services, timeline, actions, whole-incident
 * warnings). Pure: a document and the configuration in, the incident and its diagnostics out.
 */
import type { ImageRef, Incident } from '../core/model.js';
import { hasError, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { diagnosticAt, type ParsedDocument } from '../parse/index.js';
import { incidentSchema, type RawIncident } from './schema.js';
import { issuesToDiagnostics } from './issues.js';
import { Checker, type ValidateContext } from './checker.js';
import { idFromPath, checkFileName } from './filename.js';
import { readTimes } from './times.js';
import { readServices } from './services.js';
import { readTimeline } from './timeline.js';
import { readActions } from './actions.js';
import { readLinks } from './links.js';
import { checkWhole } from './warnings.js';
import { checkPlaceholders } from './placeholders.js';
import { checkWeight } from './limits.js';
import { readImages, readLanguage } from './content.js';
import { readAudience, readRefs } from './audience.js';
import type { IncidentRef } from './refs.js';

/** What validating one document gives. */
export interface Validated {
  incident: Incident | null;
  diagnostics: Diagnostic[];
  weight?: number;
  images: ImageRef[];
  /** Links of its public text to incidents of the site (for `internal-link`, checked across files). */
  refs?: IncidentRef[];
  /** `internal` when the file, as written, is an internal incident (visibility or near miss), valid or not. */
  visibility?: 'internal';
}

/**
 * Validate one parsed document. Returns the incident when it has no error; its weight (the estimated bytes of its
 * content on a page, see limits.ts) when it could be weighed; and the images it names either way (whether their
 * files are there is checked by project/, for a file with errors too: every problem in one run).
 */
export function validateDocument(doc: ParsedDocument, ctx: ValidateContext): Validated {
  const diagnostics: Diagnostic[] = [...doc.diagnostics, ...checkFileName(doc.file)];
  if (hasError(doc.diagnostics)) return { incident: null, diagnostics, images: [] };
  const data = doc.data;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(
      diagnosticAt(
        doc, { start: doc.yamlOffset, end: doc.yamlOffset }, Rule.InvalidType,
        `the frontmatter must be a mapping of keys (title, summary, severity, started, services, …); found ${data === null || data === undefined ? 'nothing' : Array.isArray(data) ? 'a list' : 'a single value'}`,
      ),
    );
    return { incident: null, diagnostics, images: [] };
  }
  const parsed = incidentSchema.safeParse(data);
  let raw: Partial<RawIncident>;
  if (parsed.success) raw = parsed.data;
  else {
    diagnostics.push(...issuesToDiagnostics(doc, data, parsed.error.issues, 'incident'));
    // Go on with the values that are well-formed, so that every problem is reported in one run.
    raw = pruneInvalid(data as Record<string, unknown>, parsed.error.issues) as Partial<RawIncident>;
  }
  const checked = checkValues(doc, raw, ctx);
  diagnostics.push(...checked.diagnostics);
  const incident = hasError(diagnostics) ? null : checked.incident;
  const out: Validated = { incident, diagnostics, weight: checked.weight, images: checked.incident.images ?? [] };
  if (checked.refs.length) out.refs = checked.refs;
  if (checked.incident.visibility === 'internal' || checked.incident.nearMiss) out.visibility = 'internal';
  return out;
}

/** A copy of `data` without the values that failed the schema (list items become holes, keeping indexes). */
function pruneInvalid(data: Record<string, unknown>, issues: readonly { code: string; path: PropertyKey[] }[]): Record<string, unknown> {
  const copy = structuredClone(data);
  const flat: { path: PropertyKey[] }[] = [];
  for (const issue of issues as readonly { code: string; path: PropertyKey[]; errors?: { path: PropertyKey[] }[][] }[]) {
    // A service reference written as a mapping: prune inside it, so its id is still checked.
    const inner = issue.code === 'invalid_union' ? issue.errors?.[1] : undefined;
    if (inner && inner.every((e) => e.path.length > 0)) flat.push(...inner.map((e) => ({ path: [...issue.path, ...e.path] })));
    else flat.push(issue);
  }
  for (const issue of flat) {
    if (issue.path.length === 0) continue;
    let parent: unknown = copy;
    for (const p of issue.path.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<PropertyKey, unknown>)[p as string] : undefined;
    if (!parent || typeof parent !== 'object') continue;
    const last = issue.path[issue.path.length - 1] as string;
    if (Array.isArray(parent)) parent[Number(last)] = undefined;
    else delete (parent as Record<string, unknown>)[last];
  }
  return copy;
}

/** The rules that need context, on the values that passed the schema; the incident as read. */
function checkValues(doc: ParsedDocument, raw: Partial<RawIncident>, ctx: ValidateContext): { incident: Incident; diagnostics: Diagnostic[]; weight: number; refs: IncidentRef[] } {
  const c = new Checker(doc, raw, ctx);
  const times = readTimes(c);
  const services = readServices(c);
  const audience = readAudience(c, services);
  const timeline = readTimeline(c, times, services);
  const links = readLinks(c);
  const actions = readActions(c, times);
  checkWhole(c, times);
  checkPlaceholders(c);
  const weight = checkWeight(c);
  const language = readLanguage(c);
  const images = readImages(c, audience.internalParts);
  const refs = readRefs(c, audience.scans);
  const incident: Incident = {
    id: idFromPath(doc.file),
    file: doc.file,
    title: raw.title ?? '',
    summary: raw.summary ?? '',
    severity: raw.severity ?? 'notice',
    started: times.started ?? 0,
    services,
    timeline,
    contributingFactors: audience.factors,
    actions,
    links,
    tags: raw.tags ?? [],
    authors: raw.authors ?? [],
    timezone: times.zone,
    draft: raw.draft ?? false,
    body: doc.body,
    bodyLine: doc.bodyLine,
  };
  if (times.detected !== undefined) incident.detected = times.detected;
  if (times.mitigated !== undefined) incident.mitigated = times.mitigated;
  if (times.resolved !== undefined) incident.resolved = times.resolved;
  if (raw.root_cause !== undefined) incident.rootCause = raw.root_cause;
  if (raw.detection !== undefined) incident.detection = raw.detection;
  if (language !== undefined) incident.language = language;
  if (images.length) incident.images = images;
  if (audience.visibility) incident.visibility = audience.visibility;
  if (audience.nearMiss) incident.nearMiss = true;
  if (audience.responders) incident.responders = audience.responders;
  if (audience.internalFactors) incident.internalFactors = audience.internalFactors;
  if (audience.internalParts) incident.internalParts = audience.internalParts;
  return { incident, diagnostics: c.out, weight, refs };
}
