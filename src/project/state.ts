/**
 * Incremental project state for `dev`: the configuration, one `FileResult` per incident file, the HTML
 * rendered from their Markdown (cached by content hash) and the renderer. A change re-reads and re-validates
 * only what it touches:
 *
 * - an incident file edited: that file is read, parsed, validated and (when its text changed) rendered again;
 * - files added, renamed, deleted, or a folder moved: the tree is walked again (the same rules as `check`:
 *   `_`/`.` names skipped, links kept inside the root) and only paths not seen before are read; a file that
 *   merely moved keeps its text, so its Markdown is found in the cache and not rendered again;
 * - `site.yaml`: every file is validated again against the new configuration, from the text in memory and
 *   with the HTML cache, so no file is read and no Markdown is rendered again;
 * - `templates/`: a new renderer; nothing is validated again.
 *
 * `result()` puts the files together with the same `assemble` as `check` and `build`, so `dev` reports exactly
 * the diagnostics they do.
 *
 * Every file is processed within the per-file time budget (budget.ts): usual files on this thread as before,
 * files large enough for a known slow Markdown shape to come near the budget on a worker thread (started on
 * first use, kept for the next ones), which is terminated and replaced when a file runs past it. Such a file is
 * `file-too-slow` until its text changes; the server keeps serving meanwhile.
 */
import path from 'node:path';
import { lstat } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic, Incident, IncidentHtml, SiteConfig, SiteModel } from '../core/model.js';
import { CONFIG_FILE, loadConfig } from '../validate/config.js';
import { decode, findIncidentFiles, INCIDENTS_DIR, MAX_FILE_BYTES, readSource, type SourceFile } from '../source/files.js';
import { assemble, htmlCacheKey, loadMarkdown, processSource, ProjectError, readAll, readConfigText, type FileContext, type FileResult, type ProjectResult } from './load.js';
import { buildSiteModel } from '../site/model.js';
import { createRenderer, type Renderer } from '../render/pages.js';
import { withBaseUrl } from '../pipeline/build.js';
import { counts } from '../core/diagnostics.js';
import { DEFAULT_FILE_TIMEOUT_MS, inThreadLimit } from '../process/budget.js';
import { FileWorkers } from '../process/pool.js';

export interface ProjectStateOptions {
  /** Project root (holds site.yaml). */
  root: string;
  /** Drafts count as published (default true: `dev` shows drafts). */
  drafts?: boolean;
  /** "Now", read at every change (default: the clock). */
  now?: () => number;
  /** Overrides base_url of site.yaml. */
  baseUrl?: string;
  /** Called each time an incident's Markdown is actually rendered (not found in the cache). */
  onRender?: (hash: string) => void;
  /** Time one file may take, in ms (default 10 s; see budget.ts): larger files are processed on a worker under it. */
  fileTimeoutMs?: number;
}

/** The HTML cache: counts the renders (every cache miss stores what was just rendered). */
class HtmlCache extends Map<string, IncidentHtml> {
  renders = 0;
  constructor(private readonly onRender?: (hash: string) => void) {
    super();
  }
  override set(hash: string, html: IncidentHtml): this {
    this.renders++;
    this.onRender?.(hash);
    return super.set(hash, html);
  }
}

/** What a batch of changes did. */
export interface ChangeSummary {
  /** Something that can change the site or its diagnostics changed. */
  changed: boolean;
  /** Incident files read again, added or removed. */
  files: string[];
  config: boolean;
  templates: boolean;
  /** incidents/ was walked again (files may have appeared or gone). */
  rescanned: boolean;
  /** The diagnostics of a file changed. */
  diagnostics: boolean;
}

/** A batch of file-system changes, as paths relative to the root with forward slashes. */
export interface Changes {
  /** Incident files whose content may have changed. */
  files?: Iterable<string>;
  /** Files may have appeared or disappeared under incidents/: walk it again. */
  rescan?: boolean;
  config?: boolean;
  templates?: boolean;
}

function isIncidentPath(rel: string): boolean {
  return rel.startsWith(`${INCIDENTS_DIR}/`);
}

export class ProjectState {
  readonly root: string;
  readonly drafts: boolean;
  private readonly clock: () => number;
  private readonly baseUrl: string | undefined;

  configText = '';
  config: SiteConfig | null = null;
  configDiagnostics: Diagnostic[] = [];
  walkDiagnostics: Diagnostic[] = [];
  readonly files = new Map<string, FileResult>();
  /** Content hash of each file's text, and how many files share each hash (to prune the cache). */
  private readonly hashes = new Map<string, string>();
  private readonly hashRefs = new Map<string, number>();
  private filesWithErrors = 0;
  /** Files with a diagnostic that depends on "now". */
  private readonly timely = new Set<string>();
  private published = 0;
  private tagged = 0;
  /** Set when the diagnostics of a file changed (or a file with diagnostics went); reset by `apply`. */
  private diagnosticsChanged = false;
  readonly htmlCache: HtmlCache;
  renderer: Renderer | null = null;
  /** Why the templates could not be loaded (the previous renderer, if any, is kept). */
  templateError: Diagnostic | null = null;
  /** "Now" of the last change. */
  now: number;
  readonly fileTimeoutMs: number;
  /** The worker for files too large to process on this thread within the budget (started on first use). */
  private workers: FileWorkers | null = null;
  private closed = false;

  constructor(opts: ProjectStateOptions) {
    this.root = opts.root;
    this.drafts = opts.drafts ?? true;
    this.clock = opts.now ?? Date.now;
    this.baseUrl = opts.baseUrl;
    this.htmlCache = new HtmlCache(opts.onRender);
    this.now = this.clock();
    this.fileTimeoutMs = opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS;
  }

  /** Stop the worker, if any (a file being processed there is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers;
    this.workers = null;
    await workers?.close();
  }

  /** How many times Markdown was rendered since the start (cache misses). */
  get renders(): number {
    return this.htmlCache.renders;
  }

  private context(): FileContext {
    return { config: this.config, now: this.now, drafts: this.drafts, html: true, htmlCache: this.htmlCache };
  }

  /** Read site.yaml; a missing or unreadable file is a diagnostic, not an exception (it may come back). */
  private async readConfig(): Promise<void> {
    try {
      this.configText = await readConfigText(this.root);
    } catch (e) {
      if (!(e instanceof ProjectError)) throw e;
      this.configText = '';
      this.config = null;
      this.configDiagnostics = [{ file: CONFIG_FILE, line: 1, column: 1, severity: 'error', rule: 'file-unreadable', message: e.message }];
      return;
    }
    this.parseConfig();
  }

  private parseConfig(): void {
    const { config, diagnostics } = loadConfig(this.configText);
    this.config = config && this.baseUrl ? withBaseUrl(config, this.baseUrl) : config;
    this.configDiagnostics = diagnostics;
  }

  private setFile(result: FileResult): void {
    // Count the new text before forgetting the old one, so that an unchanged text keeps its cached HTML.
    const h = result.text !== undefined ? htmlCacheKey(this.config, result.text) : undefined;
    if (h !== undefined) this.hashRefs.set(h, (this.hashRefs.get(h) ?? 0) + 1);
    this.release(result.file);
    const before = this.files.get(result.file);
    if (before) this.count(before, -1);
    if (before && !sameDiagnostics(before.diagnostics, result.diagnostics)) this.diagnosticsChanged = true;
    // Map.set on a known key keeps its place: the files stay in walk (sorted) order, so sorting them is cheap.
    this.files.set(result.file, result);
    this.count(result, 1);
    if (h !== undefined) this.hashes.set(result.file, h);
  }

  /** Drop a file and, when no other file has the same text, its cached HTML. */
  private forget(file: string): void {
    const before = this.files.get(file);
    if (before) {
      this.count(before, -1);
      if (before.diagnostics.length) this.diagnosticsChanged = true;
    }
    this.files.delete(file);
    this.release(file);
  }

  private count(r: FileResult, n: 1 | -1): void {
    if (r.diagnostics.some((d) => d.severity === 'error')) this.filesWithErrors += n;
    if (r.diagnostics.some((d) => d.rule === 'future-time')) {
      if (n > 0) this.timely.add(r.file);
      else this.timely.delete(r.file);
    }
    if (r.incident && (this.drafts || !r.incident.draft)) {
      this.published += n;
      if (r.incident.tags.length > 0) this.tagged += n;
    }
  }

  /**
   * Whether a file has an error of its own. With the configuration and the list of files unchanged since a
   * result without error, this is exactly whether `result()` would have an error: nothing else can change.
   */
  get hasFileErrors(): boolean {
    return this.filesWithErrors > 0;
  }

  /** Published incidents (drafts included when they count), and how many have tags. */
  get counts(): { published: number; tagged: number } {
    return { published: this.published, tagged: this.tagged };
  }

  /**
   * The result of the state as it is now, assembled on first use: later changes do not affect it
   * (file results are replaced, never changed in place).
   */
  snapshot(): () => ProjectResult {
    const args = [this.config, this.configText, this.configDiagnostics, this.walkDiagnostics, [...this.files.values()]] as const;
    let result: ProjectResult | null = null;
    return () => (result ??= assemble(...args));
  }

  /** Stop counting a file's text; its cached HTML goes when no file has that text any more. */
  private release(file: string): void {
    const h = this.hashes.get(file);
    if (h === undefined) return;
    this.hashes.delete(file);
    const n = (this.hashRefs.get(h) ?? 1) - 1;
    if (n > 0) this.hashRefs.set(h, n);
    else {
      this.hashRefs.delete(h);
      this.htmlCache.delete(h);
    }
  }

  private process(file: string, source: Awaited<ReturnType<typeof readSource>>): FileResult | Promise<FileResult> {
    return 'text' in source ? this.processText(file, source.text) : { file, incident: null, diagnostics: [source] };
  }

  /**
   * `processSource` within the time budget: on this thread when the text is small enough for every known slow
   * shape to stay well within it (every usual file: no added latency), else on the worker, whose result (HTML
   * included) goes into the cache as `processSource` would have put it.
   */
  private processText(file: string, text: string): FileResult | Promise<FileResult> {
    const ctx = this.context();
    if (text.length <= inThreadLimit(this.fileTimeoutMs, true)) return processSource(file, text, ctx);
    const key = htmlCacheKey(ctx.config, text);
    // With its HTML cached, only the frontmatter is parsed: linear work, allowed on this thread up to a larger size.
    if (ctx.config !== null && this.htmlCache.has(key) && text.length <= inThreadLimit(this.fileTimeoutMs, false)) return processSource(file, text, ctx);
    if (this.closed) return Promise.reject(new Error('the project state is closed'));
    this.workers ??= new FileWorkers({ threads: 1, budgetMs: this.fileTimeoutMs, html: true });
    return this.workers.run({ file, text }, { root: this.root, config: ctx.config, now: ctx.now, drafts: ctx.drafts, html: ctx.html }).then((r) => {
      if (r.html && !this.htmlCache.has(key)) this.htmlCache.set(key, r.html);
      return r;
    });
  }

  /** Load everything: site.yaml, every incident file, the templates. Throws ProjectError without site.yaml. */
  async load(): Promise<void> {
    await loadMarkdown();
    this.now = this.clock();
    this.configText = await readConfigText(this.root);
    this.parseConfig();
    const { files, diagnostics } = await findIncidentFiles(this.root);
    this.walkDiagnostics = diagnostics;
    const sources = await readAll(this.root, files);
    for (const f of [...this.files.keys()]) this.forget(f);
    const results = await Promise.all(files.map((file, i) => this.process(file, sources[i]!)));
    for (const r of results) this.setFile(r);
    await this.reloadTemplates();
  }

  /** Read and process one incident file again (or drop it when it is gone). False when its text did not change. */
  async updateFile(file: string): Promise<boolean> {
    // Read at once when nothing is wrong: no waiting behind the watcher's own file-system calls.
    const source = readNow(this.root, file) ?? (await readSource(this.root, file));
    if (!('text' in source) && source.rule === 'file-unreadable' && !(await exists(path.join(this.root, file)))) {
      this.removeFile(file);
      return true;
    }
    const before = this.files.get(file);
    if ('text' in source && before?.text === source.text && !before.diagnostics.some((d) => d.rule === 'future-time')) return false;
    this.setFile(await this.process(file, source));
    return true;
  }

  removeFile(file: string): void {
    this.forget(file);
  }

  /**
   * Walk incidents/ again: read the files not seen before, drop the ones gone. `reread` are paths whose
   * content may have changed too. Returns the paths read or dropped.
   */
  async rescan(reread: ReadonlySet<string> = new Set()): Promise<string[]> {
    const { files, diagnostics } = await findIncidentFiles(this.root);
    this.walkDiagnostics = diagnostics;
    const listed = new Set(files);
    const toRead = files.filter((f) => !this.files.has(f) || reread.has(f));
    const sources = await readAll(this.root, toRead);
    // New paths first, then forget the old ones: a moved file finds its HTML still in the cache.
    const results = await Promise.all(toRead.map((file, i) => this.process(file, sources[i]!)));
    for (const r of results) this.setFile(r);
    const gone = [...this.files.keys()].filter((f) => !listed.has(f));
    for (const f of gone) this.forget(f);
    return [...toRead, ...gone].sort();
  }

  /** site.yaml changed: read it and validate every file again (from memory; the HTML cache spares the rendering). */
  async reloadConfig(): Promise<void> {
    await this.readConfig();
    await this.revalidate([...this.files.keys()]);
  }

  /** Validate files again from their text in memory (not a file abandoned as too slow: its text did not change). */
  private async revalidate(files: readonly string[]): Promise<void> {
    const again = files.map((f) => this.files.get(f)).filter((r): r is FileResult & { text: string } => r?.text !== undefined && !tooSlow(r));
    const results = await Promise.all(again.map((r) => this.processText(r.file, r.text)));
    for (const r of results) this.setFile(r);
  }

  /** Templates changed: a new renderer (nothing is validated again). On failure the previous one is kept. */
  async reloadTemplates(): Promise<void> {
    try {
      this.renderer = await createRenderer({ root: this.root });
      this.templateError = null;
    } catch (e) {
      this.templateError = {
        file: 'templates',
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'template-error',
        message: `the templates could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'fix the template; until then the previous templates are used',
      };
    }
  }

  /** Apply a batch of changes. */
  async apply(changes: Changes): Promise<ChangeSummary> {
    const previousNow = this.now;
    this.now = this.clock();
    const summary: ChangeSummary = { changed: false, files: [], config: false, templates: false, rescanned: false, diagnostics: false };
    this.diagnosticsChanged = false;
    const files = new Set([...(changes.files ?? [])].filter(isIncidentPath));
    if (changes.config) {
      await this.reloadConfig();
      summary.config = true;
      summary.changed = true;
    }
    if (changes.rescan) {
      summary.files.push(...(await this.rescan(files)));
      summary.rescanned = true;
    } else {
      for (const f of files) {
        if (this.files.has(f)) {
          if (await this.updateFile(f)) summary.files.push(f);
        } else {
          // Not known: maybe new (an event we did not see as an addition); the walk decides.
          summary.files.push(...(await this.rescan(files)));
          summary.rescanned = true;
          break;
        }
      }
    }
    if (!changes.config && this.now !== previousNow && this.timely.size > 0) {
      // Diagnostics that depend on "now" (a start in the future) may have gone away as time passed.
      const again = [...this.timely].filter((f) => !summary.files.includes(f));
      await this.revalidate(again);
      summary.files.push(...again.filter((f) => !this.files.get(f)!.diagnostics.some((d) => d.rule === 'future-time')));
    }
    if (changes.templates) {
      await this.reloadTemplates();
      summary.templates = true;
      summary.changed = true;
    }
    if (summary.files.length) summary.changed = true;
    summary.files = [...new Set(summary.files)].sort();
    summary.diagnostics = this.diagnosticsChanged || summary.config || summary.rescanned;
    return summary;
  }

  /** The project as `check` and `build` see it: cross-file rules, sorted diagnostics. */
  result(): ProjectResult {
    return assemble(this.config, this.configText, this.configDiagnostics, this.walkDiagnostics, [...this.files.values()]);
  }
}

/** A regular file of acceptable size, read synchronously; null when anything is unusual (then `readSource` says what). */
function readNow(root: string, file: string): SourceFile | Diagnostic | null {
  try {
    const abs = path.join(root, file);
    const s = statSync(abs);
    if (!s.isFile() || s.size > MAX_FILE_BYTES) return null;
    return decode(file, readFileSync(abs));
  } catch {
    return null;
  }
}

function tooSlow(r: FileResult): boolean {
  return r.diagnostics.some((d) => d.rule === 'file-too-slow');
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const e = b[i]!;
    return d.line === e.line && d.column === e.column && d.rule === e.rule && d.severity === e.severity && d.message === e.message;
  });
}

async function exists(abs: string): Promise<boolean> {
  return lstat(abs).then(
    () => true,
    () => false,
  );
}

/** Longest age of a model's "now" for it to be patched rather than built again (`dev` reads the clock). */
export const PATCH_MAX_AGE_MS = 60_000;

/**
 * A model exact for incident pages after some incident files were edited, in O(edited) instead of O(all):
 * the base model with the views of the edited incidents replaced. Only incident pages may be rendered from it
 * (its lists, services, tags and actions are those of the base). Null when that would not be exact: the set
 * of incidents changed, an edited incident moved in the order (its `started` or its file changed), the
 * configuration changed, the Tags link of the navigation would appear or disappear, or `base` is too old.
 */
export function patchIncidentModel(
  base: SiteModel,
  project: { config: SiteConfig; published: number; tagged: number },
  edited: readonly FileResult[],
  now: number,
  drafts: boolean,
): SiteModel | null {
  if (base.config !== project.config || now - base.now > PATCH_MAX_AGE_MS || now < base.now) return null;
  if (project.published !== base.incidents.length) return null;
  if (base.tags.size > 0 !== project.tagged > 0) return null;
  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  for (const r of edited) {
    const inc = r.incident;
    if (!inc || (inc.draft && !drafts)) return null;
    const old = base.byId.get(inc.id);
    if (!old || old.started !== inc.started || old.file !== inc.file) return null;
    incidents.push(inc);
    if (r.html) html.set(inc.id, r.html);
  }
  if (incidents.length === 0) return base;
  const fresh = buildSiteModel(project.config, incidents, {
    now: base.now,
    drafts,
    html: (incident) => html.get(incident.id) ?? { bodyHtml: '', rootCauseHtml: '', timelineHtml: [] },
  });
  const list = base.incidents.slice();
  const byId = new Map(base.byId);
  for (const view of fresh.incidents) {
    const old = base.byId.get(view.id)!;
    const patched = Object.assign(view, { prevId: old.prevId, nextId: old.nextId });
    list[list.indexOf(old)] = patched;
    byId.set(view.id, patched);
  }
  return { ...base, incidents: list, byId };
}

/** A project result that can be published: a configuration and no error. */
export function publishable(result: ProjectResult): result is ProjectResult & { config: SiteConfig } {
  return result.config !== null && counts(result.diagnostics).errors === 0;
}

/** The site model of a publishable result (linear in the number of incidents; no Markdown is rendered). */
export function siteModel(result: ProjectResult & { config: SiteConfig }, now: number, drafts: boolean): SiteModel {
  return buildSiteModel(result.config, result.incidents, {
    now,
    drafts,
    html: (incident) => result.html.get(incident.id) ?? { bodyHtml: '', rootCauseHtml: '', timelineHtml: [] },
  });
}
