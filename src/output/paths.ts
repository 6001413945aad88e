/** Output paths: nothing can be written outside the output folder. */
import path from 'node:path';

/** A site path that is safe to join to the output folder, or an exception naming the bad path. */
export function safeOutputPath(p: string): string {
  if (p.length === 0 || p.length > 1024) throw new Error(`refusing to write an output file with an empty or overlong path`);
  if (p.includes('\\') || p.includes('\0') || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) {
    throw new Error(`refusing to write outside the output folder: ${JSON.stringify(p)}`);
  }
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '.' || s === '')) throw new Error(`refusing to write outside the output folder: ${JSON.stringify(p)}`);
  return parts.join(path.sep);
}

