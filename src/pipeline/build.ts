/**
 * The build: validated project → site model → pages, feeds, JSON and badges → the output folder.
 * `generateSite` produces the files in memory (used by `build` and by `dev`); `writeSite` puts them on disk
 * atomically. A project with any error produces no files at all.
 */
import type { OutputFile, PendingFile, SiteConfig, SiteModel } from '../core/model.js';
import { loadProject, type ProjectResult } from '../project/load.js';
import { buildSiteModel } from '../site/model.js';
import { createRenderer, type Renderer } from '../render/pages.js';
import { renderFeeds } from '../render/feeds.js';
import { pendingApi } from '../render/api.js';
import { renderBadges } from '../render/badges.js';
import { writeOutput, type WriteOutputOptions } from '../output/write.js';
import { counts } from '../core/diagnostics.js';

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
      /** Every file rendered (on first use; a large site is better written from `pending`). */
      readonly files: OutputFile[];
      model: SiteModel;
      project: ProjectResult;
      renderer: Renderer;
    }
  | { ok: false; project: ProjectResult };

/** Apply a `--base-url` override to the configuration. */
export function withBaseUrl(config: SiteConfig, baseUrl: string | undefined): SiteConfig {
  if (baseUrl === undefined) return config;
  const u = new URL(baseUrl);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { ...config, baseUrl: u.href, basePath: u.pathname };
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Every file of the site for a valid model, not rendered yet, sorted by path. */
export function pendingAll(model: SiteModel, renderer: Renderer): PendingFile[] {
  const now = (f: OutputFile): PendingFile => ({ path: f.path, render: () => f.content });
  const pagePaths = renderer.pagePaths(model).filter((p) => p !== '404.html');
  return [...renderer.pendingSite(model), ...renderFeeds(model, pagePaths).map(now), ...pendingApi(model), ...renderBadges(model).map(now)].sort(byPath);
}

/** Every file of the site for a valid model, rendered. Pure apart from reading templates (done by the renderer). */
export function renderAll(model: SiteModel, renderer: Renderer): OutputFile[] {
  return pendingAll(model, renderer).map((f) => ({ path: f.path, content: f.render() }));
}

export async function generateSite(root: string, opts: BuildOptions, renderer?: Renderer): Promise<Generated> {
  const project = await loadProject(root, { now: opts.now, html: true, drafts: opts.drafts, ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), cache: opts.cache ?? false, ...(opts.cacheTool ? { cacheTool: opts.cacheTool } : {}), ...(opts.fileTimeoutMs !== undefined ? { fileTimeoutMs: opts.fileTimeoutMs } : {}) });
  if (!project.config || counts(project.diagnostics).errors > 0) return { ok: false, project };
  const config = withBaseUrl(project.config, opts.baseUrl);
  const model = buildSiteModel(config, project.incidents, {
    now: opts.now,
    drafts: opts.drafts,
    html: (incident) => project.html.get(incident.id) ?? { bodyHtml: '', rootCauseHtml: '', timelineHtml: [] },
    sourceHash: (incident) => project.sourceHashes.get(incident.id),
  });
  const r = renderer ?? (await createRenderer({ root }));
  const pending = pendingAll(model, r);
  let files: OutputFile[] | undefined;
  return {
    ok: true,
    pending,
    get files() {
      return (files ??= pending.map((f) => ({ path: f.path, content: f.render() })));
    },
    model,
    project,
    renderer: r,
  };
}

export interface WriteSummary {
  bytes: number;
  files: number;
  /** Files reused from the previous output. */
  reused: number;
}

/** Write the files (and the user's `static/` folder) beside `out`, then swap them in (see `writeOutput`). */
export async function writeSite(root: string, out: string, files: readonly (OutputFile | PendingFile)[], opts: WriteOutputOptions = {}): Promise<WriteSummary> {
  const pending = files.map((f): PendingFile => ('render' in f ? f : { path: f.path, render: () => f.content }));
  return writeOutput(root, out, pending, opts);
}
