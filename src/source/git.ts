/**
 * Which of the project's files a branch changed, from git: the files added, modified or renamed since the merge
 * base of HEAD and a reference (the pull request's base branch), plus uncommitted and untracked ones, as paths
 * relative to the project root. Anything git cannot answer is an error that says what to fetch, never a guess:
 * "everything changed" would fail every pull request on old warnings, "nothing changed" would pass anything.
 */
import { execFile } from 'node:child_process';
import { ProjectError } from '../core/errors.js';

export interface BranchChanges {
  /** The reference as given, and the merge base it resolved to. */
  ref: string;
  base: string;
  /** Paths relative to the project root, forward slashes. */
  files: Set<string>;
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function git(root: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // -C: run in the project folder, so that --relative and ls-files give paths relative to it.
    execFile('git', ['-C', root, ...args], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new ProjectError('--changed-since needs git, which is not installed (or not on PATH)'));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

/** The changes of the branch checked out in `root` since it left `ref`. Throws ProjectError (exit 2) when git cannot tell. */
export async function changedSince(root: string, ref: string): Promise<BranchChanges> {
  if (ref.trim() === '' || ref.startsWith('-')) throw new ProjectError(`--changed-since needs a git reference such as origin/main; found "${ref}"`);
  const top = await git(root, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) throw new ProjectError(`--changed-since needs a git repository; ${root} is not in one (git: ${firstLine(top.stderr)})`);
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (commit.code !== 0) {
    const fetch = shallow
      ? '; this is a shallow clone: fetch it first (git fetch --no-tags --depth=100 origin <branch>), or check out with fetch-depth: 0'
      : '; fetch it first (git fetch origin <branch>), or name an existing branch, tag or commit';
    throw new ProjectError(`--changed-since: "${ref}" is not a commit of this repository${fetch}`);
  }
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head.code !== 0) throw new ProjectError('--changed-since: the repository has no commit checked out (HEAD)');
  const mergeBase = await git(root, ['merge-base', commit.stdout.trim(), 'HEAD']);
  if (mergeBase.code !== 0) {
    throw new ProjectError(
      shallow
        ? `--changed-since: "${ref}" and HEAD have no common commit in this shallow clone: its history stops before the branch left ${ref}; deepen it (git fetch --deepen=100), or check out with fetch-depth: 0`
        : `--changed-since: "${ref}" and HEAD share no history, so what the branch changed cannot be told`,
    );
  }
  const base = mergeBase.stdout.trim();
  // Added, copied, modified, renamed (new name), type-changed: every path that exists now. Working tree included,
  // so that uncommitted edits count on a laptop as they will once committed.
  const diff = await git(root, ['-c', 'core.quotePath=false', 'diff', '--name-only', '-z', '--diff-filter=ACMRT', '--find-renames', '--relative', base, '--']);
  if (diff.code !== 0) throw new ProjectError(`--changed-since: git diff failed: ${firstLine(diff.stderr)}`);
  const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  if (untracked.code !== 0) throw new ProjectError(`--changed-since: git ls-files failed: ${firstLine(untracked.stderr)}`);
  const files = new Set([...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter((f) => f !== ''));
  return { ref, base, files };
}
