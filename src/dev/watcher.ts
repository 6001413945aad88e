/**
 * Watching the project for `dev`: file-system events are collected, coalesced into batches (a burst of events is
 * one rebuild) and handed over one batch at a time; events arriving during a rebuild make the next batch.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch, type FSWatcher } from 'chokidar';
import { realpathSync, type Stats } from 'node:fs';
import { CONFIG_FILE, INCIDENTS_DIR, LOCALES_DIR, realRootOf, refusal, STATIC_DIR, TEMPLATES_DIR } from '../source/index.js';
import { escapeControlsKeepLines, say } from '../core/terminal.js';

/** Quiet time after the last file-system event before rebuilding. */
export const DEBOUNCE_MS = 20;
/** Longest wait for a burst to end. */
const MAX_WAIT_MS = 250;

const WATCHED = new Set([INCIDENTS_DIR, CONFIG_FILE, TEMPLATES_DIR, STATIC_DIR, LOCALES_DIR]);

/** What changed, as paths relative to the root with forward slashes. */
export interface Batch {
  files: Set<string>;
  rescan: boolean;
  config: boolean;
  templates: boolean;
  static: boolean;
}

export function emptyBatch(): Batch {
  return { files: new Set<string>(), rescan: false, config: false, templates: false, static: false };
}

function isEmpty(b: Batch): boolean {
  return b.files.size === 0 && !b.rescan && !b.config && !b.templates && !b.static;
}

export interface ProjectWatcher {
  /** Resolves once the initial scan is done. */
  ready: Promise<void>;
  /** Add changes as if they had been seen (a file to look at again, "now" having moved). */
  add(change: Partial<Omit<Batch, "files">> & { files?: Iterable<string> }): void;
  close(): Promise<void>;
}

/** Which change an event is, or null for a path that does not matter. */
function classify(root: string, event: string, abs: string, into: Batch): boolean {
  const rel = path.relative(root, abs).split(path.sep).join('/');
  const top = rel.split('/')[0]!;
  // The strings files (locales/) are read and validated with site.yaml.
  if (rel === CONFIG_FILE || top === LOCALES_DIR) into.config = true;
  else if (top === TEMPLATES_DIR) into.templates = true;
  else if (top === STATIC_DIR) into.static = true;
  else if (top === INCIDENTS_DIR) {
    if (event === 'addDir' || event === 'unlinkDir' || rel === INCIDENTS_DIR) into.rescan = true;
    else if (rel.toLowerCase().endsWith('.md')) {
      into.files.add(rel);
      if (event !== 'change') into.rescan = true;
    } else into.static = true; // an image a postmortem shows, perhaps
  } else return false;
  return true;
}

/** How long the verdict on where a folder really is holds (a burst of events in it asks many times). */
const VERDICT_MS = 250;

/** Whether a path leads out of the project or into a hidden folder of it (a broken link leads nowhere: watched). */
function leadsAway(realRoot: string, link: string): boolean {
  try {
    return refusal(realRoot, realpathSync.native(link)) !== null;
  } catch {
    return false;
  }
}

/** Watch `root`; `onBatch` runs for each batch, never two at once. */
export function watchProject(root: string, onBatch: (batch: Batch) => Promise<void>, log: (line: string) => void): ProjectWatcher {
  let pending = emptyBatch();
  let timer: NodeJS.Timeout | null = null;
  let firstEvent = 0;
  let running: Promise<void> | null = null;
  let stopped = false;

  const schedule = () => {
    if (stopped) return;
    const now = performance.now();
    if (!timer) firstEvent = now;
    else clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(DEBOUNCE_MS, firstEvent + MAX_WAIT_MS - now)));
  };
  const flush = () => {
    timer = null;
    if (running) return; // the running rebuild picks the changes up when it ends
    const batch = pending;
    pending = emptyBatch();
    running = onBatch(batch).finally(() => {
      running = null;
      if (!stopped && !isEmpty(pending)) flush();
    });
  };

  // Called for every entry each time chokidar reads a folder (it does on every change in it): keep it cheap.
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  const realRoot = realRootOf(root);
  const verdicts = new Map<string, { away: boolean; at: number }>();
  const away = (dir: string): boolean => {
    const now = performance.now();
    const known = verdicts.get(dir);
    if (known && now - known.at < VERDICT_MS) return known.away;
    if (verdicts.size > 10_000) verdicts.clear();
    const v = { away: leadsAway(realRoot, dir), at: now };
    verdicts.set(dir, v);
    return v.away;
  };
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (p: string, stats?: Stats) => {
      if (p === root) return false;
      if (!p.startsWith(rootPrefix)) return true;
      const parts = p.slice(rootPrefix.length).split(path.sep);
      if (!WATCHED.has(parts[0]!)) return true;
      for (let i = 1; i < parts.length; i++) {
        const c = parts[i]!.charCodeAt(0);
        if (c === 46 /* . */ || (c === 95 /* _ */ && parts[0] === INCIDENTS_DIR)) return true;
      }
      // The rule of every input path (as `build` reads): a link out of the project, or into a hidden folder, is
      // never followed. Chokidar gives lstat's view of each entry of a folder it reads, so links are known; but a
      // watched folder may itself be replaced by such a link (`static/` → `/`), so where a folder really is is
      // checked too (once per folder and burst of events, not once per file).
      if (!stats) return false;
      if (stats.isSymbolicLink()) return leadsAway(realRoot, p);
      return away(stats.isDirectory() ? p : path.dirname(p));
    },
  });
  watcher.on('all', (event, p) => {
    try {
      if (classify(root, event, p, pending)) schedule();
    } catch (e) {
      log(`postmortem dev: ${escapeControlsKeepLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    }
  });
  watcher.on('error', (e) => log(say`postmortem dev: warning: watching failed: ${e instanceof Error ? e.message : String(e)}\n`));

  return {
    ready: new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    add(change) {
      for (const f of change.files ?? []) pending.files.add(f);
      if (change.rescan) pending.rescan = true;
      if (change.config) pending.config = true;
      if (change.templates) pending.templates = true;
      if (change.static) pending.static = true;
      schedule();
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([watcher.close(), running ?? Promise.resolve()]);
    },
  };
}
