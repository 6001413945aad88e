/** Diagnostics: what every stage reports about its input, located at a file, line and column. */
import type { AnyRule, DiagnosticSeverity, RuleId } from './rules.js';
import { compareStrings } from './compare.js';
import { plural } from './text.js';

export type { DiagnosticSeverity } from './rules.js';

export interface Diagnostic {
  /** Path relative to the project root, with forward slashes (e.g. `incidents/2020-05-29-x.md`). */
  file: string;
  /** 1-based line and column of the offending value; 1:1 when the problem concerns the whole file. */
  line: number;
  column: number;
  /** End of the offending span (exclusive column), when known; used to underline it. */
  endLine?: number;
  endColumn?: number;
  severity: DiagnosticSeverity;
  /** Stable rule id (see the catalogue, rules.ts). */
  rule: RuleId;
  /** What was expected and what was found. */
  message: string;
  /** Optional help line: a "did you mean", the fix. */
  hint?: string;
}

/** A diagnostic about a whole file (at 1:1), with its rule's severity. */
export function fileDiagnostic(file: string, rule: AnyRule, message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { file, line: 1, column: 1, severity: rule.severity, rule: rule.id, message };
  if (hint) d.hint = hint;
  return d;
}

/** Whether a list holds a diagnostic of this rule. */
export function hasRule(list: readonly Diagnostic[], rule: AnyRule): boolean {
  return list.some((d) => d.rule === rule.id);
}

export function hasError(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Sorted by file, position, errors before warnings, rule and message: the order every command prints. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      compareStrings(a.rule, b.rule) ||
      compareStrings(a.message, b.message),
  );
}

export function counts(list: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of list) if (d.severity === 'error') errors++;
  return { errors, warnings: list.length - errors };
}

export function summaryLine(list: readonly Diagnostic[], fileCount: number): string {
  const { errors, warnings } = counts(list);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(fileCount, 'file')}`;
}
