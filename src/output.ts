/**
 * Writing the site: every file goes into a fresh folder beside the output folder, which is then swapped in
 * with renames, so readers and hosts never see a half-written or mixed site and a failed build changes nothing.
 * No output path can escape the output folder.
 */
import { mkdir, rename, rm, writeFile, readdir, copyFile, lstat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OutputFile } from './model.js';

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

/** Write files into `dir` (which must not exist yet), creating folders as needed, with bounded concurrency. */
export async function writeTree(dir: string, files: readonly OutputFile[]): Promise<{ bytes: number }> {
  await mkdir(dir, { recursive: true });
  const dirs = new Set<string>();
  const paths = files.map((f) => path.join(dir, safeOutputPath(f.path)));
  const seen = new Set<string>();
  for (const p of paths) {
    if (seen.has(p)) throw new Error(`two output files share one path: ${path.relative(dir, p)}`);
    seen.add(p);
    dirs.add(path.dirname(p));
  }
  for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const content = files[i]!.content;
      bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
      await writeFile(paths[i]!, content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, files.length) }, worker));
  return { bytes };
}

/** Copy a folder of static files (the user's `static/`) into the staging folder, without following links out. */
export async function copyStatic(from: string, to: string): Promise<number> {
  let count = 0;
  const walk = async (src: string, dst: string): Promise<void> => {
    const entries = await readdir(src, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const s = path.join(src, e.name);
      const d = path.join(dst, e.name);
      if (e.isDirectory()) {
        await mkdir(d, { recursive: true });
        await walk(s, d);
      } else if (e.isFile()) {
        await mkdir(path.dirname(d), { recursive: true });
        await copyFile(s, d);
        count++;
      }
    }
  };
  if (await lstat(from).then((s) => s.isDirectory(), () => false)) await walk(from, to);
  return count;
}

/** A staging folder beside `out`, on the same file system so that the final rename is atomic. */
export function stagingDir(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Put `staged` in place of `out`. The old output is renamed away first, then the new one renamed in;
 * concurrent builds retry, so the result is always one complete site.
 */
export async function swapIn(staged: string, out: string): Promise<void> {
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
    if (moved) await rm(old, { recursive: true, force: true });
    return;
  }
}
