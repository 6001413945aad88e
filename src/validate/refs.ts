/**
 * Links of an incident that lead to another incident of the site: its page (`../<id>/`, `/incidents/<id>/`, under
 * base_url or the internal site's address), its API file, or its Markdown file in the repository (`<id>.md`,
 * `../2024/<id>.md`). Whether the incident linked to is internal is known only across files (project/assemble.ts):
 * here each public link of a public incident is resolved to an id, with where it is written. Pure.
 */
import path from 'node:path';
import type { SiteConfig } from '../core/model.js';
import { SLUG_PATTERN } from './schema.js';

/** A link of public text to an incident of the site, by id, located in the incident file. */
export interface IncidentRef {
  id: string;
  url: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** An id, its groups not capturing (the patterns below capture the id only). */
const SLUG = SLUG_PATTERN.slice(1, -1).replaceAll('(', '(?:');
const PAGE = new RegExp(`^(?:incidents/(${SLUG})(?:/(?:index\\.html)?)?|api/incidents/(${SLUG})\\.json)$`);
const FILE = new RegExp(`^incidents/(?:[^/]+/)*(${SLUG})\\.md$`);

function idOf(sitePath: string, re: RegExp): string | null {
  let p: string;
  try {
    p = decodeURIComponent(sitePath);
  } catch {
    p = sitePath;
  }
  const m = re.exec(path.posix.normalize(p));
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** The addresses under which the site's pages live: base_url and the internal site's (absolute), and their paths. */
export function siteAddresses(config: Pick<SiteConfig, 'baseUrl' | 'basePath' | 'internal'>): { urls: string[]; paths: string[] } {
  const urls = [config.baseUrl, config.internal?.baseUrl].filter((u): u is string => u !== undefined);
  const paths = [...new Set([config.basePath, config.internal?.basePath ?? '/', '/'])].sort((a, b) => b.length - a.length);
  return { urls, paths };
}

/**
 * The incident a link leads to, from the incident `from` (its page is `incidents/<id>/`, its file `file`): the id, or
 * null when the link leads elsewhere.
 */
export function linkedIncident(url: string, from: { id: string; file: string }, where: { urls: readonly string[]; paths: readonly string[] }): string | null {
  const bare = url.replace(/[?#].*$/s, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(bare)) {
    const base = where.urls.find((u) => bare.startsWith(u));
    return base === undefined ? null : idOf(bare.slice(base.length), PAGE);
  }
  if (bare.startsWith('//')) return null;
  if (bare.startsWith('/')) {
    const fromRoot = idOf(bare.slice(1), FILE);
    if (fromRoot) return fromRoot;
    for (const p of where.paths) if (bare.startsWith(p)) return idOf(bare.slice(p.length), PAGE);
    return null;
  }
  return idOf(path.posix.join(`incidents/${from.id}/`, bare), PAGE) ?? idOf(path.posix.join(path.posix.dirname(from.file), bare), FILE);
}
