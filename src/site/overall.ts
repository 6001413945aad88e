/**
 * The page's overall status. One rule for the banner, the header's dot and the incidents' pills: each shows an
 * impact on the services in the same words, icon and colour. An incident's pill is the worst impact it has on its
 * services; a service's status is the worst impact among its ongoing incidents (maintenance while under way); the
 * banner and the dot are the worst status among the services, so always the worst pill among the incidents shown
 * as active. The severity (critical … notice) is the team's own grading: shown as a labelled fact on the incident's
 * page, never in place of the impact. `indicator` and `description` keep Statuspage's words for the API.
 */
import type { ComponentStatus } from '../core/model.js';
import { worstStatus } from '../core/status.js';
import type { Indicator } from './types.js';

const OVERALL: Record<ComponentStatus, { indicator: Indicator; description: string }> = {
  major_outage: { indicator: 'critical', description: 'Major Service Outage' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  degraded_performance: { indicator: 'minor', description: 'Minor Service Outage' },
  under_maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance' },
  operational: { indicator: 'none', description: 'All Systems Operational' },
};

/** The page's status (the worst of its components'), with Statuspage's indicator and description of it. */
export function overallStatus(statuses: ComponentStatus[]): { status: ComponentStatus; indicator: Indicator; description: string } {
  const worst = worstStatus(statuses);
  return { status: worst, ...OVERALL[worst] };
}
