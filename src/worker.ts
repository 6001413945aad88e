/** A build worker thread (see pool.ts): processes batches of files and posts back plain results. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from './config.js';
import { loadMarkdown, processFile, type FileContext, type FileResult } from './project.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';

const init = workerData as WorkerInit;
const { config } = loadConfig(init.configText);
const ctx: FileContext = { config, now: init.now, drafts: init.drafts, html: init.html };
if (init.html) await loadMarkdown();

parentPort!.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const results: FileResult[] = [];
    for (const file of request.files) results.push(await processFile(init.root, file, ctx));
    reply = { id: request.id, results };
  } catch (e) {
    reply = { id: request.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
