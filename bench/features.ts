/**
 * The benchmark's look at the features of issue 14 on their own, in this process, on a project already built
 * (its cache filled): the search index (cold into an empty store, again with one shard gone, again with nothing
 * changed; with the peak memory of this process and the indexer's), related incidents for every incident page,
 * the insights (all time and every year), and what they add to the output (files and bytes).
 */
import { readdir, lstat, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSite, searchContext } from '../src/pipeline/index.js';
import { buildSearchIndex } from '../src/render/index.js';
import { insightYears, modelInsights, relatedIncidents, siteModel } from '../src/site/index.js';
import { BENCH_NOW_MS } from './generate.js';
import { sampleTree } from './tree-rss.js';

export interface FeatureFigures {
  search: { coldMs: number; coldTreeRssKiB: number; oneShardMs: number; unchangedMs: number; shards: number; files: number; bytes: number };
  related: { ms: number; withAny: number; incidents: number };
  insights: { ms: number; files: number; bytes: number; largestPage: number };
}

async function tree(dir: string): Promise<{ files: number; bytes: number; largest: number }> {
  let files = 0;
  let bytes = 0;
  let largest = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const size = (await lstat(p)).size;
        files++;
        bytes += size;
        if (p.endsWith('.html')) largest = Math.max(largest, size);
      }
    }
  };
  await walk(dir).catch(() => undefined);
  return { files, bytes, largest };
}

export async function measureFeatures(root: string, out: string, tmp: string): Promise<FeatureFigures> {
  const g = await generateSite(root, { now: BENCH_NOW_MS, drafts: false, cache: true });
  if (!g.ok) throw new Error('the benchmark project does not build');
  await g.late; // (the build's own index, from its cache)
  // A model of its own: the build's has its related incidents and insights already (its pages' keys needed them).
  const model = siteModel(g.project as Parameters<typeof siteModel>[0], BENCH_NOW_MS, false, true);

  let t = performance.now();
  let withAny = 0;
  for (const inc of model.incidents) if (relatedIncidents(model, inc).length) withAny++;
  const related = { ms: performance.now() - t, withAny, incidents: model.incidents.length };

  t = performance.now();
  modelInsights(model, null);
  for (const { year } of insightYears(model.incidents)) modelInsights(model, year);
  const insightsMs = performance.now() - t;
  const pages = await tree(path.join(out, 'insights'));
  const api = await tree(path.join(out, 'api', 'insights'));
  const apiAll = (await lstat(path.join(out, 'api', 'insights.json'))).size;

  const store = await mkdtemp(path.join(tmp, 'search-store-'));
  const sourceHash = (id: string) => g.project.sourceHashes.get(id);
  const context = searchContext(model);
  const sampler = sampleTree(process.pid);
  t = performance.now();
  const files = await buildSearchIndex(model, { store, sourceHash, context });
  const coldMs = performance.now() - t;
  const coldTreeRssKiB = sampler.stop();
  const shards = (await readdir(store)).filter((n) => n.startsWith('shard-'));
  await rm(path.join(store, shards[0]!), { recursive: true });
  t = performance.now();
  await buildSearchIndex(model, { store, sourceHash, context });
  const oneShardMs = performance.now() - t;
  t = performance.now();
  await buildSearchIndex(model, { store, sourceHash, context });
  const unchangedMs = performance.now() - t;
  const index = await tree(path.join(out, 'pagefind'));
  await rm(store, { recursive: true, force: true });
  return {
    search: { coldMs, coldTreeRssKiB, oneShardMs, unchangedMs, shards: shards.length, files: Math.max(index.files, files.length), bytes: index.bytes },
    related,
    insights: { ms: insightsMs, files: pages.files + api.files + 1, bytes: pages.bytes + api.bytes + apiAll, largestPage: pages.largest },
  };
}
