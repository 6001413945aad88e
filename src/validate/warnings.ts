/** Warnings about the whole incident: what readers will miss, and what the author probably forgot. */
import { Rule } from '../core/rules.js';
import { formatDuration } from '../core/format.js';
import type { Checker } from './checker.js';
import type { Times } from './times.js';
import { nowExact, nowSide } from './now-window.js';

const DAY = 86_400_000;
/** An ongoing incident older than this is probably a forgotten `resolved`. */
export const LONG_ONGOING_DAYS = 30;

export function checkWhole(c: Checker, t: Times): void {
  if (t.resolved !== undefined && c.published && !c.isMaintenance && c.raw.root_cause === undefined) {
    c.flag([], Rule.MissingRootCause, 'the incident is resolved but has no root_cause; readers come to a postmortem to learn why it happened', 'add `root_cause:` with a paragraph of Markdown');
  }
  // A `resolved` that is written but invalid is already an error: do not also guess that it was forgotten.
  if (t.resolved !== undefined || c.written('resolved') || t.started === undefined || c.isMaintenance) return;
  const ongoing = c.now - t.started;
  if (ongoing > LONG_ONGOING_DAYS * DAY) {
    nowExact(c.window, c.now); // the message quotes how long
    c.flag(['started'], Rule.LongOngoing, `the incident has been ongoing for ${formatDuration(ongoing)} (more than ${LONG_ONGOING_DAYS} days); a forgotten \`resolved\`?`, 'add `resolved:` with the time impact ended');
  } else nowSide(c.window, t.started + LONG_ONGOING_DAYS * DAY + 1, false);
}
