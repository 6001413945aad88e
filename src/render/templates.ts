/**
 * Loading the templates: the built-in ones (`templates/` of this package) merged with the user's
 * (`<root>/templates/`): a user file with the same relative path replaces ours, extra user files are added. Same
 * for static assets in `templates/assets/`. Every template is compiled once, here.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Eta } from 'eta/core';
import { PACKAGE_ROOT } from '../core/paths.js';
import { compareStrings } from '../core/compare.js';
import { TEMPLATES_DIR } from '../source/index.js';
import type { OutputFile } from './types.js';

/** `templates/` of this package. */
export const BUILTIN_TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** The page templates a site cannot do without. */
export const REQUIRED_TEMPLATES = ['layout', 'status', 'incident', 'history', 'service', 'actions', 'tags', 'tag', 'insights', 'search', '404'] as const;

export interface TemplateSource {
  /** Name used by `include`/`layout`, e.g. `layout`, `partials/uptime-bar`. */
  name: string;
  origin: 'builtin' | 'user';
  /** Absolute path of the file it was read from. */
  file: string;
}

/** The compiled templates and the assets, with what identifies them (for the keys of incremental output). */
export interface LoadedTemplates {
  eta: Eta;
  /** Sorted by name. */
  sources: TemplateSource[];
  /** `assets/…` files, sorted by path. */
  assets: OutputFile[];
  /** Asset name (under `assets/`) → a short hash of its bytes, for cache-busting links. */
  assetVersions: Map<string, string>;
  /** A hash of every template's text and every asset's version. */
  key: string;
  /** Whether a template of the user's is in use (then pages may show anything of the site). */
  userTemplates: boolean;
}

const TEXT_ASSET = /\.(css|js|mjs|svg|txt|json|xml|html|map|webmanifest)$/i;

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Every template (with its text) and asset file, the user's replacing ours. */
async function collect(root: string): Promise<{ sources: Map<string, TemplateSource & { text: string }>; assets: Map<string, string> }> {
  const sources = new Map<string, TemplateSource & { text: string }>();
  const assets = new Map<string, string>();
  for (const [dir, origin] of [
    [BUILTIN_TEMPLATES_DIR, 'builtin'],
    [path.join(root, TEMPLATES_DIR), 'user'],
  ] as const) {
    for (const rel of await listFiles(dir)) {
      const file = path.join(dir, rel);
      if (rel.startsWith('assets/')) assets.set(rel, file);
      else if (rel.endsWith('.eta')) sources.set(rel.slice(0, -4), { name: rel.slice(0, -4), origin, file, text: await readFile(file, 'utf8') });
    }
  }
  return { sources, assets };
}

function compile(sources: Map<string, TemplateSource & { text: string }>, root: string): Eta {
  const eta = new Eta({ autoEscape: true, autoTrim: false, rmWhitespace: true, cache: true, varName: 'it' });
  for (const t of sources.values()) {
    try {
      eta.loadTemplate(t.name, t.text);
    } catch (e) {
      throw new Error(`template ${t.file}: ${(e as Error).message}`, { cause: e });
    }
  }
  for (const required of REQUIRED_TEMPLATES) {
    if (!sources.has(required)) throw new Error(`template "${required}.eta" not found in ${BUILTIN_TEMPLATES_DIR} or ${path.join(root, TEMPLATES_DIR)}`);
  }
  return eta;
}

/** Read and compile the templates of a project; throws with the file's path when one cannot be compiled. */
export async function loadTemplates(root: string): Promise<LoadedTemplates> {
  const { sources, assets: assetPaths } = await collect(root);
  const eta = compile(sources, root);
  const assets: OutputFile[] = [];
  const assetVersions = new Map<string, string>();
  for (const [rel, file] of [...assetPaths].sort(([a], [b]) => compareStrings(a, b))) {
    const bytes = await readFile(file);
    assets.push({ path: rel, content: TEXT_ASSET.test(rel) ? bytes.toString('utf8') : new Uint8Array(bytes) });
    assetVersions.set(rel.slice('assets/'.length), createHash('sha256').update(bytes).digest('hex').slice(0, 10));
  }
  const list = [...sources.values()].sort((a, b) => compareStrings(a.name, b.name));
  const hash = createHash('sha256');
  for (const t of list) hash.update(`${t.name}\0${t.origin}\0${t.text}\0`);
  for (const [name, version] of [...assetVersions].sort(([a], [b]) => compareStrings(a, b))) hash.update(`${name}\0${version}\0`);
  return {
    eta,
    sources: list.map(({ name, origin, file }) => ({ name, origin, file })),
    assets,
    assetVersions,
    key: hash.digest('base64url'),
    userTemplates: list.some((t) => t.origin === 'user'),
  };
}
