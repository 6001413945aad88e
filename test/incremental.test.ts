/**
 * Incremental output: a rebuild renders and writes only what changed (reusing the previous output's files and
 * updating the spare copy kept in the cache), and its output is always byte for byte the output of a build from
 * scratch (`--no-cache`) of the same project: after edits, additions, deletions, static files coming and going,
 * a template, site.yaml or SOURCE_DATE_EPOCH changing, and a cache damaged by hand.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile, cp, unlink, lstat, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateProject, BENCH_SOURCE_DATE_EPOCH } from '../bench/generate.js';
import { CACHE_DIR } from '../src/project/index.js';
import { generateSite } from '../src/pipeline/index.js';
import { BUILTIN_TEMPLATES_DIR } from '../src/render/index.js';
import { writeOutput } from '../src/output/index.js';
import { runCli } from './helpers/cli.js';
import { listTree } from './helpers/tree.js';

let root: string;
let out: string;
let fresh: string;
const ENV = { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) };

/** Build incrementally into `out`; returns how many files the build says it reused. */
async function build(env: Record<string, string> = ENV): Promise<number> {
  const r = await runCli(['build', root, '--out', out], { env });
  assert.equal(r.code, 0, r.stderr);
  const m = /\((\d+) unchanged, reused\)/.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

/** The incremental output is exactly a build from scratch of the same project. */
async function assertAsFromScratch(what: string, env: Record<string, string> = ENV): Promise<number> {
  await rm(fresh, { recursive: true, force: true });
  const r = await runCli(['build', root, '--out', fresh, '--no-cache'], { env });
  assert.equal(r.code, 0, r.stderr);
  const [a, b] = [await listTree(out), await listTree(fresh)];
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: the same files`);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${what}: ${k} differs from a build from scratch`);
  return a.size;
}

/** The shards indexed into the build cache's search store so far. */
async function searchShardsInStore(): Promise<string[]> {
  return (await readdir(path.join(root, CACHE_DIR, 'search'))).filter((n) => n.startsWith('shard-')).sort();
}

async function incidentFiles(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.name.endsWith('.md')) found.push(path.join(d, e.name)); // (the project's images are beside them)
    }
  };
  await walk(path.join(root, 'incidents'));
  return found.sort();
}

describe('incremental output', () => {
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pm-incr-'));
    await generateProject(root, { incidents: 60, seed: 5 });
    out = path.join(root, 'dist');
    fresh = path.join(root, 'fresh');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reuses unchanged files and still writes what a build from scratch writes', async () => {
    assert.equal(await build(), 0, 'nothing to reuse the first time');
    const total = await assertAsFromScratch('first build');
    const second = await build();
    // Every incident's page and API record, and the list pages (the status page, feeds and badges are always rendered).
    assert.ok(second >= 100, `an unchanged project reuses the incidents' files (${second} of ${total})`);
    await assertAsFromScratch('unchanged');

    const files = await incidentFiles();
    const shardsBefore = await searchShardsInStore();
    await appendFile(files[10]!, '\nOne more sentence for the record.\n');
    const afterEdit = await build();
    // Its page, its API record and API page, its two neighbours' pages, and the list pages that show it (its
    // history page, its services' and tags' pages, the actions pages, its year's insights page): a few, not the
    // site; and the files of the one search shard it is in, indexed again (the others are kept).
    const year = path.basename(files[10]!).slice(0, 4);
    const shardFiles = [...(await listTree(path.join(out, 'pagefind', 'shards', year))).keys()].length;
    assert.ok(shardFiles > 3, `the year ${year} is one shard (${shardFiles} files)`);
    assert.ok(afterEdit < second && second - afterEdit <= 16 + shardFiles, `one edit re-renders a few files (${afterEdit} reused, ${second} before, ${shardFiles} in its shard)`);
    const shardsAfter = await searchShardsInStore();
    assert.equal(shardsAfter.filter((s) => !shardsBefore.includes(s)).length, 1, 'one shard indexed again');
    await assertAsFromScratch('one body edited');

    // A change to what is not searched (an action's owner) indexes nothing again.
    let ownerFile = '';
    for (const f of files.slice(12)) if (/^ {4}owner: /m.test(await readFile(f, 'utf8'))) { ownerFile = f; break; }
    assert.ok(ownerFile, 'an incident with an action owner');
    await writeFile(ownerFile, (await readFile(ownerFile, 'utf8')).replace(/^ {4}owner: .*$/m, '    owner: Someone Else'));
    await build();
    assert.deepEqual((await searchShardsInStore()).filter((s) => !shardsAfter.includes(s)), [], 'no shard indexed again');
    await assertAsFromScratch('an owner changed');

    // A title shows on the neighbours' pages too.
    const text = await readFile(files[11]!, 'utf8');
    await writeFile(files[11]!, text.replace(/^title: (.*)$/m, 'title: $1 (renamed)'));
    await build();
    await assertAsFromScratch('a title changed');

    // Deleted, then added back; static files added, then removed (with their folder).
    const removed = path.join(root, 'removed.md.bak');
    await rename(files[20]!, removed);
    await build();
    await assertAsFromScratch('an incident deleted');
    await mkdir(path.join(root, 'static', 'docs'), { recursive: true });
    await writeFile(path.join(root, 'static', 'docs', 'runbook.txt'), 'hello\n');
    await build();
    await assertAsFromScratch('a static file added');
    await rename(removed, files[20]!);
    await rm(path.join(root, 'static', 'docs'), { recursive: true }); // (static/img holds a diagram incidents show)
    await build();
    await assertAsFromScratch('incident back, static files gone');
    await build();
    await assertAsFromScratch('built twice more');
  });

  it('a changed template, site.yaml or SOURCE_DATE_EPOCH re-renders what depends on it', async () => {
    // A user's template replacing ours: every incident page shows the change.
    await mkdir(path.join(root, 'templates'), { recursive: true });
    const incidentTemplate = await readFile(path.join(BUILTIN_TEMPLATES_DIR, 'incident.eta'), 'utf8');
    await writeFile(path.join(root, 'templates', 'incident.eta'), incidentTemplate.replace('<article class="incident">', '<article class="incident" data-custom="1">'));
    await build();
    const n = await assertAsFromScratch('a template overridden');
    const pages = [...(await listTree(out)).entries()].filter(([k]) => /^incidents\/[^/]+\/index\.html$/.test(k));
    assert.ok(pages.length > 10 && pages.every(([, v]) => v.includes('data-custom="1"')), 'every incident page has the new template');
    await rm(path.join(root, 'templates'), { recursive: true });
    await build();
    await assertAsFromScratch('the template removed again');

    const config = await readFile(path.join(root, 'site.yaml'), 'utf8');
    await writeFile(path.join(root, 'site.yaml'), config.replace(/^title: (.*)$/m, 'title: Renamed status site'));
    assert.ok(n > 0);
    await build();
    await assertAsFromScratch('site.yaml changed');
    // A service renamed: its name is searched, so the search records of its incidents change with it.
    await writeFile(path.join(root, 'site.yaml'), config.replace(/^(\s+name: )(.*)$/m, '$1$2 Renamed'));
    await build();
    await assertAsFromScratch('a service renamed');
    await writeFile(path.join(root, 'site.yaml'), config);

    const later = { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH + 86_400 * 40) };
    await build(later);
    await assertAsFromScratch('40 days later', later);
    await build();
    await assertAsFromScratch('back to the first date');
  });

  it('a cache damaged by hand costs a rewrite, never a wrong or incomplete site', async () => {
    await build();
    await build(); // the spare copy now exists
    const cache = path.join(root, CACHE_DIR);
    const names = await readdir(cache);
    const spare = names.find((n) => n.startsWith('spare-') && !n.endsWith('.json'));
    assert.ok(spare, `a spare copy of the output is kept in the cache (${names.join(', ')})`);
    // Delete and truncate files of the spare copy, then rebuild: the site is still complete and right.
    const spareFiles = [...(await listTree(path.join(cache, spare))).keys()];
    assert.ok(spareFiles.length > 50);
    await unlink(path.join(cache, spare, spareFiles[3]!));
    await writeFile(path.join(cache, spare, spareFiles[7]!), '');
    await build();
    await assertAsFromScratch('spare copy damaged');
    // Stored HTML gone for some incidents, garbage for others: those files are processed again.
    const blobs = (await readdir(cache)).find((n) => n.startsWith('blobs-'));
    assert.ok(blobs, 'HTML is stored in blobs');
    const shards = (await readdir(path.join(cache, blobs))).sort();
    await rm(path.join(cache, blobs, shards[0]!), { recursive: true });
    for (const f of await readdir(path.join(cache, blobs, shards[1]!))) await writeFile(path.join(cache, blobs, shards[1]!, f), 'garbage');
    // A template change re-renders every incident page, so each stored blob is read.
    await mkdir(path.join(root, 'templates'), { recursive: true });
    await writeFile(path.join(root, 'templates', 'incident.eta'), (await readFile(path.join(BUILTIN_TEMPLATES_DIR, 'incident.eta'), 'utf8')).replace('<article class="incident">', '<article class="incident" data-again="1">'));
    await build();
    await assertAsFromScratch('stored HTML deleted or damaged');
    await rm(path.join(root, 'templates'), { recursive: true });
    // Garbage records.
    for (const n of await readdir(cache)) if (/^(output|spare)-.*\.json$/.test(n)) await writeFile(path.join(cache, n), '{"nonsense": tru');
    assert.equal(await build(), 0, 'no record, nothing reused');
    await assertAsFromScratch('records unreadable');
    // The output folder replaced by something else: its record no longer matches.
    await build();
    await rm(out, { recursive: true });
    await cp(fresh, out, { recursive: true });
    await writeFile(path.join(out, 'index.html'), 'not ours');
    await build();
    await assertAsFromScratch('output folder replaced by hand');
    assert.ok((await lstat(out)).isDirectory());
  });

  it('an edit that keeps the size and the modification time is still seen', async () => {
    const file = (await incidentFiles())[30]!;
    // A whole number of seconds: set again below exactly (fractions do not survive utimes' conversions).
    const ROUND = 1_700_000_000;
    await utimes(file, ROUND, ROUND);
    // Stamps are trusted only for files unchanged for 2 s before they were read (see FileStamp).
    await new Promise((r) => setTimeout(r, 2_100));
    await build();
    await build();
    const before = await stat(file);
    const text = await readFile(file, 'utf8');
    const at = text.indexOf('\n---', 4) + 10;
    const swapped = text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
    assert.notEqual(swapped, text);
    await writeFile(file, swapped);
    await utimes(file, ROUND, ROUND);
    const after = await stat(file);
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeMs, before.mtimeMs, 'same size, same modification time: only the change time differs');
    await build();
    await assertAsFromScratch('edited behind a restored modification time');
  });

  it('another version of the tool reuses nothing', async () => {
    const cacheDir = path.join(root, CACHE_DIR);
    const g = await generateSite(root, { now: BENCH_SOURCE_DATE_EPOCH * 1000, drafts: false, cache: true });
    assert.ok(g.ok);
    const first = await writeOutput(root, out, g.pending, { cacheDir, tool: 'postmortem 1', statics: g.project.staticFiles }, g.late);
    const same = await writeOutput(root, out, g.pending, { cacheDir, tool: 'postmortem 1', statics: g.project.staticFiles }, g.late);
    const other = await writeOutput(root, out, g.pending, { cacheDir, tool: 'postmortem 2', statics: g.project.staticFiles }, g.late);
    assert.ok(same.reused >= 100, `the same tool reuses the incidents' files (${same.reused})`);
    assert.equal(other.reused, 0, 'a record made by another tool is not trusted');
    assert.equal(first.files, other.files);
    await assertAsFromScratch('after a tool change');
  });

  it('--no-cache neither reads nor keeps anything', async () => {
    await rm(path.join(root, CACHE_DIR), { recursive: true, force: true });
    const r = await runCli(['build', root, '--out', out, '--no-cache'], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /reused/);
    await assert.rejects(readdir(path.join(root, CACHE_DIR)), 'no cache folder is made');
    // The search index was made in a folder of the build's own, removed once the site was written.
    assert.deepEqual((await readdir(root)).filter((f) => f.startsWith('.postmortem-')), [], 'no search folder is left in the project');
  });
});

/**
 * The property every reuse rests on, checked page by page: two builds that give a file the same key give it the
 * same bytes. A project large enough for services with several list pages (whose uptime bars show the titles
 * of recent incidents that are listed on another page) and tag pages; each change below is made in a copy.
 */
describe('equal keys mean equal bytes', () => {
  let base: string;
  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'pm-keys-'));
    await generateProject(base, { incidents: 1000, seed: 11 });
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const NOW = BENCH_SOURCE_DATE_EPOCH * 1000;
  async function keyed(dir: string, now = NOW): Promise<Map<string, { key: string | undefined; bytes: string }>> {
    const g = await generateSite(dir, { now, drafts: false, cache: true });
    assert.ok(g.ok, 'the project builds');
    // The search index's files too: their keys are their shards' (made of the shards' records).
    const files = [...g.pending, ...(await g.late)];
    return new Map(files.map((f) => [f.path, { key: f.key, bytes: Buffer.from(f.render()).toString('base64') }]));
  }
  function assertKeysHold(a: Map<string, { key: string | undefined; bytes: string }>, b: Map<string, { key: string | undefined; bytes: string }>, what: string) {
    let keyedSame = 0;
    for (const [p, x] of a) {
      const y = b.get(p);
      if (!y || x.key === undefined || x.key !== y.key) continue;
      keyedSame++;
      assert.ok(x.bytes === y.bytes, `${what}: ${p} has the same key in both builds but different bytes`);
    }
    assert.ok(keyedSame > 100, `${what}: ${keyedSame} files kept their key`);
  }

  for (const [what, change] of [
    ['the title of the newest incident', (t: string) => t.replace(/^title: (.*)$/m, 'title: $1 (renamed)')],
    ['a resolved time moved an hour', (t: string) => t.replace(/^resolved: (\d{4}-\d\d-\d\d)T(\d\d)/m, (_m, d: string, h: string) => `resolved: ${d}T${String((Number(h) + 1) % 24).padStart(2, '0')}`)],
    ['an action closed', (t: string) => t.replace(/status: open/, 'status: done')],
  ] as const) {
    it(`after changing ${what}`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pm-keys-copy-'));
      try {
        await cp(base, dir, { recursive: true });
        const before = await keyed(dir);
        // The most recent incident files (by name, which starts with the date) are the ones the uptime bars show.
        const files = (await readdirRecursive(path.join(dir, 'incidents'))).sort().reverse();
        let changed = false;
        for (const f of files) {
          const text = await readFile(f, 'utf8');
          const next = change(text);
          if (next !== text) {
            await writeFile(f, next);
            changed = true;
            break;
          }
        }
        assert.ok(changed, 'some file had something to change');
        assertKeysHold(before, await keyed(dir), what);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('after changing the title of an incident shown in an uptime bar but not listed on that page', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pm-keys-copy-'));
    try {
      await cp(base, dir, { recursive: true });
      const config = await readFile(path.join(dir, 'site.yaml'), 'utf8');
      await writeFile(path.join(dir, 'site.yaml'), config.replace(/^uptime_days: \d+$/m, 'uptime_days: 365'));
      const g = await generateSite(dir, { now: NOW, drafts: false, cache: true });
      assert.ok(g.ok);
      await g.late;
      // A service with more incidents in its uptime window than its first page lists (LIST_PAGE_SIZE, 50).
      const windowStart = NOW - 365 * 86_400_000;
      const svc = g.model.services.find((s) => s.incidentIds.filter((id) => g.model.byId.get(id)!.started >= windowStart).length > 55);
      assert.ok(svc, 'the project has a service with more than 55 incidents in a year');
      const target = g.model.byId.get(svc.incidentIds[55]!)!;
      assert.ok(svc.days.some((d) => d.incidents.includes(target.id)), 'the incident is in the uptime bar');
      const before = await keyed(dir);
      const file = path.join(dir, target.file);
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: (.*)$/m, 'title: $1 (renamed)'));
      const after = await keyed(dir);
      assert.notEqual(before.get(`services/${svc.id}/index.html`)!.bytes, after.get(`services/${svc.id}/index.html`)!.bytes, 'the bar shows the new title');
      assertKeysHold(before, after, 'a title in an uptime bar');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a day later', async () => {
    assertKeysHold(await keyed(base), await keyed(base, NOW + 86_400_000), 'a day later');
  });
});

async function readdirRecursive(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) found.push(...(await readdirRecursive(path.join(dir, e.name))));
    else found.push(path.join(dir, e.name));
  }
  return found;
}
