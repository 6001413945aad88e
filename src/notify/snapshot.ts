/**
 * Reading `api/notify.json` (render/notify-snapshot.ts): from the folder just built, and from the live site, which
 * may hold anything (another tool's file, an older or newer version, an error page): it is checked against the
 * versions this tool knows before anything is derived from it.
 *
 * The live site is fetched with a query that no cache has seen and `Cache-Control: no-cache`: a CDN in front of the
 * host (GitHub Pages keeps pages 10 minutes) would otherwise answer with an older snapshot, and events already
 * announced would be announced again.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { COMPONENT_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../core/model.js';
import { NOTIFY_SNAPSHOT_FORMAT, NOTIFY_SNAPSHOT_PATH, NOTIFY_SNAPSHOT_VERSION, type NotifySnapshot } from '../render/index.js';
import { NotifyError } from './errors.js';
import { describeFetchError } from './http.js';

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
const status = z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]);
/** An incident's id is a slug (it names a file of the new site that notify reads). */
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(100);

/** Version 1, as render/notify-snapshot.ts writes it (unknown keys are ignored: a later minor addition). */
const snapshotV1 = z.object({
  format: z.literal(NOTIFY_SNAPSHOT_FORMAT),
  version: z.literal(1),
  generated_at: iso,
  site: z.object({ title: z.string(), url: z.string().nullable(), language: z.string(), audience: z.literal('internal').optional() }),
  services: z.array(z.object({ id: z.string(), name: z.string(), status: z.enum(COMPONENT_STATUSES), url: z.string() })),
  incidents: z.array(
    z.object({
      id,
      maintenance: z.boolean(),
      phase: z.enum(['open', 'resolved', 'upcoming', 'in_progress', 'completed']),
      postmortem: z.boolean(),
      status,
      started_at: iso,
      resolved_at: iso.nullable(),
      latest_update: z.string().regex(/^\S+Z \w+$/).nullable(),
    }),
  ),
});

/** A snapshot's text → the snapshot; throws NotifyError saying what is wrong, naming `source`. */
export function parseSnapshot(text: string, source: string): NotifySnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new NotifyError(`${source} is not JSON: not a snapshot postmortem wrote (an error page of the host?)`);
  }
  const head = z.object({ format: z.literal(NOTIFY_SNAPSHOT_FORMAT), version: z.number().int() }).safeParse(data);
  if (!head.success) throw new NotifyError(`${source} is not a postmortem notify snapshot (no "format": "${NOTIFY_SNAPSHOT_FORMAT}")`);
  if (head.data.version > NOTIFY_SNAPSHOT_VERSION) {
    throw new NotifyError(`${source} is version ${head.data.version} of the notify snapshot, newer than this postmortem reads (${NOTIFY_SNAPSHOT_VERSION}): upgrade postmortem`);
  }
  const parsed = snapshotV1.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NotifyError(`${source} is not a valid notify snapshot: ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return parsed.data as NotifySnapshot;
}

/** What the previous site holds: a snapshot, or none (a first run: the site did not exist or predates notify). */
export type Previous = { kind: 'snapshot'; snapshot: NotifySnapshot; source: string } | { kind: 'none'; source: string };

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/**
 * The snapshot of a built site folder; none when the folder has no `api/notify.json`. A folder that does not exist is
 * a failure of the run (`missing`: what to say, e.g. that the step saving it may have failed).
 */
export async function readSiteFolder(dir: string, shown: string, missing?: string): Promise<Previous> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new NotifyError(`${shown} is not a folder${missing ? `: ${missing}` : ''}`, missing ? 'failed' : 'usage');
  const file = path.join(dir, ...NOTIFY_SNAPSHOT_PATH.split('/'));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none', source: `${shown}/${NOTIFY_SNAPSHOT_PATH}` };
    throw new NotifyError(`cannot read ${shown}/${NOTIFY_SNAPSHOT_PATH}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const source = `${shown}/${NOTIFY_SNAPSHOT_PATH}`;
  return { kind: 'snapshot', snapshot: parseSnapshot(text, source), source };
}

export interface FetchOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
  /** For the cache-busting query. */
  now?: () => number;
}

/** The snapshot of the live site at `baseUrl`: none on 404 or 410; throws on a timeout, 5xx or anything else. */
export async function fetchSnapshot(baseUrl: string, opts: FetchOptions): Promise<Previous & { text?: string }> {
  const url = new URL(NOTIFY_SNAPSHOT_PATH, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const source = url.href;
  url.searchParams.set('postmortem-notify', String((opts.now ?? Date.now)()));
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      headers: { accept: 'application/json', 'cache-control': 'no-cache', pragma: 'no-cache' },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    throw new NotifyError(`the live site's snapshot ${source} could not be read: ${describeFetchError(e, opts.timeoutMs)}; nothing was sent`);
  }
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    return { kind: 'none', source };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new NotifyError(`the live site answered HTTP ${res.status} for ${source}; nothing was sent (run again once it answers)`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new NotifyError(`the live site's snapshot ${source} could not be read: ${describeFetchError(e, opts.timeoutMs)}; nothing was sent`);
  }
  return { kind: 'snapshot', snapshot: parseSnapshot(text, source), source, text };
}

/**
 * `--save-previous DIR`: the live site's snapshot, saved before the deploy as `DIR/api/notify.json` (DIR is left
 * without it when the live site has none), for `--previous DIR` after the deploy.
 */
export async function savePrevious(baseUrl: string, dir: string, opts: FetchOptions): Promise<Previous> {
  const previous = await fetchSnapshot(baseUrl, opts);
  const file = path.join(dir, ...NOTIFY_SNAPSHOT_PATH.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  if (previous.kind === 'snapshot') await writeFile(file, previous.text!);
  else await rm(file, { force: true });
  return previous;
}
