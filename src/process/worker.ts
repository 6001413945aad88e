/**
 * A file worker thread (see FileWorkers in pool.ts): processes the files it is sent one at a time, in order, and
 * posts back one plain result per file, so that the main thread can time each file and abandon a slow one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadMarkdown, processFile, processSource, type FileContext, type FileResult } from './process.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';

const init = workerData as WorkerInit;
if (init.html) await loadMarkdown();

async function handle(request: WorkerRequest): Promise<void> {
  const { root, config, now, drafts, html } = request.ctx;
  const ctx: FileContext = { config, now, drafts, html };
  if (html) await loadMarkdown();
  for (const item of request.items) {
    let reply: WorkerReply;
    try {
      let result: FileResult;
      if (item.text !== undefined) {
        result = processSource(item.file, item.text, ctx);
        delete result.text; // the main thread has it
      } else result = await processFile(root, item.file, ctx);
      reply = { type: 'result', id: item.id, result };
    } catch (e) {
      reply = { type: 'error', id: item.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    parentPort!.postMessage(reply);
  }
}

// One request after the other: a file starts when the one before it has been answered.
let queue = Promise.resolve();
parentPort!.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReply);
