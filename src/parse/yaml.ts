/** YAML with positions: parse, locate duplicate keys, find a node by its path and its span in the file. */
import { parseDocument as parseYamlDocument, isMap, isPair, isScalar, isSeq, visit, type Document, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { diagnosticAt, type LineIndex, type Span } from './lines.js';
import { LIMITS, yamlNesting } from './nesting.js';
import { unresolvedAliasHelp, yamlErrorHelp } from './yaml-hints.js';

/** Errors of one file that get a `help:` line: each costs a walk of the document, and a hostile file may have thousands. */
const MAX_HELPED_ERRORS = 10;

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

/** Parse YAML text found at `at.yamlOffset` of a file into a document with ranges and plain data. */
export function parseYaml(at: ParsedYaml, yamlText: string): { yaml: Document; data: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // A lone CR (old Mac line ends) is a line break for LineIndex but not for the YAML parser: make it LF.
  // Same length, so every offset still points at the same character of the file.
  // logLevel 'error': problems are reported as diagnostics, never as process warnings on stderr.
  // uniqueKeys false: the parser's own check is quadratic in the size of a mapping (minutes for a hostile
  // 1 MiB file); duplicates are found below in linear time instead.
  const deep = yamlNesting(yamlText);
  if (deep >= 0) {
    const message = `YAML nested too deeply: collections (lists and mappings, [ ] and { }) may nest at most ${LIMITS.maxNesting} levels`;
    diagnostics.push(diagnosticAt(at, { start: at.yamlOffset + deep, end: at.yamlOffset + deep + 1 }, Rule.YamlTooDeep, message));
    return { yaml: parseYamlDocument(''), data: undefined, diagnostics };
  }
  const doc = parseYamlDocument(yamlText.replace(/\r(?!\n)/g, '\n'), { prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' });
  const offset = at.yamlOffset;
  const lineNumber = (o: number) => at.lines.position(offset + o).line;
  for (const [i, err] of doc.errors.entries()) {
    const help = i < MAX_HELPED_ERRORS ? yamlErrorHelp(yamlText, doc, err.code, err.message, err.pos[0], lineNumber) : {};
    const span = { start: offset + (help.start ?? err.pos[0]), end: offset + (help.end ?? err.pos[1]) };
    diagnostics.push(diagnosticAt(at, span, Rule.YamlSyntax, yamlMessage(err.code, err.message), help.hint));
  }
  const duplicates = duplicateKeys(doc);
  for (const key of duplicates) {
    const range = key.range ?? [0, 0];
    const name = String(key.value);
    diagnostics.push(
      diagnosticAt(
        at, { start: offset + range[0], end: offset + range[1] }, Rule.DuplicateKey,
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
    if (/unresolved alias/i.test(message)) {
      // `title: *bold*`: an alias with no anchor, nearly always a value meant to start with `*`.
      const help = unresolvedAliasHelp(yamlText, doc, lineNumber);
      const span = { start: offset + (help.start ?? 0), end: offset + (help.end ?? 0) };
      diagnostics.push(diagnosticAt(at, span, Rule.YamlSyntax, `invalid YAML: ${message}`, help.hint));
      return { yaml: doc, data: undefined, diagnostics };
    }
    diagnostics.push(
      diagnosticAt(
        at,
        { start: offset, end: offset },
        /alias/i.test(message) ? Rule.YamlAliasLimit : Rule.YamlSyntax,
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
