/**
 * The fast paths give the same site as the plain one: worker threads (any --jobs), and the build cache, which
 * never serves a stale result (a changed site.yaml, tool, "now" or file) and survives being corrupted.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateProject, BENCH_SOURCE_DATE_EPOCH } from '../bench/generate.js';
import { generateSite, type BuildOptions } from '../src/pipeline/index.js';
import { renderNow } from '../src/render/index.js';
import { CACHE_DIR } from '../src/project/index.js';
import { runCli } from './helpers/cli.js';
import { listTree } from './helpers/tree.js';

const NOW = BENCH_SOURCE_DATE_EPOCH * 1000;
let root: string;

async function site(opts: Partial<BuildOptions> = {}): Promise<Map<string, string>> {
  const g = await generateSite(root, { now: NOW, drafts: false, ...opts });
  assert.ok(g.ok, 'the project builds');
  try {
    return new Map(renderNow([...g.pending, ...(await g.late)]).map((f) => [f.path, typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('base64')]));
  } finally {
    g.dispose();
  }
}

function assertSame(a: Map<string, string>, b: Map<string, string>, what: string) {
  assert.deepEqual([...a.keys()], [...b.keys()], `${what}: the same files`);
  for (const [p, c] of a) assert.ok(c === b.get(p), `${what}: ${p} differs`);
}

describe('parallel and cached builds give the same site', () => {
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pm-perf-'));
    await generateProject(root, { incidents: 70, seed: 3 });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('--jobs 1 and --jobs 2 write the same bytes', async () => {
    const out1 = path.join(root, 'out-1');
    const out2 = path.join(root, 'out-2');
    const env = { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) };
    const a = await runCli(['build', root, '--out', out1, '--no-cache', '--jobs', '1'], { env });
    const b = await runCli(['build', root, '--out', out2, '--no-cache', '--jobs', '2'], { env });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const [t1, t2] = [await listTree(out1), await listTree(out2)];
    assert.deepEqual([...t1.keys()], [...t2.keys()]);
    for (const [k, v] of t1) assert.ok(v.equals(t2.get(k)!), k);
    const bad = await runCli(['build', root, '--out', out1, '--jobs', '0'], { env });
    assert.equal(bad.code, 2);
  });

  it('a cached rebuild equals a build without cache; a changed file is processed again', async () => {
    const plain = await site({ cache: false, jobs: 1 });
    await rm(path.join(root, CACHE_DIR), { recursive: true, force: true });
    assertSame(plain, await site({ cache: true }), 'first (filling) build');
    assertSame(plain, await site({ cache: true }), 'cached rebuild');
    const files = (await readdir(path.join(root, 'incidents', '2024'))).sort();
    const edited = path.join(root, 'incidents', '2024', files[0]!);
    const before = await readFile(edited, 'utf8');
    await appendFile(edited, '\nA new closing paragraph with **bold** text.\n');
    try {
      const after = await site({ cache: true });
      assertSame(await site({ cache: false }), after, 'after an edit');
      assert.ok([...after.values()].some((c) => c.includes('A new closing paragraph with <strong>bold</strong> text.')));
    } finally {
      await writeFile(edited, before);
    }
  });

  it('a changed site.yaml, tool or "now" rebuilds what depends on it', async () => {
    await site({ cache: true });
    // Another "now": overdue actions, long-ongoing incidents and their messages change.
    const later = NOW + 400 * 86_400_000;
    assertSame(await site({ cache: false, now: later }), await site({ cache: true, now: later }), 'later now');
    const earlier = NOW - 200 * 86_400_000;
    const g = await generateSite(root, { now: earlier, drafts: false, cache: true });
    const h = await generateSite(root, { now: earlier, drafts: false, cache: false });
    for (const x of [g, h]) {
      if (!x.ok) continue;
      await x.late;
      x.dispose();
    }
    assert.deepEqual(g.project.diagnostics, h.project.diagnostics, 'earlier now: the same diagnostics (future times)');
    // Another tool version.
    assertSame(await site({ cache: false }), await site({ cache: true, cacheTool: 'another version' }), 'another tool');
    // Another site.yaml: the zone local times are read in.
    const siteYaml = path.join(root, 'site.yaml');
    const text = await readFile(siteYaml, 'utf8');
    try {
      await writeFile(siteYaml, /^timezone:/m.test(text) ? text.replace(/^timezone:.*$/m, 'timezone: Asia/Tokyo') : `${text}\ntimezone: Asia/Tokyo\n`);
      assertSame(await site({ cache: false }), await site({ cache: true }), 'another site.yaml');
    } finally {
      await writeFile(siteYaml, text);
    }
  });

  it('a truncated, garbage or foreign cache is ignored and rebuilt, never fatal', async () => {
    const plain = await site({ cache: false });
    await site({ cache: true });
    const dir = path.join(root, CACHE_DIR);
    const shards = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
    assert.ok(shards.length > 0, 'the cache was written');
    const damage: [string, (b: Buffer) => Buffer][] = [
      ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2))],
      ['garbage', (b) => Buffer.from(b.map((_, i) => (i * 7919) & 255))],
      ['empty', () => Buffer.alloc(0)],
    ];
    for (const [name, f] of damage) {
      for (const s of shards) await writeFile(path.join(dir, s), f(await readFile(path.join(dir, s))));
      assertSame(plain, await site({ cache: true }), name);
      assertSame(plain, await site({ cache: true }), `${name}, then rebuilt`);
    }
  });
});
