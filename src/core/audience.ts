/**
 * The two audiences of one project (issue 15): the internal site shows every incident with every part; the public
 * site is made from the public projection of each incident and from nothing else, so that no figure, page, feed,
 * API file, search record or cached output of the public site can hold an internal byte. The projection is applied
 * once, right after validation (project/audience.ts), before the site model: everything the site computes (counts,
 * pagination, uptime, related incidents, insights, search) is computed from what it returns. Pure.
 */
import type { Action, Audience, Incident, IncidentHtml, ImageRef, TextRange, Visibility } from './model.js';

/** Whether an incident is published on the public site: not `visibility: internal`, not a near miss. */
export function isPublicIncident(incident: Pick<Incident, 'visibility' | 'nearMiss'>): boolean {
  return incident.visibility !== 'internal' && incident.nearMiss !== true;
}

/**
 * `text` without the ranges (sorted, not overlapping, as validation finds them). A section that fills its lines
 * leaves no empty line behind it: the rest of its closing fence's line goes with it, and blank lines around it are
 * not doubled (Markdown reads one or several blank lines between blocks alike).
 */
export function cutRanges(text: string, ranges: readonly TextRange[] | undefined): string {
  if (!ranges || ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    out += text.slice(at, start);
    at = end;
    if (out === '' || out.endsWith('\n')) {
      // The section began its line: the rest of its last line goes too, and a blank line before it is enough.
      const rest = /^[ \t]*(?:\r?\n|$)/.exec(text.slice(at))![0];
      at += rest.length;
      if (out === '' || /\n[ \t]*\r?\n$/.test(out)) at += /^(?:[ \t]*\r?\n)*/.exec(text.slice(at))![0].length;
      // Text right before and right after stays two blocks, as the section between them made it.
      else if (/^[ \t]*\S/.test(text.slice(at))) out += '\n';
    }
  }
  const tail = text.slice(at);
  return tail === '' ? out.replace(/(\r?\n)(?:[ \t]*\r?\n)+$/, '$1') : out + tail;
}

/** What the public projection leaves out besides whole internal incidents: the site's choices of site.yaml. */
export interface PublicOptions {
  /** `internal`: action owners are left out of the public site. */
  actionOwners: Visibility;
}

export const DEFAULT_PUBLIC_OPTIONS: PublicOptions = { actionOwners: 'public' };

/** Whether the public projection of a public incident differs from the incident. */
export function hasInternalParts(incident: Incident, opts: PublicOptions = DEFAULT_PUBLIC_OPTIONS): boolean {
  return (
    incident.responders !== undefined ||
    incident.internalFactors !== undefined ||
    incident.internalParts !== undefined ||
    incident.timeline.some((e) => e.internal) ||
    incident.actions.some((a) => a.internal || (opts.actionOwners === 'internal' && a.owner !== undefined)) ||
    incident.links.some((l) => l.internal) ||
    (incident.images ?? []).some((i) => i.internal)
  );
}

function publicAction(a: Action, opts: PublicOptions): Action {
  if (opts.actionOwners !== 'internal' || a.owner === undefined) return a;
  const { owner: _owner, ...rest } = a;
  return rest;
}

/**
 * The public projection of a public incident: internal timeline entries, actions, links, contributing factors and
 * images left out, its responders, the `:::internal` sections of its body and root cause cut out (with their fences),
 * action owners when the site keeps them internal. The incident itself when it has nothing internal. An incident
 * of the build cache has no `body` (it comes with its HTML): `publicHtml` cuts that one.
 */
export function publicIncident(incident: Incident, opts: PublicOptions = DEFAULT_PUBLIC_OPTIONS): Incident {
  if (!hasInternalParts(incident, opts)) return incident;
  const {
    responders: _responders, internalFactors, internalParts, images,
    ...rest
  } = incident;
  const internalFactorSet = new Set(internalFactors ?? []);
  const out: Incident = {
    ...rest,
    timeline: incident.timeline.filter((e) => !e.internal),
    actions: incident.actions.filter((a) => !a.internal).map((a) => publicAction(a, opts)),
    links: incident.links.filter((l) => !l.internal),
    contributingFactors: incident.contributingFactors.filter((_, i) => !internalFactorSet.has(i)),
  };
  if ('body' in incident) out.body = cutRanges(incident.body, internalParts?.body);
  else delete (out as Partial<Incident>).body;
  if (incident.rootCause !== undefined) {
    const rootCause = cutRanges(incident.rootCause, internalParts?.rootCause);
    if (rootCause.trim() !== '') out.rootCause = rootCause;
    else delete out.rootCause;
  }
  const publicImages = (images ?? []).filter((i: ImageRef) => !i.internal);
  if (publicImages.length) out.images = publicImages;
  return out;
}

/**
 * The HTML of an incident's public projection: the public renderings of its body and root cause (when it has
 * `:::internal` sections), the HTML of its public timeline entries only, its Markdown body cut. Read lazily, like
 * the HTML of the build cache it may wrap (a page reads it when it is rendered).
 */
export function publicHtml(incident: Incident, html: IncidentHtml): IncidentHtml {
  const keep = incident.timeline.map((e) => !e.internal);
  const parts = incident.internalParts;
  if (!parts && keep.every(Boolean)) return html;
  const out = {
    get bodyHtml() {
      return parts?.body ? (html.publicBodyHtml ?? '') : html.bodyHtml;
    },
    get rootCauseHtml() {
      return parts?.rootCause ? (html.publicRootCauseHtml ?? '') : html.rootCauseHtml;
    },
    get timelineHtml() {
      return html.timelineHtml.filter((_, i) => keep[i]);
    },
  };
  if ('body' in html) Object.defineProperty(out, 'body', { get: () => cutRanges(html.body!, parts?.body), enumerable: true });
  return out;
}

/** The label of an audience in the build's messages and keys. */
export function audienceKey(audience: Audience, opts: PublicOptions = DEFAULT_PUBLIC_OPTIONS): string {
  return audience === 'internal' ? 'audience:internal' : `audience:public;owners:${opts.actionOwners}`;
}
