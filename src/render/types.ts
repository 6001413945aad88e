/** The files of a built site. */

/** One file of the built site; `path` is relative to the output folder, forward slashes, no leading slash. */
export interface OutputFile {
  path: string;
  content: string | Uint8Array;
}

/**
 * A file of the site before it is rendered: the build renders it when it writes it, one at a time, so the whole
 * site is never held in memory; and not at all when the previous output has a file of the same path and key.
 */
export interface PendingFile {
  path: string;
  /** Identifies the content: two files with one path and one key have the same bytes. Absent: always rendered. */
  key?: string;
  render(): string | Uint8Array;
}

/** The search index's files, which are known only once indexed (see search-index.ts). */
export interface SearchOutput {
  /** Every file of the search, once indexed. */
  files(): Promise<PendingFile[]>;
  /** The files indexed last, by path (dev serves them while a new index is built); null before the first. */
  current(): ReadonlyMap<string, PendingFile> | null;
}
