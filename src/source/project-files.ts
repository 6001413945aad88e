/**
 * The project's other inputs besides site.yaml and incidents/: its strings files (`locales/`) and the images its
 * postmortems show (in incidents/ or static/). Never follows a link out of the project; every problem is a
 * located diagnostic.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import type { ImageRef } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { compareStrings } from '../core/compare.js';
import { closest } from '../core/suggest.js';
import { INCIDENTS_DIR, LOCALES_DIR, STATIC_DIR } from './layout.js';
import { readSourceSync } from './files.js';
import { refusal, refusalMessage } from './inputs.js';

const STRINGS_FILE = /\.(json|ya?ml)$/i;

function inside(parent: string, child: string): boolean {
  const r = path.relative(parent, child);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/** The project's strings files (`locales/*.json|yaml|yml`), sorted, with a diagnostic for each one that cannot be read. */
export function readLocaleFiles(root: string): { files: { file: string; text: string }[]; diagnostics: Diagnostic[] } {
  const files: { file: string; text: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  let names: string[];
  try {
    names = readdirSync(path.join(root, LOCALES_DIR)).sort(compareStrings);
  } catch {
    return { files, diagnostics };
  }
  const realRoot = realpathSync(root);
  for (const name of names) {
    if (name.startsWith('.') || name.startsWith('_') || !STRINGS_FILE.test(name)) continue;
    const file = `${LOCALES_DIR}/${name}`;
    let real: string;
    try {
      real = realpathSync(path.join(root, file));
    } catch {
      diagnostics.push(fileDiagnostic(file, Rule.FileUnreadable, 'the symbolic link points to nothing (a broken link or a loop)', 'remove or fix the link'));
      continue;
    }
    const refused = refusal(realRoot, real);
    if (refused) {
      diagnostics.push(fileDiagnostic(file, Rule.SymlinkOutsideRoot, refusalMessage('the symbolic link', refused), 'copy the file into locales/ instead of linking to it'));
      continue;
    }
    const source = readSourceSync(root, file);
    if ('text' in source) files.push(source);
    else diagnostics.push(source);
  }
  return { files, diagnostics };
}

/** Where an image of the project really is: inside the project, under incidents/ or static/, a regular file. */
function imageFile(realRoot: string, root: string, file: string): { abs: string } | { problem: 'missing' | 'outside' | 'not-file' } {
  let real: string;
  try {
    real = realpathSync(path.join(root, file));
  } catch {
    return { problem: 'missing' };
  }
  if (refusal(realRoot, real) || (!inside(path.join(realRoot, INCIDENTS_DIR), real) && !inside(path.join(realRoot, STATIC_DIR), real))) return { problem: 'outside' };
  try {
    if (!statSync(real).isFile()) return { problem: 'not-file' };
  } catch {
    return { problem: 'missing' };
  }
  return { abs: real };
}

/**
 * Check that every image of the given incidents is a file of the project: a diagnostic at the image for each one that
 * is not; the images to publish from incidents/ (site path → project path; static/ is published as it is).
 */
export function checkImages(root: string, incidents: readonly { file: string; images?: readonly ImageRef[] | undefined; publish?: boolean }[]): { diagnostics: Diagnostic[]; media: Map<string, string> } {
  const diagnostics: Diagnostic[] = [];
  const media = new Map<string, string>();
  if (!incidents.some((i) => i.images?.length)) return { diagnostics, media };
  const realRoot = realpathSync(root);
  const seen = new Map<string, ReturnType<typeof imageFile>>();
  for (const inc of incidents) {
    for (const ref of inc.images ?? []) {
      if (ref.file === null || ref.sitePath === null) continue;
      let found = seen.get(ref.file);
      if (!found) seen.set(ref.file, (found = imageFile(realRoot, root, ref.file)));
      const at = (rule: typeof Rule.ImageMissing | typeof Rule.ImageOutside, message: string, hint?: string): Diagnostic => ({
        ...fileDiagnostic(inc.file, rule, message, hint),
        line: ref.line,
        column: ref.column,
        ...(ref.endColumn !== undefined ? { endLine: ref.line, endColumn: ref.endColumn } : {}),
      });
      if ('abs' in found) {
        if (ref.file.startsWith(`${INCIDENTS_DIR}/`) && inc.publish !== false) media.set(ref.sitePath, ref.file);
      } else if (found.problem === 'outside') {
        diagnostics.push(at(Rule.ImageOutside, `the image "${ref.url}" is a link to a file outside incidents/ and static/; refusing to read it`, 'copy the picture into the project instead of linking to it'));
      } else {
        diagnostics.push(at(Rule.ImageMissing, `the image "${ref.url}" names ${ref.file}, which ${found.problem === 'missing' ? 'does not exist' : 'is not a file'}`, nearbyHint(root, ref.file, ref.url)));
      }
    }
  }
  return { diagnostics, media };
}

/** "did you mean" among the files of the image's folder. */
function nearbyHint(root: string, file: string, url: string): string | undefined {
  const dir = path.posix.dirname(file);
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir)).filter((n) => !n.startsWith('.'));
  } catch {
    return `the folder ${dir}/ does not exist`;
  }
  const near = closest(path.posix.basename(file), names);
  return near ? `did you mean "${url.replace(/[^/]*$/, near)}" (${path.posix.join(dir, near)})?` : undefined;
}

/** The bytes of a published image (a path `checkImages` accepted), read again without leaving incidents/ or static/. */
export function readImage(root: string, file: string): Uint8Array {
  const found = imageFile(realpathSync(root), root, file);
  if (!('abs' in found)) throw new Error(`${file}: the image is no longer a file of the project`);
  return new Uint8Array(readFileSync(found.abs));
}
