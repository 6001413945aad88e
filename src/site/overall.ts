/** The page's overall status, in Statuspage's words. */
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

/** The page's indicator and description (Statuspage's words) from its components' statuses. */
export function overallStatus(statuses: ComponentStatus[]): { indicator: Indicator; description: string } {
  const worst = worstStatus(statuses);
  return { ...OVERALL[worst] };
}

