/**
 * Parsed documents: a file's text → Markdown tree (unified + remark-parse + remark-frontmatter + remark-gfm)
 * and YAML frontmatter (`yaml`, with node ranges), with every offset mappable to a line and column of the file.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import { Document, parseDocument as parseYamlDocument, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { Root } from 'mdast';
import type { Diagnostic } from './model.js';

/** Maps offsets of a text to 1-based lines and columns (columns count UTF-16 code units, like editors). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1 };
  }
}

/** A span of the file, as offsets into the (BOM-stripped) text. */
export interface Span {
  start: number;
  end: number;
}

/** A YAML document inside a file, with what is needed to turn its node ranges into lines and columns. */
export interface ParsedYaml {
  /** Path relative to the root. */
  file: string;
  /** The text with any BOM removed. */
  text: string;
  lines: LineIndex;
  /** The YAML document, or null when there is none. */
  yaml: Document | null;
  /** Offset of the first character of the YAML text in `text`. */
  yamlOffset: number;
}

export interface ParsedDocument extends ParsedYaml {
  /** Frontmatter as plain data (undefined when absent or unparsable). */
  data: unknown;
  /** The Markdown body (text after the closing `---`). */
  body: string;
  bodyLine: number;
  /** The whole Markdown tree (frontmatter node included), for rendering without parsing twice. */
  tree: Root;
  /** Problems found while parsing (YAML syntax, missing frontmatter). */
  diagnostics: Diagnostic[];
}

/** Limits that keep hostile input from exhausting memory or time. */
export const LIMITS = {
  /** A YAML alias may expand at most this many nodes (protects against "billion laughs"). */
  maxAliasCount: 1000,
};

const markdownParser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

export function diagnosticAt(
  doc: { file: string; lines: LineIndex },
  span: Span,
  severity: Diagnostic['severity'],
  rule: string,
  message: string,
  hint?: string,
): Diagnostic {
  const start = doc.lines.position(span.start);
  const end = doc.lines.position(Math.max(span.start, span.end));
  const d: Diagnostic = { file: doc.file, line: start.line, column: start.column, severity, rule, message };
  if (end.line === start.line && end.column > start.column) {
    d.endLine = end.line;
    d.endColumn = end.column;
  }
  if (hint) d.hint = hint;
  return d;
}

/** Parse one incident file. Never throws for any input text. */
export function parseIncidentText(file: string, rawText: string): ParsedDocument {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineIndex(text);
  const tree = markdownParser.parse(text) as Root;
  const first = tree.children[0];
  const result: ParsedDocument = {
    file,
    text,
    lines,
    yaml: null,
    yamlOffset: 0,
    data: undefined,
    body: text,
    bodyLine: 1,
    tree,
    diagnostics: [],
  };
  if (!first || first.type !== 'yaml' || !first.position || first.position.start.offset !== 0) {
    const opened = /^---[ \t]*\r?$/m.test(text.split('\n', 1)[0] ?? '');
    result.diagnostics.push(
      diagnosticAt(
        result,
        { start: 0, end: (text.split(/\r?\n/, 1)[0] ?? '').length },
        'error',
        'frontmatter-missing',
        opened
          ? 'the frontmatter opened by `---` on line 1 is never closed; expected a line with only `---` after it'
          : 'expected the file to start with a YAML frontmatter block between two `---` lines; found none',
        'start the file with `---`, the keys (title, summary, severity, started, services), and a closing `---`',
      ),
    );
    return result;
  }
  const startOffset = first.position.start.offset ?? 0;
  const endOffset = first.position.end.offset ?? 0;
  const openEnd = text.indexOf('\n', startOffset);
  const yamlOffset = openEnd < 0 ? endOffset : openEnd + 1;
  // The closing fence is the last line of the node: its `---` ends at endOffset.
  const closeStart = text.lastIndexOf('---', endOffset);
  const yamlText = closeStart > yamlOffset ? text.slice(yamlOffset, closeStart) : '';
  result.yamlOffset = yamlOffset;
  let bodyStart = endOffset;
  if (text[bodyStart] === '\r') bodyStart++;
  if (text[bodyStart] === '\n') bodyStart++;
  result.body = text.slice(bodyStart);
  result.bodyLine = lines.position(bodyStart).line;

  const { yaml, data, diagnostics } = parseYaml(result, yamlText);
  result.yaml = yaml;
  result.data = data;
  result.diagnostics.push(...diagnostics);
  return result;
}

/** Parse a whole YAML file (site.yaml). Never throws. */
export function parseYamlFile(file: string, rawText: string): ParsedYaml & { data: unknown; diagnostics: Diagnostic[] } {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const base: ParsedYaml = { file, text, lines: new LineIndex(text), yaml: null, yamlOffset: 0 };
  const { yaml, data, diagnostics } = parseYaml(base, text);
  return { ...base, yaml, data, diagnostics };
}

/** Parse YAML text found at `at.yamlOffset` of a file into a document with ranges and plain data. */
function parseYaml(at: ParsedYaml, yamlText: string): { yaml: Document; data: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const doc = parseYamlDocument(yamlText, { prettyErrors: false, uniqueKeys: true, strict: true });
  const offset = at.yamlOffset;
  for (const err of doc.errors) {
    diagnostics.push(
      diagnosticAt(
        at,
        { start: offset + err.pos[0], end: offset + err.pos[1] },
        'error',
        err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
        yamlMessage(err.code, err.message),
      ),
    );
  }
  if (doc.errors.length > 0) return { yaml: doc, data: undefined, diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    diagnostics.push(
      diagnosticAt(
        at,
        { start: offset, end: offset },
        'error',
        /alias/i.test(message) ? 'yaml-alias-limit' : 'yaml-syntax',
        /alias/i.test(message)
          ? `YAML aliases expand to too many nodes; expected at most ${LIMITS.maxAliasCount} (${message})`
          : `invalid YAML: ${message}`,
      ),
    );
  }
  return { yaml: doc, data, diagnostics };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return `${message}: a key appears twice in the same mapping; expected each key once`;
  if (code === 'TAB_AS_INDENT') return `${message}; YAML indentation must use spaces, found a tab`;
  return `invalid YAML: ${message}`;
}

/** Find the node at a path (keys and indexes) of a YAML document; also the key node when the last step is a key. */
export function nodeAt(doc: Document, path: readonly PropertyKey[]): { node: YamlNode | null; key: YamlNode | null } {
  let node: unknown = doc.contents;
  let key: YamlNode | null = null;
  for (const step of path) {
    key = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === String(step));
      if (!pair) return { node: null, key: null };
      key = (pair.key as YamlNode) ?? null;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else {
      return { node: null, key: null };
    }
  }
  return { node: (node as YamlNode) ?? null, key };
}

function scalarValue(n: unknown): string | undefined {
  return isScalar(n) ? String(n.value) : undefined;
}

/** The span of a YAML node (or of its key, or of the nearest existing ancestor), as file offsets. */
export function spanOf(parsed: ParsedYaml, path: readonly PropertyKey[], which: 'value' | 'key' = 'value'): Span {
  if (!parsed.yaml) return { start: 0, end: 3 };
  for (let n = path.length; n >= 0; n--) {
    const { node, key } = nodeAt(parsed.yaml, path.slice(0, n));
    const exact = n === path.length;
    const target = exact && which === 'key' ? key ?? node : node ?? key;
    const range = target?.range;
    if (range) {
      const start = parsed.yamlOffset + range[0];
      let end = parsed.yamlOffset + range[1];
      // A block collection spans many lines: point at its first line only.
      const nl = parsed.text.indexOf('\n', start);
      if (nl >= 0 && nl < end) end = nl > start && parsed.text[nl - 1] === '\r' ? nl - 1 : nl;
      return { start, end };
    }
  }
  return { start: 0, end: 3 };
}
