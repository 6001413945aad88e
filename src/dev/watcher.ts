/**
 * Watching the project for `dev`: file-system events are collected, coalesced into batches (a burst of events is
 * one rebuild) and handed over one batch at a time; events arriving during a rebuild make the next batch.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch, type FSWatcher } from 'chokidar';
import { CONFIG_FILE, INCIDENTS_DIR, LOCALES_DIR, STATIC_DIR, TEMPLATES_DIR } from '../source/index.js';

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
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (p: string) => {
      if (p === root) return false;
      if (!p.startsWith(rootPrefix)) return true;
      const parts = p.slice(rootPrefix.length).split(path.sep);
      if (!WATCHED.has(parts[0]!)) return true;
      for (let i = 1; i < parts.length; i++) {
        const c = parts[i]!.charCodeAt(0);
        if (c === 46 /* . */ || (c === 95 /* _ */ && parts[0] === INCIDENTS_DIR)) return true;
      }
      return false;
    },
  });
  watcher.on('all', (event, p) => {
    try {
      if (classify(root, event, p, pending)) schedule();
    } catch (e) {
      log(`postmortem dev: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  });
  watcher.on('error', (e) => log(`postmortem dev: warning: watching failed: ${e instanceof Error ? e.message : String(e)}\n`));

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
