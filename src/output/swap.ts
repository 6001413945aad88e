/** Swapping a finished output folder in place of the previous one, with renames. */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';

/** A staging folder beside `out`, on the same file system so that the final rename is atomic. */
export function stagingDir(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Put `staged` in place of `out`. The old output is renamed away first, then the new one renamed in;
 * concurrent builds retry, so the result is always one complete site. Returns the old output, now under
 * another name (the caller deletes or keeps it), or null when there was none. `keepAlive` is told that name at
 * once (its modification time may be old: the lock keeps it fresh, so that it is not taken for a dead build's).
 */
export async function swapIn(staged: string, out: string, keepAlive: (old: string) => void = () => undefined): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const old = `${stagingDir(out)}-old`;
    let moved = false;
    try {
      await rename(out, old);
      moved = true;
      keepAlive(old);
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

