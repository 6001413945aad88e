/**
 * Builds into one output folder take turns to write it. Processing the incidents runs in parallel; writing does
 * not: the spare copy in the cache, the staging folder and the swap belong to one build at a time, so that
 * builds started at once each end with exit 0 and one complete site, whatever their order.
 *
 * The lock is a folder beside the output (`.dist.lock`; `mkdir` is atomic). It is a lease, not a pid: its holder
 * touches it (and its staging folder) at least every HEARTBEAT_MS while it writes, and a lock, staging folder or
 * old output left untouched for STALE_MS belongs to a build that is gone (killed with `kill -9`, a machine that
 * went away: a pid means nothing on another machine or in another container). A build that finds such a lock
 * takes it over; a build that holds the lock removes the leftovers of dead builds beside the output, and never
 * the folder of a live one (it would have been touched within STALE_MS).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A lease not renewed for this long is a dead build's. */
export const STALE_MS = 30_000;
/** How often a holder renews its lease (from its timers, and from the loops that write files). */
export const HEARTBEAT_MS = 1_000;
/** Pause between two attempts to take a lock held by a live build. */
const RETRY_MS = 100;

export const lockPath = (out: string) => path.join(path.dirname(out), `.${path.basename(out)}.lock`);
/** The prefix of every staging folder and old output beside `out` (`.dist.tmp-…`). */
export const tmpPrefix = (out: string) => `.${path.basename(out)}.tmp-`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const touch = (p: string) => {
  const now = new Date();
  utimesSync(p, now, now);
};
/** How long ago a path was last touched, ms (Infinity when it is gone). */
function age(p: string): number {
  const st = lstatSync(p, { throwIfNoEntry: false });
  return st ? Date.now() - st.mtimeMs : Infinity;
}

export class OutputLock {
  /** Folders kept alive with the lock (the staging folder, the old output while it is moved). */
  private readonly kept = new Set<string>();
  private last = Date.now();
  private readonly timer: NodeJS.Timeout;
  private released = false;

  private constructor(
    readonly path: string,
    private readonly owner: string,
  ) {
    this.timer = setInterval(() => this.renew(true), HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Take the lock of `out`, waiting for a live holder to finish (`onWait` is called once, when the wait begins)
   * and taking over a dead one's. Throws (a file-system error) when the lock cannot be made at all.
   */
  static async acquire(out: string, onWait?: () => void): Promise<OutputLock> {
    const p = lockPath(out);
    let waited = false;
    for (;;) {
      try {
        mkdirSync(p);
        // Not empty, so that no rename can replace it (see takeOver); who holds it, for the curious and for release.
        const owner = `pid ${process.pid} on ${hostname()} since ${new Date().toISOString()} (${randomBytes(8).toString('hex')})\n`;
        writeFileSync(path.join(p, 'owner'), owner);
        return new OutputLock(p, owner);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (age(p) > STALE_MS) {
        takeOver(p, out);
        continue;
      }
      if (!waited) onWait?.();
      waited = true;
      await sleep(RETRY_MS + Math.random() * RETRY_MS);
    }
  }

  /** Keep `dir` alive with the lock (touched at every renewal) until `forget`. */
  keep(dir: string): void {
    this.kept.add(dir);
    this.renew(true);
  }

  forget(dir: string): void {
    this.kept.delete(dir);
  }

  /** Renew the lease if it is due (call it often from long synchronous loops: timers cannot run there). */
  renew(force = false): void {
    if (this.released || (!force && Date.now() - this.last < HEARTBEAT_MS)) return;
    this.last = Date.now();
    for (const p of [this.path, ...this.kept]) {
      try {
        touch(p);
      } catch {
        // Gone (a folder just renamed; or a lock taken over after a stall of STALE_MS): nothing to renew.
      }
    }
  }

  /**
   * Remove what dead builds left beside `out`: staging folders and old outputs (`.dist.tmp-…`) untouched for
   * STALE_MS. Called with the lock held, so that no live build is creating one meanwhile.
   */
  removeLeftovers(out: string): string[] {
    const dir = path.dirname(out);
    const removed: string[] = [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return removed;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      if (!name.startsWith(tmpPrefix(out)) || this.kept.has(p) || age(p) <= STALE_MS) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /** Give the lock up (unless another build took it over after a stall of STALE_MS: then it is theirs now). */
  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    let owner = '';
    try {
      owner = readFileSync(path.join(this.path, 'owner'), 'utf8');
    } catch {
      return;
    }
    if (owner === this.owner) rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * Take over a dead build's lock: renamed away first (atomic: of several builds taking it over at once, one
 * succeeds), then deleted. If it was renewed just before the rename, its holder is alive after all: it is put back.
 */
function takeOver(p: string, out: string): void {
  // (Named like a staging folder: if this build dies right here, the next one removes it.)
  const away = path.join(path.dirname(out), `${tmpPrefix(out)}lock-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(p, away);
  } catch {
    return; // someone else took it over first
  }
  if (age(away) <= STALE_MS) {
    try {
      renameSync(away, p);
      return;
    } catch {
      // A new lock was made meanwhile: the renewed one is given up (its holder's writes stay safe, see write.ts).
    }
  }
  rmSync(away, { recursive: true, force: true });
}
