/**
 * Validation of parsed incident documents against the format: the schema (shapes, enums, unknown keys),
 * then what needs context (timestamps read in a zone, known services, the order of times, "now"),
 * then rules across files (duplicate ids). Pure: documents and configuration in, incidents and diagnostics out.
 */
import {
  DEFAULT_IMPACT,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type Action,
  type AffectedService,
  type Diagnostic,
  type Incident,
  type SiteConfig,
  type TimelineEntry,
  type TimelineStatus,
} from '../core/model.js';
import { diagnosticAt, spanOf, type ParsedDocument } from '../parse/document.js';
import { incidentSchema, SLUG_PATTERN, type RawIncident } from './schema.js';
import { issuesToDiagnostics } from './issues.js';
import { allZoneNames, parseDate, parseTimestamp, zoneFor } from '../core/time.js';
import { didYouMean, slugify } from '../core/suggest.js';
import { formatDuration, isoUtc } from '../core/format.js';

const slugRe = new RegExp(SLUG_PATTERN);
const DAY = 86_400_000;
/** An ongoing incident older than this is probably a forgotten `resolved`. */
export const LONG_ONGOING_DAYS = 30;

export interface ValidateContext {
  config: SiteConfig;
  /** Build time ("now"), ms. */
  now: number;
  /** Treat drafts as published: the warnings that spare drafts apply to them too. */
  drafts?: boolean;
  /**
   * Filled in by validation: the interval of "now" [from, until) over which the result (incident and
   * diagnostics, messages included) stays exactly the same. The build cache reuses a result only inside it.
   */
  nowWindow?: NowWindow;
}

export interface NowWindow {
  from: number;
  until: number;
}

/** Record that the result holds only while now ≥ t (true) or now < t (false). */
function nowSide(ctx: ValidateContext, t: number, atLeast: boolean): void {
  const w = ctx.nowWindow;
  if (!w) return;
  if (atLeast) w.from = Math.max(w.from, t);
  else w.until = Math.min(w.until, t);
}

/** Record that the result (a message quoting now) holds for this very now only. */
function nowExact(ctx: ValidateContext): void {
  nowSide(ctx, ctx.now, true);
  nowSide(ctx, ctx.now + 1, false);
}

/** The incident id for a path relative to the root: the file name without `.md`. */
export function idFromPath(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.md$/i, '');
}

/** File-name rules: the id is a slug of at most 100 characters. */
export function checkFileName(file: string): Diagnostic[] {
  const id = idFromPath(file);
  if (slugRe.test(id) && id.length <= 100 && file.endsWith('.md')) return [];
  const suggestion = slugify(id) || 'incident';
  const hint = `rename it to "${suggestion}.md"`;
  const message =
    id.length > 100
      ? `the file name is the incident id and must be at most 100 characters; found ${id.length}`
      : !file.endsWith('.md')
        ? `incident files must end in ".md" (lowercase); found "${file.slice(file.lastIndexOf('/') + 1)}"`
        : `the file name is the incident id and URL slug: expected lowercase letters, digits and single hyphens (like 2020-05-29-api-outage.md); found "${id}"`;
  return [{ file, line: 1, column: 1, severity: 'error', rule: 'invalid-filename', message, hint }];
}

/** Validate one parsed document. Returns the incident when it has no error. */
export function validateDocument(doc: ParsedDocument, ctx: ValidateContext): { incident: Incident | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [...doc.diagnostics, ...checkFileName(doc.file)];
  if (doc.diagnostics.some((d) => d.severity === 'error')) return { incident: null, diagnostics };
  const data = doc.data;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(
      diagnosticAt(
        doc,
        { start: doc.yamlOffset, end: doc.yamlOffset },
        'error',
        'invalid-type',
        `the frontmatter must be a mapping of keys (title, summary, severity, started, services, …); found ${data === null || data === undefined ? 'nothing' : Array.isArray(data) ? 'a list' : 'a single value'}`,
      ),
    );
    return { incident: null, diagnostics };
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
  const incident = diagnostics.some((d) => d.severity === 'error') ? null : checked.incident;
  return { incident, diagnostics };
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

function checkValues(doc: ParsedDocument, raw: Partial<RawIncident>, ctx: ValidateContext): { incident: Incident; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const at = (path: PropertyKey[], which: 'value' | 'key' = 'value') => spanOf(doc, path, which);
  const error = (path: PropertyKey[], rule: string, message: string, hint?: string) =>
    out.push(diagnosticAt(doc, at(path), 'error', rule, message, hint));
  const warn = (path: PropertyKey[], rule: string, message: string, hint?: string) =>
    out.push(diagnosticAt(doc, at(path), 'warning', rule, message, hint));
  const isMaintenance = raw.severity === 'maintenance';
  const published = !raw.draft || ctx.drafts === true;

  // Time zone of local timestamps.
  let zone = ctx.config.timezone;
  if (raw.timezone !== undefined) {
    if (zoneFor(raw.timezone)) zone = raw.timezone;
    else error(['timezone'], 'unknown-timezone', `timezone must be an IANA time zone name such as "Europe/Paris"; found "${raw.timezone}"`, didYouMean(raw.timezone, allZoneNames()));
  }
  const zoneKnown = raw.timezone === undefined || zoneFor(raw.timezone) !== null;
  const time = (path: PropertyKey[], value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const r = parseTimestamp(value, zone);
    if (r.ok) return r.value;
    if (r.rule === 'unknown-timezone' && !zoneKnown) return undefined; // already reported once
    error(path, r.rule, `${pathName(path)}: ${r.message}`, r.hint);
    return undefined;
  };

  const started = time(['started'], raw.started);
  const detected = time(['detected'], raw.detected);
  const mitigated = time(['mitigated'], raw.mitigated);
  const resolved = time(['resolved'], raw.resolved);
  const show = (ms: number) => isoUtc(ms);

  if (started !== undefined) {
    if (resolved !== undefined && resolved < started) {
      error(['resolved'], 'resolved-before-started', `resolved (${show(resolved)}) must not be before started (${show(started)})`);
    }
    if (mitigated !== undefined && mitigated < started) {
      error(['mitigated'], 'mitigated-before-started', `mitigated (${show(mitigated)}) must not be before started (${show(started)})`);
    }
    if (detected !== undefined && detected < started) {
      warn(['detected'], 'detected-before-started', `detected (${show(detected)}) is before started (${show(started)}): the team knew before customers were affected`, 'if impact began earlier, move `started` back');
    }
    if (!isMaintenance) {
      if (started > ctx.now) nowExact(ctx);
      else nowSide(ctx, started, true);
    }
    if (!isMaintenance && started > ctx.now) {
      error(['started'], 'future-time', `started (${show(started)}) is later than now (${show(ctx.now)}); only maintenance may be scheduled in the future`);
    }
  }
  if (resolved !== undefined) {
    if (detected !== undefined && detected > resolved) {
      error(['detected'], 'detected-after-resolved', `detected (${show(detected)}) must not be after resolved (${show(resolved)})`);
    }
    if (mitigated !== undefined && mitigated > resolved) {
      error(['mitigated'], 'mitigated-after-resolved', `mitigated (${show(mitigated)}) must not be after resolved (${show(resolved)})`);
    }
    if (!isMaintenance) {
      if (resolved > ctx.now) nowExact(ctx);
      else nowSide(ctx, resolved, true);
    }
    if (!isMaintenance && resolved > ctx.now) {
      error(['resolved'], 'future-time', `resolved (${show(resolved)}) is later than now (${show(ctx.now)}); leave it out while the incident is ongoing`);
    }
  }

  // Services.
  const known = ctx.config.services.map((s) => s.id);
  const services: AffectedService[] = [];
  const seen = new Set<string>();
  (raw.services ?? []).forEach((ref, i) => {
    if (ref === undefined || (typeof ref !== 'string' && ref.id === undefined)) return;
    const id = typeof ref === 'string' ? ref : ref.id;
    const path = typeof ref === 'string' ? ['services', i] : ['services', i, 'id'];
    if (!known.includes(id)) {
      error(path, 'unknown-service', `unknown service "${id}"; expected one of the ids in site.yaml: ${known.join(', ')}`, didYouMean(id, known));
      return;
    }
    if (seen.has(id)) {
      error(path, 'duplicate-service', `service "${id}" is listed twice; expected each service once`);
      return;
    }
    seen.add(id);
    const impact = typeof ref === 'string' || ref.impact === undefined ? DEFAULT_IMPACT[raw.severity ?? 'notice'] : ref.impact;
    services.push({ id, impact });
  });

  // Timeline.
  const allowed: readonly string[] = isMaintenance ? MAINTENANCE_STATUSES : INCIDENT_STATUSES;
  const timeline: (TimelineEntry & { index: number })[] = [];
  let previous: number | undefined;
  (raw.timeline ?? []).forEach((entry, i) => {
    if (entry === undefined) return;
    const atMs = time(['timeline', i, 'at'], entry.at);
    if (entry.status !== undefined && !allowed.includes(entry.status)) {
      error(
        ['timeline', i, 'status'],
        'invalid-enum',
        `timeline[${i}].status must be one of ${allowed.join(', ')} for ${isMaintenance ? 'maintenance' : `a ${raw.severity} incident`}; found "${entry.status}"`,
        didYouMean(entry.status, allowed),
      );
    }
    if (atMs === undefined || entry.text === undefined) return;
    if (previous !== undefined && atMs < previous) {
      warn(['timeline', i, 'at'], 'timeline-order', `timeline[${i}] (${show(atMs)}) is earlier than the entry before it (${show(previous)}); entries are shown in time order`, 'move the entry to its place in the list');
    }
    previous = atMs;
    const e: TimelineEntry & { index: number } = { at: atMs, text: entry.text, index: i };
    if (entry.status !== undefined) e.status = entry.status as TimelineStatus;
    timeline.push(e);
  });
  timeline.sort((a, b) => a.at - b.at || a.index - b.index);

  // Actions.
  const today = Math.floor(ctx.now / DAY) * DAY;
  const actions: Action[] = [];
  (raw.actions ?? []).forEach((a, i) => {
    if (a === undefined || a.title === undefined || a.status === undefined) return;
    const action: Action = { title: a.title, status: a.status };
    if (a.owner !== undefined) action.owner = a.owner;
    if (a.priority !== undefined) action.priority = a.priority;
    if (a.kind !== undefined) action.kind = a.kind;
    if (a.link !== undefined) action.link = a.link;
    if (a.due !== undefined) {
      const d = parseDate(a.due);
      if (!d.ok) error(['actions', i, 'due'], d.rule, `actions[${i}].due: ${d.message}`);
      else {
        action.due = d.value.date;
        // Overdue from the first day after the due date (`today` is a multiple of DAY).
        if ((a.status === 'open' || a.status === 'in_progress') && published) nowSide(ctx, (Math.floor(d.value.ms / DAY) + 1) * DAY, d.value.ms < today);
        if ((a.status === 'open' || a.status === 'in_progress') && d.value.ms < today && published) {
          warn(['actions', i, 'due'], 'overdue-action', `action "${a.title}" is ${a.status === 'open' ? 'open' : 'in progress'} and past its due date ${a.due}`, 'mark it done or wont_do, or move the due date');
        }
      }
    }
    actions.push(action);
  });

  // Warnings about the whole incident.
  if (resolved !== undefined && published && !isMaintenance && raw.root_cause === undefined) {
    warn([], 'missing-root-cause', 'the incident is resolved but has no root_cause; readers come to a postmortem to learn why it happened', 'add `root_cause:` with a paragraph of Markdown');
  }
  // A `resolved` that is written but invalid is already an error: do not also guess that it was forgotten.
  const resolvedWritten = doc.data !== null && typeof doc.data === 'object' && Object.hasOwn(doc.data, 'resolved');
  if (resolved === undefined && !resolvedWritten && started !== undefined && !isMaintenance) {
    if (ctx.now - started > LONG_ONGOING_DAYS * DAY) nowExact(ctx);
    else nowSide(ctx, started + LONG_ONGOING_DAYS * DAY + 1, false);
  }
  if (resolved === undefined && !resolvedWritten && started !== undefined && !isMaintenance && ctx.now - started > LONG_ONGOING_DAYS * DAY) {
    warn(['started'], 'long-ongoing', `the incident has been ongoing for ${formatDuration(ctx.now - started)} (more than ${LONG_ONGOING_DAYS} days); a forgotten \`resolved\`?`, 'add `resolved:` with the time impact ended');
  }

  const incident: Incident = {
    id: idFromPath(doc.file),
    file: doc.file,
    title: raw.title ?? '',
    summary: raw.summary ?? '',
    severity: raw.severity ?? 'notice',
    started: started ?? 0,
    services,
    timeline: timeline.map(({ index: _index, ...e }) => e),
    contributingFactors: raw.contributing_factors ?? [],
    actions,
    tags: raw.tags ?? [],
    authors: raw.authors ?? [],
    timezone: zone,
    draft: raw.draft ?? false,
    body: doc.body,
    bodyLine: doc.bodyLine,
  };
  if (detected !== undefined) incident.detected = detected;
  if (mitigated !== undefined) incident.mitigated = mitigated;
  if (resolved !== undefined) incident.resolved = resolved;
  if (raw.root_cause !== undefined) incident.rootCause = raw.root_cause;
  return { incident, diagnostics: out };
}

function pathName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');
}

/** Rules across files: ids are unique across the whole tree. `files` must be sorted. */
export function checkAcrossFiles(files: readonly string[]): Diagnostic[] {
  const first = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const file of files) {
    const id = idFromPath(file);
    const other = first.get(id);
    if (other !== undefined) {
      out.push({
        file,
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'duplicate-id',
        message: `incident id "${id}" is already used by ${other}; ids (file names) must be unique across incidents/ and its sub-folders`,
        hint: 'rename one of the files',
      });
    } else first.set(id, file);
  }
  return out;
}
