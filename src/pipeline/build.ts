/**
 * The build, end to end: the project's files → results → the site model → every output file → the output folder.
 * `dev` runs the same steps (dev/session.ts): the same loader, the same model, the same producer of files.
 */
import type { SiteModel } from '../site/index.js';
import { publishable, siteModel } from '../site/index.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { AUDIENCES, type Audience, type SiteConfig } from '../core/model.js';
import { ProjectState, CACHE_DIR, cacheFolder, forAudience, toolIdentity, withBaseUrl, type ProjectResult } from '../project/index.js';
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
export function searchStore(root: string, keep: boolean, audience: Audience = 'public'): { dir: string; temporary: boolean } {
  const cache = cacheFolder(root);
  // One store per audience: a shard indexed from the internal site's records is never in the public site's store.
  const name = audience === 'internal' ? 'search-internal' : 'search';
  if (keep && 'dir' in cache) return { dir: path.join(cache.dir, name), temporary: false };
  return { dir: path.join(root, `.postmortem-${name}-${process.pid}-${randomBytes(4).toString('hex')}`), temporary: true };
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
  /** Whose site to make (default `public`); `check` looks at both. */
  audience?: Audience;
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
  return `${tool ?? toolIdentity()}\0audience:${model.config.audience ?? 'public'}\0${JSON.stringify(model.config)}`;
}

/**
 * Load, validate and model the project, compile the templates and lay out the site's files (not rendered yet); a
 * project with any error produces no files at all. `check` runs the same steps (see `BuildOptions.check`), for both
 * audiences.
 */
export async function generateSite(root: string, opts: BuildOptions, renderer?: Renderer): Promise<Generated> {
  const [site] = await generateSites(root, opts, [opts.check ? 'public' : (opts.audience ?? 'public')], renderer);
  return site!;
}

/**
 * `generateSite` for several audiences from one load of the project (`build --audience both`): one site each, in
 * the order asked, each made from its audience's projection (project/audience.ts) only. `check` makes (the paths
 * of) both audiences' sites whatever is asked: whatever either build would refuse, it refuses.
 */
export async function generateSites(root: string, opts: BuildOptions, audiences: readonly Audience[], renderer?: Renderer): Promise<Generated[]> {
  const { baseUrl, ...rest } = opts;
  const state = new ProjectState({ root, mode: opts.check ? 'check' : 'build', ...rest, now: () => opts.now });
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
  if (project.config === null || !r) return audiences.map(() => ({ ok: false, project: withDiagnostics(project, more) }));
  const config = project.config;
  // `check` lays out the files of both sites, to check both against static/ (without static files, there is nothing
  // to check them against: one model is enough, as before).
  const laid = opts.check ? (project.staticFiles.length > 0 ? AUDIENCES : ['public' as const]) : audiences;
  const made = laid.map((audience) => laidOut({ ...project, config }, r, audience, opts, baseUrl));
  more.push(...staticConflicts(project.staticFiles, [...new Set([...made.flatMap((m) => m.pending.map((f) => f.path)), SEARCH_PROBE])]));
  const checked = withDiagnostics(project, more);
  if (!publishable(checked)) return audiences.map(() => ({ ok: false, project: checked }));
  return audiences.map((audience) => finish(root, made.find((m) => m.audience === audience)!, checked, r, opts));
}

interface LaidOut {
  audience: Audience;
  model: SiteModel;
  outputs: SiteOutputs;
  pending: PendingFile[];
  search: SiteSearch | undefined;
  sourceHashes: ReadonlyMap<string, string>;
}

/**
 * The site of one audience: the model of its projection of the incidents that are valid (with errors elsewhere, its
 * paths are still checked against static/, so that one run reports every problem) and its files, not rendered yet.
 */
function laidOut(project: ProjectResult & { config: SiteConfig }, r: Renderer, audience: Audience, opts: BuildOptions, baseUrl: string | undefined): LaidOut {
  const address = baseUrl !== undefined ? withBaseUrl(project.config, baseUrl) : undefined;
  const mine = forAudience(project, audience, address ? { baseUrl: address.baseUrl!, basePath: address.basePath } : undefined);
  const model = siteModel(mine, opts.now, opts.drafts, !opts.check);
  const search = opts.check ? undefined : new SiteSearch();
  const outputs = new SiteOutputs(model, r, search);
  const pending = opts.check && project.staticFiles.length === 0 ? [] : outputs.all();
  return { audience, model, outputs, pending, search, sourceHashes: mine.sourceHashes };
}

/** A laid-out site of a publishable project, its search index started. */
function finish(root: string, site: LaidOut, project: ProjectResult, r: Renderer, opts: BuildOptions): Generated {
  const { model, outputs, pending, search } = site;
  if (!search) return { ok: true, pending, late: Promise.resolve([]), outputs, model, project, renderer: r, dispose: () => undefined };
  const store = searchStore(root, opts.cache === true, site.audience);
  search.update(model, { store: store.dir, ...(!store.temporary ? { sourceHash: (id: string) => site.sourceHashes.get(id), context: searchContext(model, opts.cacheTool) } : {}) });
  const late = outputs.late();
  late.catch(() => undefined); // awaited by the writer: a failure fails the build there, before the swap
  const dispose = () => {
    if (store.temporary) rmSync(store.dir, { recursive: true, force: true });
  };
  return { ok: true, pending, late, outputs, model, project, renderer: r, dispose };
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
  opts: { cache?: boolean; tool?: string; statics?: readonly string[]; onWait?: () => void; late?: Promise<readonly PendingFile[]>; audience?: Audience } = {},
): Promise<WriteSummary> {
  const cache = opts.cache ? cacheFolder(root) : null;
  const base = { statics: opts.statics ?? [], ...(opts.onWait ? { onWait: opts.onWait } : {}) };
  // The record of an output folder names the audience it was written for: a folder written with the internal site
  // is never updated in place, nor its files reused, by a build of the public one (or the other way round).
  const tool = `${opts.tool ?? toolIdentity()}\0audience:${opts.audience ?? 'public'}`;
  return writeOutput(root, out, files, cache && 'dir' in cache ? { ...base, cacheDir: cache.dir, tool } : base, opts.late);
}
