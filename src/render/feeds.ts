/**
 * Feeds and crawler files: Atom `feed.xml`, JSON Feed 1.1 `feed.json`, one Atom feed per service
 * (`services/<id>/feed.xml`), `maintenance.ics` (RFC 5545), `sitemap.xml` and `robots.txt`.
 * Pure and deterministic: only the model and its `now` go in.
 *
 * Links are absolute under `base_url`; without one they are relative to the file that holds them
 * (so a feed still works wherever the site is served), and ids become `urn:` URIs. So are the addresses of images
 * and links inside the entries' HTML (written for the incident's page; see `rebaseHtml`). The words are those of the
 * site's language; times are shown in its display zone (the feeds' own timestamps stay UTC).
 */

import type { IncidentView, SiteModel } from '../site/index.js';
import type { PendingFile } from './types.js';
import type { SiteConfig } from '../core/model.js';
import { escapeHtml, slugify, toJson, xmlText } from '../core/text.js';
import { isoUtc } from '../core/format.js';
import { siteLocale, type Locale } from '../core/locale.js';
import { rebaseHtml } from '../core/images.js';
import { incidentUpdatedAt } from '../site/index.js';
import { siteUrl } from '../core/url.js';

/** How many incidents the feeds carry (newest first). */
export const FEED_LIMIT = 50;

// ---------------------------------------------------------------------------------------------
// Links and ids

/** Href of a site path from a feed `depth` folders below the root: absolute with a base URL, else relative to the root. */
export function feedHref(config: SiteConfig, path: string, depth: number): string {
  if (config.baseUrl) return config.baseUrl + path;
  return '../'.repeat(depth) + path || './';
}

/** Permanent id of the site (feed id). */
export function siteId(config: SiteConfig): string {
  return config.baseUrl ?? `urn:postmortem:${slugify(config.title, { fallback: 'site' })}`;
}

/** Permanent id of an incident entry. */
export function entryId(config: SiteConfig, incident: IncidentView): string {
  return config.baseUrl ? config.baseUrl + incident.path : `urn:postmortem:${slugify(config.title, { fallback: 'site' })}:incident:${incident.id}`;
}

// ---------------------------------------------------------------------------------------------
// Entry content (HTML, then escaped once more as Atom `type="html"` content)

function serviceNames(model: SiteModel, locale: Locale, incident: IncidentView): string[] {
  const names = new Map(model.config.services.map((s) => [s.id, s.name] as const));
  return incident.services.map((s) => {
    const name = names.get(s.id) ?? s.id;
    return s.impact ? locale.t('card.service_impact', { service: name, impact: locale.t(`impact.${s.impact}`) }) : name;
  });
}

function label(locale: Locale, value: string): string {
  return locale.has(`label.${value}`) ? locale.t(`label.${value}`) : value.replace(/_/g, ' ');
}

/**
 * HTML fragment describing an incident, for feed readers. Every text is escaped; the body HTML is already sanitized.
 * Its relative addresses (written for the incident's page) are made absolute under `base_url`, else relative to a
 * feed `depth` folders below the root (`null`: left relative to the incident's page, for Atom's `xml:base`).
 */
export function entryHtml(model: SiteModel, incident: IncidentView, depth: number | null = null): string {
  const locale = siteLocale(model.config);
  const facts: string[] = [
    locale.t('feed.severity', { severity: locale.has(`severity.${incident.severity}`) ? locale.t(`severity.${incident.severity}`) : incident.severity }),
    locale.t('feed.status', { status: label(locale, incident.status) }),
    locale.t(incident.isMaintenance ? 'feed.scheduled' : 'feed.started', { time: locale.dateTime(incident.started) }),
  ];
  if (incident.resolved !== undefined) facts.push(locale.t(incident.isMaintenance ? 'feed.until' : 'feed.resolved', { time: locale.dateTime(incident.resolved) }));
  if (incident.durationMs !== null && !incident.upcoming) facts.push(locale.t('feed.duration', { duration: locale.duration(incident.durationMs) }));
  facts.push(locale.t('feed.services', { services: locale.list(serviceNames(model, locale, incident), 'unit') }));
  const list = facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('');
  const lang = incident.lang !== locale.language ? ` lang="${escapeHtml(incident.lang)}"` : '';
  const inLang = (markup: string) => (lang && markup ? `<div${lang}>${markup}</div>` : markup);
  const rootCause = incident.rootCauseHtml ? `<h2>${escapeHtml(locale.t('feed.root_cause'))}</h2>${inLang(incident.rootCauseHtml)}` : '';
  const body = inLang(incident.bodyHtml);
  const html = `<p${lang}>${escapeHtml(incident.summary)}</p><ul>${list}</ul>${rootCause}${body}`;
  const { baseUrl } = model.config;
  if (baseUrl) return rebaseHtml(html, incident.path, (sitePath, suffix) => baseUrl + encodeURI(sitePath) + suffix);
  if (depth === null) return html;
  return rebaseHtml(html, incident.path, (sitePath, suffix) => ('../'.repeat(depth) + sitePath || './') + suffix);
}

// ---------------------------------------------------------------------------------------------
// Atom

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n';

function atomEntry(model: SiteModel, incident: IncidentView, depth: number): string {
  const { config, now } = model;
  const href = feedHref(config, incident.path, depth);
  const lines = [
    '  <entry>',
    `    <id>${xmlText(entryId(config, incident))}</id>`,
    `    <title type="text">${xmlText(incident.title)}</title>`,
    `    <link rel="alternate" type="text/html" href="${xmlText(href)}"/>`,
    `    <published>${isoUtc(incident.started)}</published>`,
    `    <updated>${isoUtc(incidentUpdatedAt(incident, now))}</updated>`,
    ...incident.authors.map((a) => `    <author><name>${xmlText(a)}</name></author>`),
    `    <category term="${xmlText(incident.severity)}" label="${xmlText(siteLocale(config).t('feed.severity', { severity: incident.severity }))}"/>`,
    ...incident.tags.map((t) => `    <category term="${xmlText(t)}"/>`),
    `    <summary type="text">${xmlText(incident.summary)}</summary>`,
    `    <content type="html" xml:base="${xmlText(href)}"${incident.lang !== siteLocale(config).language ? ` xml:lang="${xmlText(incident.lang)}"` : ''}>${xmlText(entryHtml(model, incident))}</content>`,
    '  </entry>',
  ];
  return lines.join('\n');
}

/** An Atom 1.0 document for `incidents`, written at `path` (`depth` folders below the root). */
export function renderAtom(
  model: SiteModel,
  incidents: IncidentView[],
  opts: { path: string; title: string; id: string; alternatePath: string; subtitle?: string },
): string {
  const { config, now } = model;
  const depth = opts.path.split('/').length - 1;
  const entries = incidents.slice(0, FEED_LIMIT);
  const updated = entries.reduce((max, i) => Math.max(max, incidentUpdatedAt(i, now)), -Infinity);
  const selfHref = config.baseUrl ? config.baseUrl + opts.path : opts.path.slice(opts.path.lastIndexOf('/') + 1);
  const head = [
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(siteLocale(config).language)}">`,
    `  <id>${xmlText(opts.id)}</id>`,
    `  <title type="text">${xmlText(opts.title)}</title>`,
    ...(opts.subtitle ? [`  <subtitle type="text">${xmlText(opts.subtitle)}</subtitle>`] : []),
    `  <updated>${isoUtc(entries.length ? updated : now)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(selfHref)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feedHref(config, opts.alternatePath, depth))}"/>`,
    `  <author><name>${xmlText(config.title)}</name></author>`,
    '  <generator>postmortem</generator>',
  ];
  return `${XML_DECL}${[...head, ...entries.map((i) => atomEntry(model, i, depth)), '</feed>'].join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// JSON Feed 1.1

/** JSON Feed 1.1 (`feed.json`, at the root). */
export function renderJsonFeed(model: SiteModel): string {
  const { config, now } = model;
  const items = model.incidents.slice(0, FEED_LIMIT).map((incident) => ({
    id: entryId(config, incident),
    url: feedHref(config, incident.path, 0),
    title: incident.title,
    summary: incident.summary,
    content_html: entryHtml(model, incident, 0),
    ...(incident.lang !== siteLocale(config).language ? { language: incident.lang } : {}),
    date_published: isoUtc(incident.started),
    date_modified: isoUtc(incidentUpdatedAt(incident, now)),
    ...(incident.authors.length ? { authors: incident.authors.map((name) => ({ name })) } : {}),
    tags: [incident.severity, ...incident.tags],
  }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: config.title,
    ...(config.baseUrl ? { home_page_url: config.baseUrl, feed_url: `${config.baseUrl}feed.json` } : {}),
    ...(config.description ? { description: config.description } : {}),
    language: siteLocale(config).language,
    authors: [{ name: config.title }],
    items,
  };
  return toJson(feed);
}

// ---------------------------------------------------------------------------------------------
// iCalendar (RFC 5545)

/** `20200529T162100Z` */
export function icsDate(ms: number): string {
  return isoUtc(ms).replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Escape a TEXT value: backslash, semicolon, comma, newline (CR dropped). */
export function icsText(s: string): string {
  return stripControls(s)
    .replace(/\r\n?/g, '\n')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

function stripControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Fold a content line at 75 octets (never inside a UTF-8 sequence); continuation lines start with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74; // the leading space counts
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function maintenanceEvent(model: SiteModel, m: IncidentView): string[] {
  const { config, now } = model;
  const url = config.baseUrl ? config.baseUrl + m.path : null;
  const locale = siteLocale(config);
  const description = [m.summary, '', locale.t('feed.status', { status: label(locale, m.status) }), locale.t('feed.services', { services: locale.list(serviceNames(model, locale, m), 'unit') })];
  if (url) description.push(url);
  return [
    'BEGIN:VEVENT',
    `UID:${icsText(url ?? `${m.id}@${slugify(config.title, { fallback: 'site' })}.postmortem.invalid`)}`,
    `DTSTAMP:${icsDate(now)}`,
    `DTSTART:${icsDate(m.started)}`,
    ...(m.resolved !== undefined ? [`DTEND:${icsDate(m.resolved)}`] : []),
    `SUMMARY:${icsText(m.title)}`,
    `DESCRIPTION:${icsText(description.join('\n'))}`,
    ...(url ? [`URL:${url}`] : []),
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'CATEGORIES:Maintenance',
    'END:VEVENT',
  ];
}

/** `maintenance.ics`: every published maintenance (past, active, upcoming), oldest first. */
export function renderIcs(model: SiteModel): string {
  const maintenance = model.incidents
    .filter((i) => i.isMaintenance)
    .sort((a, b) => a.started - b.started || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//postmortem//Status Page Maintenance//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(siteLocale(model.config).t('feed.calendar', { site: model.config.title }))}`,
    ...maintenance.flatMap((m) => maintenanceEvent(model, m)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// sitemap.xml and robots.txt

/** `incidents/x/index.html` → `incidents/x/`; `index.html` → ``; `404.html` → null (not a page to index). */
export function pageUrlPath(path: string): string | null {
  const p = path.replace(/^\/+/, '');
  if (p === '404.html' || p.endsWith('/404.html')) return null;
  if (p === 'index.html') return '';
  if (p.endsWith('/index.html')) return p.slice(0, -'index.html'.length);
  return p;
}

/**
 * `sitemap.xml` for the given page paths (sorted, duplicates dropped). Locations are absolute under
 * `base_url`; without it they are root-relative under the base path (the sitemap protocol wants
 * absolute URLs, so configure `base_url` for search engines). Incident pages carry `lastmod`.
 */
export function renderSitemap(model: SiteModel, pagePaths: string[]): string {
  const paths = [...new Set(pagePaths.map(pageUrlPath).filter((p): p is string => p !== null))].sort();
  const lastmod = new Map(model.incidents.map((i) => [i.path, Math.min(incidentUpdatedAt(i, model.now), model.now)] as const));
  const urls = paths.map((p) => {
    const mod = lastmod.get(p);
    const modXml = mod === undefined ? '' : `<lastmod>${isoUtc(mod)}</lastmod>`;
    return `  <url><loc>${xmlText(siteUrl(model.config, p))}</loc>${modXml}</url>`;
  });
  return `${XML_DECL}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `${u}\n`).join('')}</urlset>\n`;
}

/**
 * `robots.txt`: allow everything; name the sitemap when its absolute address is known. The internal site (issue 15)
 * asks every robot to keep out, wherever it is put.
 */
export function renderRobots(config: SiteConfig): string {
  if (config.audience === 'internal') return 'User-agent: *\nDisallow: /\n';
  const lines = ['User-agent: *', 'Allow: /'];
  if (config.baseUrl) lines.push('', `Sitemap: ${config.baseUrl}sitemap.xml`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

/**
 * Every feed file, not rendered yet. Feeds carry the newest 50 published incidents, maintenance included
 * (readers subscribe to planned work too); each entry says its severity as a category. `pagePaths` lists the
 * site's pages, for the sitemap.
 */
export function feedFiles(model: SiteModel, pagePaths: () => string[]): PendingFile[] {
  const { config } = model;
  const files: PendingFile[] = [
    {
      path: 'feed.xml',
      render: () => renderAtom(model, model.incidents, { path: 'feed.xml', title: config.title, id: siteId(config), alternatePath: '', subtitle: config.description }),
    },
    { path: 'feed.json', render: () => renderJsonFeed(model) },
  ];
  for (const service of model.services) {
    const path = `services/${service.id}/feed.xml`;
    const id = config.baseUrl ? `${config.baseUrl}services/${service.id}/` : `urn:postmortem:${slugify(config.title, { fallback: 'site' })}:service:${service.id}`;
    const incidents = () => service.incidentIds.map((i) => model.byId.get(i)).filter((i): i is IncidentView => i !== undefined);
    const opts = { path, title: siteLocale(config).t('feed.service_title', { service: service.name, site: config.title }), id, alternatePath: `services/${service.id}/`, subtitle: service.description };
    files.push({ path, render: () => renderAtom(model, incidents(), opts) });
  }
  files.push({ path: 'maintenance.ics', render: () => renderIcs(model) });
  files.push({ path: 'sitemap.xml', render: () => renderSitemap(model, pagePaths()) });
  files.push({ path: 'robots.txt', render: () => renderRobots(config) });
  return files;
}
