/**
 * The pages of the site: for a model, every page's output path, template, title and the data its template
 * receives (computed when the page is rendered). No page grows with the whole history: long lists are paginated.
 */
import { isOpenAction } from '../core/actions.js';
import { dateUtc, monthUtc } from '../core/format.js';
import { INCIDENT_SEVERITIES, insightYears, modelInsights, relatedIncidents, type RelatedReason, type IncidentView, type ServiceView, type SiteModel } from '../site/index.js';
import { derive, type Derived, type Helpers } from './helpers.js';
import { html, type Html, type Locale } from '../core/locale.js';
import { escapeHtml } from '../core/text.js';

/** What every template receives as `it` (page templates also get the fields listed in TEMPLATES). */
export interface PageData {
  site: SiteModel;
  page: PageMeta;
  h: Helpers;
  /** `it.h.t`: a string of the catalogue in the site's language (docs/templates.md, "Strings and languages"). */
  t: Helpers['t'];
  /** `it.h.th`: the same as HTML. */
  th: Helpers['th'];
  [key: string]: unknown;
}

export interface PageMeta {
  /** Output path, e.g. `incidents/x/index.html`. */
  path: string;
  /** Site-relative address of the page, e.g. `incidents/x/` (`''` for the status page). */
  url: string;
  /** Template that renders it. */
  template: string;
  /** Document title without the site name (`''` on the status page). */
  title: string;
  /** `<meta name="description">`. */
  description: string;
  /** Prefix reaching the site root from this page: `''`, `../../`, or `config.basePath` on 404.html. */
  root: string;
  /** Absolute URL when `config.baseUrl` is set, else null. */
  canonical: string | null;
  /** `<link rel="alternate">` entries, hrefs already relative to the page. */
  alternates: { type: string; href: string; title: string }[];
  /** Main navigation entry to mark as current. */
  nav: 'status' | 'history' | 'insights' | 'actions' | 'tags' | 'search' | null;
  noindex: boolean;
  /** The page's Content-Security-Policy. */
  csp: string;
}

export interface Pagination {
  /** 1-based. */
  current: number;
  total: number;
  /** Links relative to the page; null at the ends. */
  newer: string | null;
  older: string | null;
  first: string;
  last: string;
}

export interface MonthGroup {
  /** `YYYY-MM` */
  month: string;
  /** `May 2020` */
  label: string;
  incidents: IncidentView[];
}

/** Uptime per service and year, as history pages show it (years newest first). */
export interface UptimeTable {
  years: string[];
  rows: { id: string; name: string; url: string; cells: ({ uptimePercent: number | null; downtimeMinutes: number } | null)[] }[];
}

export interface YearLink {
  year: string;
  count: number;
  url: string;
  current: boolean;
}

/** The templates of the package and what each page template receives besides `site`, `page` and `h`. */
export const TEMPLATES: readonly { name: string; kind: 'layout' | 'page' | 'partial'; data: string }[] = [
  { name: 'layout', kind: 'layout', data: 'site, page, h, body (the rendered page, raw HTML)' },
  { name: 'status', kind: 'page', data: '(nothing more: site.overall, site.active, site.maintenanceActive, site.maintenanceUpcoming, site.groups, site.recent)' },
  { name: 'incident', kind: 'page', data: 'incident: IncidentView, updates: UpdateView[] (newest first), timeline: UpdateView[] (time order), affected: {id, name, impact, url}[], prev/next: IncidentView|null, related: {incident: IncidentView, why: string}[] (earlier incidents most like it, at most 5)' },
  { name: 'history', kind: 'page', data: 'months: MonthGroup[], years: YearLink[], year: string|null, pagination: Pagination|null, more: {url,label}|null, total: number (what has started: scheduled maintenance is on the status page), uptime: UptimeTable (every year, or the page\'s year)' },
  { name: 'service', kind: 'page', data: 'service: ServiceView, incidents: IncidentView[] (this page), count: number (all), pagination: Pagination' },
  { name: 'actions', kind: 'page', data: 'open: ActionView[], closed: ActionView[] (this page), counts: {open, overdue, closed, total} (all), pagination: Pagination' },
  { name: 'tags', kind: 'page', data: 'tags: {tag, count, url}[]' },
  { name: 'tag', kind: 'page', data: 'tag: string, incidents: IncidentView[] (this page), count: number (all), pagination: Pagination' },
  { name: 'insights', kind: 'page', data: 'insights: Insights (site/insights.ts), year: string|null, years: {year, incidents, url, current}[], severities: string[], incidents: IncidentView[] (the year\'s; none for all time); it.h.insights: charts and words' },
  { name: 'search', kind: 'page', data: 'services: {id, name}[], severities: string[], years: string[] (newest first); assets/search.js runs the search' },
  { name: '404', kind: 'page', data: '(nothing more; links are absolute from config.basePath)' },
  { name: 'partials/header', kind: 'partial', data: 'site, page, h' },
  { name: 'partials/footer', kind: 'partial', data: 'site, page, h' },
  { name: 'partials/status', kind: 'partial', data: 'status: ComponentStatus | TimelineStatus' },
  { name: 'partials/severity', kind: 'partial', data: 'incident: IncidentView' },
  { name: 'partials/impact', kind: 'partial', data: 'incident: IncidentView (its pill: the worst impact on its services)' },
  { name: 'partials/incident-card', kind: 'partial', data: 'incident: IncidentView (active incident or maintenance, with its latest update)' },
  { name: 'partials/incident-list', kind: 'partial', data: 'incidents: IncidentView[]' },
  { name: 'partials/uptime-bar', kind: 'partial', data: 'service: ServiceView' },
  { name: 'partials/actions-table', kind: 'partial', data: 'actions: (Action | ActionView)[], showIncident: boolean, caption: string' },
  { name: 'partials/pagination', kind: 'partial', data: 'pagination: Pagination | null' },
  { name: 'partials/phases', kind: 'partial', data: 'rows: PhaseRow[] (h.phases(incident)), incident: IncidentView' },
  { name: 'partials/impact-changes', kind: 'partial', data: 'changes: {id, name, impact}[] (UpdateView.changes)' },
  { name: 'partials/search-box', kind: 'partial', data: 'site, page, h (a form to the search page)' },
];

/** Page sizes: no page grows with the whole history. */
export const HISTORY_PAGE_SIZE = 100;
export const LIST_PAGE_SIZE = 50;
export const ACTIONS_PAGE_SIZE = 100;

export interface PageSpec {
  path: string;
  template: string;
  title: string;
  description?: string;
  nav: PageMeta['nav'];
  /** 404.html: links absolute from basePath. */
  absolute?: boolean;
  noindex?: boolean;
  alternates?: { type: string; sitePath: string; title: string }[];
  /** Template data, computed when the page is rendered. */
  data: (h: Helpers) => Record<string, unknown>;
  /** What the page's Content-Security-Policy must allow beyond the default: the search's WebAssembly, a form. */
  allows?: { wasm?: boolean; forms?: boolean };
}

/** `history/` → `history/index.html` */
function outPath(folder: string): string {
  return `${folder}index.html`;
}

function pageFolder(base: string, n: number): string {
  return n === 1 ? base : `${base}page/${n}/`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  if (pages.length === 0) pages.push([]);
  return pages;
}

function pagination(h: Helpers, base: string, current: number, total: number): Pagination {
  return {
    current,
    total,
    newer: current > 1 ? h.url(pageFolder(base, current - 1)) : null,
    older: current < total ? h.url(pageFolder(base, current + 1)) : null,
    first: h.url(pageFolder(base, 1)),
    last: h.url(pageFolder(base, total)),
  };
}

/** Incidents by the month of their start in the display zone, newest first. */
function groupByMonth(locale: Locale, incidents: readonly IncidentView[]): MonthGroup[] {
  const groups: MonthGroup[] = [];
  for (const inc of incidents) {
    const month = locale.monthOf(inc.started);
    let g = groups[groups.length - 1];
    if (!g || g.month !== month) {
      g = { month, label: locale.month(month), incidents: [] };
      groups.push(g);
    }
    g.incidents.push(inc);
  }
  return groups;
}

function idsToIncidents(model: SiteModel, d: Derived, ids: readonly string[]): IncidentView[] {
  const list: IncidentView[] = [];
  for (const id of ids) {
    const inc = model.byId.get(id);
    if (inc) list.push(inc);
  }
  return list.sort((a, b) => (d.order.get(a.id) ?? 0) - (d.order.get(b.id) ?? 0));
}

function feedAlternates(locale: Locale): NonNullable<PageSpec['alternates']> {
  return [
    { type: 'application/atom+xml', sitePath: 'feed.xml', title: locale.t('layout.feed_atom') },
    { type: 'application/feed+json', sitePath: 'feed.json', title: locale.t('layout.feed_json') },
  ];
}

function statusPage(locale: Locale): PageSpec {
  return { path: 'index.html', template: 'status', title: '', nav: 'status', alternates: feedAlternates(locale), allows: { forms: true }, data: () => ({}) };
}

/**
 * The search page: the index is loaded and queried in the browser (Pagefind's script and WebAssembly, hence
 * `'wasm-unsafe-eval'` on this page only); without JavaScript it says so and links to the history.
 */
function searchPage(model: SiteModel, locale: Locale): PageSpec {
  const years = [...new Set(model.incidents.map((i) => String(new Date(i.started).getUTCFullYear())))].sort().reverse();
  return {
    path: 'search/index.html',
    template: 'search',
    title: locale.t('search.title'),
    description: locale.t('search.description'),
    alternates: feedAlternates(locale),
    nav: 'search',
    allows: { wasm: true, forms: true },
    data: () => ({ services: model.config.services.map((s) => ({ id: s.id, name: s.name })), severities: ['critical', 'major', 'minor', 'notice', 'maintenance'], years }),
  };
}

/** The Content-Security-Policy of a page: only the site's own resources; the search adds its WebAssembly, forms their target. */
export function contentSecurityPolicy(allows: PageSpec['allows'] = {}): string {
  const script = allows.wasm ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'";
  const form = allows.forms ? "form-action 'self'" : "form-action 'none'";
  return `default-src 'self'; img-src 'self' https: data:; style-src 'self'; ${script}; object-src 'none'; base-uri 'none'; ${form}`;
}

/** A related incident as its page shows it: the incident and why it was chosen, in words. */
export interface RelatedView {
  incident: IncidentView;
  /** HTML: the reasons, the incidents' own words marked with their language. */
  why: Html;
}

const REASON_KEY: Record<RelatedReason['kind'], string> = { service: 'related.service', tag: 'related.tag', factor: 'related.factor', words: 'related.words' };

/** Why a related incident was chosen, in the site's language (`related.service`, `.tag`, `.factor`, `.words`). */
function reasonHtml(r: RelatedReason, serviceName: (id: string) => string, locale: Locale, contentLang: string): string {
  const values = r.kind === 'service' ? r.values.map(serviceName) : r.values;
  // Tags, factors and words come from the incidents, in their language (which may not be the site's).
  const own = r.kind !== 'service' && contentLang !== locale.language;
  const items = values.map((v) => (own ? `<span lang="${escapeHtml(contentLang)}">${escapeHtml(v)}</span>` : escapeHtml(v)));
  return String(locale.th(REASON_KEY[r.kind], { count: values.length, list: html(locale.list(items, 'unit')) }));
}

/** The related incidents of an incident's page (see site/related.ts), with their reasons as text. */
export function relatedViews(model: SiteModel, inc: IncidentView): RelatedView[] {
  const names = new Map(model.config.services.map((s) => [s.id, s.name] as const));
  const name = (id: string) => names.get(id) ?? id;
  const locale = derive(model).locale;
  return relatedIncidents(model, inc).flatMap((r) => {
    const incident = model.byId.get(r.id);
    if (!incident) return [];
    const why = r.reasons.map((x) => reasonHtml(x, name, locale, incident.lang)).join('; ');
    return [{ incident, why: html(why.charAt(0).toUpperCase() + why.slice(1)) }];
  });
}

export function incidentPage(model: SiteModel, inc: IncidentView): PageSpec {
  return {
    path: outPath(`incidents/${inc.id}/`),
    template: 'incident',
    title: inc.title,
    description: inc.summary,
    nav: 'history',
    noindex: inc.draft,
    alternates: feedAlternates(derive(model).locale),
    data: (h) => ({
      incident: inc,
      updates: h.updates(inc),
      timeline: h.timeline(inc),
      affected: h.affected(inc),
      prev: inc.prevId ? (model.byId.get(inc.prevId) ?? null) : null,
      next: inc.nextId ? (model.byId.get(inc.nextId) ?? null) : null,
      related: relatedViews(model, inc),
    }),
  };
}

/** Each service's uptime in `only` (a year), or in every year of the history, newest first. */
export function uptimeTable(model: SiteModel, h: Helpers, only: string | null): UptimeTable {
  const all = new Set<string>();
  for (const s of model.services) for (const y of s.yearly) all.add(y.year);
  const years = only !== null ? [only] : [...all].sort().reverse();
  const rows = model.services.map((s) => {
    const byYear = new Map(s.yearly.map((y) => [y.year, y] as const));
    const cells = years.map((year) => {
      const y = byYear.get(year);
      return y ? { uptimePercent: y.uptimePercent, downtimeMinutes: y.downtimeMinutes } : null;
    });
    return { id: s.id, name: s.name, url: h.serviceUrl(s.id), cells };
  });
  return { years, rows };
}

/**
 * The history: what has happened (maintenance still to come is on the status page), newest first, by month; beyond
 * one page, by year (months and years of the display zone).
 */
function historyPages(model: SiteModel): PageSpec[] {
  const locale = derive(model).locale;
  const all = model.past;
  const base: Omit<PageSpec, 'path' | 'data' | 'title'> = { template: 'history', nav: 'history', alternates: feedAlternates(locale), allows: { forms: true } };
  const title = locale.t('history.title');
  if (all.length <= HISTORY_PAGE_SIZE) {
    return [{ ...base, path: 'history/index.html', title, data: (h) => ({ months: groupByMonth(locale, all), years: [], year: null, pagination: null, more: null, total: all.length, uptime: uptimeTable(model, h, null) }) }];
  }
  // Long history: split by year (`history/<year>/`), each year paginated; the index shows the latest year(s).
  const years: { year: string; incidents: IncidentView[] }[] = [];
  for (const inc of all) {
    const year = locale.monthOf(inc.started).slice(0, 4);
    let y = years[years.length - 1];
    if (!y || y.year !== year) {
      y = { year, incidents: [] };
      years.push(y);
    }
    y.incidents.push(inc);
  }
  const yearLinks = (h: Helpers, current: string | null): YearLink[] =>
    years.map((y) => ({ year: y.year, count: y.incidents.length, url: h.url(`history/${y.year}/`), current: y.year === current }));

  const specs: PageSpec[] = [];
  let shown: IncidentView[] = [];
  let more: { year: string } | null = null;
  for (const y of years) {
    if (shown.length === 0 && y.incidents.length > HISTORY_PAGE_SIZE) {
      shown = y.incidents.slice(0, HISTORY_PAGE_SIZE);
      more = { year: y.year };
      break;
    }
    if (shown.length + y.incidents.length > HISTORY_PAGE_SIZE) break;
    shown = shown.concat(y.incidents);
  }
  const indexShown = shown;
  const indexMore = more;
  specs.push({
    ...base,
    path: 'history/index.html',
    title,
    data: (h) => ({
      months: groupByMonth(locale, indexShown),
      years: yearLinks(h, null),
      year: null,
      pagination: null,
      more: indexMore ? { url: h.url(pageFolder(`history/${indexMore.year}/`, 2)), label: locale.t('history.more', { year: indexMore.year }) } : null,
      total: all.length,
      uptime: uptimeTable(model, h, null),
    }),
  });
  for (const y of years) {
    const pages = chunk(y.incidents, HISTORY_PAGE_SIZE);
    pages.forEach((items, i) => {
      const folder = pageFolder(`history/${y.year}/`, i + 1);
      specs.push({
        ...base,
        path: outPath(folder),
        title: pages.length > 1 ? locale.t('history.title_year_page', { year: y.year, page: i + 1, pages: pages.length }) : locale.t('history.title_year', { year: y.year }),
        data: (h) => ({
          months: groupByMonth(locale, items),
          years: yearLinks(h, y.year),
          year: y.year,
          pagination: pages.length > 1 ? pagination(h, `history/${y.year}/`, i + 1, pages.length) : null,
          more: null,
          total: y.incidents.length,
          uptime: uptimeTable(model, h, y.year),
        }),
      });
    });
  }
  return specs;
}

function servicePages(model: SiteModel, d: Derived, svc: ServiceView): PageSpec[] {
  const incidents = idsToIncidents(model, d, svc.incidentIds);
  const pages = chunk(incidents, LIST_PAGE_SIZE);
  const base = `services/${svc.id}/`;
  const locale = d.locale;
  return pages.map((items, i) => ({
    path: outPath(pageFolder(base, i + 1)),
    template: 'service',
    title: i === 0 ? svc.name : locale.t('service.title_page', { service: svc.name, page: i + 1, pages: pages.length }),
    description: svc.description ?? locale.t('service.description', { service: svc.name }),
    nav: 'status',
    alternates: [{ type: 'application/atom+xml', sitePath: `${base}feed.xml`, title: locale.t('layout.feed_service', { service: svc.name }) }],
    data: (h) => ({ service: svc, incidents: items, count: incidents.length, pagination: pagination(h, base, i + 1, pages.length) }),
  }));
}

function actionsPages(model: SiteModel): PageSpec[] {
  const open = model.actions.filter(isOpenAction);
  const closed = model.actions.filter((a) => !isOpenAction(a));
  const counts = { open: open.length, overdue: open.filter((a) => a.overdue).length, closed: closed.length, total: model.actions.length };
  // Open items first; every page holds at most ACTIONS_PAGE_SIZE items.
  const pages = chunk([...open, ...closed], ACTIONS_PAGE_SIZE);
  const locale = derive(model).locale;
  return pages.map((items, i) => ({
    path: outPath(pageFolder('actions/', i + 1)),
    template: 'actions',
    title: i === 0 ? locale.t('actions.title') : locale.t('actions.title_page', { page: i + 1, pages: pages.length }),
    description: locale.t('actions.description'),
    nav: 'actions',
    data: (h) => ({
      open: items.filter(isOpenAction),
      closed: items.filter((a) => !isOpenAction(a)),
      counts,
      pagination: pagination(h, 'actions/', i + 1, pages.length),
    }),
  }));
}

function tagPages(model: SiteModel, d: Derived): PageSpec[] {
  const tags = [...model.tags.keys()].sort();
  const specs: PageSpec[] = [
    {
      path: 'tags/index.html',
      template: 'tags',
      title: d.locale.t('tags.title'),
      nav: 'tags',
      data: (h) => ({ tags: tags.map((tag) => ({ tag, count: idsToIncidents(model, d, model.tags.get(tag) ?? []).length, url: h.tagUrl(tag) })) }),
    },
  ];
  for (const tag of tags) {
    const incidents = idsToIncidents(model, d, model.tags.get(tag) ?? []);
    const pages = chunk(incidents, LIST_PAGE_SIZE);
    const base = `tags/${tag}/`;
    pages.forEach((items, i) => {
      specs.push({
        path: outPath(pageFolder(base, i + 1)),
        template: 'tag',
        title: i === 0 ? d.locale.t('tag.title', { tag }) : d.locale.t('tag.title_page', { tag, page: i + 1, pages: pages.length }),
        nav: 'tags',
        data: (h) => ({ tag, incidents: items, count: incidents.length, pagination: pagination(h, base, i + 1, pages.length) }),
      });
    });
  }
  return specs;
}

/**
 * Insights: all time (aggregates only, so the page does not grow with the history) and one page per year, whose
 * charts mark and link every incident. The year's incidents are part of the page's data, so that its key covers
 * the titles its marks show.
 */
function insightsPages(model: SiteModel): PageSpec[] {
  const years = insightYears(model.incidents);
  const links = (h: Helpers, current: string | null) => years.map((y) => ({ ...y, url: h.url(`insights/${y.year}/`), current: y.year === current }));
  const locale = derive(model).locale;
  const base = { template: 'insights', nav: 'insights' as const, description: locale.t('insights.description'), alternates: feedAlternates(locale) };
  const specs: PageSpec[] = [
    { ...base, path: 'insights/index.html', title: locale.t('insights.title'), data: (h) => ({ insights: modelInsights(model, null), year: null, years: links(h, null), severities: INCIDENT_SEVERITIES, incidents: [] }) },
  ];
  for (const { year } of years) {
    specs.push({
      ...base,
      path: `insights/${year}/index.html`,
      title: locale.t('insights.title_year', { year }),
      data: (h) => ({
        insights: modelInsights(model, year),
        year,
        years: links(h, year),
        severities: INCIDENT_SEVERITIES,
        incidents: model.incidents.filter((i) => !i.isMaintenance && String(new Date(i.started).getUTCFullYear()) === year),
      }),
    });
  }
  return specs;
}

function notFoundPage(locale: Locale): PageSpec {
  return { path: '404.html', template: '404', title: locale.t('notfound.title'), nav: null, absolute: true, noindex: true, alternates: feedAlternates(locale), data: () => ({}) };
}

export function listPageSpecs(model: SiteModel): PageSpec[] {
  const d = derive(model);
  return [
    statusPage(d.locale),
    ...historyPages(model),
    ...model.services.flatMap((s) => servicePages(model, d, s)),
    ...actionsPages(model),
    ...tagPages(model, d),
    ...insightsPages(model),
    searchPage(model, d.locale),
    notFoundPage(d.locale),
  ];
}

/** List page specs by output path, computed once per model (`renderPage` is called once per page by `dev`). */
const listSpecCache = new WeakMap<SiteModel, Map<string, PageSpec>>();

export function listSpecByPath(model: SiteModel, outputPath: string): PageSpec | undefined {
  let specs = listSpecCache.get(model);
  if (!specs) {
    specs = new Map(listPageSpecs(model).map((s) => [s.path, s]));
    listSpecCache.set(model, specs);
  }
  return specs.get(outputPath);
}

export function allPageSpecs(model: SiteModel): PageSpec[] {
  return [...listPageSpecs(model), ...model.incidents.map((inc) => incidentPage(model, inc))];
}

