/** `site.yaml`: parse, validate and normalize the site configuration. Pure: takes the file's text. */
import { Rule } from '../core/rules.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { InternalSettings, SiteConfig } from '../core/model.js';
import type { NotifyTarget } from '../core/notify.js';
import { diagnosticAt, OUTPUT_LIMITS, parseYamlFile, spanOf, type ParsedYaml } from '../parse/index.js';
import { CACHE_DIR, CONFIG_FILE, INCIDENTS_DIR, LOCALES_DIR, STATIC_DIR, TEMPLATES_DIR } from '../source/index.js';
import { hasError } from '../core/diagnostic.js';
import { siteSchema } from './schema.js';
import { issuesToDiagnostics } from './issues.js';
import { allZoneNames, parseDate, zoneFor } from '../core/time.js';
import { didYouMean } from '../core/suggest.js';
import { canonicalLanguage, DEFAULT_LANGUAGE, hasCatalogue, missingKeys, builtinCatalogues } from '../core/strings.js';
import { loadStrings, type LocaleFile } from './strings.js';
import { checkNotifyTargets } from './notify.js';

/**
 * base_url (of site.yaml, or `--base-url`), normalized to end with `/`, and its path, under which every page is
 * served and linked. Its path must be plain folders: `https://status.example.com//evil.example/` has the path
 * `//evil.example/`, which a browser reads as another host (a link in 404.html, `dev`'s redirect from `/`).
 */
export function readBaseUrl(value: string): { ok: true; baseUrl: string; basePath: string } | { ok: false; problem: string } {
  const expected = 'must be an absolute http(s) URL without query or fragment, e.g. https://acme.github.io/status/';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { ok: false, problem: `${expected}; found "${value}"` };
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash || /\s/.test(value)) return { ok: false, problem: `${expected}; found "${value}"` };
  if (u.username || u.password) return { ok: false, problem: `must not carry a user name or password (it is published in every feed); found "${value}"` };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  if (u.pathname.includes('//') || /%(?:2f|5c)/i.test(u.pathname) || value.slice(u.protocol.length + 2).includes('\\')) {
    return { ok: false, problem: `must have a path of plain folders (no empty folder "//", no encoded or back slash); found "${value}"` };
  }
  return { ok: true, baseUrl: u.href, basePath: u.pathname };
}

/**
 * The services a site may list: each has a page, a feed and a badge, and an uptime bar of `uptime_days` days on
 * the status page and in the API, so their count and their days together bound the size of those files.
 */
function serviceLimits(parsed: ParsedYaml, count: number, days: number | undefined): Diagnostic[] {
  const { maxServices, maxServiceDays } = OUTPUT_LIMITS;
  if (count > maxServices) {
    return [diagnosticAt(parsed, spanOf(parsed, ['services'], 'key'), Rule.TooManyServices, `site.yaml lists ${count.toLocaleString('en-US')} services; expected at most ${maxServices.toLocaleString('en-US')}`, 'group small services into one')];
  }
  const total = count * (days ?? 90);
  if (total > maxServiceDays) {
    const at = days !== undefined ? ['uptime_days'] : ['services'];
    return [
      diagnosticAt(parsed, spanOf(parsed, at, 'key'), Rule.TooManyServices, `${count.toLocaleString('en-US')} services × ${days ?? 90} days of uptime make ${total.toLocaleString('en-US')} days of uptime bars (on the status page and in the API); expected at most ${maxServiceDays.toLocaleString('en-US')}`, `shorten uptime_days to at most ${Math.floor(maxServiceDays / count)}, or group small services into one`),
    ];
  }
  return [];
}

/** A validated site.yaml: the site's configuration, and apart from it the notification targets (not part of the site). */
export interface LoadedConfig {
  config: SiteConfig | null;
  /** Empty when there are none or when site.yaml has errors. */
  notify: NotifyTarget[];
  diagnostics: Diagnostic[];
}

/**
 * Validate site.yaml (and the project's strings files, `locales/`, which its `language` reads). Pure: takes the
 * files' texts.
 */
export function loadConfig(text: string, file = CONFIG_FILE, locales: readonly LocaleFile[] = []): LoadedConfig {
  const parsed = parseYamlFile(file, text);
  const diagnostics = [...parsed.diagnostics];
  if (parsed.diagnostics.length > 0) return { config: null, notify: [], diagnostics };
  if (parsed.data === null || typeof parsed.data !== 'object' || Array.isArray(parsed.data)) {
    diagnostics.push(
      diagnosticAt(parsed, { start: 0, end: 0 }, Rule.InvalidType, `${file} must be a mapping of keys (title, services, …); found ${parsed.data === null || parsed.data === undefined ? 'an empty file' : 'something else'}`),
    );
    return { config: null, notify: [], diagnostics };
  }
  const result = siteSchema.safeParse(parsed.data);
  if (!result.success) {
    diagnostics.push(...issuesToDiagnostics(parsed, parsed.data, result.error.issues, 'site'));
    return { config: null, notify: [], diagnostics };
  }
  const raw = result.data;
  const timezone = raw.timezone ?? 'UTC';
  if (!zoneFor(timezone)) {
    diagnostics.push(
      diagnosticAt(parsed, spanOf(parsed, ['timezone']), Rule.UnknownTimezone, `timezone must be an IANA time zone name such as "Europe/Paris"; found "${timezone}"`, didYouMean(timezone, allZoneNames())),
    );
  }
  diagnostics.push(...serviceLimits(parsed, raw.services.length, raw.uptime_days));
  const seen = new Map<string, number>();
  raw.services.forEach((s, i) => {
    const first = seen.get(s.id);
    if (first !== undefined) {
      diagnostics.push(
        diagnosticAt(parsed, spanOf(parsed, ['services', i, 'id']), Rule.DuplicateService, `service id "${s.id}" is already used by services[${first}]; expected every id once`),
      );
    } else seen.set(s.id, i);
    if (s.since !== undefined) {
      const d = parseDate(s.since);
      if (!d.ok) diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['services', i, 'since']), d.rule, `services[${i}].since: ${d.message}`));
    }
  });
  let baseUrl: string | undefined;
  let basePath = '/';
  if (raw.base_url !== undefined) {
    const read = readBaseUrl(raw.base_url);
    if (read.ok) ({ baseUrl, basePath } = read);
    else diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['base_url']), Rule.InvalidUrl, `base_url ${read.problem}`));
  }
  const internal = readInternal(parsed, raw.internal, baseUrl);
  diagnostics.push(...internal.diagnostics);
  const notify = checkNotifyTargets(parsed, raw.notify, raw.services.map((s) => s.id));
  diagnostics.push(...notify.diagnostics);
  const reader = readerSettings(parsed, raw, locales);
  diagnostics.push(...reader.diagnostics);
  if (hasError(diagnostics)) return { config: null, notify: [], diagnostics };
  const config: SiteConfig = {
    title: raw.title,
    basePath,
    timezone,
    uptimeDays: raw.uptime_days ?? 90,
    services: raw.services.map((s) => ({ ...s })),
    ...reader.settings,
  };
  if (raw.description !== undefined) config.description = raw.description;
  if (baseUrl !== undefined) config.baseUrl = baseUrl;
  if (internal.settings) config.internal = internal.settings;
  return { config, notify: notify.targets, diagnostics };
}

/** The default output folder of the internal site (`internal.output`), beside the public site's `dist`. */
export const INTERNAL_OUTPUT = 'dist-internal';
const INPUTS = [INCIDENTS_DIR, STATIC_DIR, TEMPLATES_DIR, LOCALES_DIR, CONFIG_FILE, 'dist'];

/**
 * Why an `internal.output` cannot be the internal site's folder (site.yaml comes from pull requests: its folder
 * must be one of the project's own, never an input, a hidden folder or the public site's `dist`), or null.
 */
export function outputProblem(value: string): string | null {
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return 'must be a plain relative path (no backslash or control character)';
  if (value.startsWith('/') || /^[a-zA-Z]:/.test(value)) return 'must be relative to the project (the folder of site.yaml), not absolute';
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return 'must name a folder of its own, not the project itself';
  if (parts.includes('..')) return 'must stay inside the project (no "..")';
  if (parts.some((p) => p.startsWith('.'))) return `must not be in a hidden folder (${CACHE_DIR.split('/')[0]}, .git, …)`;
  if (INPUTS.includes(parts[0]!)) return parts[0] === 'dist' ? 'must not be dist/ or inside it, the public site\'s folder: the internal site would be published with it' : `must not be ${parts[0]}/ or inside it: an input of the site`;
  return null;
}

/** site.yaml's `internal:`: the internal site's address and folder, checked; what else the public site leaves out. */
function readInternal(parsed: ParsedYaml, raw: { base_url?: string; output?: string; action_owners?: 'public' | 'internal' } | undefined, publicUrl: string | undefined): { settings?: InternalSettings; diagnostics: Diagnostic[] } {
  if (raw === undefined) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const settings: InternalSettings = { basePath: '/', actionOwners: raw.action_owners ?? 'public' };
  if (raw.base_url !== undefined) {
    const read = readBaseUrl(raw.base_url);
    if (!read.ok) diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['internal', 'base_url']), Rule.InvalidUrl, `internal.base_url ${read.problem}`));
    else if (read.baseUrl === publicUrl) diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['internal', 'base_url']), Rule.InvalidValue, `internal.base_url is base_url, the public site's address: the internal site would be published where customers read it`, 'give the internal site an address of its own, on an access-controlled host'));
    else Object.assign(settings, { baseUrl: read.baseUrl, basePath: read.basePath });
  }
  if (raw.output !== undefined) {
    const problem = outputProblem(raw.output);
    if (problem) diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['internal', 'output']), Rule.InvalidValue, `internal.output ${problem}; found "${raw.output}"`, `e.g. ${INTERNAL_OUTPUT}`));
    else settings.output = raw.output.split('/').filter((p) => p !== '' && p !== '.').join('/');
  }
  return { settings, diagnostics };
}

type ReaderSettings = Required<Pick<SiteConfig, 'language' | 'contentLanguage' | 'displayTimezone' | 'clock' | 'strings'>>;

/** The reader's locale of site.yaml: `language` (with the project's strings), `content_language`, `display_timezone`, `clock`. */
function readerSettings(
  parsed: ParsedYaml,
  raw: { language?: string; content_language?: string; display_timezone?: string; clock?: '24h' | '12h' },
  locales: readonly LocaleFile[],
): { settings: ReaderSettings; diagnostics: Diagnostic[] } {
  const { strings, diagnostics } = loadStrings(locales);
  const tag = (key: 'language' | 'content_language', value: string | undefined): string | null => {
    if (value === undefined) return null;
    const canonical = canonicalLanguage(value);
    if (canonical === null) {
      diagnostics.push(diagnosticAt(parsed, spanOf(parsed, [key]), Rule.InvalidFormat, `${key} must be a language tag such as en, de, pt-BR or zh-Hant; found "${value}"`));
    }
    return canonical;
  };
  const language = tag('language', raw.language) ?? DEFAULT_LANGUAGE;
  const contentLanguage = tag('content_language', raw.content_language) ?? language;
  const where = spanOf(parsed, ['language']);
  const languages = [...new Set([...builtinCatalogues().keys(), ...Object.keys(strings)])].sort();
  if (raw.language !== undefined && canonicalLanguage(raw.language) !== null && !hasCatalogue(language, strings)) {
    diagnostics.push(
      diagnosticAt(parsed, where, Rule.UnknownLanguage, `no strings for language "${language}"; the languages at hand are ${languages.join(', ')}`, didYouMean(language, languages) ?? `add locales/${language}.yaml with its strings (English is the model: locales/en.json of postmortem)`),
    );
  } else {
    const missing = missingKeys(language, strings);
    if (missing.length) {
      const shown = missing.slice(0, 8).join(', ') + (missing.length > 8 ? `, and ${missing.length - 8} more` : '');
      diagnostics.push(diagnosticAt(parsed, where, Rule.MissingStrings, `${missing.length} ${missing.length === 1 ? 'string has' : 'strings have'} no text in "${language}" and ${missing.length === 1 ? 'is' : 'are'} shown in English: ${shown}`, `add ${missing.length === 1 ? 'it' : 'them'} to locales/${language}.yaml`));
    }
  }
  const displayTimezone = raw.display_timezone ?? 'UTC';
  if (!zoneFor(displayTimezone)) {
    diagnostics.push(
      diagnosticAt(parsed, spanOf(parsed, ['display_timezone']), Rule.UnknownTimezone, `display_timezone must be an IANA time zone name such as "Europe/Berlin"; found "${displayTimezone}"`, didYouMean(displayTimezone, allZoneNames())),
    );
  }
  return { settings: { language, contentLanguage, displayTimezone, clock: raw.clock ?? '24h', strings }, diagnostics };
}
