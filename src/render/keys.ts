/** Keys of pages for incremental output: two renders with one key give the same bytes. */
import { createHash } from 'node:crypto';
import type { DayBucket, IncidentView, SiteModel } from '../site/index.js';
import { relatedViews } from './pages.js';

/**
 * For the key of a list page: an incident view stands for its fingerprint (which covers every field of it); so
 * does an incident named by id in a day of an uptime bar (the bar shows its title: `Helpers.cellText`); Maps
 * and Sets stand for their entries (JSON would drop them).
 */
export function dataKeyReplacer(model: SiteModel) {
  const fp = (id: string) => `incident:${model.byId.get(id)?.fingerprint ?? id}`;
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (value instanceof Map || value instanceof Set) return [...value];
    if (value === null || typeof value !== 'object') return value;
    if (typeof (value as IncidentView).fingerprint === 'string' && typeof (value as IncidentView).id === 'string' && 'prevId' in value) return fp((value as IncidentView).id);
    if ('downtimeMinutes' in value && Array.isArray((value as DayBucket).incidents)) return { ...value, incidents: (value as DayBucket).incidents.map(fp) };
    return value;
  };
}


/** The keys of a renderer's pages, per model: what every page shares (templates, configuration, the overall status), and each page's own. */
export class PageKeys {
  private readonly shared = new WeakMap<SiteModel, string>();

  constructor(
    /** `LoadedTemplates.key`. */
    private readonly templatesKey: string,
    /** A template of the user's may show anything of the site: then every page depends on every incident and "now". */
    private readonly userTemplates: boolean,
  ) {}

  /** What every page shares, per model. */
  site(model: SiteModel): string {
    let k = this.shared.get(model);
    if (k === undefined) {
      // The configuration holds the reader's locale (language, display zone, clock, the project's strings); the
      // header's dot on every page shows the page's overall status.
      // The audience first (issue 15): no key of a page of one audience's site can be the key of the other's.
      const h = createHash('sha256').update(`audience:${model.config.audience ?? 'public'}\0${this.templatesKey}\0${JSON.stringify(model.config)}\0tags:${model.tags.size > 0}\0overall:${model.overall.status}\0`);
      if (this.userTemplates) {
        h.update(`now:${model.now}\0`);
        for (const inc of model.incidents) h.update(`${inc.id}:${inc.fingerprint ?? 'none'}\0`);
      }
      this.shared.set(model, (k = h.digest('base64url')));
    }
    return k;
  }

  /**
   * An incident page: its fingerprint and its neighbours' (it shows their titles), and what it shows of its related
   * incidents (their ids, titles, dates, severities and the reasons); undefined when a fingerprint is unknown.
   */
  incident(model: SiteModel, inc: IncidentView): string | undefined {
    if (inc.fingerprint === undefined) return undefined;
    const fp = (id: string | null) => (id === null ? '-' : (model.byId.get(id)?.fingerprint ?? null));
    const prev = fp(inc.prevId);
    const next = fp(inc.nextId);
    if (prev === null || next === null) return undefined;
    const related = JSON.stringify(relatedViews(model, inc).map((r) => [r.incident.id, r.incident.title, r.incident.started, r.incident.severity, r.incident.draft, String(r.why)]));
    return createHash('sha256').update(`${this.site(model)}\0${inc.fingerprint}\0${prev}\0${next}\0${related}`).digest('base64url');
  }

  /** A list page: what its template receives (incidents by their fingerprints) and "now". */
  list(model: SiteModel, own: Record<string, unknown>): string {
    const data = JSON.stringify(own, dataKeyReplacer(model));
    return createHash('sha256').update(`${this.site(model)}\0list\0${model.now}\0${data}`).digest('base64url');
  }
}
