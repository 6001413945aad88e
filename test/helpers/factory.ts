/** Builders for SiteConfig / Incident objects in tests (no parsing involved). */

import type { AffectedService, Incident, IncidentHtml, SiteConfig } from '../../src/core/index.js';
import type { SiteModel } from '../../src/site/index.js';
import { DEFAULT_IMPACT } from '../../src/core/index.js';
import { buildSiteModel } from '../../src/site/index.js';

/** ISO string → ms. */
export const T = (iso: string): number => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`bad instant in test: ${iso}`);
  return ms;
};

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function makeConfig(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return {
    title: 'Acme Status',
    basePath: '/',
    timezone: 'UTC',
    uptimeDays: 90,
    services: [
      { id: 'api', name: 'API', group: 'Core' },
      { id: 'website', name: 'Website' },
      { id: 'db', name: 'Database', group: 'Core' },
    ],
    ...overrides,
  };
}

export type IncidentInput = Partial<Omit<Incident, 'services' | 'started' | 'resolved' | 'detected' | 'mitigated'>> & {
  id: string;
  started: number | string;
  resolved?: number | string;
  detected?: number | string;
  mitigated?: number | string;
  /** Service ids (impact from the severity) or full entries. Default: `['api']`. */
  services?: (string | AffectedService)[];
};

const ms = (v: number | string | undefined): number | undefined => (v === undefined ? undefined : typeof v === 'number' ? v : T(v));

export function makeIncident(input: IncidentInput): Incident {
  const { started, resolved, detected, mitigated, services: serviceInput, ...rest } = input;
  const severity = input.severity ?? 'major';
  const services = (serviceInput ?? ['api']).map((s) => (typeof s === 'string' ? { id: s, impact: DEFAULT_IMPACT[severity] } : s));
  const incident: Incident = {
    file: `incidents/${input.id}.md`,
    title: `Incident ${input.id}`,
    summary: `Summary of ${input.id}.`,
    contributingFactors: [],
    actions: [],
    links: [],
    tags: [],
    authors: [],
    timeline: [],
    timezone: 'UTC',
    draft: false,
    body: '',
    bodyLine: 1,
    ...rest,
    severity,
    services,
    started: ms(started)!,
  };
  const times = { resolved: ms(resolved), detected: ms(detected), mitigated: ms(mitigated) };
  for (const [key, value] of Object.entries(times) as [keyof typeof times, number | undefined][]) {
    if (value !== undefined) incident[key] = value;
  }
  return incident;
}

export function fakeHtml(incident: Incident): IncidentHtml {
  return {
    bodyHtml: incident.body ? `<p>${incident.body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>` : '',
    rootCauseHtml: '',
    timelineHtml: incident.timeline.map(() => ''),
  };
}

export function makeModel(
  incidents: Incident[],
  opts: { now: number | string; config?: Partial<SiteConfig>; drafts?: boolean },
): SiteModel {
  return buildSiteModel(makeConfig(opts.config), incidents, {
    now: typeof opts.now === 'number' ? opts.now : T(opts.now),
    drafts: opts.drafts ?? false,
    html: fakeHtml,
  });
}

/** A title that breaks naive string templates in every output format. */
export const HOSTILE = 'Outage "quoted" <script>alert(1)</script> & more; a,b\\c\nline 🚀 مرحبا \u202e';
