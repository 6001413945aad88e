/** The timeline: entries read in the file's zone, statuses of the incident's kind, shown in time order. */
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES, type AffectedService, type TimelineEntry, type TimelineStatus } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { isoUtc } from '../core/format.js';
import { didYouMean } from '../core/suggest.js';
import type { Checker } from './checker.js';
import type { Times } from './times.js';
import { readImpactChanges } from './phases.js';

/** The timeline in time order, with each entry's impact changes (`services`: the incident's, as read). */
export function readTimeline(c: Checker, times: Times, services: readonly AffectedService[]): TimelineEntry[] {
  const allowed: readonly string[] = c.isMaintenance ? MAINTENANCE_STATUSES : INCIDENT_STATUSES;
  const kind = c.isMaintenance ? 'maintenance' : `a ${c.raw.severity} incident`;
  const timeline: (TimelineEntry & { index: number })[] = [];
  let previous: number | undefined;
  (c.raw.timeline ?? []).forEach((entry, i) => {
    if (entry === undefined) return;
    const at = times.read(['timeline', i, 'at'], entry.at);
    if (entry.status !== undefined && !allowed.includes(entry.status)) {
      const message = `timeline[${i}].status must be one of ${allowed.join(', ')} for ${kind}; found "${entry.status}"`;
      c.flag(['timeline', i, 'status'], Rule.InvalidEnum, message, didYouMean(entry.status, allowed));
    }
    if (at === undefined || entry.text === undefined) return;
    if (previous !== undefined && at < previous) {
      const message = `timeline[${i}] (${isoUtc(at)}) is earlier than the entry before it (${isoUtc(previous)}); entries are shown in time order`;
      c.flag(['timeline', i, 'at'], Rule.TimelineOrder, message, 'move the entry to its place in the list');
    }
    previous = at;
    const e: TimelineEntry & { index: number } = { at, text: entry.text, index: i };
    if (entry.status !== undefined) e.status = entry.status as TimelineStatus;
    if (entry.internal === true) e.internal = true;
    timeline.push(e);
  });
  const changes = readImpactChanges(c, times, services, timeline);
  for (const e of timeline) {
    const impact = changes.get(e.index);
    if (impact) e.impact = impact;
  }
  timeline.sort((a, b) => a.at - b.at || a.index - b.index);
  return timeline.map(({ index: _index, ...e }) => e);
}
