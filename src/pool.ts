/**
 * Parallel processing of incident files: worker threads read, parse, validate and render the Markdown of each
 * file and send back plain data (the incident, its HTML, its diagnostics; the text only when it has diagnostics)
 * — never trees or YAML documents. Results come back in the order of `files`, so a build is byte for byte the
 * same with any number of threads. Small projects stay on this thread: starting a worker costs more than it saves.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { processFile, type FileContext, type FileResult } from './project.js';

/** Below this many files, one thread does it all. */
export const PARALLEL_MIN_FILES = 50;
/** Files per message to a worker (small enough to balance the load, large enough to amortize messaging). */
const BATCH = 8;

export interface WorkerInit {
  root: string;
  configText: string;
  now: number;
  drafts: boolean;
  html: boolean;
}

export interface WorkerRequest {
  id: number;
  files: string[];
}

export type WorkerReply = { id: number; results: FileResult[] } | { id: number; error: string };

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

/** Process every file, on `jobs` worker threads when the project is large enough. */
export async function processFiles(root: string, files: readonly string[], configText: string, ctx: FileContext, jobs = defaultJobs()): Promise<FileResult[]> {
  const threads = Math.min(jobs, Math.ceil(files.length / BATCH));
  if (threads <= 1 || files.length < PARALLEL_MIN_FILES) {
    const out: FileResult[] = [];
    for (const file of files) out.push(await processFile(root, file, ctx));
    return out;
  }
  const init: WorkerInit = { root, configText, now: ctx.now, drafts: ctx.drafts, html: ctx.html };
  const out: FileResult[] = new Array(files.length);
  const batches: number[] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(i);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let pending = batches.length;
      let failed = false;
      const send = (w: Worker) => {
        if (next >= batches.length) return;
        const start = batches[next++]!;
        const request: WorkerRequest = { id: start, files: files.slice(start, start + BATCH) };
        w.postMessage(request);
      };
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      for (let t = 0; t < threads; t++) {
        const w = new Worker(new URL('./worker.js', import.meta.url), {
          workerData: init,
          // A larger young generation: parsing Markdown makes many short-lived objects.
          resourceLimits: { maxYoungGenerationSizeMb: 64 },
        });
        workers.push(w);
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) return fail(new Error(reply.error));
          reply.results.forEach((r, k) => (out[reply.id + k] = r));
          send(w);
          if (--pending === 0) resolve();
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (pending > 0) fail(new Error(`a build worker stopped early (exit code ${code})`));
        });
        // Two batches in flight per worker: it never waits for the next one.
        send(w);
        send(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
