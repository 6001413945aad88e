/** Offsets of a file's text as lines and columns, and diagnostics located by them. */
import type { Diagnostic } from '../core/diagnostic.js';
import type { AnyRule } from '../core/rules.js';

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

/** A diagnostic of `rule` at a span of a file (underlined on its first line only). */
export function diagnosticAt(
  doc: { file: string; lines: LineIndex },
  span: Span,
  rule: AnyRule,
  message: string,
  hint?: string,
): Diagnostic {
  const start = doc.lines.position(span.start);
  // The underline stays on the first line and never covers its line break.
  const eol = /\r\n|\r|\n/g;
  eol.lastIndex = Math.max(0, span.start);
  const lineEnd = eol.exec(doc.lines.text)?.index ?? doc.lines.text.length;
  const end = doc.lines.position(Math.min(Math.max(span.start, span.end), lineEnd));
  const d: Diagnostic = { file: doc.file, line: start.line, column: start.column, severity: rule.severity, rule: rule.id, message };
  if (end.line === start.line && end.column > start.column) {
    d.endLine = end.line;
    d.endColumn = end.column;
  }
  if (hint) d.hint = hint;
  return d;
}

