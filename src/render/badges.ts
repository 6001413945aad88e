/**
 * Status badges: `badges/<service>.svg` per service and `badges/status.svg` for the whole page, in
 * the shields.io "flat" style (grey label, coloured message). Text widths are estimated from a
 * Verdana 11 px width table and pinned with `textLength`, so no font is needed at build time.
 * Colours are darker than shields' so that white text keeps a 4.5:1 contrast; the status is also
 * spelled out in the text, the `<title>` and the `aria-label`.
 */

import type { ComponentStatus } from '../core/model.js';
import type { Indicator, SiteModel } from '../site/index.js';
import type { PendingFile } from './types.js';
import { siteLocale } from '../core/locale.js';
import { xmlText } from '../core/text.js';

/** Badge colour per component status (white text on each has a contrast of at least 4.5:1). */
export const STATUS_COLOR: Record<ComponentStatus, string> = {
  operational: '#1a7f37',
  degraded_performance: '#8a5a00',
  partial_outage: '#b94a00',
  major_outage: '#cf222e',
  under_maintenance: '#0969da',
};

export const INDICATOR_COLOR: Record<Indicator, string> = {
  none: STATUS_COLOR.operational,
  minor: STATUS_COLOR.degraded_performance,
  major: STATUS_COLOR.partial_outage,
  critical: STATUS_COLOR.major_outage,
  maintenance: STATUS_COLOR.under_maintenance,
};

export const LABEL_COLOR = '#555';

// Verdana 11 px advance widths of printable ASCII (U+0020 … U+007E).
// prettier-ignore
const ASCII_WIDTHS = [
  3.87, 4.33, 5.05, 9, 7, 11.84, 7.99, 2.95, 4.99, 4.99, 7, 9, 4, 4.99, 4, 4.99,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 4.99, 4.99, 9, 9, 9, 6,
  11, 7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.61, 5, 7.62, 6.12, 9.27, 8.23, 8.66,
  6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, 4.99, 4.99, 4.99, 9, 7,
  7, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.7, 6.96, 6.68,
  6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 8.96, 6.51, 6.51, 5.83, 6.98, 4.99, 6.98, 9,
];

/** Estimated advance width of one code point in Verdana 11 px. */
export function charWidth(codePoint: number): number {
  if (codePoint >= 0x20 && codePoint <= 0x7e) return ASCII_WIDTHS[codePoint - 0x20]!;
  // Combining marks, zero-width characters, bidi controls and variation selectors take no room.
  if (
    (codePoint >= 0x0300 && codePoint <= 0x036f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    codePoint < 0x20
  ) {
    return 0;
  }
  // East Asian wide characters, emoji and symbols: about a square.
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0x1f000 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 11;
  }
  return 7.5;
}

/** Estimated width of a text in Verdana 11 px. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/** A flat badge: `label | message`, the message on `color`. */
export function renderBadge(label: string, message: string, color: string): string {
  const labelText = textWidth(label);
  const messageText = textWidth(message);
  const lw = Math.round(labelText + 10);
  const mw = Math.round(messageText + 10);
  const w = lw + mw;
  const title = xmlText(`${label}: ${message}`);
  const l = xmlText(label);
  const m = xmlText(message);
  const lx = lw * 5; // centre, in the ×10 coordinates of the scaled text
  const mx = (lw + mw / 2) * 10;
  const lt = Math.round(labelText * 10);
  const mt = Math.round(messageText * 10);
  const c = xmlText(color);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${LABEL_COLOR}"/><rect x="${lw}" width="${mw}" height="20" fill="${c}"/><rect width="${w}" height="20" fill="url(#s)"/></g>`,
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">',
    `<text aria-hidden="true" x="${lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${lt}">${l}</text>`,
    `<text x="${lx}" y="140" transform="scale(.1)" fill="#fff" textLength="${lt}">${l}</text>`,
    `<text aria-hidden="true" x="${mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${mt}">${m}</text>`,
    `<text x="${mx}" y="140" transform="scale(.1)" fill="#fff" textLength="${mt}">${m}</text>`,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

/** Path of the page badge: `badges/status.svg`, or `badges/_status.svg` when a service is itself called `status`. */
export function pageBadgePath(model: SiteModel): string {
  return model.services.some((s) => s.id === 'status') ? 'badges/_status.svg' : 'badges/status.svg';
}

/** `badges/<service>.svg` (service name | status) and the page badge (site title | overall status), in the site's language, not rendered yet. */
export function badgeFiles(model: SiteModel): PendingFile[] {
  const locale = siteLocale(model.config);
  const files: PendingFile[] = model.services.map((s) => ({
    path: `badges/${s.id}.svg`,
    render: () => renderBadge(s.name, locale.t(`impact.${s.status}`), STATUS_COLOR[s.status]),
  }));
  const { overall } = model;
  // The page's badge says what the banner says (site/overall.ts), in the words of running text.
  files.push({ path: pageBadgePath(model), render: () => renderBadge(model.config.title, locale.t(`badge.${overall.status}`), INDICATOR_COLOR[overall.indicator]) });
  return files;
}
