/**
 * What one incident may cost in output (parse/limits.ts has the limits and the estimate of Markdown): its whole
 * content (the body, the Markdown of `root_cause` and of the timeline, every other value of the frontmatter as
 * YAML aliases expand it), alone and times the files that show it; and, across incidents, what the largest of
 * them would weigh together in one feed or API page. Pure; the same in `check`, `build` and `dev`.
 */
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { formatSize, markdownWeight, OUTPUT_LIMITS } from '../parse/index.js';
import type { Checker } from './checker.js';

/** Values walked at most when weighing a frontmatter (aliases can make a small text a large graph). */
const MAX_NODES = 2_000_000;

/** Bytes of every string, number and key of a value, each alias counted every time it is used. */
export function valueBytes(value: unknown): number {
  let bytes = 0;
  let nodes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (++nodes > MAX_NODES) return Infinity;
    const v = stack.pop();
    if (typeof v === 'string') bytes += v.length;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        bytes += k.length;
        stack.push(x);
      }
    } else bytes += 8;
  }
  return bytes;
}

/**
 * Weigh the incident (estimated bytes of its content as a page shows it); report when it, or it times the files
 * that show it (its page, API records, feeds and the feed of each service it affects), is over the limits.
 */
export function checkWeight(c: Checker): number {
  const { doc, raw } = c;
  const markdown = [raw.root_cause, ...(raw.timeline ?? []).map((e) => e?.text)].filter((t): t is string => typeof t === 'string');
  let extra = 0;
  let cells = doc.bodyWeight.cells;
  for (const m of markdown) {
    const w = markdownWeight(m);
    extra += w.bytes - m.length; // (the text itself is counted with the frontmatter)
    cells += w.cells;
  }
  if (cells > OUTPUT_LIMITS.maxTableCells && cells > doc.bodyWeight.cells) {
    c.flag([raw.root_cause !== undefined ? 'root_cause' : 'timeline'], Rule.TableTooLarge, `the tables of this incident's Markdown would have ${cells.toLocaleString('en-US')} cells once every row is padded to the columns of its header; expected at most ${OUTPUT_LIMITS.maxTableCells.toLocaleString('en-US')}`, 'link to the data instead of pasting it as a table', 'key');
  }
  const weight = doc.bodyWeight.bytes + valueBytes(doc.data) + extra;
  const shownIn = OUTPUT_LIMITS.fixedAppearances + new Set((raw.services ?? []).map((s) => (typeof s === 'string' ? s : s?.id))).size;
  if (doc.bodyWeight.bytes <= OUTPUT_LIMITS.maxIncidentBytes && weight > OUTPUT_LIMITS.maxIncidentBytes) {
    c.out.push(fileDiagnostic(doc.file, Rule.OutputTooLarge, `the incident's content would take about ${formatSize(weight)} on its page (its Markdown as HTML and its values, YAML aliases expanded); a page may hold at most ${formatSize(OUTPUT_LIMITS.maxIncidentBytes)}`, 'shorten the values repeated through YAML aliases, write long links inline, and move logs and data out of the postmortem'));
  } else if (weight <= OUTPUT_LIMITS.maxIncidentBytes && weight * shownIn > OUTPUT_LIMITS.maxIncidentOutputBytes) {
    c.flag(['services'], Rule.OutputTooLarge, `the incident's content (about ${formatSize(weight)}) would be written into ${shownIn} files (its page, API records, feeds and the feed of each service it affects), about ${formatSize(weight * shownIn)}; at most ${formatSize(OUTPUT_LIMITS.maxIncidentOutputBytes)}`, 'list fewer services, or make the postmortem shorter', 'key');
  }
  return weight;
}

/**
 * Across incidents: a feed shows the newest 50, an API page 100, whichever they are; so the 100 heaviest together
 * must fit in one file. Reported at the heaviest.
 */
export function checkGroupWeight(weights: readonly { file: string; weight: number }[]): Diagnostic[] {
  const heaviest = [...weights].sort((a, b) => b.weight - a.weight).slice(0, OUTPUT_LIMITS.groupSize);
  const total = heaviest.reduce((n, w) => n + w.weight, 0);
  if (total <= OUTPUT_LIMITS.maxGroupBytes || heaviest.length === 0) return [];
  const n = heaviest.length;
  return [
    fileDiagnostic(
      heaviest[0]!.file,
      Rule.OutputTooLarge,
      `this incident (about ${formatSize(heaviest[0]!.weight)}) and the ${n - 1} next heaviest would take about ${formatSize(total)} in one feed or API page, which may show up to ${OUTPUT_LIMITS.groupSize} incidents; at most ${formatSize(OUTPUT_LIMITS.maxGroupBytes)}`,
      'make the largest postmortems shorter: move logs and data out of them and link to them',
    ),
  ];
}
