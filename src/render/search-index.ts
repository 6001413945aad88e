/**
 * The static search index: Pagefind bundles written at build time, one per shard of incidents (site/search.ts),
 * merged in the reader's browser. Pagefind has no incremental mode, so the work is kept proportional to what
 * changed: each shard is indexed into a store (the build cache, or a temporary folder) under a key made of its
 * records, and reused as long as that key is the same; an edit re-indexes one shard. A shard's records are
 * written to a file and indexed on a worker thread (search-worker.ts), one shard at a time, so the indexer's
 * memory stays that of one shard and the main thread can write pages meanwhile.
 *
 * Output (`pagefind/`): Pagefind's script, worker and WebAssembly with a one-record primary index that no search
 * shows (its `kind` filter is `page`), `shards.json` (the shards to merge, newest first) and each shard's index
 * under `shards/<id>/`. Deterministic: Pagefind names its files by their content and sorts its pages.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { compareStrings } from '../core/compare.js';
import { recordHash, searchRecord, searchShards, type SearchRecord, type SiteModel } from '../site/index.js';
import type { PendingFile, SearchOutput } from './types.js';

/** Pagefind's version (its package.json is not exported: found from its entry point). */
export const PAGEFIND_VERSION = (() => {
  const entry = fileURLToPath(import.meta.resolve('pagefind'));
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
})();
/** Changes when what this module writes changes (the store's folders are named with it). */
const FORMAT = `1-${PAGEFIND_VERSION}`;
/** Files of Pagefind's bundle that the site uses; the UI kits and the playground are left out. */
const PRIMARY_FILES = /^(pagefind\.js|pagefind-worker\.js|pagefind-highlight\.js|wasm\.[a-z]+\.pagefind|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(index|fragment|filter)\/[^/]+)$/;
const SHARD_FILES = /^(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(index|fragment|filter)\/[^/]+)$/;
/** Unused shards of the store are deleted once this old (another build or `dev` may still be reading them). */
const STALE_MS = 10 * 60_000;

export interface SearchIndexOptions {
  /** Where shards are kept: `<root>/.cache/postmortem/search` with the cache, else a folder removed afterwards. */
  store: string;
  /**
   * The hash of an incident file's text: with `context`, lets a rebuild skip computing the records of unchanged
   * files (a record is looked up by it in the store's map of source → record hashes).
   */
  sourceHash?: (id: string) => string | undefined;
  /**
   * Everything else a record is made from (the tool's identity, the services' names): the map of the store is
   * used only when it was made with the same. Without it, every record is computed.
   */
  context?: string;
}

interface Manifest {
  files: [string, number][];
}

/** The record of the primary index: never a search result (every search asks for `kind: incident`). */
const PRIMARY_RECORD: SearchRecord = {
  url: 'search/',
  content: 'Search the incidents.',
  language: 'en',
  meta: { title: 'Search', date: '', severity: '', summary: '' },
  filters: { kind: ['page'], service: [], severity: [], year: [] },
};

function listTree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listTree(dir, r));
    else out.push(r);
  }
  return out;
}

/** One Pagefind run after another on a worker thread, started on first use. */
class Indexer {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  index(records: string, out: string): Promise<void> {
    if (!this.worker) {
      this.worker = new Worker(new URL('./search-worker.js', import.meta.url));
      this.worker.on('message', (m: { job: number; error?: string }) => {
        const w = this.waiting.get(m.job);
        this.waiting.delete(m.job);
        if (m.error) w?.reject(new Error(`search index: ${m.error}`));
        else w?.resolve();
      });
      this.worker.on('error', (e) => this.failAll(e));
      this.worker.on('exit', (code) => this.failAll(new Error(`search index: the indexer stopped (exit ${code})`)));
    }
    const job = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(job, { resolve, reject });
      this.worker!.postMessage({ job, records, out });
    });
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage('close');
    await exited;
  }
}

/** A folder of the store that is complete (it has a manifest), or null. */
function readManifest(store: string, name: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(store, name, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null; // not indexed yet, or damaged: index it
  }
}

/**
 * Write the records of a folder to index into a temporary folder of the store, at once (synchronously), so that
 * nothing keeps them in memory while the indexer works through the queue: only one shard's text at a time.
 */
function stageRecords(store: string, records: readonly SearchRecord[]): string {
  const tmp = path.join(store, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'records.json'), JSON.stringify(records));
  return tmp;
}

/** Index staged records into their folder of the store, keeping only the files the site uses. */
async function indexStaged(indexer: Indexer, store: string, name: string, tmp: string, keep: RegExp): Promise<Manifest> {
  try {
    const bundle = path.join(tmp, 'bundle');
    await indexer.index(path.join(tmp, 'records.json'), bundle);
    rmSync(path.join(tmp, 'records.json'));
    const files: [string, number][] = [];
    for (const rel of listTree(bundle).sort(compareStrings)) {
      if (keep.test(rel)) files.push([rel, statSync(path.join(bundle, rel)).size]);
      else rmSync(path.join(bundle, rel));
    }
    const manifest: Manifest = { files };
    writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
    try {
      renameSync(tmp, path.join(store, name));
    } catch {
      // Another build indexed the same records meanwhile: theirs is the same.
      rmSync(tmp, { recursive: true, force: true });
    }
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** A folder of the store, indexed from `records` unless it is there already. */
function ensureBundle(indexer: Indexer, store: string, name: string, records: () => SearchRecord[], keep: RegExp): Promise<Manifest> {
  const manifest = readManifest(store, name);
  if (manifest) return Promise.resolve(manifest);
  return indexStaged(indexer, store, name, stageRecords(store, records()), keep);
}

function bundleFiles(store: string, name: string, manifest: Manifest, prefix: string, key: string): PendingFile[] {
  return manifest.files.map(([rel]) => ({ path: `${prefix}${rel}`, key: `search:${key}:${rel}`, render: () => new Uint8Array(readFileSync(path.join(store, name, 'bundle', rel))) }));
}

interface RecordMap {
  format: string;
  context: string;
  /** Source hash → record hash. */
  records: Record<string, string>;
}

function readRecordMap(store: string, context: string | undefined): Map<string, string> {
  if (context === undefined) return new Map();
  try {
    const m = JSON.parse(readFileSync(path.join(store, 'records.json'), 'utf8')) as RecordMap;
    if (m.format === FORMAT && m.context === context && m.records && typeof m.records === 'object') return new Map(Object.entries(m.records));
  } catch {
    // None yet.
  }
  return new Map();
}

/** Unused folders of the store, left by earlier builds, once nobody can be reading them any more. */
function prune(store: string, used: ReadonlySet<string>): void {
  const now = Date.now();
  for (const name of existsSync(store) ? readdirSync(store) : []) {
    if (used.has(name) || name === 'records.json') continue;
    const p = path.join(store, name);
    try {
      if (now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // Gone already.
    }
  }
}

/** Index the model's incidents (only the shards whose records changed) and list the files of the search. */
export async function buildSearchIndex(model: SiteModel, opts: SearchIndexOptions): Promise<PendingFile[]> {
  const { store } = opts;
  mkdirSync(store, { recursive: true });
  const names = new Map(model.config.services.map((s) => [s.id, s.name] as const));
  const serviceName = (id: string) => names.get(id) ?? id;
  const known = readRecordMap(store, opts.context);
  const hashes = new Map<string, string>();
  const indexer = new Indexer();
  const used = new Set<string>(['records.json']);
  try {
    const primaryName = `primary-${FORMAT}`;
    used.add(primaryName);
    const jobs: Promise<PendingFile[]>[] = [ensureBundle(indexer, store, primaryName, () => [PRIMARY_RECORD], PRIMARY_FILES).then((m) => bundleFiles(store, primaryName, m, 'pagefind/', primaryName))];
    const shards = searchShards(model);
    // One shard at a time: its records are computed (where the map does not know them), hashed into its key,
    // written out for the indexer if the store does not have it, and dropped before the next shard.
    for (const shard of shards) {
      const computed = new Map<string, SearchRecord>();
      const key = createHash('sha256').update(`${FORMAT}\0${shard.id}\0`);
      for (const inc of [...shard.incidents].sort((a, b) => compareStrings(a.id, b.id))) {
        const source = opts.sourceHash?.(inc.id);
        let h = source !== undefined ? known.get(source) : undefined;
        if (h === undefined) {
          const r = searchRecord(inc, serviceName);
          h = recordHash(r);
          computed.set(inc.id, r);
        }
        hashes.set(inc.id, h);
        key.update(`${inc.id}\0${h}\0`);
      }
      const name = `shard-${key.digest('hex').slice(0, 32)}`;
      used.add(name);
      const records = () => shard.incidents.map((inc) => computed.get(inc.id) ?? searchRecord(inc, serviceName));
      jobs.push(ensureBundle(indexer, store, name, records, SHARD_FILES).then((m) => bundleFiles(store, name, m, `pagefind/shards/${shard.id}/`, name)));
    }
    const lists = await Promise.all(jobs);
    const list = JSON.stringify({ shards: shards.map((s) => ({ id: s.id, path: `shards/${s.id}/`, incidents: s.incidents.length })) }, null, 2);
    writeRecordMap(store, model, opts, hashes);
    prune(store, used);
    return [...lists.flat(), { path: 'pagefind/shards.json', render: () => `${list}\n` }];
  } finally {
    await indexer.close();
  }
}

function writeRecordMap(store: string, model: SiteModel, opts: SearchIndexOptions, hashes: ReadonlyMap<string, string>): void {
  if (!opts.sourceHash || opts.context === undefined) return;
  const records: Record<string, string> = {};
  for (const inc of model.incidents) {
    const source = opts.sourceHash(inc.id);
    if (source !== undefined) records[source] = hashes.get(inc.id)!;
  }
  const tmp = path.join(store, `records.json.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, context: opts.context, records } satisfies RecordMap));
    renameSync(tmp, path.join(store, 'records.json'));
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** The search of a site: its files once indexed (build), or the last ones indexed so far (dev). */
export class SiteSearch implements SearchOutput {
  private latest: Map<string, PendingFile> | null = null;
  private pending: Promise<PendingFile[]> | null = null;

  /** Index a model's incidents; `files()` resolves with them, `current()` serves them once ready. */
  update(model: SiteModel, opts: SearchIndexOptions): Promise<PendingFile[]> {
    const p = buildSearchIndex(model, opts);
    this.pending = p;
    void p.then(
      (files) => {
        if (this.pending === p) this.latest = new Map(files.map((f) => [f.path, f]));
      },
      () => undefined,
    );
    return p;
  }

  files(): Promise<PendingFile[]> {
    return this.pending ?? Promise.resolve([]);
  }

  current(): ReadonlyMap<string, PendingFile> | null {
    return this.latest;
  }
}
