import { ProjectError } from './errors.js';

/** "Now" for a command: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock. */
export function buildTime(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && s.trim() !== '') {
    if (!/^\d+$/.test(s.trim())) throw new ProjectError(`SOURCE_DATE_EPOCH must be a whole number of seconds; found "${s}"`);
    return Number(s.trim()) * 1000;
  }
  return Date.now();
}
