/** Dates, durations and percentages as readers see them. Pure; everything is UTC. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2020-05-29T16:21:00Z` (seconds kept, milliseconds dropped unless non-zero). */
export function isoUtc(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** `2020-05-29` */
export function dateUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `2020-05` */
export function monthUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `May 2020` from `2020-05`. */
export function monthName(month: string): string {
  const [y, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

/** A year as written in timestamps: four digits (`0024`, not `24`). */
const year4 = (d: Date) => String(d.getUTCFullYear()).padStart(4, '0');

/** `29 May 2020, 16:21 UTC` */
export function humanUtc(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${year4(d)}, ${hh}:${mm} UTC`;
}

/** `29 May 2020` */
export function humanDate(msOrDate: number | string): string {
  const d = typeof msOrDate === 'number' ? new Date(msOrDate) : new Date(`${msOrDate}T00:00:00Z`);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${year4(d)}`;
}

/**
 * A duration as people say it: `45 s`, `13 min`, `4 h 17 min`, `2 d 3 h`.
 * Rounded down to the unit shown; negative durations are shown as 0.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 min';
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** Uptime as shown to readers: two decimals, never rounded up to 100.00 when there was downtime. */
export function formatPercent(p: number | null): string {
  if (p === null) return 'n/a';
  const floored = Math.floor(p * 100) / 100;
  return `${floored.toFixed(2)} %`;
}
