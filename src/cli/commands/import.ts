/**
 * `postmortem import statuspage|cstate …`: bring another status page's history into the project. The source is
 * read whole, the result staged and checked as `check` would, then written at once; any error writes nothing.
 * The Statuspage management API key is read from an environment variable only and never printed.
 */
import path from 'node:path';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { ProjectError } from '../../core/errors.js';
import {
  commitStaged,
  cstatePlan,
  DEFAULT_FETCH,
  FetchError,
  ImportError,
  importReport,
  Interrupted,
  readExportFiles,
  readManagementApi,
  readPublicApi,
  stage,
  statuspagePlan,
  type FetchOptions,
  type ImportPlan,
} from '../../import/index.js';
import type { Values } from '../options.js';
import { escapeControls } from '../../core/terminal.js';

export const DEFAULT_API_BASE = 'https://api.statuspage.io/v1';
export const DEFAULT_KEY_ENV = 'STATUSPAGE_API_KEY';

export async function runImport(root: string, args: readonly string[], values: Values, io: Io): Promise<number> {
  const [kind, ...inputs] = args;
  if (values['api-key'] !== undefined) throw new ProjectError(`the API key is read from an environment variable (${DEFAULT_KEY_ENV}, or the one --api-key-env names), never from the command line, where it would be kept in the shell's history`);
  const now = buildTime(io.env);
  const progress = (s: string) => io.err(`postmortem import: ${escapeControls(s)}\n`);
  let plan: ImportPlan;
  try {
    if (kind === 'statuspage') plan = statuspagePlan(await readStatuspage(inputs, values, io, progress), now);
    else if (kind === 'cstate') {
      if (inputs.length !== 1) throw new ProjectError('give the folder of the cState (Hugo) site, e.g. postmortem import cstate ../status-site');
      plan = await cstatePlan(path.resolve(io.cwd, inputs[0]!), now);
    } else throw new ProjectError(`expected what to import from: statuspage or cstate; found ${kind === undefined ? 'nothing' : `"${kind}"`}`);
  } catch (e) {
    if (e instanceof FetchError) {
      io.err(`postmortem import: ${escapeControls(e.message)}\nNothing was written.\n`);
      return 1;
    }
    throw e;
  }
  const dryRun = values['dry-run'] === true;
  try {
    const staged = await stage(root, plan, now);
    if (!dryRun) await commitStaged(root, staged.files);
    io.out(importReport(plan, staged, dryRun));
    return 0;
  } catch (e) {
    if (e instanceof Interrupted) {
      io.err('postmortem import: interrupted; nothing was written.\n');
      return 130;
    }
    if (e instanceof ImportError) {
      if (e.diagnostics.length) io.err(formatReport({ diagnostics: e.diagnostics, sources: e.sources, fileCount: e.sources.size }, 'text', io.color));
      io.err(`postmortem import: ${escapeControls(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

function fetchOptions(values: Values, progress: (s: string) => void): FetchOptions {
  const opts: FetchOptions = { ...DEFAULT_FETCH, onRetry: progress };
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!(s > 0 && s <= 3600)) throw new ProjectError(`--timeout must be a number of seconds from 0 to 3600 (per request, default 30); found "${String(values.timeout)}"`);
    opts.timeoutMs = s * 1000;
  }
  if (values.retries !== undefined) {
    if (!/^\d{1,2}$/.test(String(values.retries))) throw new ProjectError(`--retries must be a whole number from 0 to 99 (default 4); found "${String(values.retries)}"`);
    opts.retries = Number(values.retries);
  }
  return opts;
}

async function readStatuspage(inputs: readonly string[], values: Values, io: Io, progress: (s: string) => void) {
  const url = typeof values.url === 'string' ? values.url : undefined;
  const pageId = typeof values['page-id'] === 'string' ? values['page-id'] : undefined;
  const given = [inputs.length > 0, url !== undefined, pageId !== undefined].filter(Boolean).length;
  if (given !== 1) {
    throw new ProjectError('give one source: export files (summary.json, incidents.json, scheduled-maintenances.json, components.json), --url https://status.example.com (the public API), or --page-id ID (the management API, the key in STATUSPAGE_API_KEY)');
  }
  const opts = fetchOptions(values, progress);
  if (url !== undefined) {
    if (!/^https?:\/\/\S+$/i.test(url)) throw new ProjectError(`--url must be the http(s) address of a Statuspage page, e.g. https://status.example.com; found "${url}"`);
    return readPublicApi(url, opts, progress);
  }
  if (pageId !== undefined) {
    const envName = typeof values['api-key-env'] === 'string' ? values['api-key-env'] : DEFAULT_KEY_ENV;
    const key = io.env[envName];
    if (!key) throw new ProjectError(`the management API needs an API key in the environment variable ${envName} (Statuspage: your avatar → API info); it is not set`);
    const base = typeof values['api-base'] === 'string' ? values['api-base'] : DEFAULT_API_BASE;
    if (!/^https?:\/\/\S+$/i.test(base)) throw new ProjectError(`--api-base must be an http(s) address; found "${base}"`);
    let host: string;
    try {
      host = new URL(base).hostname;
    } catch {
      throw new ProjectError(`--api-base must be an http(s) address; found "${base}"`);
    }
    if (base.toLowerCase().startsWith('http:') && !['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
      throw new ProjectError(`--api-base ${base} is not https: the API key would travel unencrypted; use an https address`);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(pageId)) throw new ProjectError(`--page-id must be a Statuspage page id (letters and digits); found "${pageId}"`);
    return readManagementApi(base, pageId, key, opts, progress);
  }
  return readExportFiles(inputs, io.cwd);
}
