/**
 * The folders of inputs: `incidents/`, `static/` (copied into the site as is) and `templates/`: which files they
 * hold, and what is wrong with them, as located diagnostics that `check`, `build` and `dev` report alike. One walk
 * for all three, under the rule of every input path (inputs.ts): a link that stays inside the project is
 * followed, one that leads out of it or into a hidden folder is an error, never read; a folder link back into the
 * tree is skipped. Names starting with `.` are skipped. Never throws for bad files.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { compareStrings } from '../core/compare.js';
import { escapeControls } from '../core/terminal.js';
import { STATIC_DIR, TEMPLATES_DIR } from './layout.js';
import { realRootOf, refusal, refusalMessage, resolveInput } from './inputs.js';

/** Longest site path of a static file (as for every output path). */
export const MAX_STATIC_PATH = 1024;

export interface InputFiles {
  /** Paths relative to the folder (`CNAME`, `img/logo.png`), sorted. */
  files: string[];
  diagnostics: Diagnostic[];
}

/** The files of `static/`: their site paths (the file is `static/<path>`). */
export type StaticFiles = InputFiles;

export interface WalkOptions {
  /** Names not looked at, besides those starting with `.`. */
  skip?: (name: string) => boolean;
  /** Whether an entry that is not a folder is listed; `regular`: a regular file (not a FIFO, socket or device). */
  take: (name: string, regular: boolean) => boolean;
  /** Why a path (relative to the folder) cannot be published: an `invalid-static-path` error instead of the entry. */
  bad?: (rel: string) => string | null;
}

/** Why a site path cannot be published as it is named, or null. */
function badPath(p: string): string | null {
  if (p.length > MAX_STATIC_PATH) return `its path is ${p.length} characters long; at most ${MAX_STATIC_PATH}`;
  if (p.includes('\\')) return 'its name holds a backslash, which URLs and some hosts read as a folder separator';
  if (escapeControls(p) !== p) return 'its name holds a control or invisible character';
  return null;
}

/** List `static/` (sorted site paths), with a diagnostic for each file that cannot be published. */
export function listStaticFiles(root: string): Promise<StaticFiles> {
  return walkInputFolder(root, STATIC_DIR, { take: (_name, regular) => regular, bad: badPath });
}

/** List `templates/` of the project (templates and assets), with a diagnostic for each link refused. */
export function listTemplateFiles(root: string): Promise<InputFiles> {
  return walkInputFolder(root, TEMPLATES_DIR, { take: (_name, regular) => regular });
}

/** Walk the folder of inputs `dir` (relative to the root): its files as `opts` says, and what is wrong. */
export async function walkInputFolder(root: string, dir: string, opts: WalkOptions): Promise<InputFiles> {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const realRoot = realRootOf(root);
  const visited = new Set<string>();
  const shown = (rel: string) => (rel ? `${dir}/${rel}` : dir);

  const walk = async (abs: string, rel: string): Promise<void> => {
    const real = await realpath(abs).catch(() => null);
    if (real === null) return;
    if (visited.has(real)) {
      const seen = path.relative(realRoot, real).split(path.sep).join('/') || '.';
      diagnostics.push(fileDiagnostic(shown(rel), Rule.SymlinkLoop, `the folder is a link back to a folder already read (${seen}); skipped it`, 'remove the symbolic link'));
      return;
    }
    visited.add(real);
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      diagnostics.push(fileDiagnostic(shown(rel), Rule.FileUnreadable, `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
      return;
    }
    entries.sort((a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || opts.skip?.(entry.name)) continue;
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const child = path.join(abs, entry.name);
      let isDir = entry.isDirectory();
      let regular = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await realpath(child).catch(() => null);
        if (target === null) {
          diagnostics.push(fileDiagnostic(shown(r), Rule.FileUnreadable, 'the symbolic link points to nothing (a broken link or a loop)', 'remove or fix the link'));
          continue;
        }
        const why = refusal(realRoot, target);
        if (why) {
          diagnostics.push(fileDiagnostic(shown(r), Rule.SymlinkOutsideRoot, refusalMessage('the symbolic link', why), `copy the file into ${dir}/ instead of linking to it`));
          continue;
        }
        const s = await stat(target).catch(() => null);
        isDir = !!s?.isDirectory();
        regular = !!s?.isFile();
      }
      if (!isDir && !opts.take(entry.name, regular)) continue;
      const why = opts.bad?.(r);
      if (why) {
        diagnostics.push(fileDiagnostic(shown(r), Rule.InvalidStaticPath, `${isDir ? 'the folder' : 'the file'} cannot be published: ${why}`, 'rename it'));
        continue;
      }
      if (isDir) await walk(child, r);
      else files.push(r);
    }
  };

  // The folder itself obeys the rule of every input path.
  const top = await resolveInput(root, dir);
  if (top.ok) await walk(path.join(root, dir), ''); // (a file of that name: "cannot read the folder")
  else if ('refused' in top) {
    diagnostics.push(fileDiagnostic(dir, Rule.SymlinkOutsideRoot, refusalMessage(`${dir}/`, top.refused), `make ${dir}/ a folder of the project`));
  }
  files.sort(compareStrings);
  return { files, diagnostics };
}
