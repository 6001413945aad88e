/**
 * A project on disk → validation result: reads site.yaml and every incident file, parses and validates them,
 * and (for builds) renders each incident's Markdown while its tree is at hand, so nothing is parsed twice.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Diagnostic, Incident, IncidentHtml, SiteConfig, ValidationResult } from '../core/model.js';
import { CONFIG_FILE, loadConfig } from '../validate/config.js';
import { decode, findIncidentFiles, readSource, readSourceSync } from '../source/files.js';
import { parseIncidentText } from '../parse/document.js';
import { checkAcrossFiles, validateDocument } from '../validate/incident.js';
import { sortDiagnostics } from '../core/diagnostics.js';

export interface LoadOptions {
  /** Build time, ms. */
  now: number;
  /** Render each valid incident's HTML too (builds); `check` does not need it. */
  html?: boolean;
  /** Drafts count as published. */
  drafts?: boolean;
  /** Threads that parse and render files (default: the available parallelism; 1: this thread only). */
  jobs?: number;
  /** Reuse and store per-file results in <root>/.cache/postmortem/ (see cache.ts). */
  cache?: boolean;
  /** Overrides the tool identity in the cache key (tests). */
  cacheTool?: string;
  /** Time one file may take, ms (`--file-timeout`; default 10 s; see budget.ts). */
  fileTimeoutMs?: number;
}

export interface ProjectResult extends ValidationResult {
  html: Map<string, IncidentHtml>;
  /** Hash of the text each incident was read from, by id (see `contentHash`). */
  sourceHashes: Map<string, string>;
}

/** Thrown when the root has no readable site.yaml: the command cannot run at all (exit 2). */
export class ProjectError extends Error {}

/** "Now" for a build: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock. */
export function buildTime(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && s.trim() !== '') {
    if (!/^\d+$/.test(s.trim())) throw new ProjectError(`SOURCE_DATE_EPOCH must be a whole number of seconds; found "${s}"`);
    return Number(s.trim()) * 1000;
  }
  return Date.now();
}

export async function readConfigText(root: string): Promise<string> {
  try {
    return await readFile(path.join(root, CONFIG_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProjectError(
      code === 'ENOENT'
        ? `no ${CONFIG_FILE} in ${root}; run postmortem in the folder that holds ${CONFIG_FILE} and incidents/, or pass --root DIR`
        : `cannot read ${path.join(root, CONFIG_FILE)}: ${code ?? String(e)}`,
    );
  }
}

/** What one incident file yields: its diagnostics and, when valid, the incident and its HTML. */
export interface FileResult {
  file: string;
  /** The text read (absent when the file could not be read or decoded). */
  text?: string;
  incident: Incident | null;
  diagnostics: Diagnostic[];
  html?: IncidentHtml;
  /** The result holds for "now" in [nowFrom, nowUntil) (absent: any now); see NowWindow in validate.ts. */
  nowFrom?: number;
  nowUntil?: number;
  /** Hash of the text processed (set by `processFile`, for the cache). */
  hash?: string;
}

export interface FileContext {
  config: SiteConfig | null;
  now: number;
  drafts: boolean;
  /** Render HTML for valid incidents. */
  html: boolean;
  /** HTML already rendered, by content hash: a file whose text did not change is not rendered again. */
  htmlCache?: Map<string, IncidentHtml>;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * The key of a file's rendered HTML: its text, and the site's zone, because the order of the timeline
 * (and so its HTML) depends on the zone local times are read in.
 */
export function htmlCacheKey(config: SiteConfig | null, text: string): string {
  return contentHash(`${config?.timezone ?? ''}\0${text}`);
}

/** Parse, validate and (optionally) render one incident file. Pure but for the optional cache. */
type RenderIncidentHtml = typeof import('../markdown/markdown.js').renderIncidentHtml;
let renderIncidentHtml: RenderIncidentHtml | undefined;

/**
 * Load the Markdown → HTML pipeline (remark-rehype, rehype-sanitize, …). Only builds need it, so `check`
 * never pays for loading it; call this before `processSource` with `html: true`.
 */
export async function loadMarkdown(): Promise<void> {
  renderIncidentHtml ??= (await import('../markdown/markdown.js')).renderIncidentHtml;
}

export function processSource(file: string, text: string, ctx: FileContext): FileResult {
  const hash = ctx.html && ctx.htmlCache ? htmlCacheKey(ctx.config, text) : undefined;
  const cached = hash !== undefined ? ctx.htmlCache!.get(hash) : undefined;
  const doc = parseIncidentText(file, text);
  if (!ctx.config) return { file, text, incident: null, diagnostics: doc.diagnostics };
  const window = { from: -Infinity, until: Infinity };
  const result = validateDocument(doc, { config: ctx.config, now: ctx.now, drafts: ctx.drafts, nowWindow: window });
  const out: FileResult = { file, text, incident: result.incident, diagnostics: result.diagnostics };
  if (window.from !== -Infinity) out.nowFrom = window.from;
  if (window.until !== Infinity) out.nowUntil = window.until;
  if (result.incident && ctx.html) {
    if (!cached && !renderIncidentHtml) throw new Error('processSource: call loadMarkdown() before asking for HTML');
    out.html = cached ?? renderIncidentHtml!(result.incident);
    if (hash !== undefined && !cached) ctx.htmlCache!.set(hash, out.html);
  }
  return out;
}

/** Put per-file results together: cross-file rules, sorted diagnostics, the incidents and their HTML. */
export function assemble(
  config: SiteConfig | null,
  configText: string,
  configDiagnostics: readonly Diagnostic[],
  walkDiagnostics: readonly Diagnostic[],
  results: readonly FileResult[],
): ProjectResult {
  const sorted = [...results].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const sources = new Map<string, string>([[CONFIG_FILE, configText]]);
  const diagnostics: Diagnostic[] = [...configDiagnostics, ...walkDiagnostics, ...checkAcrossFiles(sorted.map((r) => r.file))];
  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  const sourceHashes = new Map<string, string>();
  for (const r of sorted) {
    if (r.text !== undefined) sources.set(r.file, r.text);
    diagnostics.push(...r.diagnostics);
    if (r.incident) {
      incidents.push(r.incident);
      if (r.html) html.set(r.incident.id, r.html);
      if (r.hash !== undefined) sourceHashes.set(r.incident.id, r.hash);
    }
  }
  return { config, incidents, diagnostics: sortDiagnostics(diagnostics), fileCount: sorted.length, sources, html, sourceHashes };
}

/**
 * Read and process one file, keeping its text only when it has diagnostics (for their code frames): a build
 * of a large project does not hold every source text in memory.
 */
export async function processFile(root: string, file: string, ctx: FileContext): Promise<FileResult> {
  const source = await readSource(root, file);
  if (!('text' in source)) return { file, incident: null, diagnostics: [source] };
  const result = processSource(file, source.text, ctx);
  result.hash = contentHash(source.text);
  if (result.diagnostics.length === 0) delete result.text;
  return result;
}

export async function loadProject(root: string, opts: LoadOptions): Promise<ProjectResult> {
  const configText = await readConfigText(root);
  if (opts.html) await loadMarkdown();
  const { config, diagnostics: configDiagnostics } = loadConfig(configText);
  const { files, diagnostics: walkDiagnostics } = await findIncidentFiles(root);
  const ctx: FileContext = { config, now: opts.now, drafts: opts.drafts ?? false, html: opts.html ?? false };
  const { processFiles } = await import('../process/pool.js');
  let results: FileResult[];
  if (opts.cache && config) {
    const { BuildCache, cacheKey, textHash } = await import('./cache.js');
    type FileStamp = import('./cache.js').FileStamp;
    const cache = await BuildCache.open(root, cacheKey({ configText, drafts: ctx.drafts, ...(opts.cacheTool ? { tool: opts.cacheTool } : {}) }));
    results = new Array(files.length);
    const misses: number[] = [];
    const hashes: string[] = new Array(files.length);
    // Hash every file: from the cache when the file system says it did not change, else by reading it. A hit
    // keeps its text only if it has diagnostics.
    const stamps: (FileStamp | undefined)[] = new Array(files.length);
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const st = statSync(path.join(root, file), { throwIfNoEntry: false });
      const stamp = st?.isFile() ? (stamps[i] = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, seen: Date.now() }) : undefined;
      const known = stamp && ctx.html ? cache.unchangedHash(file, stamp) : undefined;
      if (known !== undefined) {
        const hit = cache.get(file, known, ctx.now, () => recomputeBlob(root, file, known, ctx));
        if (hit) {
          hashes[i] = known;
          results[i] = hit;
          continue;
        }
      }
      const source = readSourceSync(root, file);
      if (!('text' in source)) {
        results[i] = { file, incident: null, diagnostics: [source] };
        continue;
      }
      const hash = (hashes[i] = textHash(source.text));
      const hit = ctx.html ? cache.get(file, hash, ctx.now, () => recomputeBlob(root, file, hash, ctx)) : undefined;
      if (hit) {
        results[i] = hit.diagnostics.length > 0 ? { ...hit, text: source.text } : hit;
        if (stamp) cache.restamp(file, hash, stamp);
      } else misses.push(i);
    }
    const fresh = await processFiles(root, misses.map((i) => files[i]!), configText, ctx, opts.jobs, opts.fileTimeoutMs);
    misses.forEach((i, k) => {
      results[i] = fresh[k]!;
      // Stored only when the text processed is the text hashed (not edited in between).
      const r = fresh[k]!;
      if (ctx.html && hashes[i] !== undefined && r.hash === hashes[i]) cache.set(files[i]!, hashes[i]!, r, stamps[i]);
    });
    cache.retain(new Set(files));
    await cache.save();
  } else {
    results = await processFiles(root, files, configText, ctx, opts.jobs, opts.fileTimeoutMs);
  }
  // A file named by a rule across files (a duplicate id) gets its text back, for the code frame.
  for (const d of checkAcrossFiles(files)) {
    const r = results.find((x) => x.file === d.file);
    if (r && r.text === undefined) {
      const source = await readSource(root, d.file);
      if ('text' in source) r.text = source.text;
    }
  }
  return assemble(config, configText, configDiagnostics, walkDiagnostics, results);
}

/** The HTML and Markdown source of a cached incident whose stored copy cannot be read: from the file again. */
function recomputeBlob(root: string, file: string, hash: string, ctx: FileContext): { html: IncidentHtml; body: string } {
  const source = decode(file, readFileSync(path.join(root, file)));
  const r = 'text' in source && contentHash(source.text) === hash ? processSource(file, source.text, ctx) : null;
  if (!r?.incident || !r.html) throw new Error(`${file} changed during the build; build again`);
  return { html: r.html, body: r.incident.body };
}

/** Read files with bounded concurrency, keeping their order. */
export async function readAll(root: string, files: readonly string[]) {
  const out: Awaited<ReturnType<typeof readSource>>[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readSource(root, files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
  return out;
}
