/**
 * Looking for marker strings in every byte of a site: every file's bytes, gzip-compressed files (Pagefind's index,
 * fragments, filters and metadata) decompressed too, and every file's path. Used by the leak tests (issue 15).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The texts a file is read as: its bytes (as latin1 and as UTF-8), and decompressed when it is gzip. */
export function textsOf(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes);
  const texts = [buf.toString('utf8'), buf.toString('latin1')];
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    const inner = gunzipSync(buf);
    texts.push(inner.toString('utf8'), inner.toString('latin1'));
  }
  return texts;
}

/** Every file of a folder, by path relative to it (forward slashes), with its bytes. */
export async function readTree(dir: string, rel = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [p, b] of await readTree(dir, r)) out.set(p, b);
    else out.set(r, new Uint8Array(await readFile(path.join(dir, r))));
  }
  return out;
}

export interface Found {
  marker: string;
  file: string;
}

/** Where each marker occurs in a site's files (their paths and bytes, decompressed where compressed); compared case-insensitively. */
export function findMarkers(files: ReadonlyMap<string, string | Uint8Array>, markers: readonly string[]): Found[] {
  const found: Found[] = [];
  const wanted = markers.map((m) => m.toLowerCase());
  for (const [file, content] of files) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const hay = [file, ...textsOf(bytes)].join('\n').toLowerCase();
    wanted.forEach((m, i) => {
      if (hay.includes(m)) found.push({ marker: markers[i]!, file });
    });
  }
  return found;
}

/** `found` as lines for an assertion message. */
export function describeFound(found: readonly Found[]): string {
  return found.map((f) => `${f.marker} in ${f.file}`).join('\n');
}
