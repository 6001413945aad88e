/** Fingerprints of incident views: what lets a rebuild reuse the files made from an unchanged incident. */
import { createHash } from 'node:crypto';
import { isOverdue } from '../core/actions.js';
import { incidentUpdatedAt } from './incident.js';
import type { IncidentView } from './types.js';

/**
 * Everything an incident's view holds, as a hash: the hash of its source (which determines the incident and its
 * HTML) and every value derived from "now" and from its neighbours. Two builds that give a view the same
 * fingerprint give it the same fields, so a page made only from it (and from site-wide inputs) is the same.
 */
export function incidentFingerprint(view: IncidentView, sourceHash: string, now: number, today: string): string {
  const derived = [
    view.status,
    view.ongoing,
    view.upcoming,
    view.durationMs,
    view.timeToDetectMs,
    view.timeToMitigateMs,
    view.prevId,
    view.nextId,
    incidentUpdatedAt(view, now),
    view.actions.map((a) => isOverdue(a, today)),
  ];
  return createHash('sha256').update(sourceHash).update('\0').update(JSON.stringify(derived)).digest('base64url');
}

