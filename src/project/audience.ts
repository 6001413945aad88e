/**
 * A project result for one audience (issue 15), right after validation and before the site model: the site of an
 * audience is made from what this returns and from nothing else.
 *
 * - public: the public incidents only (no `visibility: internal`, no near miss), each its public projection
 *   (core/audience.ts) with the HTML of that projection; the images only the projections show; a configuration
 *   without `internal:` (the internal site's address is not the public's business);
 * - internal: every incident as written, the configuration of the internal site (its address, `audience`).
 *
 * Each incident's source hash (what fingerprints, page keys and the search's records are keyed by) is combined
 * with the audience and the projection's options, so that nothing made for one audience is ever reused for the
 * other. Pure.
 */
import { audienceKey, isPublicIncident, publicHtml, publicIncident, type PublicOptions } from '../core/audience.js';
import type { Audience, Incident, IncidentHtml, SiteConfig } from '../core/model.js';
import { contentHash } from '../core/hash.js';
import type { ProjectResult } from './assemble.js';
import type { FileResult } from '../process/index.js';

/** The public projection's options of a configuration. */
export function publicOptions(config: SiteConfig): PublicOptions {
  return { actionOwners: config.internal?.actionOwners ?? 'public' };
}

const configs = new WeakMap<SiteConfig, Map<Audience, SiteConfig>>();

/**
 * The configuration of an audience's site; `baseUrl` (`--base-url`) overrides its address. The same object for the
 * same configuration and audience (without an override): `dev` patches a model only while its configuration is.
 */
export function audienceConfig(config: SiteConfig, audience: Audience, baseUrl?: { baseUrl: string; basePath: string }): SiteConfig {
  if (baseUrl) return makeConfig(config, audience, baseUrl);
  let mine = configs.get(config);
  if (!mine) configs.set(config, (mine = new Map()));
  let made = mine.get(audience);
  if (!made) mine.set(audience, (made = makeConfig(config, audience)));
  return made;
}

function makeConfig(config: SiteConfig, audience: Audience, baseUrl?: { baseUrl: string; basePath: string }): SiteConfig {
  const { internal, audience: _audience, baseUrl: publicUrl, basePath: publicPath, ...rest } = config;
  let address: { baseUrl?: string; basePath: string };
  if (baseUrl) address = baseUrl;
  else if (audience === 'internal') address = internal?.baseUrl !== undefined ? { baseUrl: internal.baseUrl, basePath: internal.basePath } : { basePath: '/' };
  else address = publicUrl !== undefined ? { baseUrl: publicUrl, basePath: publicPath } : { basePath: publicPath };
  if (audience === 'public') return { ...rest, ...address } as SiteConfig;
  return { ...rest, ...address, ...(internal ? { internal } : {}), audience: 'internal' } as SiteConfig;
}

/** The result an audience's site is made from (see the module's comment). */
export function forAudience<R extends ProjectResult & { config: SiteConfig }>(result: R, audience: Audience, baseUrl?: { baseUrl: string; basePath: string }): R {
  const config = audienceConfig(result.config, audience, baseUrl);
  const opts = publicOptions(result.config);
  const key = audienceKey(audience, opts);
  const sourceHashes = new Map<string, string>();
  for (const [id, hash] of result.sourceHashes) sourceHashes.set(id, contentHash(`${hash}\0${key}`));
  if (audience === 'internal') return { ...result, config, sourceHashes };
  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  const shown = new Set<string>();
  for (const incident of result.incidents) {
    if (!isPublicIncident(incident)) {
      sourceHashes.delete(incident.id);
      continue;
    }
    const projected = publicIncident(incident, opts);
    incidents.push(projected);
    const h = result.html.get(incident.id);
    if (h) html.set(incident.id, publicHtml(incident, h));
    for (const image of projected.images ?? []) if (image.sitePath) shown.add(image.sitePath);
  }
  const media = new Map([...result.media].filter(([sitePath]) => shown.has(sitePath)));
  return { ...result, config, incidents, html, sourceHashes, media };
}

/**
 * One file's result for an audience (`dev` patches the pages of edited incidents with them): the public projection
 * of its incident and HTML; null when the incident is not on that audience's site (an internal one, for the public).
 */
export function fileForAudience(result: FileResult, audience: Audience, config: SiteConfig): FileResult | null {
  const incident = result.incident;
  if (audience === 'internal' || !incident) return result;
  if (!isPublicIncident(incident)) return null;
  const out: FileResult = { ...result, incident: publicIncident(incident, publicOptions(config)) };
  if (result.html) out.html = publicHtml(incident, result.html);
  return out;
}
