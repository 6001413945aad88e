/**
 * The insights as terminal text (`postmortem stats`): the same figures as the insights pages and the API, in
 * aligned columns for a retrospective or a quarterly review. Every string from the input is made safe for a
 * terminal first (no control character, no bidi override can reach it).
 */
import type { SiteConfig } from '../core/model.js';
import { formatDuration } from '../core/format.js';
import { MIN_N, type Distribution, type Grouping, type Insights, type Metric } from '../site/index.js';
import { durationText } from './charts.js';
import { detectionLabel } from './labels.js';
import { escapeControls } from '../core/terminal.js';

/** The metrics' names for the terminal (English: `stats` is not a page; the pages use the catalogue). */
export const METRIC_LABEL: Record<Metric, string> = {
  time_to_detect: 'Time to detect',
  time_to_mitigate: 'Time to mitigate',
  duration: 'Duration',
};

/** Input on its way to the terminal (core/terminal.ts). */
const terminalSafe = escapeControls;

function table(head: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const pad = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]! + (c.length - [...c].length)) : c.padEnd(widths[i]! + (c.length - [...c].length))))
      .join('  ')
      .trimEnd();
  return [pad(head), ...rows.map(pad)].map((l) => `  ${l}`);
}

const dur = (ms: number | null) => (ms === null ? '—' : durationText(ms));
const days = (ms: number | null) => (ms === null ? '—' : `${Math.round(ms / 86_400_000)} d`);

function distCells(d: Distribution, show: (ms: number | null) => string = dur): string[] {
  return [String(d.n), show(d.min), d.n < MIN_N.median ? 'too few' : show(d.median), d.n < MIN_N.p90 ? 'too few' : show(d.p90), show(d.max)];
}

function groupName(config: SiteConfig, by: Grouping, key: string): string {
  if (by === 'service') return config.services.find((s) => s.id === key)?.name ?? key;
  if (by === 'detection') return key === 'unknown' ? 'not recorded' : detectionLabel(key);
  return key;
}

function scopeLine(ins: Insights, config: SiteConfig): string {
  const span = ins.scope.since || ins.scope.until ? ` from ${ins.scope.since ?? 'the first'} to ${ins.scope.until ?? 'now'}` : ', all time';
  const service = ins.scope.service ? `, service ${groupName(config, 'service', ins.scope.service)}` : '';
  return `${ins.incidents} ${ins.incidents === 1 ? 'incident' : 'incidents'}${span}${service} (${ins.ongoing} ongoing; maintenance not counted)`;
}

/** The insights as text, distributions grouped by `by`. */
export function insightsText(ins: Insights, config: SiteConfig, by: Grouping): string {
  const out: string[] = [terminalSafe(scopeLine(ins, config))];
  out.push(`Percentiles: ${ins.method.percentile}; a median needs n ≥ ${MIN_N.median}, a 90th percentile n ≥ ${MIN_N.p90} ("too few" below).`, '');
  for (const fig of ins.figures[by]) {
    out.push(`${METRIC_LABEL[fig.metric]} by ${by}`);
    const rows = [['all', ...distCells(fig.all)], ...fig.rows.map((r) => [groupName(config, by, r.key), ...distCells(r.dist)])];
    out.push(...table([by, 'n', 'min', 'median', 'p90', 'max'], rows.map((r) => r.map(terminalSafe)), new Set([1, 2, 3, 4, 5])), '');
  }
  out.push('Incidents per month');
  out.push(...table(['month', 'total', 'critical', 'major', 'minor', 'notice'], ins.months.map((m) => [m.month, String(m.total), ...['critical', 'major', 'minor', 'notice'].map((s) => String(m.bySeverity[s] ?? 0))]), new Set([1, 2, 3, 4, 5])), '');
  out.push('Services');
  out.push(
    ...table(
      ['service', 'incidents', 'downtime', 'median duration', 'n'],
      ins.services.map((s) => [terminalSafe(groupName(config, 'service', s.id)), String(s.incidents), s.downtimeMinutes > 0 ? formatDuration(s.downtimeMinutes * 60_000) : 'none', s.duration.n < MIN_N.median ? 'too few' : dur(s.duration.median), String(s.duration.n)]),
      new Set([1, 2, 3, 4]),
    ),
    '',
  );
  out.push('Detection');
  out.push(...table(['detected by', 'incidents', 'median time to detect', 'n'], ins.detection.map((d) => [groupName(config, 'detection', d.method), String(d.count), d.timeToDetect.n < MIN_N.median ? 'too few' : dur(d.timeToDetect.median), String(d.timeToDetect.n)]), new Set([1, 2, 3])), '');
  for (const [title, list] of [['Tags', ins.tags.map((t) => [t.tag, t.count] as const)], ['Contributing factors', ins.factors.map((f) => [f.factor, f.count] as const)]] as const) {
    out.push(`${title}, most frequent first${list.length > 10 ? ` (10 of ${list.length})` : ''}`);
    out.push(...(list.length ? table(['', 'incidents'], list.slice(0, 10).map(([k, n]) => [terminalSafe(k), String(n)]), new Set([1])) : ['  none recorded']), '');
  }
  const a = ins.actions;
  out.push(`Actions: ${a.total} (${a.open} open, ${a.inProgress} in progress, ${a.overdue} overdue, ${a.done} done, ${a.wontDo} won't do)`);
  out.push(
    ...table(
      ['quarter', 'open', 'in progress', 'overdue', 'done', "won't do", 'median days to close', 'n'],
      a.byQuarter.map((q) => [q.quarter, String(q.open), String(q.inProgress), String(q.overdue), String(q.done), String(q.wontDo), q.timeToClose.n < MIN_N.median ? 'too few' : days(q.timeToClose.median), String(q.timeToClose.n)]),
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
  );
  out.push(`  time to close, all: ${distCells(a.timeToClose, days).join(' / ')} (n / min / median / p90 / max)`);
  return `${out.join('\n')}\n`;
}
