/**
 * What of an incident is internal (issue 15), and the problems that would publish an internal byte or make the two
 * sites disagree about a public fact:
 *
 * - `visibility: internal` and `near_miss: true` (a near miss is internal and changes no status: `near-miss-impact`);
 * - `responders`, `internal: true` on factors (and on timeline entries, actions and links, read with them);
 * - the `:::internal` sections of the body and the root cause (parse/internal.ts): one never closed is a warning,
 *   a line meant as one that is not one (`::internal`, `:::Internal`) an error, and `:::internal` in a value where it
 *   is not read (a title, a timeline entry's text) an error: in each case the text would be published as written;
 * - an internal timeline entry with a status or an impact (`internal-update`): both are public facts;
 * - the links of public text to other incidents, resolved to ids, for `internal-link` across files (refs.ts).
 */
import type { AffectedService, InternalParts, Responder, TextRange } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { diagnosticAt, holdsInternalOpening, scanMarkdown, spanOf, type FoundLink, type MarkdownScan } from '../parse/index.js';
import type { Checker, FramePath } from './checker.js';
import { linkedIncident, siteAddresses, type IncidentRef } from './refs.js';
import { idFromPath } from './filename.js';

export interface AudienceFields {
  visibility?: 'internal';
  nearMiss?: true;
  responders?: Responder[];
  factors: string[];
  internalFactors?: number[];
  internalParts?: InternalParts;
}

/** Where an offset of a Markdown value of the frontmatter is in the file: the same text after the value's start. */
function valueLocator(c: Checker, path: FramePath, value: string): (offset: number) => number {
  const start = spanOf(c.doc, path).start;
  return (offset) => {
    const lineStart = value.lastIndexOf('\n', offset - 1) + 1;
    const lineEnd = value.indexOf('\n', lineStart);
    const line = value.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const trimmed = line.trimStart();
    const found = trimmed ? c.doc.text.indexOf(trimmed, start) : -1;
    return found < 0 ? start : found + Math.max(0, offset - lineStart - (line.length - trimmed.length));
  };
}

/** A Markdown text of the incident: where its offsets are in the file, and its name in messages. */
interface MarkdownPlace {
  text: string;
  at: (offset: number) => number;
  name: string;
}

function markdownPlaces(c: Checker): { body: MarkdownPlace; rootCause: MarkdownPlace | null } {
  const body: MarkdownPlace = { text: c.doc.body, at: (o) => c.doc.bodyOffset + o, name: 'the body' };
  const rc = c.raw.root_cause;
  const rootCause = typeof rc === 'string' ? { text: rc, at: valueLocator(c, ['root_cause'], rc), name: 'root_cause' } : null;
  return { body, rootCause };
}

/** The sections of one Markdown text, with the warnings and errors about them. */
function readSections(c: Checker, place: MarkdownPlace, scan: MarkdownScan): TextRange[] {
  for (const offset of scan.unclosed) {
    const at = place.at(offset);
    c.out.push(diagnosticAt(c.doc, { start: at, end: at + 3 }, Rule.UnclosedInternal, `this internal section of ${place.name} is never closed: everything after it, to the end of ${place.name} (or of its quote or list item), is internal`, 'close it with a line of `:::` where the internal part ends'));
  }
  for (const [s, e] of scan.malformed) {
    const at = place.at(s);
    const written = place.text.slice(s, e);
    c.out.push(diagnosticAt(c.doc, { start: at, end: at + (e - s) }, Rule.MalformedInternal, `"${written}" is not the start of an internal section, so the text after it would be published; expected \`:::internal\` (three colons and the name right after them, in lowercase)`, 'write `:::internal` on its own line, and `:::` where the section ends; text meant as written can escape its first colon: `\\:::`'));
  }
  return scan.sections;
}

/** The contributing factors as text, and the indexes of the internal ones. */
function readFactors(c: Checker): { factors: string[]; internal: number[] } {
  const factors: string[] = [];
  const internal: number[] = [];
  for (const f of c.raw.contributing_factors ?? []) {
    if (f === undefined) continue;
    if (typeof f === 'string') factors.push(f);
    else if (f.text !== undefined) {
      if (f.internal === true) internal.push(factors.length);
      factors.push(f.text);
    }
  }
  return { factors, internal };
}

function readResponders(c: Checker): Responder[] | undefined {
  if (c.raw.responders === undefined) return undefined;
  const out: Responder[] = [];
  for (const r of c.raw.responders) {
    if (r === undefined) continue;
    if (typeof r === 'string') out.push({ name: r });
    else if (r.name !== undefined) out.push(r.role !== undefined ? { name: r.name, role: r.role } : { name: r.name });
  }
  return out;
}

/** A near miss changes nothing of a service: no impact but `operational`, not maintenance, never public. */
function checkNearMiss(c: Checker, services: AffectedService[]): void {
  if (c.raw.near_miss !== true) return;
  const flag = (path: FramePath, message: string) => c.flag(path, Rule.NearMissImpact, message, 'a near miss had no customer impact: leave the impact out (or write operational)');
  if (c.raw.visibility === 'public') c.flag(['visibility'], Rule.NearMissImpact, 'a near miss is internal: it has no place on the public status site; expected no `visibility`, or `visibility: internal`', 'remove `visibility: public`, or remove `near_miss` if customers were affected');
  if (c.raw.severity === 'maintenance') flag(['severity'], 'a near miss cannot be maintenance (planned work puts services under maintenance); expected the severity it could have had');
  (c.raw.services ?? []).forEach((ref, i) => {
    if (ref && typeof ref === 'object' && ref.impact !== undefined && ref.impact !== 'operational') flag(['services', i, 'impact'], `services[${i}].impact is ${ref.impact}, but a near miss changes no service's status; expected no impact, or operational`);
  });
  (c.raw.timeline ?? []).forEach((entry, i) => {
    for (const [id, impact] of Object.entries(entry?.impact ?? {})) {
      if (impact !== 'operational') flag(['timeline', i, 'impact', id], `timeline[${i}].impact sets ${id} to ${impact}, but a near miss changes no service's status; expected operational or no impact`);
    }
  });
  for (const s of services) s.impact = null;
}

/** An internal entry may not carry a status update or an impact change: both are public facts. */
function checkInternalEntries(c: Checker): void {
  (c.raw.timeline ?? []).forEach((entry, i) => {
    if (entry?.internal !== true) return;
    if (entry.status !== undefined) c.flag(['timeline', i, 'status'], Rule.InternalUpdate, `timeline[${i}] is internal, but its status "${entry.status}" is a public status update; expected no status on an internal entry`, 'put the status on a public entry (it may have the same `at`), and keep the internal details here');
    if (entry.impact !== undefined) c.flag(['timeline', i, 'impact'], Rule.InternalUpdate, `timeline[${i}] is internal, but its impact changes the public status and uptime of services; expected no impact on an internal entry`, 'put the impact on a public entry (it may have the same `at`), and keep the internal details here');
  });
}

/** Values where `:::internal` is not read: it would be published as written. */
function checkMisplaced(c: Checker): void {
  const look = (path: FramePath, value: unknown, what: string, instead: string) => {
    if (typeof value === 'string' && holdsInternalOpening(value)) c.flag(path, Rule.MisplacedInternal, `${what} holds \`:::internal\`, which is read only in the body and in root_cause: here it would be published as written`, instead);
  };
  const whole = 'write it in the body (`:::internal` … `:::`), or make the whole incident internal with `visibility: internal`';
  look(['title'], c.raw.title, 'the title', whole);
  look(['summary'], c.raw.summary, 'the summary', whole);
  (c.raw.timeline ?? []).forEach((e, i) => look(['timeline', i, 'text'], e?.text, `timeline[${i}].text`, 'mark the entry `internal: true`, or move the internal part to an entry of its own marked so'));
  (c.raw.actions ?? []).forEach((a, i) => look(['actions', i, 'title'], a?.title, `actions[${i}].title`, 'mark the action `internal: true`'));
  (c.raw.links ?? []).forEach((l, i) => look(['links', i, 'title'], l?.title, `links[${i}].title`, 'mark the link `internal: true`'));
  (c.raw.contributing_factors ?? []).forEach((f, i) => {
    const text = typeof f === 'string' ? f : f?.text;
    look(typeof f === 'string' ? ['contributing_factors', i] : ['contributing_factors', i, 'text'], text, `contributing_factors[${i}]`, 'write the factor as {text: …, internal: true}');
  });
}

/** Read what is internal, and check it; `services` lose their impact when the incident is a near miss. */
export function readAudience(c: Checker, services: AffectedService[]): AudienceFields & { scans: { body: MarkdownScan; rootCause: MarkdownScan | null } } {
  checkNearMiss(c, services);
  checkInternalEntries(c);
  checkMisplaced(c);
  const places = markdownPlaces(c);
  const linksWanted = isPublicRaw(c);
  const bodyScan = scanMarkdown(places.body.text, { links: linksWanted });
  const rootScan = places.rootCause ? scanMarkdown(places.rootCause.text, { links: linksWanted }) : null;
  const parts: InternalParts = {};
  const body = readSections(c, places.body, bodyScan);
  if (body.length) parts.body = body;
  const rootCause = places.rootCause && rootScan ? readSections(c, places.rootCause, rootScan) : [];
  if (rootCause.length) parts.rootCause = rootCause;
  const { factors, internal } = readFactors(c);
  const out: AudienceFields = { factors };
  if (c.raw.visibility === 'internal') out.visibility = 'internal';
  if (c.raw.near_miss === true) out.nearMiss = true;
  const responders = readResponders(c);
  if (responders) out.responders = responders;
  if (internal.length) out.internalFactors = internal;
  if (parts.body || parts.rootCause) out.internalParts = parts;
  return { ...out, scans: { body: bodyScan, rootCause: rootScan } };
}

/** Whether the incident, as written, is public (its links to internal incidents matter). */
export function isPublicRaw(c: Checker): boolean {
  return c.raw.visibility !== 'internal' && c.raw.near_miss !== true;
}

/**
 * The links of the incident's public text to incidents of the site (see refs.ts): the body's, the root cause's, the
 * public timeline entries', the public `links` and the public actions' links. None for an internal incident.
 */
export function readRefs(c: Checker, scans: { body: MarkdownScan; rootCause: MarkdownScan | null }): IncidentRef[] {
  if (!isPublicRaw(c)) return [];
  const where = siteAddresses(c.ctx.config);
  const from = { id: idFromPath(c.doc.file), file: c.doc.file };
  const refs: IncidentRef[] = [];
  const add = (url: string, start: number, end: number) => {
    const id = linkedIncident(url, from, where);
    if (id === null) return;
    const a = c.doc.lines.position(start);
    const b = c.doc.lines.position(Math.max(start, end));
    refs.push({ id, url, line: a.line, column: a.column, ...(b.line === a.line && b.column > a.column ? { endLine: b.line, endColumn: b.column } : {}) });
  };
  const places = markdownPlaces(c);
  const fromScan = (place: MarkdownPlace, links: readonly FoundLink[], exact: boolean) => {
    for (const l of links) if (!l.internal) add(l.url, place.at(l.offset), exact ? place.at(l.offset) + (l.end - l.offset) : place.at(l.offset) + 1);
  };
  fromScan(places.body, scans.body.links, true);
  if (places.rootCause && scans.rootCause) fromScan(places.rootCause, scans.rootCause.links, false);
  (c.raw.timeline ?? []).forEach((e, i) => {
    if (!e || e.internal === true || typeof e.text !== 'string') return;
    const links = scanMarkdown(e.text, { links: true }).links;
    const place: MarkdownPlace = { text: e.text, at: valueLocator(c, ['timeline', i, 'text'], e.text), name: `timeline[${i}].text` };
    fromScan(place, links, false);
  });
  const value = (path: FramePath, url: string | undefined) => {
    if (url === undefined) return;
    const span = spanOf(c.doc, path);
    add(url, span.start, span.end);
  };
  (c.raw.links ?? []).forEach((l, i) => l && l.internal !== true && value(['links', i, 'url'], l.url));
  (c.raw.actions ?? []).forEach((a, i) => a && a.internal !== true && value(['actions', i, 'link'], a.link));
  return refs;
}

