/** The three ways diagnostics are printed: text with code frames (terminals), JSON (tools), GitHub annotations (CI). */
import { codeFrameColumns } from '@babel/code-frame';
import { counts, summaryLine, type Diagnostic } from './diagnostic.js';

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
export function formatJson(list: readonly Diagnostic[]): string {
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

export type ReportFormat = 'text' | 'json' | 'github';

/** What a report is made of: the diagnostics, the texts for code frames, and how many files were looked at. */
export interface Reportable {
  diagnostics: readonly Diagnostic[];
  sources: ReadonlyMap<string, string>;
  fileCount: number;
}

/** Diagnostics in the chosen format. */
export function formatReport(result: Reportable, format: ReportFormat, color: boolean): string {
  if (format === 'json') return formatJson(result.diagnostics);
  if (format === 'github') return formatGithub(result.diagnostics);
  return formatText(result.diagnostics, result.sources, { color, fileCount: result.fileCount });
}
