/**
 * The project's boundary (issue 11, items 3 and 4): one rule for every input path, `site.yaml`, `incidents/`,
 * `templates/`, `static/` and the build cache: nothing is read, watched, printed or published from outside the
 * project (or from its hidden folders), nothing written outside it; and `dev` answers only requests whose Host
 * names it, and cuts off clients that send their headers a byte at a time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { AllowedHosts } from '../src/dev/hosts.js';
import path from 'node:path';
import { startDev, DevServer } from '../src/dev/index.js';
import type { Io } from '../src/cli/main.js';
import { BIN, runCli } from './helpers/cli.js';
import { listFiles } from './helpers/serve.js';

const SITE = 'title: B\nbase_url: https://acme.example/status/\ntimezone: UTC\nservices:\n  - { id: api, name: API }\n';
const VALID = '---\ntitle: Fine\nsummary: s\nseverity: minor\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\nroot_cause: r\n---\nBody.\n';
/** Text that must never show up anywhere: it lives outside the project (or in its hidden folders). */
const SECRET = 'SECRET-BEYOND-THE-BOUNDARY-51c0';
const NOW = '1735689600';

interface Json {
  diagnostics: { file: string; severity: string; rule: string; message: string }[];
}

async function project(files: Record<string, string> = { 'incidents/2024-05-01-ok.md': VALID }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-edge-'));
  for (const [rel, text] of Object.entries({ 'site.yaml': SITE, ...files })) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/** A folder outside the project holding the secret as an incident, a template, an asset and a plain file. */
async function outsideFolder(): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'pm-beyond-'));
  await writeFile(path.join(out, '2024-05-02-secret.md'), VALID.replace('Body.', SECRET).replace('title: Fine', `title: ${SECRET}`));
  await writeFile(path.join(out, 'status.eta'), `<p>${SECRET}</p>`);
  await mkdir(path.join(out, 'assets'));
  await writeFile(path.join(out, 'assets', 'secret.txt'), SECRET);
  await writeFile(path.join(out, 'passwd'), `root:x:0:0:${SECRET}\n`);
  return out;
}

const found = (json: Json) => json.diagnostics.map((d) => `${d.file} ${d.rule}`);

/** Runs check (json and text) and build; asserts the secret appears nowhere; returns them. */
async function checkAndBuild(dir: string) {
  const json = await runCli(['check', dir, '--format', 'json']);
  const text = await runCli(['check', dir]);
  const build = await runCli(['build', dir]);
  for (const r of [json, text, build]) assert.ok(!(r.stdout + r.stderr).includes(SECRET), `the secret was printed:\n${r.stdout}${r.stderr}`);
  for (const f of await listFiles(path.join(dir, 'dist')).catch(() => [])) assert.ok(!(await readFile(path.join(dir, 'dist', f), 'utf8')).includes(SECRET), `dist/${f} holds the secret`);
  return { json, text, build, report: json.code !== 2 ? (JSON.parse(json.stdout) as Json) : null };
}

describe('one rule for every input path: links at the top of the project', () => {
  it('incidents/ as a link out of the project: refused, its files never read or published', async () => {
    const outside = await outsideFolder();
    const dir = await project({});
    try {
      await symlink(outside, path.join(dir, 'incidents'));
      const r = await checkAndBuild(dir);
      assert.equal(r.json.code, 1);
      assert.deepEqual(found(r.report!), ['incidents symlink-outside-root']);
      assert.match(r.report!.diagnostics[0]!.message, /^incidents\/ is a symbolic link, or is reached through one, that points outside the project/);
      assert.equal(r.build.code, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('site.yaml as a link to a file outside: not read, never shown in a code frame (exit 2)', async () => {
    const outside = await outsideFolder();
    const dir = await project();
    try {
      await rm(path.join(dir, 'site.yaml'));
      await symlink(path.join(outside, 'passwd'), path.join(dir, 'site.yaml'));
      const r = await checkAndBuild(dir);
      for (const x of [r.json, r.text, r.build]) {
        assert.equal(x.code, 2);
        assert.match(x.stderr, /site\.yaml in .* is a symbolic link, or is reached through one, that points outside the project; refusing to read it/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('templates/ as a link out: refused by check and build (its templates never run, its assets never published)', async () => {
    const outside = await outsideFolder();
    const dir = await project();
    try {
      await symlink(outside, path.join(dir, 'templates'));
      const r = await checkAndBuild(dir);
      assert.equal(r.json.code, 1);
      assert.deepEqual(found(r.report!), ['templates symlink-outside-root']);
      assert.equal(r.build.code, 1);
      await assert.rejects(readdir(path.join(dir, 'dist')));
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('static/ as a link out, or into .git: refused; a link that stays inside the project is followed', async () => {
    const outside = await outsideFolder();
    const dir = await project();
    try {
      await symlink(outside, path.join(dir, 'static'));
      const r = await checkAndBuild(dir);
      assert.deepEqual(found(r.report!), ['static symlink-outside-root']);
      assert.equal(r.build.code, 1);
      await rm(path.join(dir, 'static'));
      await mkdir(path.join(dir, '.git'));
      await writeFile(path.join(dir, '.git', 'config'), `[remote]\n\turl = ${SECRET}\n`);
      await symlink('.git', path.join(dir, 'static'));
      const hidden = await checkAndBuild(dir);
      assert.deepEqual(found(hidden.report!), ['static symlink-outside-root']);
      assert.match(hidden.report!.diagnostics[0]!.message, /hidden folder/);
      await rm(path.join(dir, 'static'));
      await mkdir(path.join(dir, 'public', 'img'), { recursive: true });
      await writeFile(path.join(dir, 'public', 'img', 'logo.svg'), '<svg/>');
      await writeFile(path.join(dir, 'CNAME.txt'), 'status.acme.example\n');
      await symlink('public', path.join(dir, 'static'));
      await symlink('../../CNAME.txt', path.join(dir, 'public', 'img', 'cname.txt'));
      const inside = await checkAndBuild(dir);
      assert.deepEqual(found(inside.report!), []);
      assert.equal(inside.build.code, 0, inside.build.stderr);
      assert.equal(await readFile(path.join(dir, 'dist', 'img', 'logo.svg'), 'utf8'), '<svg/>');
      assert.equal(await readFile(path.join(dir, 'dist', 'img', 'cname.txt'), 'utf8'), 'status.acme.example\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('a committed .cache link (to static/, or out of the project): the cache is not used, nothing is written through it', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'pm-beyond-'));
    const dir = await project({ 'incidents/2024-05-01-ok.md': VALID, 'incidents/2024-05-03-draft.md': VALID.replace('root_cause: r', `root_cause: r\ndraft: true`).replace('Body.', SECRET), 'static/CNAME': 'x\n' });
    try {
      await symlink('static', path.join(dir, '.cache'));
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /note: not using the build cache: \.cache\/postmortem is reached through a symbolic link or is not a folder/);
      assert.deepEqual(await readdir(path.join(dir, 'static')), ['CNAME'], 'nothing was written into static/');
      assert.deepEqual((await listFiles(path.join(dir, 'dist'))).filter((f) => !f.startsWith('pagefind/') && !f.endsWith('.html') && !f.endsWith('.json') && !f.endsWith('.svg') && !/\.(xml|ics|txt|css|js)$/.test(f)), ['CNAME']);
      await rm(path.join(dir, '.cache'));
      await mkdir(path.join(dir, '.cache'));
      await symlink(outside, path.join(dir, '.cache', 'postmortem'));
      assert.equal((await runCli(['build', dir])).code, 0);
      assert.deepEqual(await readdir(outside), [], 'nothing was written outside the project');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('a build cache committed to git is not trusted (a pull request could have forged its HTML)', async (t) => {
    try {
      execFileSync('git', ['--version'], { stdio: 'ignore' });
    } catch {
      return t.skip('git is not installed: this case needs it (apt-get install git)');
    }
    const dir = await project();
    try {
      assert.equal((await runCli(['build', dir])).code, 0);
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
      git('init', '-q');
      git('add', '-f', '.cache');
      git('commit', '-qm', 'a cache');
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /not using the build cache: files under \.cache\/ are committed to git/);
      assert.doesNotMatch(r.stdout, /reused/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('site.yaml as a FIFO, or over 1 MiB: exit 2 at once, never opened or read whole', async () => {
    const dir = await project();
    try {
      await rm(path.join(dir, 'site.yaml'));
      execFileSync('mkfifo', [path.join(dir, 'site.yaml')]);
      const fifo = await runCli(['check', dir]);
      assert.equal(fifo.code, 2);
      assert.match(fifo.stderr, /site\.yaml is not a regular file/);
      await rm(path.join(dir, 'site.yaml'));
      await writeFile(path.join(dir, 'site.yaml'), `${SITE}# ${'x'.repeat(1024 * 1024)}\n`);
      const big = await runCli(['check', dir]);
      assert.equal(big.code, 2);
      assert.match(big.stderr, /site\.yaml is \d+ bytes; it may be at most 1048576 bytes \(1 MiB\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('new: never writes through an incidents/ link out of the project', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'pm-beyond-'));
    const dir = await project({});
    try {
      await symlink(outside, path.join(dir, 'incidents'));
      const r = await runCli(['new', 'Database failover', '--root', dir, '--started', '2024-05-01T10:00:00Z']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /incidents\/ is a symbolic link, or is reached through one, that points outside the project; refusing to write there/);
      assert.deepEqual(await readdir(outside), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// dev

function quietIo(lines: string[] = []): Io {
  return { out: (s) => lines.push(s), err: (s) => lines.push(s), color: false, env: { SOURCE_DATE_EPOCH: NOW }, cwd: tmpdir() };
}

/** GET with a chosen Host header. */
function getWithHost(url: string, host: string | null): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = host === null ? {} : { host };
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'GET', headers, setHost: host !== null }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** How many paths this process watches with inotify (Linux), or null when that cannot be read. */
function inotifyWatches(): number | null {
  try {
    let n = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      let target = '';
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === 'anon_inode:inotify') n += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    }
    return n;
  } catch {
    return null;
  }
}

describe('dev obeys the same boundary', () => {
  it('static/ as a link to /: /status/etc/passwd is not served, and the server stays up', async () => {
    const dir = await project();
    const lines: string[] = [];
    try {
      await mkdir(path.join(dir, 'static'));
      await writeFile(path.join(dir, 'static', 'CNAME'), 'x\n');
      const session = await startDev({ root: dir, port: 0, host: '127.0.0.1', io: quietIo(lines), now: () => Number(NOW) * 1000 });
      try {
        assert.equal((await getWithHost(`${session.url}CNAME`, 'localhost')).status, 200);
        // static/ becomes a link to / while dev runs: the last good site is still served, never a file out there.
        await rm(path.join(dir, 'static'), { recursive: true });
        await symlink('/', path.join(dir, 'static'));
        await session.poke({ static: true });
        const passwd = await getWithHost(`${session.url}etc/passwd`, 'localhost');
        assert.equal(passwd.status, 404);
        assert.doesNotMatch(passwd.text, /root:x:0:0/);
        assert.equal((await getWithHost(`${session.url}CNAME`, 'localhost')).status, 404);
        assert.match(lines.join(''), /static:1:1 error static\/ is a symbolic link/);
        assert.equal((await getWithHost(session.url, 'localhost')).status, 200, 'still serving the last good site');
      } finally {
        await session.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the watcher never walks a link out of the project (no folder out there is watched, no change seen)', async (t) => {
    if (inotifyWatches() === null) return t.skip('needs Linux /proc/self/fdinfo to count the folders watched');
    const outside = await outsideFolder();
    for (let i = 0; i < 60; i++) await mkdir(path.join(outside, `folder-${i}`));
    const dir = await project();
    const lines: string[] = [];
    try {
      await symlink(outside, path.join(dir, 'incidents', 'ext'));
      await symlink(outside, path.join(dir, 'static'));
      const before = inotifyWatches()!;
      const session = await startDev({ root: dir, port: 0, host: '127.0.0.1', io: quietIo(lines), now: () => Number(NOW) * 1000 });
      try {
        const watches = inotifyWatches()! - before;
        assert.ok(watches < 30, `${watches} paths watched: the 60 folders out of the project were walked`);
        const rebuilt: number[] = [];
        session.onRebuilt((i) => rebuilt.push(i.ms));
        await writeFile(path.join(outside, '2024-05-04-more.md'), VALID);
        await mkdir(path.join(outside, 'sub'));
        await writeFile(path.join(outside, 'sub', '2024-05-05-deeper.md'), VALID);
        await new Promise((r) => setTimeout(r, 1500));
        assert.deepEqual(rebuilt, [], `a change outside the project was seen:\n${lines.join('')}`);
        // A change inside still is.
        await writeFile(path.join(dir, 'incidents', '2024-05-06-new.md'), VALID);
        const deadline = Date.now() + 10_000;
        while (rebuilt.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.ok(rebuilt.length > 0, 'a change inside the project is seen');
        assert.ok(!lines.join('').includes(SECRET));
      } finally {
        await session.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('dev answers only requests for its own names', () => {
  it('another Host is refused (DNS rebinding); localhost names, loopback addresses and --allowed-host names are served', async () => {
    const dir = await project();
    const lines: string[] = [];
    try {
      const session = await startDev({ root: dir, port: 0, host: '127.0.0.1', io: quietIo(lines), now: () => Number(NOW) * 1000, allowedHosts: ['status.test', '.preview.example'] });
      try {
        const port = session.port;
        for (const host of ['attacker.example', `attacker.example:${port}`, 'localhost.attacker.example', '127.0.0.1.nip.io', 'evil.test', 'status.test.evil', '[::2]', 'a b']) {
          const r = await getWithHost(session.url, host);
          assert.equal(r.status, 403, `Host: ${host}`);
          assert.doesNotMatch(r.text, /Fine/);
        }
        for (const host of ['localhost', `localhost:${port}`, 'LOCALHOST.', `127.0.0.1:${port}`, '127.1.2.3', `[::1]:${port}`, 'app.localhost', 'status.test', `status.test:${port}`, 'pr-1.preview.example', 'preview.example']) {
          assert.equal((await getWithHost(session.url, host)).status, 200, `Host: ${host}`);
        }
        assert.equal((await getWithHost(session.url.replace('/status/', '/status/__postmortem/events'), 'attacker.example')).status, 403, 'the event stream too');
        assert.match(lines.join(''), /refused a request for the host "attacker\.example", which is not a name of this server.*--allowed-host attacker\.example/);
      } finally {
        await session.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bound to every interface, the machine’s own addresses and name are its names too', () => {
    const own = Object.values(networkInterfaces()).flatMap((l) => l ?? []).map((a) => a.address).filter((a) => !a.startsWith('127.') && a !== '::1');
    const everywhere = new AllowedHosts('0.0.0.0');
    const loopback = new AllowedHosts('127.0.0.1');
    for (const a of own) {
      const host = a.includes(':') ? `[${a}]:4000` : `${a}:4000`;
      assert.ok(everywhere.allows(host), host);
      assert.ok(!loopback.allows(host), `${host} is not a name of a server on 127.0.0.1`);
    }
    assert.ok(everywhere.allows(`${hostname()}:4000`));
    assert.ok(!everywhere.allows('attacker.example'));
    assert.ok(new AllowedHosts('192.0.2.7').allows('192.0.2.7:4000'), 'the address listened on');
  });

  it('--allowed-host on the command line', async () => {
    const dir = await project();
    const child = spawn(process.execPath, [BIN, 'dev', dir, '--port', '0', '--allowed-host', 'docs.test,status.test'], { env: { ...process.env, SOURCE_DATE_EPOCH: NOW, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      const deadline = Date.now() + 20_000;
      while (!/Serving (http:\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /Serving (http:\S+)/.exec(out)![1]!;
      assert.equal((await getWithHost(url, 'status.test')).status, 200);
      assert.equal((await getWithHost(url, 'other.test')).status, 403);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a client that sends its headers a byte at a time, or nothing, is cut off (slow loris)', async () => {
    const server = new DevServer({ root: tmpdir(), log: () => undefined, headersTimeoutMs: 1000 });
    try {
      const { port } = await server.listen('127.0.0.1', 0);
      const started = Date.now();
      const closedAfter = (trickle: boolean) =>
        new Promise<number>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            if (!trickle) return;
            socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
            const timer = setInterval(() => socket.writable && socket.write('X'), 100);
            socket.on('close', () => clearInterval(timer));
          });
          socket.on('error', () => undefined);
          socket.resume(); // read what the server sends (its 408), and its end
          socket.on('close', () => resolve(Date.now() - started));
        });
      const times = await Promise.all([...Array.from({ length: 20 }, () => closedAfter(true)), ...Array.from({ length: 20 }, () => closedAfter(false))]);
      assert.ok(Math.max(...times) < 5000, `connections stayed open ${Math.max(...times)} ms (headers timeout 1 s)`);
    } finally {
      await server.close();
    }
  });
});
