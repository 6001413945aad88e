/**
 * Putting per-file results together: the rules across files, whether the postmortems' images are there, sorted
 * diagnostics, the incidents and their HTML.
 */
import type { Incident, IncidentHtml, SiteConfig } from '../core/model.js';
import { fileDiagnostic, sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { compareStrings } from '../core/compare.js';
import { CONFIG_FILE, type StaticFiles } from '../source/index.js';
import { checkAcrossFiles, checkGroupWeight, idFromPath } from '../validate/index.js';
import type { FileResult } from '../process/index.js';
import { checkImages, readSourceSync } from '../source/index.js';

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
  /** Images of the postmortems to publish from incidents/: site path → project path (checked to be there). */
  media: Map<string, string>;
}

/** Put per-file results together: cross-file rules, sorted diagnostics, the incidents and their HTML. */
export function assemble(
  config: SiteConfig | null,
  configText: string,
  configDiagnostics: readonly Diagnostic[],
  walkDiagnostics: readonly Diagnostic[],
  results: readonly FileResult[],
  statics: StaticFiles = { files: [], diagnostics: [] },
  project: { root: string; sources: readonly { file: string; text: string }[] } | null = null,
): ProjectResult {
  const sorted = [...results].sort((a, b) => compareStrings(a.file, b.file));
  const sources = new Map<string, string>([[CONFIG_FILE, configText]]);
  const weights = sorted.flatMap((r) => (r.incident && r.weight !== undefined ? [{ file: r.file, weight: r.weight }] : []));
  const diagnostics: Diagnostic[] = [...configDiagnostics, ...walkDiagnostics, ...statics.diagnostics, ...checkAcrossFiles(sorted.map((r) => r.file)), ...checkGroupWeight(weights), ...internalLinks(sorted)];
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
  for (const f of project?.sources ?? []) sources.set(f.file, f.text);
  // Whether each image is there is asked at every assembly: the picture may come or go while its incident stays.
  const images = project ? checkImages(project.root, sorted.map((r) => ({ file: r.file, images: r.images ?? r.incident?.images, publish: r.incident !== null }))) : { diagnostics: [], media: new Map<string, string>() };
  diagnostics.push(...images.diagnostics);
  for (const d of [...images.diagnostics, ...diagnostics.filter((x) => x.rule === Rule.InternalLink.id)]) {
    if (sources.has(d.file) || !project) continue;
    const source = readSourceSync(project.root, d.file); // for the code frame
    if ('text' in source) sources.set(d.file, source.text);
  }
  return { config, incidents, diagnostics: sortDiagnostics(diagnostics), fileCount: sorted.length, sources, html, sourceHashes, staticFiles: statics.files, media: images.media };
}


/**
 * `internal-link`: public text of a public incident that links to an internal one (its page exists on the internal
 * site only: the public link would be broken, and would name the internal incident).
 */
export function internalLinks(results: readonly Pick<FileResult, 'file' | 'refs' | 'visibility'>[]): Diagnostic[] {
  const internal = new Map<string, string>();
  for (const r of results) if (r.visibility === 'internal') internal.set(idFromPath(r.file), r.file);
  if (internal.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const r of results) {
    for (const ref of r.refs ?? []) {
      const target = internal.get(ref.id);
      if (target === undefined) continue;
      out.push({
        ...fileDiagnostic(r.file, Rule.InternalLink, `this public link ("${ref.url}") points at ${ref.id}, an internal incident (${target}): the public site has no page for it`, 'mark the link internal (`internal: true`, or move it into a `:::internal` section), or make the incident it points at public'),
        line: ref.line,
        column: ref.column,
        ...(ref.endLine !== undefined ? { endLine: ref.endLine, endColumn: ref.endColumn! } : {}),
      });
    }
  }
  return out;
}
