/** The user's `static/` folder, copied into the output as is. */
import path from 'node:path';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { safeOutputPath } from './paths.js';
import { putFile } from './files.js';

/**
 * Copy a folder of static files (the user's `static/`) into the output folder, without following links out;
 * returns the site paths copied. A file is written as a new inode (see `putFile`).
 */
export async function copyStatic(from: string, to: string): Promise<string[]> {
  const copied: string[] = [];
  const walk = async (src: string, rel: string): Promise<void> => {
    const entries = await readdir(src, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(src, e.name), r);
      else if (e.isFile()) {
        putFile(path.join(to, safeOutputPath(r)), await readFile(path.join(src, e.name)));
        copied.push(r);
      }
    }
  };
  if (await lstat(from).then((s) => s.isDirectory(), () => false)) await walk(from, '');
  return copied;
}

