/**
 * What one input may cost in output and memory, estimated without parsing Markdown (a line scan, linear in the
 * text), so that `check` refuses quickly whatever `build` would choke on, and both refuse the same files:
 *
 * - GFM pads every row of a table to the columns of its header: a 1,000-column header over 4,000 one-character
 *   rows (18 KB of text) is 4 million cells, gigabytes of memory;
 * - a reference link repeats its definition's URL and title at every use: a 14,000-character URL used 1,300 times
 *   is 18 MB of HTML from 86 KB of text, and every feed and API file that shows the incident repeats it again;
 * - a footnote reference costs a few hundred bytes of markup (links both ways) for four characters of text.
 *
 * Everything else Markdown does costs a bounded factor of the text's own size. The estimate is an upper bound of
 * these costs: every table is taken to run to the next blank line, every `]` to be a use of the longest reference
 * definition.
 */

/** The limits; documented in the README ("Guarantees"). */
export const OUTPUT_LIMITS = {
  /** Table cells (after padding) in one incident, its Markdown strings together. */
  maxTableCells: 100_000,
  /** Estimated bytes of one incident's content as a page shows it (its Markdown as HTML and its other values). */
  maxIncidentBytes: 8 * 1024 * 1024,
  /** Estimated bytes of all the files one incident appears in (its page, API records, feeds, service feeds). */
  maxIncidentOutputBytes: 256 * 1024 * 1024,
  /** Files that show an incident's content whatever it is (page, API record and page, feeds, Statuspage API). */
  fixedAppearances: 8,
  /** Incidents one file may show together (a feed: 50; an API page: 100), and what their content may weigh together. */
  groupSize: 100,
  maxGroupBytes: 64 * 1024 * 1024,
  /** Services of site.yaml, and days of uptime bars over all of them (services × uptime_days). */
  maxServices: 1_000,
  maxServiceDays: 100_000,
};

/** Bytes of markup per table cell (`<td align="center"></td>` and a line break). */
const CELL_BYTES = 26;
/** Bytes of markup per footnote reference (the reference, its back link, their ids). */
const FOOTNOTE_USE_BYTES = 400;

export interface MarkdownWeight {
  /** Estimated bytes of HTML (the text's length plus what the structures above add). */
  bytes: number;
  /** Table cells after padding. */
  cells: number;
  /** Offset of the delimiter row of the largest table (-1 when none). */
  tableAt: number;
  tableCells: number;
  /** Bytes added by references, and the offset of the longest definition (-1 when none). */
  referenceBytes: number;
  referenceAt: number;
}

/** Container markers at the start of a line: indentation, block quotes, list markers. */
const CONTAINERS = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*/;
const DEFINITION = /^ {0,3}\[(?!\^)(?:[^\]\\\n]|\\.){1,999}\]:[ \t]*(\S.*)?$/;
const FOOTNOTE_DEFINITION = /^ {0,3}\[\^[^\]\n]{1,999}\]:/;

/** Bytes a URL or title may take in an attribute: percent-encoded UTF-8, escaped quotes and ampersands. */
function attributeBytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0xd800 && c <= 0xdfff ? 6 : 9;
    else if (c === 0x22) n += 6; // &quot;
    else if (c === 0x26) n += 5; // &amp;
    else n += /[A-Za-z0-9\-._~:/?#@!$'()*+,;=%]/.test(s[i]!) ? 1 : 3;
  }
  return n;
}

/** The columns of a table's delimiter row (`| :-- | --: |` → 2), or 0 when the line is not one. Linear, no regex. */
function delimiterColumns(line: string): number {
  let t = line.trim();
  if (!t.includes('|')) return 0; // (without a pipe, `---` is a heading's underline or a rule)
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  const cells = t.split('|');
  return cells.every((c) => /^:?-+:?$/.test(c.trim())) ? cells.length : 0;
}

/** The estimate of `text` from offset `from` (a body after its frontmatter, or a whole Markdown string). */
export function markdownWeight(text: string, from = 0): MarkdownWeight {
  const lines: string[] = [];
  const starts: number[] = [];
  const eol = /\r\n|\r|\n/g;
  eol.lastIndex = from;
  for (let at = from; ; ) {
    const m = eol.exec(text);
    starts.push(at);
    lines.push(text.slice(at, m ? m.index : text.length));
    if (!m) break;
    at = m.index + m[0].length;
  }
  const w: MarkdownWeight = { bytes: text.length - from, cells: 0, tableAt: -1, tableCells: 0, referenceBytes: 0, referenceAt: -1 };
  const content = (i: number) => lines[i]!.replace(CONTAINERS, '');
  let longest = 0;
  let footnotes = false;
  for (let i = 0; i < lines.length; i++) {
    const line = content(i);
    const columns = line.includes('-') ? delimiterColumns(line) : 0;
    if (columns > 0 && i > 0 && content(i - 1).trim() !== '') {
      // A table: its header, this row, and (at most) every line up to the next blank one, each padded.
      let end = i + 1;
      while (end < lines.length && content(end).trim() !== '') end++;
      const cells = columns * (end - i);
      w.cells += cells;
      if (cells > w.tableCells) {
        w.tableCells = cells;
        w.tableAt = starts[i]!;
      }
      i = end - 1;
      continue;
    }
    if (FOOTNOTE_DEFINITION.test(line)) footnotes = true;
    else {
      const def = DEFINITION.exec(line);
      if (def) {
        // A definition's URL and title may go on over the next lines, up to a blank line or another definition.
        let body = def[1] ?? '';
        for (let k = i + 1; k < lines.length && content(k).trim() !== '' && !/^ {0,3}\[/.test(content(k)); k++) body += content(k);
        const bytes = attributeBytes(body);
        if (bytes > longest) {
          longest = bytes;
          w.referenceAt = starts[i]!;
        }
      }
    }
  }
  let closers = 0;
  let footnoteUses = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 93) closers++; // ]
    else if (c === 94 && text.charCodeAt(i - 1) === 91) footnoteUses++; // [^
  }
  w.referenceBytes = closers * longest + (footnotes ? footnoteUses * FOOTNOTE_USE_BYTES : 0);
  w.bytes += w.cells * CELL_BYTES + w.referenceBytes;
  return w;
}

/** `8 MiB`, `1.5 GiB`, `900 KiB`, `12 B`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : Number(n.toFixed(1))} ${units[u]}`;
}
