/**
 * Delivering planned messages: each target's URL (and a webhook's secret) read from the environment variable it
 * names, its messages posted in order, every target at once, so that one failing or slow target never holds up the
 * others. The URL and secret are secrets: they appear in no result, and any text shown from an answer is masked.
 */
import { NOTIFY_ENV_PATTERN, type NotifyTarget } from '../core/index.js';
import { post, type PostOptions, type PostResult } from './http.js';
import type { Outgoing } from './plan.js';
import { signatureHeaders } from './webhook.js';

export type TargetRef = Pick<NotifyTarget, 'type' | 'urlEnv' | 'secretEnv'>;

export interface DeliveryResult extends PostResult {
  message: Outgoing;
}

const ENV_RE = new RegExp(NOTIFY_ENV_PATTERN);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `slack (POSTMORTEM_SLACK_URL)`: how a target is named to people. */
export function targetName(t: TargetRef): string {
  return `${t.type} (${t.urlEnv})`;
}

/** A target's URL and secret from the environment, or why it cannot be sent to (never quoting a value). */
export function resolveTarget(t: TargetRef, env: NodeJS.ProcessEnv): { url: string; secret?: string } | { error: string } {
  for (const name of [t.urlEnv, t.secretEnv]) {
    if (name !== undefined && !ENV_RE.test(name)) return { error: `only environment variables starting with POSTMORTEM_ may be read; not "${name.slice(0, 64)}"` };
  }
  const raw = env[t.urlEnv]?.trim();
  if (!raw) return { error: `${t.urlEnv} is not set: expose the ${t.type} URL to this step under that name` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `${t.urlEnv} does not hold a URL` };
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure) return { error: `${t.urlEnv} must hold an https URL (the URL is a secret: never sent in clear)` };
  if (t.type !== 'webhook') return { url: url.href };
  const secret = t.secretEnv ? env[t.secretEnv] : undefined;
  if (!secret) return { error: `${t.secretEnv ?? 'secret_env'} is not set: expose the webhook's signing secret to this step under that name` };
  return { url: url.href, secret };
}

/** Replace every secret (and the URL's path, which is the secret part of most webhook URLs) by `***`. */
export function redactor(secrets: readonly string[]): (s: string) => string {
  const parts = new Set<string>();
  for (const s of secrets) {
    if (s.length >= 4) parts.add(s);
    try {
      const u = new URL(s);
      if (u.pathname.length > 8) parts.add(u.pathname + u.search);
      if (u.search.length > 8) parts.add(u.search);
    } catch {
      /* not a URL */
    }
  }
  const sorted = [...parts].sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((t, p) => t.split(p).join('***'), text);
}

export type DeliverOptions = Omit<PostOptions, 'redact'> & { env: NodeJS.ProcessEnv };

/** Post every message to its target (`targets[message.target]`); results in the messages' order. */
export async function deliver(targets: readonly TargetRef[], messages: readonly Outgoing[], opts: DeliverOptions): Promise<DeliveryResult[]> {
  const results = new Map<Outgoing, DeliveryResult>();
  const byTarget = new Map<number, Outgoing[]>();
  for (const m of messages) byTarget.set(m.target, [...(byTarget.get(m.target) ?? []), m]);
  await Promise.all(
    [...byTarget].map(async ([index, list]) => {
      const target = targets[index]!;
      const resolved = resolveTarget(target, opts.env);
      if ('error' in resolved) {
        for (const message of list) results.set(message, { message, delivered: false, attempts: 0, error: `not sent: ${resolved.error}`, ms: 0 });
        return;
      }
      const redact = redactor([resolved.url, ...(resolved.secret ? [resolved.secret] : [])]);
      const clock = opts.clock ?? Date.now;
      for (const message of list) {
        const request = () => ({
          url: resolved.url,
          headers: { 'content-type': 'application/json', 'user-agent': 'postmortem-notify', ...(resolved.secret ? signatureHeaders(message.id, message.body, resolved.secret, clock()) : {}) },
          body: message.body,
        });
        const r = await post(request, { ...opts, redact });
        results.set(message, { message, ...r, ...(r.error !== undefined ? { error: redact(r.error) } : {}) });
      }
    }),
  );
  return messages.map((m) => results.get(m)!);
}
