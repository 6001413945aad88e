/**
 * Edit-to-page latency of `postmortem dev`: the time from writing an incident file to its rebuilt page being
 * served, on generated projects of N incidents.
 *
 *   node build/bench/dev-latency.js --incidents 1000,10000 [--edits 10] [--keep]
 *
 * For each size: generates a project in a temporary folder, starts `postmortem dev --port 0` as a child
 * process, subscribes to its event stream, then edits one incident file at a time: the clock starts just
 * before the write and stops when the page fetched after the `reload` event carries the new text. Reports
 * the median (and min / max) over the edits, and the server's own "Rebuilt in N ms" figures.
 * Target: under 200 ms at 10,000 incidents.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'bin', 'postmortem.js');
/** "Now" of the generated site (SOURCE_DATE_EPOCH), after every generated incident. */
const NOW = Date.parse('2025-01-01T00:00:00Z');

// ---------------------------------------------------------------------------------------------
// A deterministic generator of simple but realistic incidents

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['api', 'website', 'dashboard', 'database', 'payments', 'search', 'email', 'cdn'];
const SEVERITIES = ['critical', 'major', 'major', 'minor', 'minor', 'minor', 'notice'];
const PROBLEMS = ['elevated error rates', 'increased latency', 'failed deployments', 'delayed emails', 'login failures', 'stale search results', 'timeouts', 'partial outage'];
const CAUSES = [
  'A configuration change rolled out to every region at once exhausted the connection pool.',
  'A certificate expired on an internal load balancer.',
  'A slow query introduced by a schema migration locked a hot table.',
  'A dependency upgrade changed retry behaviour and amplified load during a brief network blip.',
  'Disk space ran out on the primary database after log rotation failed silently.',
];
const TAGS = ['database', 'network', 'deploy', 'config', 'capacity', 'dns', 'certificates', 'third-party'];

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function generateIncident(i: number, n: number): { file: string; text: string } {
  const r = rng(i + 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  // Spread over ten years before NOW, one incident every (10 years / n).
  const span = 10 * 365 * 86_400_000;
  const started = Math.floor((NOW - span + (span * i) / n + r() * 3_600_000) / 60_000) * 60_000;
  const duration = Math.floor(10 + r() * 240) * 60_000;
  const severity = pick(SEVERITIES);
  const services = [...new Set([pick(SERVICES), ...(r() < 0.3 ? [pick(SERVICES)] : [])])];
  const problem = pick(PROBLEMS);
  const title = `${problem[0]!.toUpperCase()}${problem.slice(1)} on ${services.join(' and ')}`;
  const date = iso(started).slice(0, 10);
  const id = `${date}-${problem.replace(/[^a-z]+/g, '-')}-${i}`;
  const timeline = [
    { at: started + 60_000, text: `We are investigating ${problem}.`, status: 'investigating' },
    { at: started + Math.floor(duration / 3), text: 'The cause is identified and a fix is being rolled out.', status: 'identified' },
    { at: started + Math.floor((2 * duration) / 3), text: 'The fix is deployed; we are **monitoring** the results.', status: 'monitoring' },
    { at: started + duration, text: 'This incident is resolved.', status: 'resolved' },
  ];
  const text = `---
title: ${JSON.stringify(title)}
summary: >-
  From ${iso(started)} for ${Math.round(duration / 60_000)} minutes, customers saw ${problem} on ${services.join(' and ')}.
severity: ${severity}
started: ${iso(started)}
detected: ${iso(started + 60_000)}
resolved: ${iso(started + duration)}
services: [${services.join(', ')}]
timeline:
${timeline.map((e) => `  - at: ${iso(e.at)}\n    text: ${JSON.stringify(e.text)}\n    status: ${e.status}`).join('\n')}
root_cause: |
  ${pick(CAUSES)}
contributing_factors:
  - Alerting fired only after customers reported the problem.
actions:
  - title: Add an alert on the error rate of ${services[0]}
    status: ${r() < 0.7 ? 'done' : 'wont_do'}
    kind: detect
  - title: Stage configuration rollouts region by region
    status: done
    priority: high
tags: [${[...new Set([pick(TAGS), pick(TAGS)])].join(', ')}]
authors: [SRE team]
---

## Impact

Between ${iso(started)} and ${iso(started + duration)}, about ${Math.floor(r() * 40) + 1} % of requests to
${services.join(' and ')} failed or were slow. No data was lost.

## What happened

1. A routine change was deployed.
2. Error rates rose within minutes; the on-call engineer was paged.
3. The change was rolled back and the service recovered.

| Metric | Before | During |
| --- | --- | --- |
| p99 latency | 180 ms | ${Math.floor(r() * 5000) + 500} ms |
| Error rate | 0.1 % | ${(r() * 30).toFixed(1)} % |

## Lessons learned

### What went well

- The rollback took minutes.

### What went wrong

- The alert threshold was too high.

### Where we got lucky

- It happened during business hours.
`;
  return { file: `incidents/${date.slice(0, 4)}/${id}.md`, text };
}

const SITE = `title: Bench Status
base_url: https://status.example.com/status/
timezone: UTC
services:
${SERVICES.map((s) => `  - id: ${s}\n    name: ${s[0]!.toUpperCase()}${s.slice(1)}`).join('\n')}
`;

export async function generateProject(n: number): Promise<{ root: string; files: string[] }> {
  const root = await mkdtemp(path.join(tmpdir(), `postmortem-bench-${n}-`));
  await writeFile(path.join(root, 'site.yaml'), SITE);
  const files: string[] = [];
  const dirs = new Set<string>();
  for (let i = 0; i < n; i++) {
    const { file, text } = generateIncident(i, n);
    const dir = path.dirname(path.join(root, file));
    if (!dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      dirs.add(dir);
    }
    await writeFile(path.join(root, file), text);
    files.push(file);
  }
  return { root, files };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Server {
  child: ChildProcess;
  url: string;
  out: () => string;
  startupMs: number;
}

async function startDev(root: string): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'dev', root, '--port', '0'], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(NOW / 1000), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`dev exited with ${code}:\n${out}`));
    });
  });
  return { child, url, out: () => out, startupMs: performance.now() - t0 };
}

/** Reads the event stream; resolves waiters on every `reload`. */
async function subscribe(url: string): Promise<{ next: () => Promise<void>; close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}__postmortem/events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let waiters: (() => void)[] = [];
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (/^event: reload$/m.test(event)) {
          const w = waiters;
          waiters = [];
          for (const f of w) f();
        }
      }
    }
  })().catch(() => undefined);
  return {
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => controller.abort(),
  };
}

/** CPU time (user + system, ms) used so far by a process, on Linux; null elsewhere. */
async function cpuMs(pid: number | undefined): Promise<number | null> {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Figures {
  incidents: number;
  startupMs: number;
  editToPageMs: number[];
  editToListMs: number[];
  serverRebuildMs: number[];
  /** CPU time the server used from the write to the page being served (load-independent). */
  serverCpuMs: number[];
}

async function measure(n: number, edits: number, keep: boolean): Promise<Figures> {
  process.stderr.write(`generating ${n} incidents… `);
  const { root, files } = await generateProject(n);
  process.stderr.write(`starting dev… `);
  const server = await startDev(root);
  process.stderr.write(`ready in ${(server.startupMs / 1000).toFixed(1)} s; editing\n`);
  const events = await subscribe(server.url);
  const figures: Figures = { incidents: n, startupMs: server.startupMs, editToPageMs: [], editToListMs: [], serverRebuildMs: [], serverCpuMs: [] };
  try {
    for (let k = 0; k <= edits; k++) {
      // A different file each time, spread over the history; the first edit is a warm-up.
      const file = files[Math.floor(((k * 7919) % n) + 0) % n]!;
      const id = path.basename(file, '.md');
      const pageUrl = `${server.url}incidents/${id}/`;
      await fetch(pageUrl).then((r) => r.text()); // the page as it was (and a warm renderer)
      const abs = path.join(root, file);
      const marker = `Edited ${k} at ${Date.now()}`;
      const text = (await readFile(abs, 'utf8')).replace(/^title: .*$/m, `title: ${JSON.stringify(marker)}`);
      const reloaded = events.next();
      const outBefore = server.out().length;
      const cpu0 = await cpuMs(server.child.pid);
      const t0 = performance.now();
      await writeFile(abs, text);
      for (;;) {
        await Promise.race([reloaded, new Promise((r) => setTimeout(r, 100))]);
        const page = await fetch(pageUrl).then((r) => r.text());
        if (page.includes(marker)) break;
        if (performance.now() - t0 > 30_000) throw new Error(`no rebuilt page after 30 s (edit ${k} of ${file})`);
      }
      const t1 = performance.now();
      const cpu1 = await cpuMs(server.child.pid);
      // A list page that shows the incident: the history page of its year.
      await fetch(`${server.url}history/${file.split('/')[1]}/`).then((r) => r.text());
      const t2 = performance.now();
      const rebuilt = /Rebuilt in (\d+) ms/.exec(server.out().slice(outBefore));
      if (k > 0) {
        figures.editToPageMs.push(t1 - t0);
        figures.editToListMs.push(t2 - t0);
        if (rebuilt) figures.serverRebuildMs.push(Number(rebuilt[1]));
        if (cpu0 !== null && cpu1 !== null) figures.serverCpuMs.push(cpu1 - cpu0);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    events.close();
    server.child.kill('SIGINT');
    await new Promise((r) => server.child.once('exit', r));
    if (!keep) await rm(root, { recursive: true, force: true });
    else process.stderr.write(`kept ${root}\n`);
  }
  return figures;
}

async function mainBench(): Promise<void> {
  const { values } = parseArgs({
    options: { incidents: { type: 'string', default: '1000,10000' }, edits: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const sizes = values.incidents!.split(',').map((s) => Number(s.trim()));
  const edits = Number(values.edits);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(edits) || edits < 1) {
    throw new Error('usage: node build/bench/dev-latency.js [--incidents 1000,10000] [--edits 10] [--keep] [--json]');
  }
  const results: Figures[] = [];
  for (const n of sizes) results.push(await measure(n, edits, values.keep === true));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  process.stdout.write('\npostmortem dev: edit-to-page latency (write → page served with the new text)\n\n');
  process.stdout.write('incidents | startup | edit→page median (min–max) | edit→page+history median | server "Rebuilt in" median | server CPU per edit median\n');
  process.stdout.write('--- | --- | --- | --- | --- | ---\n');
  for (const r of results) {
    process.stdout.write(
      `${r.incidents} | ${(r.startupMs / 1000).toFixed(1)} s | ${f(median(r.editToPageMs))} (${f(Math.min(...r.editToPageMs))}–${f(Math.max(...r.editToPageMs))}) | ${f(median(r.editToListMs))} | ${r.serverRebuildMs.length ? f(median(r.serverRebuildMs)) : 'n/a'} | ${r.serverCpuMs.length ? f(median(r.serverCpuMs)) : 'n/a'}\n`,
    );
  }
  process.stdout.write(`\nmachine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (the figures grow with the load)\n`);
  process.stdout.write(`\n${edits} edits each (after one warm-up); target: under 200 ms at 10,000 incidents.\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mainBench().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
