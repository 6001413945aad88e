/** Links: sources and evidence of an incident (the public write-up, dashboards, the ticket, related incidents). */
import type { IncidentLink } from '../core/model.js';
import type { Checker } from './checker.js';

export function readLinks(c: Checker): IncidentLink[] {
  const links: IncidentLink[] = [];
  for (const l of c.raw.links ?? []) {
    if (l === undefined || l.title === undefined || l.url === undefined) continue;
    const link: IncidentLink = { title: l.title, url: l.url };
    if (l.kind !== undefined) link.kind = l.kind;
    if (l.internal === true) link.internal = true;
    links.push(link);
  }
  return links;
}
