/**
 * Summarize V8 CPU profiles (`node --cpu-prof`): where the time goes.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/postmortem.js build <dir> --out <out> --no-cache
 *   node build/bench/profile.js /tmp/prof            # every .cpuprofile in the folder (the newest if --latest)
 *   node build/bench/profile.js FILE.cpuprofile [--top 25] [--json OUT]
 *
 * Prints: self time by function, self time by package (a node_modules package, a file of this project,
 * node's internals, GC, idle), and inclusive time by the nearest function of this project on the stack
 * ("which of our functions, library calls included, costs what").
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byFunction: Row[];
  byPackage: Row[];
  /** Inclusive time attributed to the innermost frame of this project's own code on the stack. */
  byOwnFunction: Row[];
  /** Inclusive time by file of this project (innermost project frame). */
  byOwnFile: Row[];
}

/** The package (or bucket) a frame belongs to. */
export function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) {
    if (frame.functionName.startsWith('(')) return frame.functionName; // (garbage collector), (program), (idle), (root)
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node:internal';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const own = ownFile(url);
  if (own) return `postmortem:${own}`;
  return url.replace(/^file:\/\//, '');
}

/** `src/render.js` for a file of this project's build output (or `bin/postmortem.js`), else null. */
function ownFile(url: string): string | null {
  const m = /\/build\/((?:src|bench)\/.+)$/.exec(url) ?? /\/(bin\/postmortem\.js)$/.exec(url);
  return m ? m[1]! : null;
}

function frameName(f: CallFrame): string {
  const where = f.url ? `${f.url.replace(/^file:\/\/.*\/node_modules\//, '').replace(/^file:\/\/.*\/build\//, '')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

function rows(map: Map<string, number>, total: number): Row[] {
  return [...map.entries()]
    .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / total }))
    .sort((a, b) => b.ms - a.ms);
}

export function summarize(profile: CpuProfile, file = ''): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Self time per node: each sample's time delta (the interval that ended with it) goes to its node.
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  }
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byOwnFunction = new Map<string, number>();
  const byOwnFile = new Map<string, number>();
  const ownCache = new Map<number, CallFrame | null>();
  const innermostOwn = (id: number): CallFrame | null => {
    const cached = ownCache.get(id);
    if (cached !== undefined) return cached;
    const n = byId.get(id)!;
    let r: CallFrame | null;
    if (n.callFrame.url && ownFile(n.callFrame.url) && n.callFrame.functionName !== '') r = n.callFrame;
    else {
      const p = parent.get(id);
      r = p === undefined ? null : innermostOwn(p);
    }
    ownCache.set(id, r);
    return r;
  };
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const fn = frameName(f);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = packageOf(f);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const own = f.url || f.functionName === '(garbage collector)' ? innermostOwn(id) : null;
    const ownName = own ? frameName(own) : f.functionName.startsWith('(') ? f.functionName : '(outside project code: startup, module loading, I/O callbacks)';
    byOwnFunction.set(ownName, (byOwnFunction.get(ownName) ?? 0) + ms);
    const ownF = own ? ownFile(own.url)! : ownName;
    byOwnFile.set(ownF, (byOwnFile.get(ownF) ?? 0) + ms);
  }
  return {
    file,
    totalMs: total,
    byFunction: rows(byFunction, total),
    byPackage: rows(byPackage, total),
    byOwnFunction: rows(byOwnFunction, total),
    byOwnFile: rows(byOwnFile, total),
  };
}

export function formatSummary(s: ProfileSummary, top = 25): string {
  const table = (title: string, r: Row[]) => {
    const lines = [`${title}`];
    for (const row of r.slice(0, top)) lines.push(`  ${row.ms.toFixed(0).padStart(8)} ms ${row.pct.toFixed(1).padStart(5)} %  ${row.name}`);
    if (r.length > top) {
      const rest = r.slice(top).reduce((a, b) => a + b.ms, 0);
      lines.push(`  ${rest.toFixed(0).padStart(8)} ms ${((100 * rest) / s.totalMs).toFixed(1).padStart(5)} %  (${r.length - top} more)`);
    }
    return lines.join('\n');
  };
  return [
    `Profile ${s.file}: ${(s.totalMs / 1000).toFixed(2)} s sampled`,
    table('Self time by package:', s.byPackage),
    table('Self time by function:', s.byFunction),
    table('Inclusive time by the innermost project file on the stack:', s.byOwnFile),
    table('Inclusive time by the innermost project function on the stack:', s.byOwnFunction),
  ].join('\n\n');
}

/** Profiles named by path: a .cpuprofile file, or every .cpuprofile in a folder. */
export async function profileFiles(p: string): Promise<string[]> {
  const s = await stat(p);
  if (!s.isDirectory()) return [p];
  const names = (await readdir(p)).filter((n) => n.endsWith('.cpuprofile')).sort();
  return names.map((n) => path.join(p, n));
}

export async function summarizeFile(file: string): Promise<ProfileSummary> {
  return summarize(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, file);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { parseArgs } = await import('node:util');
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string' }, json: { type: 'string' }, latest: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node build/bench/profile.js FILE.cpuprofile|DIR [--top N] [--latest] [--json OUT]\n');
    process.exit(2);
  }
  let files = await profileFiles(positionals[0]!);
  if (values.latest && files.length > 1) {
    const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
    files = [files[times.indexOf(Math.max(...times))]!];
  }
  const summaries: ProfileSummary[] = [];
  for (const f of files) {
    const s = await summarizeFile(f);
    summaries.push(s);
    process.stdout.write(`${formatSummary(s, Number(values.top ?? 25))}\n\n`);
  }
  if (values.json) await writeFile(values.json, `${JSON.stringify(summaries, null, 2)}\n`);
}
