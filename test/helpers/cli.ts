/**
 * Helpers for tests that run the real binary (`node bin/postmortem.js …`) from the repository root,
 * and for projects built in a temporary folder (things that cannot be committed: unreadable files,
 * symbolic links, invalid UTF-8, huge files).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is compiled to build/test/helpers/cli.js). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.join(REPO_ROOT, 'bin', 'postmortem.js');
/** Fixture folders, relative to the repository root (the cwd of every run). */
export const FIXTURES = 'test/fixtures/check';

/** "Now" of fixture runs: 2025-01-01T00:00:00Z, so that future-time, overdue-action and long-ongoing never drift. */
export const FIXED_NOW_SECONDS = 1_735_689_600;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Working directory (default: the repository root). */
  cwd?: string;
}

/**
 * Run `node bin/postmortem.js …args`. The environment is the test's, without colour variables
 * (so output is plain, as when piped) and with SOURCE_DATE_EPOCH fixed, unless `opts.env` says otherwise.
 */
export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: String(FIXED_NOW_SECONDS) };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.NODE_TEST_CONTEXT;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  endLine?: number;
  endColumn?: number;
  hint?: string;
}

export interface JsonReport {
  diagnostics: JsonDiagnostic[];
  errors: number;
  warnings: number;
}

/** `postmortem check <dir> --format json …extra`, parsed. Throws (with the output) when stdout is not JSON. */
export async function checkJson(dir: string, extra: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult & { report: JsonReport }> {
  const r = await runCli(['check', dir, '--format', 'json', ...extra], opts);
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`check did not print JSON (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { ...r, report };
}

/** A minimal site.yaml with the services the fixtures use. */
export const SITE_YAML = `title: Fixture Status
timezone: UTC
services:
  - id: api
    name: API
  - id: website
    name: Website
`;

/** A valid, resolved incident (no warning at FIXED_NOW_SECONDS). */
export const VALID_INCIDENT = `---
title: API errors
summary: The API returned errors for 20 minutes.
severity: major
started: 2024-05-01T10:00:00Z
detected: 2024-05-01T10:05:00Z
mitigated: 2024-05-01T10:15:00Z
resolved: 2024-05-01T10:20:00Z
services: [api]
root_cause: A bad deploy.
---

What happened.
`;

/** A project in a fresh temporary folder; `files` maps relative paths to contents. */
export async function tempProject(files: Record<string, string | Uint8Array>, withSite = true): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'postmortem-test-'));
  const all: Record<string, string | Uint8Array> = withSite ? { 'site.yaml': SITE_YAML, ...files } : files;
  for (const [rel, content] of Object.entries(all)) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Whether the tests run as root (CI does), where chmod 000 does not stop reading. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** Run `fn` over `items` with at most `limit` at a time (spawning node processes on a small machine), keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Several CLI runs at once (at most 3 processes), results in order. */
export function runMany(argLists: readonly (readonly string[])[], opts: RunOptions = {}): Promise<RunResult[]> {
  return mapLimit(argLists, 3, (args) => runCli(args, opts));
}
