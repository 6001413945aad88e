/** Follow-up actions: due dates are calendar days, and an open action past its date is overdue. */
import type { Action } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { parseDate } from '../core/time.js';
import { dateUtc } from '../core/format.js';
import { isOpenAction, isOverdue } from '../core/actions.js';
import type { Checker } from './checker.js';
import { nowSide } from './now-window.js';
import type { Times } from './times.js';
import { readClosed } from './closed.js';

const DAY = 86_400_000;

export function readActions(c: Checker, times: Pick<Times, 'zone' | 'started'>): Action[] {
  const today = dateUtc(c.now);
  const actions: Action[] = [];
  (c.raw.actions ?? []).forEach((a, i) => {
    if (a === undefined || a.title === undefined || a.status === undefined) return;
    const action: Action = { title: a.title, status: a.status };
    if (a.owner !== undefined) action.owner = a.owner;
    if (a.priority !== undefined) action.priority = a.priority;
    if (a.kind !== undefined) action.kind = a.kind;
    if (a.link !== undefined) action.link = a.link;
    if (a.internal === true) action.internal = true;
    if (a.due !== undefined) {
      const d = parseDate(a.due);
      if (!d.ok) c.flag(['actions', i, 'due'], d.rule, `actions[${i}].due: ${d.message}`);
      else {
        action.due = d.value.date;
        if (isOpenAction(action) && c.published) {
          // Overdue from the first day after the due date.
          const overdueFrom = d.value.ms + DAY;
          nowSide(c.window, overdueFrom, isOverdue(action, today));
          if (isOverdue(action, today)) {
            const state = action.status === 'open' ? 'open' : 'in progress';
            c.flag(['actions', i, 'due'], Rule.OverdueAction, `action "${a.title}" is ${state} and past its due date ${a.due}`, 'mark it done or wont_do, or move the due date');
          }
        }
      }
    }
    if (a.closed !== undefined) {
      const closed = readClosed(c, ['actions', i, 'closed'], a.closed, action, times);
      if (closed !== undefined) action.closed = closed;
    }
    actions.push(action);
  });
  return actions;
}
