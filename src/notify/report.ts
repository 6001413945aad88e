/**
 * What `postmortem notify` prints: the changes found, each message under `--dry-run`, and a summary per target of
 * what was delivered and what was not. Every byte of input passes through the escaping of core/terminal.ts; no URL or secret of a
 * target is known here (targets are named by their variables).
 */
import { humanUtc, plural, type NotifyEvent } from '../core/index.js';
import type { NotifySnapshot } from '../render/index.js';
import { targetName, type DeliveryResult, type TargetRef } from './deliver.js';
import type { Change } from './events.js';
import type { IncidentDetails } from './details.js';
import { labelsFor } from './labels.js';
import type { Outgoing } from './plan.js';
import { oneLine } from './text.js';
import { jsonForTerminal } from '../core/terminal.js';

function changeLabel(change: Change, language: string): string {
  const L = labelsFor(language);
  if (change.kind === 'service') return L.event.service_status;
  const last = change.events[change.events.length - 1]!;
  if (last === 'opened' && change.again) return L.reopened;
  if (last === 'scheduled' && change.again) return L.rescheduled;
  return last === 'postmortem' && change.events.includes('resolved') ? L.resolvedWithPostmortem : L.event[last];
}

/** The changes, one a line: `  Resolved                Login failures (incidents/x)`. */
export function changesText(changes: readonly Change[], current: NotifySnapshot, previous: NotifySnapshot | null, source: string, details: ReadonlyMap<string, IncidentDetails>): string {
  const since = previous ? `the live site (${oneLine(source)}, built ${humanUtc(Date.parse(previous.generated_at))})` : `an empty site (first run: ${oneLine(source)} has none)`;
  const head = `${plural(changes.length, 'change')} since ${since}${changes.length ? ':' : '.'}`;
  const width = Math.max(0, ...changes.map((c) => changeLabel(c, current.site.language).length));
  const lines = changes.map((c) => {
    const L = labelsFor(current.site.language);
    const what = c.kind === 'service' ? `${c.service.name}: ${L.status(c.from)} → ${L.status(c.service.status)}` : `${details.get(c.incident.id)?.title ?? ''} [${c.incident.id}]`;
    return `  ${changeLabel(c, current.site.language).padEnd(width)}  ${oneLine(what)}`;
  });
  return `${[head, ...lines].join('\n')}\n`;
}

/** `--dry-run`: each message, with its target, event and exact body. */
export function dryRunText(messages: readonly Outgoing[], targets: readonly TargetRef[]): string {
  if (messages.length === 0) return 'No message to send.\n';
  return messages
    .map((m, i) => {
      const t = targets[m.target]!;
      const head = `── message ${i + 1} of ${messages.length} · ${targetName(t)} · ${m.event} · ${oneLine(m.subject)}`;
      const headers =
        t.type === 'webhook'
          ? `webhook-id: ${m.id}\nwebhook-timestamp: (the time it is sent)\nwebhook-signature: v1,(HMAC-SHA256 with the secret of ${t.secretEnv}, made when it is sent)\n`
          : '';
      return `${head}\n${headers}${jsonForTerminal(JSON.stringify(JSON.parse(m.body), null, 2))}\n`;
    })
    .join('\n');
}

/** Per target: how many were delivered; each one that was not, and why. */
export function summaryText(results: readonly DeliveryResult[], targets: readonly TargetRef[]): string {
  const lines: string[] = [];
  targets.forEach((t, index) => {
    const mine = results.filter((r) => r.message.target === index);
    if (mine.length === 0) return;
    const ok = mine.filter((r) => r.delivered).length;
    lines.push(`${targetName(t)}: ${ok === mine.length ? `${plural(ok, 'message')} delivered` : `${ok} of ${plural(mine.length, 'message')} delivered`}`);
    for (const r of mine.filter((x) => !x.delivered)) lines.push(`  not delivered: ${r.message.event} "${oneLine(r.message.subject)}": ${oneLine(r.error ?? 'unknown error')}`);
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface JsonReport {
  previous: { source: string; generated_at: string | null };
  current: { generated_at: string };
  changes: { incident?: string; service?: string; events: NotifyEvent[] }[];
  messages: { id: string; target: { index: number; type: string; url_env: string }; event: NotifyEvent; subject: string; delivered: boolean | null; attempts: number; status: number | null; error: string | null }[];
  delivered: number;
  failed: number;
}

/** `--format json`: the same facts for programs (delivered null: not attempted, as under --dry-run). */
export function jsonReport(changes: readonly Change[], current: NotifySnapshot, previous: NotifySnapshot | null, source: string, planned: readonly Outgoing[], targets: readonly TargetRef[], results: readonly DeliveryResult[] | null): JsonReport {
  const byMessage = new Map(results?.map((r) => [r.message, r] as const));
  const messages = planned.map((m) => {
    const r = byMessage.get(m);
    const t = targets[m.target]!;
    return { id: m.id, target: { index: m.target, type: t.type, url_env: t.urlEnv }, event: m.event, subject: m.subject, delivered: r ? r.delivered : null, attempts: r?.attempts ?? 0, status: r?.status ?? null, error: r?.error ?? null };
  });
  return {
    previous: { source, generated_at: previous?.generated_at ?? null },
    current: { generated_at: current.generated_at },
    changes: changes.map((c) => (c.kind === 'service' ? { service: c.service.id, events: ['service_status' as NotifyEvent] } : { incident: c.incident.id, events: c.events })),
    messages,
    delivered: messages.filter((m) => m.delivered === true).length,
    failed: messages.filter((m) => m.delivered === false).length,
  };
}
