/** Text helpers shared by every output: escaping for HTML and XML, JSON, slugs, plurals. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML and XML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Remove what XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF), so that a feed or SVG stays well-formed whatever an incident file holds.
 */
export function stripInvalidXmlChars(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Escape text for XML content and attributes, dropping characters XML 1.0 forbids. */
export function xmlText(s: string): string {
  return escapeHtml(stripInvalidXmlChars(s));
}

/**
 * 2-space indented JSON (`indent` 0: on one line, for files only programs read) plus a newline. `<` is written
 * `\u003c` (same value once parsed) so that no `</script>` or markup appears literally even if a file is sniffed or
 * inlined as HTML.
 */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, null, indent).replace(/</g, '\\u003c')}\n`;
}

/**
 * A slug of any text: lowercase ASCII letters and digits separated by single hyphens (accents dropped), at most
 * `max` characters; `fallback` when nothing is left.
 */
export function slugify(text: string, opts: { max?: number; fallback?: string } = {}): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = opts.max === undefined ? s : s.slice(0, opts.max).replace(/-+$/, '');
  return cut || (opts.fallback ?? '');
}

/** `1 file`, `3 files`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
