import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Io } from '../main.js';
import { buildTime, ProjectError } from '../../project/load.js';
import { generateSite, writeSite } from '../../pipeline/build.js';
import { parseFileTimeout, parseFormat, report } from './check.js';
import { counts } from '../../core/diagnostics.js';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export async function runBuild(root: string, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const t0 = performance.now();
  const format = parseFormat(values.format);
  const out = path.resolve(io.cwd, typeof values.out === 'string' ? values.out : path.join(root, 'dist'));
  if (path.resolve(out) === path.resolve(root)) throw new ProjectError('--out must not be the project folder itself');
  const baseUrl = typeof values['base-url'] === 'string' ? values['base-url'] : undefined;
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(baseUrl)) {
    throw new ProjectError(`--base-url must be an absolute http(s) URL such as https://acme.github.io/status/; found "${baseUrl}"`);
  }
  let jobs: number | undefined;
  if (typeof values.jobs === 'string') {
    if (!/^[1-9]\d{0,3}$/.test(values.jobs.trim())) throw new ProjectError(`--jobs must be a whole number of threads, at least 1; found "${values.jobs}"`);
    jobs = Number(values.jobs.trim());
  }
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  const generated = await generateSite(root, {
    now: buildTime(io.env),
    drafts: values.drafts === true,
    ...(baseUrl ? { baseUrl } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    cache: values['no-cache'] !== true,
    ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}),
  });
  const { project } = generated;
  if (!generated.ok) {
    report(project, format, io, io.err);
    io.err(`Build failed: nothing was written; ${path.relative(io.cwd, out) || '.'} is unchanged.\n`);
    return 1;
  }
  if (counts(project.diagnostics).warnings > 0) report(project, format, io, io.err);
  const cache = values['no-cache'] !== true;
  const { CACHE_DIR, toolIdentity } = cache ? await import('../../project/cache.js') : { CACHE_DIR: '', toolIdentity: () => '' };
  const written = await writeSite(root, out, generated.pending, cache ? { cacheDir: path.join(root, CACHE_DIR), tool: toolIdentity() } : {});
  const pages = generated.pending.filter((f) => f.path.endsWith('.html')).length;
  const published = generated.model.incidents.length;
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  io.out(
    `Built ${published} incident${published === 1 ? '' : 's'} into ${path.relative(io.cwd, out) || '.'}: ${pages} pages, ${written.files} files, ${formatBytes(written.bytes)}${written.reused > 0 ? ` (${written.reused} unchanged, reused)` : ''} in ${seconds} s\n`,
  );
  return 0;
}
