/** Deterministic orderings: code-unit order, never the locale's. */

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Files of the site by path. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return compareStrings(a.path, b.path);
}
