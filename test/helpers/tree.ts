/** Every file under a folder, by its path relative to it (forward slashes), with its bytes. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export async function listTree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) for (const [k, v] of await listTree(path.join(dir, e.name), `${rel}/`)) found.set(k, v);
    else found.set(rel, await readFile(path.join(dir, e.name)));
  }
  return found;
}
