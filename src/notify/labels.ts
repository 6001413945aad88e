/**
 * The words of messages, per language. The site's language comes with its snapshot (`site.language`); only English
 * exists yet, and a language without words falls back to it (issue 17 adds the others here).
 */
import type { NotifyEvent } from '../core/index.js';
import { label as statusLabel } from '../render/index.js';

export interface Labels {
  /** What happened, as a message's heading starts (`New incident`, …). */
  event: Record<NotifyEvent, string>;
  reopened: string;
  rescheduled: string;
  resolvedWithPostmortem: string;
  status: (value: string) => string;
  facts: { status: string; impact: string; services: string; started: string; resolved: string; scheduled: string; ends: string; was: string };
  view: { incident: string; maintenance: string; service: string };
  /** A service's status changed: `API is now Partial outage`. */
  serviceNow: (name: string, status: string) => string;
  /** `Example Status` → the footer line. */
  footer: (site: string) => string;
}

const en: Labels = {
  event: {
    opened: 'New incident',
    update: 'Update',
    resolved: 'Resolved',
    postmortem: 'Postmortem published',
    scheduled: 'Maintenance scheduled',
    started: 'Maintenance started',
    completed: 'Maintenance completed',
    service_status: 'Status changed',
  },
  reopened: 'Incident reopened',
  rescheduled: 'Maintenance rescheduled',
  resolvedWithPostmortem: 'Resolved, postmortem published',
  status: statusLabel,
  facts: { status: 'Status', impact: 'Impact', services: 'Services', started: 'Started', resolved: 'Resolved', scheduled: 'Scheduled', ends: 'Ends', was: 'Was' },
  view: { incident: 'View incident', maintenance: 'View maintenance', service: 'View service' },
  serviceNow: (name, status) => `${name} is now ${status}`,
  footer: (site) => site,
};

const LANGUAGES: Record<string, Labels> = { en };

export function labelsFor(language: string): Labels {
  return LANGUAGES[language] ?? LANGUAGES[language.split('-')[0]!] ?? en;
}
