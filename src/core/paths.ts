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

let manifest: { name?: string; version?: string } | undefined;
/** package.json of the package, read once ({} when it cannot be read). */
function readManifest(): { name?: string; version?: string } {
  if (manifest === undefined) {
    try {
      manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name?: string; version?: string };
    } catch {
      manifest = {};
    }
  }
  return manifest;
}

/** The package's version (from package.json; `?` when it cannot be read). */
export function packageVersion(): string {
  return readManifest().version ?? '?';
}

/** The package's name on the registry (from package.json), for what `init` writes: its dev dependency, the Action's path. */
export function packageName(): string {
  return readManifest().name ?? 'postmortem-status';
}
