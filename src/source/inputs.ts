/**
 * The one rule for every input path (`site.yaml`, `incidents/`, `templates/`, `static/`, and the build cache):
 * what is read, watched, printed or published comes from inside the project, never through a symbolic link that
 * leads out of it or into one of its hidden folders (`.git`, `.cache`: the history, and the build cache that
 * holds drafts). A link that stays inside the project is followed. The build cache is also written, so it may not
 * be reached through a link at all (cache.ts in project/ asks `canOwnFolder`).
 *
 * The reader (files.ts), the walker of the input folders (folders.ts), the template loader, the static files
 * (`build` and `dev`), `dev`'s watcher and `new` all ask here.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Why an input path is refused. */
export type Refusal = 'outside' | 'hidden';

/** The real path of a project root (links resolved), computed once per root. */
const realRoots = new Map<string, string>();
export function realRootOf(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    try {
      real = realpathSync.native(root);
    } catch {
      real = path.resolve(root);
    }
    realRoots.set(root, real);
  }
  return real;
}

/**
 * Whether `real`, a path with every link resolved, may be read as an input of the project at `realRoot`: null when
 * it may, else why not. `written`: the path as the project names it (relative), whose own hidden folders are fine.
 */
export function refusal(realRoot: string, real: string, written = ''): Refusal | null {
  const r = path.relative(realRoot, real);
  if (r === '..' || r.startsWith(`..${path.sep}`) || path.isAbsolute(r)) return 'outside';
  const own = new Set(written.split('/').filter((s) => s.startsWith('.')));
  if (r.split(path.sep).some((s) => s.startsWith('.') && !own.has(s))) return 'hidden';
  return null;
}

/** What a diagnostic or an error says of a refused path (`what`: `static/`, `the file`; or `the symbolic link` itself). */
export function refusalMessage(what: string, why: Refusal): string {
  const where = why === 'outside' ? 'outside the project' : 'into a hidden folder of the project (such as .git or .cache)';
  return what === 'the symbolic link' ? `the symbolic link points ${where}; refusing to read it` : `${what} is a symbolic link, or is reached through one, that points ${where}; refusing to read it`;
}

export type Resolved = { ok: true; real: string } | { ok: false; refused: Refusal } | { ok: false; missing: true };

/**
 * Where the input `rel` (relative to `root`, forward slashes) really is, or why it may not be used. A path without
 * any link costs one `realpath`; a path through links is checked against the rule.
 */
export async function resolveInput(root: string, rel: string): Promise<Resolved> {
  let real: string;
  try {
    real = await realpath(path.join(root, ...rel.split('/')));
  } catch {
    return { ok: false, missing: true };
  }
  return judge(root, rel, real);
}

/** `resolveInput`, synchronously. */
export function resolveInputSync(root: string, rel: string): Resolved {
  let real: string;
  try {
    real = realpathSync.native(path.join(root, ...rel.split('/')));
  } catch {
    return { ok: false, missing: true };
  }
  return judge(root, rel, real);
}

function judge(root: string, rel: string, real: string): Resolved {
  const realRoot = realRootOf(root);
  if (real === path.join(realRoot, ...rel.split('/'))) return { ok: true, real };
  const why = refusal(realRoot, real, rel);
  return why ? { ok: false, refused: why } : { ok: true, real };
}

/**
 * Whether `rel` can be made a folder of the project's own: each part that exists is a real folder (no link), the
 * others are missing (they will be created).
 */
export function canOwnFolder(root: string, rel: string): boolean {
  let p = root;
  for (const part of rel.split('/')) {
    p = path.join(p, part);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) return true;
    if (!st.isDirectory()) return false;
  }
  return true;
}
