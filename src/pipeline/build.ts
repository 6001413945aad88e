/**
 * The build, end to end: the project's files → results → the site model → every output file → the output folder.
 * `dev` runs the same steps (dev/session.ts): the same loader, the same model, the same producer of files.
 */
import type { SiteModel } from '../site/index.js';
import { publishable, siteModel } from '../site/index.js';
import { ProjectState, CACHE_DIR, toolIdentity, type ProjectResult } from '../project/index.js';
import { createRenderer, SiteOutputs, SiteSearch, type PendingFile, type Renderer } from '../render/index.js';
import { writeOutput } from '../output/index.js';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rmdirSync, rmSync } from 'node:fs';

/** Where the search index's shards are kept between builds, in the build cache. */
export const SEARCH_STORE = path.join(CACHE_DIR, 'search');

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

/** What a search record is made from besides its incident's text: the tool and the services' names. */
export function searchContext(model: SiteModel, tool?: string): string {
  return `${tool ?? toolIdentity()}\0${JSON.stringify(model.config.services.map((s) => [s.id, s.name]))}`;
}

/** Load, validate and model the project; a project with any error produces no files at all. */
export async function generateSite(root: string, opts: BuildOptions, renderer?: Renderer): Promise<Generated> {
  const state = new ProjectState({ root, mode: 'build', ...opts, now: () => opts.now });
  let project: ProjectResult;
  try {
    await state.load();
    project = state.result();
  } finally {
    await state.close();
  }
  if (!publishable(project)) return { ok: false, project };
  const model = siteModel(project, opts.now, opts.drafts, true);
  const r = renderer ?? (await createRenderer({ root }));
  // Without the cache, shards are indexed into a folder of their own, removed once the site is written.
  const store = opts.cache ? path.join(root, SEARCH_STORE) : path.join(root, CACHE_DIR, `search-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const search = new SiteSearch();
  search.update(model, { store, ...(opts.cache ? { sourceHash: (id: string) => project.sourceHashes.get(id), context: searchContext(model, opts.cacheTool) } : {}) });
  const outputs = new SiteOutputs(model, r, search);
  const late = outputs.late();
  late.catch(() => undefined); // awaited by the writer: a failure fails the build there, before the swap
  const dispose = () => {
    if (opts.cache) return;
    rmSync(store, { recursive: true, force: true });
    // And the folders made for it, when nothing else is in them (a build without the cache keeps nothing).
    for (const dir of [path.dirname(store), path.dirname(path.dirname(store))]) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  };
  return { ok: true, pending: outputs.all(), late, outputs, model, project, renderer: r, dispose };
}

export interface WriteSummary {
  bytes: number;
  files: number;
  /** Files reused from the previous output. */
  reused: number;
}

/** Write the files (and the user's `static/` folder) beside `out`, then swap them in; with the cache, only what changed. */
export async function writeSite(root: string, out: string, files: readonly PendingFile[], opts: { cache?: boolean; tool?: string; late?: Promise<readonly PendingFile[]> } = {}): Promise<WriteSummary> {
  return writeOutput(root, out, files, opts.cache ? { cacheDir: path.join(root, CACHE_DIR), tool: opts.tool ?? toolIdentity() } : {}, opts.late);
}
