/** Putting per-file results together: the rules across files, sorted diagnostics, the incidents and their HTML. */
import type { Incident, IncidentHtml, SiteConfig } from '../core/model.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { compareStrings } from '../core/compare.js';
import { CONFIG_FILE, type StaticFiles } from '../source/index.js';
import { checkAcrossFiles, checkGroupWeight } from '../validate/index.js';
import type { FileResult } from '../process/index.js';

/** A project as `check`, `build` and `dev` see it. */
export interface ProjectResult {
  /** `null` when site.yaml itself could not be read or is invalid beyond use. */
  config: SiteConfig | null;
  /** Every incident that validated without error (drafts included; the site model filters them). */
  incidents: Incident[];
  diagnostics: Diagnostic[];
  /** Number of incident files looked at. */
  fileCount: number;
  /** File contents by relative path, for code frames. */
  sources: Map<string, string>;
  /** HTML of each incident's Markdown, by id (builds and dev). */
  html: Map<string, IncidentHtml>;
  /** Hash of the text each incident was read from, by id (see `contentHash`). */
  sourceHashes: Map<string, string>;
  /** The files of `static/` that can be published, as site paths (see `listStaticFiles`). */
  staticFiles: readonly string[];
}

/** Put per-file results together: cross-file rules, sorted diagnostics, the incidents and their HTML. */
export function assemble(
  config: SiteConfig | null,
  configText: string,
  configDiagnostics: readonly Diagnostic[],
  walkDiagnostics: readonly Diagnostic[],
  results: readonly FileResult[],
  statics: StaticFiles = { files: [], diagnostics: [] },
): ProjectResult {
  const sorted = [...results].sort((a, b) => compareStrings(a.file, b.file));
  const sources = new Map<string, string>([[CONFIG_FILE, configText]]);
  const weights = sorted.flatMap((r) => (r.incident && r.weight !== undefined ? [{ file: r.file, weight: r.weight }] : []));
  const diagnostics: Diagnostic[] = [...configDiagnostics, ...walkDiagnostics, ...statics.diagnostics, ...checkAcrossFiles(sorted.map((r) => r.file)), ...checkGroupWeight(weights)];
  const incidents: Incident[] = [];
  const html = new Map<string, IncidentHtml>();
  const sourceHashes = new Map<string, string>();
  for (const r of sorted) {
    if (r.text !== undefined) sources.set(r.file, r.text);
    diagnostics.push(...r.diagnostics);
    if (r.incident) {
      incidents.push(r.incident);
      if (r.html) html.set(r.incident.id, r.html);
      if (r.hash !== undefined) sourceHashes.set(r.incident.id, r.hash);
    }
  }
  return { config, incidents, diagnostics: sortDiagnostics(diagnostics), fileCount: sorted.length, sources, html, sourceHashes, staticFiles: statics.files };
}

