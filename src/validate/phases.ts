/**
 * Impact phases: a timeline entry's `impact` changes the impact of some of the incident's services from its `at`
 * onward (`operational`: recovered, or not hit yet). Each change must name a service the incident lists, lie
 * inside the incident, and not contradict another change of the same service at the same instant.
 */
import type { AffectedService, ImpactChange } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { isoUtc } from '../core/format.js';
import { didYouMean } from '../core/suggest.js';
import type { Checker } from './checker.js';
import type { Times } from './times.js';
import { isPast } from './now-window.js';
import { toImpact } from './services.js';

/** A timeline entry whose `at` could be read: its index in the file and its instant. */
export interface ReadEntry {
  index: number;
  at: number;
}

/** Where the changes of one service at one instant were written, to report a contradiction once. */
interface Seen {
  index: number;
  impact: string;
}

/** The impact changes of each timeline entry (by its index in the file); invalid changes are reported and left out. */
export function readImpactChanges(c: Checker, times: Times, listed: readonly AffectedService[], entries: readonly ReadEntry[]): Map<number, ImpactChange[]> {
  const out = new Map<number, ImpactChange[]>();
  const listedIds = listed.map((s) => s.id);
  const seen = new Map<string, Seen>();
  for (const { index, at } of entries) {
    const raw = c.raw.timeline?.[index]?.impact;
    if (raw === undefined) continue;
    const keys = Object.keys(raw);
    if (keys.length === 0 && writtenKeys(c, index) === 0) {
      c.flag(['timeline', index, 'impact'], Rule.InvalidValue, `timeline[${index}].impact must name at least one service; found an empty mapping`, 'write e.g. `impact: { api: operational }`, or remove the key');
      continue;
    }
    if (!insideIncident(c, times, index, at)) continue;
    const changes: ImpactChange[] = [];
    for (const id of keys) {
      if (!listedIds.includes(id)) {
        reportUnlisted(c, index, id, listedIds);
        continue;
      }
      const value = raw[id]!;
      const key = `${id}\0${at}`;
      const before = seen.get(key);
      if (before && before.impact !== value) {
        const message = `timeline[${index}].impact sets "${id}" to ${value} at ${isoUtc(at)}, but timeline[${before.index}] sets it to ${before.impact} at the same instant`;
        c.flag(['timeline', index, 'impact', id], Rule.ImpactConflict, message, 'keep one of the two changes, or give them different times');
        continue;
      }
      seen.set(key, { index, impact: value });
      changes.push({ service: id, impact: toImpact(value) });
    }
    if (changes.length > 0) out.set(index, changes);
  }
  return out;
}

/** How many keys the entry's `impact` mapping has as written (before invalid values were left out). */
function writtenKeys(c: Checker, index: number): number {
  const timeline = (c.doc.data as { timeline?: unknown } | null)?.timeline;
  const entry = Array.isArray(timeline) ? (timeline[index] as { impact?: unknown } | undefined) : undefined;
  const impact = entry && typeof entry === 'object' ? entry.impact : undefined;
  return impact && typeof impact === 'object' ? Object.keys(impact).length : 0;
}

function reportUnlisted(c: Checker, index: number, id: string, listed: readonly string[]): void {
  const inSite = c.ctx.config.services.some((s) => s.id === id);
  const what = inSite ? 'which this incident does not list in services' : 'which is neither in this incident\'s services nor in site.yaml';
  const hint = didYouMean(id, listed) ?? 'add it to `services` (with `impact: operational` if it was hit later)';
  c.flag(['timeline', index, 'impact', id], Rule.ImpactUnlistedService, `timeline[${index}].impact names "${id}", ${what}; expected one of ${listed.join(', ')}`, hint, 'key');
}

/** A change applies from `at` until the incident ends: it must lie in [started, resolved), and not after now while ongoing. */
function insideIncident(c: Checker, times: Times, index: number, at: number): boolean {
  const path = ['timeline', index, 'at'];
  const { started, resolved } = times;
  if (started === undefined) return false; // already an error
  if (at < started) {
    c.flag(path, Rule.ImpactOutsideIncident, `timeline[${index}] changes impact at ${isoUtc(at)}, before the incident started (${isoUtc(started)})`, 'move `started` back, or the change forward');
    return false;
  }
  if (resolved !== undefined && at >= resolved) {
    c.flag(path, Rule.ImpactOutsideIncident, `timeline[${index}] changes impact at ${isoUtc(at)}, when the incident is already over (resolved ${isoUtc(resolved)}); impact ends at resolved`, 'remove the change, or move `resolved` later');
    return false;
  }
  if (resolved === undefined && !c.written('resolved') && !c.isMaintenance && !isPast(c.window, c.now, at)) {
    c.flag(path, Rule.ImpactOutsideIncident, `timeline[${index}] changes impact at ${isoUtc(at)}, later than now (${isoUtc(c.now)}); an ongoing incident's phases cannot be ahead of time`);
    return false;
  }
  return true;
}
