/**
 * Writing the site: every file goes into a folder beside the output folder, which is then swapped in with renames,
 * so readers and hosts never see a half-written or mixed site and a failed build changes nothing. No output path
 * can escape the output folder. Builds into one folder take turns (lock.ts).
 */
import { lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import type { PendingFile } from '../render/index.js';
import { folderIdentity, outputPlaces, readRecord, writeRecord } from './records.js';
import { copyStatic } from './static.js';
import { stagingDir, swapIn } from './swap.js';
import { updateTree, writeFresh } from './tree.js';
import { OutputLock } from './lock.js';
import { explainWriteError } from './errors.js';

export interface WriteOutputOptions {
  /**
   * The build cache folder: record what the output holds there, and keep the replaced output there as a spare
   * to update in place next time (see `writeOutput`). Absent: every file is rendered and written, nothing kept.
   */
  cacheDir?: string;
  /** The tool's identity (a record made by another version of the tool is not used). */
  tool?: string;
  /** The files of the user's `static/` folder to copy in (see `listStaticFiles`). */
  statics?: readonly string[];
  /** Called once when another build is writing into the same folder and this one waits for its turn. */
  onWait?: () => void;
}

export interface WriteOutputResult {
  bytes: number;
  files: number;
  reused: number;
}

/**
 * Write the site into a folder beside `out` and swap it in (see `swapIn`): a failure leaves `out` untouched. A
 * failure of the machine (a full disk, a permission) is an OutputError, a template that throws a RenderError.
 *
 * With a cache folder, the work is proportional to what changed. The folder filled is the spare copy of the
 * output before last, kept in the cache: only the files whose key changed since are rendered and written, only
 * deleted files removed, and no folder created (on many file systems creating a folder costs more than writing a
 * small file; the site has one folder per incident). Without a spare, a new folder is filled, with unchanged
 * files hard-linked from the current output. The output replaced becomes the next spare; so the cache holds a
 * second copy of the site (two with hard links in common).
 */
export async function writeOutput(
  root: string,
  out: string,
  early: readonly PendingFile[],
  opts: WriteOutputOptions = {},
  /** Files known only later (the search index, built meanwhile): written after `early`, before the swap. */
  late?: Promise<readonly PendingFile[]>,
): Promise<WriteOutputResult> {
  let lock: OutputLock | null = null;
  try {
    lock = await OutputLock.acquire(out, opts.onWait);
    lock.removeLeftovers(out);
    return await writeLocked(root, out, early, late, opts, lock);
  } catch (e) {
    throw explainWriteError(e, out);
  } finally {
    lock?.release();
  }
}

async function writeLocked(root: string, out: string, early: readonly PendingFile[], late: Promise<readonly PendingFile[]> | undefined, opts: WriteOutputOptions, lock: OutputLock): Promise<WriteOutputResult> {
  const tool = opts.tool ?? 'unknown';
  const places = opts.cacheDir ? outputPlaces(opts.cacheDir, out) : null;
  const current = places ? readRecord(places.record, out, tool) : undefined;
  const spare = places ? readRecord(places.spareRecord, places.spare, tool) : undefined;
  const staged = stagingDir(out);
  let taken = false;
  if (places && spare) {
    try {
      renameSync(places.spare, staged);
      lock.keep(staged);
      const st = lstatSync(staged);
      taken = st.dev === spare.dev && st.ino === spare.ino;
      if (!taken) rmSync(staged, { recursive: true, force: true });
    } catch {
      taken = false;
    }
  }
  let old: string | null = null;
  try {
    if (!taken) mkdirSync(staged); // (not recursive: its parent exists, see prepareOutputFolder)
    lock.keep(staged);
    const progress = () => lock.renew();
    const statics = await copyStatic(root, opts.statics ?? [], staged);
    let files = early;
    let result;
    if (taken) {
      // Updating in place deletes what is not wanted: every file must be known first.
      if (late) files = [...early, ...(await late)];
      lock.renew();
      result = updateTree(staged, files, spare!.keys, new Set(statics), progress);
    } else {
      // A new folder: the pages are written while the late files are still being made (the search index).
      result = writeFresh(staged, early, current, new Set(statics), progress);
      if (late) {
        const more = await late;
        lock.renew();
        const r2 = writeFresh(staged, more, current, new Set(statics), progress);
        for (const [p, k] of r2.keys) result.keys.set(p, k);
        result = { bytes: result.bytes + r2.bytes, reused: result.reused + r2.reused, keys: result.keys };
        files = [...early, ...more];
      }
    }
    for (const p of statics) if (!result.keys.has(p)) result.keys.set(p, [null, 0]);
    const id = folderIdentity(staged);
    old = await swapIn(staged, out, (dir) => lock.keep(dir));
    lock.forget(staged);
    if (places) {
      writeRecord(places.record, out, tool, result.keys, id);
      // The output just replaced becomes the spare when its files are known (the lock makes this build the only
      // one moving spares of this output).
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
