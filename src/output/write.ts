/**
 * Writing the site: every file goes into a fresh folder beside the output folder, which is then swapped in
 * with renames, so readers and hosts never see a half-written or mixed site and a failed build changes nothing.
 * No output path can escape the output folder.
 */
import { rename, rm, readdir, lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import type { PendingFile } from '../core/model.js';

/** A site path that is safe to join to the output folder, or an exception naming the bad path. */
export function safeOutputPath(p: string): string {
  if (p.length === 0 || p.length > 1024) throw new Error(`refusing to write an output file with an empty or overlong path`);
  if (p.includes('\\') || p.includes('\0') || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) {
    throw new Error(`refusing to write outside the output folder: ${JSON.stringify(p)}`);
  }
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '.' || s === '')) throw new Error(`refusing to write outside the output folder: ${JSON.stringify(p)}`);
  return parts.join(path.sep);
}

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

const sizeOf = (content: string | Uint8Array) => (typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength);

/**
 * The key recorded for a file that has no key of its own (a page that shows "now" or every incident): a hash of
 * its content, so that the next build, which must render it, need not write it when it came out the same.
 */
function contentKey(content: string | Uint8Array): string {
  return `content:${createHash('sha256').update(content).digest('base64url')}`;
}

/** mkdir -p that replaces a file standing where a folder must be (an old output's file of the same name). */
function ensureDir(dir: string): void {
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
function putFile(target: string, content: string | Uint8Array): void {
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

function checkPaths(files: readonly PendingFile[]): string[] {
  const rels = files.map((f) => safeOutputPath(f.path));
  const seen = new Set<string>();
  for (const rel of rels) {
    if (seen.has(rel)) throw new Error(`two output files share one path: ${rel}`);
    seen.add(rel);
  }
  return rels;
}

// Synchronous file system calls below: thousands of small files, each a few system calls that the thread pool
// would only add round trips to (this is a command-line build; nothing else waits on the event loop).

/**
 * Render and write pending files into `dir`, a new folder, one at a time (only the file being written is in
 * memory). A keyed file whose path and key are in `previous` (the output being replaced) is hard-linked from it
 * instead of rendered; when linking fails (no such file, another file system, no hard links) it is rendered.
 */
export function writeFresh(dir: string, files: readonly PendingFile[], previous?: KnownOutput, skip: ReadonlySet<string> = new Set()): WriteResult {
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
    const content = file.render();
    bytes += sizeOf(content);
    if (replace) putFile(path.join(dir, rels[i]!), content);
    else writeFileSync(path.join(dir, rels[i]!), content);
    keys.set(file.path, [file.key ?? contentKey(content), sizeOf(content)]);
  };
  for (let i = 0; i < files.length; i++) {
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
export function updateTree(dir: string, files: readonly PendingFile[], have: OutputKeys, extra: ReadonlySet<string>): WriteResult {
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
    const file = files[i]!;
    const before = have.get(file.path);
    // (Kept only if it is still there, whole: a cache damaged by hand or by a full disk costs a rewrite.)
    if (before && file.key !== undefined && before[0] === file.key && !extra.has(file.path) && lstatSync(path.join(dir, rels[i]!), { throwIfNoEntry: false })?.size === before[1]) {
      keys.set(file.path, before);
      bytes += before[1];
      reused++;
      continue;
    }
    const content = file.render();
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

/**
 * Records of output folders, kept in the build cache: each valid only for the very folder it was written for
 * (same device and inode, so a folder replaced or rebuilt by anything else is not trusted) and the same tool.
 */
interface RecordFile {
  dir: string;
  dev: number;
  ino: number;
  tool: string;
  keys: [string, string | null, number][];
}

function outId(out: string): string {
  return createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 16);
}

/** Where the record of `out` itself, and the spare copy of its previous version and its record, are kept. */
export function outputPlaces(cacheDir: string, out: string) {
  const id = outId(out);
  return {
    record: path.join(cacheDir, `output-${id}.json`),
    spare: path.join(cacheDir, `spare-${id}`),
    spareRecord: path.join(cacheDir, `spare-${id}.json`),
  };
}

/** The files of `dir`, if a trustworthy record of them exists. */
export function readRecord(file: string, dir: string, tool: string): KnownOutput | undefined {
  try {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return undefined;
    const m = JSON.parse(readFileSync(file, 'utf8')) as RecordFile;
    if (m.dir !== path.resolve(dir) || m.dev !== st.dev || m.ino !== st.ino || m.tool !== tool || !Array.isArray(m.keys)) return undefined;
    return { dir, dev: st.dev, ino: st.ino, keys: new Map(m.keys.map(([p, k, b]) => [p, [k, b] as const])) };
  } catch {
    return undefined;
  }
}

/** The identity of a folder (its device and inode survive the rename that swaps it in). */
export function folderIdentity(dir: string): { dev: number; ino: number } {
  const st = lstatSync(dir);
  return { dev: st.dev, ino: st.ino };
}

/**
 * Record the files of `dir`, by the identity `id` of the folder they were written into (taken before it was
 * renamed to `dir`: if anything replaced it since, the record does not match and is not used). Failing to write
 * is not an error of the build.
 */
export function writeRecord(file: string, dir: string, tool: string, keys: OutputKeys, id: { dev: number; ino: number }): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const m: RecordFile = { dir: path.resolve(dir), dev: id.dev, ino: id.ino, tool, keys: [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, [k, b]]) => [p, k, b]) };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * Copy a folder of static files (the user's `static/`) into the output folder, without following links out;
 * returns the site paths copied. A file is written as a new inode (see `putFile`).
 */
export async function copyStatic(from: string, to: string): Promise<string[]> {
  const copied: string[] = [];
  const walk = async (src: string, rel: string): Promise<void> => {
    const entries = await readdir(src, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(src, e.name), r);
      else if (e.isFile()) {
        putFile(path.join(to, safeOutputPath(r)), await readFile(path.join(src, e.name)));
        copied.push(r);
      }
    }
  };
  if (await lstat(from).then((s) => s.isDirectory(), () => false)) await walk(from, '');
  return copied;
}

/** A staging folder beside `out`, on the same file system so that the final rename is atomic. */
export function stagingDir(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Put `staged` in place of `out`. The old output is renamed away first, then the new one renamed in;
 * concurrent builds retry, so the result is always one complete site. Returns the old output, now under
 * another name (the caller deletes or keeps it), or null when there was none.
 */
export async function swapIn(staged: string, out: string): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const old = `${stagingDir(out)}-old`;
    let moved = false;
    try {
      await rename(out, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      await rename(staged, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && attempt < 20) {
        // Another build put its complete output in place between our two renames: take its place in turn.
        if (moved) await rm(old, { recursive: true, force: true });
        continue;
      }
      // Anything else: put the previous output back as it was.
      if (moved) await rename(old, out).catch(() => undefined);
      throw e;
    }
    return moved ? old : null;
  }
}

export interface WriteOutputOptions {
  /**
   * The build cache folder: record what the output holds there, and keep the replaced output there as a spare
   * to update in place next time (see `writeOutput`). Absent: every file is rendered and written, nothing kept.
   */
  cacheDir?: string;
  /** The tool's identity (a record made by another version of the tool is not used). */
  tool?: string;
}

/**
 * Write the site into a folder beside `out` and swap it in (see `swapIn`): a failure leaves `out` untouched.
 *
 * With a cache folder, the work is proportional to what changed. The folder filled is the spare copy of the
 * output before last, kept in the cache: only the files whose key changed since are rendered and written, only
 * deleted files removed, and no folder created (on many file systems creating a folder costs more than writing a
 * small file; the site has one folder per incident). Without a spare, a new folder is filled, with unchanged
 * files hard-linked from the current output. The output replaced becomes the next spare; so the cache holds a
 * second copy of the site (two with hard links in common).
 */
export async function writeOutput(root: string, out: string, files: readonly PendingFile[], opts: WriteOutputOptions = {}): Promise<{ bytes: number; files: number; reused: number }> {
  const tool = opts.tool ?? 'unknown';
  const places = opts.cacheDir ? outputPlaces(opts.cacheDir, out) : null;
  const current = places ? readRecord(places.record, out, tool) : undefined;
  const spare = places ? readRecord(places.spareRecord, places.spare, tool) : undefined;
  const staged = stagingDir(out);
  let taken = false;
  if (places && spare) {
    try {
      renameSync(places.spare, staged);
      const st = lstatSync(staged);
      taken = st.dev === spare.dev && st.ino === spare.ino;
      if (!taken) rmSync(staged, { recursive: true, force: true });
    } catch {
      taken = false;
    }
  }
  let old: string | null = null;
  try {
    if (!taken) mkdirSync(staged, { recursive: true });
    const statics = await copyStatic(path.join(root, 'static'), staged);
    const result = taken ? updateTree(staged, files, spare!.keys, new Set(statics)) : writeFresh(staged, files, current, new Set(statics));
    for (const p of statics) if (!result.keys.has(p)) result.keys.set(p, [null, 0]);
    const id = folderIdentity(staged);
    old = await swapIn(staged, out);
    if (places) {
      writeRecord(places.record, out, tool, result.keys, id);
      // The output just replaced becomes the spare when its files are known.
      rmSync(places.spare, { recursive: true, force: true });
      if (old && current && lstatSync(old).ino === current.ino) {
        try {
          renameSync(old, places.spare);
          writeRecord(places.spareRecord, places.spare, tool, current.keys, current);
          old = null;
        } catch {
          // Another file system: delete it below.
        }
      }
    }
    return { bytes: result.bytes, files: files.length + statics.length, reused: result.reused };
  } catch (e) {
    rmSync(staged, { recursive: true, force: true });
    throw e;
  } finally {
    if (old) rmSync(old, { recursive: true, force: true });
  }
}
