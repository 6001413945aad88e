import { ProjectError } from './errors.js';

/** The last second of year 9999: timestamps of the format, and pages, have four-digit years. */
export const MAX_SOURCE_DATE_EPOCH = 253_402_300_799;

/** "Now" for a command: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock. */
export function buildTime(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && s.trim() !== '') {
    if (!/^\d+$/.test(s.trim()) || Number(s.trim()) > MAX_SOURCE_DATE_EPOCH) {
      throw new ProjectError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, at most ${MAX_SOURCE_DATE_EPOCH} (9999-12-31T23:59:59Z); found "${s}"`);
    }
    return Number(s.trim()) * 1000;
  }
  return Date.now();
}
