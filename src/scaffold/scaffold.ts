/**
 * The scaffold of a new incident file: `templates/incident.md`, or `templates/maintenance.md` for planned work
 * (a project's own `<root>/templates/<name>` replaces ours), rendered with eta. Values reach the template
 * already written as YAML scalars, so a title with quotes, colons or `#` cannot change the meaning of the
 * frontmatter. The placeholder sentences come from the `template-placeholder` rule, which reports them until
 * an author replaces them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { Eta } from 'eta/core';
import { BUILTIN_TEMPLATES_DIR } from '../render/index.js';
import { slugify } from '../core/text.js';
import { isoUtc } from '../core/format.js';
import { dateIn } from '../core/calendar.js';
import { refusalMessage, resolveInput, TEMPLATES_DIR } from '../source/index.js';
import { ProjectError } from '../core/errors.js';
import { MAINTENANCE_SUMMARY_PLACEHOLDER, ROOT_CAUSE_PLACEHOLDER, SUMMARY_PLACEHOLDER } from '../validate/index.js';

export { SUMMARY_PLACEHOLDER } from '../validate/index.js';
export const SCAFFOLD_TEMPLATE = 'incident.md';
export const MAINTENANCE_TEMPLATE = 'maintenance.md';
/** Longest slug of the title in a file name: the id (`YYYY-MM-DD-` + slug) is at most 100 characters. */
export const MAX_TITLE_SLUG = 100 - 'YYYY-MM-DD-'.length;

export interface ScaffoldValues {
  title: string;
  severity: string;
  services: string[];
  /** As written by the user (or generated): a timestamp string. */
  started: string;
  /** Given by the user, else absent (the template shows a commented hint). */
  detected?: string;
  mitigated?: string;
  resolved?: string;
  /** The summary; absent: the placeholder sentence. */
  summary?: string;
  draft: boolean;
  /** The site's time zone (named in a hint). */
  timezone: string;
  /** Path of the JSON Schema relative to the new file, for the yaml-language-server modeline; null: none. */
  schema: string | null;
}

/** A string as a YAML scalar: plain when that reads back unchanged and unambiguously, else double-quoted. */
export function yamlScalar(s: string): string {
  if (/^[A-Za-z][A-Za-z0-9 ,.()'/&+_-]*$/.test(s) && !/\s$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(s)) return s;
  return stringify(s, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }).trimEnd();
}

/** A timestamp is written plain when it looks like one (so it reads like the seed files); else quoted. */
export function yamlTimestamp(s: string): string {
  return /^\d{4}-\d{2}-\d{2}(?:[Tt ]+\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?: *(?:[Zz]|[+-]\d{2}(?::?\d{2})?))?)?$/.test(s) ? s : yamlScalar(s);
}

/** Titles are one line: runs of white space (newlines included) become one space. */
export function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

/** `2024-06-01-database-failover.md` */
export function incidentFileName(date: string, title: string): string {
  return `${date}-${slugify(title, { max: MAX_TITLE_SLUG, fallback: 'incident' })}.md`;
}

/**
 * The day that names a new file: the day of its start in the zone whose days the site's pages and API count
 * (`display_timezone`, UTC unless set), so that the date in its name is the day its pages put it on.
 */
export function fileDate(ms: number, zone = 'UTC'): string {
  return dateIn(ms, zone);
}

/** "Now" as a timestamp for `started`: UTC, to the minute (never later than now). */
export function startedNow(now: number): string {
  return isoUtc(Math.floor(now / 60_000) * 60_000);
}

/** The template text: the project's `<root>/templates/<name>`, else ours (`incident.md` or `maintenance.md`). */
export async function loadScaffoldTemplate(root: string, name = SCAFFOLD_TEMPLATE): Promise<{ text: string; file: string; origin: 'user' | 'builtin' }> {
  const user = path.join(root, TEMPLATES_DIR, name);
  // The rule of every input path: a link out of the project is never read.
  const where = await resolveInput(root, `${TEMPLATES_DIR}/${name}`);
  if (!where.ok && 'refused' in where) throw new ProjectError(refusalMessage(`${TEMPLATES_DIR}/${name}`, where.refused));
  try {
    return { text: await readFile(user, 'utf8'), file: user, origin: 'user' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const builtin = path.join(BUILTIN_TEMPLATES_DIR, name);
  return { text: await readFile(builtin, 'utf8'), file: builtin, origin: 'builtin' };
}

/**
 * Render the scaffold. The template receives, as `it`: `title`, `summary`, `severity`, `started`, `services`
 * (an array), `firstService`, `rootCause` (a placeholder), all already YAML scalars; `detected`, `mitigated`,
 * `resolved` (YAML scalars, or null when not given); `draft`, `maintenance` (booleans); `timezone`;
 * `schema` (or null); `values` (the raw values); and `yaml(s)`, which writes any string as a YAML scalar.
 * No HTML escaping: the output is YAML and Markdown. Nothing is trimmed: end a line of logic with `-%>` to drop its newline.
 */
export function renderScaffold(template: string, v: ScaffoldValues): string {
  const eta = new Eta({ autoEscape: false, autoTrim: false, varName: 'it', useWith: false });
  const services = v.services.map(yamlScalar);
  const maintenance = v.severity === 'maintenance';
  const time = (s: string | undefined) => (s === undefined ? null : yamlTimestamp(s));
  return eta.renderString(template, {
    title: yamlScalar(v.title),
    summary: yamlScalar(v.summary ?? (maintenance ? MAINTENANCE_SUMMARY_PLACEHOLDER : SUMMARY_PLACEHOLDER)),
    severity: yamlScalar(v.severity),
    started: yamlTimestamp(v.started),
    detected: time(v.detected),
    mitigated: time(v.mitigated),
    resolved: time(v.resolved),
    rootCause: yamlScalar(ROOT_CAUSE_PLACEHOLDER),
    services,
    firstService: services[0] ?? 'api',
    draft: v.draft,
    maintenance,
    timezone: v.timezone,
    schema: v.schema,
    values: v,
    yaml: yamlScalar,
  });
}
