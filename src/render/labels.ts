/**
 * English words for statuses, impacts and action states, from the English catalogue (locales/en.json, `label.*`).
 * Pages, feeds and badges use the site's language through `Locale` (`it.h.label`); these remain for English text
 * outside the site.
 */
import { englishMessages } from '../core/strings.js';

/** Words for component statuses, impacts, timeline and action statuses, by value (English). */
export const STATUS_LABEL: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(englishMessages())
    .filter(([k, v]) => k.startsWith('label.') && typeof v === 'string')
    .map(([k, v]) => [k.slice('label.'.length), v as string]),
);

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
