/**
 * An action's `closed` date: a calendar day, read in the incident's time zone (the file's `timezone`, else the
 * site's), so that an action closed on the evening an incident began, local time, is never "before" it. Only a
 * done or won't-do action has one; it is not before the day the incident started, nor later than today.
 */
import type { Action } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { parseDate } from '../core/time.js';
import { dateIn, startOfDate } from '../core/calendar.js';
import { isOpenAction } from '../core/actions.js';
import { pathName, type Checker, type FramePath } from './checker.js';
import { nowSide } from './now-window.js';
import type { Times } from './times.js';

/** The checked `closed` date of `action` (status already read), or undefined after reporting why not. */
export function readClosed(c: Checker, path: FramePath, value: string, action: Action, times: Pick<Times, 'zone' | 'started'>): string | undefined {
  const d = parseDate(value);
  if (!d.ok) {
    c.flag(path, d.rule, `${pathName(path)}: ${d.message}`);
    return undefined;
  }
  const closed = d.value.date;
  let ok = true;
  if (isOpenAction(action)) {
    const state = action.status === 'open' ? 'open' : 'in progress';
    c.flag(path, Rule.ClosedWhileOpen, `action "${action.title}" has closed: ${closed} but its status is ${state}; only a done or won't-do action is closed`, 'set `status: done` (or `wont_do`), or remove `closed`');
    ok = false;
  }
  if (times.started !== undefined) {
    const startedDay = dateIn(times.started, times.zone);
    if (closed < startedDay) {
      c.flag(path, Rule.ClosedBeforeStarted, `action "${action.title}" is closed on ${closed}, before its incident started (${startedDay}, ${times.zone})`, `write a day on or after ${startedDay}`);
      ok = false;
    }
  }
  // In the future until the closing day begins in the incident's zone: the verdict changes then.
  const from = startOfDate(closed, times.zone);
  const future = c.now < from;
  nowSide(c.window, from, !future);
  if (future) {
    c.flag(path, Rule.ClosedInFuture, `action "${action.title}" is closed on ${closed}, later than today (${dateIn(c.now, times.zone)}, ${times.zone})`, 'write the day the action was actually closed');
    ok = false;
  }
  return ok ? closed : undefined;
}
