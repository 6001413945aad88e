/**
 * `postmortem new <title>`: write `incidents/YYYY-MM-DD-<slug>.md` from the scaffold template (`maintenance.md`
 * for planned work). The file is named after the UTC day of its start, the day its page shows. The text is
 * validated exactly as `check` would before anything is written: a bad option is reported as that option (the
 * file it would have gone into does not exist), and nothing is written. An existing file is never overwritten.
 * What is left to write (the template's placeholders) is listed after the path.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { counts, type Diagnostic } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { displayZone, type SiteConfig } from '../../core/model.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { Rule } from '../../core/rules.js';
import { say } from '../../core/terminal.js';
import { parseTimestamp } from '../../core/time.js';
import { CONFIG_FILE, findIncidentFiles, INCIDENTS_DIR, readConfigText, readLocaleFiles, refusalMessage, resolveInput } from '../../source/index.js';
import { idFromPath, loadConfig, SLUG_PATTERN } from '../../validate/index.js';
import { processSource } from '../../process/index.js';
import {
  fileDate, incidentFileName, loadScaffoldTemplate, MAINTENANCE_TEMPLATE, normalizeTitle, renderScaffold, SCAFFOLD_TEMPLATE, startedNow, type ScaffoldValues,
} from '../../scaffold/index.js';
import type { Values } from '../options.js';

const MAX_ID = 100;

export async function runNew(root: string, rawTitle: string, values: Values, io: Io): Promise<number> {
  const title = normalizeTitle(rawTitle);
  if (title === '') throw new ProjectError('the title is empty; e.g. postmortem new "Database failover"');
  const now = buildTime(io.env);
  const config = await siteConfig(root, io);
  if (!config) return 1;

  const scaffold = scaffoldValues(title, values, config, now);
  const file = `${INCIDENTS_DIR}/${fileName(values, title, scaffold.started, config, now)}`;
  const abs = path.join(root, ...file.split('/'));
  const shown = path.relative(io.cwd, abs) || abs;
  const schemaFile = path.join(root, 'schema', 'incident.schema.json');
  scaffold.schema = (await exists(schemaFile)) ? path.relative(path.dirname(abs), schemaFile).split(path.sep).join('/') : null;

  const template = await loadScaffoldTemplate(root, scaffold.severity === 'maintenance' ? MAINTENANCE_TEMPLATE : SCAFFOLD_TEMPLATE);
  const templateShown = path.relative(io.cwd, template.file) || template.file;
  let text: string;
  try {
    text = renderScaffold(template.text, scaffold);
  } catch (e) {
    io.err(say`postmortem new: the template ${templateShown} could not be rendered: ${e instanceof Error ? e.message : String(e)}` + '\nNothing was written.\n');
    return 1;
  }

  // Validate as `check` would, before writing anything.
  const { diagnostics } = processSource(file, text, { config, now, drafts: false, html: false });
  if (counts(diagnostics).errors > 0) {
    io.err(explainErrors(diagnostics, text, values, { file, template: templateShown, color: io.color }));
    io.err('postmortem new: nothing was written.\n');
    return 1;
  }
  const refusal = await refuseClash(root, file, shown);
  if (refusal) {
    io.err(`postmortem new: ${refusal}\n`);
    return 1;
  }
  // Never written through a link out of the project (the rule of every input path).
  const folder = await resolveInput(root, INCIDENTS_DIR);
  if (!folder.ok && 'refused' in folder) throw new ProjectError(refusalMessage(`${INCIDENTS_DIR}/`, folder.refused).replace('refusing to read it', 'refusing to write there'));
  await mkdir(path.dirname(abs), { recursive: true });
  try {
    await writeFile(abs, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    io.err(say`postmortem new: ${shown} already exists; refusing to overwrite it.\n`);
    return 1;
  }
  io.out(say`${shown}\n`);
  reportWritten(diagnostics, text, file, io);
  return 0;
}

async function siteConfig(root: string, io: Io): Promise<SiteConfig | null> {
  const configText = await readConfigText(root);
  const { config, diagnostics } = loadConfig(configText, CONFIG_FILE, readLocaleFiles(root).files);
  if (config) return config;
  io.err(formatReport({ diagnostics, sources: new Map([[CONFIG_FILE, configText]]), fileCount: 0 }, 'text', io.color));
  io.err(`postmortem new: ${CONFIG_FILE} has errors; nothing was written.\n`);
  return null;
}

const option = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

/** The values the template receives (its schema path is set once the file's place is known). */
function scaffoldValues(title: string, values: Values, config: SiteConfig, now: number): ScaffoldValues {
  const severityOption = option(values.severity);
  if (values.maintenance === true && severityOption !== undefined && severityOption !== 'maintenance') {
    throw new ProjectError(`--maintenance is planned work, of severity maintenance; found also --severity ${severityOption}`);
  }
  const services = option(values.services)?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [config.services[0]!.id];
  const v: ScaffoldValues = {
    title,
    severity: values.maintenance === true ? 'maintenance' : (severityOption ?? 'minor'),
    services,
    started: option(values.started) ?? startedNow(now),
    draft: values.draft === true,
    timezone: config.timezone,
    schema: null,
  };
  for (const key of ['detected', 'mitigated', 'resolved'] as const) {
    const t = option(values[key]);
    if (t !== undefined) v[key] = t;
  }
  if (typeof values.summary === 'string') v.summary = values.summary.replace(/\s+/g, ' ').trim();
  return v;
}

/** `--id`, else the day of the start (in the display zone, see fileDate) and `--slug` or the title's slug. */
function fileName(values: Values, title: string, started: string, config: SiteConfig, now: number): string {
  const id = option(values.id);
  const slug = option(values.slug);
  if (id !== undefined && slug !== undefined) throw new ProjectError('give --id (the whole name) or --slug (the part after the date), not both');
  const parsed = parseTimestamp(started, config.timezone);
  // An unreadable start is reported by validation; the name then uses today.
  const date = fileDate(parsed.ok ? parsed.value : now, displayZone(config));
  const valid = (s: string) => new RegExp(SLUG_PATTERN).test(s);
  if (id !== undefined) {
    if (!valid(id) || id.length > MAX_ID) throw new ProjectError(`--id must be lowercase letters, digits and single hyphens, at most ${MAX_ID} characters (the file name without .md, e.g. 2024-06-01-database-failover); found "${id}"`);
    return `${id}.md`;
  }
  if (slug !== undefined) {
    const max = MAX_ID - `${date}-`.length;
    if (!valid(slug) || slug.length > max) throw new ProjectError(`--slug must be lowercase letters, digits and single hyphens, at most ${max} characters (the name after the date, e.g. database-failover); found "${slug}"`);
    return `${date}-${slug}.md`;
  }
  return incidentFileName(date, title);
}

/** Why the file must not be written: it exists, or another file has its id. */
async function refuseClash(root: string, file: string, shown: string): Promise<string | null> {
  if (await exists(path.join(root, ...file.split('/')))) return say`${shown} already exists; refusing to overwrite it. Choose another title (or --slug), or edit that file.`;
  const id = idFromPath(file);
  const { files } = await findIncidentFiles(root);
  const clash = files.find((f) => idFromPath(f) === id);
  return clash ? say`${clash} already has the id "${id}" (ids are file names, unique across incidents/); choose another title or --slug.` : null;
}

/** The option each frontmatter key comes from. */
const KEY_OPTION: Record<string, string> = {
  title: 'the title',
  summary: '--summary',
  severity: '--severity',
  started: '--started',
  detected: '--detected',
  mitigated: '--mitigated',
  resolved: '--resolved',
  services: '--services',
};

/** The top-level frontmatter key whose block holds a line (1-based) of the text, if any. */
export function keyAtLine(text: string, line: number): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  if (line < 2 || line > lines.length) return undefined;
  for (let i = line - 1; i >= 1; i--) {
    const l = lines[i]!;
    if (l === '---') return undefined;
    const m = /^([A-Za-z_][\w-]*)[ \t]*:/.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Errors of a file that was not written: each one about a value given on the command line is told as that
 * option; the others came from the template, shown with its code frame under a name that says so.
 */
function explainErrors(diagnostics: Diagnostic[], text: string, values: Values, where: { file: string; template: string; color: boolean }): string {
  const out: string[] = [];
  const rest: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const key = keyAtLine(text, d.line);
    const name = key === 'severity' && values.maintenance === true ? '--maintenance' : key !== undefined ? KEY_OPTION[key] : undefined;
    if (name === undefined || key === undefined) {
      rest.push(d);
      continue;
    }
    const given = key === 'title' ? undefined : option(values[key]);
    out.push(say`postmortem new: ${name}${given !== undefined ? ` ${JSON.stringify(given)}` : ''}: ${d.message} [${d.rule}]` + '\n' + (d.hint ? say`  help: ${d.hint}` + '\n' : ''));
  }
  if (rest.length > 0) {
    const label = `${where.file} (from ${where.template}; not written)`;
    const relabelled = rest.map((d) => ({ ...d, file: label }));
    out.push(formatReport({ diagnostics: relabelled, sources: new Map([[label, text]]), fileCount: 1 }, 'text', where.color));
  }
  return out.join('');
}

/** After writing: the warnings as `check` prints them, and the placeholders left to write as a short list. */
function reportWritten(diagnostics: Diagnostic[], text: string, file: string, io: Io): void {
  const placeholders = diagnostics.filter((d) => d.rule === Rule.TemplatePlaceholder.id);
  const others = diagnostics.filter((d) => d.rule !== Rule.TemplatePlaceholder.id);
  if (others.length > 0) io.err(formatReport({ diagnostics: others, sources: new Map([[file, text]]), fileCount: 1 }, 'text', io.color));
  if (placeholders.length === 0) return;
  const lines = text.split(/\r\n|\r|\n/);
  const width = String(Math.max(...placeholders.map((d) => d.line))).length;
  const items = placeholders.map((d) => {
    const src = (lines[d.line - 1] ?? '').trim();
    const label = src.startsWith('#') ? src : src.slice(0, Math.max(0, src.indexOf(':'))) || src;
    return say`  line ${String(d.line).padStart(width)}  ${label}`;
  });
  io.err(`To write before it is published (until then \`check\` warns: ${Rule.TemplatePlaceholder.id}):\n${items.join('\n')}\n`);
}

async function exists(abs: string): Promise<boolean> {
  return access(abs).then(
    () => true,
    () => false,
  );
}
