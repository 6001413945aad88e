import type { Io } from '../cli.js';
import { buildTime, loadProject, ProjectError } from '../project.js';
import { counts, formatGithub, formatJson, formatText } from '../diagnostics.js';
import type { Diagnostic, ValidationResult } from '../model.js';

export type Format = 'text' | 'json' | 'github';

export function parseFormat(value: unknown): Format {
  const f = value === undefined ? 'text' : String(value);
  if (f === 'text' || f === 'json' || f === 'github') return f;
  throw new ProjectError(`--format must be one of text, json, github; found "${f}"`);
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
  const result = await loadProject(root, { now: buildTime(io.env), drafts: values.drafts === true });
  if (!result.config && result.diagnostics.every((d) => d.file !== 'site.yaml')) {
    throw new ProjectError('site.yaml could not be used');
  }
  report(result, format, io);
  return exitCode(result.diagnostics, values.strict === true);
}
