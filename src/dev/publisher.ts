/**
 * What `dev` serves after each change, and what it says: the new site when the project has no error, else the
 * last good one with the diagnostics in the terminal and in an overlay on every page.
 *
 * Two ways to a new site:
 * - only incident files were edited since the last publish (same files, same configuration, no error): their
 *   pages are served at once from the previous model with their views replaced, in O(edited); the result and the
 *   whole model (O(all), for list pages, feeds and the API) are built on first use or in the next quiet moment;
 * - otherwise: the result and the whole model now.
 * Both serve the files of the one producer (render/outputs.ts) that `build` writes.
 */
import { performance } from 'node:perf_hooks';
import type { SiteConfig } from '../core/model.js';
import { counts, summaryLine, type Diagnostic } from '../core/diagnostic.js';
import { formatReport, formatText } from '../core/report.js';
import type { Io } from '../core/io.js';
import { plural } from '../core/text.js';
import { escapeControlsKeepLines, say } from '../core/terminal.js';
import type { FileResult } from '../process/index.js';
import { audienceConfig, fileForAudience, forAudience, type ChangeSummary, type ProjectResult, type ProjectState } from '../project/index.js';
import type { Audience } from '../core/model.js';
import { patchIncidentModel, publishable, siteModel, type SiteModel } from '../site/index.js';
import { SiteOutputs, SiteSearch } from '../render/index.js';
import { searchContext, searchStore } from '../pipeline/index.js';
import path from 'node:path';
import { rmSync } from 'node:fs';
import type { DevServer } from './server.js';
import type { DevTemplates } from './templates.js';

/** When to build the whole model after serving edited incident pages from a patched one. */
const FULL_MODEL_DELAY_MS = 300;
/** Most edited files served from a patched model. */
const PATCH_MAX_FILES = 50;

interface Served {
  incident: SiteModel;
  full: SiteModel | null;
}

export class Publisher {
  private current: Served | null = null;
  /** What changed since the site was last published (a broken file holds publishing back). */
  private since = { files: new Set<string>(), config: true, rescan: false, diagnostics: false };
  private fullTimer: NodeJS.Timeout | null = null;
  private lastReport = '';
  private stopped = false;
  private store: { dir: string; temporary: boolean } | undefined;
  /** The search index: rebuilt in the background for each new whole model, the last one served meanwhile. */
  private readonly search = new SiteSearch();
  private searching: Promise<void> = Promise.resolve();
  private searchNext: { model: SiteModel; sourceHashes: ReadonlyMap<string, string> } | null = null;

  constructor(
    private readonly state: ProjectState,
    private readonly templates: DevTemplates,
    private readonly server: DevServer,
    private readonly io: Io,
    /** Whose site is served: the public one, or the internal one (everything, internal parts marked). */
    private readonly audience: Audience = 'public',
  ) {}

  /** The project's result as this audience's site sees it (project/audience.ts). */
  private mine(result: ProjectResult & { config: SiteConfig }): ProjectResult & { config: SiteConfig } {
    return forAudience(result, this.audience);
  }

  /** Resolves once the search index of the latest model is built (tests, embedders). */
  async searchIdle(): Promise<void> {
    for (;;) {
      const p = this.searching;
      await p;
      if (p === this.searching && this.searchNext === null) return;
    }
  }

  /** Index the whole model's incidents in the background, one index at a time, the latest model winning. */
  private indexSearch(model: SiteModel, result: ProjectResult): void {
    this.searchNext = { model, sourceHashes: result.sourceHashes };
    this.searching = this.searching.then(async () => {
      const next = this.searchNext;
      this.searchNext = null;
      if (!next || this.stopped) return;
      try {
        await this.search.update(next.model, { store: this.searchStoreDir(), sourceHash: (id) => next.sourceHashes.get(id), context: searchContext(next.model) });
      } catch (e) {
        this.io.err(say`postmortem dev: the search index could not be built (pages are still served): ${e instanceof Error ? e.message : String(e)}` + '\n');
      }
    });
  }

  /** The search store: the build cache's, or (a cache dev must not use) a folder of its own, removed on stop. */
  private searchStoreDir(): string {
    this.store ??= searchStore(this.state.root, true, this.audience);
    return this.store.dir;
  }

  stop(): void {
    this.stopped = true;
    if (this.fullTimer) clearTimeout(this.fullTimer);
    if (this.store?.temporary) {
      const dir = this.store.dir;
      void this.searching.finally(() => rmSync(dir, { recursive: true, force: true }));
    }
  }

  /** Publish the state: serve the new site when there is no error, else keep the last good one; report. */
  publish(started: number, what: string, summary?: ChangeSummary): boolean {
    if (summary) this.remember(summary);
    if (this.fullTimer) clearTimeout(this.fullTimer);
    this.fullTimer = null;
    if (this.state.config) this.server.basePath = audienceConfig(this.state.config, this.audience).basePath;
    const { ok, result } = this.serve(summary);
    const ms = Math.round(performance.now() - started);
    const done = what === 'start' ? `Built in ${ms} ms (${plural(this.state.countsFor(this.audience).published, 'incident')}, drafts included)\n` : say`Rebuilt in ${ms} ms (${what})\n`;
    if (result === null) {
      // Patched, and no file's diagnostics changed: no error, the same warnings as last time.
      this.server.setProblems(null);
      this.io.out(done);
    } else this.report(result, what, done);
    this.server.notify();
    return ok;
  }

  private remember(summary: ChangeSummary): void {
    for (const f of summary.files) this.since.files.add(f);
    if (summary.config) this.since.config = true;
    if (summary.rescanned) this.since.rescan = true;
    if (summary.diagnostics) this.since.diagnostics = true;
  }

  private report(result: ProjectResult, what: string, done: string): void {
    const problems: Diagnostic[] = [...result.diagnostics];
    problems.push(...this.templates.errors);
    const { errors } = counts(problems);
    const reportable = { diagnostics: problems, sources: result.sources, fileCount: result.fileCount };
    this.server.setProblems(errors > 0 ? { title: `postmortem dev: ${summaryLine(problems, result.fileCount)}`, text: formatText(problems, result.sources, { color: false, fileCount: result.fileCount }) } : null);
    const key = problems.length ? JSON.stringify(problems) : '';
    if (errors > 0) {
      this.io.out(formatReport(reportable, 'text', this.io.color));
      const serving = this.server.hasSite ? 'still serving the last good build' : 'nothing to serve yet';
      this.io.out(say`Not rebuilt (${what}): ` + `${errors === 1 ? 'an error' : `${errors} errors`} above; ${serving}. Fix the files and the site rebuilds by itself.\n`);
    } else {
      if (key !== this.lastReport && problems.length) this.io.out(formatReport(reportable, 'text', this.io.color));
      this.io.out(done);
    }
    this.lastReport = key;
  }

  /** Serve the state; returns whether the site was updated, and the result when it was assembled (null: patched). */
  private serve(summary: ChangeSummary | undefined): { ok: boolean; result: ProjectResult | null } {
    const lazy = this.state.snapshot();
    const renderer = this.templates.renderer;
    const patched = summary !== undefined ? this.patch() : null;
    if (patched && renderer) {
      const entry: Served = { incident: patched, full: null };
      const now = this.state.now;
      this.current = entry;
      const full = () => {
        const result = this.mine(lazy() as ProjectResult & { config: SiteConfig });
        const model = (entry.full = siteModel(result, now, this.state.drafts));
        this.indexSearch(model, result);
        return new SiteOutputs(model, renderer, this.search);
      };
      this.server.setSite({ basePath: patched.config.basePath, incidentOutputs: new SiteOutputs(patched, renderer, this.search), outputs: full });
      const result = this.since.diagnostics ? lazy() : null;
      this.resetSince();
      this.buildFullSoon(entry);
      return { ok: true, result };
    }
    const result = lazy();
    // Broken templates keep the previous renderer (if any): content edits still show, with the overlay.
    if (!publishable(result) || renderer === null) return { ok: false, result };
    const mine = this.mine(result);
    const model = siteModel(mine, this.state.now, this.state.drafts);
    this.current = { incident: model, full: model };
    this.indexSearch(model, mine);
    this.server.setSite({ basePath: mine.config.basePath, outputs: new SiteOutputs(model, renderer, this.search) });
    this.resetSince();
    return { ok: true, result };
  }

  /** The previous model with the edited incidents' views replaced, when that is exact for their pages; else null. */
  private patch(): SiteModel | null {
    const { state, since, current } = this;
    const config = state.config;
    if (current === null || config === null || this.templates.renderer === null || this.templates.errors.length > 0) return null;
    if (since.config || since.rescan || state.hasFileErrors || since.files.size > PATCH_MAX_FILES || this.templates.overridesBuiltins) return null;
    const files = [...since.files].map((f) => state.files.get(f)).filter((r): r is FileResult => r !== undefined);
    if (files.length !== since.files.size) return null;
    // An incident this audience's site does not show (an internal one, for the public site) is not patched in.
    const edited = files.map((r) => fileForAudience(r, this.audience, config)).filter((r): r is FileResult => r !== null);
    if (edited.length !== files.length) return null;
    // Whether an image is there is asked when the project is assembled, which a patch skips.
    if (edited.some((r) => r.incident?.images?.length)) return null;
    return patchIncidentModel(current.full ?? current.incident, { config: audienceConfig(config, this.audience), ...state.countsFor(this.audience) }, edited, state.now, state.drafts);
  }

  private resetSince(): void {
    this.since = { files: new Set<string>(), config: false, rescan: false, diagnostics: false };
  }

  /** Build the whole model in the next quiet moment, so that list pages are ready and the next patch starts fresh. */
  private buildFullSoon(entry: Served): void {
    this.fullTimer = setTimeout(() => {
      this.fullTimer = null;
      if (this.current !== entry || entry.full || this.stopped) return;
      try {
        this.server.outputs();
      } catch (e) {
        this.io.err(`postmortem dev: ${escapeControlsKeepLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
      }
    }, FULL_MODEL_DELAY_MS);
  }
}
