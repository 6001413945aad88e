/**
 * `postmortem notify`, put together: the new site's snapshot and the live one's → changes → messages → printed
 * (`--dry-run`) or delivered, with a summary and an exit status; the live snapshot saved before a deploy
 * (`--save-previous`); an outbox sent again (`--resend`).
 */
import path from 'node:path';
import { humanUtc, toJson, type NotifyTarget } from '../core/index.js';
import type { NotifySnapshot } from '../render/index.js';
import { deliver, type DeliveryResult, type TargetRef } from './deliver.js';
import { NotifyError } from './errors.js';
import type { Audience } from '../core/model.js';
import { deriveChanges } from './events.js';
import { loadDetails } from './details.js';
import { readOutbox, writeOutbox } from './outbox.js';
import { planMessages, type Outgoing } from './plan.js';
import { changesText, dryRunText, jsonReport, summaryText } from './report.js';
import { fetchSnapshot, isUrl, readSiteFolder, savePrevious, type Previous } from './snapshot.js';
import { oneLine } from './text.js';
import { jsonForTerminal } from '../core/terminal.js';

export interface NotifyIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** How messages are sent (the defaults suit CI; tests shorten them). */
export interface SendOptions {
  timeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  backoffMs: number;
  retryAfterCapMs: number;
  fetch?: typeof fetch;
  clock?: () => number;
  signal?: AbortSignal;
}

export const SEND_DEFAULTS: SendOptions = { timeoutMs: 10_000, deadlineMs: 120_000, maxAttempts: 5, backoffMs: 1000, retryAfterCapMs: 30_000 };

export interface NotifyOptions {
  /** The site just built (default `<root>/dist`). */
  siteDir: string;
  /** The live site: its URL, or a folder holding its `api/notify.json`. */
  previous: string;
  targets: NotifyTarget[];
  dryRun: boolean;
  /** Announce what is going on now when the live site has no snapshot. */
  firstRun: boolean;
  outbox?: string;
  format: 'text' | 'json';
  send: SendOptions;
  /** `internal`: the site is the internal one (issue 15), and its changes may be posted (default: only a public site). */
  audience?: Audience;
}

const shown = (io: NotifyIo, p: string) => path.relative(io.cwd, p) || '.';

async function readCurrent(dir: string, io: NotifyIo, audience: Audience = 'public'): Promise<NotifySnapshot> {
  const current = await readSiteFolder(dir, shown(io, dir));
  if (current.kind === 'none') throw new NotifyError(`${current.source} not found: build the site with this version of postmortem first (postmortem build)`, 'usage');
  // The targets of notify: are usually where customers read: the internal site's changes (internal incidents, near
  // misses) are posted only when asked for by name.
  const built = current.snapshot.site.audience ?? 'public';
  if (built !== audience) {
    throw new NotifyError(
      built === 'internal'
        ? `${current.source} is the internal site's (built with --audience internal): its internal incidents and near misses are not for the targets of notify:; run notify on the public site (--site DIR), or pass --audience internal to post the internal site's changes (to private channels only)`
        : `${current.source} is the public site's, not the internal one --audience internal names: pass --site with the internal site's folder`,
      'usage',
    );
  }
  if (current.snapshot.site.url === null) throw new NotifyError('the site was built without base_url: messages link to its pages, so set base_url in site.yaml (or build with --base-url)', 'usage');
  return current.snapshot;
}

async function readPrevious(previous: string, io: NotifyIo, send: SendOptions): Promise<Previous> {
  if (isUrl(previous)) return fetchSnapshot(previous, { timeoutMs: send.timeoutMs, ...(send.fetch ? { fetch: send.fetch } : {}) });
  return readSiteFolder(path.resolve(io.cwd, previous), previous, 'the live site before the deploy is unknown (did `postmortem notify --save-previous` fail before it?), so no change can be derived; nothing was sent');
}

/** Send, then say what happened; the outbox keeps what was not delivered. Exit 0 when every message was delivered. */
async function sendAll(targets: readonly TargetRef[], messages: Outgoing[], site: { title: string; url: string }, opts: { outbox?: string; send: SendOptions }, io: NotifyIo): Promise<{ code: number; results: DeliveryResult[] }> {
  const clock = opts.send.clock ?? Date.now;
  const results = await deliver(targets, messages, { ...opts.send, deadline: clock() + opts.send.deadlineMs, env: io.env });
  const failed = results.filter((r) => !r.delivered);
  if (opts.outbox) {
    await writeOutbox(opts.outbox, site, targets, failed, clock());
    if (failed.length > 0) io.err(`${failed.length} undelivered ${failed.length === 1 ? 'message' : 'messages'} saved to ${shown(io, opts.outbox)}; send them again with: postmortem notify --resend ${shown(io, opts.outbox)}\n`);
  } else if (failed.length > 0) {
    io.err('Messages not delivered are lost: the next run compares with the live site, which already shows these changes (give --outbox FILE to keep them).\n');
  }
  return { code: failed.length > 0 ? 1 : 0, results };
}

export async function runNotify(opts: NotifyOptions, io: NotifyIo): Promise<number> {
  const current = await readCurrent(opts.siteDir, io, opts.audience);
  const previous = await readPrevious(opts.previous, io, opts.send);
  if (previous.kind === 'none' && !opts.firstRun) {
    if (opts.format === 'json') io.out(jsonForTerminal(toJson(jsonReport([], current, null, previous.source, [], opts.targets, null))));
    else io.out(`First run: ${oneLine(previous.source)} has no snapshot (the live site does not exist yet, or was built before notify). Nothing was sent; --first-run announces what is going on now.\n`);
    return 0;
  }
  const before = previous.kind === 'snapshot' ? previous.snapshot : null;
  if (before && Date.parse(before.generated_at) > Date.parse(current.generated_at)) {
    throw new NotifyError(`the live site (built ${humanUtc(Date.parse(before.generated_at))}) is newer than this build (${humanUtc(Date.parse(current.generated_at))}): a later publish went first; nothing was sent`);
  }
  const changes = deriveChanges(before, current);
  const details = await loadDetails(opts.siteDir, changes.flatMap((c) => (c.kind === 'incident' ? [c.incident] : [])));
  const messages = planMessages(opts.targets, changes, current, details);
  const targets: TargetRef[] = opts.targets;
  const site = { title: current.site.title, url: current.site.url! };
  if (opts.format === 'text') {
    io.out(changesText(changes, current, before, previous.source, details));
    if (opts.targets.length === 0 && changes.length > 0) io.out('site.yaml lists no notify targets: nothing to send.\n');
  }
  if (opts.dryRun || messages.length === 0) {
    if (opts.format === 'json') io.out(jsonForTerminal(toJson(jsonReport(changes, current, before, previous.source, messages, targets, null))));
    else if (opts.dryRun && opts.targets.length > 0) io.out(`\n${dryRunText(messages, targets)}`);
    return 0;
  }
  const { code, results } = await sendAll(targets, messages, site, opts, io);
  io.out(opts.format === 'json' ? jsonForTerminal(toJson(jsonReport(changes, current, before, previous.source, messages, targets, results))) : summaryText(results, targets));
  return code;
}

/** `--save-previous DIR`: before the deploy, keep the live site's snapshot for `--previous DIR` after it. */
export async function runSavePrevious(opts: { siteDir: string; previous?: string; dir: string; send: SendOptions }, io: NotifyIo): Promise<number> {
  const url = opts.previous ?? (await readCurrent(opts.siteDir, io)).site.url!;
  if (!isUrl(url)) throw new NotifyError(`--previous must be the live site's URL with --save-previous; found "${oneLine(url.slice(0, 200))}"`, 'usage');
  const dir = path.resolve(io.cwd, opts.dir);
  const saved = await savePrevious(url, dir, { timeoutMs: opts.send.timeoutMs, ...(opts.send.fetch ? { fetch: opts.send.fetch } : {}) });
  io.out(
    saved.kind === 'snapshot'
      ? `Saved the live site's snapshot (built ${humanUtc(Date.parse(saved.snapshot.generated_at))}) to ${shown(io, dir)}; after the deploy: postmortem notify --previous ${shown(io, dir)}\n`
      : `The live site has no snapshot (${oneLine(saved.source)}: not found); ${shown(io, dir)} is empty, so notify --previous ${shown(io, dir)} will be a first run.\n`,
  );
  return 0;
}

/** `--resend FILE`: deliver an outbox's messages again; the outbox keeps those still not delivered. */
export async function runResend(opts: { file: string; dryRun: boolean; format: 'text' | 'json'; send: SendOptions }, io: NotifyIo): Promise<number> {
  const file = path.resolve(io.cwd, opts.file);
  const outbox = await readOutbox(file, opts.file);
  if (opts.dryRun) {
    io.out(dryRunText(outbox.messages, outbox.targets));
    return 0;
  }
  const { code, results } = await sendAll(outbox.targets, outbox.messages, outbox.site, { outbox: file, send: opts.send }, io);
  io.out(opts.format === 'json' ? jsonForTerminal(toJson({ messages: results.map((r) => ({ id: r.message.id, delivered: r.delivered, attempts: r.attempts, status: r.status ?? null, error: r.error ?? null })) })) : summaryText(results, outbox.targets));
  return code;
}
