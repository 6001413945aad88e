/**
 * The images of a piece of Markdown, with their offsets: `![alt](address)` and `![alt][reference]` with its
 * definition, exactly as the Markdown renderer (remark-parse + remark-gfm) reads them, so that an address in a
 * code block or a code span is never taken for an image. Text without `![` is not parsed at all, and the parser is
 * loaded only for text that has one (`check` of a project without images never loads it).
 */
import type { Root, Nodes, Definition } from 'mdast';
import { markdownParser } from './internal.js';

export interface FoundImage {
  url: string;
  alt: string;
  /** Offsets of the image's start and end in the text given. */
  offset: number;
  end: number;
}

/** Images of `markdown` in document order. */
export function findImages(markdown: string): FoundImage[] {
  if (!markdown.includes('![')) return [];
  let tree: Root;
  try {
    tree = markdownParser().parse(markdown) as Root;
  } catch {
    return []; // text too deeply nested to parse: the nesting guard reports it, and it is shown as text
  }
  const definitions = new Map<string, Definition>();
  const found: { node: Nodes; ref?: string }[] = [];
  const walk = (node: Nodes): void => {
    if (node.type === 'definition') definitions.set(node.identifier.toLowerCase(), node);
    if (node.type === 'image') found.push({ node });
    else if (node.type === 'imageReference') found.push({ node, ref: node.identifier.toLowerCase() });
    if ('children' in node) for (const c of node.children) walk(c as Nodes);
  };
  walk(tree);
  const images: FoundImage[] = [];
  for (const { node, ref } of found) {
    const url = ref === undefined ? (node as { url: string }).url : definitions.get(ref)?.url;
    if (url === undefined) continue; // `![x][missing]` is plain text to Markdown
    const offset = node.position?.start.offset ?? 0;
    images.push({ url, alt: (node as { alt?: string | null }).alt ?? '', offset, end: node.position?.end.offset ?? offset + 2 });
  }
  return images;
}
