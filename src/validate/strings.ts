/**
 * A project's own strings: `locales/<tag>.json|yaml|yml`, each a mapping of keys to messages over the package's
 * catalogue of that language (or a language of its own). Every problem is located at its file, line and column;
 * a file with errors is not used (the package's strings are), so nothing half-read reaches a page.
 */
import { fileDiagnostic, hasError, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { canonicalLanguage, englishMessages, META_KEYS, PLURAL_CATEGORIES, placeholdersOf, type Message, type Messages } from '../core/strings.js';
import { didYouMean } from '../core/suggest.js';
import { diagnosticAt, parseYamlFile, spanOf } from '../parse/index.js';

/** A strings file of the project, as read. */
export interface LocaleFile {
  /** Relative to the root: `locales/de.yaml`. */
  file: string;
  text: string;
}

const EXTENSION = /\.(json|ya?ml)$/i;

/** The language tag a strings file is named for (`locales/pt-BR.yaml` → `pt-BR`), or null when the name is not one. */
export function localeFileLanguage(file: string): string | null {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(EXTENSION, '');
  return canonicalLanguage(base);
}

/** Validate the project's strings files: their messages by canonical language tag, and diagnostics. */
export function loadStrings(files: readonly LocaleFile[]): { strings: Record<string, Messages>; diagnostics: Diagnostic[] } {
  const strings: Record<string, Messages> = {};
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const tag = localeFileLanguage(f.file);
    if (tag === null) {
      diagnostics.push(fileDiagnostic(f.file, Rule.InvalidFilename, `the name of a strings file must be a language tag such as de, pt-BR or zh-Hant; found "${f.file}"`, 'rename it locales/<language>.yaml'));
      continue;
    }
    const other = seen.get(tag);
    if (other !== undefined) {
      diagnostics.push(fileDiagnostic(f.file, Rule.DuplicateId, `${other} already holds the strings of "${tag}"; expected one file per language`, 'merge the two files'));
      continue;
    }
    seen.set(tag, f.file);
    const { messages, diagnostics: own } = readStringsFile(f);
    diagnostics.push(...own);
    if (messages && !hasError(own)) strings[tag] = messages;
  }
  return { strings, diagnostics };
}

function readStringsFile(f: LocaleFile): { messages: Messages | null; diagnostics: Diagnostic[] } {
  const parsed = parseYamlFile(f.file, f.text);
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.length) return { messages: null, diagnostics };
  const data = parsed.data;
  if (data === null || data === undefined) return { messages: {}, diagnostics };
  if (typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push(diagnosticAt(parsed, { start: 0, end: 0 }, Rule.InvalidType, `${f.file} must be a mapping of string keys to texts, e.g. "nav.status: Zustand"`));
    return { messages: null, diagnostics };
  }
  const english = englishMessages();
  const known = Object.keys(english);
  const messages: Record<string, Message> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const at = (which: 'key' | 'value' = 'value') => spanOf(parsed, [key], which);
    if (!isMessageShape(value)) {
      diagnostics.push(diagnosticAt(parsed, at(), Rule.InvalidType, `"${key}" must be a text, or plural forms such as {one: "…", other: "…"}; found ${describe(value)}`));
      continue;
    }
    if (typeof value === 'object' && value !== null) {
      const bad = Object.keys(value).find((c) => !(PLURAL_CATEGORIES as readonly string[]).includes(c));
      if (bad !== undefined) {
        diagnostics.push(diagnosticAt(parsed, spanOf(parsed, [key, bad], 'key'), Rule.InvalidEnum, `plural form "${bad}" of "${key}" must be one of ${PLURAL_CATEGORIES.join(', ')}`, didYouMean(bad, PLURAL_CATEGORIES)));
        continue;
      }
      if (typeof (value as { other?: unknown }).other !== 'string') {
        diagnostics.push(diagnosticAt(parsed, at(), Rule.MissingKey, `the plural forms of "${key}" need "other", the form used for any count the others do not cover`));
        continue;
      }
      const notText = Object.entries(value).find(([, v]) => typeof v !== 'string');
      if (notText) {
        diagnostics.push(diagnosticAt(parsed, spanOf(parsed, [key, notText[0]]), Rule.InvalidType, `plural form "${notText[0]}" of "${key}" must be a text; found ${describe(notText[1])}`));
        continue;
      }
    }
    const message = value as Message;
    if (key === 'meta.intl_locale' && (typeof message !== 'string' || canonicalLanguage(message) === null)) {
      diagnostics.push(diagnosticAt(parsed, at(), Rule.InvalidFormat, `"meta.intl_locale" must be a language tag such as de-CH; found ${describe(message)}`));
      continue;
    }
    const reference = english[key];
    if (reference === undefined) {
      if (!(META_KEYS as readonly string[]).includes(key)) {
        diagnostics.push(diagnosticAt(parsed, at('key'), Rule.UnknownString, `"${key}" is not a string of the built-in templates; it is kept for templates of your own`, didYouMean(key, known)));
      }
    } else {
      const allowed = placeholdersOf(reference);
      const unknown = [...placeholdersOf(message)].filter((p) => !allowed.has(p));
      if (unknown.length) {
        const list = allowed.size ? [...allowed].map((p) => `{${p}}`).join(', ') : 'none';
        diagnostics.push(diagnosticAt(parsed, at(), Rule.InvalidValue, `"${key}" uses ${unknown.map((p) => `{${p}}`).join(', ')}, which the pages never fill in; its placeholders are ${list}`, didYouMean(unknown[0]!, [...allowed])));
        continue;
      }
    }
    messages[key] = message;
  }
  return { messages, diagnostics };
}

function isMessageShape(value: unknown): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object' && !Array.isArray(value));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
