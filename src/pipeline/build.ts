/**
 * The build, end to end: the project's files → results → the site model → every output file → the output folder.
 * `dev` runs the same steps (dev/session.ts): the same loader, the same model, the same producer of files.
 */
import type { SiteModel } from '../site/index.js';
import { publishable, siteModel } from '../site/index.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { ProjectState, CACHE_DIR, cacheFolder, toolIdentity, type ProjectResult } from '../project/index.js';
import { createRenderer, SiteOutputs, SiteSearch, TemplateError, templateDiagnostics, type PendingFile, type Renderer } from '../render/index.js';
import { staticConflicts, writeOutput } from '../output/index.js';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';

/** Where the search index's shards are kept between builds, in the build cache. */
export const SEARCH_STORE = path.join(CACHE_DIR, 'search');
/** A file of the search index: a file of static/ cannot take its folder (see staticConflicts). */
const SEARCH_PROBE = 'pagefind/pagefind.js';

/**
 * Where the search index is made: the store in the build cache, kept; or, without the cache (or with a cache
 * folder the build must not use, see `cacheFolder`), a folder of this build's own in the project, removed after.
 * Never through a link out of the project.
 */
export function searchStore(root: string, keep: boolean): { dir: string; temporary: boolean } {
  const cache = cacheFolder(root);
  if (keep && 'dir' in cache) return { dir: path.join(cache.dir, 'search'), temporary: false };
  return { dir: path.join(root, `.postmortem-search-${process.pid}-${randomBytes(4).toString('hex')}`), temporary: true };
}

export interface BuildOptions {
  now: number;
  drafts: boolean;
  /** Overrides site.yaml's base_url. */
  baseUrl?: string;
  /** Threads that parse and render incidents (default: one per core). */
  jobs?: number;
  /** Use the build cache under <root>/.cache/postmortem/ (default: no). */
  cache?: boolean;
  /** Overrides the tool identity in the cache key (tests). */
  cacheTool?: string;
  /** Time one file may take, ms (`--file-timeout`). */
  fileTimeoutMs?: number;
  /**
   * `check`: validate only (Markdown is not rendered), but run every other step of the build that can refuse the
   * project (templates compiled, static files against the site's paths), so that whatever `build` would refuse,
   * `check` refuses first.
   */
  check?: boolean;
}

export type Generated =
  | {
      ok: true;
      /** Every file of the site but the search index, not rendered yet, sorted by path (see `PendingFile`). */
      pending: PendingFile[];
      /** The search index's files, once indexed (it runs meanwhile, on a worker thread). */
      late: Promise<PendingFile[]>;
      /** Removes what the build kept only for itself (a search store without the cache); after writing. */
      dispose: () => void;
      outputs: SiteOutputs;
      model: SiteModel;
      project: ProjectResult;
      renderer: Renderer;
    }
  | { ok: false; project: ProjectResult };

/**
 * What a search record is made from besides its incident's text: the tool and the site's configuration (the
 * services' names; the zone local times are read in, which moves `started`; base_url, …), as the build cache's key.
 */
export function searchContext(model: SiteModel, tool?: string): string {
  return `${tool ?? toolIdentity()}\0${JSON.stringify(model.config)}`;
}

/**
 * Load, validate and model the project, compile the templates and lay out the site's files (not rendered yet); a
 * project with any error produces no files at all. `check` runs the same steps (see `BuildOptions.check`).
 */
export async function generateSite(root: string, opts: BuildOptions, renderer?: Renderer): Promise<Generated> {
  const state = new ProjectState({ root, mode: opts.check ? 'check' : 'build', ...opts, now: () => opts.now });
  let project: ProjectResult;
  try {
    await state.load();
    project = state.result();
  } finally {
    await state.close();
  }
  const more: Diagnostic[] = [];
  let r = renderer;
  if (!r) {
    try {
      r = await createRenderer({ root });
    } catch (e) {
      more.push(...templateDiagnostics(e));
      if (e instanceof TemplateError) for (const [file, text] of e.sources) project.sources.set(file, text);
    }
  }
  if (project.config === null || !r) return { ok: false, project: withDiagnostics(project, more) };
  // The site of the incidents that are valid: with errors elsewhere, its paths are still checked against static/,
  // so that one run reports every problem.
  const model = siteModel({ ...project, config: project.config }, opts.now, opts.drafts, !opts.check);
  const checkOnly = opts.check === true;
  const search = checkOnly ? undefined : new SiteSearch();
  const outputs = new SiteOutputs(model, r, search);
  const pending = checkOnly && project.staticFiles.length === 0 ? [] : outputs.all();
  more.push(...staticConflicts(project.staticFiles, [...pending.map((f) => f.path), SEARCH_PROBE]));
  const checked = withDiagnostics(project, more);
  if (!publishable(checked)) return { ok: false, project: checked };
  if (!search) return { ok: true, pending, late: Promise.resolve([]), outputs, model, project: checked, renderer: r, dispose: () => undefined };
  const store = searchStore(root, opts.cache === true);
  search.update(model, { store: store.dir, ...(!store.temporary ? { sourceHash: (id: string) => project.sourceHashes.get(id), context: searchContext(model, opts.cacheTool) } : {}) });
  const late = outputs.late();
  late.catch(() => undefined); // awaited by the writer: a failure fails the build there, before the swap
  const dispose = () => {
    if (store.temporary) rmSync(store.dir, { recursive: true, force: true });
  };
  return { ok: true, pending, late, outputs, model, project: checked, renderer: r, dispose };
}

/** The result with more diagnostics, sorted as every command prints them. */
function withDiagnostics(project: ProjectResult, more: readonly Diagnostic[]): ProjectResult {
  return more.length === 0 ? project : { ...project, diagnostics: sortDiagnostics([...project.diagnostics, ...more]) };
}

export interface WriteSummary {
  bytes: number;
  files: number;
  /** Files reused from the previous output. */
  reused: number;
}

/**
 * Write the files (and the user's `static/` files) beside `out`, then swap them in; with the cache, only what
 * changed (a cache folder that cannot be used, see `cacheFolder`, is not used). `late` files (the search index,
 * made meanwhile) are written before the swap.
 */
export async function writeSite(
  root: string,
  out: string,
  files: readonly PendingFile[],
  opts: { cache?: boolean; tool?: string; statics?: readonly string[]; onWait?: () => void; late?: Promise<readonly PendingFile[]> } = {},
): Promise<WriteSummary> {
  const cache = opts.cache ? cacheFolder(root) : null;
  const base = { statics: opts.statics ?? [], ...(opts.onWait ? { onWait: opts.onWait } : {}) };
  return writeOutput(root, out, files, cache && 'dir' in cache ? { ...base, cacheDir: cache.dir, tool: opts.tool ?? toolIdentity() } : base, opts.late);
}
