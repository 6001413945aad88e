/**
 * `webhook` targets: JSON in the Standard Webhooks shape (`type`, `timestamp`, `data`), signed as Standard Webhooks
 * does: `webhook-id` (the message's id, the same when it is sent again: receivers drop what they have seen),
 * `webhook-timestamp` (Unix seconds, when it is sent) and `webhook-signature: v1,<base64 of HMAC-SHA256 over
 * "<id>.<timestamp>.<body>">`. A secret written `whsec_<base64>` is the key those bytes decode to (what the Standard
 * Webhooks libraries expect); any other secret is used as its UTF-8 bytes. docs/notify.md shows a receiver.
 */
import { createHmac } from 'node:crypto';
import type { NotifyEvent } from '../core/index.js';
import type { NotifySnapshot } from '../render/index.js';
import type { Change } from './events.js';
import type { MessageView } from './view.js';
import { plainText, segments } from './text.js';
import type { IncidentDetails } from './details.js';

const TYPES: Record<NotifyEvent, string> = {
  opened: 'incident.opened',
  update: 'incident.updated',
  resolved: 'incident.resolved',
  postmortem: 'incident.postmortem_published',
  scheduled: 'maintenance.scheduled',
  started: 'maintenance.started',
  completed: 'maintenance.completed',
  service_status: 'service.status_changed',
};

/** The event type of a message (`incident.resolved`, `maintenance.updated`, …). */
export function webhookType(v: MessageView, maintenance: boolean): string {
  return v.event === 'update' && maintenance ? 'maintenance.updated' : TYPES[v.event];
}

/** The JSON body of a webhook message. */
export function webhookPayload(v: MessageView, change: Change, current: NotifySnapshot, details: ReadonlyMap<string, IncidentDetails>): Record<string, unknown> {
  const site = { title: current.site.title, url: current.site.url };
  if (change.kind === 'service') {
    const { service, from } = change;
    return {
      type: webhookType(v, false),
      timestamp: v.at,
      data: { id: v.id, events: v.events, site, service: { id: service.id, name: service.name, url: service.url, status: service.status, previous_status: from } },
    };
  }
  const { incident: i, before } = change;
  const d = details.get(i.id)!;
  return {
    type: webhookType(v, i.maintenance),
    timestamp: v.at,
    data: {
      id: v.id,
      events: v.events,
      reopened: !i.maintenance && change.again,
      site,
      incident: {
        id: i.id,
        title: d.title,
        url: d.url,
        maintenance: i.maintenance,
        severity: d.severity,
        status: i.status,
        phase: i.phase,
        postmortem: i.postmortem,
        started_at: i.started_at,
        resolved_at: i.resolved_at,
        summary: d.summary,
        services: d.services,
      },
      update: d.update ? { ...d.update, text_plain: plainText(segments(d.update.text)) } : null,
      previous: before ? { status: before.status, phase: before.phase } : null,
    },
  };
}

/** The HMAC key of a secret (see above). */
export function signingKey(secret: string): Buffer {
  if (secret.startsWith('whsec_')) {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (key.length > 0) return key;
  }
  return Buffer.from(secret, 'utf8');
}

/** The three Standard Webhooks headers for one send of `body`. */
export function signatureHeaders(id: string, body: string, secret: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
