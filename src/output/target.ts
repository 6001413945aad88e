/**
 * Where a site may be written. The build replaces its output folder as a whole (staged beside it, swapped in), so
 * `--out` must name a folder that holds nothing else: never one that contains the project or any of its inputs,
 * never an input or a hidden folder of the project, never an existing folder that is not a previous output.
 *
 * A previous output is recognized without a marker file (none is published): an empty folder; one the build
 * cache's records know (the very folder, by device and inode, whatever version of the tool wrote it); or one that
 * holds the files every build writes (`index.html`, `404.html`, `robots.txt`, `sitemap.xml`,
 * `api/v2/summary.json`), as after a build with `--no-cache` or on another machine.
 */
import path from 'node:path';
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ProjectError } from '../core/errors.js';
import { CONFIG_FILE, INCIDENTS_DIR, realRootOf, resolveInputSync, STATIC_DIR, TEMPLATES_DIR } from '../source/index.js';
import { errnoReason, OutputError } from './errors.js';
import { outputPlaces } from './records.js';

/** The files every build writes: a folder holding them all is a previous output. */
export const OUTPUT_SIGNATURE = ['index.html', '404.html', 'robots.txt', 'sitemap.xml', 'api/v2/summary.json'];

const INPUTS = [CONFIG_FILE, INCIDENTS_DIR, TEMPLATES_DIR, STATIC_DIR];

/** lstat, or undefined when nothing is there (also when a part of the path is not a folder). */
function lstatOrNot(p: string) {
  try {
    return lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

const inside = (parent: string, child: string) => {
  const r = path.relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${path.sep}`) && !path.isAbsolute(r));
};

/** `p` with every link on the way resolved, also when its last parts do not exist yet. */
function realLocation(p: string): string {
  const missing: string[] = [];
  let at = p;
  for (;;) {
    try {
      return path.join(realpathSync.native(at), ...missing.reverse());
    } catch {
      const up = path.dirname(at);
      if (up === at) return p;
      missing.push(path.basename(at));
      at = up;
    }
  }
}

/**
 * Check that the site may be written to `out` (absolute) and make its parent folder: throws ProjectError for an
 * `--out` that would destroy something (exit 2, nothing touched), OutputError when the machine refuses.
 */
export function prepareOutputFolder(root: string, out: string, cacheDir?: string): void {
  const shown = out;
  const realRoot = realRootOf(root);
  const real = realLocation(out);
  if (inside(real, realRoot)) throw new ProjectError(`--out ${shown} contains the project; the build replaces its output folder as a whole, so it would delete the project. Choose a folder of its own, such as ${path.join(root, 'dist')}`);
  for (const input of INPUTS) {
    const where = resolveInputSync(root, input);
    const targets = [path.join(realRoot, input), ...(where.ok ? [where.real] : [])];
    if (targets.some((t) => inside(t, real))) throw new ProjectError(`--out ${shown} is ${real === targets[0] ? '' : 'inside '}the project's input ${input}; the build would replace it. Choose a folder of its own, such as ${path.join(root, 'dist')}`);
  }
  if (inside(realRoot, real) && path.relative(realRoot, real).split(path.sep).some((s) => s.startsWith('.'))) {
    throw new ProjectError(`--out ${shown} is inside a hidden folder of the project (such as .git or .cache); choose a folder of its own, such as ${path.join(root, 'dist')}`);
  }
  const st = lstatOrNot(out);
  if (st?.isSymbolicLink()) throw new ProjectError(`--out ${shown} is a symbolic link; the build would replace the link itself with a folder. Give the folder it points to`);
  if (st && !st.isDirectory()) throw new ProjectError(`--out ${shown} is a file, not a folder; the build would replace it. Choose a folder`);
  if (st && !isPreviousOutput(out, cacheDir)) {
    const names = readdirSync(out);
    const listed = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} entries)` : '');
    throw new ProjectError(`--out ${shown} is a folder that is not an output of postmortem (it holds ${listed}); the build replaces its output folder as a whole, so it would delete them. Choose an empty or new folder, or empty this one first`);
  }
  makeParents(path.dirname(out), shown);
}

/** Whether `dir` (an existing folder) may be replaced by a build: empty, or a previous output (see above). */
export function isPreviousOutput(dir: string, cacheDir?: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  if (names.length === 0) return true;
  if (cacheDir && recorded(outputPlaces(cacheDir, dir).record, dir)) return true;
  return OUTPUT_SIGNATURE.every((f) => lstatOrNot(path.join(dir, ...f.split('/')))?.isFile() === true);
}

/** Whether the cache's record of an output names this very folder (any version of the tool). */
function recorded(file: string, dir: string): boolean {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as { dir?: string; dev?: number; ino?: number };
    const st = lstatSync(dir);
    return m.dir === path.resolve(dir) && m.dev === st.dev && m.ino === st.ino;
  } catch {
    return false;
  }
}

/**
 * Make the folders on the way to `dir`, one at a time (a recursive mkdir spins forever on some special file
 * systems, such as /proc), and check that a folder can be made there, as the build will (a probe made and removed
 * at once: permissions alone do not tell, e.g. for root in /sys).
 */
function makeParents(dir: string, shown: string): void {
  const missing: string[] = [];
  let at = dir;
  while (!lstatOrNot(at)) {
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    const st = lstatOrNot(at);
    if (st && !st.isDirectory() && !(st.isSymbolicLink() && lstatSync(realpathSync.native(at)).isDirectory())) {
      throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path: at });
    }
    for (const m of missing.reverse()) mkdirSync(m);
    const probe = path.join(dir, `.postmortem-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    const where = (e as NodeJS.ErrnoException).path;
    throw new OutputError(`cannot write the site to ${shown}: ${errnoReason(e as NodeJS.ErrnoException)}${where ? ` at ${where}` : ''}`);
  }
}
