/**
 * The insights' charts, as SVG written at build time: no script, no inline style (the CSP allows neither), colours
 * from the stylesheet's classes (so dark mode follows), positions in percent of the width so that the text keeps
 * its size on a phone and on a wide screen. Every chart has a text alternative: a sentence or a group of named
 * links, and a table beside it in the page.
 *
 * Durations are drawn on a log time axis: a band at the left for values under a minute (zero and negative: detected
 * when or before impact began), then one minute to 60 days; longer values sit at the right edge.
 */
import { escapeHtml } from '../core/text.js';
import { formatDuration } from '../core/format.js';
import { BIN_EDGES_MS, type Distribution } from '../site/index.js';

const MINUTE = 60_000;
const AXIS_MIN = MINUTE;
const AXIS_MAX = 60 * 24 * 60 * MINUTE;
/** The "< 1 min" band, then the log axis, in percent of the width. */
const BAND_END = 6;
const LOG_START = 8;
const LOG_END = 99;

/** The words of the charts, in the site's language: catalogue strings and durations (`Helpers.t`, `.duration`). */
export interface ChartWords {
  t(key: string, params?: Record<string, string | number>): string;
  duration(ms: number): string;
}

const pct = (x: number) => `${Math.round(x * 100) / 100}%`;

/** Horizontal position (percent) of a duration. */
export function xOf(ms: number): number {
  if (ms < AXIS_MIN) return BAND_END / 2;
  const f = Math.log(Math.min(ms, AXIS_MAX) / AXIS_MIN) / Math.log(AXIS_MAX / AXIS_MIN);
  return LOG_START + f * (LOG_END - LOG_START);
}

/** The axis' ticks; those with a label say their duration. */
const TICKS: readonly [number, boolean][] = [
  [MINUTE, false],
  [10 * MINUTE, true],
  [60 * MINUTE, true],
  [6 * 60 * MINUTE, true],
  [24 * 60 * MINUTE, true],
  [7 * 24 * 60 * MINUTE, false],
  [30 * 24 * 60 * MINUTE, true],
];

/** A duration as a reader says it; negative ones (detected before impact began) with a sign. For the terminal. */
export function durationText(ms: number): string {
  return ms < 0 ? `−${formatDuration(-ms)} (before impact began)` : formatDuration(ms);
}

/** The same in the site's language, for the pages. */
export function durationWords(ms: number, w: ChartWords): string {
  return ms < 0 ? w.t('insights.before_impact', { duration: w.duration(-ms) }) : w.duration(ms);
}

/** The axis under a chart's rows (decorative: the rows' labels say the numbers). */
export function axisSvg(w: ChartWords): string {
  // The 1-minute tick is left unlabelled (the band's label ends there), and the week's (30 d is close by on a phone).
  const ticks = TICKS.map(([ms, labelled], i) => {
    const label = labelled ? escapeHtml(w.duration(ms)) : '';
    const x = pct(xOf(ms));
    const anchor = i === TICKS.length - 1 ? 'end' : 'middle';
    return `<line x1="${x}" x2="${x}" y1="0" y2="6"/>${i === 0 || !label ? '' : `<text x="${x}" y="20" text-anchor="${anchor}">${label}</text>`}`;
  }).join('');
  return `<svg class="axis" width="100%" height="24" aria-hidden="true" focusable="false"><text x="0" y="20" text-anchor="start">${escapeHtml(w.t('insights.axis_under', { duration: w.duration(MINUTE) }))}</text>${ticks}</svg>`;
}

/** Lines at the median and the 90th percentile, where there are enough values for them. */
function quantileLines(d: Distribution, height: number): string {
  let out = '';
  if (d.median !== null) out += `<line class="q-median" x1="${pct(xOf(d.median))}" x2="${pct(xOf(d.median))}" y1="0" y2="${height}"/>`;
  if (d.p90 !== null) out += `<line class="q-p90" x1="${pct(xOf(d.p90))}" x2="${pct(xOf(d.p90))}" y1="0" y2="${height}"/>`;
  return out;
}

function binLabel(k: number, w: ChartWords): string {
  if (k === 0) return w.t('insights.bin_under', { duration: w.duration(MINUTE) });
  const lo = BIN_EDGES_MS[k - 1]!;
  const hi = BIN_EDGES_MS[k];
  return hi === undefined ? w.t('insights.bin_over', { duration: w.duration(lo) }) : w.t('insights.bin_range', { from: w.duration(lo), to: w.duration(hi) });
}

/** The non-empty bins of a distribution in words: "2 under 1 min, 5 from 10 min to 20 min". */
export function binsText(d: Distribution, w: ChartWords): string {
  const parts: string[] = [];
  d.bins.forEach((count, k) => {
    if (count > 0) parts.push(w.t('insights.bin_count', { count, range: binLabel(k, w) }));
  });
  return parts.join(', ');
}

const ROW_HEIGHT = 28;

/** An aggregated row (all-time view): one bar per bin, as high as its share of the row's largest bin. */
export function binsSvg(d: Distribution, name: string, w: ChartWords): string {
  const max = Math.max(1, ...d.bins);
  const bars = d.bins
    .map((count, k) => {
      if (count === 0) return '';
      const x0 = k === 0 ? 0 : xOf(BIN_EDGES_MS[k - 1]!);
      const x1 = k === 0 ? BAND_END : k < BIN_EDGES_MS.length ? xOf(BIN_EDGES_MS[k]!) : 100;
      const h = Math.max(2, Math.round(((ROW_HEIGHT - 2) * count) / max));
      return `<rect class="bin" x="${pct(x0 + 0.15)}" width="${pct(Math.max(0.3, x1 - x0 - 0.3))}" y="${ROW_HEIGHT - h}" height="${h}"/>`;
    })
    .join('');
  const label = d.n === 0 ? w.t('insights.row_empty', { name }) : w.t('insights.row', { name, bins: binsText(d, w) });
  return `<svg class="strip" width="100%" height="${ROW_HEIGHT}" role="img" aria-label="${escapeHtml(label)}"><line class="base" x1="0" x2="100%" y1="${ROW_HEIGHT - 0.5}" y2="${ROW_HEIGHT - 0.5}"/>${bars}${quantileLines(d, ROW_HEIGHT)}</svg>`;
}

export interface Mark {
  value: number;
  href: string;
  /** Plain text: the incident and its value. */
  label: string;
}

/**
 * A row of marks, one per incident, each a link to it (per-year view), in the order of their values: the keyboard
 * goes from left to right. Marks are translucent, so that where they pile up the row is darker.
 */
export function marksSvg(d: Distribution, marks: readonly Mark[], name: string, w: ChartWords): string {
  const dots = [...marks]
    .sort((a, b) => a.value - b.value)
    .map((m) => `<a href="${escapeHtml(m.href)}"><title>${escapeHtml(m.label)}</title><circle cx="${pct(xOf(m.value))}" cy="${ROW_HEIGHT / 2}" r="5"/></a>`)
    .join('');
  return `<svg class="strip marks" width="100%" height="${ROW_HEIGHT + 2}" role="group" aria-label="${escapeHtml(w.t('insights.row_marks', { name, count: marks.length }))}"><line class="base" x1="0" x2="100%" y1="${ROW_HEIGHT + 1.5}" y2="${ROW_HEIGHT + 1.5}"/>${quantileLines(d, ROW_HEIGHT + 2)}${dots}</svg>`;
}

/** Incidents per month, stacked by severity (bottom: the worst). Decorative next to its table. */
export function monthsSvg(months: readonly { month: string; total: number; bySeverity: Record<string, number> }[], severities: readonly string[]): string {
  const height = 120;
  const max = Math.max(1, ...months.map((m) => m.total));
  const w = 100 / Math.max(1, months.length);
  const bars = months
    .map((m, i) => {
      let y = height;
      let out = '';
      for (const sev of severities) {
        const c = m.bySeverity[sev] ?? 0;
        if (c === 0) continue;
        const h = ((height - 4) * c) / max;
        y -= h;
        out += `<rect class="sev-${sev}" x="${pct(i * w + w * 0.12)}" width="${pct(w * 0.76)}" y="${Math.round(y * 100) / 100}" height="${Math.round(h * 100) / 100}"/>`;
      }
      return out;
    })
    .join('');
  const labels = months
    .map((m, i) => (months.length <= 12 || m.month.endsWith('-01') ? `<text x="${pct(i * w + w / 2)}" y="${height + 16}" text-anchor="middle">${months.length <= 12 ? m.month.slice(5) : m.month.slice(0, 4)}</text>` : ''))
    .join('');
  return `<svg class="months" width="100%" height="${height + 22}" aria-hidden="true" focusable="false"><line class="base" x1="0" x2="100%" y1="${height + 0.5}" y2="${height + 0.5}"/>${bars}${labels}</svg>`;
}
