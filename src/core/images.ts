/**
 * Images in postmortems: which addresses name a file of the project, which file, and where the site publishes it.
 * Pure path arithmetic (the file system is asked in project/, once per build, whether the file is there).
 *
 * - `https://…` (any scheme) or `//host/…`: not ours, left as written (the sanitizer keeps http(s) only).
 * - `/img/graph.svg`: a file of `static/` (`static/img/graph.svg`), published at `img/graph.svg`.
 * - `diagram.svg`, `img/x.png`, `../static/img/x.svg`: relative to the incident file. A file under `static/` is
 *   published where static/ puts it; a file under `incidents/` at the same path in the site
 *   (`incidents/2024/diagram.svg`); anything else, or a path leaving the project, is refused.
 */
import path from 'node:path';
import { relativeUrl } from './url.js';

export const STATIC_FOLDER = 'static';
export const INCIDENTS_FOLDER = 'incidents';

export type ImagePlace =
  /** A file of the project, published at `sitePath`. */
  | { kind: 'file'; file: string; sitePath: string }
  /** A path that leaves the project or names a file outside incidents/ and static/. */
  | { kind: 'outside'; file: string | null }
  /** Not a file of ours: an address with a scheme, a protocol-relative URL, a fragment or an empty address. */
  | { kind: 'external' };

/** Where an image address written in `incidentFile` (relative to the root, forward slashes) points. */
export function imagePlace(incidentFile: string, url: string): ImagePlace {
  const raw = url.trim();
  if (raw === '' || raw.startsWith('#') || raw.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(raw)) return { kind: 'external' };
  let decoded: string;
  try {
    decoded = decodeURI(raw.replace(/[?#].*$/s, ''));
  } catch {
    decoded = raw.replace(/[?#].*$/s, '');
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return { kind: 'outside', file: null };
  const joined = decoded.startsWith('/') ? path.posix.join(STATIC_FOLDER, decoded) : path.posix.join(path.posix.dirname(incidentFile), decoded);
  const file = path.posix.normalize(joined);
  if (file === '..' || file.startsWith('../') || path.posix.isAbsolute(file)) return { kind: 'outside', file: null };
  const [top, ...rest] = file.split('/');
  if (rest.length === 0 || rest.some((p) => p.startsWith('.'))) return { kind: 'outside', file };
  if (top === STATIC_FOLDER) return { kind: 'file', file, sitePath: rest.join('/') };
  if (top === INCIDENTS_FOLDER) return { kind: 'file', file, sitePath: file };
  return { kind: 'outside', file };
}

/** The address of a published image from an incident's page (`incidents/<id>/`). */
export function imageUrlFromIncident(incidentId: string, sitePath: string): string {
  return encodeURI(relativeUrl(`incidents/${incidentId}/`, sitePath));
}

/**
 * HTML of an incident's Markdown is written for the incident's page (`incidents/<id>/`). Elsewhere — another
 * page, a feed — its relative addresses (of images and links) must start from there: `rebaseHtml` rewrites every
 * relative `src` and `href` of HTML made by our Markdown pipeline (double-quoted attributes, as rehype writes
 * them) with `resolve`, which receives the site path the address points at (`incidents/x/diagram.svg`).
 */
export function rebaseHtml(html: string, fromDir: string, resolve: (sitePath: string, suffix: string) => string): string {
  if (!html.includes('="')) return html;
  return html.replace(/(<(?:img|a)\b[^>]*?\s(?:src|href)=")([^"]*)"/g, (whole, head: string, value: string) => {
    if (value === '' || value.startsWith('#') || value.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(value)) return whole;
    const m = /^([^?#]*)(.*)$/s.exec(value)!;
    const target = path.posix.normalize(path.posix.join(fromDir || '.', m[1]!));
    if (target.startsWith('..')) return whole;
    const sitePath = target === '.' ? '' : value.endsWith('/') && !target.endsWith('/') ? `${target}/` : target;
    return `${head}${resolve(sitePath, m[2]!)}"`;
  });
}
