/**
 * The one producer of the site's files: pages and assets, feeds, the JSON APIs and badges, each not rendered yet
 * (`PendingFile`). `build` writes them all; `dev` serves each one when it is asked for, from the same list, so
 * what `dev` serves is byte for byte what `build` writes. A new kind of output is one more group here.
 */
import { byPath } from '../core/compare.js';
import type { SiteModel } from '../site/index.js';
import type { PendingFile, SearchOutput } from './types.js';
import type { Renderer } from './renderer.js';
import { feedFiles } from './feeds.js';
import { apiFiles } from './api.js';
import { badgeFiles } from './badges.js';
import { notifyFiles } from './notify-snapshot.js';
import { embedFiles } from './embed.js';
import { insightsApiFiles } from './insights-api.js';
import { readImage } from '../source/index.js';

/** A group of output files made from the model (pages and assets come from the renderer). */
export interface OutputGroup {
  name: string;
  files(model: SiteModel, renderer: Renderer): PendingFile[];
}

/** Every group but the pages; the sitemap lists the pages but for 404.html. */
export const OUTPUT_GROUPS: readonly OutputGroup[] = [
  { name: 'feeds', files: (model, renderer) => feedFiles(model, () => renderer.pagePaths(model).filter((p) => p !== '404.html')) },
  { name: 'api', files: (model) => apiFiles(model) },
  { name: 'badges', files: (model) => badgeFiles(model) },
  { name: 'notify', files: (model) => notifyFiles(model) },
  { name: 'embed', files: (model, renderer) => embedFiles(model, renderer) },
  { name: 'insights-api', files: (model) => insightsApiFiles(model) },
  // The postmortems' images kept next to their incident files (those in static/ are copied with static/).
  { name: 'media', files: (model, renderer) => [...model.media].map(([path, file]) => ({ path, render: () => readImage(renderer.root, file) })) },
];

/** The files of one site model. */
export class SiteOutputs {
  private others: Map<string, PendingFile> | null = null;

  constructor(
    readonly model: SiteModel,
    readonly renderer: Renderer,
    /** The search index (`pagefind/…`), built asynchronously: its files come after the others (`late`). */
    readonly search: SearchOutput | null = null,
  ) {}

  /** Every file, sorted by path. */
  all(): PendingFile[] {
    const files = [...this.renderer.files(this.model), ...OUTPUT_GROUPS.flatMap((g) => g.files(this.model, this.renderer))];
    return files.sort(byPath);
  }

  /** The files known only once the search is indexed (`pagefind/…`), sorted by path. */
  async late(): Promise<PendingFile[]> {
    return this.search ? (await this.search.files()).sort(byPath) : [];
  }

  /** The file at an output path, or null: a page at once, any other file from its group (listed on first use). */
  get(path: string): PendingFile | null {
    if (path.startsWith('pagefind/')) return this.search?.current()?.get(path) ?? null;
    const page = this.renderer.file(this.model, path);
    if (page) return page;
    this.others ??= new Map(OUTPUT_GROUPS.flatMap((g) => g.files(this.model, this.renderer)).map((f) => [f.path, f]));
    return this.others.get(path) ?? null;
  }
}

/** Render pending files now (tests, small sites). */
export function renderNow(files: readonly PendingFile[]): { path: string; content: string | Uint8Array }[] {
  return files.map((f) => ({ path: f.path, content: f.render() }));
}
