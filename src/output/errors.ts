/** What can stop the writing of a site, said plainly: the machine (a full disk, a permission) or a template. */
import type { PendingFile } from '../render/index.js';

/** The output cannot be written for a reason of the machine's: no space, no permission, not a folder. */
export class OutputError extends Error {}

/** A page's template threw while the page was rendered (templates are code: a user's may throw anything). */
export class RenderError extends Error {
  constructor(
    readonly path: string,
    readonly reason: unknown,
  ) {
    const message = reason instanceof Error ? reason.message : String(reason);
    // (The renderer's own errors say `rendering <path> with template "x": …` already.)
    const said = `rendering ${path} `;
    super(`could not render ${path}${message.startsWith(said) ? ` ${message.slice(said.length)}` : `: ${message}`}`);
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'a folder on the way does not exist (or cannot hold files)',
  EISDIR: 'a folder stands where a file must be written',
  EEXIST: 'a file stands where a folder must be made',
  EIO: 'an input/output error of the device',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open on the system',
  ENAMETOOLONG: 'a path is too long for the file system',
  EXDEV: 'the output and its staging folder are on different file systems',
  ELOOP: 'a loop of symbolic links',
};

/** Why a file-system error happened, in words, with its code: `no space left on the device (ENOSPC)`. */
export function errnoReason(e: NodeJS.ErrnoException): string {
  return `${REASONS[e.code ?? ''] ?? e.message} (${e.code})`;
}

/** An error of the file system while writing `out` as an OutputError; anything else as it is. */
export function explainWriteError(e: unknown, out: string): unknown {
  if (e instanceof OutputError || e instanceof RenderError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  const where = (e as NodeJS.ErrnoException).path;
  return new OutputError(`cannot write the site to ${out}: ${errnoReason(e as NodeJS.ErrnoException)}${where && where !== out ? ` at ${where}` : ''}`);
}

/** Render a pending file, naming it when its template throws. */
export function renderFile(file: PendingFile): string | Uint8Array {
  try {
    return file.render();
  } catch (e) {
    throw new RenderError(file.path, e);
  }
}
