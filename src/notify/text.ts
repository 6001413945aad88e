/**
 * Text of a message: an update's inline Markdown as plain runs and links (each platform writes them in its own
 * markup, escaping the rest), cut to a length; and text made safe for a terminal or CI log.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Nodes, Root } from 'mdast';
import { escapeControls } from '../core/terminal.js';

/** A run of plain text, or a link (only absolute http(s) links survive; others keep their text). */
export type Segment = { text: string } | { text: string; href: string };

const parser = unified().use(remarkParse).use(remarkGfm);

/** An absolute http(s) URL, or null. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function plain(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'break') return '\n';
  if (node.type === 'image') return node.alt ?? '';
  if (node.type === 'html') return '';
  return 'children' in node ? (node.children as Nodes[]).map(plain).join('') : '';
}

/** Inline Markdown (a timeline entry, a summary) → segments; raw HTML is dropped, as on the pages. */
export function segments(markdown: string): Segment[] {
  const out: Segment[] = [];
  const push = (text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && !('href' in last)) last.text += text;
    else out.push({ text });
  };
  const walk = (node: Nodes): void => {
    if (node.type === 'link') {
      const href = safeHref(node.url);
      const text = plain(node);
      if (href && text) out.push({ text, href });
      else push(text || (href ?? ''));
      return;
    }
    if (node.type === 'root' || node.type === 'paragraph' || node.type === 'heading' || node.type === 'list' || node.type === 'listItem' || node.type === 'blockquote') {
      const children = node.children as Nodes[];
      children.forEach((c, i) => {
        if (i > 0 && (node.type === 'root' || node.type === 'list' || node.type === 'listItem' || node.type === 'blockquote')) push('\n');
        if (node.type === 'listItem' && i === 0) push('• ');
        walk(c);
      });
      return;
    }
    if ('children' in node && node.type !== 'footnoteDefinition') {
      for (const c of node.children as Nodes[]) walk(c);
      return;
    }
    push(plain(node));
  };
  walk(parser.parse(markdown) as Root);
  return out;
}

/** The segments' text, links written `text (url)` unless the text is the URL. */
export function plainText(segs: readonly Segment[]): string {
  return segs.map((s) => ('href' in s && s.text !== s.href ? `${s.text} (${s.href})` : s.text)).join('');
}

/** At most `max` characters (code points), cut at a word when one is near, with an ellipsis. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  let cut = chars.slice(0, max - 1).join('');
  const space = cut.search(/\s\S*$/);
  if (space > max * 0.8) cut = cut.slice(0, space);
  return `${cut.trimEnd()}…`;
}

/** Segments cut to `max` characters of text in all (a link cut short becomes text). */
export function truncateSegments(segs: readonly Segment[], max: number): Segment[] {
  const out: Segment[] = [];
  let left = max;
  for (const s of segs) {
    const n = [...s.text].length;
    if (n <= left) {
      out.push(s);
      left -= n;
      continue;
    }
    out.push({ text: truncate(s.text, Math.max(left, 1)) });
    break;
  }
  return out;
}

/** Text of the input on one line of a terminal: newlines and tabs as spaces, every other unsafe character escaped. */
export function oneLine(s: string): string {
  return escapeControls(s.replace(/[\t\r\n]+/g, ' '));
}
