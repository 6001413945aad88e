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
import { generateSites, writeSite, type Generated } from '../../pipeline/index.js';
import type { Audience } from '../../core/model.js';
import { readConfigText, readLocaleFiles } from '../../source/index.js';
import { INTERNAL_OUTPUT, loadConfig } from '../../validate/index.js';
import { cacheFolder } from '../../project/index.js';
import { OutputError, prepareOutputFolder, RenderError } from '../../output/index.js';
import { parseAudiences, parseBaseUrl, parseFileTimeout, parseFormat, parseJobs, type Values } from '../options.js';

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

/**
 * Where each audience's site goes: the public one into `--out` (default dist/); the internal one into
 * `--internal-out`, else (built alone) `--out`, else site.yaml's `internal.output` (default dist-internal). The two
 * may not nest: the internal site would be published with the public one.
 */
function outputFolders(root: string, io: Io, values: Values, audiences: readonly Audience[], internalOutput: string | undefined): Map<Audience, string> {
  const given = (v: unknown) => (typeof v === 'string' ? path.resolve(io.cwd, v) : undefined);
  const internalDefault = path.join(root, ...(internalOutput ?? INTERNAL_OUTPUT).split('/'));
  const out = new Map<Audience, string>();
  for (const a of audiences) {
    if (a === 'public') out.set(a, given(values.out) ?? path.join(root, 'dist'));
    else out.set(a, given(values['internal-out']) ?? (audiences.length === 1 ? given(values.out) : undefined) ?? internalDefault);
  }
  const [pub, internal] = [out.get('public'), out.get('internal')];
  if (pub && internal) {
    const within = (a: string, b: string) => !path.relative(a, b).startsWith('..') && !path.isAbsolute(path.relative(a, b));
    if (within(pub, internal) || within(internal, pub)) {
      throw new ProjectError(`the public site's folder (${path.relative(io.cwd, pub) || '.'}) and the internal site's (${path.relative(io.cwd, internal) || '.'}) must be apart, neither inside the other: the internal site would be published with the public one. Set internal.output in site.yaml (or --internal-out) to a folder of its own`);
    }
  }
  if (values['internal-out'] !== undefined && !audiences.includes('internal')) throw new ProjectError('--internal-out names the internal site\'s folder: build it with --audience internal or both');
  return out;
}

/** Which sites to build: `--audience`, else both when site.yaml names the internal site's folder, else the public one. */
async function audiencesOf(root: string, values: Values): Promise<{ audiences: Audience[]; internalOutput: string | undefined }> {
  const asked = parseAudiences(values.audience);
  let internalOutput: string | undefined;
  try {
    internalOutput = loadConfig(await readConfigText(root), undefined, readLocaleFiles(root).files).config?.internal?.output;
  } catch {
    internalOutput = undefined; // no readable site.yaml: generateSite says so
  }
  const which = asked ?? (internalOutput !== undefined ? 'both' : 'public');
  const audiences: Audience[] = which === 'both' ? ['public', 'internal'] : [which];
  if (audiences.length > 1 && values['base-url'] !== undefined) {
    throw new ProjectError('--base-url sets the address of one site: with both sites, set base_url and internal.base_url in site.yaml, or build each with --audience public or --audience internal');
  }
  return { audiences, internalOutput };
}

export async function runBuild(root: string, values: Values, io: Io): Promise<number> {
  const t0 = performance.now();
  const format = parseFormat(values.format);
  const now = buildTime(io.env);
  const { audiences, internalOutput } = await audiencesOf(root, values);
  const outs = outputFolders(root, io, values, audiences, internalOutput);
  const baseUrl = parseBaseUrl(values['base-url']);
  const jobs = parseJobs(values.jobs);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  let cache = values['no-cache'] !== true;
  const folder = cache ? cacheFolder(root) : null;
  if (folder && 'unusable' in folder) {
    io.err(say`note: not using the build cache: ${folder.unusable}; building everything from scratch\n`);
    cache = false;
  }
  for (const out of outs.values()) {
    try {
      // Before any work: an --out that would destroy something, or that cannot be written, stops here (exit 2).
      prepareOutputFolder(root, out, folder && 'dir' in folder ? folder.dir : undefined);
    } catch (e) {
      if (e instanceof OutputError) throw new ProjectError(e.message);
      throw e;
    }
  }
  const sites = await generateSites(
    root,
    { now, drafts: values.drafts === true, ...(baseUrl ? { baseUrl } : {}), ...(jobs !== undefined ? { jobs } : {}), cache, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) },
    audiences,
  );
  const { project } = sites[0]!;
  const shownAll = [...outs.values()].map((o) => path.relative(io.cwd, o) || '.').join(' and ');
  if (!sites.every((g) => g.ok)) {
    for (const g of sites) if (g.ok) g.dispose();
    io.err(formatReport(project, format, io.color));
    io.err(say`Build failed: nothing was written; ${shownAll} ${outs.size > 1 ? 'are' : 'is'} unchanged.\n`);
    return 1;
  }
  if (counts(project.diagnostics).warnings > 0) io.err(formatReport(project, format, io.color));
  for (const [i, audience] of audiences.entries()) {
    const code = await writeOne(root, io, sites[i] as Extract<Generated, { ok: true }>, { out: outs.get(audience)!, audience, cache, t0, others: sites.slice(i + 1) });
    if (code !== 0) return code;
  }
  return 0;
}

/** Write one audience's site and say so; on failure, the sites not written yet are disposed of. */
async function writeOne(root: string, io: Io, generated: Extract<Generated, { ok: true }>, o: { out: string; audience: Audience; cache: boolean; t0: number; others: readonly Generated[] }): Promise<number> {
  const shown = path.relative(io.cwd, o.out) || '.';
  let written;
  try {
    written = await writeSite(root, o.out, generated.pending, { cache: o.cache, audience: o.audience, statics: generated.project.staticFiles, late: generated.late, onWait: () => io.err(say`Another build is writing ${shown}; waiting for it to finish…\n`) });
  } catch (e) {
    for (const g of o.others) if (g.ok) g.dispose();
    return writeFailed(e, generated.renderer.templates.some((t) => t.origin === 'user'), shown, io);
  } finally {
    generated.dispose();
  }
  const pages = generated.pending.filter((f) => f.path.endsWith('.html')).length;
  const seconds = ((performance.now() - o.t0) / 1000).toFixed(2);
  const reused = written.reused > 0 ? ` (${written.reused} unchanged, reused)` : '';
  const which = o.audience === 'internal' ? ' (the internal site)' : '';
  io.out(say`Built ${plural(generated.model.incidents.length, 'incident')} into ${shown}${which}: ${pages} pages, ${written.files} files, ${formatBytes(written.bytes)}${reused} in ${seconds} s\n`);
  return 0;
}
