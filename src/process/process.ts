/**
 * Processing one incident file: parse, validate and (for builds) render its Markdown, into plain data that can
 * cross a worker thread's boundary and be cached: the incident, its HTML and its diagnostics.
 */
import type { ImageRef, IncidentHtml, Incident, SiteConfig } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { contentHash } from '../core/hash.js';
import { contentLanguageOf, localeFor } from '../core/locale.js';
import type { MarkdownWords } from '../markdown/index.js';
import { readSource } from '../source/index.js';
import { parseIncidentText } from '../parse/index.js';
import { openWindow, validateDocument, type IncidentRef } from '../validate/index.js';

/** What one incident file yields: its diagnostics and, when valid, the incident and its HTML. */
export interface FileResult {
  file: string;
  /** The text read (absent when the file could not be read or decoded). */
  text?: string;
  incident: Incident | null;
  diagnostics: Diagnostic[];
  html?: IncidentHtml;
  /** The result holds for "now" in [nowFrom, nowUntil) (absent: any now); see NowWindow in validate.ts. */
  nowFrom?: number;
  nowUntil?: number;
  /** Hash of the text processed (set by `processFile`, for the cache). */
  hash?: string;
  /** Estimated bytes of the incident's content on a page (see validate/limits.ts), for the limits across files. */
  weight?: number;
  /** The images of its Markdown that name a file of the project (also when it has errors), whose files project/ checks. */
  images?: ImageRef[];
  /** Links of its public text to incidents of the site (also when it has errors), for `internal-link` across files. */
  refs?: IncidentRef[];
  /** `internal`: an internal incident as written (also when it has errors): public text may not link to it. */
  visibility?: 'internal';
}

export interface FileContext {
  config: SiteConfig | null;
  now: number;
  drafts: boolean;
  /** Render HTML for valid incidents. */
  html: boolean;
  /** HTML already rendered, by content hash: a file whose text did not change is not rendered again. */
  htmlCache?: Map<string, IncidentHtml>;
}

/**
 * The key of a file's rendered HTML: its text; the site's zone, because the order of the timeline (and so its
 * HTML) depends on the zone local times are read in; the words the HTML adds in the incident's language.
 */
export function htmlCacheKey(config: SiteConfig | null, text: string): string {
  const words = config ? JSON.stringify([config.contentLanguage ?? config.language ?? '', config.strings ?? {}]) : '';
  return contentHash(`${config?.timezone ?? ''}\0${words}\0${text}`);
}

const wordsCache = new WeakMap<SiteConfig, Map<string, MarkdownWords>>();

/** The words the Markdown pipeline adds to an incident's text, in its language (markdown.* of the catalogues), once per language. */
export function markdownWords(config: SiteConfig, incident: Incident): MarkdownWords {
  const language = contentLanguageOf(config, incident);
  let perLanguage = wordsCache.get(config);
  if (!perLanguage) wordsCache.set(config, (perLanguage = new Map()));
  let words = perLanguage.get(language);
  if (!words) perLanguage.set(language, (words = wordsOf(config, language)));
  return words;
}

function wordsOf(config: SiteConfig, language: string): MarkdownWords {
  const locale = localeFor({ language, timeZone: 'UTC', clock: '24h', ...(config.strings ? { strings: config.strings } : {}) });
  return {
    footnotes: locale.t('markdown.footnotes'),
    footnoteBack: locale.t('markdown.footnote_back', { reference: '{reference}' }),
    table: locale.t('markdown.table', { headers: '{headers}' }),
    tablePlain: locale.t('markdown.table_plain'),
    task: locale.t('markdown.task'),
    tooDeep: locale.t('markdown.too_deep'),
    internal: locale.t('markdown.internal'),
  };
}

/** Parse, validate and (optionally) render one incident file. Pure but for the optional cache. */
type RenderIncidentHtml = typeof import('../markdown/index.js').renderIncidentHtml;
let renderIncidentHtml: RenderIncidentHtml | undefined;

/**
 * Load the Markdown → HTML pipeline (remark-rehype, rehype-sanitize, …). Only builds need it, so `check`
 * never pays for loading it; call this before `processSource` with `html: true`.
 */
export async function loadMarkdown(): Promise<void> {
  renderIncidentHtml ??= (await import('../markdown/index.js')).renderIncidentHtml;
}

export function processSource(file: string, text: string, ctx: FileContext): FileResult {
  const hash = ctx.html && ctx.htmlCache ? htmlCacheKey(ctx.config, text) : undefined;
  const cached = hash !== undefined ? ctx.htmlCache!.get(hash) : undefined;
  const doc = parseIncidentText(file, text);
  if (!ctx.config) return { file, text, incident: null, diagnostics: doc.diagnostics };
  const window = openWindow();
  const result = validateDocument(doc, { config: ctx.config, now: ctx.now, drafts: ctx.drafts, nowWindow: window });
  const out: FileResult = { file, text, incident: result.incident, diagnostics: result.diagnostics };
  if (result.weight !== undefined) out.weight = result.weight;
  if (result.images.length) out.images = result.images;
  if (result.refs) out.refs = result.refs;
  if (result.visibility) out.visibility = result.visibility;
  if (window.from !== -Infinity) out.nowFrom = window.from;
  if (window.until !== Infinity) out.nowUntil = window.until;
  if (result.incident && ctx.html) {
    if (!cached && !renderIncidentHtml) throw new Error('processSource: call loadMarkdown() before asking for HTML');
    out.html = cached ?? renderIncidentHtml!(result.incident, undefined, markdownWords(ctx.config, result.incident));
    if (hash !== undefined && !cached) ctx.htmlCache!.set(hash, out.html);
  }
  return out;
}

/**
 * Read and process one file, keeping its text only when it has diagnostics (for their code frames): a build
 * of a large project does not hold every source text in memory.
 */
export async function processFile(root: string, file: string, ctx: FileContext): Promise<FileResult> {
  const source = await readSource(root, file);
  if (!('text' in source)) return { file, incident: null, diagnostics: [source] };
  const result = processSource(file, source.text, ctx);
  result.hash = contentHash(source.text);
  if (result.diagnostics.length === 0) delete result.text;
  return result;
}

