/** Limits on nesting, counted without parsing: deeper input would overflow the parsers' stacks. */
import { CST, Lexer } from 'yaml';

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

