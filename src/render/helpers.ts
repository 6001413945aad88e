/**
 * The helpers templates receive as `it.h`, bound to one page: links relative to it, dates and durations as
 * readers see them, labels, and the few decisions templates share (an uptime cell's colour and text, …).
 * Everything returns plain text unless it says HTML.
 */
import type { ComponentStatus, Impact, TimelineEntry } from '../core/model.js';
import { isOpenAction, isOverdue } from '../core/actions.js';
import { worstStatus } from '../core/status.js';
import { escapeHtml, plural } from '../core/text.js';
import { relativeUrl } from '../core/url.js';
import { dateUtc, formatDuration, formatPercent, humanDate, humanUtc, isoUtc, monthName } from '../core/format.js';
import type { DayBucket, IncidentView, ServiceView, SiteModel } from '../site/index.js';
import { detectionLabel, label } from './labels.js';
import { InsightHelpers } from './insight-helpers.js';

/** A status update or timeline entry with its sanitized HTML. */
export interface UpdateView {
  at: number;
  status: string | undefined;
  /** Sanitized HTML of the entry's text (or its escaped text when no HTML was rendered). */
  html: string;
  /** The impact changes the entry makes (empty: none), with the services' display names. */
  changes: { id: string; name: string; impact: ComponentStatus }[];
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

const LINK_KIND_LABEL: Record<string, string> = {
  postmortem: 'Postmortem',
  status: 'Status page',
  dashboard: 'Dashboard',
  graph: 'Graph',
  ticket: 'Ticket',
  chat: 'Chat',
  related: 'Related',
  other: 'Other',
};

const SEVERITY_LABEL: Record<string, string> = {
  critical: 'Critical',
  major: 'Major',
  minor: 'Minor',
  notice: 'Notice',
  maintenance: 'Maintenance',
};
const PRIORITY_LABEL: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };
const KIND_LABEL: Record<string, string> = { prevent: 'Prevent', mitigate: 'Mitigate', detect: 'Detect', process: 'Process' };
/** Per-model lookups, computed once per model. */
export interface Derived {
  serviceById: Map<string, ServiceView>;
  order: Map<string, number>;
  today: string;
}

const derivedCache = new WeakMap<SiteModel, Derived>();

export function derive(model: SiteModel): Derived {
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
  detection(method: string): string {
    return detectionLabel(method);
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
  /** Public status updates, newest first, with their sanitized HTML. */
  updates(inc: IncidentView): UpdateView[] {
    return inc.updates.map((u) => ({ at: u.at, status: u.status, html: entryHtml(inc, u), changes: this.changes(u) }));
  }
  /** The timeline in time order with sanitized HTML. */
  timeline(inc: IncidentView): UpdateView[] {
    return inc.timeline.map((e, i) => ({ at: e.at, status: e.status, html: inc.timelineHtml[i] ?? escapeHtml(e.text), changes: this.changes(e) }));
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
    return kind ? (LINK_KIND_LABEL[kind] ?? kind) : '';
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

function entryHtml(inc: IncidentView, u: TimelineEntry): string {
  let i = inc.timeline.indexOf(u);
  if (i < 0) i = inc.timeline.findIndex((e) => e.at === u.at && e.text === u.text && e.status === u.status);
  return (i >= 0 ? inc.timelineHtml[i] : undefined) ?? escapeHtml(u.text);
}

