/**
 * The outbox: messages that were not delivered (refused, out of time, or the run was cancelled while sending),
 * saved with their exact bodies and the names (never the values) of the variables their targets read, so that
 * `postmortem notify --resend FILE` can send them later, as they were. Kept as a CI artifact; a resent webhook keeps
 * its `webhook-id`, so a receiver that got it after all drops the copy.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { NOTIFY_ENV_PATTERN, NOTIFY_EVENTS, NOTIFY_TYPES } from '../core/index.js';
import { isoUtc } from '../core/index.js';
import type { DeliveryResult, TargetRef } from './deliver.js';
import { NotifyError } from './errors.js';
import type { Outgoing } from './plan.js';

export const OUTBOX_FORMAT = 'postmortem-notify-outbox';

const envName = z.string().regex(new RegExp(NOTIFY_ENV_PATTERN));
const outboxSchema = z.object({
  format: z.literal(OUTBOX_FORMAT),
  version: z.literal(1),
  created_at: z.string(),
  site: z.object({ title: z.string(), url: z.string() }),
  messages: z.array(
    z.object({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
      target: z.object({ type: z.enum(NOTIFY_TYPES), url_env: envName, secret_env: envName.optional() }),
      event: z.enum(NOTIFY_EVENTS),
      subject: z.string(),
      body: z.string(),
      error: z.string(),
    }),
  ),
});

export interface Outbox {
  site: { title: string; url: string };
  targets: TargetRef[];
  messages: Outgoing[];
}

/** Write the messages not delivered to `file` (or remove it when every one was). */
export async function writeOutbox(file: string, site: { title: string; url: string }, targets: readonly TargetRef[], failed: readonly DeliveryResult[], now: number): Promise<void> {
  if (failed.length === 0) {
    await rm(file, { force: true });
    return;
  }
  const messages = failed.map(({ message: m, error }) => {
    const t = targets[m.target]!;
    return { id: m.id, target: { type: t.type, url_env: t.urlEnv, ...(t.secretEnv ? { secret_env: t.secretEnv } : {}) }, event: m.event, subject: m.subject, body: m.body, error: error ?? '' };
  });
  await writeFile(file, `${JSON.stringify({ format: OUTBOX_FORMAT, version: 1, created_at: isoUtc(now), site, messages }, null, 2)}\n`);
}

/** An outbox written by `writeOutbox`, its targets listed once each. */
export async function readOutbox(file: string, shown: string): Promise<Outbox> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new NotifyError(`cannot read the outbox ${shown}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, 'usage');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new NotifyError(`${shown} is not JSON: not an outbox of postmortem notify`, 'usage');
  }
  const parsed = outboxSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NotifyError(`${shown} is not an outbox of postmortem notify: ${issue.path.join('.') || 'the file'}: ${issue.message}`, 'usage');
  }
  const targets: TargetRef[] = [];
  const index = new Map<string, number>();
  const messages = parsed.data.messages.map((m): Outgoing => {
    const key = `${m.target.type}\0${m.target.url_env}\0${m.target.secret_env ?? ''}`;
    let i = index.get(key);
    if (i === undefined) {
      i = targets.push({ type: m.target.type, urlEnv: m.target.url_env, ...(m.target.secret_env ? { secretEnv: m.target.secret_env } : {}) }) - 1;
      index.set(key, i);
    }
    return { id: m.id, target: i, event: m.event, subject: m.subject, body: m.body };
  });
  return { site: parsed.data.site, targets, messages };
}
