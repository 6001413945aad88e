/**
 * `postmortem dev`: build (drafts included), serve from memory under the path of base_url, watch the project,
 * rebuild what a change affects and reload the browser. Bad input never takes anything down: the terminal
 * prints the same diagnostics as `check`, the pages show them in an overlay, the last good site stays served.
 */
import path from 'node:path';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { watch, type FSWatcher } from 'chokidar';
import type { Io } from '../cli/main.js';
import { buildTime, ProjectError, type FileResult, type ProjectResult } from '../project/load.js';
import { patchIncidentModel, ProjectState, publishable, siteModel, type ChangeSummary, type Changes } from '../project/state.js';
import { DevServer } from './server.js';
import { counts, formatText, summaryLine } from '../core/diagnostics.js';
import { parseFileTimeout, report } from '../cli/commands/check.js';
import { INCIDENTS_DIR, readSource } from '../source/files.js';
import { CONFIG_FILE } from '../validate/config.js';
import type { Diagnostic, SiteConfig, SiteModel } from '../core/model.js';
import { TEMPLATES, type Renderer } from '../render/pages.js';

export const DEFAULT_PORT = 4000;
/** Ports tried when the asked one is taken: it and the next ones. */
export const PORT_TRIES = 10;
/** Quiet time after the last file-system event before rebuilding (a burst of events is one rebuild). */
export const DEBOUNCE_MS = 20;
/** Longest wait for a burst to end. */
const MAX_WAIT_MS = 250;
/** When to build the whole model after serving edited incident pages from a patched one. */
const FULL_MODEL_DELAY_MS = 300;
/** When to look again at files just read, in case a write was still going on. */
const VERIFY_MS = 150;

const WATCHED = new Set([INCIDENTS_DIR, CONFIG_FILE, 'templates', 'static']);

export interface DevOptions {
  root: string;
  port: number;
  host: string;
  io: Io;
  /** Install SIGINT/SIGTERM and process-wide error handlers (the command does; embedders may not). */
  handleProcess?: boolean;
  /** Time one file may take, in ms (default 10 s): a file past it is reported as `file-too-slow`. */
  fileTimeoutMs?: number;
}

export interface DevSession {
  url: string;
  port: number;
  state: ProjectState;
  server: DevServer;
  /** Calls `listener` after each rebuild (with its duration), for embedders and benchmarks. */
  onRebuilt: (listener: (info: { ms: number; ok: boolean }) => void) => void;
  /** Stop watching and serving. */
  close(): Promise<void>;
  /** Resolves with the exit code once stopped (Ctrl-C, SIGTERM or close()). */
  done: Promise<number>;
}

export function parsePort(value: unknown): number {
  if (value === undefined) return DEFAULT_PORT;
  const s = String(value);
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new ProjectError(`--port must be a whole number from 0 to 65535 (0: any free port); found "${s}"`);
  return Number(s);
}

export function displayUrl(host: string, port: number, basePath: string): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}${basePath}`;
}

const errorText = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

export async function runDev(root: string, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const port = parsePort(values.port);
  const host = typeof values.host === 'string' && values.host !== '' ? values.host : '127.0.0.1';
  const fileTimeoutMs = parseFileTimeout(values['file-timeout']);
  let session: DevSession;
  try {
    session = await startDev({ root, port, host, io, handleProcess: true, ...(fileTimeoutMs !== undefined ? { fileTimeoutMs } : {}) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(`postmortem dev: ${(e as Error).message}; choose another with --port N (or --port 0 for any free port)\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      io.err(`postmortem dev: cannot listen on ${host}:${port}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
  if (values.open === true) openBrowser(session.url, io);
  return session.done;
}

/** Open a URL in the default browser; failing to is only a warning. */
export function openBrowser(url: string, io: Io): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  const warn = (why: string) => io.err(`postmortem dev: warning: could not open a browser (${why}); open ${url} yourself\n`);
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', (e) => warn(e.message));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) warn(`${cmd} exited with status ${code}`);
    });
    child.unref();
  } catch (e) {
    warn(e instanceof Error ? e.message : String(e));
  }
}

/** Build, serve, watch. Throws ProjectError without a readable site.yaml, EADDRINUSE when no port is free. */
export async function startDev(opts: DevOptions): Promise<DevSession> {
  const { root, io } = opts;
  const t0 = performance.now();
  const state = new ProjectState({ root, drafts: true, now: () => buildTime(io.env), ...(opts.fileTimeoutMs !== undefined ? { fileTimeoutMs: opts.fileTimeoutMs } : {}) });
  try {
    await state.load();
  } catch (e) {
    await state.close();
    throw e;
  }
  const server = new DevServer({ root, log: io.err });
  const listeners: ((info: { ms: number; ok: boolean }) => void)[] = [];
  let lastReport = '';
  let stopped = false;

  // What the server has: a model exact for incident pages, and the whole model once built.
  let current: { incident: SiteModel; full: SiteModel | null } | null = null;
  // What changed since the site was last published (a broken file holds publishing back).
  const sinceNothing = () => ({ files: new Set<string>(), config: false, rescan: false, diagnostics: false });
  let sincePublished = { ...sinceNothing(), config: true };
  let fullTimer: NodeJS.Timeout | null = null;

  /**
   * Serve the state. Two ways:
   * - Only incident files were edited since the last publish (same files, same configuration, no error):
   *   their pages are served at once from the previous model with their views replaced, in O(edited);
   *   the result (`assemble`) and the whole model (O(all), for list pages, feeds and the API) are built on
   *   first use or in the next quiet moment.
   * - Otherwise: the result and the whole model now (when the result has no error).
   * Returns whether the site was updated, and the result when it was assembled (null: patched, and no
   * file's diagnostics changed, so there is still no error and the warnings are those last reported).
   */
  function serve(summary: ChangeSummary | undefined): { ok: boolean; result: ProjectResult | null } {
    const lazy = state.snapshot();
    const renderer = state.renderer;
    const config = state.config;
    const mayPatch =
      summary !== undefined &&
      current !== null &&
      renderer !== null &&
      config !== null &&
      state.templateError === null &&
      !sincePublished.config &&
      !sincePublished.rescan &&
      !state.hasFileErrors &&
      sincePublished.files.size <= 50 &&
      !overridesBuiltinTemplates(renderer);
    if (mayPatch) {
      const edited = [...sincePublished.files].map((f) => state.files.get(f)).filter((r): r is FileResult => r !== undefined);
      const base = current!.full ?? current!.incident;
      const quick = edited.length === sincePublished.files.size ? patchIncidentModel(base, { config: config!, ...state.counts }, edited, state.now, true) : null;
      if (quick) {
        const entry: { incident: SiteModel; full: SiteModel | null } = { incident: quick, full: null };
        const now = state.now;
        current = entry;
        server.setSite({ renderer: renderer!, basePath: config!.basePath, incidentModel: quick, model: () => (entry.full = siteModel(lazy() as ProjectResult & { config: SiteConfig }, now, true)) });
        const result = sincePublished.diagnostics ? lazy() : null;
        sincePublished = sinceNothing();
        buildFullSoon(entry);
        return { ok: true, result };
      }
    }
    const result = lazy();
    // Broken templates keep the previous renderer (if any): content edits still show, with the overlay.
    if (!publishable(result) || renderer === null) return { ok: false, result };
    const full = siteModel(result, state.now, true);
    current = { incident: full, full };
    server.setSite({ renderer, basePath: result.config.basePath, model: full });
    sincePublished = sinceNothing();
    return { ok: true, result };
  }

  /** Build the whole model in the next quiet moment, so that list pages are ready and the next patch starts fresh. */
  function buildFullSoon(entry: { incident: SiteModel; full: SiteModel | null }): void {
    if (fullTimer) clearTimeout(fullTimer);
    fullTimer = setTimeout(() => {
      fullTimer = null;
      if (current === entry && !entry.full && !stopped) {
        try {
          server.fullModel();
        } catch (e) {
          io.err(`postmortem dev: ${errorText(e)}\n`);
        }
      }
    }, FULL_MODEL_DELAY_MS);
  }

  /** Publish the state: serve the new model when there is no error, else keep the last good one; report. */
  function publish(started: number, what: string, summary?: ChangeSummary): boolean {
    if (summary) {
      for (const f of summary.files) sincePublished.files.add(f);
      if (summary.config) sincePublished.config = true;
      if (summary.rescanned) sincePublished.rescan = true;
      if (summary.diagnostics) sincePublished.diagnostics = true;
    }
    if (fullTimer) clearTimeout(fullTimer);
    fullTimer = null;
    if (state.config) server.basePath = state.config.basePath;
    const { ok, result } = serve(summary);
    const ms = Math.round(performance.now() - started);
    const done = `${what === 'start' ? 'Built' : 'Rebuilt'} in ${ms} ms${what === 'start' ? ` (${plural(state.counts.published, 'incident')}, drafts included)` : ` (${what})`}\n`;
    if (result === null) {
      // Patched, and no file's diagnostics changed: no error, the same warnings as last time.
      server.setProblems(null);
      io.out(done);
    } else {
      const problems: Diagnostic[] = [...result.diagnostics];
      if (state.templateError) problems.push(state.templateError);
      const { errors } = counts(problems);
      server.setProblems(
        errors > 0
          ? { title: `postmortem dev: ${summaryLine(problems, result.fileCount)}`, text: formatText(problems, result.sources, { color: false, fileCount: result.fileCount }) }
          : null,
      );
      const key = problems.length ? JSON.stringify(problems) : '';
      if (errors > 0) {
        printReport(result, problems);
        io.out(`Not rebuilt (${what}): ${errors === 1 ? 'an error' : `${errors} errors`} above; ${server.hasSite ? 'still serving the last good build' : 'nothing to serve yet'}. Fix the files and the site rebuilds by itself.\n`);
      } else {
        if (key !== lastReport && problems.length) printReport(result, problems);
        io.out(done);
      }
      lastReport = key;
    }
    server.notify();
    for (const l of listeners) l({ ms, ok });
    return ok;
  }

  function printReport(result: ProjectResult, problems: Diagnostic[]): void {
    report({ diagnostics: problems, sources: result.sources, fileCount: result.fileCount }, 'text', io);
  }

  try {
    publish(t0, 'start');
  } catch (e) {
    // Even a failure of our own must leave the server up, saying what happened; the next change retries.
    io.err(`postmortem dev: the build failed with an internal error; still watching:\n${errorText(e)}\n`);
    server.setProblems({ title: 'postmortem dev: the build failed with an internal error', text: errorText(e) });
  }

  // ---------------------------------------------------------------------------------------------
  // Watching: events are collected and coalesced; one rebuild at a time.

  type Pending = Required<Changes> & { files: Set<string>; static: boolean };
  let pending: Pending = emptyChanges();
  let timer: NodeJS.Timeout | null = null;
  let firstEvent = 0;
  let running: Promise<void> | null = null;

  function emptyChanges(): Pending {
    return { files: new Set<string>(), rescan: false, config: false, templates: false, static: false };
  }

  function onEvent(event: string, abs: string): void {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const top = rel.split('/')[0]!;
    if (rel === CONFIG_FILE) pending.config = true;
    else if (top === 'templates') pending.templates = true;
    else if (top === 'static') pending.static = true;
    else if (top === INCIDENTS_DIR) {
      if (event === 'addDir' || event === 'unlinkDir' || rel === INCIDENTS_DIR) pending.rescan = true;
      else if (rel.toLowerCase().endsWith('.md')) {
        pending.files.add(rel);
        if (event !== 'change') pending.rescan = true;
      } else return;
    } else return;
    schedule();
  }

  function schedule(): void {
    if (stopped) return;
    const now = performance.now();
    if (!timer) firstEvent = now;
    else clearTimeout(timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, firstEvent + MAX_WAIT_MS - now));
    timer = setTimeout(flush, wait);
  }

  function flush(): void {
    timer = null;
    if (running) return; // the running rebuild picks the changes up when it ends
    const batch = pending;
    pending = emptyChanges();
    running = rebuild(batch).finally(() => {
      running = null;
      const p = pending;
      if (!stopped && (p.files.size || p.rescan || p.config || p.templates || p.static)) flush();
    });
  }

  async function rebuild(batch: Pending): Promise<void> {
    const started = performance.now();
    try {
      const summary = await state.apply(batch);
      verifyLater(batch.files);
      if (!summary.changed && !batch.static) return;
      const what = [
        ...(summary.config ? [CONFIG_FILE] : []),
        ...(summary.templates ? ['templates'] : []),
        ...(batch.static ? ['static'] : []),
        ...(summary.files.length > 3 ? [`${summary.files.length} files`] : summary.files),
      ].join(', ');
      publish(started, what || 'no change', summary);
    } catch (e) {
      if (stopped) return; // closing abandoned the file being processed
      io.err(`postmortem dev: the rebuild failed with an internal error; still serving the last good build, still watching:\n${errorText(e)}\n`);
      server.setProblems({ title: 'postmortem dev: the rebuild failed with an internal error', text: errorText(e) });
      server.notify();
      for (const l of listeners) l({ ms: Math.round(performance.now() - started), ok: false });
    }
  }

  /**
   * A file read while an editor was still writing it, whose last change event the watcher then swallowed
   * (chokidar drops a second change within 50 ms): look again a little later and rebuild if the text moved on.
   */
  const verifyTimers = new Set<NodeJS.Timeout>();
  function verifyLater(files: ReadonlySet<string>): void {
    if (files.size === 0 || files.size > 50) return;
    const t = setTimeout(() => {
      verifyTimers.delete(t);
      void (async () => {
        for (const f of files) {
          const known = state.files.get(f);
          if (!known || known.text === undefined) continue;
          const again = await readSource(root, f);
          if ('text' in again && again.text !== known.text && !stopped) {
            pending.files.add(f);
            schedule();
          }
        }
      })().catch((e: unknown) => io.err(`postmortem dev: ${errorText(e)}\n`));
    }, VERIFY_MS);
    verifyTimers.add(t);
  }

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
      onEvent(event, p);
    } catch (e) {
      io.err(`postmortem dev: ${errorText(e)}\n`);
    }
  });
  watcher.on('error', (e) => io.err(`postmortem dev: warning: watching failed: ${e instanceof Error ? e.message : String(e)}\n`));

  let listening;
  try {
    [listening] = await Promise.all([
      server.listen(opts.host, opts.port, PORT_TRIES),
      new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    ]);
  } catch (e) {
    await watcher.close();
    await server.close();
    await state.close();
    throw e;
  }
  const url = displayUrl(opts.host, listening.port, server.basePath);
  if (listening.busy.length) {
    const busy = listening.busy.length === 1 ? `port ${listening.busy[0]} is in use` : `ports ${listening.busy[0]}–${listening.busy[listening.busy.length - 1]} are in use`;
    io.out(`${busy}; serving on ${listening.port}\n`);
  }
  io.out(`Serving ${url} (drafts included)\nWatching incidents/, site.yaml, templates/ and static/; press Ctrl-C to stop.\n`);
  if (opts.host === '0.0.0.0' || opts.host === '::') io.out(`Listening on every network interface (--host ${opts.host}).\n`);

  // ---------------------------------------------------------------------------------------------
  // Stopping, and staying up whatever happens in the background.

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const onUnhandled = (e: unknown) => io.err(`postmortem dev: unexpected error (still running):\n${errorText(e)}\n`);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130); // a second Ctrl-C: stop now
    io.out(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping.\n`);
    void close().then(() => {
      // Anything left holding the event loop (an editor's open connection…) must not keep us alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    });
  };
  if (opts.handleProcess) {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= (async () => {
      stopped = true;
      for (const t of verifyTimers) clearTimeout(t);
      if (fullTimer) clearTimeout(fullTimer);
      if (timer) clearTimeout(timer);
      timer = null;
      // The worker first: a file being processed there is abandoned rather than waited for.
      await state.close();
      await Promise.allSettled([watcher.close(), server.close(), running ?? Promise.resolve()]);
      if (opts.handleProcess) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.off('unhandledRejection', onUnhandled);
        process.off('uncaughtException', onUnhandled);
      }
      resolveDone(0);
    })();
    return closing;
  }

  return {
    url,
    port: listening.port,
    state,
    server,
    onRebuilt: (l) => listeners.push(l),
    close,
    done,
  };
}

const BUILTIN_TEMPLATE_NAMES = new Set(TEMPLATES.map((t) => t.name));

/** A user template replaces one of ours: it may show anything of the model, so pages are never patched. */
function overridesBuiltinTemplates(renderer: Renderer): boolean {
  return renderer.templates.some((t) => t.origin === 'user' && BUILTIN_TEMPLATE_NAMES.has(t.name));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
