/**
 * Markdown → safe HTML. GFM (tables, footnotes, task lists, strikethrough, autolinks) through remark-rehype
 * and rehype-sanitize: raw HTML from an incident file is dropped, never passed through, and only safe URL
 * protocols (http, https, mailto, …) survive in attributes.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import type { Root as MdastRoot } from 'mdast';
import type { Root as HastRoot, Element, ElementContent } from 'hast';
import type { Incident, IncidentHtml } from './model.js';

/** GitHub's sanitization schema: no raw HTML, no script URLs, ids clobber-prefixed. */
const schema = { ...defaultSchema };

/** Runs the mdast → hast → sanitized HTML part of the pipeline on an existing tree (no second parse). */
const toHtml = unified()
  .use(remarkRehype, { allowDangerousHtml: false, footnoteLabelTagName: 'h2' })
  .use(rehypeSanitize, schema)
  .use(rehypeStringify);

const parser = unified().use(remarkParse).use(remarkGfm);

/** Render a parsed Markdown tree (a frontmatter node in it is ignored). */
export function renderTree(tree: MdastRoot): string {
  const body: MdastRoot = { type: 'root', children: tree.children.filter((n) => n.type !== 'yaml') };
  const hast = toHtml.runSync(body) as HastRoot;
  return toHtml.stringify(hast).trim();
}

/** Render block Markdown (a body, a root cause). */
export function renderMarkdown(markdown: string): string {
  return renderTree(parser.parse(markdown) as MdastRoot);
}

/** Render inline Markdown (a timeline entry): a lone paragraph is unwrapped. */
export function renderInline(markdown: string): string {
  const tree = parser.parse(markdown) as MdastRoot;
  const hast = toHtml.runSync(tree) as HastRoot;
  const only = hast.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  if (only.length === 1 && only[0]!.type === 'element' && (only[0] as Element).tagName === 'p') {
    hast.children = (only[0] as Element).children as ElementContent[];
  }
  return toHtml.stringify(hast).trim();
}

/** Every piece of HTML an incident needs, from its body tree (when already parsed) and its Markdown strings. */
export function renderIncidentHtml(incident: Incident, bodyTree?: MdastRoot): IncidentHtml {
  return {
    bodyHtml: bodyTree ? renderTree(bodyTree) : renderMarkdown(incident.body),
    rootCauseHtml: incident.rootCause ? renderMarkdown(incident.rootCause) : '',
    timelineHtml: incident.timeline.map((e) => renderInline(e.text)),
  };
}
