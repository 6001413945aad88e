/**
 * Worker threads that read, parse, validate and render incident files and send back plain data (the incident,
 * its HTML, its diagnostics; the text only when it has diagnostics), never trees or YAML documents; each file
 * under a deadline (budget.ts). Which files go to them is decided by the processor (processor.ts).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileResult } from './process.js';
import { fileTooSlow } from './budget.js';
import type { SiteConfig } from '../core/model.js';

/** Files per message to a worker (small enough to balance the load, large enough to amortize messaging). */
export const BATCH = 8;

/** `workerData` of a worker: load the Markdown renderer before saying it is ready. */
export interface WorkerInit {
  html: boolean;
}

/** What the files of a request are processed against. */
export interface JobContext {
  root: string;
  config: SiteConfig | null;
  now: number;
  drafts: boolean;
  html: boolean;
}

/**
 * One file to process: with `text`, that text as `processSource` does (the result keeps the text); without,
 * the file read from disk as `processFile` does (the text is kept only when there are diagnostics).
 */
export interface FileJob {
  file: string;
  text?: string;
}

export interface WorkerRequest {
  ctx: JobContext;
  items: (FileJob & { id: number })[];
}

/** `ready` once loaded; then one `result` or `error` per item, in the order received. */
export type WorkerReply = { type: 'ready' } | { type: 'result'; id: number; result: FileResult } | { type: 'error'; id: number; error: string };

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

interface Task {
  id: number;
  job: FileJob;
  ctx: JobContext;
  resolve: (r: FileResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Sent to the worker and not answered yet, in order: the first is the one being processed. */
  tasks: Task[];
  /** The deadline of the first task (armed once the worker is ready). */
  timer: NodeJS.Timeout | null;
}

export interface FileWorkersOptions {
  /** Most worker threads at once (started when there is work for them). */
  threads: number;
  /** Time one file may take on a worker, in ms. */
  budgetMs: number;
  /** Load the Markdown renderer in each worker before its clock starts. */
  html: boolean;
  /** Items per message (default BATCH). */
  batch?: number;
}

/**
 * Worker threads that process files, each under a deadline. A worker handles its files one at a time, in the
 * order sent, and answers each one: the deadline of a file starts when the worker is ready and the previous
 * file's answer has arrived. A file past its deadline resolves to a `file-too-slow` result (never cached: it
 * has no `hash`); its worker is terminated, the files sent to it after that one are queued again, and a new
 * worker takes over. An exception while processing a file rejects that file's promise only.
 */
export class FileWorkers {
  private readonly queue: Task[] = [];
  private readonly slots: Slot[] = [];
  /** Workers being terminated (awaited by `close`). */
  private readonly stopping = new Set<Promise<unknown>>();
  private readonly batch: number;
  private nextId = 0;
  private closed = false;

  constructor(private readonly opts: FileWorkersOptions) {
    this.batch = opts.batch ?? BATCH;
  }

  /** Process one file (see FileJob). */
  run(job: FileJob, ctx: JobContext): Promise<FileResult> {
    return new Promise<FileResult>((resolve, reject) => {
      if (this.closed) return reject(new Error('the file workers are closed'));
      this.queue.push({ id: this.nextId++, job, ctx, resolve, reject });
      this.pump();
    });
  }

  /** Process files; the results are in the order of `jobs`. */
  runAll(jobs: readonly FileJob[], ctx: JobContext): Promise<FileResult[]> {
    return Promise.all(jobs.map((job) => this.run(job, ctx)));
  }

  /** Terminate every worker; files not yet answered are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new Error('the file workers were closed');
    for (const t of this.queue.splice(0)) t.reject(stopped);
    for (const slot of this.slots.splice(0)) {
      if (slot.timer) clearTimeout(slot.timer);
      for (const t of slot.tasks.splice(0)) t.reject(stopped);
      this.terminate(slot.worker);
    }
    await Promise.allSettled([...this.stopping]);
  }

  /** One batch to each worker that has nothing to do (starting workers as needed), then a second to each. */
  private pump(): void {
    if (this.closed) return;
    for (const limit of [0, this.batch]) {
      for (let i = 0; this.queue.length > 0 && i < this.opts.threads; i++) {
        const slot = this.slots[i] ?? this.spawn();
        if (slot.tasks.length <= limit) this.send(slot);
      }
    }
  }

  private send(slot: Slot): void {
    const first = this.queue[0]!;
    let n = 1;
    while (n < this.batch && n < this.queue.length && this.queue[n]!.ctx === first.ctx) n++;
    const tasks = this.queue.splice(0, n);
    const request: WorkerRequest = { ctx: first.ctx, items: tasks.map((t) => ({ id: t.id, ...t.job })) };
    slot.worker.postMessage(request);
    slot.tasks.push(...tasks);
    slot.worker.ref();
    this.arm(slot);
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { html: this.opts.html } satisfies WorkerInit,
      // A larger young generation: parsing Markdown makes many short-lived objects.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    const slot: Slot = { worker, ready: false, tasks: [], timer: null };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      if (!this.slots.includes(slot)) return; // abandoned: its answers no longer count
      if (reply.type === 'ready') {
        slot.ready = true;
        this.arm(slot);
        return;
      }
      const task = slot.tasks[0];
      if (!task || task.id !== reply.id) return this.crash(slot, new Error(`a file worker answered out of order (${reply.id})`));
      slot.tasks.shift();
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      if (reply.type === 'error') task.reject(new Error(reply.error));
      else {
        if (task.job.text !== undefined) reply.result.text = task.job.text;
        task.resolve(reply.result);
      }
      this.arm(slot);
      this.pump();
      if (slot.tasks.length === 0) worker.unref();
    });
    worker.on('error', (e) => this.crash(slot, e));
    worker.on('exit', (code) => this.crash(slot, new Error(`a file worker stopped early (exit code ${code})`)));
    return slot;
  }

  /** Start the clock of the file the worker is on, if not started. */
  private arm(slot: Slot): void {
    if (!slot.ready || slot.timer || slot.tasks.length === 0) return;
    slot.timer = setTimeout(() => this.timeout(slot), this.opts.budgetMs);
  }

  /** Stop using a worker: terminate it, put back the files it had not started. */
  private drop(slot: Slot): Task[] {
    const i = this.slots.indexOf(slot);
    if (i < 0) return [];
    this.slots.splice(i, 1);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    this.terminate(slot.worker);
    const [current, ...rest] = slot.tasks.splice(0);
    this.queue.unshift(...rest);
    return current ? [current] : [];
  }

  private terminate(worker: Worker): void {
    const stopping = worker.terminate().finally(() => this.stopping.delete(stopping));
    this.stopping.add(stopping);
  }

  private timeout(slot: Slot): void {
    slot.timer = null;
    for (const task of this.drop(slot)) {
      const result: FileResult = { file: task.job.file, incident: null, diagnostics: [fileTooSlow(task.job.file, this.opts.budgetMs, task.ctx.html)] };
      if (task.job.text !== undefined) result.text = task.job.text;
      task.resolve(result);
    }
    this.pump();
  }

  private crash(slot: Slot, e: unknown): void {
    for (const task of this.drop(slot)) task.reject(e instanceof Error ? e : new Error(String(e)));
    this.pump();
  }
}
