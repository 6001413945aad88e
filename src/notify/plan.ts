/**
 * Which message each target gets: per change, the events the target asked for, about the services it follows; one
 * message per incident (or service) and target, named by the most advanced of those events. The bodies are final
 * here: what `--dry-run` prints is what is sent (a webhook's signature aside, made when it is sent).
 */
import type { NotifyEvent, NotifyTarget } from '../core/index.js';
import type { NotifySnapshot } from '../render/index.js';
import type { Change } from './events.js';
import { discordPayload, slackPayload, teamsPayload } from './formats.js';
import { messageView } from './view.js';
import { webhookPayload } from './webhook.js';
import type { IncidentDetails } from './details.js';

export interface Outgoing {
  /** Stable id of the event (a webhook's `webhook-id`). */
  id: string;
  /** Index of the target in site.yaml's `notify:`. */
  target: number;
  event: NotifyEvent;
  /** What it is about, for people: the incident's title or the service's name. */
  subject: string;
  /** The exact JSON body. */
  body: string;
}

/** The services a change concerns. */
function servicesOf(change: Change, details: ReadonlyMap<string, IncidentDetails>): string[] {
  return change.kind === 'service' ? [change.service.id] : details.get(change.incident.id)!.services.map((s) => s.id);
}

/** The events of `change` that `target` asked for, in order; empty when none or not about its services. */
export function eventsFor(target: NotifyTarget, change: Change, details: ReadonlyMap<string, IncidentDetails>): NotifyEvent[] {
  if (target.services && !servicesOf(change, details).some((id) => target.services!.includes(id))) return [];
  const events: readonly NotifyEvent[] = change.kind === 'service' ? ['service_status'] : change.events;
  return events.filter((e) => target.events.includes(e));
}

function payload(target: NotifyTarget, change: Change, events: NotifyEvent[], current: NotifySnapshot, details: ReadonlyMap<string, IncidentDetails>): { id: string; event: NotifyEvent; subject: string; body: unknown } {
  const view = messageView(change, events, current, details);
  const body =
    target.type === 'slack' ? slackPayload(view) : target.type === 'discord' ? discordPayload(view) : target.type === 'teams' ? teamsPayload(view) : webhookPayload(view, change, current, details);
  return { id: view.id, event: view.event, subject: change.kind === 'service' ? change.service.name : details.get(change.incident.id)!.title, body };
}

/**
 * Every message of every target, targets in site.yaml's order, each target's in the order of the changes; `details`
 * holds each changed incident's (details.ts).
 */
export function planMessages(targets: readonly NotifyTarget[], changes: readonly Change[], current: NotifySnapshot, details: ReadonlyMap<string, IncidentDetails>): Outgoing[] {
  const out: Outgoing[] = [];
  targets.forEach((target, index) => {
    for (const change of changes) {
      const events = eventsFor(target, change, details);
      if (events.length === 0) continue;
      const p = payload(target, change, events, current, details);
      out.push({ id: p.id, target: index, event: p.event, subject: p.subject, body: JSON.stringify(p.body) });
    }
  });
  return out;
}
