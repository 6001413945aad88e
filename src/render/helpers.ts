/**
 * The helpers templates receive as `it.h`, bound to one page: links relative to it, strings of the site's language,
 * dates, times and durations as readers see them (the display zone, the clock), labels, and the few decisions
 * templates share (an uptime cell's colour and text, …). Everything returns plain text unless it says HTML.
 */
import type { ComponentStatus, Impact, TimelineEntry } from '../core/model.js';
import { isOpenAction, isOverdue } from '../core/actions.js';
import { worstStatus } from '../core/status.js';
import { escapeHtml, plural } from '../core/text.js';
import { relativeUrl } from '../core/url.js';
import { dateUtc, formatDuration, formatPercent, humanDate, humanUtc, isoUtc, monthName } from '../core/format.js';
import { html, Html, siteLocale, type Locale, type Params } from '../core/locale.js';
import { rebaseHtml } from '../core/images.js';
import { RECENT_DAYS, type DayBucket, type IncidentView, type ServiceView, type SiteModel } from '../site/index.js';
import { detectionLabel, label } from './labels.js';
import { InsightHelpers } from './insight-helpers.js';

/** A status update or timeline entry with its sanitized HTML. */
export interface UpdateView {
  at: number;
  status: string | undefined;
  /** Sanitized HTML of the entry's text (or its escaped text when no HTML was rendered), addresses relative to the page. */
  html: string;
  /** The impact changes the entry makes (empty: none), with the services' display names. */
  changes: { id: string; name: string; impact: ComponentStatus }[];
  /** An internal entry (the internal site only). */
  internal?: true;
}

/** One service's impact phases as the incident page shows them. */
export interface PhaseRow {
  id: string;
  name: string;
  url: string;
  /** Time with an impact (up to now while ongoing). */
  impactedMs: number;
  phases: { start: number; end: number | null; impact: ComponentStatus }[];
  /** The strip: one rectangle per phase, x and width in 0–1000 of the incident's span (all services share it). */
  bars: { x: number; width: number; impact: ComponentStatus }[];
}


/** Per-model lookups, computed once per model. */
export interface Derived {
  serviceById: Map<string, ServiceView>;
  order: Map<string, number>;
  today: string;
  /** The site's language, display zone and clock. */
  locale: Locale;
}

const derivedCache = new WeakMap<SiteModel, Derived>();

export function derive(model: SiteModel): Derived {
  let d = derivedCache.get(model);
  if (!d) {
    d = {
      serviceById: new Map(model.services.map((s) => [s.id, s])),
      order: new Map(model.incidents.map((inc, i) => [inc.id, i])),
      today: dateUtc(model.now),
      locale: siteLocale(model.config),
    };
    derivedCache.set(model, d);
  }
  return d;
}

/** Helpers bound to one page (links are relative to it). Everything returns plain text unless it says HTML. */
export class Helpers {
  readonly locale: Locale;

  constructor(
    private readonly model: SiteModel,
    /** Prefix reaching the site root from the page. */
    readonly root: string,
    private readonly derived: Derived,
    private readonly assetVersions: ReadonlyMap<string, string>,
    /** Folder of the page (`incidents/x/`), or null when links are absolute (404.html). */
    private readonly dir: string | null = null,
  ) {
    this.locale = derived.locale;
  }

  // ---------------------------------------------------------------------------------------------
  // Strings (see docs/templates.md, "Strings and languages")

  /** The text of a catalogue key in the site's language, parameters filled in (plain text: insert with `<%= %>`). */
  t(key: string, params?: Params): string {
    return this.locale.t(key, params);
  }
  /** HTML: the same, escaped, with `Html` parameters (the output of HTML helpers, `raw(…)`) inserted as they are. */
  th(key: string, params?: Params): Html {
    return this.locale.th(key, params);
  }
  /** Mark a piece of trusted HTML (a helper's output, built markup) for `th` and `listHtml`. */
  raw(markup: string | Html): Html {
    return markup instanceof Html ? markup : html(markup);
  }
  /** `a, b and c` in the site's language; `unit` joins without "and" (`a, b, c`). */
  list(items: readonly string[], type: 'conjunction' | 'unit' = 'conjunction'): string {
    return this.locale.list(items, type);
  }
  /** Escape text for HTML (for markup built in a template and passed to `th` through `raw`). */
  escape(text: string): string {
    return escapeHtml(String(text));
  }
  /** HTML: a link `<a class="…" href="…">text</a>`, everything escaped. */
  link(href: string, text: string, className?: string): Html {
    return html(`<a${className ? ` class="${escapeHtml(className)}"` : ''} href="${escapeHtml(href)}">${escapeHtml(text)}</a>`);
  }
  /** How many days "Past N days" on the status page covers (`site.recent`). */
  get recentDays(): number {
    return RECENT_DAYS;
  }
  /** HTML: a list of HTML items (`Html`) or texts (escaped), joined in the site's language; `unit` joins without "and". */
  listHtml(items: readonly (string | Html)[], type: 'conjunction' | 'unit' = 'conjunction'): Html {
    const parts = this.locale.listFormat(type).formatToParts(items.map((_, i) => String(i)));
    let k = 0;
    return html(
      parts
        .map((p) => {
          if (p.type === 'literal') return escapeHtml(p.value);
          const item = items[k++]!;
          return item instanceof Html ? String(item) : escapeHtml(item);
        })
        .join(''),
    );
  }
  /** HTML: ` lang="en"` when the incident's text (an incident or its id) is in another language than the page, else nothing. */
  lang(incident: IncidentView | string | null | undefined): Html {
    const inc = typeof incident === 'string' ? this.model.byId.get(incident) : incident;
    return html(inc && inc.lang !== this.locale.language ? ` lang="${escapeHtml(inc.lang)}"` : '');
  }
  /** HTML: ` lang="…"` for the project's words gathered from many incidents (factors), when `content_language` is not the site's language. */
  contentLang(): Html {
    const c = this.model.config.contentLanguage;
    return html(c && c !== this.locale.language ? ` lang="${escapeHtml(c)}"` : '');
  }
  /** The display zone's name for people: `UTC`, `Central European Time (Europe/Berlin)`. */
  zoneName(): string {
    return this.locale.zoneName();
  }
  /** A number in the site's language (`1,234`, `1.234`). */
  number(n: number): string {
    return this.locale.number(n);
  }

  // ---------------------------------------------------------------------------------------------
  // Links

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
  /**
   * HTML of an incident's Markdown (written for its own page) with its relative addresses (images, links) made
   * right for this page. The incident page itself may insert `incident.bodyHtml` as it is.
   */
  incidentHtml(inc: IncidentView, markup: string): string {
    if (this.dir === inc.path) return markup;
    return rebaseHtml(markup, inc.path, (sitePath, suffix) => this.url(sitePath) + suffix);
  }

  /** The insights page's charts and words, bound to this page. */
  get insights(): InsightHelpers {
    return new InsightHelpers(this);
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

  // ---------------------------------------------------------------------------------------------
  // Times: human text in the display zone and the site's language; `datetime` attributes in UTC

  iso(ms: number): string {
    return isoUtc(ms);
  }
  /** `29 May 2020, 18:21 CEST`: in the display zone, with the zone named. */
  human(ms: number): string {
    return this.locale.dateTime(ms);
  }
  /** `29 May 2020` from an instant (its day in the display zone) or a `YYYY-MM-DD` date. */
  date(x: number | string): string {
    return this.locale.date(x);
  }
  /** HTML: `<time datetime="2020-05-29T16:21:00Z">29 May 2020, 18:21 CEST</time>`. */
  time(ms: number): Html {
    return html(`<time datetime="${isoUtc(ms)}">${escapeHtml(this.locale.dateTime(ms))}</time>`);
  }
  /** HTML: `<time datetime="2020-05-29">29 May 2020</time>` for an instant (its day in the display zone) or a date. */
  dateTime(x: number | string): Html {
    const d = typeof x === 'number' ? this.locale.dayOf(x) : x;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return html(escapeHtml(String(x)));
    return html(`<time datetime="${d}">${escapeHtml(this.locale.date(d))}</time>`);
  }
  /** `May 2020` from `2020-05`. */
  month(yyyyMm: string): string {
    return this.locale.month(yyyyMm);
  }
  /** HTML: `<time datetime="2020-05">May 2020</time>`. */
  monthTime(yyyyMm: string): Html {
    return html(`<time datetime="${escapeHtml(yyyyMm)}">${escapeHtml(this.locale.month(yyyyMm))}</time>`);
  }
  /** `4 h 17 min`, `1 d 11 min` (`—` for null). */
  duration(ms: number | null | undefined): string {
    return ms === null || ms === undefined ? '—' : this.locale.duration(ms);
  }
  /** `99.95 %` in the site's language: two decimals, never rounded up to 100.00. */
  percent(p: number | null): string {
    return p === null ? '—' : this.locale.percent(p);
  }

  // ---------------------------------------------------------------------------------------------
  // Words for values of the format

  /** Words for a status, an impact or an action state (`Major outage`, `Identified`, `Done`). */
  label(value: string | null | undefined): string {
    if (!value) return '';
    const key = `label.${value}`;
    return this.locale.has(key) ? this.locale.t(key) : label(value);
  }
  /** How an incident was detected (`detection.<method>`); a method the catalogue does not know, as written. */
  detection(method: string): string {
    return this.locale.has(`detection.${method}`) ? this.locale.t(`detection.${method}`) : detectionLabel(method);
  }
  severity(sev: string): string {
    return this.locale.has(`severity.${sev}`) ? this.locale.t(`severity.${sev}`) : sev;
  }
  priority(p: string | undefined): string {
    return p ? (this.locale.has(`priority.${p}`) ? this.locale.t(`priority.${p}`) : p) : '—';
  }
  kind(k: string | undefined): string {
    return k ? (this.locale.has(`kind.${k}`) ? this.locale.t(`kind.${k}`) : k) : '—';
  }
  /** The status an incident's pill shows (see site/overall.ts): its worst impact, or `no_impact`. */
  impact(inc: IncidentView): Impact | 'no_impact' {
    return inc.impact ?? 'no_impact';
  }
  /** `1 incident`, `3 incidents`: English only, kept for templates of before the catalogue; use `it.t` with `{count}`. */
  plural(n: number, one: string, many = `${one}s`): string {
    return plural(n, one, many);
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
    return isOpenAction(a);
  }
  /** Worst current status among services. */
  worst(services: ServiceView[]): ComponentStatus {
    return worstStatus(services.map((s) => s.status));
  }
  /** The services an incident affects, with their display names and impact. */
  affected(inc: IncidentView): { id: string; name: string; impact: Impact | null; url: string }[] {
    return inc.services.map((s) => ({ id: s.id, name: this.serviceName(s.id), impact: s.impact, url: this.serviceUrl(s.id) }));
  }
  /** Public status updates, newest first, with their sanitized HTML (addresses right for this page). */
  updates(inc: IncidentView): UpdateView[] {
    return inc.updates.map((u) => ({ at: u.at, status: u.status, html: this.incidentHtml(inc, entryHtml(inc, u)), changes: this.changes(u) }));
  }
  /** The timeline in time order with sanitized HTML (addresses right for this page). */
  timeline(inc: IncidentView): UpdateView[] {
    return inc.timeline.map((e, i) => ({ at: e.at, status: e.status, html: this.incidentHtml(inc, inc.timelineHtml[i] ?? escapeHtml(e.text)), changes: this.changes(e), ...(e.internal ? { internal: true as const } : {}) }));
  }
  /** Whether this is the internal site (`build --audience internal`): every part shown, internal ones marked. */
  get internalSite(): boolean {
    return this.model.config.audience === 'internal';
  }
  /** Whether an incident's contributing factor (by index) is internal. */
  internalFactor(inc: IncidentView, index: number): boolean {
    return inc.internalFactors?.includes(index) ?? false;
  }
  /** HTML: the mark of an internal part, `Internal` (`near_miss`: `Near miss`), in the site's language. */
  internalMark(kind: 'internal' | 'near_miss' = 'internal'): Html {
    const words = this.t(kind === 'near_miss' ? 'internal.near_miss' : 'internal.label');
    return html(`<span class="sev internal-mark" lang="${escapeHtml(this.locale.language)}">${escapeHtml(words)}</span>`);
  }
  private changes(e: TimelineEntry): UpdateView['changes'] {
    return (e.impact ?? []).map((c) => ({ id: c.service, name: this.serviceName(c.service), impact: c.impact ?? 'operational' }));
  }
  /** Each service's impact phases and its strip, when the incident has phases (else an empty list). */
  phases(inc: IncidentView): PhaseRow[] {
    if (!inc.phases) return [];
    const from = inc.started;
    const to = Math.max(inc.resolved ?? this.model.now, ...inc.phases.flatMap((s) => s.phases.map((p) => p.start)));
    const span = Math.max(1, to - from);
    const x = (t: number) => Math.round((1000 * (Math.min(Math.max(t, from), to) - from)) / span * 10) / 10;
    return inc.phases.map((s) => ({
      id: s.id,
      name: this.serviceName(s.id),
      url: this.serviceUrl(s.id),
      impactedMs: s.impactedMs,
      phases: s.phases.map((p) => ({ start: p.start, end: p.end ?? null, impact: p.impact ?? 'operational' })),
      bars: s.phases.map((p) => ({ x: x(p.start), width: Math.max(0, Math.round((x(p.end ?? to) - x(p.start)) * 10) / 10), impact: p.impact ?? 'operational' })),
    }));
  }
  /** What a link points at, in words (`Postmortem`, `Dashboard`, …); '' without a kind. */
  linkKind(kind: string | undefined): string {
    if (!kind) return '';
    return this.locale.has(`link.${kind}`) ? this.locale.t(`link.${kind}`) : kind;
  }
  /** "Lasted 4 h 17 min", "Ongoing for 2 h"; maintenance: "Planned window 2 h", "In progress for 1 h of 2 h". */
  durationText(inc: IncidentView): string {
    const now = this.model.now;
    const d = (ms: number) => this.locale.duration(ms);
    if (inc.isMaintenance) {
      const window = inc.resolved !== undefined ? d(inc.resolved - inc.started) : null;
      if (inc.upcoming) return window ? this.t('duration.planned', { duration: window }) : this.t('duration.planned_open');
      if (inc.ongoing) return window ? this.t('duration.in_progress_of', { duration: d(now - inc.started), window }) : this.t('duration.in_progress', { duration: d(now - inc.started) });
      return window ? this.t('duration.lasted', { duration: window }) : '';
    }
    if (inc.ongoing) return this.t('duration.ongoing', { duration: d(inc.durationMs ?? now - inc.started) });
    if (inc.durationMs !== null) return this.t('duration.lasted', { duration: d(inc.durationMs) });
    return '';
  }
  /** "47 min downtime" / "No downtime". */
  downtime(minutes: number): string {
    return minutes > 0 ? this.t('uptime.downtime', { duration: this.locale.duration(minutes * 60_000) }) : this.t('uptime.no_downtime');
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
    const date = this.locale.date(day.date);
    if (day.worst === null) return this.t('uptime.cell_before', { date });
    const downtime = day.downtimeMinutes > 0 ? this.downtime(day.downtimeMinutes) : this.t('uptime.cell_no_downtime');
    const text = day.worst !== 'operational' ? this.t('uptime.cell_status', { date, status: this.label(day.worst), downtime }) : this.t('uptime.cell', { date, downtime });
    const titles = day.incidents.map((id) => this.model.byId.get(id)?.title).filter((t): t is string => !!t);
    if (!titles.length) return text;
    const shown = titles.slice(0, 3).join('; ');
    const listed = titles.length > 3 ? this.t('uptime.cell_more', { titles: shown, count: titles.length - 3 }) : shown;
    return this.t('uptime.cell_incidents', { day: text, count: titles.length, titles: listed });
  }
  /** Link of a day cell with incidents: its first published incident, else null. */
  cellHref(day: DayBucket): string | null {
    const id = day.incidents.find((i) => this.model.byId.has(i));
    return id ? this.incidentUrl(id) : null;
  }
  /** HTML: sanitized HTML with its headings shifted so that the highest becomes `<h{top}>` (one h1 per page, no skipped level). */
  headings(markup: string, top: number): string {
    let min = 7;
    for (const m of markup.matchAll(/<h([1-6])[\s>]/g)) min = Math.min(min, Number(m[1]));
    if (min === 7 || min === top) return markup;
    const shift = top - min;
    return markup.replace(/<(\/?)h([1-6])([\s>])/g, (_m, slash: string, n: string, rest: string) => `<${slash}h${Math.max(1, Math.min(6, Number(n) + shift))}${rest}`);
  }
}

function entryHtml(inc: IncidentView, u: TimelineEntry): string {
  let i = inc.timeline.indexOf(u);
  if (i < 0) i = inc.timeline.findIndex((e) => e.at === u.at && e.text === u.text && e.status === u.status);
  return (i >= 0 ? inc.timelineHtml[i] : undefined) ?? escapeHtml(u.text);
}

