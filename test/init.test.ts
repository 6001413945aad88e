/**
 * `postmortem init`: a new site in one command that passes `check --strict` and `build` at once and a year later,
 * refuses to overwrite anything, adds to .gitignore and package.json without losing what is there, asks only on a
 * terminal, and takes its defaults from the folder and the git remote.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { main, type Io } from '../src/cli/main.js';
import { defaultTitle, githubPagesUrl, packageJsonWith, workflowYaml } from '../src/scaffold/index.js';
import { REPO_ROOT } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { packageName, packageVersion } from '../src/core/index.js';

const NOW = Date.parse('2026-03-15T09:00:00Z');
const EPOCH = String(NOW / 1000);

async function run(argv: string[], cwd: string, opts: { epoch?: string; stdin?: Io['stdin'] } = {}) {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), color: false, env: { SOURCE_DATE_EPOCH: opts.epoch ?? EPOCH }, cwd, ...(opts.stdin ? { stdin: opts.stdin } : {}) };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A terminal that answers with `lines`, one per question. */
function terminal(lines: string[]): Io['stdin'] {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  s.isTTY = true;
  s.end(lines.map((l) => `${l}\n`).join(''));
  return s;
}

const roots: string[] = [];
async function folder(name = 'acme-status'): Promise<string> {
  const parent = await mkdtemp(path.join(tmpdir(), 'postmortem-init-'));
  roots.push(parent);
  const dir = path.join(parent, name);
  await mkdir(dir);
  return dir;
}

describe('postmortem init', () => {
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it('writes a site that passes check --strict (drafts too) and build, today and years from now', async () => {
    const dir = await folder();
    const r = await run(['init', '--yes'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const example = 'incidents/2026-03-14-example-delayed-sign-up-emails.md';
    assert.deepEqual((await readdir(dir, { recursive: true })).filter((f) => !f.endsWith('incidents') && !f.endsWith('schema') && !f.endsWith('.github') && !f.endsWith('workflows')).sort(), [
      '.github/workflows/status.yml', '.gitignore', example, 'schema/incident.schema.json', 'schema/site.schema.json', 'site.yaml',
    ]);
    for (const f of ['site.yaml', example, 'schema/incident.schema.json', 'schema/site.schema.json', '.github/workflows/status.yml', '.gitignore']) {
      assert.match(r.out, new RegExp(`^  ${f.replace(/[.]/g, '\\.')} +\\S`, 'm'), `the summary names ${f}`);
    }
    assert.match(r.out, /^Created a status site in \.: Acme Status\n/);
    assert.match(r.out, /package\.json +none here: the workflow runs npm ci, so create one with `npm init -y && npm install --save-dev postmortem-status`/);
    assert.match(r.out, /\nNext:\n {2}npx postmortem dev +preview at http:\/\/127\.0\.0\.1:4000\/ \(drafts shown\)\n/);
    assert.match(r.out, /; base_url, the public address/, 'no address given: the summary says to set one');

    const site = await readFile(path.join(dir, 'site.yaml'), 'utf8');
    assert.match(site, /^# yaml-language-server: \$schema=schema\/site\.schema\.json\n/);
    const config = parseYaml(site) as { title: string; base_url?: string; services: { id: string }[] };
    assert.equal(config.title, 'Acme Status');
    assert.equal(config.base_url, undefined);
    assert.deepEqual(config.services.map((s) => s.id), ['website', 'api']);
    const text = await readFile(path.join(dir, example), 'utf8');
    const fm = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]!) as Record<string, unknown>;
    assert.equal(fm.draft, true, 'a fictional incident never reaches the published site');
    assert.ok(fm.resolved && !/due:/.test(text), 'resolved, and no due date to become overdue');
    assert.match(text, /^# yaml-language-server: \$schema=\.\.\/schema\/incident\.schema\.json$/m);
    assert.equal(await readFile(path.join(dir, 'schema/incident.schema.json'), 'utf8'), (await run(['schema'], dir)).out, 'the schema as `postmortem schema` prints it');
    assert.equal(await readFile(path.join(dir, 'schema/site.schema.json'), 'utf8'), (await run(['schema', '--site'], dir)).out);

    for (const epoch of [EPOCH, String(NOW / 1000 + 366 * 86_400), String(NOW / 1000 + 10 * 366 * 86_400)]) {
      for (const flags of [['--strict'], ['--strict', '--drafts']]) {
        const check = await run(['check', dir, ...flags], dir, { epoch });
        assert.equal(check.code, 0, `${flags.join(' ')} at ${epoch}: ${check.out}`);
        assert.match(check.out, /^0 errors, 0 warnings in 1 file\n$/);
      }
    }
    const build = await run(['build', dir], dir);
    assert.equal(build.code, 0, build.err);
    assert.match(build.out, /^Built 0 incidents into dist: /, 'the draft is not published');
    const drafts = await run(['build', dir, '--drafts', '--out', path.join(dir, 'preview')], dir);
    assert.match(drafts.out, /^Built 1 incident into preview: /);
  });

  it('writes a workflow that checks pull requests with the Action of the installed package and publishes the branch', async () => {
    const dir = await folder('ops');
    git(dir, 'init', '--quiet', '--initial-branch=trunk');
    git(dir, 'remote', 'add', 'origin', 'https://github.com/Acme/ops-status.git');
    const r = await run(['init', '-y', '--timezone', 'Europe/Paris'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Created a status site in \.: Ops Status, https:\/\/acme\.github\.io\/ops-status\/\n/, 'the GitHub Pages address of origin');
    assert.match(r.out, /preview at http:\/\/127\.0\.0\.1:4000\/ops-status\/ /);
    const site = parseYaml(await readFile(path.join(dir, 'site.yaml'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([site.base_url, site.timezone], ['https://acme.github.io/ops-status/', 'Europe/Paris']);
    const workflow = parseYaml(await readFile(path.join(dir, '.github/workflows/status.yml'), 'utf8')) as {
      on: { push: { branches: string[] } };
      jobs: Record<string, { if: string; steps: { uses?: string; run?: string; with?: Record<string, string> }[] }>;
    };
    assert.deepEqual(workflow.on.push.branches, ['trunk'], 'the current branch is the one published');
    const action = `./node_modules/${packageName()}`;
    const check = workflow.jobs.check!;
    assert.equal(check.if, "github.event_name == 'pull_request'");
    assert.deepEqual(check.steps.map((s) => s.uses ?? s.run), ['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci', action]);
    assert.deepEqual(check.steps[3]!.with, { command: 'check', args: '--strict' });
    const publish = workflow.jobs.publish!;
    assert.deepEqual(publish.steps.map((s) => s.uses ?? s.run), [
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      action,
      'actions/upload-pages-artifact@v3',
      'npx postmortem notify --save-previous .notify-previous',
      'actions/deploy-pages@v4',
      'npx postmortem notify --previous .notify-previous --outbox notify-outbox.json',
      'actions/upload-artifact@v4',
    ]);
    assert.deepEqual(publish.steps[4]!.with, { path: '${{ steps.build.outputs.site }}' });
  });

  it('adds to an existing .gitignore and package.json, keeping what is there', async () => {
    const dir = await folder();
    await writeFile(path.join(dir, '.gitignore'), '/dist\n*.log');
    await writeFile(path.join(dir, 'package.json'), '{\n    "name": "status",\n    "devDependencies": {\n        "zod": "^4.0.0",\n        "eslint": "^9.0.0"\n    }\n}\n');
    const r = await run(['init', '--yes', '--title', 'Acme: "Status"', '--base-url', 'https://status.acme.example/'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(await readFile(path.join(dir, '.gitignore'), 'utf8'), '/dist\n*.log\n# postmortem: installed packages, the built sites, the build cache\nnode_modules/\ndist-internal/\n.cache/\n');
    assert.match(r.out, /\.gitignore +now also ignores node_modules\/, dist-internal\/, \.cache\//);
    const pkg = await readFile(path.join(dir, 'package.json'), 'utf8');
    assert.equal(pkg, `{\n    "name": "status",\n    "devDependencies": {\n        "eslint": "^9.0.0",\n        "${packageName()}": "^${packageVersion()}",\n        "zod": "^4.0.0"\n    }\n}\n`);
    assert.match(r.out, new RegExp(`package\\.json +${packageName()} \\^${packageVersion().replace(/\./g, '\\.')} added to devDependencies: run \`npm install\``));
    assert.equal((parseYaml(await readFile(path.join(dir, 'site.yaml'), 'utf8')) as { title: string }).title, 'Acme: "Status"', 'a title YAML would misread is quoted');
    assert.equal((await run(['check', dir, '--strict'], dir)).code, 0);

    assert.equal(packageJsonWith(pkg, packageName(), '^9'), null, 'listed already: left alone');
    assert.equal(packageJsonWith('{"dependencies":{"postmortem-status":"1"}}', 'postmortem-status', '^9'), null);
    assert.throws(() => packageJsonWith('[1]', 'x', '^1'), /not a JSON object/);
  });

  it('says how to add the package when package.json cannot be read, and leaves it as it was', async () => {
    const dir = await folder();
    await writeFile(path.join(dir, 'package.json'), '{ "name": ');
    const r = await run(['init', '--yes'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /package\.json +could not be read \(.*JSON.*\): add the package yourself with `npm install --save-dev postmortem-status`/);
    assert.equal(await readFile(path.join(dir, 'package.json'), 'utf8'), '{ "name": ');
  });

  it('refuses to overwrite anything: names what exists and writes nothing', async () => {
    const dir = await folder();
    await mkdir(path.join(dir, '.github/workflows'), { recursive: true });
    await writeFile(path.join(dir, '.github/workflows/status.yml'), 'ours\n');
    await writeFile(path.join(dir, 'site.yaml'), 'title: Ours\n');
    const r = await run(['init', '--yes'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(r.err, 'postmortem init: site.yaml, .github/workflows/status.yml already exist in .; nothing was written. init starts a new site: run it in an empty folder, or move those files away.\n');
    assert.deepEqual((await readdir(dir)).sort(), ['.github', 'site.yaml']);
    assert.equal(await readFile(path.join(dir, 'site.yaml'), 'utf8'), 'title: Ours\n');
  });

  it('asks for the title and address on a terminal, explains a bad answer and asks again', async () => {
    const dir = await folder();
    const r = await run(['init'], dir, { stdin: terminal(['  My   Status ', 'ftp://nope', 'https://status.example.com/']) });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Site title \[Acme Status\]: Public address \(base_url; - for none\) \[-\]: {3}must be an absolute http\(s\) URL without query or fragment, e\.g\. https:\/\/acme\.github\.io\/status\/; found "ftp:\/\/nope"\nPublic address \(base_url; - for none\) \[-\]: Created a status site in \.: My Status, https:\/\/status\.example\.com\/\n/);

    const defaults = await folder();
    const empty = await run(['init'], defaults, { stdin: terminal(['', '']) });
    assert.equal(empty.code, 0, empty.err);
    assert.match(empty.out, /Created a status site in \.: Acme Status\n/, 'empty answers take the defaults');
  });

  it('asks nothing with --yes, with the options given, or when stdin is not a terminal', async () => {
    for (const [args, stdin] of [
      [['--yes'], terminal([])],
      [['--title', 'T', '--base-url', ''], terminal([])],
      [[], Object.assign(new PassThrough(), { isTTY: false })],
    ] as const) {
      const dir = await folder();
      const r = await run(['init', ...args], dir, { stdin });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Created a status site/, `${args.join(' ')}: no question asked`);
    }
  });

  it('creates the folder it is given, and says to cd into it', async () => {
    const parent = await folder('parent');
    const r = await run(['init', 'status/site', '--yes'], parent);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Created a status site in status\/site: Site Status\n/);
    assert.match(r.out, /\nNext:\n {2}cd status\/site\n/);
    assert.equal((await run(['check', path.join(parent, 'status/site'), '--strict'], parent)).code, 0);
  });

  it('inside a sub-folder of a git repository: says where GitHub looks for workflows', async () => {
    const repo = await folder('repo');
    git(repo, 'init', '--quiet');
    await mkdir(path.join(repo, 'status'));
    const r = await run(['init', '--yes'], path.join(repo, 'status'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /This folder is inside the git repository at .*repo: GitHub runs workflows only from its \.github\/workflows\/,\nso move \.github\/workflows\/status\.yml there and give the Action `root: status`\./);
  });

  for (const [name, args, message] of [
    ['an unknown time zone', ['--timezone', 'Mars/Olympus'], /--timezone must be an IANA time zone name such as Europe\/Paris or UTC; found "Mars\/Olympus"/],
    ['an address that is not http(s)', ['--base-url', 'ftp://acme'], /--base-url must be an absolute http\(s\) URL/],
    ['an empty title', ['--title', ' '], /--title must be 1 to 200 characters/],
  ] as const) {
    it(`refuses ${name} (exit 2), writing nothing`, async () => {
      const dir = await folder();
      const r = await run(['init', '--yes', ...args], dir);
      assert.equal(r.code, 2);
      assert.match(r.err, message);
      assert.deepEqual(await readdir(dir), []);
    });
  }

  it('refuses a path that is a file', async () => {
    const dir = await folder();
    await writeFile(path.join(dir, 'file'), '');
    const r = await run(['init', 'file', '--yes'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /file exists and is not a folder/);
  });

  it("is the workflow the README's Deployment section shows", async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const shown = /<!-- workflow:begin -->\n```yaml\n([\s\S]*?)```\n<!-- workflow:end -->/.exec(readme)?.[1];
    assert.equal(shown, workflowYaml({ branch: 'main', packageName: packageName() }), 'regenerate the README block from workflowYaml()');
  });

  it('derives its defaults: a title from the folder, the Pages address from a GitHub remote', () => {
    assert.equal(defaultTitle('acme-status'), 'Acme Status');
    assert.equal(defaultTitle('ops'), 'Ops Status');
    assert.equal(defaultTitle('.'), 'Status');
    for (const [remote, url] of [
      ['git@github.com:acme/status.git', 'https://acme.github.io/status/'],
      ['https://github.com/Acme/status', 'https://acme.github.io/status/'],
      ['https://token@github.com/acme/acme.github.io.git', 'https://acme.github.io/'],
      ['ssh://git@github.com/acme/status.git', 'https://acme.github.io/status/'],
      ['https://gitlab.com/acme/status.git', undefined],
      ['/srv/git/status.git', undefined],
    ] as const) {
      assert.equal(githubPagesUrl(remote), url, remote);
    }
  });
});
