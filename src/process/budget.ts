/**
 * The per-file time budget. Incident files come from pull requests, and on a few Markdown shapes the upstream
 * parser takes time that grows with the square of their size (see "Guarantees" in the README): a file that runs
 * past its budget is abandoned (its worker thread is terminated and replaced) and reported as `file-too-slow`,
 * and every other file is still processed.
 *
 * Synchronous code on the main thread cannot be interrupted, so only files too small for any known shape to come
 * near the budget are processed there (`inThreadLimit`); larger ones go to a worker thread under the deadline
 * (pool.ts). The limits come from measurements on the 2-core development machine under load (load average
 * about 3.5), through `processSource`:
 *
 * - With the Markdown rendered (`build`, `dev`), the worst known shape is a run of setext headings (`a` / `=`):
 *   about (S / 9.5 KiB)² seconds for S KiB (15.9 KiB: 2.4 s; 31.5 KiB: 10.6 s). Block quotes separated by blank
 *   lines are close behind (39 KiB: 9.8 s); emphasis runs and nested links take about a third of that, one tight
 *   list about a hundredth (its quadratic part is mdast-util-to-hast, not the parser). The limit
 *   6 KiB × √(budget in seconds) is where the worst shape takes 40 % of the budget (a margin for slower
 *   machines) while nearly every real file stays on the main thread: 19 KiB for the default 10 s (95 % of the
 *   benchmark's incidents of 300–3,000 words), 6 KiB for 1 s.
 * - Without it (`check` parses the frontmatter only, never the Markdown body), every known shape is linear; the
 *   slowest is a 1 MB YAML flow sequence, about 2.5 s per MiB. The limit 100 KiB per second of budget is again
 *   a quarter of it: 1,000 KiB for 10 s (nearly every file allowed, 1 MiB at most), 100 KiB for 1 s.
 */
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';

/** Default time one file may take, in ms (`--file-timeout`). */
export const DEFAULT_FILE_TIMEOUT_MS = 10_000;
/** Bounds of `--file-timeout`, in seconds (setTimeout holds at most 2³¹ − 1 ms). */
export const MIN_FILE_TIMEOUT_S = 0.1;
export const MAX_FILE_TIMEOUT_S = 86_400;

/** See above: KiB of Markdown per √second of budget that the main thread may render, and KiB per second it may check. */
const RENDER_KIB_PER_SQRT_SECOND = 6;
const CHECK_KIB_PER_SECOND = 100;

/**
 * Largest file (in bytes, or UTF-16 code units of its text: never more than its bytes) processed on the main
 * thread under a budget of `budgetMs`; `render`: its Markdown is rendered too.
 */
export function inThreadLimit(budgetMs: number, render: boolean): number {
  const seconds = budgetMs / 1000;
  const kib = render ? RENDER_KIB_PER_SQRT_SECOND * Math.sqrt(seconds) : CHECK_KIB_PER_SECOND * seconds;
  return Math.floor(kib * 1024);
}

/** "10 s", "2.5 s", "0.25 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The diagnostic of a file abandoned after `budgetMs` (at 1:1: it concerns the whole file). */
export function fileTooSlow(file: string, budgetMs: number, render: boolean): Diagnostic {
  const limit = formatSeconds(budgetMs);
  return fileDiagnostic(
    file,
    Rule.FileTooSlow,
    render
      ? `processing the file was stopped after ${limit}, the time limit per file: its Markdown likely has a shape that the Markdown parser handles in time growing with the square of its length (thousands of consecutive block quotes, setext headings or list items, or long runs of emphasis markers or brackets)`
      : `checking the file was stopped after ${limit}, the time limit per file: it likely has a shape that the parsers handle in time growing faster than its length (a very long YAML collection)`,
    render
      ? `split very long runs of block quotes, headings or list items into shorter ones separated by paragraphs, or raise --file-timeout (now ${limit})`
      : `shorten the frontmatter's very long lists or mappings, or raise --file-timeout (now ${limit})`,
  );
}
