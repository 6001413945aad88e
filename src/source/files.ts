/**
 * The file-system edge: find incident files under `incidents/` and read them as UTF-8, safely.
 * Never follows a link out of the root, never walks a loop, never reads a huge file, never throws for bad files:
 * every problem is one diagnostic for that path.
 */
import { readFile, stat } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { INCIDENTS_DIR } from './layout.js';
import { refusalMessage, resolveInput, resolveInputSync, type Resolved } from './inputs.js';
import { walkInputFolder } from './folders.js';

/** Largest incident file accepted, in bytes. */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface SourceFile {
  /** Relative to the root, forward slashes. */
  file: string;
  text: string;
}

/**
 * List the incident files (sorted, relative paths) and diagnostics for what could not be walked. Names starting
 * with `_` are skipped too (scaffolds); a FIFO, socket or device named like an incident is listed, so that
 * `readSource` reports it without opening it.
 */
export async function findIncidentFiles(root: string): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await walkInputFolder(root, INCIDENTS_DIR, { skip: (name) => name.startsWith('_'), take: (name) => name.toLowerCase().endsWith('.md') });
  return { files: files.map((f) => `${INCIDENTS_DIR}/${f}`), diagnostics };
}

/** What a file's metadata rules out before it is opened: anything but a regular file, or one over the limit. */
function refuse(file: string, s: { isFile(): boolean; size: number }): Diagnostic | null {
  if (!s.isFile()) return fileDiagnostic(file, Rule.FileUnreadable, 'expected a file; found a folder or a special file');
  if (s.size > MAX_FILE_BYTES) {
    return fileDiagnostic(file, Rule.FileTooLarge, `the file is ${s.size} bytes; incident files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`, 'move attachments and logs out of the postmortem and link to them');
  }
  return null;
}

function unreadable(file: string, e: unknown): Diagnostic {
  const code = (e as NodeJS.ErrnoException).code;
  return fileDiagnostic(file, Rule.FileUnreadable, `cannot read the file: ${code === 'EACCES' ? 'permission denied' : code ?? String(e)}`);
}

/** A path that the rule of inputs (inputs.ts) refuses: a link out of the project, found after the walk. */
function refused(file: string, where: Resolved): Diagnostic | null {
  return !where.ok && 'refused' in where ? fileDiagnostic(file, Rule.SymlinkOutsideRoot, refusalMessage('the file', where.refused), 'copy the file into incidents/ instead of linking to it') : null;
}

/**
 * Read one file as UTF-8 text with the size limit; a problem is a diagnostic. The path is checked again against the
 * rule of inputs: `dev` reads paths named by file-system events, and a file may have become a link since the walk.
 */
export async function readSource(root: string, file: string): Promise<SourceFile | Diagnostic> {
  const abs = path.join(root, file);
  try {
    return refused(file, await resolveInput(root, file)) ?? refuse(file, await stat(abs)) ?? decode(file, await readFile(abs));
  } catch (e) {
    return unreadable(file, e);
  }
}

/**
 * `readSource`, synchronously: for reading thousands of small files in a row (a rebuild that hashes every file),
 * one system call each instead of a round trip through the thread pool.
 */
export function readSourceSync(root: string, file: string): SourceFile | Diagnostic {
  const abs = path.join(root, file);
  try {
    return refused(file, resolveInputSync(root, file)) ?? refuse(file, statSync(abs)) ?? decode(file, readFileSync(abs));
  } catch (e) {
    return unreadable(file, e);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const looseUtf8 = new TextDecoder('utf-8', { fatal: false });

/** Decode UTF-8 strictly; an invalid byte is one diagnostic pointing at its line and column. */
export function decode(file: string, bytes: Uint8Array): SourceFile | Diagnostic {
  try {
    return { file, text: strictUtf8.decode(bytes) };
  } catch {
    // The text before the first invalid byte is valid UTF-8: its end is the position of the bad byte,
    // counted like every other diagnostic (BOM skipped, columns in UTF-16 code units, LF, CRLF or CR line ends).
    const before = looseUtf8.decode(bytes.subarray(0, firstInvalidUtf8(bytes)));
    const lines = before.split(/\r\n|\r|\n/);
    return {
      file,
      line: lines.length,
      column: lines[lines.length - 1]!.length + 1,
      severity: Rule.FileEncoding.severity,
      rule: Rule.FileEncoding.id,
      message: 'the file is not valid UTF-8; expected UTF-8 text (a BOM is fine)',
      hint: 'save the file as UTF-8 in your editor',
    };
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (bytes.length when all are valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90; // no overlong forms
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return bytes.length;
}
