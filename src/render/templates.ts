/**
 * Loading the templates: the built-in ones (`templates/` of this package) merged with the user's
 * (`<root>/templates/`): a user file with the same relative path replaces ours, extra user files are added. Same
 * for static assets in `templates/assets/`. Every template is compiled once, here; `check` compiles them too, so
 * a pull request that breaks a template fails in CI (templates are code: they run with the build's privileges).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import vm from 'node:vm';
import { Eta } from 'eta/core';
import { PACKAGE_ROOT } from '../core/paths.js';
import { compareStrings } from '../core/compare.js';
import { fileDiagnostic, hasError, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { listTemplateFiles, TEMPLATES_DIR } from '../source/index.js';
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

/** Templates that cannot be used, each a located diagnostic (`template-error`, or a link refused). */
export class TemplateError extends Error {
  /** The text of each template named by a diagnostic, for code frames. */
  readonly sources = new Map<string, string>();
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('; '));
  }
}

/** What went wrong loading the templates, as diagnostics (`check`, `build` and `dev` report them alike). */
export function templateDiagnostics(e: unknown): Diagnostic[] {
  if (e instanceof TemplateError) return e.diagnostics;
  const message = `the templates could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
  return [fileDiagnostic(TEMPLATES_DIR, Rule.TemplateError, message, 'fix the template')];
}

/** Every template (with its text) and asset file, the user's replacing ours. */
async function collect(root: string): Promise<{ sources: Map<string, TemplateSource & { text: string }>; assets: Map<string, string> }> {
  const sources = new Map<string, TemplateSource & { text: string }>();
  const assets = new Map<string, string>();
  // The project's templates obey the rule of every input path (no link out of the project is followed).
  const user = await listTemplateFiles(root);
  if (hasError(user.diagnostics)) throw new TemplateError(user.diagnostics);
  for (const [dir, origin, files] of [
    [BUILTIN_TEMPLATES_DIR, 'builtin', await listFiles(BUILTIN_TEMPLATES_DIR)],
    [path.join(root, TEMPLATES_DIR), 'user', user.files],
  ] as const) {
    for (const rel of files) {
      const file = path.join(dir, rel);
      if (rel.startsWith('assets/')) assets.set(rel, file);
      else if (rel.endsWith('.eta')) sources.set(rel.slice(0, -4), { name: rel.slice(0, -4), origin, file, text: await readFile(file, 'utf8') });
    }
  }
  return { sources, assets };
}

function compile(sources: Map<string, TemplateSource & { text: string }>, root: string): Eta {
  const eta = new Eta({ autoEscape: true, autoTrim: false, rmWhitespace: true, cache: true, varName: 'it' });
  const errors: Diagnostic[] = [];
  const texts = new Map<string, string>();
  for (const t of sources.values()) {
    try {
      eta.loadTemplate(t.name, t.text);
    } catch (e) {
      const d = compileError(eta, t, root, e);
      errors.push(d);
      texts.set(d.file, t.text);
    }
  }
  if (errors.length > 0) {
    const error = new TemplateError(errors);
    for (const [file, text] of texts) error.sources.set(file, text);
    throw error;
  }
  for (const required of REQUIRED_TEMPLATES) {
    if (!sources.has(required)) throw new Error(`template "${required}.eta" not found in ${BUILTIN_TEMPLATES_DIR} or ${path.join(root, TEMPLATES_DIR)}`);
  }
  return eta;
}

/**
 * The diagnostic of a template that eta cannot compile, at the line and column where it can be found: eta locates
 * its own parse errors (`unclosed tag at line 2 col 3`); a JavaScript error in a tag comes back as "Bad template
 * syntax" without a position, so the compiled code is parsed again here (node:vm reports the line) and that line
 * traced back to the tag it came from.
 */
function compileError(eta: Eta, t: TemplateSource & { text: string }, root: string, e: unknown): Diagnostic {
  const file = t.origin === 'user' ? path.relative(root, t.file).split(path.sep).join('/') : `${TEMPLATES_DIR}/${t.name}.eta (built in)`;
  const raw = e instanceof Error ? e.message : String(e);
  const d: Diagnostic = { file, line: 1, column: 1, severity: Rule.TemplateError.severity, rule: Rule.TemplateError.id, message: '' };
  const parse = /^(.*?) at line (\d+) col (\d+)/.exec(raw);
  if (parse) {
    d.line = Number(parse[2]);
    d.column = Number(parse[3]);
    d.message = `the template cannot be compiled: ${parse[1]}`;
  } else if (raw.startsWith('Bad template syntax')) {
    const js = raw.split('\n').find((l, i) => i > 0 && l.trim() !== '') ?? raw;
    const at = locateTag(eta, t.text);
    if (at) Object.assign(d, at);
    d.message = `the template cannot be compiled: JavaScript error in ${at ? 'this tag' : 'a tag'}: ${js}`;
  } else d.message = `the template cannot be compiled: ${raw.split('\n')[0]}`;
  d.hint = 'templates are JavaScript run by the build: fix the tag, and review templates/ as code';
  return d;
}

/** Where (line and column of its `<%`) the tag is whose compiled code does not parse, when it can be told. */
function locateTag(eta: Eta, text: string): { line: number; column: number } | null {
  let code: string;
  try {
    code = eta.compileToString(text);
    new vm.Script(`(function (it, options) {\n${code}\n})`, { filename: 'template' });
    return null;
  } catch (e) {
    const m = /^template:(\d+)\n(.*)/.exec((e as Error).stack ?? '');
    if (!m) return null;
    // The compiled line of a tag holds the tag's code as written: the tag whose code matches most of it.
    const bad = m[2]!;
    let best: { at: number; length: number } | null = null;
    for (const tag of text.matchAll(/<%[=~\-_]?([\s\S]*?)[-_]?%>/g)) {
      for (const l of tag[1]!.split('\n').map((x) => x.trim())) {
        if (l !== '' && bad.includes(l) && l.length > (best?.length ?? 0)) best = { at: tag.index, length: l.length };
      }
    }
    if (!best) return null;
    const before = text.slice(0, best.at);
    return { line: before.split('\n').length, column: best.at - before.lastIndexOf('\n') };
  }
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
