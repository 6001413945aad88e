import type { Io } from '../main.js';
import { buildTime, loadProject, ProjectError } from '../../project/load.js';
import { counts, formatGithub, formatJson, formatText } from '../../core/diagnostics.js';
import type { Diagnostic, ValidationResult } from '../../core/model.js';
import { MAX_FILE_TIMEOUT_S, MIN_FILE_TIMEOUT_S } from '../../process/budget.js';

export type Format = 'text' | 'json' | 'github';

export function parseFormat(value: unknown): Format {
  const f = value === undefined ? 'text' : String(value);
  if (f === 'text' || f === 'json' || f === 'github') return f;
  throw new ProjectError(`--format must be one of text, json, github; found "${f}"`);
}

/** `--file-timeout SECONDS` → ms (undefined: not given, the default applies). */
export function parseFileTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s) ? Number(s) : NaN;
  if (!(seconds >= MIN_FILE_TIMEOUT_S && seconds <= MAX_FILE_TIMEOUT_S)) {
    throw new ProjectError(`--file-timeout must be a number of seconds from ${MIN_FILE_TIMEOUT_S} to ${MAX_FILE_TIMEOUT_S}, the time one file may take (default 10); found "${String(value)}"`);
  }
  return Math.round(seconds * 1000);
}

/** Print diagnostics in the chosen format. */
export function report(result: Pick<ValidationResult, 'diagnostics' | 'sources' | 'fileCount'>, format: Format, io: Io, write: (s: string) => void = io.out): void {
  if (format === 'json') write(formatJson(result.diagnostics, result.fileCount));
  else if (format === 'github') write(formatGithub(result.diagnostics));
  else write(formatText(result.diagnostics, result.sources, { color: io.color, fileCount: result.fileCount }));
}

export function exitCode(diagnostics: readonly Diagnostic[], strict: boolean): number {
  const { errors, warnings } = counts(diagnostics);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

export async function runCheck(root: string, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const format = parseFormat(values.format);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  const result = await loadProject(root, { now: buildTime(io.env), drafts: values.drafts === true, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) });
  if (!result.config && result.diagnostics.every((d) => d.file !== 'site.yaml')) {
    throw new ProjectError('site.yaml could not be used');
  }
  report(result, format, io);
  return exitCode(result.diagnostics, values.strict === true);
}
