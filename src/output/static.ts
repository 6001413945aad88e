/** The user's `static/` folder, copied into the output as is; and where its paths clash with the site's own. */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { STATIC_DIR } from '../source/index.js';
import { safeOutputPath } from './paths.js';
import { putFile } from './files.js';

/**
 * Copy the files of `static/` (site paths, as `listStaticFiles` found them: links out of the project already
 * refused) into the output folder. A file is written as a new inode (see `putFile`).
 */
export async function copyStatic(root: string, files: readonly string[], to: string): Promise<string[]> {
  for (const r of files) putFile(path.join(to, safeOutputPath(r)), await readFile(path.join(root, STATIC_DIR, ...r.split('/'))));
  return [...files];
}

/**
 * Static files that cannot stand beside the generated ones: a file where the site needs a folder (`static/history`
 * while the site has `history/index.html`), or a folder where the site has a file (`static/feed.xml/x`). A static
 * file at the very path of a generated one is replaced by it (documented), not an error.
 */
export function staticConflicts(statics: readonly string[], generated: readonly string[]): Diagnostic[] {
  const files = new Set(generated);
  const folders = new Set<string>();
  for (const p of generated) for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) folders.add(p.slice(0, i));
  const out: Diagnostic[] = [];
  for (const s of statics) {
    const file = `${STATIC_DIR}/${s}`;
    if (folders.has(s)) {
      out.push(fileDiagnostic(file, Rule.StaticConflict, `the site has a folder ${s}/ (its pages are written there), so static/ cannot hold a file of that name`, `rename or move ${file}`));
      continue;
    }
    for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) {
      if (!files.has(s.slice(0, i))) continue;
      out.push(fileDiagnostic(file, Rule.StaticConflict, `the site has a file ${s.slice(0, i)}, so static/ cannot have a folder of that name`, `move ${file} out of ${STATIC_DIR}/${s.slice(0, i)}/`));
      break;
    }
  }
  return out;
}
