/**
 * Markdown → safe HTML. GFM (tables, footnotes, task lists, strikethrough, autolinks) through remark-rehype
 * and rehype-sanitize: raw HTML from an incident file is dropped, never passed through, and only safe URL
 * protocols (http, https, mailto, …) survive in attributes.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import type { Root as MdastRoot, Nodes as MdastNodes, Definition, Image, Parents } from 'mdast';
import type { Root as HastRoot, Element, ElementContent } from 'hast';
import type { Audience, Incident, IncidentHtml } from '../core/model.js';
import { cutRanges } from '../core/audience.js';
import { isInternalSection, LIMITS, markdownNesting, remarkInternalSections } from '../parse/index.js';
import { escapeHtml } from '../core/text.js';
import { imagePlace, imageUrlFromIncident } from '../core/images.js';

/**
 * The few words the Markdown pipeline adds to an incident's text, in the incident's language (markdown.* strings of
 * the catalogue): the footnotes' heading and back links, names of tables and task checkboxes, the note shown for
 * text nested too deeply.
 */
export interface MarkdownWords {
  footnotes: string;
  /** With `{reference}` for the footnote's number (`1`, `1-2`). */
  footnoteBack: string;
  /** With `{headers}`. */
  table: string;
  tablePlain: string;
  task: string;
  tooDeep: string;
  /** The label of a `:::internal` section on the internal site. */
  internal: string;
}

export const ENGLISH_WORDS: MarkdownWords = {
  footnotes: 'Footnotes',
  footnoteBack: 'Back to reference {reference}',
  table: 'Table: {headers}',
  tablePlain: 'Table',
  task: 'Task',
  tooDeep: 'This text is nested too deeply to be shown.',
  internal: 'Internal',
};

/** Where the HTML goes: the incident (its page holds the images' addresses) and the words. */
export interface RenderContext {
  words: MarkdownWords;
  /** The incident whose text it is: its local images are addressed from its page, `incidents/<id>/`. */
  incident?: { id: string; file: string };
  /**
   * Whose page it is: `internal` shows each `:::internal` section in a marked box; `public` (the default) leaves
   * them out (a public text has them cut from its source already: see core/audience.ts; this is a second guard).
   */
  audience?: Audience;
}

const DEFAULT_CONTEXT: RenderContext = { words: ENGLISH_WORDS };

/**
 * GitHub's sanitization schema: no raw HTML, no script URLs. Ids are prefixed by `scopeFragment` below, once,
 * together with the links to them (the schema's own prefix would rename the footnotes' ids but not the
 * `href="#…"` pointing at them, breaking every footnote link).
 */
const schema: SanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  // The box and label of an internal section (raw HTML is never passed through: only our own nodes carry these).
  attributes: {
    ...defaultSchema.attributes,
    div: [...(defaultSchema.attributes?.div ?? []), ['className', 'internal-part'] as [string, string]],
    p: [...(defaultSchema.attributes?.p ?? []), ['className', 'internal-label'] as [string, string]],
  },
};

interface FragmentOptions {
  /** Prefix for every id of the fragment and the links to them (unique per fragment on a page); null drops ids and in-page links (a fragment shown twice on one page). */
  idPrefix: string | null;
  words: MarkdownWords;
}

/**
 * After sanitizing, what readers of every kind need from the tree (adds only constant attributes and text from
 * the tree itself): ids scoped to the fragment, footnote links that work, task checkboxes with a name, wide
 * tables in a keyboard-reachable scroll region, no `<img>` left without a source.
 */
function scopeFragment(tree: HastRoot, { idPrefix, words }: FragmentOptions): void {
  const textOf = (node: ElementContent | HastRoot, skipLists: boolean): string =>
    node.type === 'text'
      ? node.value
      : 'children' in node
        ? (node.children as ElementContent[]).map((c) => (skipLists && c.type === 'element' && (c.tagName === 'ul' || c.tagName === 'ol') ? '' : textOf(c, skipLists))).join('')
        : '';
  // The fragment's own ids (footnotes): links to them follow them; a link to an id of the page is left alone.
  const ids = new Set<string>();
  const collect = (n: HastRoot | ElementContent): void => {
    if (n.type === 'element' && typeof n.properties.id === 'string') ids.add(n.properties.id);
    if ('children' in n) for (const c of n.children as ElementContent[]) collect(c);
  };
  collect(tree);
  const ancestors: Element[] = [];
  const walk = (parent: HastRoot | Element): void => {
    if (parent.type === 'element') ancestors.push(parent);
    parent.children = (parent.children as ElementContent[]).flatMap((node): ElementContent[] => {
      if (node.type !== 'element') return [node];
      const p = node.properties;
      // A fragment rendered twice on a page keeps no ids, and loses its (sr-only) footnote heading.
      if (idPrefix === null && p.id === 'footnote-label') return [];
      if (typeof p.id === 'string') {
        if (idPrefix === null) delete p.id;
        else p.id = idPrefix + p.id;
      }
      for (const key of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
        const v = p[key];
        if (v === undefined || v === null) continue;
        if (idPrefix === null) delete p[key];
        else p[key] = (Array.isArray(v) ? v : String(v).split(/\s+/)).map((id) => idPrefix + String(id));
      }
      if (node.tagName === 'a' && typeof p.href === 'string' && p.href.startsWith('#') && ids.has(p.href.slice(1))) {
        // Without ids, a footnote's back link goes and its reference stays as plain text.
        if (idPrefix === null) return p.dataFootnoteBackref !== undefined ? [] : (walk(node), node.children);
        p.href = `#${idPrefix}${p.href.slice(1)}`;
      }
      // An image whose URL the sanitizer refused (`javascript:` …) has no src: valid HTML keeps its text only.
      if (node.tagName === 'img' && (typeof p.src !== 'string' || p.src === '')) return typeof p.alt === 'string' && p.alt ? [{ type: 'text', value: p.alt }] : [];
      // A task list's checkbox is named by its item's text (axe: form elements must have labels).
      if (node.tagName === 'input' && p.type === 'checkbox') {
        const li = ancestors.findLast((a) => a.tagName === 'li');
        const label = li ? textOf(li, true).replace(/\s+/g, ' ').trim() : '';
        p.ariaLabel = label || words.task;
      }
      walk(node);
      // A wide table scrolls inside a labelled region that the keyboard can reach (axe: scrollable-region-focusable).
      if (node.tagName === 'table') {
        const head = (node.children.find((c) => c.type === 'element' && c.tagName === 'thead') as Element | undefined) ?? node;
        const headers = textOf(head.children.find((c) => c.type === 'element' && c.tagName === 'tr') as Element ?? head, false)
          .split('\n').map((t) => t.trim()).filter(Boolean).join(', ');
        return [{ type: 'element', tagName: 'div', properties: { className: ['table-wrap'], role: 'region', ariaLabel: headers ? words.table.replace('{headers}', headers) : words.tablePlain, tabIndex: 0 }, children: [node] }];
      }
      return [node];
    });
    if (parent.type === 'element') ancestors.pop();
  };
  walk(tree);
}

/** Runs the mdast → hast → sanitized HTML part of the pipeline on an existing tree (no second parse), per language. */
function makeToHtml(words: MarkdownWords) {
  return unified()
    .use(remarkRehype, {
      allowDangerousHtml: false,
      footnoteLabelTagName: 'h2',
      clobberPrefix: '',
      footnoteLabel: words.footnotes,
      footnoteBackLabel: (reference: number, again: number) => words.footnoteBack.replace('{reference}', `${reference + 1}${again > 1 ? `-${again}` : ''}`),
    })
    .use(rehypeSanitize, schema)
    .use(rehypeStringify);
}
type ToHtml = ReturnType<typeof makeToHtml>;
const processors = new Map<string, ToHtml>();
const byWords = new WeakMap<MarkdownWords, ToHtml>();
function toHtmlFor(words: MarkdownWords): ToHtml {
  let p = byWords.get(words);
  if (p) return p;
  const key = JSON.stringify(words);
  p = processors.get(key);
  if (!p) {
    if (processors.size > 16) processors.clear();
    processors.set(key, (p = makeToHtml(words)));
  }
  byWords.set(words, p);
  return p;
}

/**
 * Local images (a file of the project, see core/images.ts) get the address of their published file from the
 * incident's page; a reference image (`![alt][ref]`) becomes a plain image first, so that its definition (which a
 * link may share) is left alone. Other addresses stay as written (the sanitizer decides).
 */
function addressImages(tree: MdastRoot, incident: RenderContext['incident']): void {
  if (!incident) return;
  const definitions = new Map<string, Definition>();
  const collect = (n: MdastNodes): void => {
    if (n.type === 'definition') definitions.set(n.identifier.toLowerCase(), n);
    if ('children' in n) for (const c of n.children) collect(c as MdastNodes);
  };
  collect(tree);
  const walk = (parent: Parents): void => {
    parent.children.forEach((node, i) => {
      let image: Image | null = null;
      if (node.type === 'image') image = node;
      else if (node.type === 'imageReference') {
        const def = definitions.get(node.identifier.toLowerCase());
        if (def) {
          image = { type: 'image', url: def.url, title: def.title ?? null, alt: node.alt ?? null, ...(node.position ? { position: node.position } : {}) };
          (parent.children as MdastNodes[])[i] = image;
        }
      }
      if (image) {
        const place = imagePlace(incident.file, image.url);
        if (place.kind === 'file') image.url = imageUrlFromIncident(incident.id, place.sitePath);
      } else if ('children' in node) walk(node as Parents);
    });
  };
  walk(tree);
}

const parser = unified().use(remarkParse).use(remarkGfm);
/** The same, reading `:::internal` sections (parse/internal.ts): used for text that may hold one. */
const sectionsParser = unified().use(remarkParse).use(remarkGfm).use(remarkInternalSections);
const SECTION_HINT = /:{3,}internal/;

/**
 * Each `:::internal` section of the tree: left out for the public, else a box with the label (the classes the
 * sanitizer allows for it, and the label's words in the text's language).
 */
function markSections(parent: Parents, audience: Audience, words: MarkdownWords): void {
  const children = parent.children as MdastNodes[];
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (isInternalSection(node)) {
      if (audience !== 'internal') {
        children.splice(i--, 1);
        continue;
      }
      const label: MdastNodes = { type: 'paragraph', children: [{ type: 'text', value: words.internal }], data: { hProperties: { className: ['internal-label'] } } };
      const box = node as unknown as { data?: Record<string, unknown>; children: MdastNodes[] };
      box.data = { hName: 'div', hProperties: { className: ['internal-part'] } };
      box.children.unshift(label);
    }
    if ('children' in node) markSections(node as Parents, audience, words);
  }
}

/** Ids of the body keep GitHub's prefix; other fragments of the page get their own. */
const BODY_IDS = 'user-content-';

/**
 * Deepest Markdown tree rendered: the HTML pipeline recurses once per level, and emphasis or links nested
 * thousands deep (which `markdownNesting` does not count) would overflow its stack.
 */
const MAX_TREE_DEPTH = 4 * LIMITS.maxNesting;

function treeDepth(root: MdastRoot): number {
  let max = 0;
  const stack: [{ children?: unknown[] }, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of node.children ?? []) stack.push([child as { children?: unknown[] }, depth + 1]);
  }
  return max;
}

/** What is shown of Markdown too deeply nested to render: its text, escaped, or a note when there is none. */
function tooDeep(words: MarkdownWords, markdown?: string): string {
  return markdown === undefined ? `<p>${escapeHtml(words.tooDeep)}</p>` : `<p>${escapeHtml(markdown)}</p>`;
}

/** Render a parsed Markdown tree (a frontmatter node in it is ignored). */
export function renderTree(tree: MdastRoot, idPrefix: string | null = BODY_IDS, source?: string, ctx: RenderContext = DEFAULT_CONTEXT): string {
  const body: MdastRoot = { type: 'root', children: tree.children.filter((n) => n.type !== 'yaml') };
  if (treeDepth(body) > MAX_TREE_DEPTH) return tooDeep(ctx.words, source);
  const toHtml = toHtmlFor(ctx.words);
  try {
    addressImages(body, ctx.incident);
    markSections(body, ctx.audience ?? 'public', ctx.words);
    const hast = toHtml.runSync(body) as HastRoot;
    scopeFragment(hast, { idPrefix, words: ctx.words });
    return toHtml.stringify(hast).trim();
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(ctx.words, source); // the stack, after all
    throw e;
  }
}

/** Parse Markdown from a frontmatter string, or null when it nests too deeply to parse safely. */
function parseString(markdown: string): MdastRoot | null {
  if (markdownNesting(markdown) >= 0) return null;
  try {
    return (SECTION_HINT.test(markdown) ? sectionsParser : parser).parse(markdown) as MdastRoot;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Render block Markdown (a body, a root cause). */
export function renderMarkdown(markdown: string, idPrefix: string | null = BODY_IDS, ctx: RenderContext = DEFAULT_CONTEXT): string {
  const tree = parseString(markdown);
  return tree ? renderTree(tree, idPrefix, markdown, ctx) : tooDeep(ctx.words, markdown);
}

/**
 * Text that Markdown (CommonMark + GFM) renders as itself, unescaped, in one paragraph: it starts with a letter
 * or digit that opens no list, holds only letters, digits, single spaces and punctuation that is not Markdown
 * syntax, no line break, no `www.` or `://` (GFM autolinks). Most timeline entries are such text: they skip the
 * parser. A property test checks that the parser agrees.
 */
const PLAIN_INLINE = /^[\p{L}\p{N}](?:[\p{L}\p{N},.;:'"?%/()$-]| (?! ))*$/u;
export function isPlainInline(markdown: string): boolean {
  return PLAIN_INLINE.test(markdown) && !/^\p{N}+[.)]|www\.|:\/\/|[ ]$/iu.test(markdown);
}

/** Render inline Markdown (a timeline entry, which may be shown on other pages too: no ids): a lone paragraph is unwrapped. */
export function renderInline(markdown: string, ctx: RenderContext = DEFAULT_CONTEXT): string {
  return isPlainInline(markdown) ? markdown : renderInlineParsed(markdown, ctx);
}

/** `renderInline` through the parser, always. */
export function renderInlineParsed(markdown: string, ctx: RenderContext = DEFAULT_CONTEXT): string {
  const tree = parseString(markdown);
  if (!tree || treeDepth(tree) > MAX_TREE_DEPTH) return tooDeep(ctx.words, markdown);
  const toHtml = toHtmlFor(ctx.words);
  let hast: HastRoot;
  try {
    addressImages(tree, ctx.incident);
    markSections(tree, ctx.audience ?? 'public', ctx.words);
    hast = toHtml.runSync(tree) as HastRoot;
  } catch (e) {
    if (e instanceof RangeError) return tooDeep(ctx.words, markdown);
    throw e;
  }
  scopeFragment(hast, { idPrefix: null, words: ctx.words });
  const only = hast.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  if (only.length === 1 && only[0]!.type === 'element' && (only[0] as Element).tagName === 'p') {
    hast.children = (only[0] as Element).children as ElementContent[];
  }
  return toHtml.stringify(hast).trim();
}

/**
 * Every piece of HTML an incident needs, from its body tree (when already parsed) and its Markdown strings, for its
 * own page (`incidents/<id>/`: the addresses of its images start there), with the words of its language.
 */
export function renderIncidentHtml(incident: Incident, bodyTree?: MdastRoot, words: MarkdownWords = ENGLISH_WORDS): IncidentHtml {
  const ctx: RenderContext = { words, incident: { id: incident.id, file: incident.file }, audience: 'internal' };
  const html: { -readonly [K in keyof IncidentHtml]: IncidentHtml[K] } = {
    bodyHtml: bodyTree ? renderTree(bodyTree, BODY_IDS, undefined, ctx) : renderMarkdown(incident.body, BODY_IDS, ctx),
    rootCauseHtml: incident.rootCause ? renderMarkdown(incident.rootCause, ROOT_CAUSE_IDS, ctx) : '',
    timelineHtml: incident.timeline.map((e) => renderInline(e.text, ctx)),
  };
  // The public site's: rendered from the text with its internal sections cut out (core/audience.ts), never from
  // the HTML above (a reference definition inside a section would still resolve a public link there).
  const parts = incident.internalParts;
  const pub: RenderContext = { ...ctx, audience: 'public' };
  if (parts?.body) html.publicBodyHtml = renderMarkdown(cutRanges(incident.body, parts.body), BODY_IDS, pub);
  if (parts?.rootCause && incident.rootCause) {
    const rest = cutRanges(incident.rootCause, parts.rootCause);
    html.publicRootCauseHtml = rest.trim() ? renderMarkdown(rest, ROOT_CAUSE_IDS, pub) : '';
  }
  return html;
}

const ROOT_CAUSE_IDS = `${BODY_IDS}root-cause-`;
