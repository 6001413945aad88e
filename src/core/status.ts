/** Component statuses, worst first, and how to pick the worst of several. */
import type { ComponentStatus } from './model.js';

/** Rank of a component status, 0 = worst (major_outage) … 4 = operational. */
export const STATUS_RANK: Record<ComponentStatus, number> = {
  major_outage: 0,
  partial_outage: 1,
  degraded_performance: 2,
  under_maintenance: 3,
  operational: 4,
};

/** The worse of two component statuses. */
export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return STATUS_RANK[b] < STATUS_RANK[a] ? b : a;
}

/** The worst of several statuses (`operational` for none). */
export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let w: ComponentStatus = 'operational';
  for (const s of statuses) w = worse(w, s);
  return w;
}
