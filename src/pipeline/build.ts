/**
 * The build, end to end: the project's files → results → the site model → every output file → the output folder.
 * `dev` runs the same steps (dev/session.ts): the same loader, the same model, the same producer of files.
 */
import type { SiteModel } from '../site/index.js';
import { publishable, siteModel } from '../site/index.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { ProjectState, cacheFolder, toolIdentity, type ProjectResult } from '../project/index.js';
import { createRenderer, SiteOutputs, TemplateError, templateDiagnostics, type PendingFile, type Renderer } from '../render/index.js';
import { staticConflicts, writeOutput } from '../output/index.js';

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
      /** Every file of the site, not rendered yet, sorted by path (see `PendingFile`). */
      pending: PendingFile[];
      outputs: SiteOutputs;
      model: SiteModel;
      project: ProjectResult;
      renderer: Renderer;
    }
  | { ok: false; project: ProjectResult };

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
  const outputs = new SiteOutputs(model, r);
  const pending = opts.check && project.staticFiles.length === 0 ? [] : outputs.all();
  more.push(...staticConflicts(project.staticFiles, pending.map((f) => f.path)));
  const checked = withDiagnostics(project, more);
  if (!publishable(checked)) return { ok: false, project: checked };
  return { ok: true, pending, outputs, model, project: checked, renderer: r };
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
 * changed (a cache folder that cannot be used, see `cacheFolder`, is not used).
 */
export async function writeSite(root: string, out: string, files: readonly PendingFile[], opts: { cache?: boolean; tool?: string; statics?: readonly string[]; onWait?: () => void } = {}): Promise<WriteSummary> {
  const cache = opts.cache ? cacheFolder(root) : null;
  const base = { statics: opts.statics ?? [], ...(opts.onWait ? { onWait: opts.onWait } : {}) };
  return writeOutput(root, out, files, cache && 'dir' in cache ? { ...base, cacheDir: cache.dir, tool: opts.tool ?? toolIdentity() } : base);
}
