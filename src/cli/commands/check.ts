/** `postmortem check`: validate site.yaml and every incident file; print every problem in one run. */
import { counts, type Diagnostic } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { CONFIG_FILE } from '../../source/index.js';
import { generateSite } from '../../pipeline/index.js';
import { parseFileTimeout, parseFormat, type Values } from '../options.js';

export function exitCode(diagnostics: readonly Diagnostic[], strict: boolean): number {
  const { errors, warnings } = counts(diagnostics);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

export async function runCheck(root: string, values: Values, io: Io): Promise<number> {
  const format = parseFormat(values.format);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  // Every step of `build` that can refuse the project, but for rendering and writing (see BuildOptions.check).
  const { project: result } = await generateSite(root, { now: buildTime(io.env), drafts: values.drafts === true, check: true, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) });
  if (!result.config && result.diagnostics.every((d) => d.file !== CONFIG_FILE)) throw new ProjectError(`${CONFIG_FILE} could not be used`);
  io.out(formatReport(result, format, io.color));
  return exitCode(result.diagnostics, values.strict === true);
}
