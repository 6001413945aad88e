/**
 * The scaffold of a new incident file: `templates/incident.md` (the user's `<root>/templates/incident.md`
 * replaces ours), rendered with eta. Values reach the template already written as YAML scalars, so a title
 * with quotes, colons or `#` cannot change the meaning of the frontmatter.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { Eta } from 'eta/core';
import { BUILTIN_TEMPLATES_DIR } from '../render/index.js';
import { slugify } from '../core/text.js';
import { isoUtc } from '../core/format.js';
import { TEMPLATES_DIR } from '../source/index.js';

export const SCAFFOLD_TEMPLATE = 'incident.md';
/** Longest slug of the title in a file name: the id (`YYYY-MM-DD-` + slug) is at most 100 characters. */
export const MAX_TITLE_SLUG = 100 - 'YYYY-MM-DD-'.length;
export const SUMMARY_PLACEHOLDER = 'Write one paragraph for readers: what customers saw, for how long, and whether it is over.';

export interface ScaffoldValues {
  title: string;
  severity: string;
  services: string[];
  /** As written by the user (or generated): a timestamp string. */
  started: string;
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

/** "Now" as a timestamp for `started`: UTC, to the minute (never later than now). */
export function startedNow(now: number): string {
  return isoUtc(Math.floor(now / 60_000) * 60_000);
}

/** The template text: the user's `<root>/templates/incident.md`, else ours. */
export async function loadScaffoldTemplate(root: string): Promise<{ text: string; file: string; origin: 'user' | 'builtin' }> {
  const user = path.join(root, TEMPLATES_DIR, SCAFFOLD_TEMPLATE);
  try {
    return { text: await readFile(user, 'utf8'), file: user, origin: 'user' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const builtin = path.join(BUILTIN_TEMPLATES_DIR, SCAFFOLD_TEMPLATE);
  return { text: await readFile(builtin, 'utf8'), file: builtin, origin: 'builtin' };
}

/**
 * Render the scaffold. The template receives, as `it`: `title`, `summary`, `severity`, `started`, `services`
 * (an array), `firstService`, all already YAML scalars; `draft`, `maintenance` (booleans); `timezone`;
 * `schema` (or null); `values` (the raw values); and `yaml(s)`, which writes any string as a YAML scalar.
 * No HTML escaping: the output is YAML and Markdown. Nothing is trimmed: end a line of logic with `-%>` to drop its newline.
 */
export function renderScaffold(template: string, v: ScaffoldValues): string {
  const eta = new Eta({ autoEscape: false, autoTrim: false, varName: 'it', useWith: false });
  const services = v.services.map(yamlScalar);
  return eta.renderString(template, {
    title: yamlScalar(v.title),
    summary: yamlScalar(SUMMARY_PLACEHOLDER),
    severity: yamlScalar(v.severity),
    started: yamlTimestamp(v.started),
    services,
    firstService: services[0] ?? 'api',
    draft: v.draft,
    maintenance: v.severity === 'maintenance',
    timezone: v.timezone,
    schema: v.schema,
    values: v,
    yaml: yamlScalar,
  });
}
