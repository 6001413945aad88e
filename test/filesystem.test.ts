/**
 * The file system as it can be: links that loop or lead out of the project, files that cannot be read, special
 * files, a folder named like a file, a file past the size limit, several builds into one folder at once. Every
 * case ends in clear diagnostics (through `loadProject` and the CLI), never an infinite walk, never a read outside
 * the project, never a half-written site.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProject } from '../src/project/index.js';
import { MAX_FILE_BYTES } from '../src/source/index.js';
import { listFiles, NOW_SECONDS, REPO, runCli } from './helpers/browser.js';

const NOW = NOW_SECONDS * 1000;
const SITE = 'title: FS\ntimezone: UTC\nservices:\n  - { id: api, name: API }\n';
const VALID = '---\ntitle: Fine\nsummary: s\nseverity: minor\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\nroot_cause: r\n---\nBody.\n';
/** Text that must never show up anywhere: it lives outside the project. */
const SECRET = 'TOP-SECRET-OUTSIDE-THE-PROJECT-7f3a9c';
const AS_ROOT = process.getuid?.() === 0;

interface Json {
  diagnostics: { file: string; line: number; column: number; severity: string; rule: string; message: string }[];
}

async function project(files: Record<string, string> = { 'ok.md': VALID }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-fs-'));
  await writeFile(path.join(dir, 'site.yaml'), SITE);
  await mkdir(path.join(dir, 'incidents'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, 'incidents', name)), { recursive: true });
    await writeFile(path.join(dir, 'incidents', name), content);
  }
  return dir;
}

async function check(dir: string): Promise<{ code: number; json: Json; stdout: string; stderr: string }> {
  const r = await runCli(['check', dir, '--format', 'json']);
  return { ...r, json: JSON.parse(r.stdout) as Json };
}

const found = (json: Json) => json.diagnostics.map((d) => `${d.file} ${d.severity} ${d.rule}`);

describe('links inside incidents/', () => {
  test('a folder linked back into the tree: one symlink-loop warning, the walk ends, every file found once', async () => {
    const dir = await project({ 'a/one.md': VALID });
    try {
      await symlink('.', path.join(dir, 'incidents', 'self'));
      await symlink('..', path.join(dir, 'incidents', 'a', 'parent'));
      const { code, json } = await check(dir);
      assert.equal(code, 0, 'warnings only');
      assert.deepEqual(found(json), ['incidents/a/parent warning symlink-loop', 'incidents/self warning symlink-loop']);
      const p = await loadProject(dir, { now: NOW });
      assert.deepEqual(p.incidents.map((i) => i.id), ['one']);
      assert.equal(p.fileCount, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('file links that loop or point to nothing: file-unreadable, no hang', async () => {
    const dir = await project();
    try {
      await symlink('y.md', path.join(dir, 'incidents', 'x.md'));
      await symlink('x.md', path.join(dir, 'incidents', 'y.md'));
      await symlink('does-not-exist.md', path.join(dir, 'incidents', 'gone.md'));
      const { code, json } = await check(dir);
      assert.equal(code, 1);
      assert.deepEqual(found(json), ['incidents/gone.md error file-unreadable', 'incidents/x.md error file-unreadable', 'incidents/y.md error file-unreadable']);
      assert.match(json.diagnostics[0]!.message, /points to nothing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('links to a file and to a folder outside the project: refused, never read, never shown', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'pm-outside-'));
    const dir = await project();
    try {
      await writeFile(path.join(outside, 'secret.md'), VALID.replace('Body.', SECRET).replace('title: Fine', `title: ${SECRET}`));
      await mkdir(path.join(outside, 'folder'));
      await writeFile(path.join(outside, 'folder', 'inner.md'), VALID.replace('Body.', SECRET));
      // A FIFO: whoever opens it for reading blocks forever, so a read would hang the run.
      execFileSync('mkfifo', [path.join(outside, 'trap.md')]);
      await symlink(path.join(outside, 'secret.md'), path.join(dir, 'incidents', 'linked.md'));
      await symlink(path.join(outside, 'folder'), path.join(dir, 'incidents', 'linked-folder'));
      await symlink(path.join(outside, 'trap.md'), path.join(dir, 'incidents', 'trap.md'));
      await symlink('../../../../../../../../../../../..' + path.join(outside, 'secret.md'), path.join(dir, 'incidents', 'relative.md'));
      const { code, json, stdout, stderr } = await check(dir);
      assert.equal(code, 1);
      assert.deepEqual(found(json), [
        'incidents/linked-folder error symlink-outside-root',
        'incidents/linked.md error symlink-outside-root',
        'incidents/relative.md error symlink-outside-root',
        'incidents/trap.md error symlink-outside-root',
      ]);
      const text = await runCli(['check', dir]);
      const build = await runCli(['build', dir]);
      assert.equal(build.code, 1);
      for (const out of [stdout, stderr, text.stdout, text.stderr, build.stdout, build.stderr]) assert.ok(!out.includes(SECRET), 'the outside content never appears');
      const p = await loadProject(dir, { now: NOW, html: true });
      assert.deepEqual(p.incidents.map((i) => i.id), ['ok'], 'only files inside the project are read');
      assert.ok(![...p.sources.values()].some((t) => t.includes(SECRET)), 'the outside content is never read');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  test('a link out of the project in static/ is refused by check and build alike, and never leaks', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'pm-outside-'));
    const dir = await project();
    try {
      await writeFile(path.join(outside, 'secret.md'), VALID.replace('Body.', SECRET));
      await mkdir(path.join(dir, 'static'));
      await symlink(path.join(outside, 'secret.md'), path.join(dir, 'static', 'leak.txt'));
      const { code, json } = await check(dir);
      assert.equal(code, 1);
      assert.deepEqual(found(json), ['static/leak.txt error symlink-outside-root']);
      const build = await runCli(['build', dir]);
      assert.equal(build.code, 1, build.stderr);
      assert.match(build.stderr, /static\/leak\.txt:1:1 error the symbolic link points outside the project/);
      assert.ok(!build.stderr.includes(SECRET));
      await assert.rejects(readdir(path.join(dir, 'dist')), 'nothing was written');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('files that cannot be read', () => {
  test('a file without read permission: file-unreadable, "permission denied" (as an unprivileged user)', async () => {
    const dir = await project({ 'ok.md': VALID, 'locked.md': VALID });
    try {
      await chmod(path.join(dir, 'incidents', 'locked.md'), 0o000);
      let r: { code: number; stdout: string };
      if (AS_ROOT) {
        // Root reads anything: run the CLI as `nobody`, for whom the file is really unreadable.
        await chmod(dir, 0o755);
        r = await new Promise((resolve) => {
          execFile(process.execPath, [path.join(REPO, 'bin', 'postmortem.js'), 'check', dir, '--format', 'json'], { cwd: '/', uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', SOURCE_DATE_EPOCH: String(NOW_SECONDS) } }, (err, stdout) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout) }),
          );
        });
      } else {
        r = await runCli(['check', dir, '--format', 'json']);
      }
      assert.equal(r.code, 1, r.stdout);
      const json = JSON.parse(r.stdout) as Json;
      assert.deepEqual(found(json), ['incidents/locked.md error file-unreadable']);
      assert.match(json.diagnostics[0]!.message, /permission denied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a folder without permission: file-unreadable for the folder, the rest is read (as an unprivileged user)', async () => {
    const dir = await project({ 'ok.md': VALID, 'closed/inner.md': VALID });
    try {
      await chmod(path.join(dir, 'incidents', 'closed'), 0o000);
      await chmod(dir, 0o755);
      const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [path.join(REPO, 'bin', 'postmortem.js'), 'check', dir, '--format', 'json'], { cwd: '/', ...(AS_ROOT ? { uid: 65534, gid: 65534 } : {}), env: { PATH: process.env.PATH ?? '', SOURCE_DATE_EPOCH: String(NOW_SECONDS) } }, (err, stdout) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout) }),
        );
      });
      const json = JSON.parse(r.stdout) as Json;
      assert.deepEqual(found(json), ['incidents/closed error file-unreadable']);
    } finally {
      await chmod(path.join(dir, 'incidents', 'closed'), 0o755);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a FIFO named like an incident: reported, never opened (opening it would block)', async () => {
    const dir = await project();
    try {
      execFileSync('mkfifo', [path.join(dir, 'incidents', 'pipe.md')]);
      const started = Date.now();
      const { code, json } = await check(dir);
      assert.ok(Date.now() - started < 20_000);
      assert.equal(code, 1);
      assert.deepEqual(found(json), ['incidents/pipe.md error file-unreadable']);
      assert.match(json.diagnostics[0]!.message, /not a regular file|special file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a folder named like a file (incidents/x.md/) is a folder: its incidents are read, nothing else is said', async () => {
    const dir = await project({ 'ok.md': VALID, 'x.md/inner.md': VALID });
    try {
      await mkdir(path.join(dir, 'incidents', 'empty.md'));
      const { code, json } = await check(dir);
      assert.equal(code, 0);
      assert.deepEqual(found(json), []);
      const p = await loadProject(dir, { now: NOW });
      assert.deepEqual(p.incidents.map((i) => i.id).sort(), ['inner', 'ok']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the file size limit', () => {
  test(`a file of exactly ${MAX_FILE_BYTES} bytes is read; one byte more is one file-too-large error`, async () => {
    const dir = await project();
    try {
      const pad = (n: number) => VALID + 'x'.repeat(n - Buffer.byteLength(VALID) - 1) + '\n';
      await writeFile(path.join(dir, 'incidents', 'limit.md'), pad(MAX_FILE_BYTES));
      await writeFile(path.join(dir, 'incidents', 'over.md'), pad(MAX_FILE_BYTES + 1));
      const { code, json } = await check(dir);
      assert.equal(code, 1);
      assert.deepEqual(found(json), ['incidents/over.md error file-too-large']);
      assert.match(json.diagnostics[0]!.message, /1048577 bytes; incident files may be at most 1048576 bytes \(1 MiB\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a 64 GiB (sparse) file is refused from its size alone, at once, without reading it', async () => {
    const dir = await project();
    try {
      const huge = path.join(dir, 'incidents', 'huge.md');
      await (await open(huge, 'w')).close();
      await truncate(huge, 64 * 1024 ** 3);
      const started = Date.now();
      const { code, json } = await check(dir);
      assert.ok(Date.now() - started < 10_000, 'reading 64 GiB would take minutes or run out of memory');
      assert.equal(code, 1);
      assert.deepEqual(found(json), ['incidents/huge.md error file-too-large']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('builds at once into one folder', () => {
  test('four builds, and a reader polling index.html meanwhile: never a partial file, one complete site at the end', async (t) => {
    const out = await mkdtemp(path.join(tmpdir(), 'pm-race-'));
    const reference = await mkdtemp(path.join(tmpdir(), 'pm-race-ref-'));
    try {
      assert.equal((await runCli(['build', '--out', reference])).code, 0);
      const expected = await readFile(path.join(reference, 'index.html'), 'utf8');
      assert.equal((await runCli(['build', '--out', out])).code, 0);
      let reading = true;
      let reads = 0;
      let missing = 0;
      const partial: string[] = [];
      const reader = (async () => {
        while (reading) {
          try {
            const html = await readFile(path.join(out, 'index.html'), 'utf8');
            reads++;
            if (html !== expected) partial.push(`${html.length} bytes`);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') missing++;
            else throw e;
          }
        }
      })();
      const builds = await Promise.all([1, 2, 3, 4].map(() => runCli(['build', '--out', out])));
      reading = false;
      await reader;
      for (const b of builds) assert.equal(b.code, 0, b.stderr);
      assert.deepEqual(partial, [], 'a reader never sees a partial or different index.html');
      assert.ok(reads > 0);
      // The swap renames the old folder away, then the new one in: between the two renames the folder is
      // briefly absent (see README, Guarantees). Reported, not failed.
      t.diagnostic(`a reader found no index.html ${missing} times out of ${reads + missing} reads during 4 concurrent swaps`);
      const a = await listFiles(out);
      assert.deepEqual(a, await listFiles(reference));
      for (const f of a) assert.ok((await readFile(path.join(out, f))).equals(await readFile(path.join(reference, f))), `${f} differs`);
      const leftovers = (await readdir(path.dirname(out))).filter((n) => n.startsWith(`.${path.basename(out)}.`));
      assert.deepEqual(leftovers, [], 'no staging folder or lock is left behind');
    } finally {
      await rm(out, { recursive: true, force: true });
      await rm(reference, { recursive: true, force: true });
    }
  });
});
