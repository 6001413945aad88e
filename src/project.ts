/**
 * A project on disk → validation result: reads site.yaml and every incident file, parses and validates them,
 * and (for builds) renders each incident's Markdown while its tree is at hand, so nothing is parsed twice.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Incident, IncidentHtml, SiteConfig, ValidationResult } from './model.js';
import { CONFIG_FILE, loadConfig } from './config.js';
import { findIncidentFiles, readSource } from './files.js';
import { parseIncidentText } from './document.js';
import { checkAcrossFiles, validateDocument } from './validate.js';
import { renderIncidentHtml } from './markdown.js';
import { sortDiagnostics } from './diagnostics.js';

export interface LoadOptions {
  /** Build time, ms. */
  now: number;
  /** Render each valid incident's HTML too (builds); `check` does not need it. */
  html?: boolean;
  /** Drafts count as published. */
  drafts?: boolean;
}

export interface ProjectResult extends ValidationResult {
  html: Map<string, IncidentHtml>;
}

/** Thrown when the root has no readable site.yaml: the command cannot run at all (exit 2). */
export class ProjectError extends Error {}

/** "Now" for a build: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock. */
export function buildTime(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && s.trim() !== '') {
    if (!/^\d+$/.test(s.trim())) throw new ProjectError(`SOURCE_DATE_EPOCH must be a whole number of seconds; found "${s}"`);
    return Number(s.trim()) * 1000;
  }
  return Date.now();
}

export async function readConfigText(root: string): Promise<string> {
  try {
    return await readFile(path.join(root, CONFIG_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProjectError(
      code === 'ENOENT'
        ? `no ${CONFIG_FILE} in ${root}; run postmortem in the folder that holds ${CONFIG_FILE} and incidents/, or pass --root DIR`
        : `cannot read ${path.join(root, CONFIG_FILE)}: ${code ?? String(e)}`,
    );
  }
}

export async function loadProject(root: string, opts: LoadOptions): Promise<ProjectResult> {
  const configText = await readConfigText(root);
  const sources = new Map<string, string>([[CONFIG_FILE, configText]]);
  const { config, diagnostics: configDiagnostics } = loadConfig(configText);
  const diagnostics: Diagnostic[] = [...configDiagnostics];
  const { files, diagnostics: walkDiagnostics } = await findIncidentFiles(root);
  diagnostics.push(...walkDiagnostics, ...checkAcrossFiles(files));

  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  const texts = await readAll(root, files);
  for (const [i, file] of files.entries()) {
    const source = texts[i]!;
    if (!('text' in source)) {
      diagnostics.push(source);
      continue;
    }
    sources.set(file, source.text);
    const doc = parseIncidentText(file, source.text);
    if (!config) {
      diagnostics.push(...doc.diagnostics);
      continue;
    }
    const result = validateDocument(doc, { config, now: opts.now, drafts: opts.drafts ?? false });
    diagnostics.push(...result.diagnostics);
    if (result.incident) {
      incidents.push(result.incident);
      if (opts.html) html.set(result.incident.id, renderIncidentHtml(result.incident, doc.tree));
    }
  }
  return { config: config as SiteConfig | null, incidents, diagnostics: sortDiagnostics(diagnostics), fileCount: files.length, sources, html };
}

/** Read files with bounded concurrency, keeping their order. */
async function readAll(root: string, files: string[]) {
  const out: Awaited<ReturnType<typeof readSource>>[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readSource(root, files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
  return out;
}
