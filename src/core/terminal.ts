/**
 * Text that reaches a terminal or a CI log. Incident files, `site.yaml`, file names and templates come from pull
 * requests, and diagnostics quote them: a quoted value must never act on the terminal (clear it, set its title,
 * write to the clipboard with OSC 52), forge a GitHub workflow command on a line of its own (`::error …`,
 * `::stop-commands::`) or reorder what is shown (bidi overrides, "Trojan Source"). Every output path escapes what
 * it did not write itself with the helpers below, so that such characters show as visible escapes (`\x1b`,
 * `\u202e`) instead.
 */

/**
 * What is never printed as itself: C0 controls (newlines and tabs included), DEL, C1 controls (U+0080–U+009F,
 * where U+009B is a CSI), the bidi marks, embeddings, overrides and isolates (U+061C, U+200E–U+200F,
 * U+202A–U+202E, U+2066–U+2069), the line and paragraph separators (U+2028, U+2029), and the invisible
 * characters that make two different values look the same (U+200B–U+200D, U+2060–U+2064, U+FEFF).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** The same, but for line feeds (text made of several lines, such as a stack trace). */
const UNSAFE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const UNSAFE_CHAR = new RegExp(UNSAFE.source);
/** In JSON text, what `JSON.stringify` leaves raw (it escapes C0 controls itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text with every unsafe character (see UNSAFE) written as a visible escape: `\n`, `\x1b`, `\u202e`. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/** `escapeControls`, keeping line feeds: for text of several lines (a stack trace, a report). */
export function escapeControlsKeepLines(s: string): string {
  return s.replace(UNSAFE_BUT_LF, escapeOne);
}

/**
 * JSON text whose strings hold no unsafe character raw: they are written `\u009b`, `\u202e`, … which parse back
 * to the same values. (Outside strings JSON text is ASCII punctuation and digits, so replacing everywhere is safe.)
 */
export function jsonForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A message for the terminal: the literal parts are ours and printed as written; every interpolated value is
 * escaped (`escapeControls`). `` say`postmortem dev: could not render ${file}: ${message}\n` ``
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += escapeControls(String(values[i])) + strings[i + 1]!;
  return out;
}

/** Columns between tab stops in code frames. */
export const TAB_WIDTH = 4;

/**
 * A source line as a code frame shows it: tabs expanded to the next tab stop, unsafe characters escaped. `columns`
 * (1-based, in UTF-16 code units of `line`, as diagnostics count them) are mapped to where they are shown, so that
 * a caret stays under the character it points at.
 */
export function displayLine(line: string, columns: readonly number[] = []): { text: string; columns: number[] } {
  const at: number[] = new Array(line.length + 1);
  let text = '';
  for (let i = 0; i < line.length; i++) {
    at[i] = text.length;
    const c = line[i]!;
    if (c === '\t') text += ' '.repeat(TAB_WIDTH - (text.length % TAB_WIDTH));
    else text += UNSAFE_CHAR.test(c) ? escapeOne(c) : c;
  }
  at[line.length] = text.length;
  return { text, columns: columns.map((c) => at[Math.max(0, Math.min(line.length, c - 1))]! + 1) };
}
