/** Where a file's frontmatter is, by remark-frontmatter's rules, with a linear line scan. */

/** Where a file's frontmatter is: offsets into the (BOM-stripped) text. */
export interface FrontmatterSpan {
  /** First character of the YAML text (the line after the opening fence). */
  yamlStart: number;
  /** Start of the closing `---` line (the YAML text ends here). */
  closeStart: number;
  /** End of the frontmatter, as remark-frontmatter's node ends: after the closing fence and its trailing blanks. */
  end: number;
  /** First character of the body (after the closing fence's line ending). */
  bodyStart: number;
}

/**
 * Locate the frontmatter by remark-frontmatter's (micromark-extension-frontmatter's) rules: the file starts
 * with `---`, spaces or tabs, and a line ending; it ends at the first following line that is `---` followed
 * only by spaces or tabs up to a line ending or the end of the file. Null when there is no such block.
 * Linear, no regular expression. Verified against remark-frontmatter by a property test.
 */
export function locateFrontmatter(text: string): FrontmatterSpan | null {
  const n = text.length;
  const blanks = (i: number) => {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    return i;
  };
  const eolLength = (i: number) => (text.charCodeAt(i) === 13 ? (text.charCodeAt(i + 1) === 10 ? 2 : 1) : text.charCodeAt(i) === 10 ? 1 : 0);
  if (!text.startsWith('---')) return null;
  const afterOpen = blanks(3);
  const openEol = eolLength(afterOpen);
  if (openEol === 0) return null; // EOF or other characters on the opening line
  const yamlStart = afterOpen + openEol;
  let line = yamlStart;
  for (;;) {
    if (text.startsWith('---', line)) {
      const j = blanks(line + 3);
      if (j >= n || eolLength(j) > 0) return { yamlStart, closeStart: line, end: j, bodyStart: j + eolLength(j) };
    }
    let k = line;
    while (k < n && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) k++;
    if (k >= n) return null; // never closed
    line = k + eolLength(k);
  }
}

