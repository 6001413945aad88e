/**
 * The renderer: the HTML pages of the site and its assets, with eta, from the templates (templates.ts).
 *
 * - Rendering is synchronous and pure: a page is rendered when its file is asked for, and not at all when the
 *   previous output already has a file of the same path and key (keys.ts).
 * - Interpolations are escaped (`<%= %>`); only sanitized HTML (`bodyHtml`, `rootCauseHtml`, `timelineHtml`) and
 *   constant markup built by the helpers is inserted raw (`<%~ %>`).
 * - Every internal link is relative to the page (works at a root and under a sub-path), except on `404.html`,
 *   which hosts serve at any depth: there links are absolute, built from `config.basePath`.
 */
import { rootPrefix } from '../core/url.js';
import type { SiteModel } from '../site/index.js';
import type { OutputFile, PendingFile } from './types.js';
import { derive, Helpers } from './helpers.js';
import { allPageSpecs, contentSecurityPolicy, incidentPage, listPageSpecs, listSpecByPath, type PageData, type PageMeta, type PageSpec } from './pages.js';
import { loadTemplates, type LoadedTemplates, type TemplateSource } from './templates.js';
import { PageKeys } from './keys.js';

export interface RendererOptions {
  /** Project root (the folder holding `site.yaml`); `<root>/templates/` overrides the built-in templates. */
  root: string;
}

export interface Renderer {
  /** The project root (its `templates/` override ours; the images of its postmortems are read from it). */
  readonly root: string;
  /** The templates in use (built-in merged with the user's), sorted by name. */
  readonly templates: readonly TemplateSource[];
  /**
   * Every page and asset, not rendered yet, in no particular order. An incident's page has a key when its view
   * has a fingerprint (see keys.ts); a list page, when every incident's view has one.
   */
  files(model: SiteModel): PendingFile[];
  /** The page or asset at an output path (`history/2024/index.html`), not rendered yet; null when the site has none. */
  file(model: SiteModel, outputPath: string): PendingFile | null;
  /** Output paths of every HTML page, sorted (for a sitemap). No rendering. */
  pagePaths(model: SiteModel): string[];
}

export async function createRenderer(opts: RendererOptions): Promise<Renderer> {
  return new EtaRenderer(opts.root, await loadTemplates(opts.root));
}

class EtaRenderer implements Renderer {
  readonly templates: readonly TemplateSource[];
  private readonly keys: PageKeys;
  private readonly assets: Map<string, OutputFile>;

  constructor(
    readonly root: string,
    private readonly loaded: LoadedTemplates,
  ) {
    this.templates = loaded.sources;
    this.keys = new PageKeys(loaded.key, loaded.userTemplates);
    this.assets = new Map(loaded.assets.map((f) => [f.path, f]));
  }

  files(model: SiteModel): PendingFile[] {
    const keyed = model.incidents.every((inc) => inc.fingerprint !== undefined);
    return [
      ...[...this.assets.values()].filter((a) => forSite(model, a.path)).map(constant),
      ...listPageSpecs(model).map((spec) => this.listPage(model, spec, keyed)),
      ...model.incidents.map((inc) => this.page(model, incidentPage(model, inc), this.keys.incident(model, inc))),
    ];
  }

  file(model: SiteModel, outputPath: string): PendingFile | null {
    const asset = this.assets.get(outputPath);
    if (asset) return forSite(model, asset.path) ? constant(asset) : null;
    const m = /^incidents\/([^/]+)\/index\.html$/.exec(outputPath);
    if (m) {
      const inc = model.byId.get(m[1]!);
      return inc ? this.page(model, incidentPage(model, inc)) : null;
    }
    const spec = listSpecByPath(model, outputPath);
    return spec ? this.page(model, spec) : null;
  }

  pagePaths(model: SiteModel): string[] {
    return allPageSpecs(model)
      .map((s) => s.path)
      .sort();
  }

  private page(model: SiteModel, spec: PageSpec, key?: string): PendingFile {
    return { path: spec.path, ...(key !== undefined ? { key } : {}), render: () => this.render(spec, this.prepare(model, spec)) };
  }

  /** A list page is keyed by what its template receives; the status page and 404 show "now" and are always rendered. */
  private listPage(model: SiteModel, spec: PageSpec, keyed: boolean): PendingFile {
    if (!keyed || spec.template === 'status' || spec.absolute) return this.page(model, spec);
    const data = this.prepare(model, spec);
    const { site: _site, h: _h, t: _t, th: _th, ...own } = data;
    return { path: spec.path, key: this.keys.list(model, own), render: () => this.render(spec, data) };
  }

  /** Everything a page's template receives. */
  private prepare(model: SiteModel, spec: PageSpec): PageData {
    const root = spec.absolute ? model.config.basePath : rootPrefix(spec.path);
    const url = spec.path.replace(/[^/]*$/, '');
    const h = new Helpers(model, root, derive(model), this.loaded.assetVersions, spec.absolute ? null : url);
    const page: PageMeta = {
      path: spec.path,
      url,
      template: spec.template,
      title: spec.title,
      description: spec.description ?? model.config.description ?? '',
      root,
      canonical: model.config.baseUrl && !spec.absolute ? model.config.baseUrl + url : null,
      alternates: (spec.alternates ?? []).map((a) => ({ type: a.type, href: h.url(a.sitePath), title: a.title })),
      nav: spec.nav,
      // The internal site is for the team: no page of it asks to be indexed, whatever host it is put on.
      noindex: (spec.noindex ?? false) || model.config.audience === 'internal',
      csp: contentSecurityPolicy(spec.allows),
    };
    return { ...spec.data(h), site: model, page, h, t: h.t.bind(h), th: h.th.bind(h) };
  }

  private render(spec: PageSpec, data: PageData): string {
    try {
      return this.loaded.eta.render(spec.template, data);
    } catch (e) {
      throw new Error(`rendering ${spec.path} with template "${spec.template}": ${(e as Error).message}`, { cause: e });
    }
  }
}

/** The internal site's stylesheet is an asset of the internal site only (the public site is as it always was). */
export const INTERNAL_ASSET = 'assets/internal.css';
function forSite(model: SiteModel, assetPath: string): boolean {
  return assetPath !== INTERNAL_ASSET || model.config.audience === 'internal';
}

function constant(f: OutputFile): PendingFile {
  return { path: f.path, render: () => f.content };
}
