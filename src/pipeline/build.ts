/**
 * The build, end to end: the project's files → results → the site model → every output file → the output folder.
 * `dev` runs the same steps (dev/session.ts): the same loader, the same model, the same producer of files.
 */
import type { SiteModel } from '../site/index.js';
import { publishable, siteModel } from '../site/index.js';
import { ProjectState, CACHE_DIR, toolIdentity, type ProjectResult } from '../project/index.js';
import { createRenderer, SiteOutputs, type PendingFile, type Renderer } from '../render/index.js';
import { writeOutput } from '../output/index.js';
import path from 'node:path';

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
      /** Every file of the site, not rendered yet, sorted by path (see `PendingFile`). */
      pending: PendingFile[];
      outputs: SiteOutputs;
      model: SiteModel;
      project: ProjectResult;
      renderer: Renderer;
    }
  | { ok: false; project: ProjectResult };

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
  const outputs = new SiteOutputs(model, r);
  return { ok: true, pending: outputs.all(), outputs, model, project, renderer: r };
}

export interface WriteSummary {
  bytes: number;
  files: number;
  /** Files reused from the previous output. */
  reused: number;
}

/** Write the files (and the user's `static/` folder) beside `out`, then swap them in; with the cache, only what changed. */
export async function writeSite(root: string, out: string, files: readonly PendingFile[], opts: { cache?: boolean; tool?: string } = {}): Promise<WriteSummary> {
  return writeOutput(root, out, files, opts.cache ? { cacheDir: path.join(root, CACHE_DIR), tool: opts.tool ?? toolIdentity() } : {});
}
