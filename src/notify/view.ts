/**
 * One message as every platform shows it, before its markup: a heading, facts, the newest update's text, a link.
 * Made from a change and the events a target asked for (the last of them names the message).
 */
import { createHash } from 'node:crypto';
import { humanUtc, worstStatus, type ComponentStatus, type Impact, type NotifyEvent } from '../core/index.js';
import type { NotifySnapshot } from '../render/index.js';
import type { Change } from './events.js';
import { parseUpdateKey, type IncidentDetails } from './details.js';
import { labelsFor } from './labels.js';
import { segments, truncate, truncateSegments, type Segment } from './text.js';

/** The tone of a message, which each platform shows in its own way (a colour, a container style). */
export type Tone = 'critical' | 'major' | 'minor' | 'info' | 'good';

export interface MessageView {
  /** Stable for one event of one site: the same change announced again (an outbox resent) has the same id. */
  id: string;
  /** The event that names the message, and every event of the change that the target asked for. */
  event: NotifyEvent;
  events: NotifyEvent[];
  /** `New incident`, `Resolved`, … */
  label: string;
  /** The incident's title, or the service's name. */
  title: string;
  facts: [string, string][];
  /** The newest update's text, else the summary; cut to a length every platform takes. */
  text: Segment[];
  url: string;
  linkLabel: string;
  tone: Tone;
  /** When it happened (ISO): the newest update, the resolution, the start, or the build. */
  at: string;
  site: { title: string; url: string };
}

/** Longest text of a message: well under every platform's limit (Slack: 3,000 per section). */
export const TEXT_MAX = 1500;
export const TITLE_MAX = 140;

const IMPACT_TONE: Record<Impact, Tone> = { major_outage: 'critical', partial_outage: 'major', degraded_performance: 'minor', under_maintenance: 'info' };
const STATUS_TONE: Record<ComponentStatus, Tone> = { ...IMPACT_TONE, operational: 'good' };

function messageId(site: string, ...parts: string[]): string {
  return `msg_${createHash('sha256').update([site, ...parts].join('\0')).digest('base64url').slice(0, 24)}`;
}

function incidentView(change: Extract<Change, { kind: 'incident' }>, d: IncidentDetails, events: NotifyEvent[], current: NotifySnapshot, site: { title: string; url: string }): MessageView {
  const L = labelsFor(current.site.language);
  const { incident: i } = change;
  const event = events[events.length - 1]!;
  const label =
    event === 'opened' && change.again ? L.reopened : event === 'scheduled' && change.again ? L.rescheduled : event === 'postmortem' && events.includes('resolved') ? L.resolvedWithPostmortem : L.event[event];
  const impacts = d.services.map((s) => s.impact).filter((x): x is Impact => x !== null);
  const worst = worstStatus(impacts);
  const facts: [string, string][] = [[L.facts.status, L.status(i.status)]];
  if (!i.maintenance && worst !== 'operational' && i.phase === 'open') facts.push([L.facts.impact, L.status(worst)]);
  facts.push([L.facts.services, d.services.map((s) => s.name).join(', ')]);
  const started = humanUtc(Date.parse(i.started_at));
  const ended = i.resolved_at === null ? null : humanUtc(Date.parse(i.resolved_at));
  if (i.maintenance) {
    facts.push([L.facts.scheduled, started]);
    if (ended) facts.push([L.facts.ends, ended]);
  } else {
    facts.push([L.facts.started, started]);
    if (ended && i.phase === 'resolved') facts.push([L.facts.resolved, ended]);
  }
  const fresh = change.newUpdate === null ? null : parseUpdateKey(change.newUpdate);
  const at = event === 'update' && fresh ? fresh.at : event === 'resolved' || event === 'completed' ? (i.resolved_at ?? current.generated_at) : event === 'postmortem' ? current.generated_at : (d.update?.at ?? i.started_at);
  const tone: Tone = i.phase === 'resolved' || i.phase === 'completed' ? 'good' : i.maintenance ? 'info' : (IMPACT_TONE[worst as Impact] ?? 'info');
  const detail = event === 'update' && change.newUpdate ? change.newUpdate : event === 'resolved' || event === 'completed' ? (i.resolved_at ?? '') : event === 'scheduled' ? `${i.started_at}/${i.resolved_at ?? ''}` : event === 'opened' && change.before ? `again/${change.before.resolved_at ?? ''}` : i.started_at;
  return {
    id: messageId(site.url, i.id, event, detail),
    event,
    events,
    label,
    title: truncate(d.title, TITLE_MAX),
    facts,
    text: truncateSegments(segments(d.update?.text ?? d.summary), TEXT_MAX),
    url: d.url,
    linkLabel: i.maintenance ? L.view.maintenance : L.view.incident,
    tone,
    at,
    site,
  };
}

/**
 * The message of a change for a target that asked for `events` of it (in order; the last names the message); an
 * incident's with its details (details.ts).
 */
export function messageView(change: Change, events: NotifyEvent[], current: NotifySnapshot, details: ReadonlyMap<string, IncidentDetails>): MessageView {
  const site = { title: current.site.title, url: current.site.url ?? '' };
  if (change.kind === 'incident') return incidentView(change, details.get(change.incident.id)!, events, current, site);
  const L = labelsFor(current.site.language);
  const { service, from } = change;
  return {
    id: messageId(site.url, 'service', service.id, from, service.status, current.generated_at),
    event: 'service_status',
    events: ['service_status'],
    label: L.event.service_status,
    title: truncate(service.name, TITLE_MAX),
    facts: [
      [L.facts.status, L.status(service.status)],
      [L.facts.was, L.status(from)],
    ],
    text: [{ text: L.serviceNow(service.name, L.status(service.status)) }],
    url: service.url,
    linkLabel: L.view.service,
    tone: STATUS_TONE[service.status],
    at: current.generated_at,
    site,
  };
}
