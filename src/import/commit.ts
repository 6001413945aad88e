/**
 * Writing a staged import: every file is first written beside its target (a temporary name in the same folder),
 * then all are renamed into place; if anything fails, the files already moved are put back as they were. Ctrl-C
 * while the temporary files are written removes them and stops (nothing imported); during the renames (a few
 * milliseconds) it waits for them to finish, so the project is never left half-imported.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StagedFile } from './staging.js';

export class Interrupted extends Error {}

interface Temp {
  temp: string;
  target: string;
  file: StagedFile;
}

export async function commitStaged(root: string, files: readonly StagedFile[]): Promise<void> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const temps = await writeTemps(root, files, () => interrupted);
    await renameAll(temps);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function writeTemps(root: string, files: readonly StagedFile[], stop: () => boolean): Promise<Temp[]> {
  const tag = `.postmortem-import-${process.pid}`;
  const temps: Temp[] = [];
  try {
    for (const f of files) {
      if ((f.action !== 'create' && f.action !== 'update') || f.text === undefined) continue;
      if (stop()) throw new Interrupted('interrupted');
      const target = path.join(root, ...f.file.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}${tag}`;
      await writeFile(temp, f.text, { flag: 'w' });
      temps.push({ temp, target, file: f });
    }
    if (stop()) throw new Interrupted('interrupted');
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
    throw e;
  }
  return temps;
}

async function renameAll(temps: readonly Temp[]): Promise<void> {
  const done: Temp[] = [];
  try {
    for (const t of temps) {
      await rename(t.temp, t.target);
      done.push(t);
    }
  } catch (e) {
    for (const t of done.reverse()) {
      if (t.file.action === 'update' && t.file.previous !== undefined) await writeFile(t.target, t.file.previous).catch(() => undefined);
      else await rm(t.target, { force: true }).catch(() => undefined);
    }
    await Promise.all(temps.filter((t) => !done.includes(t)).map((t) => rm(t.temp, { force: true })));
    throw e;
  }
}
