/**
 * Parsed documents: a file's text → Markdown tree (unified + remark-parse + remark-frontmatter + remark-gfm)
 * and YAML frontmatter (`yaml`, with node ranges), with every offset mappable to a line and column of the file.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import { Document, parseDocument as parseYamlDocument, isMap, isPair, isScalar, isSeq, visit, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
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
  // The underline stays on the first line and never covers its line break.
  const eol = /\r\n|\r|\n/g;
  eol.lastIndex = Math.max(0, span.start);
  const lineEnd = eol.exec(doc.lines.text)?.index ?? doc.lines.text.length;
  const end = doc.lines.position(Math.min(Math.max(span.start, span.end), lineEnd));
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
  const { tree, error: markdownError } = parseMarkdown(text);
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
    const opened = /^---[ \t]*$/.test(text.split(/\r\n|\r|\n/, 1)[0] ?? '');
    result.diagnostics.push(
      diagnosticAt(
        result,
        { start: 0, end: (text.split(/\r\n|\r|\n/, 1)[0] ?? '').length },
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
  // The YAML starts on the line after the opening `---` (lines may end in LF, CRLF or a lone CR).
  const openLine = /\r\n|\r|\n/g;
  openLine.lastIndex = startOffset;
  const openEnd = openLine.exec(text);
  const yamlOffset = openEnd === null ? endOffset : openEnd.index + openEnd[0].length;
  // The closing fence is the last line of the node: its `---` ends at endOffset.
  const closeStart = text.lastIndexOf('---', endOffset);
  const yamlText = closeStart > yamlOffset ? text.slice(yamlOffset, closeStart) : '';
  result.yamlOffset = yamlOffset;
  let bodyStart = endOffset;
  if (text[bodyStart] === '\r') bodyStart++;
  if (text[bodyStart] === '\n') bodyStart++;
  result.body = text.slice(bodyStart);
  result.bodyLine = lines.position(bodyStart).line;
  if (markdownError !== undefined) {
    result.diagnostics.push(
      diagnosticAt(
        result,
        { start: bodyStart, end: bodyStart },
        'error',
        'markdown-too-deep',
        `the Markdown body cannot be read: it nests too deeply (${markdownError}); expected quotes and lists nested at most a few levels`,
      ),
    );
  }

  const { yaml, data, diagnostics } = parseYaml(result, yamlText);
  result.yaml = yaml;
  result.data = data;
  result.diagnostics.push(...diagnostics);
  return result;
}

/**
 * The Markdown tree of a file. Pathological nesting in the body (thousands of `>` or list levels) overflows
 * the Markdown parser's stack: then only the frontmatter is parsed, so its problems are still reported,
 * and the error is returned to be reported once.
 */
function parseMarkdown(text: string): { tree: Root; error?: string } {
  try {
    return { tree: markdownParser.parse(text) as Root };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const close = /^---[ \t]*(?:\r\n|\r|\n)(?:[^]*?(?:\r\n|\r|\n))?---[ \t]*(?=\r\n|\r|\n|$)/.exec(text);
    try {
      return { tree: markdownParser.parse(close ? close[0] : '') as Root, error };
    } catch {
      return { tree: { type: 'root', children: [] }, error };
    }
  }
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
  // A lone CR (old Mac line ends) is a line break for LineIndex but not for the YAML parser: make it LF.
  // Same length, so every offset still points at the same character of the file.
  // logLevel 'error': problems are reported as diagnostics, never as process warnings on stderr.
  // uniqueKeys false: the parser's own check is quadratic in the size of a mapping (minutes for a hostile
  // 1 MiB file); duplicates are found below in linear time instead.
  const doc = parseYamlDocument(yamlText.replace(/\r(?!\n)/g, '\n'), { prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' });
  const offset = at.yamlOffset;
  for (const err of doc.errors) {
    diagnostics.push(
      diagnosticAt(at, { start: offset + err.pos[0], end: offset + err.pos[1] }, 'error', 'yaml-syntax', yamlMessage(err.code, err.message)),
    );
  }
  const duplicates = duplicateKeys(doc);
  for (const key of duplicates) {
    const range = key.range ?? [0, 0];
    const name = String(key.value);
    diagnostics.push(
      diagnosticAt(
        at,
        { start: offset + range[0], end: offset + range[1] },
        'error',
        'duplicate-key',
        `duplicate key "${name}": it appears twice in the same mapping; expected each key once`,
      ),
    );
  }
  if (diagnostics.length > 0) return { yaml: doc, data: undefined, diagnostics };
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

/** Keys that repeat an earlier key of the same mapping (scalar keys compared by value, like the YAML parser does). */
function duplicateKeys(doc: Document): Scalar[] {
  const out: Scalar[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) out.push(key);
        else seen.add(key.value);
      }
    },
  });
  return out;
}

function yamlMessage(code: string, message: string): string {
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
      const pair = pairsOf(node).get(String(step));
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

/** A mapping's pairs by key (the first pair of each key), built once per mapping: lookups stay O(1) on huge files. */
const pairIndex = new WeakMap<object, Map<string, Pair>>();
function pairsOf(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      const k = isPair(p) ? scalarValue(p.key) : undefined;
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    pairIndex.set(map, index);
  }
  return index;
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
      const eol = /\r\n|\r|\n/g;
      eol.lastIndex = start;
      const nl = eol.exec(parsed.text)?.index ?? -1;
      if (nl >= 0 && nl < end) end = nl;
      return { start, end };
    }
  }
  return { start: 0, end: 3 };
}
