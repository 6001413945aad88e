/**
 * How to fix the YAML mistakes authors make most: the parser says what it could not read ("Nested mappings are
 * not allowed in compact mappings"); these say what to write instead, built from the author's own line
 * (`quote the value: text: "Blog post … (late: the blog …)"`). Also where to point when the parser's position is
 * not where the mistake is: an unclosed quote is reported where the file ends, the fix is where it opened.
 */
import { isScalar, isCollection, visit, type Document, type Node as YamlNode } from 'yaml';

export interface YamlErrorHelp {
  /** The fix, for the `help:` line. */
  hint?: string;
  /** A better place to point at (offsets into the YAML text), when the parser's is far from the mistake. */
  start?: number;
  end?: number;
}

/** The 1-based line number, in the file, of an offset of the YAML text. */
export type LineNumber = (offset: number) => number;

/** The line of `text` holding `offset`: its text, its start offset, its line number in the file. */
function lineAt(text: string, offset: number, lineNumber: LineNumber): { line: string; start: number; number: number } {
  const o = Math.max(0, Math.min(offset, text.length));
  const start = text.lastIndexOf('\n', o - 1) + 1;
  const nl = text.indexOf('\n', o);
  const line = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
  return { line, start, number: lineNumber(start) };
}

/** `  - text: value` → its parts: indentation (with any `- `), key, value (trimmed; '' when none). */
export function splitPair(line: string): { lead: string; key: string; value: string } | null {
  const m = /^(\s*(?:-\s+)?)([^\s:#'"{[\-][^:]*?|"[^"]*"|'[^']*'):(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return { lead: m[1]!, key: m[2]!, value: (m[3] ?? '').trim() };
}

/** A value written so that YAML reads it back as the same text. */
export function quoted(value: string): string {
  if (!/["\\]/.test(value)) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return JSON.stringify(value);
}

/** Keep a suggested line readable: a long value is cut in the middle. */
function shorten(value: string): string {
  return value.length > 70 ? `${value.slice(0, 40)} … ${value.slice(-20)}` : value;
}

function quoteFix(pair: { key: string; value: string }): string {
  return `\`${pair.key}: ${shorten(quoted(pair.value))}\``;
}

/** The quoted scalar or flow collection the parser was still reading when it hit `pos`. */
function openedAt(doc: Document, pos: number, kind: 'quote' | 'flow'): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, (_, node) => {
    const range = (node as YamlNode | null)?.range;
    if (!range || range[1] !== pos) return;
    if (kind === 'quote' && isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) found = node;
    if (kind === 'flow' && isCollection(node) && node.flow) found = node;
  });
  return found;
}

/** What a value's first character means to YAML, when it is not text. */
const SPECIAL_START: Record<string, string> = {
  '*': '`*` starts an alias (a reference to an `&anchor`)',
  '&': '`&` starts an anchor (a name for the value)',
  '!': '`!` starts a tag (the type of the value)',
};

/** Help for one parser error (`code`, `message`, at `pos` of the YAML text). */
export function yamlErrorHelp(text: string, doc: Document, code: string, message: string, pos: number, lineNumber: LineNumber): YamlErrorHelp {
  const here = lineAt(text, pos, lineNumber);
  const pair = splitPair(here.line);
  switch (code) {
    case 'TAB_AS_INDENT':
      return { hint: 'replace the tab with spaces: YAML nests by counting spaces (two per level is usual)' };
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (pair && /:[ \t]/.test(pair.value)) {
        return { hint: `the value holds ": ", which YAML reads as the start of another key; quote the value: ${quoteFix(pair)}` };
      }
      return indentHelp(text, here);
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR':
      if (/closing ["']?quote/i.test(message)) return quoteHelp(text, doc, pos, lineNumber);
      if (pair) return indentHelp(text, here);
      return noColonHelp(here.line, /:\s*$/.test(text.slice(0, here.start).trimEnd().split('\n').pop() ?? ''));
    case 'BAD_INDENT':
      if (/^Flow (sequence|map)/.test(message)) return flowHelp(text, doc, pos, message.startsWith('Flow sequence') ? ']' : '}', lineNumber);
      return {};
    case 'BAD_SCALAR_START':
      return pair && pair.value !== '' ? { hint: `a plain value cannot start with ${JSON.stringify(pair.value[0])}; quote the value: ${quoteFix(pair)}` } : {};
    case 'UNEXPECTED_TOKEN': {
      if (!pair || pair.value === '') return {};
      // Point at the value to quote, not at the word the parser stumbled on.
      const start = here.start + here.line.indexOf(pair.value, pair.lead.length + pair.key.length);
      const at = { start, end: start + 1 };
      if (/^["']/.test(pair.value)) return { ...at, hint: `text follows the closing quote; quote the whole value: ${quoteFix(pair)}` };
      const meaning = SPECIAL_START[pair.value[0]!];
      return meaning ? { ...at, hint: `${meaning}; to write a value that starts with ${pair.value[0]}, quote it: ${quoteFix(pair)}` } : {};
    }
    default:
      return {};
  }
}

/** A line indented further than the key above it continues that key's value. */
function indentHelp(text: string, here: { line: string; start: number; number: number }): YamlErrorHelp {
  const rest = text.slice(here.start + here.line.length).split(/\r?\n/).slice(1);
  const next = rest.find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const indent = (l: string) => l.length - l.trimStart().length;
  const own = splitPair(here.line);
  if (next !== undefined && own && indent(next) > indent(here.line) && splitPair(next)) {
    const nextNumber = here.number + 1 + rest.indexOf(next);
    return { hint: `line ${nextNumber} is indented further than \`${own.key}:\` on line ${here.number}, so YAML reads it as part of that value; indent it like the keys around it` };
  }
  return {};
}

/** A line that is neither `key: value` nor `- item` (`afterKey`: the line above opens a value, maybe a list). */
function noColonHelp(line: string, afterKey: boolean): YamlErrorHelp {
  const t = line.trim();
  const m = /^([A-Za-z_][\w-]*)(?:[ \t]+(.+))?$/.exec(t);
  if (!m) return { hint: 'each line is a `key: value` pair (a colon and a space after the key) or a list item (`- value`)' };
  if (m[2] !== undefined) return { hint: `a key and its value are separated by a colon and a space: \`${m[1]}: ${m[2]}\`` };
  const item = afterKey ? `, or \`  - ${m[1]}\` for an item of the list above` : '';
  return { hint: `write \`${m[1]}: <value>\` for a key${item}; or remove the line` };
}

function quoteHelp(text: string, doc: Document, pos: number, lineNumber: LineNumber): YamlErrorHelp {
  const node = openedAt(doc, pos, 'quote');
  if (!node?.range) return { hint: 'close the quote at the end of the value' };
  const open = node.range[0];
  const q = text[open] === "'" ? "'" : '"';
  const where = lineAt(text, open, lineNumber);
  const inside = q === '"' ? 'a " inside it is written \\"' : "a ' inside it is written ''";
  return {
    start: open,
    end: open + 1,
    hint: `the ${q} opened on line ${where.number} is never closed, so YAML read on to the end; end the value with ${q} on the same line (${inside})`,
  };
}

function flowHelp(text: string, doc: Document, pos: number, close: ']' | '}', lineNumber: LineNumber): YamlErrorHelp {
  const node = openedAt(doc, pos, 'flow');
  const what = close === ']' ? 'list' : 'mapping';
  const example = close === ']' ? '`tags: [a, b]`' : '`- {id: api, impact: partial_outage}`';
  if (!node?.range) return { hint: `close the ${what} with ${close}, e.g. ${example}` };
  const where = lineAt(text, node.range[0], lineNumber);
  return { hint: `the ${what} opened with ${close === ']' ? '[' : '{'} on line ${where.number} is never closed; end it with ${close} after its last item, e.g. ${example}` };
}

/** An alias (`*name`) with no anchor: almost always a value meant to start with `*`. */
export function unresolvedAliasHelp(text: string, doc: Document, lineNumber: LineNumber): YamlErrorHelp {
  let range: [number, number, number] | undefined;
  visit(doc, {
    Alias(_, node) {
      if (!range && node.range && node.resolve(doc) === undefined) range = node.range;
    },
  });
  if (!range) return {};
  const pair = splitPair(lineAt(text, range[0], lineNumber).line);
  const fix = pair ? `: ${quoteFix(pair)}` : '';
  return { start: range[0], end: range[1], hint: `${SPECIAL_START['*']}; to write a value that starts with *, quote it${fix}` };
}

/** The text of the line holding an offset. */
export function lineTextAt(text: string, offset: number): string {
  const o = Math.max(0, Math.min(offset, text.length));
  const start = Math.max(text.lastIndexOf('\n', o - 1), text.lastIndexOf('\r', o - 1)) + 1;
  const end = text.slice(o).search(/\r|\n/);
  return text.slice(start, end < 0 ? text.length : o + end);
}

/**
 * A key written with nothing after it, or with a value that a `#` turned into a comment (`title: #1 outage`):
 * the help for "found an empty value". `line` is the line of the key (or of the list item).
 */
export function emptyValueHint(line: string): string {
  const pair = splitPair(line);
  if (!pair) return 'write the value, or remove the empty item';
  if (pair.value.startsWith('#')) return `after a space, # starts a comment, so the value is empty; quote the value: ${quoteFix(pair)}`;
  return `write the value after \`${pair.key}:\` (on the same line, or indented on the lines below), or remove the key`;
}
