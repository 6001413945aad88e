/**
 * `check --changed-since REF` on a real git repository in a temporary folder: a branch is judged by the files it
 * changed since its merge base with REF (committed, uncommitted, untracked, renamed), plus every error anywhere;
 * the date-only warnings of old files never fail it, even under --strict. A reference git cannot resolve (a
 * shallow clone above all) is exit 2 with what to fetch, never "everything" or "nothing changed".
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, SITE_YAML, VALID_INCIDENT, type RunResult } from './helpers/cli.js';
import { commitFiles, EARLY_INCIDENT as EARLY, git, newRepository, OVERDUE_INCIDENT as OVERDUE } from './helpers/git.js';

/** Ongoing since 2024-10-01: more than 30 days at the fixed now. */
const ONGOING = VALID_INCIDENT.replace(/^resolved: .*\n/m, '').replace(/^mitigated: .*\n/m, '').replace('2024-05-01T10:00:00Z', '2024-10-01T10:00:00Z').replace('2024-05-01T10:05:00Z', '2024-10-01T10:05:00Z');

const check = (dir: string, ...args: string[]) => runCli(['check', dir, '--format', 'json', ...args]);
function rules(r: RunResult): [string, string][] {
  return (JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string }[] }).diagnostics.map((d) => [d.file, d.rule]);
}

describe('check --changed-since', () => {
  let work: string;
  let repo: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'postmortem-git-'));
    repo = path.join(work, 'repo');
    await newRepository(repo, { 'site.yaml': SITE_YAML, 'incidents/2024-05-01-overdue.md': OVERDUE, 'incidents/2024-10-01-ongoing.md': ONGOING });
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    await commitFiles(repo, { 'incidents/2024-05-02-new.md': VALID_INCIDENT.replace('API errors', 'New one') }, 'a new postmortem');
    // main moves on after the branch left it, with a warning of its own and an edit of an old file: not the
    // branch's doing (a diff against main's tip instead of the merge base would count both).
    git(repo, 'checkout', '--quiet', 'main');
    await commitFiles(repo, { 'incidents/2024-05-03-on-main.md': EARLY, 'incidents/2024-10-01-ongoing.md': `${ONGOING}\nEdited on main.\n` }, 'meanwhile on main');
    git(repo, 'checkout', '--quiet', 'feature');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('a branch that adds a clean file passes --strict while old files carry date-only warnings', async () => {
    const all = await check(repo, '--strict');
    assert.equal(all.code, 1, 'without --changed-since, the history fails --strict');
    assert.deepEqual(rules(all).map((r) => r[1]).sort(), ['long-ongoing', 'overdue-action']);

    const judged = await check(repo, '--strict', '--changed-since', 'main');
    assert.equal(judged.code, 0, judged.stdout + judged.stderr);
    assert.deepEqual(JSON.parse(judged.stdout), { diagnostics: [], errors: 0, warnings: 0 });
    const base = git(repo, 'merge-base', 'main', 'HEAD');
    assert.equal(
      judged.stderr,
      `Judged by the changes since main (merge base ${base.slice(0, 12)}, 1 file changed): their diagnostics and every error; 2 warnings in files the branch did not change are not shown (run check without --changed-since to see them).\n`,
    );
  });

  it("a warning in a file the branch changed fails --strict; uncommitted and untracked files count as changed", async () => {
    await writeFile(path.join(repo, 'incidents/2024-05-02-new.md'), EARLY.replace('API errors', 'New one'));
    await writeFile(path.join(repo, 'incidents/2024-05-04-untracked.md'), EARLY.replace('API errors', 'Untracked'));
    try {
      const r = await check(repo, '--strict', '--changed-since', 'main');
      assert.equal(r.code, 1);
      assert.deepEqual(rules(r), [
        ['incidents/2024-05-02-new.md', 'detected-before-started'],
        ['incidents/2024-05-04-untracked.md', 'detected-before-started'],
      ]);
      assert.equal((await check(repo, '--changed-since', 'main')).code, 0, 'warnings alone pass without --strict');
    } finally {
      git(repo, 'checkout', '--quiet', '--', 'incidents/2024-05-02-new.md');
      await rm(path.join(repo, 'incidents/2024-05-04-untracked.md'));
    }
  });

  it('a renamed old file is changed: its warnings count', async () => {
    git(repo, 'mv', 'incidents/2024-05-01-overdue.md', 'incidents/2024-05-01-overdue-renamed.md');
    try {
      const r = await check(repo, '--strict', '--changed-since', 'main');
      assert.equal(r.code, 1);
      assert.deepEqual(rules(r), [['incidents/2024-05-01-overdue-renamed.md', 'overdue-action']]);
    } finally {
      git(repo, 'reset', '--quiet', '--hard');
    }
  });

  it('an error in a file the branch did not touch is reported and fails: removing a service breaks its incidents', async () => {
    await writeFile(path.join(repo, 'site.yaml'), SITE_YAML.replace('  - id: api\n    name: API\n', ''));
    try {
      const r = await check(repo, '--changed-since', 'main');
      assert.equal(r.code, 1);
      const found = rules(r);
      assert.ok(found.some(([f, rule]) => f === 'incidents/2024-05-01-overdue.md' && rule === 'unknown-service'), JSON.stringify(found));
      assert.ok(!found.some(([, rule]) => rule === 'overdue-action' || rule === 'long-ongoing'), 'still no date-only warning of untouched files');
    } finally {
      git(repo, 'checkout', '--quiet', '--', 'site.yaml');
    }
  });

  it('a project in a sub-folder of the repository: paths relative to it, the rest of the repository ignored', async () => {
    const mono = path.join(work, 'mono');
    await newRepository(mono, { 'README.md': 'other code\n', 'status/site.yaml': SITE_YAML, 'status/incidents/2024-05-01-overdue.md': OVERDUE });
    git(mono, 'checkout', '--quiet', '-b', 'pr');
    await commitFiles(mono, { 'README.md': 'changed\n', 'status/incidents/2024-05-02-early.md': EARLY }, 'pr');
    const r = await runCli(['check', '--format', 'json', '--changed-since', 'main'], { cwd: path.join(mono, 'status') });
    assert.deepEqual(rules(r), [['incidents/2024-05-02-early.md', 'detected-before-started']]);
    assert.match(r.stderr, /1 file changed/, 'README.md, outside the project, is not counted');
  });

  for (const [name, ref, message] of [
    ['a reference that does not exist', 'origin/main', /^postmortem check: --changed-since: "origin\/main" is not a commit of this repository; fetch it first \(git fetch origin <branch>\), or name an existing branch, tag or commit\n$/],
    ['an empty reference', '', /^postmortem check: --changed-since needs a git reference such as origin\/main; found ""\n$/],
    ['a reference that looks like an option', '--all', /--changed-since needs a git reference such as origin\/main; found "--all"/],
  ] as const) {
    it(`${name}: exit 2, said plainly, nothing reported`, async () => {
      const r = await runCli(['check', repo, `--changed-since=${ref}`]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  it('outside a git repository: exit 2', async () => {
    const plain = path.join(work, 'plain');
    await mkdir(path.join(plain, 'incidents'), { recursive: true });
    await writeFile(path.join(plain, 'site.yaml'), SITE_YAML);
    const r = await runCli(['check', plain, '--changed-since', 'main'], { env: { GIT_CEILING_DIRECTORIES: work } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^postmortem check: --changed-since needs a git repository; .*plain is not in one \(git: fatal: not a git repository/);
  });

  it('a shallow clone: the base missing, then its history cut, are exit 2 with what to fetch; fetched, it works', async () => {
    const clone = path.join(work, 'clone');
    git(work, 'clone', '--quiet', '--depth=1', '--branch=feature', `file://${repo}`, clone);
    const missing = await check(clone, '--strict', '--changed-since', 'origin/main');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /"origin\/main" is not a commit of this repository; this is a shallow clone: fetch it first \(git fetch --no-tags --depth=100 origin <branch>\), or check out with fetch-depth: 0/);

    git(clone, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
    const cut = await check(clone, '--strict', '--changed-since', 'origin/main');
    assert.equal(cut.code, 2, 'never "everything changed"');
    assert.match(cut.stderr, /"origin\/main" and HEAD have no common commit in this shallow clone: .*deepen it \(git fetch --deepen=100\), or check out with fetch-depth: 0/);

    git(clone, 'fetch', '--quiet', '--no-tags', '--deepen=10', 'origin');
    const ok = await check(clone, '--strict', '--changed-since', 'origin/main');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /1 file changed/);
  });

  it('the scope note goes to stderr in every format; the text report is as check prints it', async () => {
    await writeFile(path.join(repo, 'incidents/2024-05-02-new.md'), EARLY.replace('API errors', 'New one'));
    try {
      const text = await runCli(['check', repo, '--changed-since', 'main']);
      assert.match(text.stdout, /^incidents\/2024-05-02-new\.md:\d+:\d+ warning detected .*\[detected-before-started\]$/m);
      assert.match(text.stdout, /0 errors, 1 warning in 3 files\n$/);
      const github = await runCli(['check', repo, '--format', 'github', '--changed-since', 'main']);
      assert.equal(github.stdout.split('\n').filter(Boolean).length, 1, github.stdout);
      assert.match(github.stdout, /^::warning file=incidents\/2024-05-02-new\.md,/);
      assert.match(github.stderr, /^Judged by the changes since main/);
      assert.equal(await readFile(path.join(repo, 'incidents/2024-05-02-new.md'), 'utf8'), EARLY.replace('API errors', 'New one'));
    } finally {
      git(repo, 'checkout', '--quiet', '--', 'incidents/2024-05-02-new.md');
    }
  });

  it('a rename committed on a branch is judged as the branch\'s change', async () => {
    git(repo, 'checkout', '--quiet', '-b', 'rename');
    await rename(path.join(repo, 'incidents/2024-10-01-ongoing.md'), path.join(repo, 'incidents/2024-10-01-still-ongoing.md'));
    await commitFiles(repo, {}, 'rename');
    try {
      const r = await check(repo, '--changed-since', 'main');
      assert.deepEqual(rules(r), [['incidents/2024-10-01-still-ongoing.md', 'long-ongoing']]);
    } finally {
      git(repo, 'checkout', '--quiet', 'feature');
    }
  });
});
