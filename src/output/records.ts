/** What an output folder holds, recorded in the build cache so that the next build can skip what did not change. */
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { compareStrings } from '../core/compare.js';
import type { KnownOutput, OutputKeys } from './files.js';

/**
 * Records of output folders, kept in the build cache: each valid only for the very folder it was written for
 * (same device and inode, so a folder replaced or rebuilt by anything else is not trusted) and the same tool.
 */
interface RecordFile {
  dir: string;
  dev: number;
  ino: number;
  tool: string;
  keys: [string, string | null, number][];
}

function outId(out: string): string {
  return createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 16);
}

/** Where the record of `out` itself, and the spare copy of its previous version and its record, are kept. */
export function outputPlaces(cacheDir: string, out: string) {
  const id = outId(out);
  return {
    record: path.join(cacheDir, `output-${id}.json`),
    spare: path.join(cacheDir, `spare-${id}`),
    spareRecord: path.join(cacheDir, `spare-${id}.json`),
  };
}

/** The files of `dir`, if a trustworthy record of them exists. */
export function readRecord(file: string, dir: string, tool: string): KnownOutput | undefined {
  try {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return undefined;
    const m = JSON.parse(readFileSync(file, 'utf8')) as RecordFile;
    if (m.dir !== path.resolve(dir) || m.dev !== st.dev || m.ino !== st.ino || m.tool !== tool || !Array.isArray(m.keys)) return undefined;
    return { dir, dev: st.dev, ino: st.ino, keys: new Map(m.keys.map(([p, k, b]) => [p, [k, b] as const])) };
  } catch {
    return undefined;
  }
}

/** The identity of a folder (its device and inode survive the rename that swaps it in). */
export function folderIdentity(dir: string): { dev: number; ino: number } {
  const st = lstatSync(dir);
  return { dev: st.dev, ino: st.ino };
}

/**
 * Record the files of `dir`, by the identity `id` of the folder they were written into (taken before it was
 * renamed to `dir`: if anything replaced it since, the record does not match and is not used). Failing to write
 * is not an error of the build.
 */
export function writeRecord(file: string, dir: string, tool: string, keys: OutputKeys, id: { dev: number; ino: number }): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const m: RecordFile = { dir: path.resolve(dir), dev: id.dev, ino: id.ino, tool, keys: [...keys].sort(([a], [b]) => compareStrings(a, b)).map(([p, [k, b]]) => [p, k, b]) };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

