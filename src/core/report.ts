/** The three ways diagnostics are printed: text with code frames (terminals), JSON (tools), GitHub annotations (CI). */
import { codeFrameColumns } from '@babel/code-frame';
import { counts, summaryLine, type Diagnostic } from './diagnostic.js';
import { displayLine, escapeControls, jsonForTerminal } from './terminal.js';

const ansi = (code: string, s: string, on: boolean) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/**
 * Human output: `file:line:col severity message [rule]`, a code frame with a caret, a help line. Everything taken
 * from the input (file names, messages quoting values, source lines) is escaped for the terminal (terminal.ts).
 */
export function formatText(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: { color: boolean; fileCount: number }): string {
  const out: string[] = [];
  const lineCache = new Map<string, string[]>();
  for (const d of list) {
    const sev = d.severity === 'error' ? ansi('1;31', 'error', opts.color) : ansi('1;33', 'warning', opts.color);
    out.push(`${ansi('1', `${escapeControls(d.file)}:${d.line}:${d.column}`, opts.color)} ${sev} ${escapeControls(d.message)} ${ansi('2', `[${d.rule}]`, opts.color)}`);
    const text = sources.get(d.file);
    if (text !== undefined && text.length > 0) {
      let lines = lineCache.get(d.file);
      if (!lines) {
        lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
        lineCache.set(d.file, lines);
      }
      if (d.line <= lines.length) out.push(codeFrame(lines, d).replace(/^/gm, '  '));
    }
    if (d.hint) out.push(`  ${ansi('36', 'help:', opts.color)} ${escapeControls(d.hint)}`);
    out.push('');
  }
  out.push(summaryLine(list, opts.fileCount));
  return `${out.join('\n')}\n`;
}

/** Characters of a long line shown on each side of the column pointed at. */
const FRAME_CONTEXT = 200;

/**
 * The code frame of a diagnostic: its line and the lines around it, as `displayLine` shows them (tabs expanded,
 * unsafe characters escaped), the caret and underline moved with them. A very long line (minified data, fuzz
 * input) is cut to a window around the column, marked with `…`. Only the lines shown go to the code frame
 * (numbered from `startLine`): a file with thousands of diagnostics is never re-split once per diagnostic.
 */
function codeFrame(lines: readonly string[], d: Diagnostic): string {
  const first = Math.max(1, d.line - 1);
  const target = lines[d.line - 1]!;
  const from = target.length > 2 * FRAME_CONTEXT ? Math.max(0, Math.min(d.column - 1, target.length) - FRAME_CONTEXT) : 0;
  const to = from + 2 * FRAME_CONTEXT;
  const end = d.endLine === d.line && d.endColumn && d.endColumn > d.column ? Math.min(d.endColumn, to + 1) : undefined;
  let loc: { start: { line: number; column: number }; end?: { line: number; column: number } } = { start: { line: d.line, column: d.column } };
  const shown = lines.slice(first - 1, d.line + 1).map((raw, i) => {
    const before = from > 0 && raw.length > 0 ? '…' : '';
    const after = raw.length > to ? '…' : '';
    const isTarget = first + i === d.line;
    const line = displayLine(raw.slice(from, to), isTarget ? [d.column - from, ...(end !== undefined ? [end - from] : [])] : []);
    if (isTarget) {
      const [c, e] = line.columns.map((x) => x + before.length) as [number, number | undefined];
      loc = { start: { line: d.line, column: c } };
      if (e !== undefined && e > c) loc.end = { line: d.line, column: e };
    }
    return before + line.text + after;
  });
  const options = { highlightCode: false, linesAbove: 1, linesBelow: 1, startLine: first }; // (startLine: not in the types yet)
  return codeFrameColumns(shown.join('\n'), loc, options);
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
  return `${jsonForTerminal(JSON.stringify({ diagnostics, errors, warnings }, null, 2))}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands, one per diagnostic, shown as annotations on the pull request. Control
 * characters are escaped first (a line break would start a workflow command of the input's own), then `%`, CR and
 * LF as the runner expects.
 */
export function formatGithub(list: readonly Diagnostic[]): string {
  return list
    .map((d) => {
      const props = [`file=${escapeProperty(escapeControls(d.file))}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(`postmortem ${d.rule}`)}`);
      const message = d.hint ? `${d.message} (${d.hint})` : d.message;
      return `::${d.severity} ${props.join(',')}::${escapeData(escapeControls(message))}\n`;
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
