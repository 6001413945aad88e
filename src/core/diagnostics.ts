/** Diagnostics: ordering, and the three output formats of `check` (text with code frames, JSON, GitHub annotations). */
import { codeFrameColumns } from '@babel/code-frame';
import type { Diagnostic } from './model.js';

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function counts(list: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of list) if (d.severity === 'error') errors++;
  return { errors, warnings: list.length - errors };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summaryLine(list: readonly Diagnostic[], fileCount: number): string {
  const { errors, warnings } = counts(list);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(fileCount, 'file')}`;
}

const ansi = (code: string, s: string, on: boolean) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Human output: `file:line:col severity message [rule]`, a code frame with a caret, a help line. */
export function formatText(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: { color: boolean; fileCount: number }): string {
  const out: string[] = [];
  const lineCache = new Map<string, string[]>();
  for (const d of list) {
    const sev = d.severity === 'error' ? ansi('1;31', 'error', opts.color) : ansi('1;33', 'warning', opts.color);
    out.push(`${ansi('1', `${d.file}:${d.line}:${d.column}`, opts.color)} ${sev} ${d.message} ${ansi('2', `[${d.rule}]`, opts.color)}`);
    const text = sources.get(d.file);
    if (text !== undefined && text.length > 0) {
      let lines = lineCache.get(d.file);
      if (!lines) {
        lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
        lineCache.set(d.file, lines);
      }
      if (d.line <= lines.length) {
        // Only the lines shown go to the code frame (numbered from `startLine`): a file with thousands of
        // diagnostics must not be re-split once per diagnostic.
        const first = Math.max(1, d.line - 1);
        const window = lines.slice(first - 1, d.line + 1).map(clip).join('\n');
        const loc: { start: { line: number; column: number }; end?: { line: number; column: number } } = {
          start: { line: d.line, column: d.column },
        };
        if (d.endLine === d.line && d.endColumn && d.endColumn > d.column) loc.end = { line: d.line, column: d.endColumn };
        const options = { highlightCode: false, linesAbove: 1, linesBelow: 1, startLine: first };
        const frame = codeFrameColumns(window, loc, options);
        out.push(frame.replace(/^/gm, '  '));
      }
    }
    if (d.hint) out.push(`  ${ansi('36', 'help:', opts.color)} ${d.hint}`);
    out.push('');
  }
  out.push(summaryLine(list, opts.fileCount));
  return `${out.join('\n')}\n`;
}

/**
 * Very long lines (minified data, fuzz input) are cut so a frame stays readable. U+2028 and U+2029 are not
 * line breaks in the file's numbering but are for the code frame: shown as spaces so lines keep their numbers.
 */
function clip(line: string): string {
  const l = line.replace(/[\u2028\u2029]/g, ' ');
  return l.length > 400 ? `${l.slice(0, 400)}…` : l;
}

/** `{"diagnostics":[…],"errors":N,"warnings":M}`, exactly the documented shape (the file count is not part of it). */
export function formatJson(list: readonly Diagnostic[], _fileCount?: number): string {
  const { errors, warnings } = counts(list);
  const diagnostics = list.map((d) => {
    const o: Record<string, unknown> = { file: d.file, line: d.line, column: d.column, severity: d.severity, rule: d.rule, message: d.message };
    if (d.endLine !== undefined) o.endLine = d.endLine;
    if (d.endColumn !== undefined) o.endColumn = d.endColumn;
    if (d.hint !== undefined) o.hint = d.hint;
    return o;
  });
  return `${JSON.stringify({ diagnostics, errors, warnings }, null, 2)}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands, one per diagnostic, shown as annotations on the pull request. */
export function formatGithub(list: readonly Diagnostic[]): string {
  return list
    .map((d) => {
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(`postmortem ${d.rule}`)}`);
      const message = d.hint ? `${d.message} (${d.hint})` : d.message;
      return `::${d.severity} ${props.join(',')}::${escapeData(message)}\n`;
    })
    .join('');
}
