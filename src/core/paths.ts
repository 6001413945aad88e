/**
 * Where the package is on disk. This module is compiled to `build/src/core/paths.js`: the compiled code is the
 * folder above it and the package root (package.json, templates/, schema/) three levels up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The folder of the compiled `src/` (its `.js` files identify the tool in the build cache). */
export const COMPILED_ROOT = path.resolve(here, '..');
/** The package root: package.json, `templates/`, `schema/`, `docs/`. */
export const PACKAGE_ROOT = path.resolve(here, '..', '..', '..');

let pkgVersion: string | undefined;
/** The package's version (from package.json; `?` when it cannot be read). */
export function packageVersion(): string {
  if (pkgVersion === undefined) {
    try {
      pkgVersion = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
    } catch {
      pkgVersion = '?';
    }
  }
  return pkgVersion;
}

let pkgName: string | undefined;
/** The package's name on the registry (from package.json), for what `init` writes: its dev dependency, the Action's path. */
export function packageName(): string {
  if (pkgName === undefined) {
    try {
      pkgName = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name?: string }).name ?? 'postmortem-status';
    } catch {
      pkgName = 'postmortem-status';
    }
  }
  return pkgName;
}
