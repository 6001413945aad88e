/**
 * What the insights template uses besides the common helpers (`it.h.insights`): the charts (charts.ts) with the
 * page's links, and the words for metrics, groups and figures. Everything returns plain text unless it says HTML.
 */
import { MIN_N, type Distribution, type GroupRow, type Grouping, type Metric } from '../site/index.js';
import { axisSvg, binsSvg, durationWords, marksSvg, monthsSvg, type ChartWords, type Mark } from './charts.js';

/** The catalogue's name of each metric, and its words beside an incident's mark. */
export const METRIC_KEY: Record<Metric, string> = {
  time_to_detect: 'incident.time_to_detect',
  time_to_mitigate: 'incident.time_to_mitigate',
  duration: 'incident.duration',
};
const MARK_KEY: Record<Metric, string> = {
  time_to_detect: 'insights.mark_time_to_detect',
  time_to_mitigate: 'insights.mark_time_to_mitigate',
  duration: 'insights.mark_duration',
};

interface PageLinks extends ChartWords {
  incidentUrl(id: string): string;
  incident(id: string): { title: string; started: number } | undefined;
  serviceName(id: string): string;
  severity(sev: string): string;
  date(x: number | string): string;
  detection(method: string): string;
  duration(ms: number | null | undefined): string;
}

export class InsightHelpers {
  constructor(private readonly h: PageLinks) {}

  metric(m: Metric): string {
    return this.h.t(METRIC_KEY[m]);
  }
  /** The name of a row's group: a severity, a service's name, a detection method, a tag or a factor. */
  groupName(by: Grouping, key: string): string {
    if (by === 'severity') return this.h.severity(key);
    if (by === 'service') return this.h.serviceName(key);
    if (by === 'detection') return key === 'unknown' ? this.h.t('incident.not_recorded') : this.h.detection(key);
    return key;
  }
  duration(ms: number | null): string {
    return ms === null ? '—' : durationWords(ms, this.h);
  }
  days(ms: number | null): string {
    if (ms === null) return '—';
    return this.h.t('insights.days', { count: Math.round(ms / 86_400_000) });
  }
  /** "n = 12 · median 47 min · 90th percentile 3 h", saying which figure needs more incidents. */
  summary(d: Distribution, unit: 'duration' | 'days' = 'duration'): string {
    const show = (ms: number) => (unit === 'days' ? this.days(ms) : durationWords(ms, this.h));
    const parts = [`n = ${d.n}`];
    if (d.n === 0) return 'n = 0';
    const t = (key: string, params: Record<string, string | number>) => this.h.t(key, params);
    parts.push(d.median !== null ? t('insights.summary_median', { value: show(d.median) }) : t('insights.summary_no_median', { min: MIN_N.median }));
    parts.push(d.p90 !== null ? t('insights.summary_p90', { value: show(d.p90) }) : t('insights.summary_no_p90', { min: MIN_N.p90 }));
    return parts.join(' · ');
  }
  /** HTML: the log time axis under a figure's rows. */
  axis(): string {
    return axisSvg(this.h);
  }
  /** HTML: an aggregated row. */
  bins(d: Distribution, name: string): string {
    return binsSvg(d, name, this.h);
  }
  /** HTML: a row of marks, each a link to its incident. */
  marks(row: GroupRow, name: string, metric: Metric): string {
    const marks: Mark[] = (row.marks ?? []).map((m) => {
      const inc = this.h.incident(m.id);
      const title = inc ? `${inc.title} (${this.h.date(inc.started)})` : m.id;
      return { value: m.value, href: this.h.incidentUrl(m.id), label: this.h.t(MARK_KEY[metric], { incident: title, duration: durationWords(m.value, this.h) }) };
    });
    return marksSvg(row.dist, marks, name, this.h);
  }
  /** HTML: incidents per month, stacked by severity. */
  months(months: readonly { month: string; total: number; bySeverity: Record<string, number> }[], severities: readonly string[]): string {
    return monthsSvg(months, severities);
  }
  /** Minutes of downtime as a duration. */
  downtime(minutes: number): string {
    return minutes > 0 ? this.h.duration(minutes * 60_000) : this.h.t('insights.downtime_none');
  }
}
