/**
 * What the insights template uses besides the common helpers (`it.h.insights`): the charts (charts.ts) with the
 * page's links, and the words for metrics, groups and figures. Everything returns plain text unless it says HTML.
 */
import { formatDuration } from '../core/format.js';
import { MIN_N, type Distribution, type GroupRow, type Grouping, type Metric } from '../site/index.js';
import { axisSvg, binsSvg, durationText, marksSvg, monthsSvg, type Mark } from './charts.js';
import { detectionLabel } from './labels.js';

export const METRIC_LABEL: Record<Metric, string> = {
  time_to_detect: 'Time to detect',
  time_to_mitigate: 'Time to mitigate',
  duration: 'Duration',
};

interface PageLinks {
  incidentUrl(id: string): string;
  incident(id: string): { title: string; started: number } | undefined;
  serviceName(id: string): string;
  severity(sev: string): string;
  date(x: number | string): string;
}

export class InsightHelpers {
  constructor(private readonly h: PageLinks) {}

  metric(m: Metric): string {
    return METRIC_LABEL[m];
  }
  /** The name of a row's group: a severity, a service's name, a detection method, a tag or a factor. */
  groupName(by: Grouping, key: string): string {
    if (by === 'severity') return this.h.severity(key);
    if (by === 'service') return this.h.serviceName(key);
    if (by === 'detection') return key === 'unknown' ? 'Not recorded' : detectionLabel(key);
    return key;
  }
  duration(ms: number | null): string {
    return ms === null ? '—' : durationText(ms);
  }
  days(ms: number | null): string {
    if (ms === null) return '—';
    const d = Math.round(ms / 86_400_000);
    return d === 1 ? '1 day' : `${d} days`;
  }
  /** "n = 12 · median 47 min · 90th percentile 3 h", saying which figure needs more incidents. */
  summary(d: Distribution, unit: 'duration' | 'days' = 'duration'): string {
    const show = (ms: number) => (unit === 'days' ? this.days(ms) : durationText(ms));
    const parts = [`n = ${d.n}`];
    if (d.n === 0) return 'n = 0';
    parts.push(d.median !== null ? `median ${show(d.median)}` : `too few for a median (needs ${MIN_N.median})`);
    parts.push(d.p90 !== null ? `90th percentile ${show(d.p90)}` : `too few for a 90th percentile (needs ${MIN_N.p90})`);
    return parts.join(' · ');
  }
  /** HTML: the log time axis under a figure's rows. */
  axis(): string {
    return axisSvg();
  }
  /** HTML: an aggregated row. */
  bins(d: Distribution, name: string): string {
    return binsSvg(d, name);
  }
  /** HTML: a row of marks, each a link to its incident. */
  marks(row: GroupRow, name: string, metric: Metric): string {
    const marks: Mark[] = (row.marks ?? []).map((m) => {
      const inc = this.h.incident(m.id);
      const title = inc ? `${inc.title} (${this.h.date(inc.started)})` : m.id;
      return { value: m.value, href: this.h.incidentUrl(m.id), label: `${title}: ${METRIC_LABEL[metric].toLowerCase()} ${durationText(m.value)}` };
    });
    return marksSvg(row.dist, marks, name);
  }
  /** HTML: incidents per month, stacked by severity. */
  months(months: readonly { month: string; total: number; bySeverity: Record<string, number> }[], severities: readonly string[]): string {
    return monthsSvg(months, severities);
  }
  /** Minutes of downtime as a duration. */
  downtime(minutes: number): string {
    return minutes > 0 ? formatDuration(minutes * 60_000) : 'none';
  }
}
