/**
 * Internal sections of Markdown (issue 15): `:::internal … :::`, a container directive read by remark-directive (the
 * unified collective's parser of the generic directives proposal), and nothing else of that syntax. remark-directive
 * would also read `:name` in text (`Error:timeout`, `12:30`) and `::name` lines; Markdown that has always been text
 * must stay text, so the plugin here registers remark-directive and keeps only its container construct, which it lets
 * open only with the name `internal`. Every other `:::name` block, `::name` line and `:name` stays what CommonMark
 * makes of it, byte for byte.
 *
 * `scanMarkdown` finds, with offsets: the internal sections (and which are never closed), lines that look like the
 * opening of one but are not (`::internal`, `::: internal`, `:::Internal`, `:::internl`: what follows them would be
 * published), and the links of the text (for links to internal incidents). Text that cannot hold any of them is not
 * parsed at all; the parser is loaded on first use, as for images.
 */
import { createRequire } from 'node:module';
import type { Processor } from 'unified';
import type { Root, Nodes, Definition } from 'mdast';
import type { TextRange } from '../core/model.js';
import { closest } from '../core/suggest.js';

/** The name of our one directive. */
export const INTERNAL_NAME = 'internal';

// The few shapes of micromark's extension API used here (micromark-util-types, not a dependency of ours).
type Code = number | null;
type State = (code: Code) => State | undefined;
interface Effects {
  enter(type: string): unknown;
  exit(type: string): unknown;
  consume(code: Code): void;
  check(construct: Construct, ok: State, nok: State): State;
}
interface Construct {
  name?: string;
  tokenize: (this: unknown, effects: Effects, ok: State, nok: State) => State;
  partial?: boolean;
  concrete?: boolean;
}
interface MicromarkExtension {
  flow?: Record<number, Construct | Construct[]>;
  text?: Record<number, Construct | Construct[]>;
  [key: string]: unknown;
}

const COLON = 58;
const NAME_CODES = [...INTERNAL_NAME].map((c) => c.charCodeAt(0));

/** A code that may continue a directive name (letters, digits, `-`, `_`): `:::internals` is another name. */
function nameCode(code: Code): boolean {
  return code !== null && ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95);
}

/** Looks ahead (never consumes for good): at least three colons, then exactly the name `internal`. */
const internalFence: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    let colons = 0;
    let i = 0;
    const name: State = (code) => {
      if (i < NAME_CODES.length) {
        if (code !== NAME_CODES[i]) return nok(code);
        effects.consume(code);
        i++;
        return name;
      }
      if (nameCode(code)) return nok(code);
      effects.exit('internalFence');
      return ok(code);
    };
    const sequence: State = (code) => {
      if (code === COLON) {
        effects.consume(code);
        colons++;
        return sequence;
      }
      return colons < 3 ? nok(code) : name(code);
    };
    return (code) => {
      effects.enter('internalFence');
      return sequence(code);
    };
  },
};

/** remark-directive's container construct, opening only as `:::internal`. */
function onlyInternal(container: Construct): Construct {
  return {
    ...container,
    tokenize(effects, ok, nok) {
      const start = container.tokenize.call(this, effects, ok, nok);
      return effects.check(internalFence, start, nok);
    },
  };
}

/** Of remark-directive's micromark extension, its container construct only, restricted to `internal`. */
function restrict(extension: MicromarkExtension): MicromarkExtension {
  const flow = extension.flow?.[COLON];
  const constructs = Array.isArray(flow) ? flow : flow ? [flow] : [];
  // The container is the construct that is `concrete` (its content is not lazy); the leaf directive is not.
  const container = constructs.find((c) => c.concrete);
  if (!container) throw new Error('remark-directive: its container construct was not found');
  return { flow: { [COLON]: [onlyInternal(container)] } };
}

type RemarkDirective = (this: Processor) => void;

/**
 * The unified plugin: remark-directive, with only `:::internal` containers (the `containerDirective` nodes of
 * mdast-util-directive, `name: 'internal'`). Loaded synchronously (`check` loads it only for text that needs it).
 */
export function remarkInternalSections(this: Processor): void {
  const data = this.data() as { micromarkExtensions?: MicromarkExtension[] };
  const before = data.micromarkExtensions?.length ?? 0;
  const remarkDirective = (createRequire(import.meta.url)('remark-directive') as { default: RemarkDirective }).default;
  remarkDirective.call(this);
  const added = data.micromarkExtensions ?? [];
  for (let i = before; i < added.length; i++) added[i] = restrict(added[i]!);
}

let parser: Processor | undefined;

/** remark-parse + remark-gfm + internal sections: how every stage reads an incident's Markdown. */
export function markdownParser(): Processor {
  if (!parser) {
    const load = createRequire(import.meta.url);
    const { unified } = load('unified') as typeof import('unified');
    const remarkParse = (load('remark-parse') as typeof import('remark-parse')).default;
    const remarkGfm = (load('remark-gfm') as typeof import('remark-gfm')).default;
    parser = unified().use(remarkParse).use(remarkGfm).use(remarkInternalSections) as unknown as Processor;
  }
  return parser;
}

/** A line that opens with two or more colons and a word: maybe an internal section, maybe meant as one. */
const FENCE_LINE = /^([ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(:{2,})[ \t]*([A-Za-z][\w-]*)?/gm;
/** Text with a link that may lead to an incident of the site (see validate/refs.ts). */
const LINK_HINT = /incidents\/|\.\.\/|\.md\b/;

/**
 * Whether a word after colons is an attempt at `internal`: the word in any case, a longer name starting with it
 * (`internal-notes`), or a typo of it. (Text meant as such can escape its first colon: `\:::interval`.)
 */
function meantInternal(word: string | undefined): boolean {
  return word !== undefined && (word.toLowerCase().startsWith(INTERNAL_NAME) || closest(word, [INTERNAL_NAME]) !== undefined);
}

/** Whether `markdown` may hold an internal section, or a line meant as the opening of one. */
export function mayHaveInternal(markdown: string): boolean {
  if (!markdown.includes('::')) return false;
  for (const m of markdown.matchAll(FENCE_LINE)) if (meantInternal(m[3])) return true;
  return false;
}

export interface FoundLink {
  url: string;
  /** Offsets of the link (or of the reference that uses the definition) in the text given. */
  offset: number;
  end: number;
  /** Inside an internal section. */
  internal: boolean;
}

export interface MarkdownScan {
  /** The internal sections, their fences included, in order, not overlapping (nested ones are in their parent). */
  sections: TextRange[];
  /** Offsets of the sections never closed (they run to the end of the text, or of their quote or list item). */
  unclosed: number[];
  /** Lines that look like the opening of an internal section but are not one: the offsets of the colons to the word's end. */
  malformed: TextRange[];
  /** The links of the text (only when asked, and only in text that may link to an incident). */
  links: FoundLink[];
}

const EMPTY: MarkdownScan = { sections: [], unclosed: [], malformed: [], links: [] };

function parse(markdown: string): Root | null {
  try {
    return markdownParser().parse(markdown) as Root;
  } catch {
    return null; // too deeply nested to parse: the nesting guard reports it, and it is shown as text
  }
}

function inside(ranges: readonly TextRange[], offset: number): boolean {
  return ranges.some(([s, e]) => offset >= s && offset < e);
}

/** Whether the container's last line is a closing fence of at least as many colons as it opened with. */
function closed(markdown: string, start: number, end: number): boolean {
  const opening = /^:+/.exec(markdown.slice(start))?.[0].length ?? 3;
  const lastLine = markdown.slice(markdown.lastIndexOf('\n', end - 1) + 1, end);
  const fence = /^[ \t]*(?:>[ \t]?)*[ \t]*(:+)[ \t]*$/.exec(lastLine);
  return end > start + opening && fence !== null && fence[1]!.length >= opening && markdown.lastIndexOf('\n', end - 1) >= start;
}

/** Internal sections, code and raw HTML (where `:::internal` is only text), links and definitions of a tree. */
function collect(tree: Root) {
  const sections: TextRange[] = [];
  const verbatim: TextRange[] = [];
  const links: { url?: string; ref?: string; offset: number; end: number }[] = [];
  const definitions = new Map<string, Definition>();
  const walk = (node: Nodes, inSection: boolean): void => {
    const start = node.position?.start.offset ?? 0;
    const end = node.position?.end.offset ?? start;
    const section = isInternalSection(node as { type: string; name?: string });
    if (section && !inSection) sections.push([start, end]);
    if (node.type === 'code' || node.type === 'html' || node.type === 'inlineCode') verbatim.push([start, end]);
    if (node.type === 'definition') definitions.set(node.identifier.toLowerCase(), node);
    if (node.type === 'link') links.push({ url: node.url, offset: start, end });
    if (node.type === 'linkReference') links.push({ ref: node.identifier.toLowerCase(), offset: start, end });
    if ('children' in node) for (const c of node.children) walk(c as Nodes, inSection || section);
  };
  walk(tree, false);
  return { sections, verbatim, links, definitions };
}

/**
 * The internal sections of `markdown`, the lines meant as openings that are not, and (with `links`) its links.
 * Text without `::` followed by a word like `internal`, and (for links) without a path that may lead to an incident,
 * is not parsed.
 */
export function scanMarkdown(markdown: string, want: { links?: boolean } = {}): MarkdownScan {
  const sectionsLikely = mayHaveInternal(markdown);
  const linksLikely = want.links === true && LINK_HINT.test(markdown);
  if (!sectionsLikely && !linksLikely) return EMPTY;
  const tree = parse(markdown);
  if (!tree) return EMPTY;
  const { sections, verbatim, links, definitions } = collect(tree);
  const unclosed = sections.filter(([s, e]) => !closed(markdown, s, e)).map(([s]) => s);
  const malformed: TextRange[] = [];
  if (sectionsLikely) {
    for (const m of markdown.matchAll(FENCE_LINE)) {
      if (!meantInternal(m[3])) continue;
      const colons = m.index + m[1]!.length;
      if (sections.some(([s]) => s === colons) || inside(verbatim, colons)) continue;
      // A line inside a section is that section's text: only its own opening must be right (it is internal anyway).
      if (inside(sections, colons)) continue;
      malformed.push([colons, m.index + m[0].length]);
    }
  }
  const found: FoundLink[] = [];
  if (linksLikely) {
    for (const l of links) {
      const url = l.url ?? (l.ref !== undefined ? definitions.get(l.ref)?.url : undefined);
      if (url === undefined) continue;
      // A reference whose definition is internal is cut with it from the public text: it is no link there.
      const def = l.ref !== undefined ? definitions.get(l.ref) : undefined;
      const defInternal = def?.position?.start.offset !== undefined && inside(sections, def.position.start.offset);
      found.push({ url, offset: l.offset, end: l.end, internal: inside(sections, l.offset) || defInternal });
    }
  }
  return { sections, unclosed, malformed, links: found };
}

/**
 * Whether `text` (a value where no section is read: a title, a timeline entry) holds `:::internal` anywhere, or a
 * line meant as one: whoever wrote it expects what follows to be hidden, and it would be published as written.
 */
export function holdsInternalOpening(text: string): boolean {
  return /:{2,}[ \t]*internal/i.test(text) || mayHaveInternal(text);
}

/** An internal section's content range in the source, for a renderer: the section's node is its own. */
export function isInternalSection(node: { type: string; name?: string }): boolean {
  return node.type === 'containerDirective' && node.name === INTERNAL_NAME;
}
