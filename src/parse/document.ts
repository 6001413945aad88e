/**
 * Parsed documents: a file's text → YAML frontmatter (`yaml`, with node ranges) and the Markdown body, with every
 * offset mappable to a line and column of the file.
 *
 * Where the frontmatter ends is found by a line scan (frontmatter.ts) that follows remark-frontmatter's rules
 * exactly; test/property.test.ts checks on random inputs that the two agree. The body is parsed with remark-parse
 * + remark-gfm only when it is rendered (markdown/), and when it holds an image (`![`, images.ts); `check` parses no
 * other body (the nesting guard is a line scan).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { diagnosticAt, LineIndex } from './lines.js';
import { locateFrontmatter } from './frontmatter.js';
import { LIMITS, markdownNesting } from './nesting.js';
import { formatSize, markdownWeight, OUTPUT_LIMITS, type MarkdownWeight } from './limits.js';
import { parseYaml, type ParsedYaml } from './yaml.js';

export type { ParsedYaml } from './yaml.js';

export interface ParsedDocument extends ParsedYaml {
  /** Frontmatter as plain data (undefined when absent or unparsable). */
  data: unknown;
  /** The Markdown body (text after the closing `---`). */
  body: string;
  /** Offset of the body in `text`. */
  bodyOffset: number;
  bodyLine: number;
  /** Problems found while parsing (YAML syntax, missing frontmatter). */
  diagnostics: Diagnostic[];
  /** What the body may cost as HTML (see limits.ts); the whole incident is weighed in validation. */
  bodyWeight: MarkdownWeight;
}

/** Parse one incident file. Never throws for any input text. */
export function parseIncidentText(file: string, rawText: string): ParsedDocument {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineIndex(text);
  const fm = locateFrontmatter(text);
  const result: ParsedDocument = {
    file,
    text,
    lines,
    yaml: null,
    yamlOffset: 0,
    data: undefined,
    body: text,
    bodyOffset: 0,
    bodyLine: 1,
    diagnostics: [],
    bodyWeight: { bytes: 0, cells: 0, tableAt: -1, tableCells: 0, referenceBytes: 0, referenceAt: -1 },
  };
  if (!fm) {
    const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
    const opened = /^---[ \t]*$/.test(firstLine);
    result.diagnostics.push(
      diagnosticAt(
        result, { start: 0, end: firstLine.length }, Rule.FrontmatterMissing,
        opened
          ? 'the frontmatter opened by `---` on line 1 is never closed; expected a line with only `---` after it'
          : 'expected the file to start with a YAML frontmatter block between two `---` lines; found none',
        'start the file with `---`, the keys (title, summary, severity, started, services), and a closing `---`',
      ),
    );
    return result;
  }
  const yamlText = fm.closeStart > fm.yamlStart ? text.slice(fm.yamlStart, fm.closeStart) : '';
  result.yamlOffset = fm.yamlStart;
  result.body = text.slice(fm.bodyStart);
  result.bodyOffset = fm.bodyStart;
  result.bodyLine = lines.position(fm.bodyStart).line;
  // Refuse a body that would overflow the Markdown parser's stack (or take it minutes) when it is rendered:
  // a line scan, no parse.
  const deep = markdownNesting(text, LIMITS.maxNesting, fm.bodyStart);
  if (deep >= 0) {
    const error = `line ${lines.position(deep).line} opens more than ${LIMITS.maxNesting} levels of block quotes and lists`;
    result.diagnostics.push(
      diagnosticAt(
        result, { start: fm.bodyStart, end: fm.bodyStart }, Rule.MarkdownTooDeep,
        `the Markdown body cannot be read: it nests too deeply (${error}); expected quotes and lists nested at most a few levels`,
      ),
    );
  }

  result.bodyWeight = markdownWeight(text, fm.bodyStart);
  result.diagnostics.push(...weightDiagnostics(result, result.bodyWeight));

  const { yaml, data, diagnostics } = parseYaml(result, yamlText);
  result.yaml = yaml;
  result.data = data;
  result.diagnostics.push(...diagnostics);
  return result;
}

/**
 * A body that would cost too much as HTML (limits.ts): too many table cells (at its largest table), or more bytes
 * than a page may hold (at its longest reference definition, when references are why). Found by a line scan, the
 * same in `check` and `build`.
 */
function weightDiagnostics(doc: ParsedDocument, w: MarkdownWeight): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (w.cells > OUTPUT_LIMITS.maxTableCells) {
    const at = w.tableAt;
    out.push(
      diagnosticAt(
        doc, { start: at, end: at }, Rule.TableTooLarge,
        `the tables of the body would have ${w.cells.toLocaleString('en-US')} cells once every row is padded to the columns of its header (this one alone ${w.tableCells.toLocaleString('en-US')}); expected at most ${OUTPUT_LIMITS.maxTableCells.toLocaleString('en-US')}`,
        'link to the data instead of pasting it as a table, or split the table',
      ),
    );
  } else if (w.bytes > OUTPUT_LIMITS.maxIncidentBytes) {
    const at = w.referenceAt >= 0 && w.referenceBytes > w.bytes / 2 ? w.referenceAt : doc.bodyOffset;
    out.push(
      diagnosticAt(
        doc, { start: at, end: at }, Rule.OutputTooLarge,
        `the body would render to about ${formatSize(w.bytes)} of HTML${at === w.referenceAt ? ' (this reference definition is repeated at every use of a reference)' : ''}; a page may hold at most ${formatSize(OUTPUT_LIMITS.maxIncidentBytes)}`,
        'write long links inline or shorten them, and move logs and data out of the postmortem',
      ),
    );
  }
  return out;
}

/** Parse a whole YAML file (site.yaml). Never throws. */
export function parseYamlFile(file: string, rawText: string): ParsedYaml & { data: unknown; diagnostics: Diagnostic[] } {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const base: ParsedYaml = { file, text, lines: new LineIndex(text), yaml: null, yamlOffset: 0 };
  const { yaml, data, diagnostics } = parseYaml(base, text);
  return { ...base, yaml, data, diagnostics };
}

