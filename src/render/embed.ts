/**
 * `embed/index.html`: the status in a page meant for an `<iframe>` on another site, for hosts that would rather not
 * run a script (the widget, `assets/widget.js`, is the other way). Complete without JavaScript: the overall status
 * and each active incident or maintenance, linking to its page in a new tab; its stylesheet (`assets/embed.css`)
 * follows the reader's colour scheme.
 * Rendered on every build (it shows what is going on now); kept out of the sitemap (noindex).
 */
import { createHash } from 'node:crypto';
import { escapeHtml, isoUtc } from '../core/index.js';
import { html, type Locale } from '../core/locale.js';
import type { IncidentView, SiteModel } from '../site/index.js';
import { derive } from './helpers.js';
import type { PendingFile } from './types.js';
import type { Renderer } from './renderer.js';

export const EMBED_PATH = 'embed/index.html';
const EMBED_CSS = 'assets/embed.css';

/** The stylesheet (a template asset, which a project may override), with a version for caches. */
function stylesheet(renderer: Renderer, model: SiteModel): string {
  const css = renderer.file(model, EMBED_CSS)?.render() ?? '';
  return `../${EMBED_CSS}?v=${createHash('sha256').update(css).digest('hex').slice(0, 10)}`;
}

function item(inc: IncidentView, locale: Locale): string {
  const key = `label.${inc.status}`;
  const status = locale.has(key) ? locale.t(key) : inc.status;
  return `<li><a href="../${escapeHtml(inc.path)}" rel="noopener">${escapeHtml(inc.title)}</a> <span class="mu">${escapeHtml(status)}</span></li>`;
}

export function embedPage(model: SiteModel, css: string): string {
  const active = [...model.active, ...model.maintenanceActive];
  const locale = derive(model).locale;
  const { indicator, status } = model.overall;
  const description = locale.t(`banner.${status}`);
  const title = model.config.title;
  const list = active.length ? `<ul>${active.map((inc) => item(inc, locale)).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="${escapeHtml(locale.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'">
<meta name="robots" content="noindex">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${escapeHtml(`${description} · ${title}`)}</title>
<base target="_blank">
<link rel="stylesheet" href="${escapeHtml(css)}">
</head>
<body>
<main class="${escapeHtml(indicator === 'none' ? 'ok' : indicator)}">
<h1><a href="../" rel="noopener">${escapeHtml(description)}</a></h1>
${list}<p class="mu">${locale.th('embed.updated', { site: html(`<a href="../" rel="noopener">${escapeHtml(title)}</a>`), time: html(`<time datetime="${isoUtc(model.now)}">${escapeHtml(locale.dateTime(model.now))}</time>`) })}</p>
</main>
</body>
</html>
`;
}

export function embedFiles(model: SiteModel, renderer: Renderer): PendingFile[] {
  return [{ path: EMBED_PATH, render: () => embedPage(model, stylesheet(renderer, model)) }];
}
