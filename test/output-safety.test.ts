/**
 * Writing the output (issue 11, items 5–8): `--out` can never destroy the project or a folder that is not a
 * previous output; what the machine refuses (no space, no permission, not a folder, SOURCE_DATE_EPOCH out of
 * range) and what a template throws are clear messages, never a stack trace; static files that clash with the
 * site are diagnostics of check and build; builds into one folder take turns through a lease that survives
 * `kill -9`, and the leftovers of dead builds are removed, never a live build's folder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, runCli } from './helpers/cli.js';
import { listFiles } from './helpers/serve.js';
import { BENCH_SOURCE_DATE_EPOCH, generateProject } from '../bench/generate.js';

const SITE = 'title: Out\ntimezone: UTC\nservices:\n  - { id: api, name: API }\n';
const VALID = '---\ntitle: Fine\nsummary: s\nseverity: minor\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\nroot_cause: r\n---\nBody.\n';

async function project(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-out-'));
  for (const [rel, text] of Object.entries({ 'site.yaml': SITE, 'incidents/2024-05-01-ok.md': VALID, ...files })) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/** Every path and its bytes under a folder (to show it untouched). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await listFiles(dir)) out.set(f, (await readFile(path.join(dir, f))).toString('base64'));
  return out;
}

const noTrace = (s: string) => assert.doesNotMatch(s, /internal error|\n\s+at \S+ \(/, s);

describe('--out never destroys the project or a folder that is not an output', () => {
  it('the project, its parent, an input, a hidden folder: refused with exit 2, nothing touched', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'pm-parent-'));
    const dir = path.join(parent, 'project');
    await mkdir(dir);
    await writeFile(path.join(parent, 'sibling.txt'), 'keep me\n');
    for (const [rel, text] of Object.entries({ 'site.yaml': SITE, 'incidents/2024-05-01-ok.md': VALID, 'static/CNAME': 'x\n', 'templates/partials/.keep': '', '.git/HEAD': 'ref\n' })) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    try {
      const before = await snapshot(parent);
      const cases: [string, RegExp][] = [
        ['..', /contains the project/],
        ['.', /contains the project/],
        ['site.yaml', /is the project's input site\.yaml/],
        ['incidents', /is the project's input incidents/],
        ['static/sub', /is inside the project's input static/],
        ['templates', /is the project's input templates/],
        ['.git', /inside a hidden folder of the project/],
        ['.cache/site', /inside a hidden folder of the project/],
      ];
      for (const [outArg, message] of cases) {
        const r = await runCli(['build', '--out', outArg], { cwd: dir });
        assert.equal(r.code, 2, `--out ${outArg}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message, `--out ${outArg}`);
        noTrace(r.stderr);
      }
      assert.deepEqual(await snapshot(parent), before, 'nothing was touched');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('an existing folder that is not an output, a file, or a link: refused; nothing deleted', async () => {
    const dir = await project();
    const other = await mkdtemp(path.join(tmpdir(), 'pm-other-'));
    try {
      await writeFile(path.join(other, 'thesis.tex'), 'precious\n');
      await writeFile(path.join(dir, 'notes.txt'), 'a file\n');
      await symlink(other, path.join(dir, 'linked'));
      for (const [outArg, message] of [
        [other, /is a folder that is not an output of postmortem \(it holds thesis\.tex\)/],
        [path.join(dir, 'notes.txt'), /is a file, not a folder/],
        [path.join(dir, 'linked'), /is a symbolic link/],
      ] as const) {
        const r = await runCli(['build', dir, '--out', outArg]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
      }
      assert.equal(await readFile(path.join(other, 'thesis.tex'), 'utf8'), 'precious\n');
      assert.equal(await readFile(path.join(dir, 'notes.txt'), 'utf8'), 'a file\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });

  it('an empty folder, a previous output (with or without the cache, by another version), and a new path are fine', async () => {
    const dir = await project();
    try {
      const empty = path.join(dir, 'empty');
      await mkdir(empty);
      assert.equal((await runCli(['build', dir, '--out', empty])).code, 0);
      assert.equal((await runCli(['build', dir, '--out', empty, '--no-cache'])).code, 0, 'a previous output, known by its files');
      assert.equal((await runCli(['build', dir, '--out', path.join(dir, 'new', 'deep')])).code, 0, 'missing parents are made');
      // Built with the cache, then a file removed by hand and the record made by another version: still known.
      assert.equal((await runCli(['build', dir])).code, 0);
      await rm(path.join(dir, 'dist', 'robots.txt'));
      const cache = path.join(dir, '.cache', 'postmortem');
      for (const f of (await readdir(cache)).filter((n) => /^output-.*\.json$/.test(n))) {
        const p = path.join(cache, f);
        await writeFile(p, (await readFile(p, 'utf8')).replace(/"tool":"[^"]*"/, '"tool":"postmortem 0.0.1"'));
      }
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((await readdir(path.join(dir, 'dist'))).includes('robots.txt'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--base-url with a path a browser reads as another host: exit 2', async () => {
    const dir = await project();
    try {
      const r = await runCli(['build', dir, '--base-url', 'https://status.example.com//evil.example/']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--base-url must have a path of plain folders/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('clear messages, never a stack trace', () => {
  it('static files that clash with the site, or cannot be published: diagnostics of check and build', async () => {
    const dir = await project({ 'static/history': 'a file where the site has a folder\n', 'static/feed.xml/inner.txt': 'a folder where the site has a file\n', 'static/a\\b.txt': 'a backslash\n', 'static/ok.txt': 'fine\n' });
    try {
      const check = await runCli(['check', dir, '--format', 'json']);
      assert.equal(check.code, 1, check.stderr);
      const found = (JSON.parse(check.stdout) as { diagnostics: { file: string; rule: string }[] }).diagnostics.map((d) => `${d.file} ${d.rule}`);
      assert.deepEqual(found, ['static/a\\b.txt invalid-static-path', 'static/feed.xml/inner.txt static-conflict', 'static/history static-conflict']);
      const build = await runCli(['build', dir]);
      assert.equal(build.code, 1);
      assert.match(build.stderr, /static\/history:1:1 error the site has a folder history\/ \(its pages are written there\), so static\/ cannot hold a file of that name \[static-conflict\]/);
      noTrace(build.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--out that the machine refuses (EPERM, ENOTDIR, /proc), and SOURCE_DATE_EPOCH out of range: exit 2 at once', async () => {
    const dir = await project();
    try {
      for (const [outArg, message] of [
        ['/sys/postmortem-site', /cannot write the site to \/sys\/postmortem-site: (the operation is not permitted there \(EPERM\)|permission denied \(EACCES\)|the file system is read-only \(EROFS\))/],
        ['/dev/null/site', /cannot write the site to \/dev\/null\/site: a part of the path is not a folder \(ENOTDIR\)/],
        ['/proc/site', /cannot write the site to \/proc\/site: /],
      ] as const) {
        const started = Date.now();
        const r = await runCli(['build', dir, '--out', outArg]);
        assert.ok(Date.now() - started < 20_000, `--out ${outArg} took ${Date.now() - started} ms`);
        assert.equal(r.code, 2, `--out ${outArg}: ${r.stderr}`);
        assert.match(r.stderr, message);
        noTrace(r.stderr);
      }
      for (const value of ['8640000000001', '253402300800', '99999999999999999999']) {
        const r = await runCli(['build', dir], { env: { SOURCE_DATE_EPOCH: value } });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, at most 253402300799/);
      }
      assert.equal((await runCli(['check', dir], { env: { SOURCE_DATE_EPOCH: '253402300799' } })).code, 0, 'the last second of 9999 is fine');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a full disk (ENOSPC): exit 2, a clear message, the previous output untouched', async (t) => {
    try {
      execFileSync('unshare', ['-Urm', 'true'], { stdio: 'ignore' });
    } catch {
      return t.skip('needs `unshare -Urm` (user and mount namespaces) to mount a tiny tmpfs');
    }
    const dir = await project();
    try {
      const big = Array.from({ length: 30 }, (_, i) => [`incidents/2024-05-${String(i + 1).padStart(2, '0')}-big.md`, VALID.replace('Body.', 'Lorem ipsum dolor sit amet. '.repeat(800))]);
      const script = `set -e
mkdir -p "$1/mnt" && mount -t tmpfs -o size=2000k tmpfs "$1/mnt"
node "$2" build "$1" --out "$1/mnt/site" --no-cache >/dev/null
cp -r "$1/mnt/site" "$1/before"
${big.map(([f]) => `cp "$1/big.md" "$1/${f}"`).join('\n')}
set +e
node "$2" build "$1" --out "$1/mnt/site" --no-cache 2>"$1/stderr"; echo $? > "$1/code"
diff -r "$1/before" "$1/mnt/site" > "$1/diff"; echo $? > "$1/same"
ls -a "$1/mnt" > "$1/left"
umount "$1/mnt"`;
      await writeFile(path.join(dir, 'big.md'), big[0]![1]!);
      await writeFile(path.join(dir, 'full.sh'), script);
      await new Promise<void>((resolve, reject) => execFile('unshare', ['-Urm', 'sh', path.join(dir, 'full.sh'), dir, BIN], { env: { ...process.env, SOURCE_DATE_EPOCH: '1735689600' } }, (e) => (e ? reject(e) : resolve())));
      const stderr = await readFile(path.join(dir, 'stderr'), 'utf8');
      assert.equal((await readFile(path.join(dir, 'code'), 'utf8')).trim(), '2', stderr);
      assert.match(stderr, /Build failed: cannot write the site to .*mnt\/site: no space left on the device \(ENOSPC\)/);
      noTrace(stderr);
      assert.equal((await readFile(path.join(dir, 'same'), 'utf8')).trim(), '0', await readFile(path.join(dir, 'diff'), 'utf8'));
      assert.deepEqual((await readFile(path.join(dir, 'left'), 'utf8')).trim().split('\n'), ['.', '..', 'site'], 'no staging folder or lock left');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a template that throws while a page is rendered: exit 1, the page named, the previous output untouched', async () => {
    const dir = await project();
    try {
      assert.equal((await runCli(['build', dir])).code, 0);
      const before = await snapshot(path.join(dir, 'dist'));
      await mkdir(path.join(dir, 'templates', 'partials'), { recursive: true });
      await writeFile(path.join(dir, 'templates', 'partials', 'footer.eta'), '<footer><%= it.page.nothing.here %></footer>\n');
      assert.equal((await runCli(['check', dir])).code, 0, 'it compiles: only rendering finds it');
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /Build failed: could not render \S+\.html with template "\S+": Cannot read properties of undefined/);
      assert.match(r.stderr, /a template of templates\/ threw while rendering it/);
      noTrace(r.stderr);
      assert.deepEqual(await snapshot(path.join(dir, 'dist')), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

const old = new Date(Date.now() - 120_000);

describe('builds take turns; leftovers of dead builds are removed, never a live build’s folder', () => {
  it('a stale lock and old staging folders (a build killed long ago) are cleaned up; a fresh one is left alone', async () => {
    const dir = await project();
    try {
      const lock = path.join(dir, '.dist.lock');
      const dead = path.join(dir, '.dist.tmp-4242-deadbeef');
      const deadOld = path.join(dir, '.dist.tmp-4242-deadbeef-old');
      const live = path.join(dir, '.dist.tmp-777-cafe');
      for (const d of [lock, dead, deadOld, live]) await mkdir(d);
      await writeFile(path.join(dead, 'index.html'), 'half a site');
      for (const d of [lock, dead, deadOld]) await utimes(d, old, old);
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      const left = (await readdir(dir)).filter((n) => n.startsWith('.dist.')).sort();
      assert.deepEqual(left, ['.dist.tmp-777-cafe'], 'the dead build’s folders and lock are gone; the live one is kept');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a live lock (renewed by its holder) is waited for, then the build goes on', async () => {
    const dir = await project();
    try {
      const lock = path.join(dir, '.dist.lock');
      await mkdir(lock);
      await writeFile(path.join(lock, 'owner'), 'the test\n');
      const renew = setInterval(() => void utimes(lock, new Date(), new Date()).catch(() => undefined), 200);
      const started = Date.now();
      const building = runCli(['build', dir]);
      await new Promise((r) => setTimeout(r, 2500));
      clearInterval(renew);
      await rm(lock, { recursive: true, force: true });
      const r = await building;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Another build is writing \S*dist; waiting for it to finish/);
      assert.ok(Date.now() - started >= 2500);
      assert.ok((await stat(path.join(dir, 'dist', 'index.html'))).isFile());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kill -9 in the middle of writing: the next build (once the lease is stale) leaves one complete site and no leftovers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pm-kill-'));
    try {
      await generateProject(dir, { incidents: 150, seed: 11 });
      const env = { ...process.env, SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) };
      // Killed while its staging folder exists (polled), so that it leaves one behind, with its lock.
      const child = spawn(process.execPath, [BIN, 'build', dir, '--no-cache'], { env, stdio: 'ignore' });
      let killedWhileWriting = false;
      while (child.exitCode === null) {
        if ((await readdir(dir)).some((n) => n.startsWith('.dist.tmp-'))) {
          child.kill('SIGKILL');
          killedWhileWriting = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      assert.ok(killedWhileWriting, 'the build ended before it could be killed while writing');
      const leftovers = (await readdir(dir)).filter((n) => n.startsWith('.dist.'));
      assert.ok(leftovers.some((n) => n.startsWith('.dist.tmp-')), `leftovers: ${leftovers.join(', ')}`);
      // Time passes: the dead build's lease and folders are older than STALE_MS.
      for (const n of leftovers) await utimes(path.join(dir, n), old, old);
      const r = await runCli(['build', dir, '--no-cache'], { env: { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) } });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.dist.')), [], 'no staging folder, old output or lock left');
      const reference = await mkdtemp(path.join(tmpdir(), 'pm-kill-ref-'));
      try {
        assert.equal((await runCli(['build', dir, '--no-cache', '--out', reference], { env: { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) } })).code, 0);
        assert.deepEqual(await listFiles(path.join(dir, 'dist')), await listFiles(reference));
      } finally {
        await rm(reference, { recursive: true, force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
