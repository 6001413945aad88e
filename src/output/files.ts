/** Writing one file of the output: always as a new inode, folders made or replaced as needed. */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { PendingFile } from '../render/index.js';
import { safeOutputPath } from './paths.js';

/**
 * What an output folder holds, so that the next build can skip what did not change: path → [key, bytes] of
 * every file. The key is the file's own (`PendingFile.key`), else a hash of its content (`contentKey`), or null
 * for the user's static files (always copied; bytes 0).
 */
export type OutputKeys = Map<string, readonly [key: string | null, bytes: number]>;

export interface WriteResult {
  bytes: number;
  /** Files not rendered because the folder being filled, or the previous output, already had them. */
  reused: number;
  keys: OutputKeys;
}

/** An output folder whose files are known (see `readRecord`). */
export interface KnownOutput {
  dir: string;
  keys: OutputKeys;
  /** Identity of `dir` when `keys` were read. */
  dev: number;
  ino: number;
}

export const sizeOf = (content: string | Uint8Array) => (typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength);

/**
 * The key recorded for a file that has no key of its own (a page that shows "now" or every incident): a hash of
 * its content, so that the next build, which must render it, need not write it when it came out the same.
 */
export function contentKey(content: string | Uint8Array): string {
  return `content:${createHash('sha256').update(content).digest('base64url')}`;
}

/** mkdir -p that replaces a file standing where a folder must be (an old output's file of the same name). */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EEXIST') throw e;
    // Some ancestor is a file: remove the first one that is not a folder, then try again.
    const parts = dir.split(path.sep);
    for (let k = 2; k <= parts.length; k++) {
      const p = parts.slice(0, k).join(path.sep) || path.sep;
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) {
        rmSync(p, { force: true });
        break;
      }
    }
    mkdirSync(dir, { recursive: true });
  }
}

/** Write a file as a new inode (never into an existing one, which another output may share through a hard link). */
export function putFile(target: string, content: string | Uint8Array): void {
  rmSync(target, { force: true, recursive: true });
  try {
    writeFileSync(target, content);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    ensureDir(path.dirname(target));
    writeFileSync(target, content);
  }
}

export function checkPaths(files: readonly PendingFile[]): string[] {
  const rels = files.map((f) => safeOutputPath(f.path));
  const seen = new Set<string>();
  for (const rel of rels) {
    if (seen.has(rel)) throw new Error(`two output files share one path: ${rel}`);
    seen.add(rel);
  }
  return rels;
}

