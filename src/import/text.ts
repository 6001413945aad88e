/** Text of other tools made safe for our files: plain text as Markdown that reads the same, and summaries. */

/**
 * Plain text (a Statuspage update body: `\r\n` line breaks, no markup) as Markdown that renders the same words:
 * characters Markdown would read as markup are escaped, a line starting like a block (heading, list, quote,
 * numbered item, thematic break) is escaped at its start, and single line breaks are kept as hard breaks.
 */
export function plainToMarkdown(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return paragraphs.map((p) => p.split('\n').map((l) => escapeLine(l.trim())).join('\\\n')).join('\n\n');
}

function escapeLine(line: string): string {
  let s = line.replace(/[\\`*_[\]<>&~|]/g, (c) => `\\${c}`);
  // Block markers at the start of a line: #, >, -, +, =, : (a table delimiter row), numbered items.
  s = s.replace(/^([#>+=:-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
  return s;
}

/** One line of plain text: whitespace collapsed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, cut at a word boundary with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** What status pages write by default: not a summary of what happened. */
const BOILERPLATE = [
  /^this incident has been resolved\.?$/i,
  /^a fix has been implemented and we are monitoring the results\.?$/i,
  /^the issue has been identified and a fix is being implemented\.?$/i,
  /^we are (currently )?investigating (this|the) issue\.?$/i,
  /^we're (currently )?investigating (this|the) issue\.?$/i,
  /^we are continuing to (investigate|monitor|work on)( (this|the) issue| a fix for this issue| for any further issues)?\.?$/i,
  /^the scheduled maintenance has been completed\.?$/i,
  /^scheduled maintenance is currently in progress\. we will provide updates as necessary\.?$/i,
  /^verification is currently underway for the maintenance items\.?$/i,
  /^we will be undergoing scheduled maintenance during this time\.?$/i,
  /^(resolved|fixed|update|monitoring|investigating|identified)\.?$/i,
];

export function isBoilerplate(text: string): boolean {
  const t = oneLine(text);
  return t === '' || BOILERPLATE.some((re) => re.test(t));
}

/** A summary from candidate texts, most telling first: the first that is not boilerplate, else the fallback. */
export function summaryFrom(candidates: readonly string[], fallback: string): string {
  const found = candidates.map(oneLine).find((t) => !isBoilerplate(t));
  return clip(found ?? oneLine(fallback), 400);
}
