/**
 * Staging an import: the plan merged into the project in memory (new services appended to site.yaml, nothing
 * existing changed; each incident a new file, or an update of the file a previous import wrote and nobody has
 * edited since), every staged file checked as `check` would, and only then written. Ids and file names that
 * collide with existing ones get another name and are reported; no file the import did not write is touched.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isSeq, parseDocument } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ServiceConfig, SiteConfig } from '../core/model.js';
import { hasError } from '../core/diagnostic.js';
import { slugify } from '../core/text.js';
import { zoneFor } from '../core/time.js';
import { CONFIG_FILE, findIncidentFiles, INCIDENTS_DIR } from '../source/index.js';
import { idFromPath, loadConfig } from '../validate/index.js';
import { processSource } from '../process/index.js';
import type { ImportPlan, Note, PlannedService } from './plan.js';
import { incidentText, readMarker } from './writer.js';

/** What staging will do with one file. */
export interface StagedFile {
  /** Relative to the root, forward slashes. */
  file: string;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  /** The new text (absent for skip and unchanged). */
  text?: string;
  /** The current text, for an update (to restore it if the write fails half-way). */
  previous?: string;
  /** What the file is (`incident "Name"`), and why it is skipped. */
  what: string;
}

export interface Staged {
  files: StagedFile[];
  /** Services appended to site.yaml, with their ids. */
  newServices: ServiceConfig[];
  /** site.yaml created (true) or extended (false). */
  createdSite: boolean;
  /** Diagnostics `check` will report on the staged files (warnings only: an error stops the import). */
  diagnostics: Diagnostic[];
  notes: Note[];
  /** The time zone to offer when site.yaml exists with another one. */
  offerTimezone?: string;
  /** The time zone of the site.yaml created. */
  timezone?: string;
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    readonly sources: Map<string, string> = new Map(),
  ) {
    super(message);
  }
}

/** Stage `plan` into the project at `root` ("now": `now`, for the checks). Reads, never writes. */
export async function stage(root: string, plan: ImportPlan, now: number): Promise<Staged> {
  const notes: Note[] = [...plan.notes];
  const site = await readSite(root);
  const existing = site.config?.services ?? [];
  const { ids, newServices } = assignServiceIds(plan.services, existing, notes);
  const newSiteText = site.text === null ? newSiteYaml(plan, newServices, notes) : appendServices(site.text, newServices);
  const loaded = loadConfig(newSiteText);
  if (!loaded.config) throw new ImportError(`the ${CONFIG_FILE} the import would write does not load (a bug of the import; nothing was written)`, loaded.diagnostics, new Map([[CONFIG_FILE, newSiteText]]));
  const config = loaded.config;
  const files: StagedFile[] = [];
  if (site.text === null) files.push({ file: CONFIG_FILE, action: 'create', text: newSiteText, what: `${CONFIG_FILE} with ${newServices.length} services` });
  else if (newServices.length > 0) files.push({ file: CONFIG_FILE, action: 'update', text: newSiteText, previous: site.text, what: `${CONFIG_FILE}: ${newServices.length} services appended` });
  const incidentFiles = await stageIncidents(root, plan, (key) => ids.get(key)!, notes);
  files.push(...incidentFiles);
  const diagnostics = checkStaged(incidentFiles, config, now);
  const offerTimezone = site.config && plan.timezone && site.config.timezone !== plan.timezone && zoneFor(plan.timezone) ? plan.timezone : undefined;
  const staged: Staged = { files, newServices, createdSite: site.text === null, diagnostics, notes };
  if (offerTimezone) staged.offerTimezone = offerTimezone;
  if (site.text === null && config.timezone !== 'UTC') staged.timezone = config.timezone;
  return staged;
}

async function readSite(root: string): Promise<{ text: string | null; config: SiteConfig | null }> {
  let text: string;
  try {
    text = await readFile(path.join(root, CONFIG_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: null, config: null };
    throw new ImportError(`cannot read ${CONFIG_FILE}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const { config, diagnostics } = loadConfig(text);
  if (!config || hasError(diagnostics)) throw new ImportError(`${CONFIG_FILE} has errors; fix them before importing into this project (nothing was written)`, diagnostics, new Map([[CONFIG_FILE, text]]));
  return { text, config };
}

/**
 * Ids for the planned services: an existing service of the same name is that service (a re-run, or a service the
 * team already had); otherwise the slug of the name, with a suffix when it is taken (reported).
 */
function assignServiceIds(planned: readonly PlannedService[], existing: readonly ServiceConfig[], notes: Note[]): { ids: Map<string, string>; newServices: ServiceConfig[] } {
  const ids = new Map<string, string>();
  const taken = new Set(existing.map((s) => s.id));
  const newServices: ServiceConfig[] = [];
  for (const p of planned) {
    const same = existing.find((s) => s.name === p.name) ?? newServices.find((s) => s.name === p.name);
    if (same) {
      ids.set(p.key, same.id);
      continue;
    }
    const base = slugify(p.name, { max: 90, fallback: 'service' });
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    if (id !== base) notes.push({ where: `service "${p.name}"`, message: `the id "${base}" is taken by another service in ${CONFIG_FILE}; imported as "${id}"` });
    taken.add(id);
    ids.set(p.key, id);
    const service: ServiceConfig = { id, name: p.name };
    if (p.group) service.group = p.group;
    if (p.description) service.description = p.description;
    if (p.since) service.since = p.since;
    newServices.push(service);
  }
  return { ids, newServices };
}

/** A service as one line of site.yaml: `{ id: api, name: API, group: Core }`, quoted where YAML needs it. */
function serviceLine(s: ServiceConfig): string {
  const doc = new Document({ ...s });
  (doc.contents as { flow?: boolean }).flow = true;
  return doc.toString({ lineWidth: 0 }).trim();
}

function newSiteYaml(plan: ImportPlan, services: readonly ServiceConfig[], notes: Note[]): string {
  const head = new Document({ title: (plan.title ?? 'Status').slice(0, 200) || 'Status' });
  let text = `# Created by \`postmortem import\` from ${plan.source}.\n${head.toString({ lineWidth: 0 })}`;
  if (plan.timezone) {
    if (zoneFor(plan.timezone)) text += `timezone: ${plan.timezone}\n`;
    else notes.push({ where: plan.source, message: `the time zone "${plan.timezone}" is not an IANA name; ${CONFIG_FILE} was created without one (UTC)` });
  }
  if (services.length === 0) throw new ImportError(`the ${plan.source} source has no component or system, and ${CONFIG_FILE} needs at least one service`);
  return `${text}services:\n${services.map((s) => `  - ${serviceLine(s)}\n`).join('')}`;
}

/** site.yaml's text with services appended to its `services` list, every other byte as it was. */
export function appendServices(text: string, services: readonly ServiceConfig[]): string {
  if (services.length === 0) return text;
  const doc = parseDocument(text);
  const seq = doc.get('services', true);
  if (!isSeq(seq) || !seq.range) throw new ImportError(`${CONFIG_FILE} has no services list to append to`);
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range[1]);
    const sep = seq.items.length ? ', ' : '';
    return `${text.slice(0, close)}${sep}${services.map(serviceLine).join(', ')}${text.slice(close)}`;
  }
  const start = seq.range[0];
  const indent = start - (text.lastIndexOf('\n', start - 1) + 1);
  const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] } | undefined;
  let at = text.indexOf('\n', Math.max(start, (last?.range?.[1] ?? seq.range[1]) - 1));
  if (at === -1) at = text.length;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = services.map((s) => `${eol}${' '.repeat(indent)}- ${serviceLine(s)}`).join('');
  const before = text.slice(0, at).replace(/\r$/, '');
  return before + lines + text.slice(before.length);
}

/** Each planned incident as a file: an update of the one a previous import wrote, or a new file with a free name. */
async function stageIncidents(root: string, plan: ImportPlan, serviceId: (key: string) => string, notes: Note[]): Promise<StagedFile[]> {
  const { files: existing } = await findIncidentFiles(root);
  const byKey = new Map<string, { file: string; text: string }>();
  const takenIds = new Set(existing.map(idFromPath));
  const fromProject = new Set(takenIds);
  for (const file of existing) {
    const text = await readFile(path.join(root, ...file.split('/')), 'utf8').catch(() => null);
    const marker = text === null ? null : readMarker(text);
    if (marker && text !== null) byKey.set(marker.key, { file, text });
  }
  const out: StagedFile[] = [];
  for (const inc of plan.incidents) {
    const what = `${inc.severity === 'maintenance' ? 'maintenance' : 'incident'} "${inc.title}"`;
    const prior = byKey.get(inc.key);
    if (prior) {
      const marker = readMarker(prior.text)!;
      const text = incidentText(inc, serviceId, plan.source);
      if (!marker.pristine) {
        notes.push({ where: prior.file, message: `edited since it was imported; left as it is (delete it to import it again)` });
        out.push({ file: prior.file, action: 'skip', what: `${what}: edited since it was imported` });
      } else if (text === prior.text.replace(/\r\n/g, '\n')) out.push({ file: prior.file, action: 'unchanged', what });
      else out.push({ file: prior.file, action: 'update', text, previous: prior.text, what });
      continue;
    }
    const base = slugify(inc.name, { max: 90, fallback: 'incident' });
    let id = base;
    for (let n = 2; takenIds.has(id); n++) id = `${base}-${n}`;
    if (id !== base) {
      const why = fromProject.has(base) ? `the project already has an incident with the id "${base}"` : `another imported incident has the name "${base}"`;
      notes.push({ where: what, message: `${why}; written as ${INCIDENTS_DIR}/${id}.md` });
    }
    takenIds.add(id);
    out.push({ file: `${INCIDENTS_DIR}/${id}.md`, action: 'create', text: incidentText(inc, serviceId, plan.source), what });
  }
  return out;
}

/** `check`'s verdict on every staged incident file: an error is a bug of the import and stops it. */
function checkStaged(files: readonly StagedFile[], config: SiteConfig, now: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const f of files) {
    if (f.text === undefined || !f.file.endsWith('.md')) continue;
    const r = processSource(f.file, f.text, { config, now, drafts: false, html: false });
    diagnostics.push(...r.diagnostics);
    sources.set(f.file, f.text);
  }
  if (hasError(diagnostics)) {
    throw new ImportError('an imported file would not pass `check` (a bug of the import, please report it); nothing was written', diagnostics.filter((d) => d.severity === 'error'), sources);
  }
  return diagnostics;
}
