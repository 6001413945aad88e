/**
 * The GitHub Action (action.yml) run outside GitHub: its shell steps, exactly as written, in bash with a fake
 * GITHUB_* environment, in a git checkout made the way actions/checkout makes one (a shallow fetch of the pull
 * request's merge commit from an `origin`, here a repository in a temporary folder). The `uses:` steps (the cache)
 * cannot run here: their conditions and inputs are evaluated and checked instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BIN, FIXED_NOW_SECONDS, REPO_ROOT, SITE_YAML, VALID_INCIDENT } from './helpers/cli.js';
import { commitFiles, EARLY_INCIDENT as EARLY, git, GIT_ENV, newRepository, OVERDUE_INCIDENT as OVERDUE } from './helpers/git.js';

interface Step {
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
}

/** `${{ inputs.x }}` and `${{ steps.id.outputs.x }}`: all a shell step may use, so that it can run outside GitHub. */
function evaluate(text: string, ctx: Context, allowRunner = false): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.inputs[m[1]!] ?? '';
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.steps[m[1]!]?.outputs[m[2]!] ?? '';
    if (allowRunner && /^(runner\.os|github\.(sha|run_id|run_attempt))$/.test(expr)) return `<${expr}>`;
    throw new Error(`the action uses \${{ ${expr} }}, which this test cannot evaluate: shell steps take inputs through env only`);
  });
}

/** A step's `if:`: conditions `steps.<id>.outputs.<x> == '<v>'` or `steps.<id>.outcome == '<v>'`, joined by &&. */
function condition(expr: string | undefined, ctx: Context): boolean {
  if (expr === undefined) return !Object.values(ctx.steps).some((s) => s.outcome === 'failure');
  return expr.split('&&').every((part) => {
    const m = /^\s*steps\.([\w-]+)\.(?:outputs\.([\w-]+)|(outcome))\s*==\s*'([^']*)'\s*$/.exec(part);
    if (!m) throw new Error(`cannot evaluate the condition "${part}"`);
    const step = ctx.steps[m[1]!];
    return (m[3] ? step?.outcome : step?.outputs[m[2]!]) === m[4];
  });
}

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  ctx: Context;
  /** The `uses:` steps the runner would run, with their inputs evaluated. */
  used: { uses: string; with: Record<string, string> }[];
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // How GitHub runs `shell: bash`.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const action = parseYaml(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

async function runAction(workspace: string, inputs: Record<string, string>, event: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const ctx: Context = { inputs: {}, steps: {} };
  for (const [name, spec] of Object.entries(action.inputs)) ctx.inputs[name] = inputs[name] ?? spec.default ?? '';
  const out: ActionRun = { code: 0, stdout: '', stderr: '', ctx, used: [] };
  for (const [i, step] of action.runs.steps.entries()) {
    const id = step.id ?? `step${i}`;
    if (!condition(step.if, ctx)) {
      ctx.steps[id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    if (step.uses) {
      out.used.push({ uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(v, ctx, true)])) });
      ctx.steps[id] = { outputs: {}, outcome: 'success' };
      continue;
    }
    assert.equal(step.shell, 'bash', 'shell steps are bash');
    assert.doesNotMatch(step.run!, /\$\{\{/, 'a script takes its inputs through env, never through ${{ }} (no injection)');
    const outputFile = path.join(workspace, '..', `output-${id}`);
    await writeFile(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...GIT_ENV,
      SOURCE_DATE_EPOCH: String(FIXED_NOW_SECONDS),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      RUNNER_OS: 'Linux',
      ...event,
      ...extraEnv,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, ctx)])),
    };
    const r = await bash(step.run!, workspace, env);
    out.stdout += r.stdout;
    out.stderr += r.stderr;
    const outputs = Object.fromEntries((await readFile(outputFile, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    ctx.steps[id] = { outputs, outcome: r.code === 0 ? 'success' : 'failure' };
    if (r.code !== 0) {
      out.code = r.code;
      break;
    }
  }
  return out;
}

describe('the GitHub Action', () => {
  let work: string;
  let origin: string;
  /** Install the package as npm ci would: node_modules/.bin/postmortem. */
  const install = async (dir: string) => {
    await mkdir(path.join(dir, 'node_modules/.bin'), { recursive: true });
    await symlink(BIN, path.join(dir, 'node_modules/.bin/postmortem'));
  };
  /** A checkout as actions/checkout makes one: a fresh repository, a shallow fetch of one commit, detached. */
  const checkout = async (name: string, commit: string) => {
    const ws = path.join(work, name, 'workspace');
    await mkdir(ws, { recursive: true });
    git(ws, 'init', '--quiet');
    git(ws, 'remote', 'add', 'origin', `file://${origin}`);
    git(ws, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', `+${commit}:refs/remotes/pull/1/merge`);
    git(ws, 'checkout', '--quiet', '--detach', 'refs/remotes/pull/1/merge');
    return ws;
  };
  /** A pull request adding `files` on top of main, and GitHub's merge commit of it into main. */
  const pullRequest = async (branch: string, files: Record<string, string>) => {
    git(origin, 'checkout', '--quiet', '-b', branch, 'main');
    await commitFiles(origin, files, branch);
    git(origin, 'checkout', '--quiet', '-b', `${branch}-merge`, 'main');
    git(origin, 'merge', '--quiet', '--no-ff', '-m', `Merge ${branch} into main`, branch);
    const merge = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'checkout', '--quiet', 'main');
    return merge;
  };

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'postmortem-action-'));
    origin = path.join(work, 'origin');
    await newRepository(origin, { 'site.yaml': SITE_YAML, 'incidents/2024-05-01-overdue.md': OVERDUE });
    // History on main after the start: the pull request's merge commit is more than one commit from it.
    for (let i = 0; i < 3; i++) await commitFiles(origin, {}, `main ${i}`);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('is a composite action whose shell steps take their inputs through env, and names the published package', async () => {
    assert.equal(action.runs.using, 'composite');
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; files: string[] };
    for (const step of action.runs.steps.filter((s) => s.run)) assert.equal(step.env?.INPUT_PACKAGE, pkg.name, 'the package the action runs with a pinned version');
    assert.ok(pkg.files.includes('action.yml'), 'the package ships the action: `uses: ./node_modules/<package>` works');
    assert.deepEqual(Object.keys(action.inputs).sort(), ['args', 'audience', 'cache', 'changed-since', 'command', 'internal-out', 'root', 'version']);
    assert.deepEqual(Object.keys(action.outputs), ['site', 'internal-site']);
  });

  it('on a pull request: fetches the base, judges the changed files only, passes --strict despite old warnings', async () => {
    const merge = await pullRequest('clean', { 'incidents/2024-05-02-new.md': VALID_INCIDENT.replace('API errors', 'New') });
    const ws = await checkout('clean', merge);
    await install(ws);
    assert.equal(git(ws, 'rev-parse', '--is-shallow-repository'), 'true');
    const r = await runAction(ws, { command: 'check', args: '--strict' }, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_SHA: merge });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.ctx.steps.setup!.outputs.ref, 'refs/remotes/origin/main');
    assert.match(r.stdout, /^postmortem check --format github --changed-since refs\/remotes\/origin\/main --strict \(in \.\)$/m);
    assert.doesNotMatch(r.stdout, /::(warning|error)/, 'the old overdue action is not the pull request\'s doing');
    assert.match(r.stderr, /Judged by the changes since refs\/remotes\/origin\/main \(merge base [0-9a-f]{12}, 1 file changed\): .*1 warning in files the branch did not change is not shown/);
    assert.deepEqual(r.used, [], 'no cache for check');
  });

  it('on a pull request that adds a warning: annotates its line and fails under --strict', async () => {
    const merge = await pullRequest('early', { 'incidents/2024-05-03-early.md': EARLY });
    const ws = await checkout('early', merge);
    await install(ws);
    const r = await runAction(ws, { command: 'check', args: '--strict' }, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_SHA: merge });
    assert.equal(r.code, 1);
    assert.equal(r.ctx.steps.run!.outcome, 'failure');
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    assert.equal(annotations.length, 1, r.stdout);
    assert.match(annotations[0]!, /^::warning file=incidents\/2024-05-03-early\.md,line=6,col=11,.*title=postmortem detected-before-started::detected/);
  });

  it('on main: builds into dist, names it for upload-pages-artifact, restores and saves the cache', async () => {
    const ws = await checkout('main', git(origin, 'rev-parse', 'main'));
    await install(ws);
    const r = await runAction(ws, { command: 'build' }, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^Built 1 incident into dist: /m);
    assert.equal(r.ctx.steps.run!.outputs.site, './dist');
    assert.ok((await readFile(path.join(ws, 'dist/index.html'), 'utf8')).includes('Fixture Status'));
    const cachePath = './.cache/postmortem\n!./.cache/postmortem/spare-*';
    assert.deepEqual(r.used.map((u) => [u.uses, u.with.path?.trim()]), [['actions/cache/restore@v4', cachePath], ['actions/cache/save@v4', cachePath]]);
    assert.equal(r.used[0]!.with['restore-keys'], 'postmortem-<runner.os>-');
    assert.notEqual(r.used[1]!.with.key, r.used[0]!.with.key, 'each run saves its own cache; the next restores the newest');

    const out = await runAction(ws, { command: 'build', args: '--out public --drafts', cache: 'false' }, { GITHUB_EVENT_NAME: 'schedule' });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.ctx.steps.run!.outputs.site, './public');
    assert.deepEqual(out.used, [], 'cache: false');
  });

  it('audience both: the public site for Pages, the internal one in a folder of its own, named apart', async () => {
    const ws = await checkout('audiences', git(origin, 'rev-parse', 'main'));
    await install(ws);
    const r = await runAction(ws, { command: 'build', audience: 'both', cache: 'false' }, { GITHUB_EVENT_NAME: 'push' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.ctx.steps.run!.outputs.site, './dist');
    assert.equal(r.ctx.steps.run!.outputs['internal-site'], './dist-internal');
    assert.match(r.stdout, /^postmortem build --audience both --internal-out dist-internal/m);
    assert.match(await readFile(path.join(ws, 'dist-internal/index.html'), 'utf8'), /internal-banner/);
    assert.doesNotMatch(await readFile(path.join(ws, 'dist/index.html'), 'utf8'), /internal-banner/);
    const only = await runAction(ws, { command: 'build', audience: 'internal', 'internal-out': 'team', cache: 'false' }, { GITHUB_EVENT_NAME: 'push' });
    assert.equal(only.code, 0, only.stderr);
    assert.equal(only.ctx.steps.run!.outputs.site, undefined, 'no public site was built');
    assert.equal(only.ctx.steps.run!.outputs['internal-site'], './team');
    const bad = await runAction(ws, { command: 'build', audience: 'everyone' }, { GITHUB_EVENT_NAME: 'push' });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^::error title=postmortem action::audience must be public, internal or both; found "everyone"$/m);
  });

  it('a project in a sub-folder, with the package installed at the repository root', async () => {
    git(origin, 'checkout', '--quiet', '-b', 'mono', 'main');
    await commitFiles(origin, { 'status/site.yaml': SITE_YAML, 'status/incidents/2024-05-01-x.md': VALID_INCIDENT }, 'mono');
    const ws = await checkout('mono', git(origin, 'rev-parse', 'HEAD'));
    git(origin, 'checkout', '--quiet', 'main');
    await install(ws);
    const r = await runAction(ws, { command: 'build', root: 'status' }, { GITHUB_EVENT_NAME: 'push' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.ctx.steps.run!.outputs.site, 'status/dist');
    assert.equal(r.used[0]!.with.path!.split('\n')[0], 'status/.cache/postmortem');
    const check = await runAction(ws, { command: 'check', root: 'status', 'changed-since': 'none' }, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /^postmortem check --format github {2}\(in status\)$/m, 'changed-since: none judges every file');
  });

  it('a pinned version runs that version of the package with npm exec', async () => {
    const ws = await checkout('pinned', git(origin, 'rev-parse', 'main'));
    // A stand-in for npm on PATH: records how it was called (the test never reaches the registry).
    const fake = path.join(work, 'pinned', 'bin');
    await mkdir(fake);
    await writeFile(path.join(fake, 'npm'), '#!/bin/sh\necho "npm $*"\n');
    await chmod(path.join(fake, 'npm'), 0o755);
    const r = await runAction(ws, { command: 'build', version: '0.1.0' }, { GITHUB_EVENT_NAME: 'push' }, { PATH: `${fake}:${process.env.PATH}` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^npm exec --yes --package=postmortem-status@0\.1\.0 -- postmortem build$/m);
  });

  for (const [name, inputs, message] of [
    ['a command that is not a command', { command: 'check; rm -rf /' }, /^::error title=postmortem action::command must be a postmortem command such as check or build; found "check; rm -rf \/"$/m],
    ['a root without site.yaml', { root: 'nowhere' }, /^::error title=postmortem action::no site\.yaml in "nowhere" \(the root input\)/m],
    ['a version that is not a version', { version: '1.0 && curl evil' }, /^::error title=postmortem action::version must be a version of postmortem-status such as 0\.1\.0/m],
    ['a project that does not install the package', {}, /^::error title=postmortem action::postmortem is not installed in "\.": add it to the project \(npm install --save-dev postmortem-status\) and run npm ci before this step, or set the version input$/m],
  ] as const) {
    it(`refuses ${name}, with an annotation`, async () => {
      const ws = await checkout(`bad-${name.replace(/\W+/g, '-')}`, git(origin, 'rev-parse', 'main'));
      const r = await runAction(ws, inputs, { GITHUB_EVENT_NAME: 'push' });
      assert.equal(r.code, 1);
      assert.match(r.stdout, message);
      assert.equal(r.ctx.steps.run, undefined, 'nothing ran');
    });
  }
});
