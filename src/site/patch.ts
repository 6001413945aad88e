/**
 * The site model after a few incident files were edited, in O(edited) (`dev`), and the model of a publishable
 * project result.
 */
import type { Incident, IncidentHtml, SiteConfig } from '../core/model.js';
import { hasError } from '../core/diagnostic.js';
import type { FileResult } from '../process/index.js';
import type { ProjectResult } from '../project/index.js';
import type { SiteModel } from './types.js';
import { buildSiteModel } from './model.js';

/** Longest age of a model's "now" for it to be patched rather than built again (`dev` reads the clock). */
export const PATCH_MAX_AGE_MS = 60_000;

/**
 * A model exact for incident pages after some incident files were edited, in O(edited) instead of O(all):
 * the base model with the views of the edited incidents replaced. Only incident pages may be rendered from it
 * (its lists, services, tags and actions are those of the base). Null when that would not be exact: the set
 * of incidents changed, an edited incident moved in the order (its `started` or its file changed), the
 * configuration changed, the Tags link of the navigation would appear or disappear, an edit may change the overall
 * status (shown on every page), or `base` is too old.
 */
export function patchIncidentModel(
  base: SiteModel,
  project: { config: SiteConfig; published: number; tagged: number },
  edited: readonly FileResult[],
  now: number,
  drafts: boolean,
): SiteModel | null {
  if (base.config !== project.config || now - base.now > PATCH_MAX_AGE_MS || now < base.now) return null;
  if (project.published !== base.incidents.length) return null;
  if (base.tags.size > 0 !== project.tagged > 0) return null;
  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  for (const r of edited) {
    const inc = r.incident;
    if (!inc || (inc.draft && !drafts)) return null;
    const old = base.byId.get(inc.id);
    if (!old || old.started !== inc.started || old.file !== inc.file) return null;
    incidents.push(inc);
    if (r.html) html.set(inc.id, r.html);
  }
  if (incidents.length === 0) return base;
  const fresh = buildSiteModel(project.config, incidents, {
    now: base.now,
    drafts,
    html: (incident) => html.get(incident.id) ?? NO_HTML,
  });
  const list = base.incidents.slice();
  const byId = new Map(base.byId);
  for (const view of fresh.incidents) {
    const old = base.byId.get(view.id)!;
    // The header of every page shows the overall status: an edit that may change it needs the whole model.
    if ((view.ongoing || old.ongoing) && (view.ongoing !== old.ongoing || JSON.stringify(view.services) !== JSON.stringify(old.services))) return null;
    const patched = Object.assign(view, { prevId: old.prevId, nextId: old.nextId });
    list[list.indexOf(old)] = patched;
    byId.set(view.id, patched);
  }
  return { ...base, incidents: list, byId };
}

/** A project result that can be published: a configuration and no error. */
export function publishable(result: ProjectResult): result is ProjectResult & { config: SiteConfig } {
  return result.config !== null && !hasError(result.diagnostics);
}

/**
 * The site model of a publishable result (linear in the number of incidents; no Markdown is rendered).
 * `fingerprints`: give each view its fingerprint, so that the files made from it can be reused (builds).
 */
export function siteModel(result: ProjectResult & { config: SiteConfig }, now: number, drafts: boolean, fingerprints = false): SiteModel {
  return buildSiteModel(result.config, result.incidents, {
    now,
    drafts,
    html: (incident) => result.html.get(incident.id) ?? NO_HTML,
    media: result.media,
    ...(fingerprints ? { sourceHash: (incident: Incident) => result.sourceHashes.get(incident.id) } : {}),
  });
}

const NO_HTML: IncidentHtml = { bodyHtml: '', rootCauseHtml: '', timelineHtml: [] };
