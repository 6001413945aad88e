/**
 * `postmortem notify`: after a publish, announce what changed to the targets of site.yaml's `notify:`; or, before the
 * deploy, save the live site's snapshot (`--save-previous DIR`); or send an outbox again (`--resend FILE`).
 * Ctrl-C or a cancelled CI job (SIGINT, SIGTERM) stops sending; what was not sent goes to the outbox.
 */
import path from 'node:path';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { formatReport } from '../../core/report.js';
import { hasError } from '../../core/diagnostic.js';
import { CONFIG_FILE, readConfigText } from '../../source/index.js';
import { loadConfig } from '../../validate/index.js';
import { NotifyError, runNotify, runResend, runSavePrevious, SEND_DEFAULTS, type SendOptions } from '../../notify/index.js';
import { parseAudience, type Values } from '../options.js';

/** `--timeout` / `--deadline` in seconds → ms. */
function seconds(value: unknown, name: string, fallbackMs: number, max: number): number {
  if (value === undefined) return fallbackMs;
  const s = String(value).trim();
  const n = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s) ? Number(s) : NaN;
  if (!(n >= 0.1 && n <= max)) throw new ProjectError(`--${name} must be a number of seconds from 0.1 to ${max}; found "${String(value).slice(0, 40)}"`);
  return Math.round(n * 1000);
}

function sendOptions(values: Values, signal: AbortSignal): SendOptions {
  const timeoutMs = seconds(values.timeout, 'timeout', SEND_DEFAULTS.timeoutMs, 600);
  const deadlineMs = seconds(values.deadline, 'deadline', SEND_DEFAULTS.deadlineMs, 3600);
  return { ...SEND_DEFAULTS, timeoutMs, deadlineMs, signal };
}

function formatOf(values: Values): 'text' | 'json' {
  const f = values.format === undefined ? 'text' : String(values.format);
  if (f !== 'text' && f !== 'json') throw new ProjectError(`--format must be text or json; found "${f.slice(0, 40)}"`);
  return f;
}

/** The one mode the options ask for, or a usage error saying which options go together. */
function mode(values: Values): 'save' | 'resend' | 'notify' {
  const save = typeof values['save-previous'] === 'string';
  const resend = typeof values.resend === 'string';
  if (save && resend) throw new ProjectError('give either --save-previous DIR (before the deploy) or --resend FILE, not both');
  if (resend && values.previous !== undefined) throw new ProjectError('--resend sends an outbox as it is: it takes no --previous');
  if (save && (values['dry-run'] || values.outbox || values['first-run'])) throw new ProjectError('--save-previous only saves the live snapshot: it takes no --dry-run, --outbox or --first-run');
  if (!save && !resend && typeof values.previous !== 'string') {
    throw new ProjectError('expected --previous DIR_OR_URL: the live site as it was before this deploy (saved with --save-previous DIR before the deploy, or its URL when run before the deploy)');
  }
  return save ? 'save' : resend ? 'resend' : 'notify';
}

/** SIGINT and SIGTERM abort the run (once); removed when it ends. */
async function cancellable<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function targetsOf(root: string, io: Io): Promise<ReturnType<typeof loadConfig> | null> {
  const loaded = loadConfig(await readConfigText(root));
  if (!hasError(loaded.diagnostics)) return loaded;
  io.err(formatReport({ diagnostics: loaded.diagnostics, sources: new Map([[CONFIG_FILE, await readConfigText(root)]]), fileCount: 1 }, 'text', io.color));
  io.err('Nothing was sent: fix site.yaml first (postmortem check).\n');
  return null;
}

export async function runNotifyCommand(root: string, values: Values, io: Io): Promise<number> {
  const which = mode(values);
  const format = formatOf(values);
  const siteDir = path.resolve(io.cwd, typeof values.site === 'string' ? values.site : path.join(root, 'dist'));
  try {
    return await cancellable(async (signal) => {
      const send = sendOptions(values, signal);
      if (which === 'save') return runSavePrevious({ siteDir, dir: String(values['save-previous']), send, ...(typeof values.previous === 'string' ? { previous: values.previous } : {}) }, io);
      if (which === 'resend') return runResend({ file: String(values.resend), dryRun: values['dry-run'] === true, format, send }, io);
      const loaded = await targetsOf(root, io);
      if (!loaded) return 1;
      const outbox = typeof values.outbox === 'string' ? path.resolve(io.cwd, values.outbox) : undefined;
      const code = await runNotify(
        { siteDir, previous: String(values.previous), targets: loaded.notify, dryRun: values['dry-run'] === true, firstRun: values['first-run'] === true, format, send, audience: parseAudience(values.audience) ?? 'public', ...(outbox ? { outbox } : {}) },
        io,
      );
      return signal.aborted ? 130 : code;
    });
  } catch (e) {
    if (!(e instanceof NotifyError)) throw e;
    if (e.kind === 'usage') throw new ProjectError(e.message);
    io.err(`postmortem notify: ${e.message}\n`);
    return 1;
  }
}
