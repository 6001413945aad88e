/**
 * What the search indexes, from the site model's published incidents: one record per incident (what a reader
 * searches: title, summary, root cause, contributing factors, timeline, actions, tags, services and the body, as
 * plain text; filters by service, severity and year), and the shards the records are split into.
 *
 * Shards follow time, so that an edit re-indexes one shard and a new incident usually only the newest: one shard
 * per year; a year with more than `SHARD_MAX` incidents is split into quarters, a quarter with more into months.
 * A shard's key is a hash of its records, so it is indexed again only when an indexed text changed. Pure.
 */
import { createHash } from 'node:crypto';
import { dateUtc } from '../core/format.js';
import { compareStrings } from '../core/compare.js';
import type { IncidentView, SiteModel } from './types.js';

/** Most incidents in a shard before its period is split (bounds the indexer's memory and an edit's cost). */
export const SHARD_MAX = 400;

export interface SearchRecord {
  /** Site-relative URL of the incident's page. */
  url: string;
  content: string;
  language: 'en';
  meta: { title: string; date: string; severity: string; summary: string };
  filters: { kind: string[]; service: string[]; severity: string[]; year: string[] };
}

export interface SearchShard {
  /** `2024`, `2024-q2` or `2024-05`. */
  id: string;
  /** The shard's incidents, newest first. */
  incidents: IncidentView[];
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Plain text of sanitized HTML: tags dropped (block ends as spaces), character references decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, ref: string) => {
      if (ref[0] === '#') {
        const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return NAMED[ref.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The record of an incident: the text a reader searches, its metadata and filters. */
export function searchRecord(inc: IncidentView, serviceName: (id: string) => string): SearchRecord {
  const parts = [
    inc.title,
    inc.summary,
    htmlText(inc.rootCauseHtml ?? ''),
    inc.contributingFactors.join('. '),
    inc.timeline.map((e, i) => htmlText(inc.timelineHtml[i] ?? e.text)).join(' '),
    inc.actions.map((a) => a.title).join('. '),
    // Internal site only (the public projection has none): who worked on it.
    (inc.responders ?? []).map((r) => (r.role ? `${r.name} (${r.role})` : r.name)).join(', '),
    inc.tags.join(' '),
    inc.services.map((s) => serviceName(s.id)).join(', '),
    htmlText(inc.bodyHtml ?? ''),
  ];
  return {
    url: inc.path,
    content: parts.filter((p) => p !== '').join('\n'),
    language: 'en',
    meta: { title: inc.title, date: dateUtc(inc.started), severity: inc.severity, summary: inc.summary },
    filters: {
      kind: ['incident'],
      service: [...new Set(inc.services.map((s) => s.id))].sort(compareStrings),
      severity: [inc.severity],
      year: [String(new Date(inc.started).getUTCFullYear())],
    },
  };
}

/** A hash of a record (what its shard's key is made of). */
export function recordHash(record: SearchRecord): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('base64url');
}

function period(inc: IncidentView, depth: 0 | 1 | 2): string {
  const d = new Date(inc.started);
  const y = d.getUTCFullYear();
  if (depth === 0) return String(y);
  if (depth === 1) return `${y}-q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function split(incidents: IncidentView[], depth: 0 | 1 | 2): SearchShard[] {
  const groups = new Map<string, IncidentView[]>();
  for (const inc of incidents) {
    const key = period(inc, depth);
    const list = groups.get(key);
    if (list) list.push(inc);
    else groups.set(key, [inc]);
  }
  return [...groups].flatMap(([id, list]) => (list.length > SHARD_MAX && depth < 2 ? split(list, (depth + 1) as 1 | 2) : [{ id, incidents: list }]));
}

/** The shards of a model's published incidents, newest first. */
export function searchShards(model: SiteModel): SearchShard[] {
  return split(model.incidents, 0).sort((a, b) => compareStrings(b.id, a.id));
}
