/** Reading site.yaml's text: without it no command can run (exit 2). */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ProjectError } from '../core/errors.js';
import { CONFIG_FILE } from './layout.js';
import { refusalMessage, resolveInput } from './inputs.js';
import { MAX_FILE_BYTES } from './files.js';

export async function readConfigText(root: string): Promise<string> {
  const where = await resolveInput(root, CONFIG_FILE);
  // A link out of the project is never read (its text would be shown in code frames).
  if (!where.ok && 'refused' in where) throw new ProjectError(refusalMessage(`${CONFIG_FILE} in ${root}`, where.refused));
  if (where.ok) {
    // Never opened unless a regular file of a sane size: a FIFO would block the run, a huge file exhaust memory.
    const st = await stat(where.real);
    if (!st.isFile()) throw new ProjectError(`${path.join(root, CONFIG_FILE)} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected the site's configuration file`);
    if (st.size > MAX_FILE_BYTES) throw new ProjectError(`${path.join(root, CONFIG_FILE)} is ${st.size} bytes; it may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`);
  }
  try {
    return await readFile(path.join(root, CONFIG_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProjectError(
      code === 'ENOENT'
        ? `no ${CONFIG_FILE} in ${root}; run postmortem in the folder that holds ${CONFIG_FILE} and incidents/, or pass --root DIR`
        : `cannot read ${path.join(root, CONFIG_FILE)}: ${code ?? String(e)}`,
    );
  }
}
