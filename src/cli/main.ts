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
  positionals: 'none' | 'root' | 'title';
  run: (values: Values, root: string, positionals: string[], io: Io) => Promise<number>;
}

const rootOption = { root: { type: 'string' as const } };

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'validate site.yaml and every incident file',
    usage: 'postmortem check [dir] [--format text|json|github] [--strict] [--drafts] [--root DIR]',
    help: `Validates site.yaml and every file under incidents/ against the incident format, and prints every
problem of every file in one run, sorted by file and line.

Options:
  --format FORMAT   text (default, with code frames), json (machine-readable), or github
                    (workflow commands that annotate a pull request)
  --strict          treat warnings as errors (exit 1 on any warning)
  --drafts          also count drafts as published (drafts are always checked)
  --file-timeout S  seconds one file may take (default 10); a slower one is reported as
                    file-too-slow and the others are still checked
  --root DIR        the project folder holding site.yaml (default: the current folder)

Exit status: 0 no error, 1 errors (or warnings with --strict), 2 misuse or no readable site.yaml.
Every rule it applies, with its severity and usual fix: postmortem rules.`,
    options: { ...rootOption, format: { type: 'string' }, strict: { type: 'boolean' }, drafts: { type: 'boolean' }, 'file-timeout': { type: 'string' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/check.js')).runCheck(root, values, io),
  },
  build: {
    summary: 'validate, then build the site into dist/',
    usage: 'postmortem build [dir] [--out DIR] [--drafts] [--base-url URL] [--no-cache] [--jobs N] [--file-timeout SECONDS] [--root DIR]',
    help: `Validates exactly like \`check\`; on any error prints the diagnostics, exits 1 and leaves the previous
output untouched. Otherwise builds the site beside the output folder and swaps it in at once.
"Now" is the build time, or SOURCE_DATE_EPOCH (seconds) when set: the same inputs and the same
SOURCE_DATE_EPOCH give the same bytes.

Options:
  --out DIR         output folder (default: <root>/dist)
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
    usage: 'postmortem dev [dir] [--port 4000] [--host 127.0.0.1] [--open] [--file-timeout SECONDS] [--root DIR]',
    help: `Builds the site (drafts included), serves it under the path of base_url, watches incidents/,
site.yaml and templates/, rebuilds what a change affects and reloads the browser. Bad input is shown
in the terminal and on the page; the last good site keeps being served.

Options:
  --port N          port to listen on (default 4000; if taken, the next free one, said plainly)
  --host HOST       address to listen on (default 127.0.0.1)
  --open            open the browser
  --file-timeout S  seconds one file may take to parse and render (default 10); a slower one
                    is shown as file-too-slow and the server carries on
  --root DIR        the project folder holding site.yaml (default: the current folder)`,
    options: { ...rootOption, port: { type: 'string' }, host: { type: 'string' }, open: { type: 'boolean' }, 'file-timeout': { type: 'string' } },
    positionals: 'root',
    run: async (values, root, _p, io) => (await import('./commands/dev.js')).runDev(root, values, io),
  },
  new: {
    summary: 'write a new incident file from the template',
    usage: 'postmortem new <title> [--severity S] [--services a,b] [--started TIME] [--draft] [--root DIR]',
    help: `Writes incidents/YYYY-MM-DD-<slug-of-title>.md from templates/incident.md: valid as written, with
short hints for every optional key. Refuses to overwrite a file. Prints the path it wrote.

Options:
  --severity S      critical, major, minor (default), notice or maintenance
  --services a,b    affected service ids from site.yaml (default: the first service)
  --started TIME    when impact began (default: now); its date names the file
  --draft           mark the incident as a draft
  --root DIR        the project folder holding site.yaml (default: the current folder)`,
    options: { ...rootOption, severity: { type: 'string' }, services: { type: 'string' }, started: { type: 'string' }, draft: { type: 'boolean' } },
    positionals: 'title',
    run: async (values, root, positionals, io) => (await import('./commands/new.js')).runNew(root, positionals.join(' '), values, io),
  },
  stats: {
    summary: 'print the insights: distributions of time to detect, mitigate and resolve, and more',
    usage: 'postmortem stats [dir] [--since DATE] [--until DATE] [--service ID] [--by severity|service|tag|factor|detection] [--format text|json] [--root DIR]',
    help: `Prints the figures of the insights pages (and api/insights.json) for the published incidents,
maintenance left out: time to detect, time to mitigate and duration as distributions (n, shortest,
median, 90th percentile, longest; no percentile from too few incidents), incidents per month,
services, detection, tags, contributing factors and the follow-through on actions.

Options:
  --since DATE      first year, month or day included (2024, 2024-07 or 2024-07-15, UTC)
  --until DATE      last year, month or day included
  --service ID      only incidents that affect this service (an id from site.yaml)
  --by GROUP        group the distributions by severity (default), service, tag, factor or detection
  --format FORMAT   text (default) or json
  --file-timeout S  seconds one file may take (default 10)
  --root DIR        the project folder holding site.yaml (default: the current folder)

Exit status: 0 printed, 1 the project has errors (printed as check prints them), 2 misuse.`,
    options: { ...rootOption, since: { type: 'string' }, until: { type: 'string' }, service: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' }, 'file-timeout': { type: 'string' } },
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
    io.err(`postmortem: unknown command "${name}"${hint ? `; ${hint}` : ''}\nRun \`postmortem --help\` for the list of commands.\n`);
    return EXIT.usage;
  }
  let values: Record<string, string | boolean | undefined>;
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
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
    if (command.positionals === 'none' && positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (command.positionals === 'root' && positionals.length > 1) throw new UsageError(`expected at most one folder; found ${positionals.length} arguments`);
    if (command.positionals === 'root' && positionals.length === 1 && values.root !== undefined && path.resolve(io.cwd, positionals[0]!) !== path.resolve(io.cwd, String(values.root))) {
      throw new UsageError('give the project folder once: either as an argument or with --root');
    }
    if (command.positionals === 'title' && positionals.length === 0) throw new UsageError('expected a title, e.g. postmortem new "Database failover"');
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e);
    io.err(`postmortem ${name}: ${message}\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  const rootArg = command.positionals === 'root' && positionals[0] !== undefined ? positionals[0] : (values.root as string | undefined);
  const root = path.resolve(io.cwd, rootArg ?? '.');
  try {
    return await command.run(values, root, positionals, io);
  } catch (e) {
    if (e instanceof ProjectError || e instanceof UsageError) {
      io.err(`postmortem ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

export { UsageError };
