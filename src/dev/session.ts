/**
 * A `dev` session: build (drafts included) with the same loader, model and producer of files as `build`, serve from
 * memory under the path of base_url, watch the project, apply what changed and reload the browser. Bad input never
 * takes anything down: the terminal prints the same diagnostics as `check`, the pages show them in an overlay, the
 * last good site stays served.
 */
import { performance } from 'node:perf_hooks';
import type { Io } from '../core/io.js';
import { buildTime } from '../core/now.js';
import { escapeControlsKeepLines, say } from '../core/terminal.js';
import { CONFIG_FILE, readSource } from '../source/index.js';
import { ProjectState } from '../project/index.js';
import type { Audience } from '../core/model.js';
import { DevServer } from './server.js';
import { DevTemplates } from './templates.js';
import { Publisher } from './publisher.js';
import { watchProject, type Batch, type ProjectWatcher } from './watcher.js';

export { DEBOUNCE_MS } from './watcher.js';

export const DEFAULT_PORT = 4000;
/** Ports tried when the asked one is taken: it and the next ones. */
export const PORT_TRIES = 10;
/** When to look again at files just read, in case a write was still going on. */
const VERIFY_MS = 150;
/** Longest wait before "now" is looked at again without a change (setTimeout holds at most 2³¹ − 1 ms). */
const MAX_CLOCK_WAIT_MS = 24 * 3_600_000;
/** Shortest: results valid for one instant only (a message quoting how long) are not worth a rebuild of their own. */
const MIN_CLOCK_WAIT_MS = 60_000;

export interface DevOptions {
  root: string;
  port: number;
  host: string;
  io: Io;
  /** Install SIGINT/SIGTERM and process-wide error handlers (the command does; embedders may not). */
  handleProcess?: boolean;
  /** Time one file may take, in ms (default 10 s): a file past it is reported as `file-too-slow`. */
  fileTimeoutMs?: number;
  /** "Now" (default: SOURCE_DATE_EPOCH, else the clock). */
  now?: () => number;
  /** Host names requests may name besides the server's own (`--allowed-host`). */
  allowedHosts?: readonly string[];
  /** The site to preview: `public` (default) or `internal` (everything, internal parts marked). */
  audience?: Audience;
}

export interface DevSession {
  url: string;
  port: number;
  state: ProjectState;
  server: DevServer;
  /** Calls `listener` after each rebuild (with its duration), for embedders and benchmarks. */
  onRebuilt: (listener: (info: { ms: number; ok: boolean }) => void) => void;
  /** Apply a change as if the watcher had seen it (e.g. time having passed: `{}`); resolves after the rebuild. */
  poke(change?: Partial<Omit<Batch, 'files'>> & { files?: Iterable<string> }): Promise<void>;
  /** Resolves once the search index of the site being served is built (it is built in the background). */
  searchIdle(): Promise<void>;
  /** Stop watching and serving. */
  close(): Promise<void>;
  /** Resolves with the exit code once stopped (Ctrl-C, SIGTERM or close()). */
  done: Promise<number>;
}

export function displayUrl(host: string, port: number, basePath: string): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}${basePath}`;
}

/** An error as the terminal shows it (a stack trace, its lines escaped: its message may quote the input). */
const errorText = (e: unknown) => escapeControlsKeepLines(e instanceof Error ? (e.stack ?? e.message) : String(e));

/** Build, serve, watch. Throws ProjectError without a readable site.yaml, EADDRINUSE when no port is free. */
export async function startDev(opts: DevOptions): Promise<DevSession> {
  const { root, io } = opts;
  const t0 = performance.now();
  const state = new ProjectState({ root, mode: 'dev', now: opts.now ?? (() => buildTime(io.env)), ...(opts.fileTimeoutMs !== undefined ? { fileTimeoutMs: opts.fileTimeoutMs } : {}) });
  const templates = new DevTemplates(root);
  try {
    await state.load();
    await templates.reload();
  } catch (e) {
    await state.close();
    throw e;
  }
  const server = new DevServer({ root, log: io.err, ...(opts.allowedHosts ? { allowedHosts: opts.allowedHosts } : {}) });
  const live = new LiveProject(root, io, state, templates, server, opts.audience ?? 'public');
  live.publishFirst(t0);
  let listening;
  try {
    [listening] = await Promise.all([server.listen(opts.host, opts.port, PORT_TRIES), live.watcher.ready]);
  } catch (e) {
    await live.close();
    throw e;
  }
  const url = displayUrl(opts.host, listening.port, server.basePath);
  if (listening.busy.length) {
    const busy = listening.busy.length === 1 ? `port ${listening.busy[0]} is in use` : `ports ${listening.busy[0]}–${listening.busy[listening.busy.length - 1]} are in use`;
    io.out(say`${busy}; serving on ${listening.port}\n`);
  }
  const which = opts.audience === 'internal' ? 'the internal site, ' : '';
  io.out(say`Serving ${url} (${which}drafts included)\nWatching incidents/, site.yaml, locales/, templates/ and static/; press Ctrl-C to stop.\n`);
  if (opts.host === '0.0.0.0' || opts.host === '::') io.out(say`Listening on every network interface (--host ${opts.host}).\n`);

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await live.close();
      detach();
      resolveDone(0);
    })());
  const detach = opts.handleProcess ? handleProcess(io, close) : () => undefined;
  return {
    url,
    port: listening.port,
    state,
    server,
    onRebuilt: (l) => live.listeners.push(l),
    poke: (change = {}) => live.poke(change),
    searchIdle: () => live.searchIdle(),
    close,
    done,
  };
}

/** The project kept in memory and served: each batch of changes applied to the state, then published. */
class LiveProject {
  readonly listeners: ((info: { ms: number; ok: boolean }) => void)[] = [];
  readonly watcher: ProjectWatcher;
  private readonly publisher: Publisher;
  /** Pokes waiting for the next batch to be done. */
  private readonly waiting: (() => void)[] = [];
  private readonly verifyTimers = new Set<NodeJS.Timeout>();
  private clockTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly root: string,
    private readonly io: Io,
    private readonly state: ProjectState,
    private readonly templates: DevTemplates,
    private readonly server: DevServer,
    audience: Audience,
  ) {
    this.publisher = new Publisher(state, templates, server, io, audience);
    this.watcher = watchProject(root, (batch) => this.onBatch(batch), io.err);
  }

  /** The first publish; even a failure of our own leaves the server up, saying what happened. */
  publishFirst(started: number): void {
    try {
      this.publisher.publish(started, 'start');
      this.watchClock();
    } catch (e) {
      this.io.err(`postmortem dev: the build failed with an internal error; still watching:\n${errorText(e)}\n`);
      this.server.setProblems({ title: 'postmortem dev: the build failed with an internal error', text: errorText(e) });
    }
  }

  searchIdle(): Promise<void> {
    return this.publisher.searchIdle();
  }

  poke(change: Partial<Omit<Batch, 'files'>> & { files?: Iterable<string> }): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopped) return resolve();
      this.waiting.push(resolve);
      this.watcher.add(change);
    });
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.verifyTimers) clearTimeout(t);
    if (this.clockTimer) clearTimeout(this.clockTimer);
    this.publisher.stop();
    await this.publisher.searchIdle(); // (an index being built ends its worker thread)
    // The worker first: a file being processed there is abandoned rather than waited for.
    await this.state.close();
    await Promise.allSettled([this.watcher.close(), this.server.close()]);
    this.settle();
  }

  private settle(): void {
    for (const w of this.waiting.splice(0)) w();
  }

  private async onBatch(batch: Batch): Promise<void> {
    const started = performance.now();
    try {
      const summary = await this.state.apply({ files: batch.files, rescan: batch.rescan, config: batch.config, static: batch.static });
      if (batch.templates) await this.templates.reload();
      this.verifyLater(batch.files);
      this.watchClock();
      if (!summary.changed && !batch.static && !batch.templates) return this.settle();
      const what = [
        ...(summary.config ? [CONFIG_FILE] : []),
        ...(batch.templates ? ['templates'] : []),
        ...(batch.static ? ['static'] : []),
        ...(summary.files.length > 3 ? [`${summary.files.length} files`] : summary.files),
      ].join(', ');
      // New templates may show anything, and static/ may hold errors: the whole site is built again, never patched.
      const ok = this.publisher.publish(started, what || 'no change', batch.templates || batch.static ? { ...summary, config: true } : summary);
      this.rebuilt({ ms: Math.round(performance.now() - started), ok });
    } catch (e) {
      if (!this.stopped) this.failed(started, e); // (closing abandons the file being processed)
    }
  }

  private rebuilt(info: { ms: number; ok: boolean }): void {
    for (const l of this.listeners) l(info);
    this.settle();
  }

  private failed(started: number, e: unknown): void {
    this.io.err(`postmortem dev: the rebuild failed with an internal error; still serving the last good build, still watching:\n${errorText(e)}\n`);
    this.server.setProblems({ title: 'postmortem dev: the rebuild failed with an internal error', text: errorText(e) });
    this.server.notify();
    this.rebuilt({ ms: Math.round(performance.now() - started), ok: false });
  }

  /** Look at "now" again when the first file's result stops holding (a due date passes, an incident turns 30 days). */
  private watchClock(): void {
    if (this.clockTimer) clearTimeout(this.clockTimer);
    let next = Infinity;
    for (const r of this.state.files.values()) if (r.nowUntil !== undefined && r.nowUntil > this.state.now) next = Math.min(next, r.nowUntil);
    if (next === Infinity || this.stopped) return;
    const wait = Math.min(MAX_CLOCK_WAIT_MS, Math.max(MIN_CLOCK_WAIT_MS, next - this.state.now));
    this.clockTimer = setTimeout(() => this.watcher.add({}), wait);
    this.clockTimer.unref();
  }

  /**
   * A file read while an editor was still writing it, whose last change event the watcher then swallowed
   * (chokidar drops a second change within 50 ms): look again a little later and rebuild if the text moved on.
   */
  private verifyLater(files: ReadonlySet<string>): void {
    if (files.size === 0 || files.size > 50) return;
    const t = setTimeout(() => {
      this.verifyTimers.delete(t);
      void this.verify(files).catch((e: unknown) => this.io.err(`postmortem dev: ${errorText(e)}\n`));
    }, VERIFY_MS);
    this.verifyTimers.add(t);
  }

  private async verify(files: ReadonlySet<string>): Promise<void> {
    for (const f of files) {
      const known = this.state.files.get(f);
      if (!known || known.text === undefined) continue;
      const again = await readSource(this.root, f);
      if ('text' in again && again.text !== known.text && !this.stopped) this.watcher.add({ files: [f] });
    }
  }
}

/** Stop on SIGINT/SIGTERM (a second one stops at once); stay up whatever happens in the background. */
function handleProcess(io: Io, close: () => Promise<void>): () => void {
  const onUnhandled = (e: unknown) => io.err(`postmortem dev: unexpected error (still running):\n${errorText(e)}\n`);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    io.out(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping.\n`);
    void close().then(() => {
      // Anything left holding the event loop (an editor's open connection…) must not keep us alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    });
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  };
}
