/**
 * The search indexer's thread: runs Pagefind (its Node API, which drives Pagefind's binary from the npm registry)
 * over one shard at a time. On its own thread so that the build's main thread can write pages meanwhile without
 * starving it: Pagefind is fed through a pipe that only an event loop empties.
 *
 * Message in: `{ job, records: string (a file of JSON records), out: string (a folder) }`; out: `{ job, error? }`.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as pagefind from 'pagefind';

interface Job {
  job: number;
  records: string;
  out: string;
}

async function run({ records, out }: Job): Promise<void> {
  const created = await pagefind.createIndex({ forceLanguage: 'en', writePlayground: false });
  if (!created.index) throw new Error(`Pagefind could not start: ${created.errors.join('; ')}`);
  const index = created.index;
  try {
    const list = JSON.parse(readFileSync(records, 'utf8')) as pagefind.CustomRecord[];
    // All at once (a shard is small): Pagefind sorts its pages, so the order of arrival does not matter.
    const added = await Promise.all(list.map((r) => index.addCustomRecord(r)));
    added.forEach((a, i) => {
      if (a.errors.length) throw new Error(`Pagefind refused ${list[i]!.url}: ${a.errors.join('; ')}`);
    });
    const written = await index.writeFiles({ outputPath: out });
    if (written.errors.length) throw new Error(`Pagefind could not write ${out}: ${written.errors.join('; ')}`);
  } finally {
    await index.deleteIndex();
  }
}

let queue = Promise.resolve();
parentPort!.on('message', (job: Job | 'close') => {
  if (job === 'close') {
    queue = queue.then(() => pagefind.close().then(() => undefined));
    void queue.then(() => parentPort!.close());
    return;
  }
  queue = queue.then(() =>
    run(job).then(
      () => parentPort!.postMessage({ job: job.job }),
      (e: unknown) => parentPort!.postMessage({ job: job.job, error: e instanceof Error ? e.message : String(e) }),
    ),
  );
});
