/**
 * The string catalogues: every word the pages, feeds and badges show, one catalogue per language.
 *
 * - The package ships `locales/<language>.json` (en, de, fr, es, ja): flat keys (`nav.history`) to a message.
 * - A message is a string with `{name}` placeholders, or plural forms chosen by `Intl.PluralRules` from the
 *   `count` parameter: `{ "one": "{count} incident", "other": "{count} incidents" }` (CLDR categories).
 * - A project may add a language or override any string with `locales/<tag>.json|yaml|yml` of its own
 *   (validated by validate/strings.ts).
 * - A key missing from a language falls back along its chain: `de-AT` → `de` → `en` (project file before built-in at
 *   each step). English is complete by definition: a key English lacks is a template's mistake, not a gap.
 *
 * Two keys are not shown: `meta.name` (the language's own name) and `meta.intl_locale` (the locale given to `Intl`
 * for dates, numbers, lists and plural rules when it differs from the tag: English formats dates as en-GB does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];
export type PluralMessage = { [K in PluralCategory]?: string } & { other: string };
export type Message = string | PluralMessage;
export type Messages = Readonly<Record<string, Message>>;

/** The language of a site that says none, and the catalogue every other falls back to. */
export const DEFAULT_LANGUAGE = 'en';
/** Keys that describe a catalogue rather than hold a string shown to readers. */
export const META_KEYS = ['meta.name', 'meta.intl_locale'] as const;
/** `locales/` of this package. */
export const BUILTIN_LOCALES_DIR = path.join(PACKAGE_ROOT, 'locales');

let builtins: Map<string, Messages> | undefined;

/** The package's catalogues by language tag, read once. */
export function builtinCatalogues(): ReadonlyMap<string, Messages> {
  if (!builtins) {
    builtins = new Map();
    for (const name of readdirSync(BUILTIN_LOCALES_DIR).sort()) {
      if (!name.endsWith('.json')) continue;
      builtins.set(name.slice(0, -5), JSON.parse(readFileSync(path.join(BUILTIN_LOCALES_DIR, name), 'utf8')) as Messages);
    }
  }
  return builtins;
}

/** The English catalogue: every key a built-in template uses. */
export function englishMessages(): Messages {
  return builtinCatalogues().get(DEFAULT_LANGUAGE)!;
}

/** The canonical form of a BCP 47 language tag (`DE-at` → `de-AT`), or null when it is not one. */
export function canonicalLanguage(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** A tag and its parents, most specific first, without English: `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`. */
export function languageChain(tag: string): string[] {
  const parts = tag.split('-');
  const chain: string[] = [];
  for (let n = parts.length; n > 0; n--) {
    // A trailing one-letter subtag (an extension singleton such as `-u`) is not a language of its own.
    if (parts[n - 1]!.length === 1) continue;
    chain.push(parts.slice(0, n).join('-'));
  }
  return chain;
}

/** Placeholder names of a message (`{count}`, `{time}`), over all its plural forms. */
export function placeholdersOf(message: Message): Set<string> {
  const names = new Set<string>();
  for (const text of typeof message === 'string' ? [message] : Object.values(message)) {
    for (const m of String(text).matchAll(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g)) names.add(m[1]!);
  }
  return names;
}

/** Whether a value has the shape of a message. */
export function isMessage(value: unknown): value is Message {
  if (typeof value === 'string') return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value as Record<string, unknown>);
  return typeof (value as { other?: unknown }).other === 'string' && entries.every(([k, v]) => (PLURAL_CATEGORIES as readonly string[]).includes(k) && typeof v === 'string');
}

/**
 * The catalogues one language reads, in the order a key is looked up: for each tag of the chain the project's
 * file, then the package's; English last. `project` maps canonical tags to the project's messages.
 */
export function catalogueChain(language: string, project: Readonly<Record<string, Messages>> = {}): Messages[] {
  const chain: Messages[] = [];
  const tags = [...languageChain(language).filter((t) => t !== DEFAULT_LANGUAGE), DEFAULT_LANGUAGE];
  for (const tag of tags) {
    const own = project[tag];
    if (own) chain.push(own);
    const builtin = builtinCatalogues().get(tag);
    if (builtin) chain.push(builtin);
  }
  return chain;
}

/** Whether a language has any catalogue of its own (built-in or the project's), its parents included, English aside. */
export function hasCatalogue(language: string, project: Readonly<Record<string, Messages>> = {}): boolean {
  if (languageChain(language).includes(DEFAULT_LANGUAGE)) return true;
  return languageChain(language).some((t) => project[t] !== undefined || builtinCatalogues().has(t));
}

/**
 * Keys of the English catalogue that a language does not have before falling back to English (meta keys aside):
 * what `check` reports as missing.
 */
export function missingKeys(language: string, project: Readonly<Record<string, Messages>> = {}): string[] {
  if (languageChain(language)[languageChain(language).length - 1] === DEFAULT_LANGUAGE) return [];
  const own = catalogueChain(language, project).slice(0, -catalogueChain(DEFAULT_LANGUAGE, project).length);
  const english = englishMessages();
  return Object.keys(english).filter((k) => !(META_KEYS as readonly string[]).includes(k) && !own.some((m) => Object.hasOwn(m, k)));
}
