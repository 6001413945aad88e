/**
 * The file processor, shared by `check`, `build` and `dev`: it decides, once for all of them, which files are
 * processed on this thread and which on worker threads, and runs them under the per-file time budget.
 *
 * - Many files (at least PARALLEL_MIN_FILES, with more than one thread): every file goes to the workers, which
 *   read it themselves when its text is not given. Results come back in input order, so the output is the same
 *   with any number of threads.
 * - Otherwise this thread does the work (starting a worker costs more than it saves), but for files large enough
 *   for a known slow shape to come near the budget (budget.ts): nothing on this thread can be interrupted, so
 *   those go to a worker under the deadline.
 * - `check` does not render Markdown, but a file large enough for a slow Markdown shape is rendered on a worker
 *   (its HTML thrown away), so that a file `build` would stop is an error of `check` too.
 *
 * Workers start on first use and stay until `close()`: `dev` keeps its processor for the whole session.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { contentHash } from '../core/hash.js';
import { hasRule } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { MAX_FILE_BYTES } from '../source/index.js';
import { DEFAULT_FILE_TIMEOUT_MS, inThreadLimit } from './budget.js';
import { BATCH, defaultJobs, FileWorkers, type FileJob, type JobContext } from './pool.js';

export type { FileJob } from './pool.js';
import { htmlCacheKey, processFile, processSource, type FileContext, type FileResult } from './process.js';

/** Below this many files, this thread does it all (but for files too large to be safe here, see above). */
export const PARALLEL_MIN_FILES = 50;

export interface ProcessorOptions {
  /** Project root, where files without a text are read. */
  root: string;
  /** Most worker threads (default: one per core). */
  jobs?: number;
  /** Time one file may take, ms (default 10 s). */
  budgetMs?: number;
}

type Placement = 'thread' | 'worker' | 'probe';

/**
 * Where one file is processed. `size` is its length (0 when unknown, as for many files processed in parallel).
 * A file over the size limit is refused unread, so it never needs a worker.
 */
export function placement(size: number, ctx: FileContext, budgetMs: number, parallel: boolean, htmlCached: boolean): Placement {
  if (size > MAX_FILE_BYTES) return 'thread';
  if (!ctx.html && size > inThreadLimit(budgetMs, true)) return 'probe';
  if (parallel) return 'worker';
  // With its HTML cached (`dev`), only the frontmatter is parsed: linear work, allowed up to a larger size.
  const limit = inThreadLimit(budgetMs, ctx.html && !htmlCached);
  return size > limit ? 'worker' : 'thread';
}

export class FileProcessor {
  readonly budgetMs: number;
  private readonly threads: number;
  private workers: FileWorkers | null = null;
  private closed = false;

  constructor(private readonly opts: ProcessorOptions) {
    this.budgetMs = opts.budgetMs ?? DEFAULT_FILE_TIMEOUT_MS;
    this.threads = Math.max(1, opts.jobs ?? defaultJobs());
  }

  /** Process the files; the results are in the order of `jobs`, each with the hash of the text processed. */
  async run(jobs: readonly FileJob[], ctx: FileContext): Promise<FileResult[]> {
    const parallel = this.threads > 1 && Math.ceil(jobs.length / BATCH) > 1 && jobs.length >= PARALLEL_MIN_FILES;
    const sizes = await this.sizes(jobs, ctx, parallel);
    const places = jobs.map((job, i) => placement(sizes[i]!, ctx, this.budgetMs, parallel, this.htmlCached(job, ctx)));
    const out: Promise<FileResult>[] = new Array(jobs.length);
    // The workers' files first, so that they run while this thread does the others.
    places.forEach((p, i) => {
      if (p !== 'thread') out[i] = this.onWorker(jobs[i]!, ctx, p === 'probe');
      out[i]?.catch(() => undefined); // awaited below; not unhandled if this thread fails first
    });
    for (let i = 0; i < jobs.length; i++) if (places[i] === 'thread') out[i] = Promise.resolve(await this.here(jobs[i]!, ctx));
    return Promise.all(out);
  }

  /** Stop the workers (a file being processed there is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.workers;
    this.workers = null;
    await w?.close();
  }

  private htmlCached(job: FileJob, ctx: FileContext): boolean {
    return job.text !== undefined && ctx.config !== null && ctx.htmlCache?.has(htmlCacheKey(ctx.config, job.text)) === true;
  }

  /** Sizes matter to where a file goes: not at all when every file goes to a worker anyway. */
  private async sizes(jobs: readonly FileJob[], ctx: FileContext, parallel: boolean): Promise<number[]> {
    if (parallel && ctx.html) return jobs.map(() => 0);
    return Promise.all(jobs.map((j) => (j.text !== undefined ? j.text.length : sizeOf(this.opts.root, j.file))));
  }

  private async here(job: FileJob, ctx: FileContext): Promise<FileResult> {
    if (job.text === undefined) return processFile(this.opts.root, job.file, ctx);
    const r = processSource(job.file, job.text, ctx);
    r.hash = contentHash(job.text);
    return r;
  }

  private async onWorker(job: FileJob, ctx: FileContext, probe: boolean): Promise<FileResult> {
    if (this.closed) throw new Error('the file processor is closed');
    this.workers ??= new FileWorkers({ threads: this.threads, budgetMs: this.budgetMs, html: ctx.html });
    const jobCtx: JobContext = { root: this.opts.root, config: ctx.config, now: ctx.now, drafts: ctx.drafts, html: ctx.html || probe };
    const r = await this.workers.run(job, jobCtx);
    if (probe) delete r.html;
    if (job.text !== undefined && r.hash === undefined && !hasRule(r.diagnostics, Rule.FileTooSlow)) r.hash = contentHash(job.text);
    // HTML rendered on a worker goes into the memo as processing here would have put it.
    if (r.html && ctx.htmlCache && ctx.config && job.text !== undefined) {
      const key = htmlCacheKey(ctx.config, job.text);
      if (!ctx.htmlCache.has(key)) ctx.htmlCache.set(key, r.html);
    }
    return r;
  }
}

/** The size of a file in bytes (0 when it cannot be read: processing then says why). */
async function sizeOf(root: string, file: string): Promise<number> {
  try {
    return (await stat(path.join(root, file))).size;
  } catch {
    return 0;
  }
}

/** Process files once, with a processor of their own (closed at the end). */
export async function processFiles(root: string, files: readonly string[], ctx: FileContext, jobs?: number, budgetMs?: number): Promise<FileResult[]> {
  const processor = new FileProcessor({ root, ...(jobs !== undefined ? { jobs } : {}), ...(budgetMs !== undefined ? { budgetMs } : {}) });
  try {
    return await processor.run(files.map((file) => ({ file })), ctx);
  } finally {
    await processor.close();
  }
}
