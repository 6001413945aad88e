import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import type { OutputFile } from '../src/render/index.js';
import { INDICATOR_COLOR, LABEL_COLOR, STATUS_COLOR, renderBadge, badgeFiles, renderNow, textWidth } from '../src/render/index.js';

const renderBadges = (model: Parameters<typeof badgeFiles>[0]) => renderNow(badgeFiles(model));
import { HOSTILE, makeIncident, makeModel } from './helpers/factory.js';

const NOW = '2024-06-15T12:00:00Z';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, isArray: (n) => ['text', 'rect', 'g'].includes(n) });

function parse(svg: string): any {
  assert.equal(XMLValidator.validate(svg), true);
  assert.doesNotMatch(svg, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'bare ampersand');
  assert.doesNotMatch(svg, /<script/i);
  return parser.parse(svg).svg;
}

function content(files: OutputFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `missing ${path}`);
  return f.content as string;
}

/** Visible texts of a badge: [label, message] (the shadow copies are aria-hidden). */
function visibleTexts(svg: any): string[] {
  return svg.g[1].text.filter((t: any) => t['@_aria-hidden'] !== 'true').map((t: any) => t['#text']);
}

function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.slice(1).split('').map((c) => c + c).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((k) => {
    const c = parseInt(h.slice(k, k + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe('badges', () => {
  const model = makeModel(
    [
      makeIncident({ id: 'o', severity: 'major', started: '2024-06-15T10:00:00Z', services: ['api'] }),
      makeIncident({ id: 'm', severity: 'maintenance', started: '2024-06-15T11:00:00Z', services: ['db'] }),
    ],
    { now: NOW },
  );
  const files = renderBadges(model);

  it('one badge per service and one for the page', () => {
    assert.deepEqual(files.map((f) => f.path), ['badges/api.svg', 'badges/website.svg', 'badges/db.svg', 'badges/status.svg']);
  });

  it('says the status in text, title and aria-label, in the status colour', () => {
    const api = parse(content(files, 'badges/api.svg'));
    assert.equal(api['@_role'], 'img');
    assert.equal(api['@_aria-label'], 'API: partial outage');
    assert.equal(api.title, 'API: partial outage');
    assert.deepEqual(visibleTexts(api), ['API', 'partial outage']);
    assert.equal(api.g[0].rect[1]['@_fill'], STATUS_COLOR.partial_outage);
    const db = parse(content(files, 'badges/db.svg'));
    assert.equal(db['@_aria-label'], 'Database: under maintenance');
    assert.equal(db.g[0].rect[1]['@_fill'], STATUS_COLOR.under_maintenance);
    const web = parse(content(files, 'badges/website.svg'));
    assert.deepEqual(visibleTexts(web), ['Website', 'operational']);
    assert.equal(web.g[0].rect[1]['@_fill'], STATUS_COLOR.operational);
    const page = parse(content(files, 'badges/status.svg'));
    // The page's badge says what the banner says (one rule, site/overall.ts).
    assert.equal(page['@_aria-label'], 'Acme Status: partial outage');
    assert.equal(page.g[0].rect[1]['@_fill'], INDICATOR_COLOR.major);
  });

  it('widths add up and grow with the text', () => {
    const svg = parse(renderBadge('API', 'operational', '#000'));
    const [labelRect, messageRect] = svg.g[0].rect;
    assert.equal(Number(svg['@_width']), Number(labelRect['@_width']) + Number(messageRect['@_width']));
    assert.equal(Number(messageRect['@_x']), Number(labelRect['@_width']));
    assert.ok(textWidth('WWWW') > textWidth('iiii'));
    assert.ok(textWidth('服务') > textWidth('ab'), 'wide characters are wide');
    assert.equal(textWidth('e\u0301'), textWidth('e'), 'combining marks take no room');
    const longer = parse(renderBadge('API', 'major outage everywhere', '#000'));
    assert.ok(Number(longer['@_width']) > Number(svg['@_width']));
  });

  it('escapes hostile names and stays well-formed', () => {
    const hostile = makeModel([], { now: NOW, config: { title: HOSTILE, services: [{ id: 'x', name: `${HOSTILE}\u0000` }] } });
    const out = renderBadges(hostile);
    const svg = parse(content(out, 'badges/x.svg'));
    assert.equal(svg.title, `${HOSTILE}: operational`);
    const page = parse(content(out, 'badges/status.svg'));
    assert.equal(page.title, `${HOSTILE}: all systems operational`);
  });

  it('white text keeps a 4.5:1 contrast on every colour', () => {
    for (const color of [...Object.values(STATUS_COLOR), ...Object.values(INDICATOR_COLOR), LABEL_COLOR]) {
      assert.ok(contrastWithWhite(color) >= 4.5, `${color}: ${contrastWithWhite(color).toFixed(2)}`);
    }
  });

  it('a service called "status" keeps its badge; the page badge moves aside', () => {
    const m = makeModel([], { now: NOW, config: { services: [{ id: 'status', name: 'Status API' }] } });
    assert.deepEqual(renderBadges(m).map((f) => f.path), ['badges/status.svg', 'badges/_status.svg']);
    assert.match(content(renderBadges(m), 'badges/status.svg'), /Status API: operational/);
  });
});
