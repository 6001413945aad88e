/**
 * HTML pages of the site, rendered with eta from `templates/`.
 *
 * - Templates are the built-in ones (`templates/` of this package) merged with the user's
 *   (`<root>/templates/`): a user file with the same relative path replaces ours, extra user files are added.
 *   Same for static assets in `templates/assets/`.
 * - Every template is compiled once, when the renderer is created; rendering is synchronous and pure.
 * - Interpolations are escaped (`<%= %>`); only sanitized HTML (`bodyHtml`, `rootCauseHtml`, `timelineHtml`)
 *   and constant markup built by the helpers below is inserted raw (`<%~ %>`).
 * - Every internal link is relative to the page (works at a root and under a sub-path), except on `404.html`,
 *   which hosts serve at any depth: there links are absolute, built from `config.basePath`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../core/paths.js';
import { Eta } from 'eta/core';
import { dateUtc, formatDuration, formatPercent, humanDate, humanUtc, isoUtc, label, monthName, monthUtc } from '../core/format.js';
import type {
  ActionView,
  ComponentStatus,
  DayBucket,
  Impact,
  IncidentView,
  OutputFile,
  PendingFile,
  ServiceView,
  SiteModel,
  TimelineEntry,
} from '../core/model.js';
import { COMPONENT_STATUSES } from '../core/model.js';
import { isOverdue } from '../site/model.js';

// ---------------------------------------------------------------------------------------------
// Public types

export interface RendererOptions {
  /** Project root (the folder holding `site.yaml`); `<root>/templates/` overrides the built-in templates. */
  root: string;
}

export interface TemplateSource {
  /** Name used by `include`/`layout`, e.g. `layout`, `partials/uptime-bar`. */
  name: string;
  origin: 'builtin' | 'user';
  /** Absolute path of the file it was read from. */
  file: string;
}

export interface Renderer {
  /** The templates in use (built-in merged with the user's), sorted by name. */
  readonly templates: readonly TemplateSource[];
  /** Every HTML page plus the static assets, sorted by path. Deterministic. */
  renderSite(model: SiteModel): OutputFile[];
  /**
   * The same files, not rendered yet (see `PendingFile`), in no particular order. An incident's page has a key
   * when its view has a fingerprint: the key covers the templates, the assets, the site configuration and the
   * fingerprints of the incident and its neighbours; with a user's templates, which may show anything of the
   * site, it covers every incident and "now" too.
   */
  pendingSite(model: SiteModel): PendingFile[];
  /** The page of one incident (`incidents/<id>/index.html`). Throws when the id is unknown. */
  renderIncident(model: SiteModel, id: string): OutputFile;
  /** Every page that lists incidents: status page, history, services, actions, tags, and `404.html`. */
  renderListPages(model: SiteModel): OutputFile[];
  /**
   * What to re-render when one incident changed (dev server): its page, the pages of its previous and
   * next incidents (they show its title), and every list page. Sorted by path.
   */
  renderForIncident(model: SiteModel, id: string): OutputFile[];
  /** Static assets (`assets/…`), ours merged with the user's. */
  renderAssets(): OutputFile[];
  /** One page by its output path (`history/2024/index.html`), or null when the site has no such page. */
  renderPage(model: SiteModel, outputPath: string): OutputFile | null;
  /** Output paths of every HTML page, sorted (for a sitemap, or to prune stale pages). No rendering. */
  pagePaths(model: SiteModel): string[];
}

/** What every template receives as `it` (page templates also get the fields listed in TEMPLATES). */
export interface PageData {
  site: SiteModel;
  page: PageMeta;
  h: Helpers;
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
  nav: 'status' | 'history' | 'actions' | 'tags' | null;
  noindex: boolean;
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

export interface UpdateView {
  at: number;
  status: string | undefined;
  /** Sanitized HTML of the entry's text (or its escaped text when no HTML was rendered). */
  html: string;
}

export interface MonthGroup {
  /** `YYYY-MM` */
  month: string;
  /** `May 2020` */
  label: string;
  incidents: IncidentView[];
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
  { name: 'incident', kind: 'page', data: 'incident: IncidentView, updates: UpdateView[] (newest first), timeline: UpdateView[] (time order), affected: {id, name, impact, url}[], prev/next: IncidentView|null' },
  { name: 'history', kind: 'page', data: 'months: MonthGroup[], years: YearLink[], year: string|null, pagination: Pagination|null, more: {url,label}|null, total: number' },
  { name: 'service', kind: 'page', data: 'service: ServiceView, incidents: IncidentView[] (this page), count: number (all), pagination: Pagination' },
  { name: 'actions', kind: 'page', data: 'open: ActionView[], closed: ActionView[] (this page), counts: {open, overdue, closed, total} (all), pagination: Pagination' },
  { name: 'tags', kind: 'page', data: 'tags: {tag, count, url}[]' },
  { name: 'tag', kind: 'page', data: 'tag: string, incidents: IncidentView[] (this page), count: number (all), pagination: Pagination' },
  { name: '404', kind: 'page', data: '(nothing more; links are absolute from config.basePath)' },
  { name: 'partials/header', kind: 'partial', data: 'site, page, h' },
  { name: 'partials/footer', kind: 'partial', data: 'site, page, h' },
  { name: 'partials/status', kind: 'partial', data: 'status: ComponentStatus | TimelineStatus' },
  { name: 'partials/severity', kind: 'partial', data: 'incident: IncidentView' },
  { name: 'partials/incident-card', kind: 'partial', data: 'incident: IncidentView (active incident or maintenance, with its latest update)' },
  { name: 'partials/incident-list', kind: 'partial', data: 'incidents: IncidentView[]' },
  { name: 'partials/uptime-bar', kind: 'partial', data: 'service: ServiceView' },
  { name: 'partials/actions-table', kind: 'partial', data: 'actions: (Action | ActionView)[], showIncident: boolean, caption: string' },
  { name: 'partials/pagination', kind: 'partial', data: 'pagination: Pagination | null' },
];

/** Page sizes: no page grows with the whole history. */
export const HISTORY_PAGE_SIZE = 100;
export const LIST_PAGE_SIZE = 50;
export const ACTIONS_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------
// Helpers available to templates as `it.h`

const SEVERITY_LABEL: Record<string, string> = {
  critical: 'Critical',
  major: 'Major',
  minor: 'Minor',
  notice: 'Notice',
  maintenance: 'Maintenance',
};
const PRIORITY_LABEL: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };
const KIND_LABEL: Record<string, string> = { prevent: 'Prevent', mitigate: 'Mitigate', detect: 'Detect', process: 'Process' };
const WORST_FIRST: readonly string[] = COMPONENT_STATUSES;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Per-model lookups, computed once per model. */
interface Derived {
  serviceById: Map<string, ServiceView>;
  order: Map<string, number>;
  today: string;
}

const derivedCache = new WeakMap<SiteModel, Derived>();

function derive(model: SiteModel): Derived {
  let d = derivedCache.get(model);
  if (!d) {
    d = {
      serviceById: new Map(model.services.map((s) => [s.id, s])),
      order: new Map(model.incidents.map((inc, i) => [inc.id, i])),
      today: dateUtc(model.now),
    };
    derivedCache.set(model, d);
  }
  return d;
}

/** Helpers bound to one page (links are relative to it). Everything returns plain text unless it says HTML. */
export class Helpers {
  constructor(
    private readonly model: SiteModel,
    /** Prefix reaching the site root from the page. */
    readonly root: string,
    private readonly derived: Derived,
    private readonly assetVersions: ReadonlyMap<string, string>,
    /** Folder of the page (`incidents/x/`), or null when links are absolute (404.html). */
    private readonly dir: string | null = null,
  ) {}

  /** Link to a site-relative path (`history/`, `incidents/x/`, `''` for the status page), as short as possible. */
  url(sitePath: string): string {
    return this.dir === null ? this.root + sitePath : relativeUrl(this.dir, sitePath);
  }
  asset(name: string): string {
    const v = this.assetVersions.get(name);
    return this.url(`assets/${name}`) + (v ? `?v=${v}` : '');
  }
  incidentUrl(id: string): string {
    return this.url(`incidents/${encodeURIComponent(id)}/`);
  }
  serviceUrl(id: string): string {
    return this.url(`services/${encodeURIComponent(id)}/`);
  }
  tagUrl(tag: string): string {
    return this.url(`tags/${encodeURIComponent(tag)}/`);
  }

  incident(id: string): IncidentView | undefined {
    return this.model.byId.get(id);
  }
  service(id: string): ServiceView | undefined {
    return this.derived.serviceById.get(id);
  }
  serviceName(id: string): string {
    return this.derived.serviceById.get(id)?.name ?? id;
  }

  iso(ms: number): string {
    return isoUtc(ms);
  }
  human(ms: number): string {
    return humanUtc(ms);
  }
  /** `29 May 2020` from an instant or a `YYYY-MM-DD` date. */
  date(x: number | string): string {
    return humanDate(x);
  }
  /** HTML: `<time datetime="2020-05-29T16:21:00Z">29 May 2020, 16:21 UTC</time>` (no user data inside). */
  time(ms: number): string {
    return `<time datetime="${isoUtc(ms)}">${humanUtc(ms)}</time>`;
  }
  /** HTML: `<time datetime="2020-05-29">29 May 2020</time>` for an instant or a date. */
  dateTime(x: number | string): string {
    const d = typeof x === 'number' ? dateUtc(x) : x;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return escapeHtml(String(x));
    return `<time datetime="${d}">${humanDate(d)}</time>`;
  }
  duration(ms: number | null | undefined): string {
    return ms === null || ms === undefined ? '—' : formatDuration(ms);
  }
  percent(p: number | null): string {
    return formatPercent(p);
  }
  label(value: string | null | undefined): string {
    return value ? label(value) : '';
  }
  severity(sev: string): string {
    return SEVERITY_LABEL[sev] ?? sev;
  }
  priority(p: string | undefined): string {
    return p ? (PRIORITY_LABEL[p] ?? p) : '—';
  }
  kind(k: string | undefined): string {
    return k ? (KIND_LABEL[k] ?? k) : '—';
  }
  month(yyyyMm: string): string {
    return monthName(yyyyMm);
  }
  plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
  }
  /** A link target that can never run script: http(s) URLs only, else null. */
  safeHref(url: string | undefined | null): string | null {
    if (!url) return null;
    const s = url.trim();
    if (!/^https?:\/\//i.test(s)) return null;
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch {
      return null;
    }
  }
  /** An action still to do whose due date has passed (`ActionView.overdue` when present). */
  overdue(a: { status: string; due?: string; overdue?: boolean }): boolean {
    return typeof a.overdue === 'boolean' ? a.overdue : isOverdue(a, this.derived.today);
  }
  isOpen(a: { status: string }): boolean {
    return a.status === 'open' || a.status === 'in_progress';
  }
  /** Worst current status among services. */
  worst(services: ServiceView[]): ComponentStatus {
    let best = WORST_FIRST.length - 1;
    for (const s of services) best = Math.min(best, Math.max(0, WORST_FIRST.indexOf(s.status)));
    return WORST_FIRST[best] as ComponentStatus;
  }
  /** The services an incident affects, with their display names and impact. */
  affected(inc: IncidentView): { id: string; name: string; impact: Impact | null; url: string }[] {
    return inc.services.map((s) => ({ id: s.id, name: this.serviceName(s.id), impact: s.impact, url: this.serviceUrl(s.id) }));
  }
  /** Public status updates, newest first, with their sanitized HTML. */
  updates(inc: IncidentView): UpdateView[] {
    return inc.updates.map((u) => ({ at: u.at, status: u.status, html: entryHtml(inc, u) }));
  }
  /** The timeline in time order with sanitized HTML. */
  timeline(inc: IncidentView): UpdateView[] {
    return inc.timeline.map((e, i) => ({ at: e.at, status: e.status, html: inc.timelineHtml[i] ?? escapeHtml(e.text) }));
  }
  /** "Lasted 4 h 17 min", "Ongoing for 2 h"; maintenance: "Planned window 2 h", "In progress for 1 h of 2 h". */
  durationText(inc: IncidentView): string {
    const now = this.model.now;
    if (inc.isMaintenance) {
      const window = inc.resolved !== undefined ? formatDuration(inc.resolved - inc.started) : null;
      if (inc.upcoming) return window ? `Planned window ${window}` : 'Planned, no end set';
      if (inc.ongoing) return `In progress for ${formatDuration(now - inc.started)}${window ? ` of ${window}` : ''}`;
      return window ? `Lasted ${window}` : '';
    }
    if (inc.ongoing) return `Ongoing for ${formatDuration(inc.durationMs ?? now - inc.started)}`;
    if (inc.durationMs !== null) return `Lasted ${formatDuration(inc.durationMs)}`;
    return '';
  }
  /** "47 min downtime" / "No downtime". */
  downtime(minutes: number): string {
    return minutes > 0 ? `${formatDuration(minutes * 60_000)} downtime` : 'No downtime';
  }
  /** CSS class of a day cell: colour by the day's downtime (see docs/templates.md). */
  cellClass(day: DayBucket): string {
    if (day.worst === null) return 'c-none';
    const m = day.downtimeMinutes;
    if (m >= 120) return 'c-red';
    if (m >= 30) return 'c-orange';
    if (m > 0 || day.worst === 'degraded_performance') return 'c-yellow';
    if (day.worst === 'under_maintenance') return 'c-blue';
    if (day.worst !== 'operational') return 'c-yellow';
    return 'c-green';
  }
  /** What a day cell says (date, impact, downtime, incidents), as plain text. */
  cellText(day: DayBucket): string {
    const parts = [humanDate(day.date)];
    if (day.worst === null) {
      parts.push('no data (before the service started)');
      return parts.join(': ');
    }
    const status = day.worst !== 'operational' ? `${label(day.worst)}, ` : '';
    let text = `${parts[0]}: ${status}${this.downtime(day.downtimeMinutes).replace(/^No/, 'no')}`;
    const titles = day.incidents.map((id) => this.model.byId.get(id)?.title).filter((t): t is string => !!t);
    if (titles.length) {
      const shown = titles.slice(0, 3).join('; ');
      text += `; ${this.plural(titles.length, 'incident')}: ${shown}${titles.length > 3 ? ` and ${titles.length - 3} more` : ''}`;
    }
    return text;
  }
  /** Link of a day cell with incidents: its first published incident, else null. */
  cellHref(day: DayBucket): string | null {
    const id = day.incidents.find((i) => this.model.byId.has(i));
    return id ? this.incidentUrl(id) : null;
  }
  /** HTML: sanitized HTML with its headings shifted so that the highest becomes `<h{top}>` (one h1 per page, no skipped level). */
  headings(html: string, top: number): string {
    let min = 7;
    for (const m of html.matchAll(/<h([1-6])[\s>]/g)) min = Math.min(min, Number(m[1]));
    if (min === 7 || min === top) return html;
    const shift = top - min;
    return html.replace(/<(\/?)h([1-6])([\s>])/g, (_m, slash: string, n: string, rest: string) => `<${slash}h${Math.max(1, Math.min(6, Number(n) + shift))}${rest}`);
  }
}

/**
 * The shortest relative URL from a page in folder `fromDir` (`incidents/x/`, `''` at the root) to a site path
 * (`history/`, `feed.xml`, `''`): `../../history/`, `../y/`, `./`.
 */
export function relativeUrl(fromDir: string, to: string): string {
  const from = fromDir ? fromDir.slice(0, -1).split('/') : [];
  const toDir = to === '' || to.endsWith('/');
  const parts = to === '' ? [] : (toDir ? to.slice(0, -1) : to).split('/');
  const max = toDir ? parts.length : parts.length - 1;
  let i = 0;
  while (i < from.length && i < max && from[i] === parts[i]) i++;
  const rest = parts.slice(i).join('/');
  return '../'.repeat(from.length - i) + (rest && toDir ? `${rest}/` : rest) || './';
}

function entryHtml(inc: IncidentView, u: TimelineEntry): string {
  let i = inc.timeline.indexOf(u);
  if (i < 0) i = inc.timeline.findIndex((e) => e.at === u.at && e.text === u.text && e.status === u.status);
  return (i >= 0 ? inc.timelineHtml[i] : undefined) ?? escapeHtml(u.text);
}

// ---------------------------------------------------------------------------------------------
// Pages

interface PageSpec {
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

function groupByMonth(incidents: readonly IncidentView[]): MonthGroup[] {
  const groups: MonthGroup[] = [];
  for (const inc of incidents) {
    const month = monthUtc(inc.started);
    let g = groups[groups.length - 1];
    if (!g || g.month !== month) {
      g = { month, label: monthName(month), incidents: [] };
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

const FEED_ALTERNATES = [
  { type: 'application/atom+xml', sitePath: 'feed.xml', title: 'Incidents (Atom)' },
  { type: 'application/feed+json', sitePath: 'feed.json', title: 'Incidents (JSON Feed)' },
];

function statusPage(): PageSpec {
  return { path: 'index.html', template: 'status', title: '', nav: 'status', alternates: FEED_ALTERNATES, data: () => ({}) };
}

function incidentPage(model: SiteModel, inc: IncidentView): PageSpec {
  return {
    path: outPath(`incidents/${inc.id}/`),
    template: 'incident',
    title: inc.title,
    description: inc.summary,
    nav: 'history',
    noindex: inc.draft,
    alternates: FEED_ALTERNATES,
    data: (h) => ({
      incident: inc,
      updates: h.updates(inc),
      timeline: h.timeline(inc),
      affected: h.affected(inc),
      prev: inc.prevId ? (model.byId.get(inc.prevId) ?? null) : null,
      next: inc.nextId ? (model.byId.get(inc.nextId) ?? null) : null,
    }),
  };
}

function historyPages(model: SiteModel): PageSpec[] {
  const all = model.incidents;
  const base: Omit<PageSpec, 'path' | 'data' | 'title'> = { template: 'history', nav: 'history', alternates: FEED_ALTERNATES };
  if (all.length <= HISTORY_PAGE_SIZE) {
    return [{ ...base, path: 'history/index.html', title: 'Incident history', data: () => ({ months: groupByMonth(all), years: [], year: null, pagination: null, more: null, total: all.length }) }];
  }
  // Long history: split by year (`history/<year>/`), each year paginated; the index shows the latest year(s).
  const years: { year: string; incidents: IncidentView[] }[] = [];
  for (const inc of all) {
    const year = String(new Date(inc.started).getUTCFullYear());
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
    title: 'Incident history',
    data: (h) => ({
      months: groupByMonth(indexShown),
      years: yearLinks(h, null),
      year: null,
      pagination: null,
      more: indexMore ? { url: h.url(pageFolder(`history/${indexMore.year}/`, 2)), label: `More incidents from ${indexMore.year}` } : null,
      total: all.length,
    }),
  });
  for (const y of years) {
    const pages = chunk(y.incidents, HISTORY_PAGE_SIZE);
    pages.forEach((items, i) => {
      const folder = pageFolder(`history/${y.year}/`, i + 1);
      specs.push({
        ...base,
        path: outPath(folder),
        title: pages.length > 1 ? `Incident history ${y.year}, page ${i + 1} of ${pages.length}` : `Incident history ${y.year}`,
        data: (h) => ({
          months: groupByMonth(items),
          years: yearLinks(h, y.year),
          year: y.year,
          pagination: pages.length > 1 ? pagination(h, `history/${y.year}/`, i + 1, pages.length) : null,
          more: null,
          total: y.incidents.length,
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
  return pages.map((items, i) => ({
    path: outPath(pageFolder(base, i + 1)),
    template: 'service',
    title: i === 0 ? svc.name : `${svc.name}, incidents page ${i + 1} of ${pages.length}`,
    description: svc.description ?? `Status, uptime and incidents of ${svc.name}`,
    nav: 'status',
    alternates: [{ type: 'application/atom+xml', sitePath: `${base}feed.xml`, title: `${svc.name} incidents (Atom)` }],
    data: (h) => ({ service: svc, incidents: items, count: incidents.length, pagination: pagination(h, base, i + 1, pages.length) }),
  }));
}

function actionsPages(model: SiteModel): PageSpec[] {
  const isOpen = (a: ActionView) => a.status === 'open' || a.status === 'in_progress';
  const open = model.actions.filter(isOpen);
  const closed = model.actions.filter((a) => !isOpen(a));
  const counts = { open: open.length, overdue: open.filter((a) => a.overdue).length, closed: closed.length, total: model.actions.length };
  // Open items first; every page holds at most ACTIONS_PAGE_SIZE items.
  const pages = chunk([...open, ...closed], ACTIONS_PAGE_SIZE);
  return pages.map((items, i) => ({
    path: outPath(pageFolder('actions/', i + 1)),
    template: 'actions',
    title: i === 0 ? 'Action items' : `Action items, page ${i + 1} of ${pages.length}`,
    description: 'Follow-up work from every incident, open items first',
    nav: 'actions',
    data: (h) => ({
      open: items.filter(isOpen),
      closed: items.filter((a) => !isOpen(a)),
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
      title: 'Tags',
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
        title: i === 0 ? `Tagged “${tag}”` : `Tagged “${tag}”, page ${i + 1} of ${pages.length}`,
        nav: 'tags',
        data: (h) => ({ tag, incidents: items, count: incidents.length, pagination: pagination(h, base, i + 1, pages.length) }),
      });
    });
  }
  return specs;
}

function notFoundPage(): PageSpec {
  return { path: '404.html', template: '404', title: 'Page not found', nav: null, absolute: true, noindex: true, alternates: FEED_ALTERNATES, data: () => ({}) };
}

function listPageSpecs(model: SiteModel): PageSpec[] {
  const d = derive(model);
  return [
    statusPage(),
    ...historyPages(model),
    ...model.services.flatMap((s) => servicePages(model, d, s)),
    ...actionsPages(model),
    ...tagPages(model, d),
    notFoundPage(),
  ];
}

/** List page specs by output path, computed once per model (`renderPage` is called once per page by `dev`). */
const listSpecCache = new WeakMap<SiteModel, Map<string, PageSpec>>();

function listSpecByPath(model: SiteModel, outputPath: string): PageSpec | undefined {
  let specs = listSpecCache.get(model);
  if (!specs) {
    specs = new Map(listPageSpecs(model).map((s) => [s.path, s]));
    listSpecCache.set(model, specs);
  }
  return specs.get(outputPath);
}

function allPageSpecs(model: SiteModel): PageSpec[] {
  return [...listPageSpecs(model), ...model.incidents.map((inc) => incidentPage(model, inc))];
}

/**
 * For the key of a list page: an incident view stands for its fingerprint (which covers every field of it); so
 * does an incident named by id in a day of an uptime bar (the bar shows its title: `Helpers.cellText`); Maps
 * and Sets stand for their entries (JSON would drop them).
 */
function dataKeyReplacer(model: SiteModel) {
  const fp = (id: string) => `incident:${model.byId.get(id)?.fingerprint ?? id}`;
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (value instanceof Map || value instanceof Set) return [...value];
    if (value === null || typeof value !== 'object') return value;
    if (typeof (value as IncidentView).fingerprint === 'string' && typeof (value as IncidentView).id === 'string' && 'prevId' in value) return fp((value as IncidentView).id);
    if ('downtimeMinutes' in value && Array.isArray((value as DayBucket).incidents)) return { ...value, incidents: (value as DayBucket).incidents.map(fp) };
    return value;
  };
}

// ---------------------------------------------------------------------------------------------
// Loading templates and assets

/** `templates/` of this package: the compiled module is `build/src/render.js`, the package root two levels up. */
export const BUILTIN_TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

const TEXT_ASSET = /\.(css|js|mjs|svg|txt|json|xml|html|map|webmanifest)$/i;

export async function createRenderer(opts: RendererOptions): Promise<Renderer> {
  const userDir = path.join(opts.root, 'templates');
  const sources = new Map<string, TemplateSource & { text: string }>();
  const assets = new Map<string, string>();
  for (const [dir, origin] of [
    [BUILTIN_TEMPLATES_DIR, 'builtin'],
    [userDir, 'user'],
  ] as const) {
    for (const rel of await listFiles(dir)) {
      const file = path.join(dir, rel);
      if (rel.startsWith('assets/')) assets.set(rel, file);
      else if (rel.endsWith('.eta')) sources.set(rel.slice(0, -4), { name: rel.slice(0, -4), origin, file, text: await readFile(file, 'utf8') });
    }
  }

  const eta = new Eta({ autoEscape: true, autoTrim: false, rmWhitespace: true, cache: true, varName: 'it' });
  for (const t of sources.values()) {
    try {
      eta.loadTemplate(t.name, t.text);
    } catch (e) {
      throw new Error(`template ${t.file}: ${(e as Error).message}`, { cause: e });
    }
  }
  for (const required of ['layout', 'status', 'incident', 'history', 'service', 'actions', 'tags', 'tag', '404']) {
    if (!sources.has(required)) throw new Error(`template "${required}.eta" not found in ${BUILTIN_TEMPLATES_DIR} or ${userDir}`);
  }

  const assetFiles: OutputFile[] = [];
  const assetVersions = new Map<string, string>();
  for (const [rel, file] of [...assets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bytes = await readFile(file);
    assetFiles.push({ path: rel, content: TEXT_ASSET.test(rel) ? bytes.toString('utf8') : new Uint8Array(bytes) });
    assetVersions.set(rel.slice('assets/'.length), createHash('sha256').update(bytes).digest('hex').slice(0, 10));
  }

  const templates: TemplateSource[] = [...sources.values()]
    .map(({ name, origin, file }) => ({ name, origin, file }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  function render(model: SiteModel, spec: PageSpec): OutputFile {
    return renderPrepared(spec, prepare(model, spec));
  }

  /** Everything a page's template receives. */
  function prepare(model: SiteModel, spec: PageSpec): PageData {
    const d = derive(model);
    const root = spec.absolute ? model.config.basePath : '../'.repeat(spec.path.split('/').length - 1);
    const url = spec.path.replace(/[^/]*$/, '');
    const h = new Helpers(model, root, d, assetVersions, spec.absolute ? null : url);
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
      noindex: spec.noindex ?? false,
    };
    return { ...spec.data(h), site: model, page, h };
  }

  function renderPrepared(spec: PageSpec, data: PageData): OutputFile {
    try {
      return { path: spec.path, content: eta.render(spec.template, data) };
    } catch (e) {
      throw new Error(`rendering ${spec.path} with template "${spec.template}": ${(e as Error).message}`, { cause: e });
    }
  }

  const byPath = (a: OutputFile, b: OutputFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

  const templatesHash = createHash('sha256');
  for (const t of [...sources.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) templatesHash.update(`${t.name}\0${t.origin}\0${t.text}\0`);
  for (const [name, version] of [...assetVersions].sort(([a], [b]) => (a < b ? -1 : 1))) templatesHash.update(`${name}\0${version}\0`);
  const templatesKey = templatesHash.digest('base64url');
  const userPages = [...sources.values()].some((t) => t.origin === 'user');
  /** What every incident page shares, per model. */
  const siteKeys = new WeakMap<SiteModel, string>();
  const siteKey = (model: SiteModel): string => {
    let k = siteKeys.get(model);
    if (k === undefined) {
      const h = createHash('sha256').update(`${templatesKey}\0${JSON.stringify(model.config)}\0tags:${model.tags.size > 0}\0`);
      if (userPages) {
        h.update(`now:${model.now}\0`);
        for (const inc of model.incidents) h.update(`${inc.id}:${inc.fingerprint ?? 'none'}\0`);
      }
      siteKeys.set(model, (k = h.digest('base64url')));
    }
    return k;
  };
  const incidentPageKey = (model: SiteModel, inc: IncidentView): string | undefined => {
    if (inc.fingerprint === undefined) return undefined;
    const fp = (id: string | null) => (id === null ? '-' : (model.byId.get(id)?.fingerprint ?? null));
    const prev = fp(inc.prevId);
    const next = fp(inc.nextId);
    if (prev === null || next === null) return undefined;
    return createHash('sha256').update(`${siteKey(model)}\0${inc.fingerprint}\0${prev}\0${next}`).digest('base64url');
  };

  const renderer: Renderer = {
    templates,
    renderSite(model) {
      return renderer
        .pendingSite(model)
        .map((f) => ({ path: f.path, content: f.render() }))
        .sort(byPath);
    },
    pendingSite(model) {
      const constant = (f: OutputFile): PendingFile => ({ path: f.path, render: () => f.content });
      const page = (spec: PageSpec, key?: string): PendingFile => ({ path: spec.path, ...(key !== undefined ? { key } : {}), render: () => render(model, spec).content });
      const keyed = model.incidents.every((inc) => inc.fingerprint !== undefined);
      /** A list page: keyed by what its template receives (incidents by their fingerprints) and "now". */
      const replacer = dataKeyReplacer(model);
      const listPage = (spec: PageSpec): PendingFile => {
        if (!keyed || spec.template === 'status' || spec.absolute) return page(spec);
        const data = prepare(model, spec);
        const { site: _site, h: _h, ...own } = data;
        const key = createHash('sha256').update(`${siteKey(model)}\0list\0${model.now}\0${JSON.stringify(own, replacer)}`).digest('base64url');
        return { path: spec.path, key, render: () => renderPrepared(spec, data).content };
      };
      return [
        ...assetFiles.map(constant),
        ...listPageSpecs(model).map(listPage),
        ...model.incidents.map((inc) => page(incidentPage(model, inc), incidentPageKey(model, inc))),
      ];
    },
    renderIncident(model, id) {
      const inc = model.byId.get(id);
      if (!inc) throw new Error(`unknown incident "${id}"`);
      return render(model, incidentPage(model, inc));
    },
    renderListPages(model) {
      return listPageSpecs(model)
        .map((s) => render(model, s))
        .sort(byPath);
    },
    renderForIncident(model, id) {
      const out = renderer.renderListPages(model);
      const inc = model.byId.get(id);
      if (inc) {
        for (const n of new Set([id, inc.prevId, inc.nextId])) if (n && model.byId.has(n)) out.push(renderer.renderIncident(model, n));
      }
      return out.sort(byPath);
    },
    renderAssets() {
      return assetFiles.slice();
    },
    renderPage(model, outputPath) {
      const m = /^incidents\/([^/]+)\/index\.html$/.exec(outputPath);
      if (m) {
        const inc = model.byId.get(m[1]!);
        return inc ? render(model, incidentPage(model, inc)) : null;
      }
      const spec = listSpecByPath(model, outputPath);
      return spec ? render(model, spec) : null;
    },
    pagePaths(model) {
      return allPageSpecs(model)
        .map((s) => s.path)
        .sort();
    },
  };
  return renderer;
}
