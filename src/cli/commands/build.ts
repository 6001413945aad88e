/** `postmortem build`: validate exactly like `check`, then write the site beside the output folder and swap it in. */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { counts } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { plural } from '../../core/text.js';
import { generateSite, writeSite } from '../../pipeline/index.js';
import { parseBaseUrl, parseFileTimeout, parseFormat, parseJobs, type Values } from '../options.js';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export async function runBuild(root: string, values: Values, io: Io): Promise<number> {
  const t0 = performance.now();
  const format = parseFormat(values.format);
  const out = path.resolve(io.cwd, typeof values.out === 'string' ? values.out : path.join(root, 'dist'));
  if (path.resolve(out) === path.resolve(root)) throw new ProjectError('--out must not be the project folder itself');
  const baseUrl = parseBaseUrl(values['base-url']);
  const jobs = parseJobs(values.jobs);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  const cache = values['no-cache'] !== true;
  const generated = await generateSite(root, {
    now: buildTime(io.env),
    drafts: values.drafts === true,
    ...(baseUrl ? { baseUrl } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    cache,
    ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}),
  });
  const { project } = generated;
  const shown = path.relative(io.cwd, out) || '.';
  if (!generated.ok) {
    io.err(formatReport(project, format, io.color));
    io.err(`Build failed: nothing was written; ${shown} is unchanged.\n`);
    return 1;
  }
  if (counts(project.diagnostics).warnings > 0) io.err(formatReport(project, format, io.color));
  let written;
  try {
    written = await writeSite(root, out, generated.pending, { cache, late: generated.late });
  } finally {
    generated.dispose();
  }
  const pages = generated.pending.filter((f) => f.path.endsWith('.html')).length;
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  const reused = written.reused > 0 ? ` (${written.reused} unchanged, reused)` : '';
  io.out(`Built ${plural(generated.model.incidents.length, 'incident')} into ${shown}: ${pages} pages, ${written.files} files, ${formatBytes(written.bytes)}${reused} in ${seconds} s\n`);
  return 0;
}
