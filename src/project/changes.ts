/**
 * A pull request judged by what it changed (`check --changed-since`): the diagnostics of the files the branch
 * changed, and every error anywhere (a change can break a file it did not touch, e.g. by removing a service from
 * site.yaml). Warnings in untouched files are left out: most depend on the date alone (`overdue-action`,
 * `long-ongoing`) and would turn a branch red with no change of its own, even under --strict.
 */
import type { Diagnostic } from '../core/diagnostic.js';

export interface JudgedByChanges {
  diagnostics: Diagnostic[];
  /** Warnings left out, in files the branch did not change. */
  hidden: number;
}

export function judgeByChanges(diagnostics: readonly Diagnostic[], changed: ReadonlySet<string>): JudgedByChanges {
  const kept = diagnostics.filter((d) => d.severity === 'error' || changed.has(d.file));
  return { diagnostics: kept, hidden: diagnostics.length - kept.length };
}
