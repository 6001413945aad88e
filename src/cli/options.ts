/** Command-line option values: parsed once, with a message naming the option and the value found. */
import { ProjectError } from '../core/errors.js';
import type { ReportFormat } from '../core/report.js';
import type { Audience } from '../core/model.js';
import { MAX_FILE_TIMEOUT_S, MIN_FILE_TIMEOUT_S } from '../process/index.js';
import { DEFAULT_PORT } from '../dev/index.js';
import { readBaseUrl } from '../validate/index.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parseFormat(value: unknown): ReportFormat {
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

export function parsePort(value: unknown): number {
  if (value === undefined) return DEFAULT_PORT;
  const s = String(value);
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new ProjectError(`--port must be a whole number from 0 to 65535 (0: any free port); found "${s}"`);
  return Number(s);
}

export function parseJobs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^[1-9]\d{0,3}$/.test(value.trim())) throw new ProjectError(`--jobs must be a whole number of threads, at least 1; found "${value}"`);
  return Number(value.trim());
}

/** `--audience public|internal` (undefined: not given). */
export function parseAudience(value: unknown): Audience | undefined {
  const a = parseAudiences(value);
  if (a === 'both') throw new ProjectError('--audience must be public or internal (the public status site, or the internal site); found "both"');
  return a;
}

/** `build --audience public|internal|both` (undefined: not given). */
export function parseAudiences(value: unknown): Audience | 'both' | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (s === 'public' || s === 'internal' || s === 'both') return s;
  throw new ProjectError(`--audience must be public, internal or both (the public status site, the internal site, or both); found "${s}"`);
}

export function parseBaseUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const read = readBaseUrl(value);
  if (!read.ok) throw new ProjectError(`--base-url ${read.problem}`);
  return read.baseUrl;
}
