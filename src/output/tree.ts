/** Filling an output folder: a new one (unchanged files hard-linked from the previous output) or a spare updated in place. */
import path from 'node:path';
import { linkSync, lstatSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import type { PendingFile } from '../render/index.js';
import { safeOutputPath } from './paths.js';
import { renderFile } from './errors.js';
import { checkPaths, contentKey, putFile, sizeOf, type KnownOutput, type OutputKeys, type WriteResult } from './files.js';

// Synchronous file system calls below: thousands of small files, each a few system calls that the thread pool
// would only add round trips to (this is a command-line build; nothing else waits on the event loop).

/**
 * Render and write pending files into `dir`, a new folder, one at a time (only the file being written is in
 * memory). A keyed file whose path and key are in `previous` (the output being replaced) is hard-linked from it
 * instead of rendered; when linking fails (no such file, another file system, no hard links) it is rendered.
 */
export function writeFresh(dir: string, files: readonly PendingFile[], previous?: KnownOutput, skip: ReadonlySet<string> = new Set(), progress: () => void = () => undefined): WriteResult {
  const rels = checkPaths(files);
  const dirs = new Set<string>([dir]);
  for (const rel of rels) dirs.add(path.dirname(path.join(dir, rel)));
  for (const d of [...dirs].sort()) mkdirSync(d, { recursive: true });
  const keys: OutputKeys = new Map();
  const linked: number[] = [];
  let bytes = 0;
  let reused = 0;
  /** `replace`: something may stand at the path (a static file, a link to undo); else it is a new file. */
  const write = (i: number, replace: boolean) => {
    const file = files[i]!;
    const content = renderFile(file);
    bytes += sizeOf(content);
    if (replace) putFile(path.join(dir, rels[i]!), content);
    else writeFileSync(path.join(dir, rels[i]!), content);
    keys.set(file.path, [file.key ?? contentKey(content), sizeOf(content)]);
  };
  for (let i = 0; i < files.length; i++) {
    progress();
    const file = files[i]!;
    const before = file.key !== undefined && previous && !skip.has(file.path) ? previous.keys.get(file.path) : undefined;
    if (before && before[0] === file.key) {
      try {
        const source = path.join(previous!.dir, rels[i]!);
        if (lstatSync(source).size !== before[1]) throw new Error('changed since');
        linkSync(source, path.join(dir, rels[i]!)); // (`skip`: no static file stands there)
        keys.set(file.path, before);
        bytes += before[1];
        reused++;
        linked.push(i);
        continue;
      } catch {
        // Render it below.
      }
    }
    write(i, skip.has(file.path));
  }
  if (previous && linked.length > 0) {
    // Another build may have replaced the previous output while we linked from it: then write those files.
    const st = lstatSync(previous.dir, { throwIfNoEntry: false });
    if (!st || st.dev !== previous.dev || st.ino !== previous.ino) {
      for (const i of linked) {
        bytes -= keys.get(files[i]!.path)![1];
        write(i, true);
      }
      reused = 0;
    }
  }
  return { bytes, reused, keys };
}

/**
 * Bring `dir`, an output folder whose files are `have` (a spare copy of an earlier output, taken out of use),
 * to exactly `files` and the `extra` paths (the user's static files, already copied in): files that are not
 * wanted any more are deleted, files whose key did not change are left as they are, the others written anew.
 * No folder is created or deleted but for paths that appear or disappear, which is what makes a rebuild cheap.
 */
export function updateTree(dir: string, files: readonly PendingFile[], have: OutputKeys, extra: ReadonlySet<string>, progress: () => void = () => undefined): WriteResult {
  const rels = checkPaths(files);
  const want = new Set<string>([...files.map((f) => f.path), ...extra]);
  const emptied = new Set<string>();
  for (const p of have.keys()) {
    if (want.has(p)) continue;
    const target = path.join(dir, safeOutputPath(p));
    rmSync(target, { force: true, recursive: true });
    emptied.add(path.dirname(target));
  }
  // Folders left empty, deepest first, up to (not including) `dir`.
  for (let d of [...emptied].sort((a, b) => b.length - a.length)) {
    while (d.startsWith(dir + path.sep)) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
      d = path.dirname(d);
    }
  }
  const keys: OutputKeys = new Map();
  let bytes = 0;
  let reused = 0;
  for (let i = 0; i < files.length; i++) {
    progress();
    const file = files[i]!;
    const before = have.get(file.path);
    // (Kept only if it is still there, whole: a cache damaged by hand or by a full disk costs a rewrite.)
    if (before && file.key !== undefined && before[0] === file.key && !extra.has(file.path) && lstatSync(path.join(dir, rels[i]!), { throwIfNoEntry: false })?.size === before[1]) {
      keys.set(file.path, before);
      bytes += before[1];
      reused++;
      continue;
    }
    const content = renderFile(file);
    const size = sizeOf(content);
    bytes += size;
    if (file.key === undefined) {
      // Rendered, but written only if it differs from the copy in the folder.
      const key = contentKey(content);
      keys.set(file.path, [key, size]);
      if (before && before[0] === key && !extra.has(file.path) && lstatSync(path.join(dir, rels[i]!), { throwIfNoEntry: false })?.size === size) continue;
    } else {
      keys.set(file.path, [file.key, size]);
    }
    putFile(path.join(dir, rels[i]!), content);
  }
  return { bytes, reused, keys };
}

