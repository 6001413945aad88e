/**
 * The build cache: per-file results (incident, HTML of its Markdown, diagnostics) under
 * `<root>/.cache/postmortem/`, so that a rebuild parses and renders only the files that changed.
 *
 * A result is reused only when all of these are the same: the file's bytes (SHA-256 of its text), the tool
 * (CACHE_FORMAT, package version and a hash of the tool's own compiled code), site.yaml (its whole text but `notify:`), the
 * drafts flag, and "now" inside the window over which validation gives the same result (see `NowWindow` in
 * validate.ts: an incident that may become overdue tomorrow is re-validated tomorrow). Pages, feeds and the API
 * are always rendered from the results, so a template change cannot leave a stale page.
 *
 * Results are stored in SHARDS files, each written atomically (temporary file + rename), without the bulky
 * part: each incident's HTML and Markdown source go to a file of their own (`blobs-<key>/`), read only when a
 * page or record that shows them is rendered, so a rebuild that changes a few pages reads a few of them. Anything
 * unreadable — a truncated file, garbage, another version — is ignored (the files are processed again), never
 * fatal; a blob that cannot be read is recomputed from the incident file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncidentHtml } from '../core/model.js';
import path from 'node:path';
import { COMPILED_ROOT, packageVersion } from '../core/paths.js';
import { BUILTIN_LOCALES_DIR } from '../core/strings.js';
import { deserialize, serialize } from 'node:v8';
import { contentHash } from '../core/hash.js';
import type { FileResult } from '../process/index.js';
import { configTextWithoutNotify, inWindow } from '../validate/index.js';
import { CACHE_DIR as CACHE_PATH, canOwnFolder } from '../source/index.js';
import { execFileSync } from 'node:child_process';

/**
 * Bump when the shape of stored results changes (3: results carry their weight, see validate/limits.ts; 4: what is
 * internal, issue 15: incidents' visibility and internal parts, the public HTML of their bodies, links to incidents).
 */
export const CACHE_FORMAT = 4;
export const CACHE_DIR = path.join(...CACHE_PATH.split('/'));
const SHARDS = 16;

/**
 * The build cache folder of a project, or why it cannot be used. The cache is written, so it must be a folder of
 * the project's own, reached through no link (a committed `.cache` link to `static/` would publish the cache, drafts
 * included, and write it wherever the link points); and it is trusted (it holds rendered HTML), so it must not
 * come from the repository: files under `.cache/` committed to git are a cache a pull request could have forged.
 */
export function cacheFolder(root: string): { dir: string } | { unusable: string } {
  if (!canOwnFolder(root, CACHE_PATH)) return { unusable: `${CACHE_PATH} is reached through a symbolic link or is not a folder` };
  if (trackedByGit(root, CACHE_PATH.split('/')[0]!)) return { unusable: `files under ${CACHE_PATH.split('/')[0]}/ are committed to git (a cache must never come from the repository)` };
  return { dir: path.join(root, CACHE_DIR) };
}

/** Whether git tracks files under `rel` (false when git or a repository is missing). */
function trackedByGit(root: string, rel: string): boolean {
  try {
    return execFileSync('git', ['ls-files', '-z', '--', rel], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).length > 0;
  } catch {
    return false;
  }
}

/**
 * What the file system said of a file when it was read: a rebuild whose file still says the same is not read
 * again. `ctimeMs` changes on every write (no tool sets it back); `seen` is when the stamp was taken, and a
 * stamp is trusted only if the file had not changed in the 2 s before (on a file system with coarse times, a
 * write in the same tick as the read would otherwise go unnoticed: git's "racily clean" rule).
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  seen: number;
}

/** Whether a stored stamp is trusted (see FileStamp) and the file still says the same. */
function stillTrusted(s: FileStamp | undefined, now: FileStamp): boolean {
  if (!s || s.size !== now.size || s.mtimeMs !== now.mtimeMs || s.ctimeMs !== now.ctimeMs || s.ino !== now.ino) return false;
  return Math.max(s.mtimeMs, s.ctimeMs) < s.seen - 2000;
}

export interface CacheEntry {
  /** SHA-256 of the file's text. */
  hash: string;
  stamp?: FileStamp;
  /** The result, without its text. */
  result: FileResult;
}

interface ShardFile {
  key: string;
  entries: Map<string, CacheEntry>;
}

let toolHash: string | undefined;
/**
 * The tool's identity: its version, a hash of its compiled code and of its string catalogues (`locales/*.json`),
 * and the versions of the ICU, CLDR and time-zone data `Intl` formats with (a Node upgrade that changes how a
 * date is written, or a zone's rules, misses). Any change to the tool misses.
 */
export function toolIdentity(): string {
  if (toolHash === undefined) {
    const here = COMPILED_ROOT;
    const h = createHash('sha256');
    h.update(`version ${packageVersion()}\0`);
    h.update(`intl ${intlVersions()}\0`);
    for (const name of readdirSync(BUILTIN_LOCALES_DIR).sort()) {
      if (name.endsWith('.json')) h.update(`locales/${name}\0`).update(readFileSync(path.join(BUILTIN_LOCALES_DIR, name))).update('\0');
    }
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js')) h.update(`${path.relative(here, p)}\0`).update(readFileSync(p)).update('\0');
      }
    };
    walk(here);
    toolHash = h.digest('base64url');
  }
  return toolHash;
}

/** `icu 78.2 cldr 48.0 tz 2025c`: the data behind every date, number and zone `Intl` writes. */
export function intlVersions(versions: Readonly<Record<string, string | undefined>> = process.versions as Readonly<Record<string, string | undefined>>): string {
  return `icu ${versions.icu ?? '-'} cldr ${versions.cldr ?? '-'} tz ${versions.tz ?? '-'} unicode ${versions.unicode ?? '-'}`;
}

export interface CacheKeyParts {
  configText: string;
  drafts: boolean;
  /** Overrides the tool identity (tests). */
  tool?: string;
}

/** The key of the stored results; site.yaml's `notify:` targets are left out (nothing built depends on them). */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(`postmortem cache ${CACHE_FORMAT}\0${parts.tool ?? toolIdentity()}\0${parts.drafts ? 'drafts' : 'published'}\0${configTextWithoutNotify(parts.configText)}`)
    .digest('base64url');
}

function shardOf(file: string): number {
  let h = 2166136261;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 16777619);
  return (h >>> 0) % SHARDS;
}

/** The bulky part of a result, stored beside it: the HTML and the Markdown source of the body. */
export interface Blob {
  html: IncidentHtml;
  body: string;
}

/** The HTML of a result as stored: plain values (the result's may be getters), the public renderings when there are. */
function storedHtml(html: IncidentHtml | undefined): IncidentHtml {
  const out: { -readonly [K in keyof IncidentHtml]: IncidentHtml[K] } = { bodyHtml: html?.bodyHtml ?? '', rootCauseHtml: html?.rootCauseHtml ?? '', timelineHtml: html?.timelineHtml ?? [] };
  if (html?.publicBodyHtml !== undefined) out.publicBodyHtml = html.publicBodyHtml;
  if (html?.publicRootCauseHtml !== undefined) out.publicRootCauseHtml = html.publicRootCauseHtml;
  return out;
}

export class BuildCache {
  private readonly shards: Map<string, CacheEntry>[] = [];
  private readonly dirty = new Set<number>();
  /** Blobs to write at `save`, by file name. */
  private readonly newBlobs = new Map<string, Blob>();
  /** Blob file names no longer referenced. */
  private readonly oldBlobs = new Set<string>();
  /** The last blob read (a page reads one incident's fields several times in a row). */
  private lastBlob: { name: string; blob: Blob } | undefined;
  private constructor(
    readonly dir: string,
    readonly key: string,
  ) {}

  private get blobDir(): string {
    return path.join(this.dir, `blobs-${this.key.slice(0, 16)}`);
  }

  private blobName(file: string, hash: string): string {
    return createHash('sha256').update(`${file}\0${hash}`).digest('hex');
  }

  private blobPath(name: string): string {
    return path.join(this.blobDir, name.slice(0, 2), `${name}.bin`);
  }

  private readBlob(name: string, recompute: () => Blob): Blob {
    if (this.lastBlob?.name === name) return this.lastBlob.blob;
    let blob = this.newBlobs.get(name);
    if (!blob) {
      try {
        const b = deserialize(readFileSync(this.blobPath(name))) as Blob;
        if (b && typeof b.body === 'string' && b.html && typeof b.html.bodyHtml === 'string' && Array.isArray(b.html.timelineHtml)) blob = b;
      } catch {
        // Missing or damaged: recomputed below.
      }
      blob ??= recompute();
    }
    this.lastBlob = { name, blob };
    return blob;
  }

  /** Open the cache of a project; a missing or unreadable cache is an empty one. */
  static async open(dir: string, key: string): Promise<BuildCache> {
    const cache = new BuildCache(dir, key);
    await Promise.all(
      Array.from({ length: SHARDS }, async (_, i) => {
        cache.shards[i] = new Map();
        try {
          const data = deserialize(await readFile(cache.shardPath(i))) as ShardFile;
          if (data && data.key === key && data.entries instanceof Map) cache.shards[i] = data.entries;
        } catch {
          // Missing, truncated, garbage or another format: start this shard afresh.
        }
      }),
    );
    return cache;
  }

  private shardPath(i: number): string {
    return path.join(this.dir, `files-${String(i).padStart(2, '0')}.bin`);
  }

  /**
   * The stored result for this file and text, when valid at `now`. Its incident has no `body` and its `html`
   * reads the stored HTML and body when used (`recompute` gives them if the stored copy is unreadable).
   */
  get(file: string, hash: string, now: number, recompute: () => Blob): FileResult | undefined {
    const e = this.shards[shardOf(file)]!.get(file);
    if (!e || e.hash !== hash) return undefined;
    const r = e.result;
    if (!inWindow(r, now)) return undefined;
    const name = r.incident ? this.blobName(file, hash) : '';
    // A result whose blob is gone (a cache folder cleaned by hand) is a miss: the file is processed again.
    if (r.incident && !this.newBlobs.has(name) && !existsSync(this.blobPath(name))) return undefined;
    const out: FileResult = { ...r, diagnostics: r.diagnostics.map((d) => ({ ...d })) };
    if (r.incident) {
      const blob = () => this.readBlob(name, recompute);
      out.html = {
        get bodyHtml() {
          return blob().html.bodyHtml;
        },
        get rootCauseHtml() {
          return blob().html.rootCauseHtml;
        },
        get timelineHtml() {
          return blob().html.timelineHtml;
        },
        get body() {
          return blob().body;
        },
        get publicBodyHtml() {
          return blob().html.publicBodyHtml;
        },
        get publicRootCauseHtml() {
          return blob().html.publicRootCauseHtml;
        },
      };
    }
    return out;
  }

  /**
   * The hash of the file's text as last read, without reading it, when its stamp is unchanged and trusted and
   * its stored result has no diagnostics (those need the text, for their code frames).
   */
  unchangedHash(file: string, stamp: FileStamp): string | undefined {
    const e = this.shards[shardOf(file)]!.get(file);
    return e && e.result.diagnostics.length === 0 && stillTrusted(e.stamp, stamp) ? e.hash : undefined;
  }

  /** Record a new stamp for a file read again and found unchanged (a checkout or `touch` changes stamps only). */
  restamp(file: string, hash: string, stamp: FileStamp): void {
    const i = shardOf(file);
    const e = this.shards[i]!.get(file);
    if (!e || e.hash !== hash) return;
    if (stillTrusted(e.stamp, stamp)) return;
    e.stamp = stamp;
    this.dirty.add(i);
  }

  set(file: string, hash: string, result: FileResult, stamp?: FileStamp): void {
    const i = shardOf(file);
    const before = this.shards[i]!.get(file);
    if (before && before.result.incident) this.oldBlobs.add(this.blobName(file, before.hash));
    const stored: FileResult = { ...result };
    delete stored.text;
    delete stored.html;
    if (result.incident) {
      const { body, ...incident } = result.incident;
      stored.incident = incident as typeof result.incident;
      const name = this.blobName(file, hash);
      this.oldBlobs.delete(name);
      this.newBlobs.set(name, { html: storedHtml(result.html), body });
    }
    this.shards[i]!.set(file, stamp ? { hash, result: stored, stamp } : { hash, result: stored });
    this.dirty.add(i);
  }

  /** Forget files that no longer exist. */
  retain(files: ReadonlySet<string>): void {
    this.shards.forEach((shard, i) => {
      for (const [f, e] of shard) {
        if (!files.has(f)) {
          if (e.result.incident) this.oldBlobs.add(this.blobName(f, e.hash));
          shard.delete(f);
          this.dirty.add(i);
        }
      }
    });
  }

  /** Write the changed shards, each atomically. Failing to write is not an error of the build. */
  async save(): Promise<void> {
    if (this.dirty.size === 0) return;
    try {
      await mkdir(this.dir, { recursive: true });
      // Blobs first: a shard never names a blob that is not written yet.
      const blobs = [...this.newBlobs];
      let next = 0;
      const writer = async () => {
        while (next < blobs.length) {
          const [name, blob] = blobs[next++]!;
          const target = this.blobPath(name);
          await mkdir(path.dirname(target), { recursive: true });
          const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
          await writeFile(tmp, serialize(blob));
          await rename(tmp, target);
        }
      };
      await Promise.all(Array.from({ length: Math.min(32, blobs.length) }, writer));
      this.newBlobs.clear();
      await Promise.all(
        [...this.dirty].map(async (i) => {
          const target = this.shardPath(i);
          const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
          try {
            await writeFile(tmp, serialize({ key: this.key, entries: this.shards[i]! } satisfies ShardFile));
            await rename(tmp, target);
          } catch {
            await rm(tmp, { force: true });
          }
        }),
      );
      await Promise.all([...this.oldBlobs].map((name) => rm(this.blobPath(name), { force: true })));
      this.oldBlobs.clear();
      // Leftovers of interrupted writes, and the blobs of other keys (another site.yaml or tool version).
      for (const name of await readdir(this.dir).catch(() => [] as string[])) {
        if (/\.bin\.tmp-(\d+)-/.test(name) && name.includes(`.tmp-${process.pid}-`)) await rm(path.join(this.dir, name), { force: true });
        if (name.startsWith('blobs-') && path.join(this.dir, name) !== this.blobDir) await rm(path.join(this.dir, name), { recursive: true, force: true });
      }
    } catch {
      // A read-only or full disk: the next build just does more work.
    }
    this.dirty.clear();
  }
}
