/** Reading site.yaml's text: without it no command can run (exit 2). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProjectError } from '../core/errors.js';
import { CONFIG_FILE } from './layout.js';

export async function readConfigText(root: string): Promise<string> {
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
