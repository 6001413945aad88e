/** `site.yaml`: parse, validate and normalize the site configuration. Pure: takes the file's text. */
import { Rule } from '../core/rules.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SiteConfig } from '../core/model.js';
import type { NotifyTarget } from '../core/notify.js';
import { diagnosticAt, parseYamlFile, spanOf } from '../parse/index.js';
import { CONFIG_FILE } from '../source/index.js';
import { hasError } from '../core/diagnostic.js';
import { siteSchema } from './schema.js';
import { issuesToDiagnostics } from './issues.js';
import { allZoneNames, parseDate, zoneFor } from '../core/time.js';
import { didYouMean } from '../core/suggest.js';
import { checkNotifyTargets } from './notify.js';

/** A validated site.yaml: the site's configuration, and apart from it the notification targets (not part of the site). */
export interface LoadedConfig {
  config: SiteConfig | null;
  /** Empty when there are none or when site.yaml has errors. */
  notify: NotifyTarget[];
  diagnostics: Diagnostic[];
}

export function loadConfig(text: string, file = CONFIG_FILE): LoadedConfig {
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
    try {
      const u = new URL(raw.base_url);
      if (u.search || u.hash) throw new Error('query');
      if (!u.pathname.endsWith('/')) u.pathname += '/';
      baseUrl = u.href;
      basePath = u.pathname;
    } catch {
      diagnostics.push(
        diagnosticAt(parsed, spanOf(parsed, ['base_url']), Rule.InvalidUrl, `base_url must be an absolute http(s) URL without query or fragment, e.g. https://acme.github.io/status/; found "${raw.base_url}"`),
      );
    }
  }
  const notify = checkNotifyTargets(parsed, raw.notify, raw.services.map((s) => s.id));
  diagnostics.push(...notify.diagnostics);
  if (hasError(diagnostics)) return { config: null, notify: [], diagnostics };
  const config: SiteConfig = {
    title: raw.title,
    basePath,
    timezone,
    uptimeDays: raw.uptime_days ?? 90,
    services: raw.services.map((s) => ({ ...s })),
  };
  if (raw.description !== undefined) config.description = raw.description;
  if (baseUrl !== undefined) config.baseUrl = baseUrl;
  return { config, notify: notify.targets, diagnostics };
}
