/** The words readers see for statuses, impacts and action states. */

/** Words for component statuses and impacts. */
export const STATUS_LABEL: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  open: 'Open',
  done: 'Done',
  wont_do: "Won't do",
};

export function label(value: string): string {
  return STATUS_LABEL[value] ?? value.replace(/_/g, ' ');
}


/** Words for how an incident was detected (`detection`). */
export const DETECTION_LABEL: Record<string, string> = {
  monitoring: 'Monitoring',
  customer: 'Customer report',
  employee: 'Employee',
  third_party: 'Third party',
  other: 'Other',
};

export function detectionLabel(value: string): string {
  return DETECTION_LABEL[value] ?? value.replace(/_/g, ' ');
}
