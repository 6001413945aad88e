/**
 * cState (a Hugo site) → an import plan. The site's config (`hugo.toml|yaml|yml|json` or `config.*`, TOML read with
 * smol-toml) gives the title, the time zone Hugo reads dates in, and the systems and categories (services and
 * groups); each `content/issues/*.md` (YAML, TOML or JSON front matter) becomes an incident: `date`, `resolved`,
 * `resolvedWhen`, `severity` (down, disrupted, notice), `affected` systems by name, `informational`, and the body's
 * `*Status* - text {{< track "time" >}}` updates as timeline entries. Real sites are messy: what has no faithful
 * mapping is reported by file and line.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml, TomlDate } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { DateTime } from 'luxon';
import type { IncidentStatus, MaintenanceStatus, Severity } from '../core/model.js';
import { isoUtc } from '../core/format.js';
import { slugify } from '../core/text.js';
import { zoneFor } from '../core/time.js';
import { MAX_FILE_BYTES } from '../source/index.js';
import { FetchError } from './http.js';
import type { ImportPlan, Note, PlannedEntry, PlannedIncident, PlannedService } from './plan.js';
import { clip, oneLine, summaryFrom } from './text.js';

const CONFIG_NAMES = ['hugo.toml', 'hugo.yaml', 'hugo.yml', 'hugo.json', 'config.toml', 'config.yaml', 'config.yml', 'config.json'];

type Obj = Record<string, unknown>;

/** A value of a Hugo map by key, case-insensitively (Hugo's keys are). */
function get(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Parse TOML, YAML or JSON text, with errors that say the file, line and column. */
function parseData(text: string, format: 'toml' | 'yaml' | 'json', where: string, lineOffset = 0): unknown {
  try {
    if (format === 'toml') return parseToml(text);
    if (format === 'json') return JSON.parse(text);
    return parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const err = e as Error & { line?: number; column?: number; linePos?: { line: number; col: number }[] };
    const line = err.line ?? err.linePos?.[0]?.line;
    const col = err.column ?? err.linePos?.[0]?.col;
    const at = line !== undefined ? `:${line + lineOffset}${col !== undefined ? `:${col}` : ''}` : '';
    throw new FetchError(`${where}${at}: not valid ${format.toUpperCase()}: ${oneLine(err.message.split('\n')[0] ?? '')}`);
  }
}

interface Site {
  dir: string;
  config: string;
  title?: string;
  timezone: string;
  baseUrl?: string;
  contentDir: string;
  services: PlannedService[];
}

async function readSite(dir: string, notes: Note[]): Promise<Site> {
  let found: string | undefined;
  for (const name of CONFIG_NAMES) {
    if (await stat(path.join(dir, name)).then((s) => s.isFile(), () => false)) {
      found = name;
      break;
    }
  }
  if (!found) throw new FetchError(`${dir}: no Hugo config (${CONFIG_NAMES.join(', ')}); give the folder of a cState site`);
  const text = await readFile(path.join(dir, found), 'utf8');
  const format = found.endsWith('.toml') ? 'toml' : found.endsWith('.json') ? 'json' : 'yaml';
  const config = parseData(text, format, found);
  const params = get(config, 'params');
  const tz = str(get(config, 'timeZone'));
  let timezone = 'UTC';
  if (tz && zoneFor(tz)) timezone = tz;
  else if (tz) notes.push({ where: found, message: `timeZone "${tz}" is not an IANA name; dates were read in UTC` });
  const site: Site = { dir, config: found, timezone, contentDir: str(get(config, 'contentDir')) ?? 'content', services: systems(params, found, text, notes) };
  const title = str(get(config, 'title'));
  if (title) site.title = title;
  const base = str(get(config, 'baseURL'));
  if (base && /^https?:\/\//i.test(base)) site.baseUrl = base.replace(/\/*$/, '/');
  return site;
}

/** `params.systems` in the order cState shows them (by category), the category as the group unless untitled. */
function systems(params: unknown, file: string, text: string, notes: Note[]): PlannedService[] {
  const list = get(params, 'systems');
  if (!Array.isArray(list) || list.length === 0) throw new FetchError(`${file}: no params.systems; a cState site lists its systems there`);
  const categories = (Array.isArray(get(params, 'categories')) ? (get(params, 'categories') as unknown[]) : []).map((c) => ({ name: str(get(c, 'name')), untitled: get(c, 'untitled') === true }));
  const order = (s: unknown) => {
    const i = categories.findIndex((c) => c.name === str(get(s, 'category')));
    return i < 0 ? categories.length : i;
  };
  const out: PlannedService[] = [];
  list
    .map((s, i) => ({ s, i }))
    .sort((a, b) => order(a.s) - order(b.s) || a.i - b.i)
    .forEach(({ s }) => {
      const name = str(get(s, 'name'));
      if (!name) {
        notes.push({ where: `${file}:${lineOf(text, /^\s*(-\s*)?name\s*[:=]/)}`, message: 'a system without a name; left out' });
        return;
      }
      if (out.some((o) => o.key === name)) return;
      const service: PlannedService = { key: name, name };
      const category = categories.find((c) => c.name === str(get(s, 'category')));
      if (category?.name && !category.untitled) service.group = category.name;
      const description = str(get(s, 'description'));
      if (description) service.description = oneLine(description);
      out.push(service);
    });
  return out;
}

/** 1-based line of the first match in `text`, or 1. */
function lineOf(text: string, re: RegExp): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

// ---------------------------------------------------------------------------------------------
// Issues

interface IssueFile {
  /** Relative to the Hugo site, forward slashes. */
  rel: string;
  front: Obj;
  /** Raw front matter text and the line its first key is on (for notes). */
  frontText: string;
  frontLine: number;
  body: string;
  bodyLine: number;
}

async function listIssues(site: Site): Promise<string[]> {
  const root = path.join(site.dir, site.contentDir, 'issues');
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith('.md') && e.name !== '_index.md') out.push(path.relative(site.dir, p).split(path.sep).join('/'));
    }
  }
  await walk(root);
  return out;
}

async function readIssue(site: Site, rel: string): Promise<IssueFile> {
  const abs = path.join(site.dir, ...rel.split('/'));
  const size = (await stat(abs)).size;
  if (size > MAX_FILE_BYTES) throw new FetchError(`${rel} is ${size} bytes, over the 1 MiB limit of an incident file`);
  const text = (await readFile(abs, 'utf8')).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^(---|\+\+\+)[ \t]*\n([\s\S]*?)\n\1[ \t]*(?:\n|$)/.exec(text) ?? /^(\{)([\s\S]*?\n\})[ \t]*(?:\n|$)/.exec(text);
  if (!m) throw new FetchError(`${rel}:1: no front matter (--- YAML ---, +++ TOML +++ or a JSON object) at the top of the file`);
  const format = m[1] === '+++' ? 'toml' : m[1] === '{' ? 'json' : 'yaml';
  const frontText = m[1] === '{' ? `{${m[2]}` : m[2]!;
  const front = parseData(frontText, format, rel, format === 'json' ? 0 : 1);
  if (!front || typeof front !== 'object' || Array.isArray(front)) throw new FetchError(`${rel}:2: the front matter must be a mapping of keys (title, date, …)`);
  const bodyStart = m[0].length;
  return { rel, front: front as Obj, frontText, frontLine: 2, body: text.slice(bodyStart), bodyLine: text.slice(0, bodyStart).split('\n').length };
}

/** The line of a front-matter key, for notes. */
function keyLine(f: IssueFile, key: string): string {
  const i = f.frontText.split('\n').findIndex((l) => new RegExp(`^\\s*["']?${key}["']?\\s*[:=]`, 'i').test(l));
  return `${f.rel}:${i < 0 ? 1 : f.frontLine + i}`;
}

/**
 * A Hugo date: a TOML date-time, or a string such as `2017-12-17 16:24:00`, `2024-12-27T09:43:40.482Z` or
 * `2024-02-24`; without an offset it is a local time in the site's zone (as Hugo reads it).
 */
function readDate(v: unknown, zone: string): number | null {
  if (v instanceof TomlDate) {
    if (v.isTime()) return null;
    if (!v.isLocal()) return v.getTime();
    const iso = v.toISOString().replace(/Z$/, '');
    return readDate(v.isDate() ? iso.slice(0, 10) : iso, zone);
  }
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : null;
  const s = str(v);
  if (!s) return null;
  const normalized = s.replace(' ', 'T').replace(/\s+/g, '');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalized);
  const dt = DateTime.fromISO(normalized, hasZone ? { setZone: true } : { zone });
  return dt.isValid ? dt.toMillis() : null;
}

const SEVERITY: Record<string, { severity: Severity }> = { down: { severity: 'critical' }, disrupted: { severity: 'major' }, notice: { severity: 'notice' } };

const INCIDENT_WORDS: Record<string, IncidentStatus | null> = {
  investigating: 'investigating', investigation: 'investigating', identified: 'identified', monitoring: 'monitoring',
  resolved: 'resolved', fixed: 'resolved', solved: 'resolved', closed: 'resolved', recovered: 'resolved', completed: 'resolved',
  postmortem: 'postmortem', 'post-mortem': 'postmortem', 'post mortem': 'postmortem',
  update: null, updated: null, info: null, information: null, note: null, notice: null,
};
const MAINTENANCE_WORDS: Record<string, MaintenanceStatus | null> = {
  scheduled: 'scheduled', planned: 'scheduled', 'in progress': 'in_progress', 'in-progress': 'in_progress', started: 'in_progress', ongoing: 'in_progress',
  verifying: 'verifying', completed: 'completed', complete: 'completed', done: 'completed', finished: 'completed', resolved: 'completed', fixed: 'completed',
  update: null, updated: null, info: null, information: null, note: null, notice: null,
};

const TRACK = /\{\{[<%]\s*track\s+"([^"]*)"\s*[>%]\}\}/;
const SHORTCODE = /\{\{[<%]\s*\/?\s*([\w-]+)/g;
const PREFIX = /^\s*(\*\*|\*|__|_)([^*_\n]{1,40}?)\1\s*(?:[-–—:]\s*)?/;

interface Block {
  text: string;
  line: number;
}

/** The body's blocks (separated by blank lines or `---` rules), with the line each starts on. */
function blocks(body: string, firstLine: number): Block[] {
  const out: Block[] = [];
  let current: string[] = [];
  let start = firstLine;
  body.split('\n').forEach((line, i) => {
    const rule = /^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(line);
    if (line.trim() === '' || rule) {
      if (current.length) out.push({ text: current.join('\n'), line: start });
      current = [];
      return;
    }
    if (!current.length) start = firstLine + i;
    current.push(line);
  });
  if (current.length) out.push({ text: current.join('\n'), line: start });
  return out;
}

interface ParsedBody {
  entries: PlannedEntry[];
  narrative: string;
}

function parseBody(f: IssueFile, maintenance: boolean, zone: string, notes: Note[]): ParsedBody {
  const entries: PlannedEntry[] = [];
  const narrative: string[] = [];
  for (const b of blocks(f.body, f.bodyLine)) {
    const where = `${f.rel}:${b.line}`;
    for (const m of b.text.matchAll(SHORTCODE)) if (m[1] !== 'track') notes.push({ where, message: `the Hugo shortcode "${m[1]}" has no equivalent; kept as text` });
    const track = TRACK.exec(b.text);
    const prefix = PREFIX.exec(b.text);
    if (!track) {
      const hasText = prefix !== null && b.text.trim().length > prefix[0].trim().length;
      if (prefix && hasText && wordStatus(prefix[2]!, maintenance) !== undefined) notes.push({ where, message: `the update "${oneLine(prefix[2]!)}" has no {{< track >}} time; kept in the write-up` });
      narrative.push(b.text);
      continue;
    }
    const at = readDate(track[1], zone);
    if (at === null) {
      notes.push({ where, message: `{{< track "${track[1]}" >}} is not a date; the update is kept in the write-up` });
      narrative.push(b.text.replace(TRACK, '').trim());
      continue;
    }
    entries.push(entryOf(b, at, prefix, maintenance, where, notes));
  }
  return { entries: entries.sort((a, b) => a.at - b.at), narrative: narrative.join('\n\n') };
}

/** The status of a free-form word: a status, null (a plain update), or undefined (not a word cState uses). */
function wordStatus(word: string, maintenance: boolean): IncidentStatus | MaintenanceStatus | null | undefined {
  const w = oneLine(word).toLowerCase().replace(/[.!:]+$/, '');
  return maintenance ? MAINTENANCE_WORDS[w] : INCIDENT_WORDS[w];
}

function entryOf(b: Block, at: number, prefix: RegExpExecArray | null, maintenance: boolean, where: string, notes: Note[]): PlannedEntry {
  let text = b.text.replace(TRACK, '').trim();
  let status: IncidentStatus | MaintenanceStatus | null | undefined;
  if (prefix) {
    const word = oneLine(prefix[2]!);
    status = wordStatus(word, maintenance);
    text = text.slice(prefix[0].length - (b.text.length - b.text.trimStart().length)).trim();
    if (status === undefined) {
      const other = wordStatus(word, !maintenance);
      notes.push({ where, message: other !== undefined && other !== null ? `"${word}" is not a status of ${maintenance ? 'maintenance' : 'an incident'}; kept in the text, without a status` : `the free-form status "${word}" has no equivalent; kept in the text, without a status` });
      text = `**${word}**: ${text}`;
    }
  }
  const entry: PlannedEntry = { at, text: text || (prefix ? oneLine(prefix[2]!) : 'Update') };
  if (status) entry.status = status;
  return entry;
}

function planIssue(f: IssueFile, site: Site, now: number, notes: Note[]): PlannedIncident | null {
  const fm = f.front;
  const section = str(get(fm, 'section'));
  if (section !== 'issue') {
    notes.push({ where: keyLine(f, 'section'), message: section ? `section is "${section}", not "issue": cState does not list it; left out` : 'no `section: issue`: cState does not list it; left out' });
    return null;
  }
  const title = str(get(fm, 'title'));
  const started = readDate(get(fm, 'date'), site.timezone);
  if (started === null) {
    notes.push({ where: keyLine(f, 'date'), message: get(fm, 'date') === undefined ? 'no `date`; left out' : `date "${String(get(fm, 'date'))}" is not a date; left out` });
    return null;
  }
  const informational = get(fm, 'informational') === true;
  const future = started > now;
  const maintenance = future;
  if (future) notes.push({ where: keyLine(f, 'date'), message: `dated in the future (${isoUtc(started)}): imported as scheduled maintenance, the only kind of incident that may be ahead of time` });
  const severity = severityOf(f, informational, maintenance, notes);
  const { entries, narrative } = parseBody(f, maintenance, site.timezone, notes);
  const services = affected(f, site, notes);
  const resolution = resolutionOf(f, started, entries, informational, maintenance, site.timezone, now, notes);
  if (resolution.recoveredAt !== undefined) {
    const changes = Object.fromEntries(services.map((s) => [s.key, 'operational' as const]));
    const existing = entries.find((e) => e.at === resolution.recoveredAt);
    if (existing) existing.impact = changes;
    else entries.push({ at: resolution.recoveredAt, text: 'Impact ended (`resolvedWhen`); the issue was still open at the source.', impact: changes });
    entries.sort((a, b) => a.at - b.at);
  }
  const name = path.posix.basename(f.rel, '.md');
  const planned: PlannedIncident = {
    key: `cstate:${f.rel}`,
    name: slugify(name, { max: 90, fallback: 'issue' }),
    title: clip(title ?? name, 200),
    summary: summaryFrom([...narrative.split(/\n\n/).filter((p) => !PREFIX.test(p) && !/\{\{[<%]/.test(p)), ...entries.map((e) => e.text)].map(plainText), title ?? name),
    severity,
    started,
    services: services.map((s) => (s.impact ? { key: s.key, impact: s.impact } : { key: s.key })),
    timeline: entries,
    links: site.baseUrl ? [{ title: 'On the former cState page', url: `${site.baseUrl}issues/${encodeURIComponent(name)}/`, kind: 'status' }] : [],
    body: narrative.replace(/^\s+|\s+$/g, ''),
  };
  if (!title) notes.push({ where: keyLine(f, 'title'), message: `no title; called "${name}"` });
  if (resolution.resolved !== undefined) planned.resolved = resolution.resolved;
  if (get(fm, 'draft') === true) planned.draft = true;
  return planned;
}

function severityOf(f: IssueFile, informational: boolean, maintenance: boolean, notes: Note[]): Severity {
  if (maintenance) return 'maintenance';
  if (informational) return 'notice';
  const raw = str(get(f.front, 'severity'));
  const known = raw ? SEVERITY[raw.toLowerCase()] : undefined;
  if (known) return known.severity;
  notes.push({ where: keyLine(f, 'severity'), message: raw ? `severity "${raw}" is not down, disrupted or notice; imported as a notice` : 'no severity; imported as a notice (no change of status)' });
  return 'notice';
}

/** The systems an issue affects, by name; none known: every service, without changing their status. */
function affected(f: IssueFile, site: Site, notes: Note[]): { key: string; impact?: 'operational' }[] {
  const raw = get(f.front, 'affected');
  const names = Array.isArray(raw) ? raw.map((x) => String(x).trim()) : typeof raw === 'string' ? [raw.trim()] : [];
  const keys: string[] = [];
  for (const n of names) {
    if (site.services.some((s) => s.key === n)) {
      if (!keys.includes(n)) keys.push(n);
    } else notes.push({ where: keyLine(f, 'affected'), message: `affects "${n}", which is not among the systems of ${site.config}; left out` });
  }
  if (keys.length) return keys.map((key) => ({ key }));
  notes.push({ where: keyLine(f, names.length ? 'affected' : 'title'), message: `${names.length ? 'affects no known system' : 'has no `affected` systems'}: listed under every service without changing their status (impact: operational)` });
  return site.services.map((s) => ({ key: s.key, impact: 'operational' as const }));
}

/**
 * When impact ended: `resolvedWhen` when resolved (else the last resolving update, else the last update);
 * informational posts end when they start. `resolved: false` with a past `resolvedWhen` stays ongoing, its services
 * back to operational from then on (an impact phase).
 */
function resolutionOf(f: IssueFile, started: number, entries: readonly PlannedEntry[], informational: boolean, maintenance: boolean, zone: string, now: number, notes: Note[]): { resolved?: number; recoveredAt?: number } {
  const when = readDate(get(f.front, 'resolvedWhen'), zone);
  if (get(f.front, 'resolvedWhen') !== undefined && when === null) notes.push({ where: keyLine(f, 'resolvedWhen'), message: `resolvedWhen "${String(get(f.front, 'resolvedWhen'))}" is not a date; ignored` });
  const isResolved = get(f.front, 'resolved') === true;
  if (maintenance) return when !== null && when > started ? { resolved: when } : {};
  if (informational) return { resolved: when !== null && when >= started && when <= now ? when : started };
  const lastResolving = [...entries].reverse().find((e) => e.status === 'resolved');
  if (isResolved) {
    if (when !== null && when >= started && when <= now) {
      if (lastResolving && lastResolving.at > when) notes.push({ where: keyLine(f, 'resolvedWhen'), message: `resolvedWhen (${isoUtc(when)}) is earlier than the last Resolved update (${isoUtc(lastResolving.at)}); kept resolvedWhen as the end of impact` });
      return { resolved: when };
    }
    const fallback = Math.min(now, Math.max(started, lastResolving?.at ?? entries[entries.length - 1]?.at ?? started));
    notes.push({ where: keyLine(f, when === null ? 'resolved' : 'resolvedWhen'), message: `${when === null ? 'resolved without resolvedWhen' : `resolvedWhen (${isoUtc(when)}) is ${when < started ? 'before the issue\'s date' : 'in the future'}`}; impact taken to end at ${isoUtc(fallback)}` });
    return { resolved: fallback };
  }
  if (when !== null && when > started && when <= now) {
    notes.push({ where: keyLine(f, 'resolvedWhen'), message: `resolved is false but resolvedWhen (${isoUtc(when)}) is past: imported as ongoing, its services back to operational from then on; add \`resolved:\` once it is over` });
    return { recoveredAt: when };
  }
  return {};
}

/** Markdown of a summary candidate as plain words: no emphasis markers, links as their text, no shortcodes. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\{\{[<%][\s\S]*?[>%]\}\}/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|_|`)(\S(?:[\s\S]*?\S)?)\1/g, '$2');
}

/** Notes in file order, then line order. */
function byPlace(a: Note, b: Note): number {
  const [fa, la] = a.where.split(/:(?=\d+$)/);
  const [fb, lb] = b.where.split(/:(?=\d+$)/);
  return fa! < fb! ? -1 : fa! > fb! ? 1 : Number(la ?? 0) - Number(lb ?? 0);
}

/** A cState site at `dir` → an import plan ("now": for future-dated posts). */
export async function cstatePlan(dir: string, now: number): Promise<ImportPlan> {
  const notes: Note[] = [];
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new FetchError(`${dir} is not a folder; give the folder of a cState (Hugo) site`);
  const site = await readSite(dir, notes);
  const incidents: PlannedIncident[] = [];
  for (const rel of await listIssues(site)) {
    const planned = planIssue(await readIssue(site, rel), site, now, notes);
    if (planned) incidents.push(planned);
  }
  const plan: ImportPlan = { source: 'cState', services: site.services, incidents, notes: notes.sort(byPlace), remarks: [], timezone: site.timezone };
  if (site.title) plan.title = site.title;
  return plan;
}
