/** Every follow-up action across incidents, in the order the actions page shows them. */
import type { Action } from '../core/model.js';
import { isOpenAction, isOverdue } from '../core/actions.js';
import { isPublicIncident } from '../core/audience.js';
import { dateUtc } from '../core/format.js';
import type { ActionView, IncidentView } from './types.js';

const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

function actionGroup(a: ActionView): number {
  if (isOpenAction(a)) return a.overdue ? 0 : 1;
  return 2;
}

/**
 * Every action across incidents: overdue open/in-progress first (earliest due first), then the
 * other open/in-progress ones (by due date, undated last), then done/won't do. Remaining ties: priority
 * (high first), the incident order (newest first), the order in the file.
 */
export function collectActions(incidents: IncidentView[], now: number): ActionView[] {
  const today = dateUtc(now);
  const rows: { view: ActionView; incident: number; index: number }[] = [];
  incidents.forEach((incident, incidentIndex) => {
    incident.actions.forEach((action: Action, index) => {
      rows.push({
        view: {
          ...action,
          incidentId: incident.id,
          incidentTitle: incident.title,
          overdue: isOverdue(action, today),
          // The actions of an internal incident or a near miss are internal too (the internal site marks them).
          ...(isPublicIncident(incident) ? {} : { internal: true as const }),
        },
        incident: incidentIndex,
        index,
      });
    });
  });
  const dueKey = (a: ActionView): string => a.due ?? '9999-99-99';
  rows.sort((x, y) => {
    const a = x.view;
    const b = y.view;
    const g = actionGroup(a) - actionGroup(b);
    if (g !== 0) return g;
    if (actionGroup(a) < 2 && dueKey(a) !== dueKey(b)) return dueKey(a) < dueKey(b) ? -1 : 1;
    const p = (PRIORITY_RANK[a.priority ?? ''] ?? 3) - (PRIORITY_RANK[b.priority ?? ''] ?? 3);
    if (p !== 0) return p;
    return x.incident - y.incident || x.index - y.index;
  });
  return rows.map((r) => r.view);
}

