/**
 * The command line: a thin layer that parses arguments and calls the pipeline. Heavy modules are imported
 * only by the command that needs them, so `postmortem --help` and `check` start fast.
 * Exit codes: 0 success, 1 problems in the input (or warnings under --strict), 2 misuse or no site.yaml.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { packageVersion } from '../core/paths.js';
import { defaultIo, type Io } from '../core/io.js';
import { ProjectError } from '../core/errors.js';
import { say } from '../core/terminal.js';
import type { Values } from './options.js';

export type { Io } from '../core/io.js';

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export function version(): string {
  return packageVersion();
}

class UsageError extends Error {}

interface Command {
  summary: string;
  usage: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: 'none' | 'root' | 'title' | 'source';
  run: (values: Values, root: string, positionals: string[], io: Io) => Promise<number>;
}

const rootOption = { root: { type: 'string' as const } };

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'start a new status site: site.yaml, an example, schemas, the GitHub workflow',
    usage: 'postmortem init [dir] [--title TITLE] [--base-url URL] [--timezone ZONE] [--yes] [--root DIR]',
    help: `Starts a status site in dir (default: the current folder; created if missing): site.yaml with two
example services, incidents/ with an example postmortem (a draft: checked, shown by dev, never
published), schema/ for editors, .github/workflows/status.yml (checks pull requests, publishes to
GitHub Pages), .gitignore entries, and the package in package.json's devDependencies when there is
a package.json. Refuses to overwrite anything: if a file it would write exists, it writes nothing.
The result passes \`check --strict\` and \`build\` as written.

On a terminal it asks for the title and the address; --yes, the options, or a stdin that is not a
terminal (CI) take the answers without asking.

Options:
  --title TITLE     the site's title (default: from the folder name, e.g. "Acme Status")
  --base-url URL    its public address (default: the GitHub Pages address of the git remote
                    origin, if on GitHub; "" for none)
  --timezone ZONE   the zone local times in incidents are read in (default UTC)
  --yes, -y         ask nothing: take the defaults for what the options do not give
  --root DIR        the folder to start the site in, as dir (default: the current folder)`,
    options: { ...rootOption, title: { type: 'string' }, 'base-url': { type: 'string' }, timezone: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/init.js')).runInit(root, values, io),
  },
  check: {
    summary: 'validate site.yaml and every incident file',
    usage: 'postmortem check [dir] [--format text|json|github] [--strict] [--drafts] [--changed-since REF] [--root DIR]',
    help: `Validates site.yaml and every file under incidents/ against the incident format, and prints every
problem of every file in one run, sorted by file and line.

Options:
  --format FORMAT   text (default, with code frames), json (machine-readable), or github
                    (workflow commands that annotate a pull request)
  --strict          treat warnings as errors (exit 1 on any warning)
  --drafts          also count drafts as published (drafts are always checked)
  --changed-since REF
                    judge a branch by what it changed (a pull request: REF is its base, e.g.
                    origin/main): report the files changed since the merge base of REF and HEAD
                    (committed or not, untracked included) and every error anywhere; warnings
                    in files the branch did not change are left out, even with --strict.
                    Needs git and REF's history (exit 2 with what to fetch when missing)
  --file-timeout S  seconds one file may take (default 10); a slower one is reported as
                    file-too-slow and the others are still checked
  --root DIR        the project folder holding site.yaml (default: the current folder)

Exit status: 0 no error, 1 errors (or warnings with --strict), 2 misuse, no readable site.yaml,
or a --changed-since that git cannot answer.
Every rule it applies, with its severity and usual fix: postmortem rules.`,
    options: { ...rootOption, format: { type: 'string' }, strict: { type: 'boolean' }, drafts: { type: 'boolean' }, 'file-timeout': { type: 'string' }, 'changed-since': { type: 'string' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/check.js')).runCheck(root, values, io),
  },
  build: {
    summary: 'validate, then build the site into dist/',
    usage: 'postmortem build [dir] [--audience public|internal|both] [--out DIR] [--internal-out DIR] [--drafts] [--base-url URL] [--no-cache] [--jobs N] [--file-timeout SECONDS] [--root DIR]',
    help: `Validates exactly like \`check\`; on any error prints the diagnostics, exits 1 and leaves the previous
output untouched. Otherwise builds the site beside the output folder and swaps it in at once.
"Now" is the build time, or SOURCE_DATE_EPOCH (seconds) when set: the same inputs and the same
SOURCE_DATE_EPOCH give the same bytes.

Two sites can be made from one project: the public status site (what customers read: no internal
incident, near miss or internal part) and the internal site (everything, internal parts marked).

Options:
  --audience A      public (default), internal, or both; with internal.output in site.yaml the
                    default is both. Each site is made from its own projection: nothing of the
                    internal site's is ever reused for the public one
  --out DIR         output folder (default: <root>/dist; the internal site alone: internal.output
                    of site.yaml, else <root>/dist-internal; with both: the public site's)
  --internal-out DIR  the internal site's folder (default: internal.output of site.yaml, else
                    <root>/dist-internal); it may not be inside the public site's, nor hold it
  --drafts          publish drafts too
  --base-url URL    override base_url of site.yaml (e.g. for a preview deployment)
  --no-cache        do not read or write the build cache (<root>/.cache/postmortem/)
  --jobs N          threads that parse and render incidents (default: one per CPU core)
  --file-timeout S  seconds one file may take to parse and render (default 10); a slower one
                    is reported as file-too-slow (an error) and the others are still processed
  --format FORMAT   how to print diagnostics: text (default), json or github
  --root DIR        the project folder holding site.yaml (default: the current folder)`,
    options: {
      ...rootOption,
      out: { type: 'string' },
      'internal-out': { type: 'string' },
      audience: { type: 'string' },
      drafts: { type: 'boolean' },
      'base-url': { type: 'string' },
      'no-cache': { type: 'boolean' },
      format: { type: 'string' },
      jobs: { type: 'string' },
      'file-timeout': { type: 'string' },
    },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/build.js')).runBuild(root, values, io),
  },
  dev: {
    summary: 'build with drafts, serve, and rebuild and reload on every change',
    usage: 'postmortem dev [dir] [--audience public|internal] [--port 4000] [--host 127.0.0.1] [--allowed-host NAME] [--open] [--file-timeout SECONDS] [--root DIR]',
    help: `Builds the site (drafts included), serves it under the path of base_url, watches incidents/,
site.yaml and templates/, rebuilds what a change affects and reloads the browser. Bad input is shown
in the terminal and on the page; the last good site keeps being served.

Options:
  --audience A      the site to preview: public (default: what customers read) or internal
                    (everything, internal parts marked)
  --port N          port to listen on (default 4000; if taken, the next free one, said plainly)
  --host HOST       address to listen on (default 127.0.0.1)
  --allowed-host H  a host name requests may use besides localhost and the machine's own
                    addresses (repeatable, or comma-separated; .example.com allows its
                    subdomains too): other names are refused, against DNS rebinding
  --open            open the browser
  --file-timeout S  seconds one file may take to parse and render (default 10); a slower one
                    is shown as file-too-slow and the server carries on
  --root DIR        the project folder holding site.yaml (default: the current folder)`,
    options: { ...rootOption, audience: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'allowed-host': { type: 'string', multiple: true }, open: { type: 'boolean' }, 'file-timeout': { type: 'string' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/dev.js')).runDev(root, values, io),
  },
  new: {
    summary: 'write a new incident file from the template',
    usage: 'postmortem new <title> [--severity S | --maintenance] [--services a,b] [--started T] [--detected T] [--mitigated T] [--resolved T] [--summary TEXT] [--slug S | --id ID] [--draft] [--root DIR]',
    help: `Writes incidents/YYYY-MM-DD-<slug-of-title>.md from templates/incident.md (planned work:
templates/maintenance.md): valid as written, with short hints for every optional key. The date is the
UTC day of the start, the day its page shows. Refuses to overwrite a file. Prints the path it wrote, then
what is left to write: \`check\` warns about the template's placeholders (template-placeholder) until
they are replaced. A bad value is reported as the option it came from, and nothing is written.

Options:
  --severity S      critical, major, minor (default), notice or maintenance
  --maintenance     planned work: severity maintenance, the maintenance template
  --services a,b    affected service ids from site.yaml (default: the first service)
  --started TIME    when impact began, or the scheduled start (default: now)
  --detected TIME   when the team learned of it
  --mitigated TIME  when impact stopped growing or was worked around
  --resolved TIME   when impact ended (maintenance: the scheduled end): a backfilled incident
  --summary TEXT    the one paragraph readers see (default: a placeholder to replace)
  --slug SLUG       the file name after the date (default: from the title)
  --id ID           the whole file name without .md, e.g. 2018-10-21-database-failover
  --draft           mark the incident as a draft
  --root DIR        the project folder holding site.yaml (default: the current folder)

TIME: 2024-05-29T16:21:00Z, 2024-05-29T16:21:00-04:00, or a local time (2024-05-29 16:21) in the
site's time zone.`,
    options: {
      ...rootOption,
      severity: { type: 'string' },
      maintenance: { type: 'boolean' },
      services: { type: 'string' },
      started: { type: 'string' },
      detected: { type: 'string' },
      mitigated: { type: 'string' },
      resolved: { type: 'string' },
      summary: { type: 'string' },
      slug: { type: 'string' },
      id: { type: 'string' },
      draft: { type: 'boolean' },
    },
    positionals: 'title',
    run: async (values, root, positionals, io) => (await import('./commands/new.js')).runNew(root, positionals.join(' '), values, io),
  },
  notify: {
    summary: 'after a publish, announce what changed to Slack, Discord, Teams and webhooks',
    usage: 'postmortem notify --previous DIR_OR_URL [--dry-run] [--first-run] [--outbox FILE] [--site DIR] [--timeout S] [--deadline S] [--format text|json] [--root DIR]\n       postmortem notify --save-previous DIR [--previous URL] [--site DIR]\n       postmortem notify --resend FILE [--dry-run]',
    help: `Compares the site just built (<root>/dist, or --site DIR) with the site that was live before the deploy,
and posts each change (incident opened, update posted, resolved, postmortem published, maintenance
scheduled, started or completed, a service's status changed) to the targets of site.yaml's notify:,
each in its platform's format. Nothing changed, nothing sent; the same publish run again sends nothing.
Target URLs and secrets are read from the POSTMORTEM_* variables the targets name, never printed.

In CI: before the deploy, save the live site's snapshot; after it, notify:
  postmortem notify --save-previous .notify-previous      (the live site: base_url of the build)
  postmortem notify --previous .notify-previous --outbox notify-outbox.json

Options:
  --previous X      the live site before this deploy: a folder holding its api/notify.json (saved by
                    --save-previous), or its URL when run before the deploy. A live site without a
                    snapshot (404) is a first run: nothing is sent; one that times out or answers
                    5xx fails the command (exit 1) without sending anything
  --dry-run         print each message instead of sending it (needs no secret)
  --first-run       when the live site has no snapshot, announce what is going on now (ongoing
                    incidents, maintenance in progress or upcoming), never the history
  --outbox FILE     save the messages not delivered there, to send later with --resend FILE
  --save-previous DIR  fetch the live site's snapshot (base_url of the built site, or --previous URL)
                    into DIR and exit; run it before the deploy
  --resend FILE     send the messages of an outbox again (the outbox keeps those still not delivered)
  --site DIR        the site just built (default: <root>/dist)
  --audience A      public (default); internal: the site is the internal one, and its changes
                    (internal incidents, near misses) may be posted: to private channels only
  --timeout S       seconds one request may take (default 10)
  --deadline S      seconds all deliveries may take, retries included (default 120)
  --format FORMAT   text (default) or json
  --root DIR        the project folder holding site.yaml (default: the current folder)

Exit status: 0 every message delivered (or nothing to send), 1 a message not delivered, the live
site unreadable or site.yaml invalid, 2 misuse, 130 cancelled.`,
    options: {
      ...rootOption,
      previous: { type: 'string' },
      site: { type: 'string' },
      audience: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'first-run': { type: 'boolean' },
      outbox: { type: 'string' },
      'save-previous': { type: 'string' },
      resend: { type: 'string' },
      timeout: { type: 'string' },
      deadline: { type: 'string' },
      format: { type: 'string' },
    },
    positionals: 'none',
    run: async (values, root, _p, io) => (await import('./commands/notify.js')).runNotifyCommand(root, values, io),
  },
  stats: {
    summary: 'print the insights: distributions of time to detect, mitigate and resolve, and more',
    usage: 'postmortem stats [dir] [--audience public|internal] [--since DATE] [--until DATE] [--service ID] [--by severity|service|tag|factor|detection] [--format text|json] [--root DIR]',
    help: `Prints the figures of the insights pages (and api/insights.json) for the published incidents,
maintenance left out: time to detect, time to mitigate and duration as distributions (n, shortest,
median, 90th percentile, longest; no percentile from too few incidents), incidents per month,
services, detection, tags, contributing factors and the follow-through on actions.

Options:
  --since DATE      first year, month or day included (2024, 2024-07 or 2024-07-15, UTC)
  --until DATE      last year, month or day included
  --service ID      only incidents that affect this service (an id from site.yaml)
  --by GROUP        group the distributions by severity (default), service, tag, factor or detection
  --audience A      public (default: the public site's figures) or internal (internal incidents
                    and near misses included, as the internal site's insights show them)
  --format FORMAT   text (default) or json
  --file-timeout S  seconds one file may take (default 10)
  --root DIR        the project folder holding site.yaml (default: the current folder)

Exit status: 0 printed, 1 the project has errors (printed as check prints them), 2 misuse.`,
    options: { ...rootOption, audience: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, service: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' }, 'file-timeout': { type: 'string' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/stats.js')).runStats(root, values, io),
  },
  schema: {
    summary: 'print the JSON Schema of the incident frontmatter (or of site.yaml)',
    usage: 'postmortem schema [--site]',
    help: `Prints the JSON Schema of an incident's frontmatter, generated from the same definitions the
validator uses. With --site, the schema of site.yaml instead. Editors with yaml-language-server
complete and check files that carry a modeline pointing at it (see the README).`,
    options: { ...rootOption, site: { type: 'boolean' } },
    positionals: 'none',
    run: async (values, _root, _p, io) => (await import('./commands/schema.js')).runSchema(values, io),
  },
  import: {
    summary: 'bring the history of a Statuspage or cState page into the project',
    usage: 'postmortem import statuspage [FILE…] [--url URL | --page-id ID] [--dry-run] [--root DIR]\n       postmortem import cstate HUGO_DIR [--dry-run] [--root DIR]',
    help: `Reads another status page's history and writes its services into site.yaml (created when absent;
new services appended, nothing existing changed) and each incident and maintenance into incidents/.
Everything is read and checked first; on any error nothing is written. A file an import wrote is
updated by the next import, unless it was edited since; files it did not write are never touched.

Sources:
  statuspage FILE…   export files of the public API v2: summary.json, incidents.json,
                     scheduled-maintenances.json, components.json (or management API lists)
  statuspage --url URL
                     a page's public API v2, e.g. https://status.example.com (its 50 latest
                     incidents only)
  statuspage --page-id ID
                     the management API v1: the whole history; the key is read from
                     STATUSPAGE_API_KEY (or the variable --api-key-env names), never an argument
  cstate HUGO_DIR    a cState site: config.yml/hugo.toml systems, content/issues/*.md

Options:
  --dry-run         print what would be written; write nothing
  --api-key-env V   the environment variable holding the management API key
  --api-base URL    the management API's address (default ${'https://api.statuspage.io/v1'})
  --timeout S       seconds per request (default 30); 429 and 5xx are retried with back-off
  --retries N       retries per request (default 4)
  --root DIR        the project folder (default: the current folder)`,
    options: {
      ...rootOption,
      url: { type: 'string' },
      'page-id': { type: 'string' },
      'api-key-env': { type: 'string' },
      'api-key': { type: 'string' },
      'api-base': { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    positionals: 'source',
    run: async (values, root, positionals, io) => (await import('./commands/import.js')).runImport(root, positionals, values, io),
  },
  rules: {
    summary: 'list every rule check applies: id, severity, what it finds, the usual fix',
    usage: 'postmortem rules [--format text|json|markdown]',
    help: `Lists every diagnostic rule of check, build and dev, from the catalogue the tool reports with: its id
(shown in brackets after each message), its severity, what it finds and the usual fix.

Options:
  --format FORMAT   text (default), json, or markdown (the README's table)`,
    options: { format: { type: 'string' } },
    positionals: 'none',
    run: async (values, _root, _p, io) => (await import('./commands/rules.js')).runRules(values, io),
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `postmortem ${version()}: postmortems as code, a status site from Markdown files

Usage: postmortem <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help        show help (also after a command: postmortem check --help)
  -v, --version     print the version

Run \`postmortem <command> --help\` for the options of a command.
`;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) {
      const c = COMMANDS[rest[0]]!;
      io.out(`Usage: ${c.usage}\n\n${c.help}\n`);
      return EXIT.ok;
    }
    io.out(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    const { didYouMean } = await import('../core/suggest.js');
    const hint = didYouMean(name, Object.keys(COMMANDS));
    io.err(say`postmortem: unknown command "${name}"${hint ? `; ${hint}` : ''}` + '\nRun `postmortem --help` for the list of commands.\n');
    return EXIT.usage;
  }
  let values: Values;
  let positionals: string[];
  try {
    if (rest.includes('-v') || rest.includes('--version')) {
      io.out(`${version()}\n`);
      return EXIT.ok;
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      io.out(`Usage: ${command.usage}\n\n${command.help}\n`);
      return EXIT.ok;
    }
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    values = parsed.values as Values;
    positionals = parsed.positionals;
    if (command.positionals === 'none' && positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (command.positionals === 'root' && positionals.length > 1) throw new UsageError(`expected at most one folder; found ${positionals.length} arguments`);
    if (command.positionals === 'root' && positionals.length === 1 && values.root !== undefined && path.resolve(io.cwd, positionals[0]!) !== path.resolve(io.cwd, String(values.root))) {
      throw new UsageError('give the project folder once: either as an argument or with --root');
    }
    if (command.positionals === 'title' && positionals.length === 0) throw new UsageError('expected a title, e.g. postmortem new "Database failover"');
    if (command.positionals === 'source' && positionals.length === 0) throw new UsageError('expected what to import from: statuspage or cstate');
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e);
    io.err(say`postmortem ${name}: ${message}` + `\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  const rootArg = command.positionals === 'root' && positionals[0] !== undefined ? positionals[0] : (values.root as string | undefined);
  const root = path.resolve(io.cwd, rootArg ?? '.');
  try {
    return await command.run(values, root, positionals, io);
  } catch (e) {
    if (e instanceof ProjectError || e instanceof UsageError) {
      io.err(say`postmortem ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

export { UsageError };
