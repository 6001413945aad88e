/**
 * The incident's text as readers get it: the language it is written in, and its images (every image that names a
 * file must name one of the project's, under incidents/ or static/, and say what it shows). Whether the file is
 * there is asked by project/, at every build: the file may come and go without the incident changing.
 */
import type { ImageRef, InternalParts, TextRange } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { canonicalLanguage } from '../core/strings.js';
import { imagePlace } from '../core/images.js';
import { diagnosticAt, findImages, spanOf, type Span } from '../parse/index.js';
import type { Checker } from './checker.js';

/** The incident's own `language`, canonical; undefined when absent or invalid (reported). */
export function readLanguage(c: Checker): string | undefined {
  const value = c.raw.language;
  if (value === undefined) return undefined;
  const tag = canonicalLanguage(value);
  if (tag === null) c.flag(['language'], Rule.InvalidFormat, `language must be a language tag such as en, de, pt-BR or zh-Hant; found "${value}"`);
  return tag ?? undefined;
}

const within = (ranges: readonly TextRange[] | undefined, offset: number) => (ranges ?? []).some(([s, e]) => offset >= s && offset < e);

/**
 * Every image of the body, the root cause and the timeline that names a file (addresses with a scheme aside); those
 * of internal parts (a `:::internal` section, an internal timeline entry) are marked internal.
 */
export function readImages(c: Checker, parts: InternalParts = {}): ImageRef[] {
  const refs: ImageRef[] = [];
  const doc = c.doc;
  const take = (markdown: string, locate: (offset: number, url: string) => number, exact: boolean, internal: (offset: number) => boolean) => {
    for (const img of findImages(markdown)) {
      const place = imagePlace(doc.file, img.url);
      if (place.kind === 'external') continue;
      const at = locate(img.offset, img.url);
      const span: Span = { start: at, end: exact ? at + img.end - img.offset : at + 2 };
      if (!img.alt.trim()) {
        c.out.push(diagnosticAt(doc, span, Rule.ImageAltMissing, `the image "${img.url}" has no alternative text; readers who cannot see it learn nothing from it`, `describe it: ![what the picture shows](${img.url})`));
      }
      if (place.kind === 'outside') {
        const where = place.file === null ? 'leaves the project' : `names ${place.file}, outside incidents/ and static/`;
        c.out.push(diagnosticAt(doc, span, Rule.ImageOutside, `the image "${img.url}" ${where}; expected a file next to the incident (e.g. "diagram.svg") or in static/ (e.g. "/img/diagram.svg")`));
        continue;
      }
      const { line, column } = doc.lines.position(at);
      const end = doc.lines.position(span.end);
      refs.push({ url: img.url, file: place.file, sitePath: place.sitePath, line, column, ...(end.line === line && end.column > column ? { endColumn: end.column } : {}), ...(internal(img.offset) ? { internal: true as const } : {}) });
    }
  };
  take(doc.body, (offset) => doc.bodyOffset + offset, true, (offset) => within(parts.body, offset));
  // Markdown in frontmatter strings: point at the address where it is found in the value's source, else at the value.
  const inValue = (path: readonly PropertyKey[]) => (_offset: number, url: string) => {
    const start = spanOf(doc, path).start;
    const found = doc.text.indexOf(url, start);
    const image = found >= 0 ? doc.text.lastIndexOf('![', found) : -1;
    return image >= start ? image : start;
  };
  if (typeof c.raw.root_cause === 'string') take(c.raw.root_cause, inValue(['root_cause']), false, (offset) => within(parts.rootCause, offset));
  (c.raw.timeline ?? []).forEach((entry, i) => {
    if (entry && typeof entry.text === 'string') take(entry.text, inValue(['timeline', i, 'text']), false, () => entry.internal === true);
  });
  return refs;
}
