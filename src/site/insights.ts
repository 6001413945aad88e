/**
 * Insights: what the incidents teach, for all time or a span (a year, `stats --since/--until`), computed in one
 * place from the site model's published incidents, so that the insights pages, `api/insights.json` and
 * `postmortem stats` show the same numbers. Planned maintenance is left out (it is not an incident). Pure.
 *
 * - Durations are distributions (see stats.ts): time to detect and to mitigate where recorded, duration of
 *   resolved incidents only (an ongoing one's is not known yet).
 * - Downtime per service is weighted and merged across overlapping incidents as for uptime, clipped to the span.
 * - Actions are counted by the quarter their incident started in; time to close is from the day the incident
 *   started (in its time zone) to the action's `closed` day.
 */
import { DETECTION_METHODS, SEVERITIES, type DetectionMethod, type Severity, type SiteConfig } from '../core/model.js';
import { dateIn } from '../core/calendar.js';
import { isOpenAction, isOverdue } from '../core/actions.js';
import { compareStrings } from '../core/compare.js';
import { dateUtc, monthUtc } from '../core/format.js';
import type { IncidentView, SiteModel } from './types.js';
import { distribution, MIN_N, PERCENTILE_METHOD, type Distribution } from './stats.js';
import { downtimeSegments, DOWN_WEIGHT } from './uptime.js';

export const METRICS = ['time_to_detect', 'time_to_mitigate', 'duration'] as const;
export type Metric = (typeof METRICS)[number];
export const GROUPINGS = ['severity', 'service', 'tag', 'factor', 'detection'] as const;
export type Grouping = (typeof GROUPINGS)[number];
/** Severities of incidents (maintenance is planned work, not an incident). */
export const INCIDENT_SEVERITIES = SEVERITIES.filter((s) => s !== 'maintenance') as Exclude<Severity, 'maintenance'>[];

export interface InsightsScope {
  /** First instant included (ms), by `started`. */
  since?: number;
  /** First instant excluded (ms), by `started`. */
  until?: number;
  /** Only incidents that list this service. */
  service?: string;
}

export interface GroupRow {
  /** Severity, service id, tag, factor (as first written), detection method or `unknown`. */
  key: string;
  dist: Distribution;
  /** Per-incident values, by `started` then id: only when asked (per-year pages). */
  marks?: { id: string; value: number }[];
}

export interface MetricFigure {
  metric: Metric;
  all: Distribution;
  /** Rows by the grouping asked for, in display order (severity order, site.yaml order, most frequent first). */
  rows: GroupRow[];
}

export interface Insights {
  scope: { since: string | null; until: string | null; service: string | null };
  method: { percentile: string; minN: typeof MIN_N; excluded: string };
  /** Incidents in scope (maintenance left out); ongoing ones count here but have no duration yet. */
  incidents: number;
  ongoing: number;
  /** Of `incidents`, the near misses (internal site only: the public one has none; absent when there are none). */
  nearMisses?: number;
  /** `YYYY-MM` of every month from the first to the last incident in scope, with counts by severity. */
  months: { month: string; total: number; bySeverity: Record<string, number> }[];
  /** One figure per metric, grouped as asked (pages: by severity and by service). */
  figures: Record<Grouping, MetricFigure[]>;
  services: { id: string; incidents: number; downtimeMinutes: number; duration: Distribution }[];
  tags: { tag: string; count: number }[];
  factors: { factor: string; count: number }[];
  detection: { method: DetectionMethod | 'unknown'; count: number; timeToDetect: Distribution }[];
  actions: {
    total: number;
    open: number;
    inProgress: number;
    done: number;
    wontDo: number;
    overdue: number;
    /** Closed actions with a `closed` date: days from the incident's start to closing, as ms. */
    timeToClose: Distribution;
    byQuarter: { quarter: string; total: number; open: number; inProgress: number; done: number; wontDo: number; overdue: number; timeToClose: Distribution }[];
  };
}

export interface InsightsOptions {
  scope?: InsightsScope;
  /** Which groupings to compute figures for (default: severity and service). */
  groupings?: readonly Grouping[];
  /** Keep each incident's value in the rows grouped by severity (per-year pages; once per incident and metric). */
  marks?: boolean;
}

/** The incidents the insights are about: published, not maintenance, in the scope. */
export function insightIncidents(incidents: readonly IncidentView[], scope: InsightsScope = {}): IncidentView[] {
  return incidents.filter(
    (i) =>
      !i.isMaintenance &&
      (scope.since === undefined || i.started >= scope.since) &&
      (scope.until === undefined || i.started < scope.until) &&
      (scope.service === undefined || i.services.some((s) => s.id === scope.service)),
  );
}

/** A metric's value for an incident, or null when it is not known (not recorded, or still ongoing). */
export function metricValue(inc: IncidentView, metric: Metric): number | null {
  if (metric === 'time_to_detect') return inc.timeToDetectMs;
  if (metric === 'time_to_mitigate') return inc.timeToMitigateMs;
  return inc.resolved === undefined ? null : inc.resolved - inc.started;
}

/** A factor as it is compared: case, spacing and final punctuation do not matter. */
export function factorKey(factor: string): string {
  return factor.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').replace(/[\s.;:,!]+$/u, '').trim();
}

/** The keys an incident has under a grouping (several services, tags or factors; one severity). */
function keysOf(inc: IncidentView, by: Grouping): string[] {
  switch (by) {
    case 'severity':
      return [inc.severity];
    case 'service':
      return [...new Set(inc.services.map((s) => s.id))];
    case 'tag':
      return [...new Set(inc.tags)];
    case 'factor':
      return [...new Set(inc.contributingFactors.map(factorKey).filter((k) => k !== ''))];
    case 'detection':
      return [inc.detection ?? 'unknown'];
  }
}

/** Most frequent first, then by key (code-unit order): a deterministic ranking. */
function byCount<T extends { count: number }>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => b.count - a.count || compareStrings(key(a), key(b));
}

function groupOrder(by: Grouping, config: SiteConfig, counts: Map<string, number>): string[] {
  if (by === 'severity') return INCIDENT_SEVERITIES.filter((s) => counts.has(s));
  if (by === 'service') return config.services.map((s) => s.id).filter((id) => counts.has(id));
  if (by === 'detection') return [...DETECTION_METHODS, 'unknown'].filter((m) => counts.has(m));
  return [...counts.entries()].sort(([a, x], [b, y]) => y - x || compareStrings(a, b)).map(([k]) => k);
}

/** One metric's distribution overall and per group. `incidents` are in display order (newest first). */
function metricFigure(incidents: readonly IncidentView[], metric: Metric, by: Grouping, config: SiteConfig, marks: boolean): MetricFigure {
  const values = new Map<string, { id: string; value: number; started: number }[]>();
  const all: number[] = [];
  const counts = new Map<string, number>();
  for (const inc of incidents) {
    const v = metricValue(inc, metric);
    for (const k of keysOf(inc, by)) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
      if (v === null) continue;
      let list = values.get(k);
      if (!list) values.set(k, (list = []));
      list.push({ id: inc.id, value: v, started: inc.started });
    }
    if (v !== null) all.push(v);
  }
  const rows = groupOrder(by, config, counts).map((key) => {
    const list = values.get(key) ?? [];
    const row: GroupRow = { key, dist: distribution(list.map((x) => x.value)) };
    if (marks) row.marks = list.sort((a, b) => a.started - b.started || compareStrings(a.id, b.id)).map(({ id, value }) => ({ id, value }));
    return row;
  });
  return { metric, all: distribution(all), rows };
}

function monthsOf(incidents: readonly IncidentView[]): Insights['months'] {
  if (incidents.length === 0) return [];
  const counts = new Map<string, Record<string, number>>();
  for (const inc of incidents) {
    const m = monthUtc(inc.started);
    let c = counts.get(m);
    if (!c) counts.set(m, (c = Object.fromEntries(INCIDENT_SEVERITIES.map((s) => [s, 0]))));
    c[inc.severity] = (c[inc.severity] ?? 0) + 1;
  }
  // Every month from the first to the last, empty ones included (a gap is information too).
  const first = [...counts.keys()].sort()[0]!;
  const last = [...counts.keys()].sort().at(-1)!;
  const out: Insights['months'] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    const bySeverity = counts.get(key) ?? Object.fromEntries(INCIDENT_SEVERITIES.map((s) => [s, 0]));
    out.push({ month: key, total: Object.values(bySeverity).reduce((a, b) => a + b, 0), bySeverity });
    if (key === last) break;
    m++;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/**
 * One incident's stretches of downtime on one service, weighted by impact: its impact phases when it has them (the
 * same as the uptime figures count), else the whole incident at the service's impact.
 */
function stretches(i: IncidentView, serviceId: string, now: number): { start: number; end: number; weight: number }[] {
  const end = i.resolved ?? Math.max(now, i.started);
  const phases = i.phases?.find((p) => p.id === serviceId)?.phases;
  if (phases) return phases.map((p) => ({ start: p.start, end: p.end ?? end, weight: p.impact ? (DOWN_WEIGHT[p.impact] ?? 0) : 0 }));
  const impacts = i.services.filter((s) => s.id === serviceId).map((s) => (s.impact ? (DOWN_WEIGHT[s.impact] ?? 0) : 0));
  return [{ start: i.started, end, weight: Math.max(0, ...impacts) }];
}

/** Weighted downtime (minutes) of each service from these incidents, merged, clipped to the scope. */
function serviceFigures(incidents: readonly IncidentView[], config: SiteConfig, scope: InsightsScope, now: number): Insights['services'] {
  return config.services
    .map((svc) => {
      const mine = incidents.filter((i) => i.services.some((s) => s.id === svc.id));
      const intervals = mine.flatMap((i) => stretches(i, svc.id, now)).map((x) => ({ ...x, start: Math.max(x.start, scope.since ?? -Infinity), end: Math.min(x.end, scope.until ?? Infinity) }));
      const downMs = downtimeSegments(intervals).reduce((sum, s) => sum + (s.end - s.start) * s.weight, 0);
      const durations = mine.map((i) => metricValue(i, 'duration')).filter((v): v is number => v !== null);
      return { id: svc.id, incidents: mine.length, downtimeMinutes: Math.round((downMs / 60_000) * 100) / 100, duration: distribution(durations) };
    })
    .filter((s) => scope.service === undefined || s.id === scope.service);
}

function tagAndFactorCounts(incidents: readonly IncidentView[]): Pick<Insights, 'tags' | 'factors'> {
  const tags = new Map<string, number>();
  const factors = new Map<string, { factor: string; count: number }>();
  for (const inc of incidents) {
    for (const t of new Set(inc.tags)) tags.set(t, (tags.get(t) ?? 0) + 1);
    const seen = new Set<string>();
    for (const f of inc.contributingFactors) {
      const k = factorKey(f);
      if (k === '' || seen.has(k)) continue;
      seen.add(k);
      const e = factors.get(k);
      if (e) e.count++;
      else factors.set(k, { factor: f.trim(), count: 1 });
    }
  }
  return {
    tags: [...tags].map(([tag, count]) => ({ tag, count })).sort(byCount((x) => x.tag)),
    factors: [...factors.entries()].sort(([a, x], [b, y]) => y.count - x.count || compareStrings(a, b)).map(([, v]) => v),
  };
}

function detectionFigures(incidents: readonly IncidentView[]): Insights['detection'] {
  const groups = new Map<string, number[]>();
  const counts = new Map<string, number>();
  for (const inc of incidents) {
    const k = inc.detection ?? 'unknown';
    counts.set(k, (counts.get(k) ?? 0) + 1);
    if (!groups.has(k)) groups.set(k, []);
    if (inc.timeToDetectMs !== null) groups.get(k)!.push(inc.timeToDetectMs);
  }
  return [...DETECTION_METHODS, 'unknown' as const]
    .filter((m) => counts.has(m))
    .map((method) => ({ method, count: counts.get(method)!, timeToDetect: distribution(groups.get(method) ?? []) }));
}

/** `2024-Q2` of an instant (UTC). */
export function quarterOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

function actionFigures(incidents: readonly IncidentView[], now: number): Insights['actions'] {
  const today = dateUtc(now);
  const empty = () => ({ total: 0, open: 0, inProgress: 0, done: 0, wontDo: 0, overdue: 0, closeDays: [] as number[] });
  const total = empty();
  const quarters = new Map<string, ReturnType<typeof empty>>();
  for (const inc of incidents) {
    if (inc.actions.length === 0) continue;
    const q = quarterOf(inc.started);
    let bucket = quarters.get(q);
    if (!bucket) quarters.set(q, (bucket = empty()));
    const startDay = Date.parse(`${dateIn(inc.started, inc.timezone)}T00:00:00Z`);
    for (const a of inc.actions) {
      for (const b of [total, bucket]) {
        b.total++;
        if (a.status === 'open') b.open++;
        else if (a.status === 'in_progress') b.inProgress++;
        else if (a.status === 'done') b.done++;
        else b.wontDo++;
        if (isOpenAction(a) && isOverdue(a, today)) b.overdue++;
        if (a.closed !== undefined) b.closeDays.push(Date.parse(`${a.closed}T00:00:00Z`) - startDay);
      }
    }
  }
  const out = ({ closeDays, ...counts }: ReturnType<typeof empty>) => ({ ...counts, timeToClose: distribution(closeDays) });
  return {
    ...out(total),
    byQuarter: [...quarters.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([quarter, b]) => ({ quarter, ...out(b) })),
  };
}

/** The insights of the published incidents in a scope. `incidents`: the model's, newest first. */
export function computeInsights(incidents: readonly IncidentView[], config: SiteConfig, now: number, opts: InsightsOptions = {}): Insights {
  const scope = opts.scope ?? {};
  const mine = insightIncidents(incidents, scope);
  const groupings = opts.groupings ?? ['severity', 'service'];
  const figures = Object.fromEntries(GROUPINGS.map((g) => [g, groupings.includes(g) ? METRICS.map((m) => metricFigure(mine, m, g, config, opts.marks === true && g === 'severity')) : []])) as Record<Grouping, MetricFigure[]>;
  return {
    scope: {
      since: scope.since === undefined ? null : dateUtc(scope.since),
      until: scope.until === undefined ? null : dateUtc(scope.until - 1),
      service: scope.service ?? null,
    },
    method: { percentile: PERCENTILE_METHOD, minN: MIN_N, excluded: 'maintenance; ongoing incidents have no duration yet; unrecorded times are not counted' },
    incidents: mine.length,
    ongoing: mine.filter((i) => i.ongoing).length,
    ...nearMisses(mine),
    months: monthsOf(mine),
    figures,
    services: serviceFigures(mine, config, scope, now),
    ...tagAndFactorCounts(mine),
    detection: detectionFigures(mine),
    actions: actionFigures(mine, now),
  };
}

/** How many of the incidents are near misses, when any are (the key is absent otherwise: the public site has none). */
function nearMisses(incidents: readonly IncidentView[]): { nearMisses?: number } {
  const n = incidents.filter((i) => i.nearMiss).length;
  return n > 0 ? { nearMisses: n } : {};
}

/** The years (UTC, of `started`) that have incidents, newest first, with their counts. */
export function insightYears(incidents: readonly IncidentView[]): { year: string; incidents: number }[] {
  const counts = new Map<string, number>();
  for (const inc of insightIncidents(incidents)) {
    const y = String(new Date(inc.started).getUTCFullYear());
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => compareStrings(b, a)).map(([year, n]) => ({ year, incidents: n }));
}

/** The scope of a calendar year (UTC). */
export function yearScope(year: string): InsightsScope {
  const y = Number(year);
  return { since: Date.UTC(y, 0, 1), until: Date.UTC(y + 1, 0, 1) };
}

const perModel = new WeakMap<SiteModel, Map<string, Insights>>();

/**
 * The insights of a site model, all time (`year` null: aggregates only) or of one year (with each incident's
 * marks), computed once per model: what the insights pages and `api/insights*.json` show.
 */
export function modelInsights(model: SiteModel, year: string | null): Insights {
  let m = perModel.get(model);
  if (!m) perModel.set(model, (m = new Map()));
  const key = year ?? 'all';
  let ins = m.get(key);
  if (!ins) {
    ins = year === null ? computeInsights(model.incidents, model.config, model.now) : computeInsights(model.incidents, model.config, model.now, { scope: yearScope(year), marks: true });
    m.set(key, ins);
  }
  return ins;
}
