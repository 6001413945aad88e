/**
 * Real git repositories for the tests of `check --changed-since` and the Action: git isolated from the machine's
 * configuration, commits of whole file sets, and incidents whose warnings tell a branch's changes from history.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VALID_INCIDENT } from './cli.js';

/** git without the system's or the user's configuration, with an author. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

/** Run git in `cwd`; its output, trimmed. Says plainly when git is missing. */
export function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new Error('these tests need git on PATH (apt-get install git)');
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${err.stderr ?? String(e)}`);
  }
}

/** Write files (paths relative to the repository) and commit everything. */
export async function commitFiles(repo: string, files: Record<string, string>, message: string): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
    await writeFile(path.join(repo, rel), text);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '--allow-empty', '-m', message);
}

/** A new repository on branch main holding `files`, committed. */
export async function newRepository(repo: string, files: Record<string, string>): Promise<void> {
  await mkdir(repo, { recursive: true });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  await commitFiles(repo, files, 'start');
}

/** At the fixed "now" of the CLI helpers (2025-01-01): an open action due in 2024, overdue by the date alone. */
export const OVERDUE_INCIDENT = VALID_INCIDENT.replace('root_cause: A bad deploy.', 'root_cause: A bad deploy.\nactions:\n  - title: Add a canary\n    status: open\n    due: 2024-06-01');
/** A warning of the file's own making: detected (line 6) before started. */
export const EARLY_INCIDENT = VALID_INCIDENT.replace('detected: 2024-05-01T10:05:00Z', 'detected: 2024-05-01T09:55:00Z');
