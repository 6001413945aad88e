/**
 * The package as a new user meets it: `npm pack`, then, in an empty folder, the README's "Start your own status
 * site" block as written (the package installed from the tarball), and a session that checks, builds, backfills
 * an incident and judges a branch with `check --changed-since`.
 *
 * Offline: the packages come from the npm cache that `npm ci` filled. npm cannot resolve the package's version
 * ranges offline (that needs registry metadata `npm ci` never fetches), so each folder starts with a lockfile
 * made from this repository's (the dependency tree the package gets, same versions); the install itself is the
 * README's `npm install --save-dev`, with the tarball for the name. A package missing from the cache is said.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXED_NOW_SECONDS, REPO_ROOT } from './helpers/cli.js';

interface Manifest {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  files: string[];
  scripts?: Record<string, string>;
  dependencies: Record<string, string>;
}

const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** The environment of a user's shell: no variables npm sets for `npm test`, git without the machine's config. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^NODE_TEST_CONTEXT$|^INIT_CWD$/i.test(k)) env[k] = v;
  return {
    ...env,
    SOURCE_DATE_EPOCH: String(FIXED_NOW_SECONDS),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'init.defaultBranch',
    GIT_CONFIG_VALUE_0: 'main',
    GIT_CONFIG_KEY_1: 'advice.detachedHead',
    GIT_CONFIG_VALUE_1: 'false',
    GIT_AUTHOR_NAME: 'Sam',
    GIT_AUTHOR_EMAIL: 'sam@example.com',
    GIT_COMMITTER_NAME: 'Sam',
    GIT_COMMITTER_EMAIL: 'sam@example.com',
    NO_COLOR: '1',
  };
}

function sh(script: string, cwd: string, timeout = 180_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { cwd, env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * A lockfile for a new project, made from this repository's: every package the published package depends on, at
 * the versions `npm ci` installed (and cached). Written with a package.json such as `npm install` would create.
 */
async function seedLockfile(dir: string): Promise<void> {
  const name = path.basename(dir);
  await writeFile(path.join(dir, 'package-lock.json'), `${JSON.stringify(await lockFor(name), null, 2)}\n`);
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0' }, null, 2)}\n`);
}

/** Why an offline install failed, plainly: usually a package the cache does not hold. */
function explainInstall(r: { code: number; stdout: string; stderr: string }): string {
  if (/ENOTCACHED/.test(r.stderr)) {
    const missing = /request to (\S+) failed/.exec(r.stderr)?.[1] ?? 'a package';
    return `installing the packed package offline needs its dependencies in the npm cache, and ${missing} is not there: run \`npm ci\` in the repository (it fills the cache), then this test again.\n${r.stderr}`;
  }
  return `npm install failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`;
}

describe('the package', () => {
  let work: string;
  let tarball: string;
  let packed: string[];
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'postmortem-package-'));
    const r = await sh(`npm pack --json --pack-destination ${JSON.stringify(work)}`, REPO_ROOT);
    assert.equal(r.code, 0, `npm pack failed: ${r.stderr}`);
    const info = (JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[])[0]!;
    tarball = path.join(work, info.filename);
    packed = info.files.map((f) => f.path).sort();
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the compiled code, templates, docs, schemas and the Action; no sources, tests or build info', () => {
    assert.equal(path.basename(tarball), `${manifest.name}-${manifest.version}.tgz`);
    for (const f of [
      'package.json', 'README.md', 'action.yml', 'bin/postmortem.js', 'build/src/cli/main.js', 'build/src/process/worker.js',
      'templates/incident.md', 'templates/maintenance.md', 'templates/layout.eta', 'templates/assets/style.css',
      'docs/incident-format.md', 'docs/templates.md', 'schema/incident.schema.json', 'schema/site.schema.json',
    ]) {
      assert.ok(packed.includes(f), `the package holds ${f}`);
    }
    for (const f of packed) assert.doesNotMatch(f, /^(src|test|bench|scripts|incidents|\.ci)\/|^build\/(test|bench)\/|\.tsbuildinfo$|\.ts$/, `${f} does not belong in the package`);
  });

  it('holds every file the README links to', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    // Links of the text, not examples in code (`![what it shows](diagram.svg)` shows how to write an image).
    const prose = readme.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const links = [...prose.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
    assert.ok(links.length >= 3, 'the README links to the docs');
    for (const l of new Set(links)) assert.ok(packed.includes(path.posix.normalize(l)), `the README links to ${l}, which the package lacks`);
  });

  it('has no install-time script, and says what it runs on', () => {
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts?.[s], undefined, `no "${s}" script: a user would be asked to approve it`);
    assert.deepEqual(manifest.bin, { postmortem: 'bin/postmortem.js' });
    assert.equal(manifest.engines.node, '>=20.19', 'chokidar 5, the newest requirement among the dependencies');
    assert.notEqual(manifest.name, 'postmortem', 'that name on the registry is an unrelated library');
  });

  it("installs in an empty folder without a warning, and the README's block runs as written", async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /<!-- start-your-own:begin -->\n```sh\n([\s\S]*?)```\n<!-- start-your-own:end -->/.exec(readme)?.[1];
    assert.ok(block, 'the README has its "Start your own status site" block');
    const edits: [RegExp, string, string][] = [
      [/^npm install --save-dev (\S+)$/m, `node ${JSON.stringify(path.join(work, 'seed.mjs'))} && npm install --offline --no-audit --no-fund --save-dev ${JSON.stringify(tarball)}`, 'install the tarball offline'],
      [/^npx postmortem dev\b.*$/m, ': dev is a server, tested by test/dev.test.ts', 'skip the server'],
      [/ && git push$/m, '', 'no remote to push to'],
    ];
    assert.equal(/^npm install --save-dev (\S+)$/m.exec(block)?.[1], manifest.name, 'the README installs the package by its name');
    let script = block;
    for (const [re, by, why] of edits) {
      assert.match(script, re, `the README block changed: cannot ${why}`);
      script = script.replace(re, by);
    }
    // Run in the folder the block creates, just before its install: the seeded lockfile and package.json.
    const seed = `import { writeFileSync } from 'node:fs';\nwriteFileSync('package-lock.json', ${JSON.stringify(`${JSON.stringify(await lockFor('acme-status'), null, 2)}\n`)});\nwriteFileSync('package.json', ${JSON.stringify(`${JSON.stringify({ name: 'acme-status', version: '1.0.0' }, null, 2)}\n`)});\n`;
    await writeFile(path.join(work, 'seed.mjs'), seed);
    const home = path.join(work, 'readme');
    await mkdir(home);
    const r = await sh(script, home);
    assert.equal(r.code, 0, r.code !== 0 && /ENOTCACHED|npm error/.test(r.stderr) ? explainInstall(r) : `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^npm warn/im, 'installing prints no warning (no install script to approve)');
    const site = path.join(home, 'acme-status');
    const pkg = JSON.parse(await readFile(path.join(site, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    assert.ok(pkg.devDependencies[manifest.name], 'the package is a dev dependency');
    assert.match(r.stdout, /^Created a status site in \.: Acme Status\n/m, 'init said what it wrote');
    assert.match(r.stdout, /^incidents\/\d{4}-\d{2}-\d{2}-database-failover\.md$/m, 'new printed the path');
    assert.ok(existsSync(path.join(site, '.github/workflows/status.yml')));
    assert.ok(existsSync(path.join(site, 'node_modules', manifest.name, 'action.yml')), 'the workflow\'s `uses: ./node_modules/…` finds the Action');
    assert.match(await sh('git log --oneline', site).then((x) => x.stdout), /Status site/);
    assert.equal((await sh('git status --porcelain', site)).stdout, '', '.gitignore covers node_modules/, dist/, dist-internal/ and .cache/');
  });

  it('a session: init, check --strict, build, new --resolved, check --changed-since on a branch', async () => {
    const dir = path.join(work, 'session', 'status');
    await mkdir(dir, { recursive: true });
    await seedLockfile(dir);
    const install = await sh(`npm install --offline --no-audit --no-fund --save-dev ${JSON.stringify(tarball)}`, dir);
    assert.equal(install.code, 0, explainInstall(install));
    const v = await sh('npx --no-install postmortem --version', dir);
    assert.equal(v.stdout, `${manifest.version}\n`);
    const run = (cmd: string) => sh(cmd, dir);

    const init = await run('npx postmortem init --yes --title "Acme Status" --base-url https://status.acme.example/');
    assert.equal(init.code, 0, init.stderr);
    const strict = await run('npx postmortem check --strict');
    assert.deepEqual([strict.code, strict.stdout], [0, '0 errors, 0 warnings in 1 file\n']);
    const build = await run('npx postmortem build');
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stdout, /^Built 0 incidents into dist: \d+ pages, \d+ files/);
    assert.match(await readFile(path.join(dir, 'dist/index.html'), 'utf8'), /Acme Status/);
    await run('git init --quiet && git add -A && git commit --quiet -m "Status site" && git switch --quiet -c backfill');

    const added = await run('npx postmortem new "Database failover" --severity major --services api --started "2024-11-02 14:10" --resolved "2024-11-02 15:02" --summary "Writes failed for 52 minutes while the primary database failed over."');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, 'incidents/2024-11-02-database-failover.md\n');
    assert.match(added.stderr, /^To write before it is published/);
    const judged = await run('npx postmortem check --strict --changed-since main');
    assert.equal(judged.code, 1, 'the new file\'s placeholders fail --strict');
    assert.match(judged.stdout, /^incidents\/2024-11-02-database-failover\.md:\d+:\d+ warning root_cause still holds the template's placeholder/m);
    assert.match(judged.stderr, /^Judged by the changes since main \(merge base [0-9a-f]{12}, 1 file changed\)/);

    const file = path.join(dir, 'incidents/2024-11-02-database-failover.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^root_cause: .*$/m, 'root_cause: The failover script waited for a replica that was being rebuilt.').replace(/<!--[\s\S]*?-->/g, 'Written.'));
    const clean = await run('npx postmortem check --strict --changed-since main');
    assert.equal(clean.code, 0, clean.stdout);
    assert.equal((await run('npx postmortem build')).code, 0);
    assert.match(await readFile(path.join(dir, 'dist/incidents/2024-11-02-database-failover/index.html'), 'utf8'), /Database failover/);
  });
});

/** The seeded lockfile for a folder of that name (see seedLockfile). */
async function lockFor(name: string): Promise<unknown> {
  const lock = JSON.parse(await readFile(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const packages: Record<string, unknown> = { '': { name, version: '1.0.0' } };
  for (const [p, entry] of Object.entries(lock.packages)) if (p !== '' && !entry.dev) packages[p] = { ...entry, dev: true };
  return { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}
