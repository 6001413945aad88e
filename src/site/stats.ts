/**
 * Distributions of durations, as the format asks for them: every value counted, medians and 90th percentiles
 * instead of means (durations are heavily skewed), and no percentile where too few values make it meaningless.
 * The quantiles are d3-array's (a small, well-kept library); only the binning and the thresholds are ours.
 */
import { quantileSorted } from 'd3-array';

/** How percentiles are computed, in words: the same on the page, in the API and in `stats`. */
export const PERCENTILE_METHOD =
  'linear interpolation between the two nearest ranks (Hyndman & Fan type 7: d3-array, NumPy and Excel PERCENTILE.INC)';

/**
 * The smallest count for each figure. A median of one or two values is those values; a 90th percentile of fewer
 * than 10 is an interpolation towards the single largest one, which says no more than the maximum.
 */
export const MIN_N = { median: 3, p90: 10 } as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Bin edges of the aggregated (all-time) view, in ms, roughly even on a log scale: bin 0 holds values under a
 * minute (zero and negative included: detected at or before the start), bin k values in [edge k−1, edge k), the
 * last one everything from 30 days.
 */
export const BIN_EDGES_MS: readonly number[] = [
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR,
  DAY, 2 * DAY, 4 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
];

export interface Distribution {
  /** Number of values. */
  n: number;
  /** Null below `MIN_N.median` values. */
  median: number | null;
  /** Null below `MIN_N.p90` values. */
  p90: number | null;
  /** Null without values. */
  min: number | null;
  max: number | null;
  /** Count per bin of `BIN_EDGES_MS` (length: edges + 1). */
  bins: number[];
}

/** The bin of a value (see `BIN_EDGES_MS`). */
export function binOf(value: number): number {
  let lo = 0;
  let hi = BIN_EDGES_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value < BIN_EDGES_MS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The distribution of some values (any order; not modified). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = Array.from(Float64Array.from(values).sort());
  const n = sorted.length;
  const bins = new Array<number>(BIN_EDGES_MS.length + 1).fill(0);
  for (const v of sorted) bins[binOf(v)]!++;
  return {
    n,
    median: n >= MIN_N.median ? (quantileSorted(sorted, 0.5) ?? null) : null,
    p90: n >= MIN_N.p90 ? (quantileSorted(sorted, 0.9) ?? null) : null,
    min: n > 0 ? sorted[0]! : null,
    max: n > 0 ? sorted[n - 1]! : null,
    bins,
  };
}
