/** `postmortem check`: validate site.yaml and every incident file; print every problem in one run. */
import { counts, type Diagnostic } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { CONFIG_FILE, LOCALES_DIR } from '../../source/index.js';
import { loadProject } from '../../project/index.js';
import { parseFileTimeout, parseFormat, type Values } from '../options.js';

export function exitCode(diagnostics: readonly Diagnostic[], strict: boolean): number {
  const { errors, warnings } = counts(diagnostics);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

export async function runCheck(root: string, values: Values, io: Io): Promise<number> {
  const format = parseFormat(values.format);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  const result = await loadProject(root, { now: buildTime(io.env), drafts: values.drafts === true, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) });
  // Without a configuration there must be a reason in site.yaml or in the strings files it reads (locales/).
  const aboutConfig = (file: string) => file === CONFIG_FILE || file.startsWith(`${LOCALES_DIR}/`);
  if (!result.config && !result.diagnostics.some((d) => aboutConfig(d.file))) throw new ProjectError(`${CONFIG_FILE} could not be used`);
  io.out(formatReport(result, format, io.color));
  return exitCode(result.diagnostics, values.strict === true);
}
