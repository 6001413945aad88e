/** The incident's times: the zone local times are read in, the four instants, their order, and "now". */
import { Rule } from '../core/rules.js';
import { allZoneNames, parseTimestamp, zoneFor } from '../core/time.js';
import { isoUtc } from '../core/format.js';
import { didYouMean } from '../core/suggest.js';
import { pathName, type Checker, type FramePath } from './checker.js';
import { isPast } from './now-window.js';

export interface Times {
  zone: string;
  started?: number;
  detected?: number;
  mitigated?: number;
  resolved?: number;
  /** Reads another timestamp of the file in its zone, reporting what cannot be read. */
  read: (path: FramePath, value: string | undefined) => number | undefined;
}

/** The file's `timezone` (else the site's), and a reader of its timestamps. */
function zoneAndReader(c: Checker): Pick<Times, 'zone' | 'read'> {
  let zone = c.ctx.config.timezone;
  const tz = c.raw.timezone;
  if (tz !== undefined) {
    if (zoneFor(tz)) zone = tz;
    else c.flag(['timezone'], Rule.UnknownTimezone, `timezone must be an IANA time zone name such as "Europe/Paris"; found "${tz}"`, didYouMean(tz, allZoneNames()));
  }
  const zoneKnown = tz === undefined || zoneFor(tz) !== null;
  const read = (path: FramePath, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const r = parseTimestamp(value, zone);
    if (r.ok) return r.value;
    if (r.rule === Rule.UnknownTimezone && !zoneKnown) return undefined; // already reported once
    c.flag(path, r.rule, `${pathName(path)}: ${r.message}`, r.hint);
    return undefined;
  };
  return { zone, read };
}

const show = isoUtc;

/** Impact cannot end before it began, nor be mitigated before or detected after. */
function checkOrder(c: Checker, t: Times): void {
  const { started, detected, mitigated, resolved } = t;
  if (started !== undefined) {
    if (resolved !== undefined && resolved < started) c.flag(['resolved'], Rule.ResolvedBeforeStarted, `resolved (${show(resolved)}) must not be before started (${show(started)})`);
    if (mitigated !== undefined && mitigated < started) c.flag(['mitigated'], Rule.MitigatedBeforeStarted, `mitigated (${show(mitigated)}) must not be before started (${show(started)})`);
    if (detected !== undefined && detected < started) {
      c.flag(['detected'], Rule.DetectedBeforeStarted, `detected (${show(detected)}) is before started (${show(started)}): the team knew before customers were affected`, 'if impact began earlier, move `started` back');
    }
  }
  if (resolved !== undefined) {
    if (detected !== undefined && detected > resolved) c.flag(['detected'], Rule.DetectedAfterResolved, `detected (${show(detected)}) must not be after resolved (${show(resolved)})`);
    if (mitigated !== undefined && mitigated > resolved) c.flag(['mitigated'], Rule.MitigatedAfterResolved, `mitigated (${show(mitigated)}) must not be after resolved (${show(resolved)})`);
  }
}

/** Only maintenance may be scheduled: an incident's start and end are not later than now. */
function checkNotFuture(c: Checker, t: Times): void {
  if (c.isMaintenance) return;
  const now = c.now;
  if (t.started !== undefined && !isPast(c.window, now, t.started)) {
    c.flag(['started'], Rule.FutureTime, `started (${show(t.started)}) is later than now (${show(now)}); only maintenance may be scheduled in the future`);
  }
  if (t.resolved !== undefined && !isPast(c.window, now, t.resolved)) {
    c.flag(['resolved'], Rule.FutureTime, `resolved (${show(t.resolved)}) is later than now (${show(now)}); leave it out while the incident is ongoing`);
  }
}

export function readTimes(c: Checker): Times {
  const { zone, read } = zoneAndReader(c);
  const t: Times = { zone, read };
  const started = read(['started'], c.raw.started);
  const detected = read(['detected'], c.raw.detected);
  const mitigated = read(['mitigated'], c.raw.mitigated);
  const resolved = read(['resolved'], c.raw.resolved);
  if (started !== undefined) t.started = started;
  if (detected !== undefined) t.detected = detected;
  if (mitigated !== undefined) t.mitigated = mitigated;
  if (resolved !== undefined) t.resolved = resolved;
  checkOrder(c, t);
  checkNotFuture(c, t);
  return t;
}
