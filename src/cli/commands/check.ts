/** `postmortem check`: validate site.yaml and every incident file; print every problem in one run. */
import { counts, type Diagnostic } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { plural } from '../../core/text.js';
import { say } from '../../core/terminal.js';
import { changedSince, CONFIG_FILE, INCIDENTS_DIR, LOCALES_DIR, type BranchChanges } from '../../source/index.js';
import { judgeByChanges } from '../../project/index.js';
import { generateSite } from '../../pipeline/index.js';
import { parseFileTimeout, parseFormat, type Values } from '../options.js';

export function exitCode(diagnostics: readonly Diagnostic[], strict: boolean): number {
  const { errors, warnings } = counts(diagnostics);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

export async function runCheck(root: string, values: Values, io: Io): Promise<number> {
  const format = parseFormat(values.format);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  // Asked of git first: a reference it cannot resolve stops the run before any file is read.
  const changes = typeof values['changed-since'] === 'string' ? await changedSince(root, values['changed-since']) : undefined;
  // Every step of `build` that can refuse the project, but for rendering and writing (see BuildOptions.check).
  const { project: result } = await generateSite(root, { now: buildTime(io.env), drafts: values.drafts === true, check: true, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) });
  // Without a configuration there must be a reason in site.yaml or in the strings files it reads (locales/).
  const aboutConfig = (file: string) => file === CONFIG_FILE || file.startsWith(`${LOCALES_DIR}/`);
  if (!result.config && !result.diagnostics.some((d) => aboutConfig(d.file))) throw new ProjectError(`${CONFIG_FILE} could not be used`);
  if (!changes) {
    io.out(formatReport(result, format, io.color));
    return exitCode(result.diagnostics, values.strict === true);
  }
  const judged = judgeByChanges(result.diagnostics, changes.files);
  io.out(formatReport({ ...result, diagnostics: judged.diagnostics }, format, io.color));
  io.err(`${scopeNote(changes, judged.hidden)}\n`);
  return exitCode(judged.diagnostics, values.strict === true);
}

/** What `--changed-since` judged, on stderr: the report on stdout keeps its documented shape in every format. */
function scopeNote(changes: BranchChanges, hidden: number): string {
  // Counted among the files check reads: an untracked node_modules/ (no .gitignore) is not the branch's change.
  const inputs = [...changes.files].filter((f) => f === CONFIG_FILE || f.startsWith(`${INCIDENTS_DIR}/`)).length;
  const changed = plural(inputs, 'file');
  const left = hidden > 0 ? `; ${plural(hidden, 'warning')} in files the branch did not change ${hidden === 1 ? 'is' : 'are'} not shown (run check without --changed-since to see ${hidden === 1 ? 'it' : 'them'})` : '';
  return say`Judged by the changes since ${changes.ref} (merge base ${changes.base.slice(0, 12)}, ${changed} changed): their diagnostics and every error${left}.`;
}
