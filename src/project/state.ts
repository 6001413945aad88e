/**
 * The project as files → results: the one loader of `check`, `build` and `dev`.
 *
 * `load()` reads site.yaml, walks incidents/ and processes every file (through the build cache when there is
 * one, on worker threads as the processor decides). `result()` puts the files together with the rules across
 * files, exactly as every command reports them. `dev` keeps the state and applies changes to it:
 *
 * - an incident file edited: that file is read, parsed, validated and (when its text changed) rendered again;
 * - files added, renamed, deleted, or a folder moved: the tree is walked again (the same rules as `load`) and only
 *   paths not seen before are read; a file that merely moved keeps its text, so its HTML is found in the memo;
 * - `site.yaml`: every file is validated again from the text in memory, with the HTML memo: no file is read and
 *   no Markdown rendered again;
 * - time passing: a file whose result no longer holds at the new "now" (its validation window, see
 *   validate/now-window.ts, the same mechanism the build cache uses) is validated again, so warnings such as
 *   `overdue-action` and `long-ongoing` appear in a long `dev` session exactly when `check` would report them.
 */
import path from 'node:path';
import { lstat } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import type { Audience, IncidentHtml, SiteConfig } from '../core/model.js';
import { isPublicIncident } from '../core/audience.js';
import { fileDiagnostic, hasError, hasRule, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { ProjectError } from '../core/errors.js';
import { contentHash } from '../core/hash.js';
import { compareStrings } from '../core/compare.js';
import { CONFIG_FILE, decode, findIncidentFiles, INCIDENTS_DIR, listStaticFiles, MAX_FILE_BYTES, readConfigText, readLocaleFiles, readSource, readSourceSync, resolveInputSync, type SourceFile, type StaticFiles } from '../source/index.js';
import { checkAcrossFiles, configTextWithoutNotify, inWindow, loadConfig } from '../validate/index.js';
import { FileProcessor, htmlCacheKey, loadMarkdown, processSource, type FileContext, type FileJob, type FileResult } from '../process/index.js';
import { assemble, type ProjectResult } from './assemble.js';
import { BuildCache, cacheFolder, cacheKey, CACHE_DIR, type Blob, type FileStamp } from './cache.js';

/**
 * - `check`: validates; Markdown is not rendered (but for files large enough to be slow, see the processor).
 * - `build`: renders every valid incident's Markdown; through the build cache when asked.
 * - `dev`: as `build`, keeping every text and its HTML in memory so that changes cost what they touch.
 */
export type ProjectMode = 'check' | 'build' | 'dev';

export interface ProjectStateOptions {
  root: string;
  mode: ProjectMode;
  /** "Now", read at `load` and at every change (default: the clock). */
  now?: () => number;
  /** Drafts count as published (default: only in `dev`). */
  drafts?: boolean;
  /** Overrides base_url of site.yaml. */
  baseUrl?: string;
  /** Worker threads (default: one per core; `dev`: one). */
  jobs?: number;
  /** Time one file may take, ms (default 10 s; see process/budget.ts). */
  fileTimeoutMs?: number;
  /** `build`: reuse and store per-file results in <root>/.cache/postmortem/ (see cache.ts). */
  cache?: boolean;
  /** Overrides the tool identity in the cache key (tests). */
  cacheTool?: string;
  /** Called each time an incident's Markdown is actually rendered in `dev` (not found in the memo). */
  onRender?: (hash: string) => void;
}

/** What a batch of changes did. */
export interface ChangeSummary {
  /** Something that can change the site or its diagnostics changed. */
  changed: boolean;
  /** Incident files read or validated again, added or removed. */
  files: string[];
  config: boolean;
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
  /** Something changed under static/: list it again. */
  static?: boolean;
}

/** `dev`'s memo of rendered HTML by text: counts the renders (every miss stores what was just rendered). */
class HtmlMemo extends Map<string, IncidentHtml> {
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

export class ProjectState {
  readonly root: string;
  readonly mode: ProjectMode;
  readonly drafts: boolean;
  configText = '';
  /** The project's strings files (`locales/`), read with site.yaml and validated with it. */
  localeFiles: { file: string; text: string }[] = [];
  config: SiteConfig | null = null;
  configDiagnostics: Diagnostic[] = [];
  walkDiagnostics: Diagnostic[] = [];
  /** `static/`: its files and what is wrong with it. */
  statics: StaticFiles = { files: [], diagnostics: [] };
  /** One result per incident file, in walk (sorted) order. */
  readonly files = new Map<string, FileResult>();
  /** `dev`: the HTML of every text in memory, by `htmlCacheKey`. */
  readonly htmlCache: HtmlMemo;
  /** "Now" of the last load or change. */
  now: number;
  private readonly clock: () => number;
  private readonly processor: FileProcessor;
  /** `dev`: each file's HTML memo key, and how many files share each (to prune the memo). */
  private readonly memoKeys = new Map<string, string>();
  private readonly memoRefs = new Map<string, number>();
  private filesWithErrors = 0;
  private published = 0;
  private tagged = 0;
  /** Of them, the incidents of the public site (not internal, not near misses). */
  private publishedPublic = 0;
  private taggedPublic = 0;
  /** Set when the diagnostics of a file changed (or a file with diagnostics went); reset by `apply`. */
  private diagnosticsChanged = false;

  constructor(private readonly opts: ProjectStateOptions) {
    this.root = opts.root;
    this.mode = opts.mode;
    this.drafts = opts.drafts ?? opts.mode === 'dev';
    this.clock = opts.now ?? Date.now;
    this.now = this.clock();
    this.htmlCache = new HtmlMemo(opts.onRender);
    const jobs = opts.jobs ?? (opts.mode === 'dev' ? 1 : undefined);
    this.processor = new FileProcessor({ root: opts.root, ...(jobs !== undefined ? { jobs } : {}), ...(opts.fileTimeoutMs !== undefined ? { budgetMs: opts.fileTimeoutMs } : {}) });
  }

  get fileTimeoutMs(): number {
    return this.processor.budgetMs;
  }

  /** How many times `dev` rendered Markdown since the start (memo misses). */
  get renders(): number {
    return this.htmlCache.renders;
  }

  /** Stop the worker threads (a file being processed there is abandoned). */
  close(): Promise<void> {
    return this.processor.close();
  }

  /** Whether a file has an error of its own (with the configuration and the list of files unchanged, whether `result()` has one). */
  get hasFileErrors(): boolean {
    return this.filesWithErrors > 0;
  }

  /** Published incidents (drafts included when they count), and how many have tags: of the site of an audience. */
  get counts(): { published: number; tagged: number } {
    return { published: this.published, tagged: this.tagged };
  }
  countsFor(audience: Audience): { published: number; tagged: number } {
    return audience === 'internal' ? this.counts : { published: this.publishedPublic, tagged: this.taggedPublic };
  }

  /** The project as `check` and `build` see it: cross-file rules, sorted diagnostics. */
  result(): ProjectResult {
    return this.snapshot()();
  }

  /**
   * The result of the state as it is now, assembled on first use: later changes do not affect it (file results
   * are replaced, never changed in place).
   */
  snapshot(): () => ProjectResult {
    const args = [this.config, this.configText, this.configDiagnostics, this.walkDiagnostics, [...this.files.values()], this.statics, { root: this.root, sources: this.localeFiles }] as const;
    let result: ProjectResult | null = null;
    return () => (result ??= assemble(...args));
  }

  private context(): FileContext {
    const ctx: FileContext = { config: this.config, now: this.now, drafts: this.drafts, html: this.mode !== 'check' };
    if (this.mode === 'dev') ctx.htmlCache = this.htmlCache;
    return ctx;
  }

  /** Load everything: site.yaml and every incident file. Throws ProjectError without a readable site.yaml. */
  async load(): Promise<void> {
    this.now = this.clock();
    this.configText = await readConfigText(this.root);
    if (this.mode !== 'check') await loadMarkdown();
    this.readLocales();
    this.parseConfig();
    const { files, diagnostics } = await findIncidentFiles(this.root);
    this.walkDiagnostics = diagnostics;
    this.statics = await listStaticFiles(this.root);
    const cache = this.opts.cache && this.mode === 'build' && this.config ? cacheFolder(this.root) : null;
    const results = cache && 'dir' in cache ? await this.throughCache(files, cache.dir) : await this.process(files);
    for (const f of [...this.files.keys()]) this.forget(f);
    for (const r of results) this.setFile(r);
    await this.textsForFrames(files);
  }

  private localeDiagnostics: Diagnostic[] = [];

  private readLocales(): void {
    const { files, diagnostics } = readLocaleFiles(this.root);
    this.localeFiles = files;
    this.localeDiagnostics = diagnostics;
  }

  private parseConfig(): void {
    const { config, diagnostics } = loadConfig(this.configText, CONFIG_FILE, this.localeFiles);
    this.config = config && this.opts.baseUrl ? withBaseUrl(config, this.opts.baseUrl) : config;
    this.configDiagnostics = [...this.localeDiagnostics, ...diagnostics];
  }

  /**
   * What per-file results are made from besides their text: site.yaml but its `notify:` targets (not part of the
   * site), and the strings files (the HTML's few words).
   */
  private get configKeyText(): string {
    return [configTextWithoutNotify(this.configText), ...this.localeFiles.map((f) => `\0${f.file}\0${f.text}`)].join('');
  }

  /**
   * Process files. `dev` reads them here (it keeps every text); the other commands let the processor read them
   * where they are processed, keeping a text only when it has diagnostics (for their code frames).
   */
  private async process(files: readonly string[], known = new Map<string, string>()): Promise<FileResult[]> {
    if (this.mode !== 'dev') return this.processor.run(files.map((file) => ({ file })), this.context());
    const sources = await readAll(this.root, files.filter((f) => !known.has(f)));
    const jobs: (FileJob | FileResult)[] = files.map((file) => {
      const text = known.get(file);
      if (text !== undefined) return { file, text };
      const source = sources.get(file)!;
      return 'text' in source ? { file, text: source.text } : { file, incident: null, diagnostics: [source] };
    });
    const toRun = jobs.filter((j): j is FileJob => !('diagnostics' in j));
    const done = await this.processor.run(toRun, this.context());
    let k = 0;
    return jobs.map((j) => ('diagnostics' in j ? j : done[k++]!));
  }

  /**
   * `build` with the cache: every file hashed (from the cache when the file system says it did not change, else
   * by reading it), the results of unchanged texts reused, the others processed and stored.
   */
  private async throughCache(files: readonly string[], dir: string): Promise<FileResult[]> {
    const ctx = this.context();
    const cache = await BuildCache.open(dir, cacheKey({ configText: this.configKeyText, drafts: this.drafts, ...(this.opts.cacheTool ? { tool: this.opts.cacheTool } : {}) }));
    const results: FileResult[] = new Array(files.length);
    const misses: { i: number; hash: string; stamp: FileStamp | undefined; text: string }[] = [];
    const recompute = (file: string, hash: string) => () => this.recomputeBlob(file, hash, ctx);
    files.forEach((file, i) => {
      const st = statSync(path.join(this.root, file), { throwIfNoEntry: false });
      const stamp = st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, seen: Date.now() } : undefined;
      const known = stamp ? cache.unchangedHash(file, stamp) : undefined;
      const quick = known !== undefined ? cache.get(file, known, ctx.now, recompute(file, known)) : undefined;
      if (quick) return void (results[i] = quick);
      const source = readSourceSync(this.root, file);
      if (!('text' in source)) return void (results[i] = { file, incident: null, diagnostics: [source] });
      const hash = contentHash(source.text);
      const hit = cache.get(file, hash, ctx.now, recompute(file, hash));
      if (!hit) return void misses.push({ i, hash, stamp, text: source.text });
      results[i] = hit.diagnostics.length > 0 ? { ...hit, text: source.text } : hit;
      if (stamp) cache.restamp(file, hash, stamp);
    });
    const fresh = await this.processor.run(misses.map((m) => ({ file: files[m.i]!, text: m.text })), ctx);
    misses.forEach((m, k) => {
      const r = fresh[k]!;
      if (r.hash === m.hash) cache.set(files[m.i]!, m.hash, r, m.stamp);
      if (r.diagnostics.length === 0) delete r.text; // a large build does not hold every text
      results[m.i] = r;
    });
    cache.retain(new Set(files));
    await cache.save();
    return results;
  }

  /** The HTML and Markdown source of a cached incident whose stored copy cannot be read: from the file again. */
  private recomputeBlob(file: string, hash: string, ctx: FileContext): Blob {
    const source = readSourceSync(this.root, file);
    const r = 'text' in source && contentHash(source.text) === hash ? processSource(file, source.text, ctx) : null;
    if (!r?.incident || !r.html) throw new Error(`${file} changed during the build; build again`);
    return { html: r.html, body: r.incident.body };
  }

  /** A file named by a rule across files (a duplicate id) gets its text back, for the code frame. */
  private async textsForFrames(files: readonly string[]): Promise<void> {
    for (const d of checkAcrossFiles(files)) {
      const r = this.files.get(d.file);
      if (!r || r.text !== undefined) continue;
      const source = await readSource(this.root, d.file);
      if ('text' in source) this.files.set(d.file, { ...r, text: source.text });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keeping count (dev reads these after every change)

  private setFile(result: FileResult): void {
    // Count the new text before forgetting the old one, so that an unchanged text keeps its memoized HTML.
    const key = this.mode === 'dev' && result.text !== undefined ? htmlCacheKey(this.config, result.text) : undefined;
    if (key !== undefined) this.memoRefs.set(key, (this.memoRefs.get(key) ?? 0) + 1);
    this.release(result.file);
    const before = this.files.get(result.file);
    if (before) this.count(before, -1);
    if (before && !sameDiagnostics(before.diagnostics, result.diagnostics)) this.diagnosticsChanged = true;
    // Map.set on a known key keeps its place: the files stay in walk (sorted) order.
    this.files.set(result.file, result);
    this.count(result, 1);
    if (key !== undefined) this.memoKeys.set(result.file, key);
  }

  /** Drop a file and, when no other file has the same text, its memoized HTML. */
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
    if (hasError(r.diagnostics)) this.filesWithErrors += n;
    if (r.incident && (this.drafts || !r.incident.draft)) {
      this.published += n;
      if (r.incident.tags.length > 0) this.tagged += n;
      if (isPublicIncident(r.incident)) {
        this.publishedPublic += n;
        if (r.incident.tags.length > 0) this.taggedPublic += n;
      }
    }
  }

  private release(file: string): void {
    const key = this.memoKeys.get(file);
    if (key === undefined) return;
    this.memoKeys.delete(file);
    const n = (this.memoRefs.get(key) ?? 1) - 1;
    if (n > 0) this.memoRefs.set(key, n);
    else {
      this.memoRefs.delete(key);
      this.htmlCache.delete(key);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Changes (dev)

  /** Apply a batch of changes; then validate again every file whose result no longer holds at the new "now". */
  async apply(changes: Changes): Promise<ChangeSummary> {
    this.now = this.clock();
    const summary: ChangeSummary = { changed: false, files: [], config: false, rescanned: false, diagnostics: false };
    this.diagnosticsChanged = false;
    const files = new Set([...(changes.files ?? [])].filter((f) => f.startsWith(`${INCIDENTS_DIR}/`)));
    if (changes.config) {
      await this.reloadConfig();
      summary.config = true;
    }
    if (changes.static) {
      const before = JSON.stringify(this.statics.diagnostics);
      this.statics = await listStaticFiles(this.root);
      if (JSON.stringify(this.statics.diagnostics) !== before) this.diagnosticsChanged = true;
    }
    if (changes.rescan || [...files].some((f) => !this.files.has(f))) {
      // A path not known may be new (an event not seen as an addition): the walk decides.
      summary.files.push(...(await this.rescan(files)));
      summary.rescanned = true;
    } else {
      for (const f of files) if (await this.updateFile(f)) summary.files.push(f);
    }
    summary.files.push(...(await this.revalidate(this.expired(new Set(summary.files)))));
    summary.files = [...new Set(summary.files)].sort(compareStrings);
    summary.changed = summary.config || summary.files.length > 0;
    summary.diagnostics = this.diagnosticsChanged || summary.config || summary.rescanned;
    return summary;
  }

  /** Files whose result was valid for an earlier "now" only (not `skip`, just processed). */
  private expired(skip: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [file, r] of this.files) if (!skip.has(file) && !inWindow(r, this.now)) out.push(file);
    return out;
  }

  /** Read and process one incident file again (or drop it when it is gone). False when its text did not change. */
  private async updateFile(file: string): Promise<boolean> {
    // Read at once when nothing is wrong: no waiting behind the watcher's own file-system calls.
    const source = readNow(this.root, file) ?? (await readSource(this.root, file));
    if (!('text' in source) && source.rule === Rule.FileUnreadable.id && !(await exists(path.join(this.root, file)))) {
      this.forget(file);
      return true;
    }
    const before = this.files.get(file);
    if ('text' in source && before?.text === source.text && inWindow(before, this.now)) return false;
    const [result] = 'text' in source ? await this.processor.run([{ file, text: source.text }], this.context()) : [{ file, incident: null, diagnostics: [source] }];
    this.setFile(result!);
    return true;
  }

  /** Walk incidents/ again: read the files not seen before (and `reread`), drop the ones gone. Returns those paths. */
  private async rescan(reread: ReadonlySet<string>): Promise<string[]> {
    const { files, diagnostics } = await findIncidentFiles(this.root);
    this.walkDiagnostics = diagnostics;
    const listed = new Set(files);
    const toRead = files.filter((f) => !this.files.has(f) || reread.has(f));
    // New paths first, then forget the old ones: a moved file finds its HTML still in the memo.
    for (const r of await this.process(toRead)) this.setFile(r);
    const gone = [...this.files.keys()].filter((f) => !listed.has(f));
    for (const f of gone) this.forget(f);
    return [...toRead, ...gone];
  }

  /** site.yaml changed: read it and validate every file again (from memory; the HTML memo spares the rendering). */
  private async reloadConfig(): Promise<void> {
    try {
      this.configText = await readConfigText(this.root);
      this.readLocales();
      this.parseConfig();
    } catch (e) {
      if (!(e instanceof ProjectError)) throw e;
      this.configText = '';
      this.config = null;
      this.configDiagnostics = [fileDiagnostic(CONFIG_FILE, Rule.FileUnreadable, e.message)];
    }
    await this.revalidate([...this.files.keys()]);
  }

  /** Validate files again from their text in memory (not a file abandoned as too slow: its text did not change). */
  private async revalidate(files: readonly string[]): Promise<string[]> {
    const again = files.filter((f) => {
      const r = this.files.get(f);
      return r?.text !== undefined && !hasRule(r.diagnostics, Rule.FileTooSlow);
    });
    const texts = new Map(again.map((f) => [f, this.files.get(f)!.text!] as const));
    for (const r of await this.process(again, texts)) this.setFile(r);
    return again;
  }
}

/** Apply a `--base-url` override to the configuration. */
export function withBaseUrl(config: SiteConfig, baseUrl: string | undefined): SiteConfig {
  if (baseUrl === undefined) return config;
  const u = new URL(baseUrl);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { ...config, baseUrl: u.href, basePath: u.pathname };
}

/** Read files with bounded concurrency. */
async function readAll(root: string, files: readonly string[]): Promise<Map<string, SourceFile | Diagnostic>> {
  const out = new Map<string, SourceFile | Diagnostic>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      out.set(file, await readSource(root, file));
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
  return out;
}

/** A regular file of acceptable size, read synchronously; null when anything is unusual (then `readSource` says what). */
function readNow(root: string, file: string): SourceFile | Diagnostic | null {
  try {
    if (!resolveInputSync(root, file).ok) return null;
    const abs = path.join(root, file);
    const s = statSync(abs);
    if (!s.isFile() || s.size > MAX_FILE_BYTES) return null;
    return decode(file, readFileSync(abs));
  } catch {
    return null;
  }
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

export { CACHE_DIR };

export interface LoadOptions {
  /** "Now", ms. */
  now: number;
  /** Render each valid incident's Markdown (`build`); without, validate only (`check`). */
  html?: boolean;
  drafts?: boolean;
  jobs?: number;
  cache?: boolean;
  cacheTool?: string;
  fileTimeoutMs?: number;
  baseUrl?: string;
}

/** Load a project once, as `check` (or, with `html`, `build`) does. Throws ProjectError without a readable site.yaml. */
export async function loadProject(root: string, opts: LoadOptions): Promise<ProjectResult> {
  const { now, html, ...rest } = opts;
  const state = new ProjectState({ root, mode: html ? 'build' : 'check', now: () => now, ...rest });
  try {
    await state.load();
    return state.result();
  } finally {
    await state.close();
  }
}
