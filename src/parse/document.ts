/**
 * Parsed documents: a file's text → YAML frontmatter (`yaml`, with node ranges) and the Markdown body, with every
 * offset mappable to a line and column of the file.
 *
 * Where the frontmatter ends is found by a line scan (`locateFrontmatter`) that follows remark-frontmatter's rules
 * exactly (`---` alone on line 1, then the first line that is `---`, spaces and tabs allowed after both fences,
 * LF, CRLF or a lone CR): parsing a whole file with unified + remark-parse + remark-frontmatter only to find that
 * line cost half of a build. test/property.test.ts checks on random inputs that the scan and remark-frontmatter
 * agree. The body is parsed with remark-parse + remark-gfm only when it is rendered (src/markdown.ts); `check`
 * never parses it (the nesting guard below is a line scan).
 */
import { CST, Document, Lexer, parseDocument as parseYamlDocument, isMap, isPair, isScalar, isSeq, visit, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../core/model.js';

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
  /** Offset of the body in `text`. */
  bodyOffset: number;
  bodyLine: number;
  /** Problems found while parsing (YAML syntax, missing frontmatter). */
  diagnostics: Diagnostic[];
}

/** Limits that keep hostile input from exhausting memory or time. */
export const LIMITS = {
  /** A YAML alias may expand at most this many nodes (protects against "billion laughs"). */
  maxAliasCount: 1000,
  /**
   * YAML collections and Markdown containers (block quotes, list items) may nest at most this deep (an upper
   * bound counted without parsing, see `yamlNesting` and `markdownNesting`): deeper input makes the parsers'
   * recursion overflow the stack, and their time grow much faster than the input.
   */
  maxNesting: 100,
};

/**
 * An upper bound of the nesting of YAML collections, from the yaml Lexer (no recursion): open flow collections,
 * plus the block indentation levels open, plus the block indicators (`- `, `? `, `: `) of the line. Returns the
 * offset in `text` where it first exceeds `limit`, or -1.
 */
export function yamlNesting(text: string, limit = LIMITS.maxNesting): number {
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  const indents: number[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      indicators = 0;
    } else if (type === 'space') {
      if (lineStart) indent = token.length;
    } else if (type !== 'comment' && type !== 'doc-mode' && type !== 'flow-error-end') {
      if (lineStart && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
      lineStart = false;
      if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
      else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
      else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') indicators++;
      if (flow + indents.length + indicators > limit) return offset;
    }
    // The lexer's control tokens (document mode, scalar and flow-end markers) are not characters of the text.
    if (!(token.length === 1 && token < ' ' && token !== '\t' && token !== '\n' && token !== '\r')) offset += token.length;
  }
  return -1;
}

/**
 * An upper bound of how deeply Markdown containers nest, line by line, without parsing: the block-quote and
 * list markers that open a line plus half its indentation (a nested list item is indented at least two
 * columns; a lazy line cannot open containers). Returns the offset of the first line deeper than `limit`, or -1.
 */
export function markdownNesting(text: string, limit = LIMITS.maxNesting, from = 0): number {
  let i = from;
  while (i < text.length) {
    const lineStart = i;
    let depth = 0;
    let columns = 0;
    for (;;) {
      const c = text.charCodeAt(i);
      const spaceAfter = (k: number) => k >= text.length || text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13;
      if (c === 32) columns++;
      else if (c === 9) columns += 4 - (columns % 4);
      else if (c === 62) depth++; // >
      else if ((c === 45 || c === 42 || c === 43) && spaceAfter(i + 1)) depth++; // - * +
      else if (c >= 48 && c <= 57) {
        let k = i;
        while (k < text.length && k - i < 9 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
        const m = text.charCodeAt(k);
        if ((m !== 46 && m !== 41) || !spaceAfter(k + 1)) break; // 1. 1)
        depth++;
        i = k;
      } else break;
      i++;
      if (depth + (columns >> 1) > limit) return lineStart;
    }
    // On to the next line (LF, CRLF or a lone CR).
    while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    i++;
  }
  return -1;
}

/** Where a file's frontmatter is: offsets into the (BOM-stripped) text. */
export interface FrontmatterSpan {
  /** First character of the YAML text (the line after the opening fence). */
  yamlStart: number;
  /** Start of the closing `---` line (the YAML text ends here). */
  closeStart: number;
  /** End of the frontmatter, as remark-frontmatter's node ends: after the closing fence and its trailing blanks. */
  end: number;
  /** First character of the body (after the closing fence's line ending). */
  bodyStart: number;
}

/**
 * Locate the frontmatter by remark-frontmatter's (micromark-extension-frontmatter's) rules: the file starts
 * with `---`, spaces or tabs, and a line ending; it ends at the first following line that is `---` followed
 * only by spaces or tabs up to a line ending or the end of the file. Null when there is no such block.
 * Linear, no regular expression. Verified against remark-frontmatter by a property test.
 */
export function locateFrontmatter(text: string): FrontmatterSpan | null {
  const n = text.length;
  const blanks = (i: number) => {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    return i;
  };
  const eolLength = (i: number) => (text.charCodeAt(i) === 13 ? (text.charCodeAt(i + 1) === 10 ? 2 : 1) : text.charCodeAt(i) === 10 ? 1 : 0);
  if (!text.startsWith('---')) return null;
  const afterOpen = blanks(3);
  const openEol = eolLength(afterOpen);
  if (openEol === 0) return null; // EOF or other characters on the opening line
  const yamlStart = afterOpen + openEol;
  let line = yamlStart;
  for (;;) {
    if (text.startsWith('---', line)) {
      const j = blanks(line + 3);
      if (j >= n || eolLength(j) > 0) return { yamlStart, closeStart: line, end: j, bodyStart: j + eolLength(j) };
    }
    let k = line;
    while (k < n && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) k++;
    if (k >= n) return null; // never closed
    line = k + eolLength(k);
  }
}

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
  };
  if (!fm) {
    const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
    const opened = /^---[ \t]*$/.test(firstLine);
    result.diagnostics.push(
      diagnosticAt(
        result,
        { start: 0, end: firstLine.length },
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
        result,
        { start: fm.bodyStart, end: fm.bodyStart },
        'error',
        'markdown-too-deep',
        `the Markdown body cannot be read: it nests too deeply (${error}); expected quotes and lists nested at most a few levels`,
      ),
    );
  }

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
  // A lone CR (old Mac line ends) is a line break for LineIndex but not for the YAML parser: make it LF.
  // Same length, so every offset still points at the same character of the file.
  // logLevel 'error': problems are reported as diagnostics, never as process warnings on stderr.
  // uniqueKeys false: the parser's own check is quadratic in the size of a mapping (minutes for a hostile
  // 1 MiB file); duplicates are found below in linear time instead.
  const deep = yamlNesting(yamlText);
  if (deep >= 0) {
    const message = `YAML nested too deeply: collections (lists and mappings, [ ] and { }) may nest at most ${LIMITS.maxNesting} levels`;
    diagnostics.push(diagnosticAt(at, { start: at.yamlOffset + deep, end: at.yamlOffset + deep + 1 }, 'error', 'yaml-too-deep', message));
    return { yaml: parseYamlDocument(''), data: undefined, diagnostics };
  }
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
