/** Links between files of the site: site paths have no leading slash; a folder ends with `/` (`''` is the root). */
import type { SiteConfig } from './model.js';

/**
 * The shortest relative URL from a page in folder `fromDir` (`incidents/x/`, `''` at the root) to a site path
 * (`history/`, `feed.xml`, `''`): `../../history/`, `../y/`, `./`.
 */
export function relativeUrl(fromDir: string, to: string): string {
  const from = fromDir ? fromDir.slice(0, -1).split('/') : [];
  const toDir = to === '' || to.endsWith('/');
  const parts = to === '' ? [] : (toDir ? to.slice(0, -1) : to).split('/');
  const max = toDir ? parts.length : parts.length - 1;
  let i = 0;
  while (i < from.length && i < max && from[i] === parts[i]) i++;
  const rest = parts.slice(i).join('/');
  return '../'.repeat(from.length - i) + (rest && toDir ? `${rest}/` : rest) || './';
}

/** The folder of a site path (`api/incidents/x.json` → `api/incidents/`). */
export function folderOf(sitePath: string): string {
  return sitePath.slice(0, sitePath.lastIndexOf('/') + 1);
}

/** `'../'` once per folder between a file and the site root (`incidents/x/index.html` → `../../`). */
export function rootPrefix(sitePath: string): string {
  return '../'.repeat(sitePath.split('/').length - 1);
}

/** Public URL of a site path: absolute under `base_url`, else root-relative under the base path. */
export function siteUrl(config: SiteConfig, sitePath: string): string {
  return `${config.baseUrl ?? config.basePath}${sitePath}`;
}
