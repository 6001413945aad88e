/**
 * The build: validated project → site model → pages, feeds, JSON and badges → the output folder.
 * `generateSite` produces the files in memory (used by `build` and by `dev`); `writeSite` puts them on disk
 * atomically. A project with any error produces no files at all.
 */
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { OutputFile, SiteConfig, SiteModel } from './model.js';
import { loadProject, type ProjectResult } from './project.js';
import { buildSiteModel } from './site.js';
import { createRenderer, type Renderer } from './render.js';
import { renderFeeds } from './feeds.js';
import { renderApi } from './api.js';
import { renderBadges } from './badges.js';
import { copyStatic, stagingDir, swapIn, writeTree } from './output.js';
import { counts } from './diagnostics.js';

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
}

export type Generated =
  | { ok: true; files: OutputFile[]; model: SiteModel; project: ProjectResult; renderer: Renderer }
  | { ok: false; project: ProjectResult };

/** Apply a `--base-url` override to the configuration. */
export function withBaseUrl(config: SiteConfig, baseUrl: string | undefined): SiteConfig {
  if (baseUrl === undefined) return config;
  const u = new URL(baseUrl);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { ...config, baseUrl: u.href, basePath: u.pathname };
}

/** Every file of the site for a valid model. Pure apart from reading templates (done by the renderer). */
export function renderAll(model: SiteModel, renderer: Renderer): OutputFile[] {
  const pages = renderer.renderSite(model);
  const pagePaths = pages.filter((f) => f.path.endsWith('.html') && f.path !== '404.html').map((f) => f.path);
  const files = [...pages, ...renderFeeds(model, pagePaths), ...renderApi(model), ...renderBadges(model)];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function generateSite(root: string, opts: BuildOptions, renderer?: Renderer): Promise<Generated> {
  const project = await loadProject(root, { now: opts.now, html: true, drafts: opts.drafts, ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), cache: opts.cache ?? false, ...(opts.cacheTool ? { cacheTool: opts.cacheTool } : {}) });
  if (!project.config || counts(project.diagnostics).errors > 0) return { ok: false, project };
  const config = withBaseUrl(project.config, opts.baseUrl);
  const model = buildSiteModel(config, project.incidents, {
    now: opts.now,
    drafts: opts.drafts,
    html: (incident) => project.html.get(incident.id) ?? { bodyHtml: '', rootCauseHtml: '', timelineHtml: [] },
  });
  const r = renderer ?? (await createRenderer({ root }));
  return { ok: true, files: renderAll(model, r), model, project, renderer: r };
}

/** Write the files (and the user's `static/` folder) beside `out`, then swap them in. */
export async function writeSite(root: string, out: string, files: readonly OutputFile[]): Promise<{ bytes: number; files: number }> {
  const staged = stagingDir(out);
  try {
    const staticCount = await copyStatic(path.join(root, 'static'), staged);
    const { bytes } = await writeTree(staged, files);
    await swapIn(staged, out);
    return { bytes, files: files.length + staticCount };
  } catch (e) {
    await rm(staged, { recursive: true, force: true });
    throw e;
  }
}
