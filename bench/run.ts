/**
 * The benchmark: `npm run bench` (= `tsc -p tsconfig.json && node build/bench/run.js`).
 *
 *   node build/bench/run.js [--sizes 100,1000] [--large] [--runs N] [--runs-large N] [--only LIST]
 *                           [--seed S] [--json FILE] [--keep] [--profile SIZE] [--timeout SECONDS]
 *                           [--dev-edits E]
 *   node build/bench/run.js --table A.json,B.json     (the table of earlier runs, e.g. 100+1,000 and 10,000)
 *
 * For each size it generates a realistic project (bench/generate.ts, deterministic) in a temporary folder and
 * measures, with SOURCE_DATE_EPOCH fixed:
 *
 * - cold build: `node bin/postmortem.js build <dir> --out <out> --no-cache`, a fresh output folder and no
 *   `.cache/` in the project; wall time, CPU time (user + sys) and peak resident memory of the process
 *   (GNU `/usr/bin/time -v` when present, else a wrapper that runs the CLI's `main()` in-process and reports
 *   `process.resourceUsage()`);
 * - rebuild with nothing changed: default flags (cache on), after one unmeasured "prime" build that may fill
 *   the cache;
 * - rebuild after editing one incident: a sentence appended to the body of one incident (a different sentence
 *   each run, so that no cache can serve it), then a default build;
 * - `dev` edit-to-page latency: `node build/bench/dev-latency.js --incidents N --edits E --json` when that
 *   script exists (median of its `editToPageMs`; it uses its own, simpler generated project), else n/a;
 * - output files and bytes (of the cold build's output folder);
 * - both sites from one run (issue 15; the project has internal incidents, near misses, internal sections and
 *   responders): `build --audience both`, cold and with nothing changed, and the internal site's output;
 * - two floors, in this process, on the same files: the I/O floor (walk incidents/, read every file and write
 *   the same bytes into a fresh folder) and the unified floor (single-threaded: per file, unified with
 *   remark-parse + remark-frontmatter + remark-gfm + remark-rehype + rehype-stringify, the frontmatter with
 *   `yaml`, one page through ONE eta template, written to disk; no site logic).
 *
 * Every figure is the median of `--runs` runs (default 3; 1 for sizes ≥ 10,000, `--runs-large`). Floors run
 * interleaved with the cold builds so that both see the same machine load. `--only cold,noop,edit,dev,floors`
 * limits what is measured (e.g. for a quick 10k look; `audiences` too). `--profile SIZE` adds one cold build of that size under
 * `node --cpu-prof` and prints where its time goes (bench/profile.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import { parse as parseYaml } from 'yaml';
import { Eta } from 'eta/core';
import type { Root as MdastRoot } from 'mdast';
import type { Root as HastRoot } from 'hast';
import { BENCH_SOURCE_DATE_EPOCH, generateProject, type GeneratedProject } from './generate.js';
import { formatSummary, profileFiles, summarizeFile, type ProfileSummary } from './profile.js';
import { sampleTree } from './tree-rss.js';
import { measureFeatures, type FeatureFigures } from './features.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'postmortem.js');
const CLI_MODULE = path.join(REPO_ROOT, 'build', 'src', 'cli', 'main.js');
const DEV_LATENCY = path.join(REPO_ROOT, 'build', 'bench', 'dev-latency.js');
const METRICS = ['cold', 'noop', 'edit', 'dev', 'floors', 'features', 'audiences'] as const;
type Metric = (typeof METRICS)[number];

// ---------------------------------------------------------------------------------------------
// Measuring a process

export interface ProcessRun {
  wallMs: number;
  /** user + system CPU time of the process, ms. */
  cpuMs: number;
  /** Peak resident set size, KiB. */
  maxRssKiB: number;
  /** Peak of the summed resident set sizes of the whole process tree (the indexer's process included), KiB. */
  treeRssKiB: number;
  code: number;
  stdout: string;
}

let timeBinary: boolean | undefined;
/** Whether GNU time (`/usr/bin/time -v`) is usable here. */
function hasGnuTime(): boolean {
  if (timeBinary === undefined) {
    const r = existsSync('/usr/bin/time') ? spawnSync('/usr/bin/time', ['-v', process.execPath, '-e', '0'], { encoding: 'utf8' }) : null;
    timeBinary = !!r && r.status === 0 && /Maximum resident set size/.test(r.stderr);
  }
  return timeBinary;
}

/** The in-process fallback: run the CLI's main() and report resourceUsage() on stderr. */
const WRAPPER = `
const { main } = await import(${JSON.stringify(pathToFileURL(CLI_MODULE).href)});
const code = await main(process.argv.slice(1));
const u = process.resourceUsage();
process.stderr.write('\\n@@bench ' + JSON.stringify({ maxRSS: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n');
process.exitCode = code;
`;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH), NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.NODE_OPTIONS;
  return env;
}

/** Run `postmortem <args>` in a child process and measure it. Throws when it does not exit 0. */
export async function measureCli(args: readonly string[], opts: { nodeFlags?: string[]; timeoutMs?: number } = {}): Promise<ProcessRun> {
  const nodeFlags = opts.nodeFlags ?? [];
  const gnu = hasGnuTime();
  const [cmd, argv] = gnu
    ? ['/usr/bin/time', ['-v', process.execPath, ...nodeFlags, BIN, ...args]]
    : [process.execPath, [...nodeFlags, '--input-type=module', '-e', WRAPPER, '--', ...args]];
  const t0 = performance.now();
  const child = spawn(cmd, argv, { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = sampleTree(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  const wallMs = performance.now() - t0;
  const treeRssKiB = sampler.stop();
  if (timer) clearTimeout(timer);
  let cpuMs = NaN;
  let maxRssKiB = NaN;
  if (gnu) {
    const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
    if (rss) maxRssKiB = Number(rss[1]);
  } else {
    const m = /@@bench (\{.*\})/.exec(stderr);
    if (m) {
      const r = JSON.parse(m[1]!) as { maxRSS: number; cpu: number };
      maxRssKiB = r.maxRSS;
      cpuMs = r.cpu;
    }
  }
  if (code !== 0) {
    throw new Error(`postmortem ${args.join(' ')} exited with ${code}${opts.timeoutMs && wallMs >= opts.timeoutMs ? ' (timed out)' : ''}\n${stdout}\n${stderr.slice(-4000)}`);
  }
  // A process tree is never smaller than its largest process (the sampler may miss a short peak).
  return { wallMs, cpuMs, maxRssKiB, treeRssKiB: Math.max(treeRssKiB, maxRssKiB), code, stdout: stdout.trim() };
}

// ---------------------------------------------------------------------------------------------
// Floors

export interface FloorRun {
  wallMs: number;
  cpuMs: number;
}

function timed(fn: () => void): FloorRun {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** (a) The I/O floor: walk incidents/, read every file, write the same bytes into a fresh folder. */
export async function ioFloor(root: string, outDir: string): Promise<FloorRun> {
  await rm(outDir, { recursive: true, force: true });
  return timed(() => {
    const files: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
        else if (e.name.endsWith('.md')) files.push(`${rel}${e.name}`);
      }
    };
    walk(path.join(root, 'incidents'), '');
    const made = new Set<string>();
    for (const f of files) {
      const bytes = readFileSync(path.join(root, 'incidents', f));
      const dest = path.join(outDir, f);
      const d = path.dirname(dest);
      if (!made.has(d)) {
        mkdirSync(d, { recursive: true });
        made.add(d);
      }
      writeFileSync(dest, bytes);
    }
  });
}

const PAGE_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · <%= it.site %></title>
<link rel="stylesheet" href="../../assets/style.css">
</head>
<body>
<header><a href="../../"><%= it.site %></a></header>
<main>
<h1><%= it.title %></h1>
<article>
<%~ it.body %>
</article>
</main>
<footer>Generated by the unified floor of the postmortem benchmark.</footer>
</body>
</html>
`;

/**
 * (b) The unified floor: single-threaded, for each file: read it, parse it with unified (remark-parse,
 * remark-frontmatter, remark-gfm), the frontmatter with `yaml`, to HTML (remark-rehype, rehype-stringify),
 * one page with one eta template, written to `<out>/incidents/<id>/index.html`. No site logic.
 */
export async function unifiedFloor(root: string, outDir: string): Promise<FloorRun> {
  await rm(outDir, { recursive: true, force: true });
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkRehype).use(rehypeStringify);
  const eta = new Eta({ autoEscape: true });
  const page = eta.compile(PAGE_TEMPLATE);
  return timed(() => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.md')) files.push(p);
      }
    };
    walk(path.join(root, 'incidents'));
    mkdirSync(path.join(outDir, 'incidents'), { recursive: true });
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const tree = processor.parse(text) as MdastRoot;
      const first = tree.children[0];
      const data = (first && first.type === 'yaml' ? parseYaml(first.value) : {}) as { title?: string };
      const hast = processor.runSync(tree) as HastRoot;
      const body = processor.stringify(hast);
      const html = eta.render(page, { title: data.title ?? '', site: 'Example Cloud Status', body });
      const dir = path.join(outDir, 'incidents', path.basename(file, '.md'));
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'index.html'), html);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The runner

interface Stat {
  runs: number[];
  median: number;
}
const stat = (runs: number[]): Stat => {
  const sorted = [...runs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { runs, median };
};

interface BuildFigures {
  wallMs: Stat;
  cpuMs: Stat;
  maxRssKiB: Stat;
  treeRssKiB: Stat;
}
const buildFigures = (runs: ProcessRun[]): BuildFigures => ({
  wallMs: stat(runs.map((r) => r.wallMs)),
  cpuMs: stat(runs.map((r) => r.cpuMs)),
  maxRssKiB: stat(runs.map((r) => r.maxRssKiB)),
  treeRssKiB: stat(runs.map((r) => r.treeRssKiB)),
});

export interface SizeResult {
  incidents: number;
  runs: number;
  input: { files: number; bytes: number; words: number; kinds: GeneratedProject['kinds']; overdueActions: number; internal: GeneratedProject['internal'] };
  cold?: BuildFigures & { summary: string };
  prime?: BuildFigures;
  noop?: BuildFigures;
  edit?: BuildFigures & { file: string };
  dev?: { ms: number | null; note: string; output?: string };
  output?: { files: number; bytes: number };
  ioFloor?: { wallMs: Stat; cpuMs: Stat };
  unifiedFloor?: { wallMs: Stat; cpuMs: Stat };
  ratios: { coldOverUnifiedFloor?: number; editOverIoFloor?: number; noopOverIoFloor?: number };
  /** Search index, insights and related incidents on their own (bench/features.ts). */
  features?: FeatureFigures;
  /** Both sites from one run (issue 15): `build --audience both`, cold and with nothing changed; the internal site's output. */
  audiences?: { cold: BuildFigures; noop: BuildFigures; internalOutput: { files: number; bytes: number } };
  /** Set when a measurement failed (a build that exited non-zero or timed out): the figures before it are kept. */
  error?: string;
}

async function dirStats(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        files++;
        bytes += (await lstat(p)).size;
      }
    }
  };
  await walk(dir);
  return { files, bytes };
}

/**
 * Run the dev edit-to-page script (bench/dev-latency.ts, written alongside this runner), when it exists:
 * `node build/bench/dev-latency.js --incidents N --edits E --json`. It generates its own project of N incidents
 * (simpler than ours), starts `postmortem dev`, edits files and prints a JSON array of
 * `{ incidents, editToPageMs: number[], … }`; the figure is the median of `editToPageMs`.
 * A plain-text output with a last "<number> ms" is accepted too.
 */
async function devLatency(n: number, edits: number, timeoutMs: number): Promise<{ ms: number | null; note: string; output?: string }> {
  if (!existsSync(DEV_LATENCY)) return { ms: null, note: 'n/a (build/bench/dev-latency.js does not exist yet)' };
  const child = spawn(process.execPath, [DEV_LATENCY, '--incidents', String(n), '--edits', String(edits), '--json'], {
    cwd: REPO_ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  clearTimeout(timer);
  if (code !== 0) return { ms: null, note: `error (dev-latency.js exited with ${code})`, output: `${out}\n${err}`.trim().slice(-2000) };
  let ms: number | null = null;
  try {
    const j = JSON.parse(out) as unknown;
    const entries = (Array.isArray(j) ? j : [j]) as Record<string, unknown>[];
    const e = entries.find((x) => x.incidents === n) ?? entries[0];
    const runs = e?.editToPageMs;
    if (Array.isArray(runs) && runs.length) ms = stat(runs as number[]).median;
    else {
      const v = e && [e.ms, e.medianMs, e.latencyMs, e.median].find((x) => typeof x === 'number');
      if (typeof v === 'number') ms = v;
    }
  } catch {
    const m = /([\d.]+)\s*ms\b(?![\s\S]*\d\s*ms\b)/.exec(out);
    if (m) ms = Number(m[1]);
  }
  return ms === null
    ? { ms: null, note: 'error (no figure in the output of dev-latency.js)', output: out.slice(-2000) }
    : { ms, note: `median of ${edits} edits, by build/bench/dev-latency.js on its own generated project of ${n} incidents`, output: out.trim().slice(-4000) };
}

interface Options {
  sizes: number[];
  runs: number;
  runsLarge: number;
  only: Set<Metric>;
  seed: number;
  json?: string;
  keep: boolean;
  profile?: number;
  timeoutMs: number;
  devEdits: number;
  /** Only print the table of earlier `--json` files (comma-separated; a later file's figures replace an earlier's). */
  table?: string[];
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

const sec = (ms: number) => (ms / 1000).toFixed(2);

/**
 * Both audiences from one run (issue 15): a cold `build --audience both` (the public site into `out`, the internal
 * one beside it) against the cold public build above, then a rebuild of both with nothing changed.
 */
async function measureAudiences(result: SizeResult, root: string, out: string, runs: number, opt: { timeoutMs: number }): Promise<void> {
  const internal = `${out}-internal`;
  const args = (extra: string[] = []) => ['build', root, '--audience', 'both', '--out', out, '--internal-out', internal, ...extra];
  const cold: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    await rm(out, { recursive: true, force: true });
    await rm(internal, { recursive: true, force: true });
    await rm(path.join(root, '.cache'), { recursive: true, force: true });
    const r = await measureCli(args(['--no-cache']), opt);
    cold.push(r);
    log(`cold build, both sites ${i + 1}: ${sec(r.wallMs)} s wall, ${sec(r.cpuMs)} s CPU, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak  | ${r.stdout.replace(/\n/g, ' | ')}`);
  }
  await measureCli(args(), opt); // fills the cache
  const noop: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await measureCli(args(), opt);
    noop.push(r);
    log(`rebuild, both sites, nothing changed ${i + 1}: ${sec(r.wallMs)} s wall, ${sec(r.cpuMs)} s CPU`);
  }
  result.audiences = { cold: buildFigures(cold), noop: buildFigures(noop), internalOutput: await dirStats(internal) };
  await rm(internal, { recursive: true, force: true });
}

async function measureSize(tmp: string, n: number, o: Options): Promise<SizeResult> {
  const runs = n >= 10_000 ? o.runsLarge : o.runs;
  const root = path.join(tmp, `project-${n}`);
  const out = path.join(tmp, `out-${n}`);
  log(`\n== ${n.toLocaleString('en-US')} incidents (${runs} run${runs === 1 ? '' : 's'} per figure)`);
  const g = await generateProject(root, { incidents: n, seed: o.seed });
  log(`generated ${g.files.length} files, ${(g.bytes / 1048576).toFixed(1)} MiB, ${g.words.toLocaleString('en-US')} body words in ${root}`);
  const result: SizeResult = {
    incidents: n,
    runs,
    input: { files: g.files.length, bytes: g.bytes, words: g.words, kinds: g.kinds, overdueActions: g.overdueActions, internal: g.internal },
    ratios: {},
  };
  try {
    await measureInto(result, g, root, out, tmp, n, runs, o);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    log(`measuring ${n} incidents failed: ${result.error}`);
  }
  computeRatios(result);
  return result;
}

function computeRatios(result: SizeResult): void {
  result.ratios = {};
  if (result.cold && result.unifiedFloor) result.ratios.coldOverUnifiedFloor = result.cold.wallMs.median / result.unifiedFloor.wallMs.median;
  if (result.edit && result.ioFloor) result.ratios.editOverIoFloor = result.edit.wallMs.median / result.ioFloor.wallMs.median;
  if (result.noop && result.ioFloor) result.ratios.noopOverIoFloor = result.noop.wallMs.median / result.ioFloor.wallMs.median;
}

async function measureInto(result: SizeResult, g: GeneratedProject, root: string, out: string, tmp: string, n: number, runs: number, o: Options): Promise<void> {
  const buildArgs = (extra: string[] = []) => ['build', root, '--out', out, ...extra];
  const opt = { timeoutMs: o.timeoutMs };

  // Cold builds, interleaved with the floors.
  const cold: ProcessRun[] = [];
  const io: FloorRun[] = [];
  const uni: FloorRun[] = [];
  for (let i = 0; i < runs; i++) {
    if (o.only.has('cold')) {
      await rm(out, { recursive: true, force: true });
      await rm(path.join(root, '.cache'), { recursive: true, force: true });
      const r = await measureCli(buildArgs(['--no-cache']), opt);
      cold.push(r);
      log(`cold build ${i + 1}: ${sec(r.wallMs)} s wall, ${sec(r.cpuMs)} s CPU, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak, ${(r.treeRssKiB / 1024).toFixed(0)} MiB process tree  | ${r.stdout}`);
      if (i === 0) result.output = await dirStats(out);
    }
    if (o.only.has('floors')) {
      const u = await unifiedFloor(root, path.join(tmp, `floor-unified-${n}`));
      uni.push(u);
      const f = await ioFloor(root, path.join(tmp, `floor-io-${n}`));
      io.push(f);
      log(`floors ${i + 1}: unified ${sec(u.wallMs)} s (${sec(u.cpuMs)} s CPU), I/O ${sec(f.wallMs)} s (${sec(f.cpuMs)} s CPU)`);
      await rm(path.join(tmp, `floor-unified-${n}`), { recursive: true, force: true });
      await rm(path.join(tmp, `floor-io-${n}`), { recursive: true, force: true });
    }
  }
  if (cold.length) result.cold = { ...buildFigures(cold), summary: cold[0]!.stdout };
  if (uni.length) result.unifiedFloor = { wallMs: stat(uni.map((r) => r.wallMs)), cpuMs: stat(uni.map((r) => r.cpuMs)) };
  if (io.length) result.ioFloor = { wallMs: stat(io.map((r) => r.wallMs)), cpuMs: stat(io.map((r) => r.cpuMs)) };

  // Rebuilds with the default flags (cache on, once there is one).
  if (o.only.has('noop') || o.only.has('edit')) {
    const prime = await measureCli(buildArgs(), opt);
    result.prime = buildFigures([prime]);
    log(`prime build (default flags, fills the cache if any): ${sec(prime.wallMs)} s`);
    if (!result.output) result.output = await dirStats(out);
  }
  if (o.only.has('noop')) {
    const noop: ProcessRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await measureCli(buildArgs(), opt);
      noop.push(r);
      log(`rebuild, nothing changed ${i + 1}: ${sec(r.wallMs)} s wall, ${sec(r.cpuMs)} s CPU, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak`);
    }
    result.noop = buildFigures(noop);
  }
  if (o.only.has('edit')) {
    const file = g.files[Math.floor(g.files.length / 2)]!;
    const abs = path.join(root, file);
    const original = await readFile(abs);
    const edit: ProcessRun[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        await appendFile(abs, `\nThe benchmark appended this sentence to the body, edit number ${i + 1}.\n`);
        const r = await measureCli(buildArgs(), opt);
        edit.push(r);
        log(`rebuild after editing ${file} ${i + 1}: ${sec(r.wallMs)} s wall, ${sec(r.cpuMs)} s CPU, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak, ${(r.treeRssKiB / 1024).toFixed(0)} MiB process tree`);
      }
    } finally {
      await writeFile(abs, original);
    }
    result.edit = { ...buildFigures(edit), file };
  }
  if (o.only.has('audiences')) await measureAudiences(result, root, out, runs, opt);
  if (o.only.has('features')) {
    if (!existsSync(out)) await measureCli(buildArgs(), opt);
    result.features = await measureFeatures(root, out, tmp);
    log(`features: ${JSON.stringify(result.features)}`);
  }
  if (o.only.has('dev')) {
    result.dev = await devLatency(n, o.devEdits, o.timeoutMs);
    log(`dev edit-to-page: ${result.dev.ms === null ? result.dev.note : `${result.dev.ms.toFixed(0)} ms (${result.dev.note})`}`);
  }
}

function formatTable(results: SizeResult[], meta: Meta): string {
  const cols = results.map((r) => r.incidents.toLocaleString('en-US'));
  const rows: [string, ...string[]][] = [];
  const s = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : (ms / 1000).toFixed(2));
  const mib = (b: number | undefined) => (b === undefined || !Number.isFinite(b) ? '–' : (b / 1048576).toFixed(1));
  const x = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`);
  const add = (label: string, f: (r: SizeResult) => string) => rows.push([label, ...results.map(f)]);
  add('runs per figure (median of)', (r) => String(r.runs));
  add('incident files', (r) => r.input.files.toLocaleString('en-US'));
  add('input MiB', (r) => mib(r.input.bytes));
  add('cold build, wall s', (r) => s(r.cold?.wallMs.median));
  add('cold build, CPU s (user+sys)', (r) => s(r.cold?.cpuMs.median));
  add('cold build, peak RSS MiB', (r) => mib(r.cold ? r.cold.maxRssKiB.median * 1024 : undefined));
  add('cold build, peak of the process tree (indexer included) MiB', (r) => mib(r.cold ? r.cold.treeRssKiB.median * 1024 : undefined));
  add('rebuild, nothing changed, wall s', (r) => s(r.noop?.wallMs.median));
  add('rebuild, nothing changed, CPU s', (r) => s(r.noop?.cpuMs.median));
  add('rebuild, one edit, wall s', (r) => s(r.edit?.wallMs.median));
  add('rebuild, one edit, CPU s', (r) => s(r.edit?.cpuMs.median));
  add('rebuild, one edit, peak RSS MiB', (r) => mib(r.edit ? r.edit.maxRssKiB.median * 1024 : undefined));
  add('rebuild, one edit, peak of the process tree MiB', (r) => mib(r.edit ? r.edit.treeRssKiB.median * 1024 : undefined));
  add('both sites (--audience both): cold, wall s', (r) => s(r.audiences?.cold.wallMs.median));
  add('both sites: cold, CPU s / peak RSS MiB', (r) => (r.audiences ? `${s(r.audiences.cold.cpuMs.median)} / ${mib(r.audiences.cold.maxRssKiB.median * 1024)}` : '–'));
  add('both sites: rebuild, nothing changed, wall s', (r) => s(r.audiences?.noop.wallMs.median));
  add('internal site: output files / MiB', (r) => (r.audiences ? `${r.audiences.internalOutput.files.toLocaleString('en-US')} / ${mib(r.audiences.internalOutput.bytes)}` : '–'));
  add('search index: cold, wall s / peak tree MiB', (r) => (r.features ? `${s(r.features.search.coldMs)} / ${mib(r.features.search.coldTreeRssKiB * 1024)}` : '–'));
  add('search index: one shard again, wall s', (r) => (r.features ? s(r.features.search.oneShardMs) : '–'));
  add('search index: nothing changed, wall s', (r) => (r.features ? s(r.features.search.unchangedMs) : '–'));
  add('search index: shards / files / MiB', (r) => (r.features ? `${r.features.search.shards} / ${r.features.search.files.toLocaleString('en-US')} / ${mib(r.features.search.bytes)}` : '–'));
  add('related incidents, all pages: wall s', (r) => (r.features ? s(r.features.related.ms) : '–'));
  add('insights, all time + every year: wall s', (r) => (r.features ? s(r.features.insights.ms) : '–'));
  add('insights pages + API: files / MiB (largest page KiB)', (r) => (r.features ? `${r.features.insights.files} / ${mib(r.features.insights.bytes)} (${(r.features.insights.largestPage / 1024).toFixed(0)})` : '–'));
  add('dev edit-to-page, ms', (r) => (r.dev ? (r.dev.ms === null ? (r.dev.note.startsWith('n/a') ? 'n/a' : 'error') : r.dev.ms.toFixed(0)) : '–'));
  add('output files', (r) => (r.output ? r.output.files.toLocaleString('en-US') : '–'));
  add('output MiB', (r) => mib(r.output?.bytes));
  add('I/O floor, wall s', (r) => s(r.ioFloor?.wallMs.median));
  add('I/O floor, CPU s', (r) => s(r.ioFloor?.cpuMs.median));
  add('unified floor, wall s', (r) => s(r.unifiedFloor?.wallMs.median));
  add('unified floor, CPU s', (r) => s(r.unifiedFloor?.cpuMs.median));
  add('cold / unified floor (target ≤ 0.6)', (r) => x(r.ratios.coldOverUnifiedFloor));
  add('one-edit rebuild / I/O floor (≤ 3 at 10k)', (r) => x(r.ratios.editOverIoFloor));
  add('no-change rebuild / I/O floor', (r) => x(r.ratios.noopOverIoFloor));
  add('cold CPU / unified floor CPU', (r) => x(r.cold && r.unifiedFloor ? r.cold.cpuMs.median / r.unifiedFloor.cpuMs.median : undefined));
  add('one-edit CPU / I/O floor CPU', (r) => x(r.edit && r.ioFloor ? r.edit.cpuMs.median / r.ioFloor.cpuMs.median : undefined));
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i + 1]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w0) : c.padStart(widths[i - 1]!))).join('  ');
  const lines = [line(['incidents', ...cols]), line(['-'.repeat(w0), ...widths.map((w) => '-'.repeat(w))]), ...rows.map(line)];
  const k1 = results.find((r) => r.incidents === 1000)?.cold;
  const k10 = results.find((r) => r.incidents === 10000)?.cold;
  for (const r of results) if (r.error) lines.push('', `${r.incidents.toLocaleString('en-US')} incidents: ${r.error.split('\n')[0]}`);
  if (k1 && k10) {
    lines.push('', `10k cold / 1k cold: ${(k10.wallMs.median / k1.wallMs.median).toFixed(2)}× wall, ${(k10.cpuMs.median / k1.cpuMs.median).toFixed(2)}× CPU (target ≤ 11)`);
  }
  lines.push(
    '',
    `postmortem ${meta.version} (${meta.commit}), node ${meta.node}, ${meta.platform}, ${meta.cpus}× ${meta.cpuModel}, ${meta.memGiB} GiB RAM`,
    `SOURCE_DATE_EPOCH=${BENCH_SOURCE_DATE_EPOCH}, seed ${meta.seed}; peak memory via ${meta.memorySource}; load average ${meta.loadStart} at start, ${meta.loadEnd ?? '?'} at end.`,
    'Wall times are medians; the machine is shared, so figures are noisy (compare CPU times too). Floors are measured in the',
    'runner process (modules loaded, no process start-up); builds are fresh `node bin/postmortem.js` processes.',
  );
  return lines.join('\n');
}

interface Meta {
  date: string;
  version: string;
  commit: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memGiB: string;
  seed: number;
  sourceDateEpoch: number;
  memorySource: string;
  loadStart: string;
  loadEnd?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      large: { type: 'boolean' },
      runs: { type: 'string' },
      'runs-large': { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean' },
      profile: { type: 'string' },
      timeout: { type: 'string' },
      'dev-edits': { type: 'string' },
      table: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: node build/bench/run.js [--sizes 100,1000] [--large] [--runs 3] [--runs-large 1] [--only cold,noop,edit,dev,floors]\n' +
        '                               [--seed 1] [--json FILE] [--keep] [--profile SIZE] [--timeout SECONDS] [--dev-edits 5]\n' +
        '       node build/bench/run.js --table FILE.json[,FILE.json…]   (print the table of earlier --json runs)\n',
    );
    process.exit(0);
  }
  const num = (v: string | undefined, d: number, what: string) => {
    if (v === undefined) return d;
    const n = Number(v.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${what} expects a positive whole number; found "${v}"`);
    return n;
  };
  const sizes = values.sizes ? values.sizes.split(',').map((s) => num(s.trim().replace(/k$/i, '000'), 0, 'sizes')) : [100, 1000];
  if (values.large && !sizes.includes(10_000)) sizes.push(10_000);
  const only = new Set<Metric>();
  for (const m of (values.only ?? METRICS.join(',')).split(',').map((s) => s.trim())) {
    if (!(METRICS as readonly string[]).includes(m)) throw new Error(`--only expects some of ${METRICS.join(', ')}; found "${m}"`);
    only.add(m as Metric);
  }
  const o: Options = {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    runs: num(values.runs, 3, 'runs'),
    runsLarge: num(values['runs-large'], 1, 'runs-large'),
    only,
    seed: num(values.seed, 1, 'seed'),
    keep: values.keep === true,
    timeoutMs: num(values.timeout, 1800, 'timeout') * 1000,
    devEdits: num(values['dev-edits'], 5, 'dev-edits'),
  };
  if (values.json) o.json = path.resolve(values.json);
  if (values.table) o.table = values.table.split(',').map((f) => path.resolve(f.trim()));
  if (values.profile) o.profile = num(values.profile.replace(/k$/i, '000'), 0, 'profile');
  return o;
}

function gitCommit(): string {
  const r = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o.table) {
    const bySize = new Map<number, SizeResult>();
    let meta: Meta | undefined;
    for (const f of o.table) {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { meta: Meta; results: SizeResult[] };
      meta ??= j.meta;
      // Field by field: a later file's figures replace an earlier file's (e.g. a quieter re-run of the cold build).
      for (const r of j.results) bySize.set(r.incidents, { ...bySize.get(r.incidents), ...r });
    }
    const merged = [...bySize.values()].sort((a, b) => a.incidents - b.incidents);
    merged.forEach(computeRatios);
    process.stdout.write(`${formatTable(merged, meta!)}\n`);
    return;
  }
  if (!existsSync(CLI_MODULE)) throw new Error(`${CLI_MODULE} is missing: compile first (npx tsc -p tsconfig.json)`);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const meta: Meta = {
    date: new Date().toISOString(),
    version: (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memGiB: (os.totalmem() / 2 ** 30).toFixed(0),
    seed: o.seed,
    sourceDateEpoch: BENCH_SOURCE_DATE_EPOCH,
    memorySource: hasGnuTime() ? '/usr/bin/time -v (maximum resident set size)' : 'process.resourceUsage().maxRSS of the CLI run in-process',
    loadStart: load(),
  };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'postmortem-bench-'));
  log(`benchmark: sizes ${o.sizes.join(', ')}; measuring ${[...o.only].join(', ')}; working folder ${tmp}`);
  const cleanup = async () => {
    if (!o.keep) await rm(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanup().then(() => process.exit(130));
  });
  const results: SizeResult[] = [];
  let profile: ProfileSummary | undefined;
  try {
    for (const n of o.sizes) results.push(await measureSize(tmp, n, o));
    if (o.profile !== undefined) {
      const n = o.profile;
      const root = path.join(tmp, `project-${n}`);
      if (!existsSync(root)) await generateProject(root, { incidents: n, seed: o.seed });
      const profDir = path.join(tmp, 'cpu-profile');
      const out = path.join(tmp, `out-profile-${n}`);
      const r = await measureCli(['build', root, '--out', out, '--no-cache'], { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], timeoutMs: o.timeoutMs });
      const files = await profileFiles(profDir);
      profile = await summarizeFile(files[files.length - 1]!);
      log(`\nprofiled cold build of ${n} incidents (${sec(r.wallMs)} s wall under the profiler)`);
      process.stdout.write(`${formatSummary(profile, 20)}\n\n`);
    }
  } finally {
    meta.loadEnd = load();
    await cleanup();
  }
  const table = formatTable(results, meta);
  process.stdout.write(`\n${table}\n`);
  if (o.json) {
    await writeFile(o.json, `${JSON.stringify({ meta, results, ...(profile ? { profile: { ...profile, byFunction: profile.byFunction.slice(0, 50) } } : {}) }, null, 2)}\n`);
    log(`wrote ${o.json}`);
  }
  if (o.keep) log(`kept ${tmp}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
