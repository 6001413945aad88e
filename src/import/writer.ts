/**
 * An imported incident as the text of its file: YAML frontmatter (times exact in UTC), the Markdown body, and a
 * marker comment recording where it came from and a hash of what was written, so that a re-run updates it only
 * while nobody has edited it since.
 */
import { Document, isMap, isSeq } from 'yaml';
import { createHash } from 'node:crypto';
import { isoUtc } from '../core/format.js';
import type { PlannedIncident } from './plan.js';

/** `# postmortem-import: statuspage:abc123 sha256:<hex>`: the first comment line of an imported file. */
const MARKER = /^# postmortem-import: (\S+) sha256:([0-9a-f]{64})\r?$/m;

export interface Marker {
  key: string;
  hash: string;
  /** Whether the file's text (without the marker line) still has that hash: nobody edited it since. */
  pristine: boolean;
}

/** The hash a marker records: of the file's text without the marker line, line endings normalized. */
export function textHash(textWithoutMarker: string): string {
  return createHash('sha256').update(textWithoutMarker.replace(/\r\n/g, '\n')).digest('hex');
}

/** The import marker of a file's text, or null when it was not written by an import. */
export function readMarker(text: string): Marker | null {
  const m = MARKER.exec(text.slice(0, 2000));
  if (!m) return null;
  const without = text.slice(0, m.index) + text.slice(m.index + m[0].length + (text[m.index + m[0].length] === '\n' ? 1 : 0));
  return { key: m[1]!, hash: m[2]!, pristine: textHash(without) === m[2] };
}

/** The file text of a planned incident, its services already given their ids in the project. */
export function incidentText(inc: PlannedIncident, serviceId: (key: string) => string, source: string): string {
  const fm: Record<string, unknown> = { title: inc.title, summary: inc.summary, severity: inc.severity, started: isoUtc(inc.started) };
  if (inc.resolved !== undefined) fm.resolved = isoUtc(inc.resolved);
  fm.services = inc.services.map((s) => (s.impact === undefined ? serviceId(s.key) : { id: serviceId(s.key), impact: s.impact }));
  if (inc.timeline.length) {
    fm.timeline = inc.timeline.map((e) => {
      const entry: Record<string, unknown> = { at: isoUtc(e.at) };
      if (e.status) entry.status = e.status;
      entry.text = e.text;
      if (e.impact) entry.impact = Object.fromEntries(Object.entries(e.impact).map(([k, v]) => [serviceId(k), v]));
      return entry;
    });
  }
  if (inc.links.length) fm.links = inc.links;
  if (inc.draft) fm.draft = true;
  const doc = new Document(fm);
  flowStyle(doc);
  const yaml = doc.toString({ lineWidth: 0, blockQuote: 'literal' });
  const rest = `# Imported from ${source} by \`postmortem import\`. Edit it freely: once edited, a new import leaves it alone.\n${yaml}---\n${inc.body.trim() ? `\n${inc.body.trim()}\n` : ''}`;
  return `---\n# postmortem-import: ${inc.key} sha256:${textHash(`---\n${rest}`)}\n${rest}`;
}

/** Short mappings on one line: service entries, impact changes, links. */
function flowStyle(doc: Document): void {
  for (const key of ['services', 'links']) {
    const seq = doc.get(key, true);
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
  }
  const timeline = doc.get('timeline', true);
  if (isSeq(timeline)) {
    for (const entry of timeline.items) {
      const impact = isMap(entry) ? entry.get('impact', true) : undefined;
      if (isMap(impact)) impact.flow = true;
    }
  }
}
