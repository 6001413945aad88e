/** `postmortem build`: validate exactly like `check`, then write the site beside the output folder and swap it in. */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { counts } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { plural } from '../../core/text.js';
import { escapeControlsKeepLines, say } from '../../core/terminal.js';
import { generateSite, writeSite } from '../../pipeline/index.js';
import { cacheFolder } from '../../project/index.js';
import { OutputError, prepareOutputFolder, RenderError } from '../../output/index.js';
import { parseBaseUrl, parseFileTimeout, parseFormat, parseJobs, type Values } from '../options.js';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Why writing failed, said in a line or two, and the exit status: 2 when the machine refused (no space, no
 * permission), 1 when a template threw (the user's, else a bug of ours, with its trace). Anything else is ours.
 */
function writeFailed(e: unknown, userTemplates: boolean, shown: string, io: Io): number {
  if (e instanceof OutputError) {
    io.err(say`Build failed: ${e.message}; ${shown} is unchanged.\n`);
    return 2;
  }
  if (!(e instanceof RenderError)) throw e;
  const why = userTemplates
    ? 'a template of templates/ threw while rendering it (templates are code: check them, e.g. for a value that may be missing)'
    : `this is a bug of postmortem; please report it with this trace:\n${escapeControlsKeepLines(e.reason instanceof Error ? (e.reason.stack ?? '') : '')}`;
  io.err(say`Build failed: ${e.message}` + `\n${why}\n` + say`${shown} is unchanged.\n`);
  return 1;
}

export async function runBuild(root: string, values: Values, io: Io): Promise<number> {
  const t0 = performance.now();
  const format = parseFormat(values.format);
  const now = buildTime(io.env);
  const out = path.resolve(io.cwd, typeof values.out === 'string' ? values.out : path.join(root, 'dist'));
  const baseUrl = parseBaseUrl(values['base-url']);
  const jobs = parseJobs(values.jobs);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  let cache = values['no-cache'] !== true;
  const folder = cache ? cacheFolder(root) : null;
  if (folder && 'unusable' in folder) {
    io.err(say`note: not using the build cache: ${folder.unusable}; building everything from scratch\n`);
    cache = false;
  }
  const shown = path.relative(io.cwd, out) || '.';
  try {
    // Before any work: an --out that would destroy something, or that cannot be written, stops here (exit 2).
    prepareOutputFolder(root, out, folder && 'dir' in folder ? folder.dir : undefined);
  } catch (e) {
    if (e instanceof OutputError) throw new ProjectError(e.message);
    throw e;
  }
  const generated = await generateSite(root, {
    now,
    drafts: values.drafts === true,
    ...(baseUrl ? { baseUrl } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    cache,
    ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}),
  });
  const { project } = generated;
  if (!generated.ok) {
    io.err(formatReport(project, format, io.color));
    io.err(say`Build failed: nothing was written; ${shown} is unchanged.\n`);
    return 1;
  }
  if (counts(project.diagnostics).warnings > 0) io.err(formatReport(project, format, io.color));
  let written;
  try {
    written = await writeSite(root, out, generated.pending, { cache, statics: project.staticFiles, late: generated.late, onWait: () => io.err(say`Another build is writing ${shown}; waiting for it to finish…\n`) });
  } catch (e) {
    return writeFailed(e, generated.renderer.templates.some((t) => t.origin === 'user'), shown, io);
  } finally {
    generated.dispose();
  }
  const pages = generated.pending.filter((f) => f.path.endsWith('.html')).length;
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  const reused = written.reused > 0 ? ` (${written.reused} unchanged, reused)` : '';
  io.out(say`Built ${plural(generated.model.incidents.length, 'incident')} into ${shown}: ${pages} pages, ${written.files} files, ${formatBytes(written.bytes)}${reused} in ${seconds} s\n`);
  return 0;
}
