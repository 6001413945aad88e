/**
 * `postmortem init [dir]`: a new status site in one command. Writes site.yaml, an example postmortem (a draft),
 * the JSON Schemas, the GitHub Actions workflow and .gitignore entries, and adds the package to package.json's
 * devDependencies when there is one. Refuses to overwrite anything: when any file it would write exists, it
 * writes nothing and names them. Asks for the title and address only on a terminal without --yes; flags answer
 * every question (CI, scripts).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { packageName, packageVersion } from '../../core/paths.js';
import { zoneFor } from '../../core/time.js';
import { CONFIG_FILE } from '../../source/index.js';
import {
  defaultTitle, exampleIncident, githubPagesUrl, gitignoreWith, packageJsonWith, schemaFiles, siteYaml, WORKFLOW_FILE, workflowYaml, type InitValues,
} from '../../scaffold/index.js';
import { parseBaseUrl, type Values } from '../options.js';

interface Planned {
  file: string;
  text: string;
  what: string;
}

export async function runInit(root: string, values: Values, io: Io): Promise<number> {
  await ensureFolder(root);
  const git = await gitFacts(root);
  const answers = await settle(root, values, io, git.origin);
  const now = buildTime(io.env);
  const example = exampleIncident(now);
  const planned: Planned[] = [
    { file: CONFIG_FILE, text: siteYaml(answers), what: 'the site: title, address, services' },
    { file: example.file, text: example.text, what: 'an example postmortem (a draft: checked, never published)' },
    ...Object.entries(schemaFiles()).map(([file, text]) => ({ file, text, what: 'JSON Schema, for completion and checks in editors' })),
    { file: WORKFLOW_FILE, text: workflowFor(git.branch), what: 'checks pull requests, publishes to GitHub Pages' },
  ];
  const existing = (await Promise.all(planned.map(async (p) => ((await exists(path.join(root, p.file))) ? p.file : null)))).filter((f) => f !== null);
  if (existing.length > 0) {
    io.err(`postmortem init: ${existing.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${shown(io, root)}; nothing was written. init starts a new site: run it in an empty folder, or move ${existing.length === 1 ? 'that file' : 'those files'} away.\n`);
    return 1;
  }
  for (const p of planned) {
    const abs = path.join(root, p.file);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, p.text, { flag: 'wx' });
  }
  const lines = planned.map((p) => [p.file, p.what] as [string, string]);
  lines.push(await updateGitignore(root));
  const pkg = await updatePackageJson(root);
  if (pkg) lines.push(pkg);
  io.out(summary(io, root, answers, lines, git.top));
  return 0;
}

async function ensureFolder(root: string): Promise<void> {
  try {
    if (!(await stat(root)).isDirectory()) throw new ProjectError(`${root} exists and is not a folder`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(root, { recursive: true });
  }
}

const shown = (io: Io, abs: string) => path.relative(io.cwd, abs) || '.';

/** The title, address and zone: from flags, else asked on a terminal, else the defaults. */
async function settle(root: string, values: Values, io: Io, origin: string | undefined): Promise<InitValues> {
  const timezone = typeof values.timezone === 'string' ? values.timezone.trim() : 'UTC';
  if (!zoneFor(timezone)) throw new ProjectError(`--timezone must be an IANA time zone name such as Europe/Paris or UTC; found "${timezone}"`);
  const title = typeof values.title === 'string' ? checkTitle(values.title) : undefined;
  const baseUrl = typeof values['base-url'] === 'string' ? (values['base-url'].trim() === '' ? '' : parseBaseUrl(values['base-url'].trim())) : undefined;
  const defaults = { title: defaultTitle(path.basename(root)), baseUrl: origin ? githubPagesUrl(origin) : undefined };
  const ask = values.yes !== true && io.stdin?.isTTY === true ? questions(io) : null;
  try {
    const v: InitValues = {
      title: title ?? (ask ? await ask('Site title', defaults.title, checkTitle) : defaults.title),
      timezone,
    };
    const url = baseUrl ?? (ask ? await ask('Public address (base_url; - for none)', defaults.baseUrl ?? '-', (s) => (s === '-' ? '' : parseBaseUrl(s)!)) : defaults.baseUrl);
    if (url) v.baseUrl = url;
    return v;
  } finally {
    ask?.close();
  }
}

function checkTitle(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t === '' || t.length > 200) throw new ProjectError(`--title must be 1 to 200 characters; found "${s}"`);
  return t;
}

type Ask = ((question: string, fallback: string, check: (answer: string) => string) => Promise<string>) & { close: () => void };

/** Questions on the terminal: an empty answer takes the default; a bad one is explained and asked again. */
function questions(io: Io): Ask {
  const rl = createInterface({ input: io.stdin!, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string, fallback: string, check: (answer: string) => string): Promise<string> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      io.out(`${question} [${fallback}]: `);
      const next = await lines.next();
      const answer = next.done ? '' : String(next.value).trim();
      if (next.done) io.out('\n');
      try {
        return check(answer === '' ? fallback : answer);
      } catch (e) {
        if (next.done || !(e instanceof ProjectError)) throw e;
        io.out(`  ${e.message.replace(/^--[a-z-]+ /, '')}\n`);
      }
    }
    throw new ProjectError(`no valid answer to "${question}"; pass it as an option (see postmortem init --help)`);
  };
  return Object.assign(ask, { close: () => rl.close() });
}

function workflowFor(branch: string | undefined): string {
  return workflowYaml({ branch: branch ?? 'main', packageName: packageName() });
}

async function updateGitignore(root: string): Promise<[string, string]> {
  const file = path.join(root, '.gitignore');
  const existing = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  const next = gitignoreWith(existing);
  if (!next) return ['.gitignore', 'already ignores node_modules/, dist/, dist-internal/ and .cache/'];
  await writeFile(file, next.text);
  return ['.gitignore', `${existing === null ? 'ignores' : 'now also ignores'} ${next.added.join(', ')}`];
}

/** Adds the package to package.json's devDependencies; without a package.json, says how (null: nothing to say). */
async function updatePackageJson(root: string): Promise<[string, string]> {
  const file = path.join(root, 'package.json');
  const name = packageName();
  const install = `npm install --save-dev ${name}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return ['package.json', `none here: the workflow runs npm ci, so create one with \`npm init -y && ${install}\``];
  }
  let next: string | null;
  try {
    next = packageJsonWith(text, name, `^${packageVersion()}`);
  } catch (e) {
    return ['package.json', `could not be read (${e instanceof Error ? e.message : String(e)}): add the package yourself with \`${install}\``];
  }
  if (next === null) return ['package.json', `already lists ${name}`];
  await writeFile(file, next);
  return ['package.json', `${name} ^${packageVersion()} added to devDependencies: run \`npm install\``];
}

function summary(io: Io, root: string, v: InitValues, lines: [string, string][], top: string | undefined): string {
  const width = Math.max(...lines.map(([f]) => f.length));
  const where = shown(io, root);
  const cd = where === '.' ? '' : `  cd ${where}\n`;
  const basePath = v.baseUrl ? new URL(v.baseUrl).pathname : '/';
  const inRepo = top !== undefined && path.resolve(top) !== path.resolve(root)
    ? `\nThis folder is inside the git repository at ${top}: GitHub runs workflows only from its .github/workflows/,\nso move ${WORKFLOW_FILE} there and give the Action \`root: ${path.relative(top, root).split(path.sep).join('/')}\`.\n`
    : '';
  return `Created a status site in ${where}: ${v.title}${v.baseUrl ? `, ${v.baseUrl}` : ''}
${lines.map(([f, what]) => `  ${f.padEnd(width)}  ${what}`).join('\n')}
${inRepo}
Next:
${cd}  npx postmortem dev                 preview at http://127.0.0.1:4000${basePath} (drafts shown)
  npx postmortem new "Database failover" --severity major --services api
  edit site.yaml                     your own services (website and api are examples)${v.baseUrl ? '' : '; base_url, the public address'}
  git add -A && git commit -m "Status site" && git push
  on GitHub: Settings → Pages → Source: GitHub Actions
`;
}

async function exists(abs: string): Promise<boolean> {
  return stat(abs).then(
    () => true,
    () => false,
  );
}

/** The repository around the folder, if any: its top, its current branch, its `origin` URL. */
async function gitFacts(root: string): Promise<{ top?: string; branch?: string; origin?: string }> {
  const run = (args: string[]) =>
    new Promise<string | undefined>((resolve) => {
      execFile('git', ['-C', root, ...args], (error, stdout) => resolve(error ? undefined : String(stdout).trim() || undefined));
    });
  const top = await run(['rev-parse', '--show-toplevel']);
  if (!top) return {};
  const facts: { top?: string; branch?: string; origin?: string } = { top };
  const branch = await run(['symbolic-ref', '--short', '--quiet', 'HEAD']);
  if (branch && /^[\w./-]+$/.test(branch)) facts.branch = branch;
  const origin = await run(['remote', 'get-url', 'origin']);
  if (origin) facts.origin = origin;
  return facts;
}
