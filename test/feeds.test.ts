import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ICAL from 'ical.js';

import type { Incident } from '../src/core/index.js';
import type { OutputFile } from '../src/render/index.js';
import { feedFiles, foldLine, icsText, renderNow } from '../src/render/index.js';

const renderFeeds = (model: Parameters<typeof feedFiles>[0], pages: string[]) => renderNow(feedFiles(model, () => pages));
import { HOSTILE, T, makeIncident, makeModel } from './helpers/factory.js';

const NOW = '2024-06-15T12:00:00Z';
const BASE = { baseUrl: 'https://acme.example/status/', basePath: '/status/' };
const PAGES = ['index.html', 'history/index.html', '404.html', 'incidents/hostile/index.html', 'incidents/m-up/', 'services/api/index.html'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['entry', 'link', 'category', 'author', 'url'].includes(name),
});

function fixtures(): Incident[] {
  return [
    makeIncident({
      id: 'hostile',
      title: HOSTILE,
      summary: HOSTILE,
      severity: 'critical',
      started: '2024-06-14T10:00:00Z',
      detected: '2024-06-14T10:05:00Z',
      resolved: '2024-06-14T11:00:00Z',
      timeline: [
        { at: T('2024-06-14T10:05:00Z'), text: 'looking', status: 'investigating' },
        { at: T('2024-06-14T13:30:00Z'), text: 'postmortem published', status: 'postmortem' },
      ],
      tags: ['network'],
      authors: ['Zoë <ops@acme>'],
      services: ['api', 'website'],
      body: 'Body with <b>markup</b> & more',
    }),
    makeIncident({ id: 'db-slow', severity: 'minor', started: '2024-06-10T10:00:00Z', resolved: '2024-06-10T12:00:00Z', services: ['db'] }),
    makeIncident({
      id: 'm-up',
      title: 'DB upgrade; downtime, maybe',
      summary: 'Planned: primary failover, then\nreplica rebuild; expect a 5-minute read-only window, then normal service. '.repeat(3),
      severity: 'maintenance',
      started: '2024-06-20T02:00:00Z',
      resolved: '2024-06-20T04:00:00Z',
      services: ['db'],
    }),
    makeIncident({ id: 'm-open', severity: 'maintenance', started: '2024-06-15T11:00:00Z', services: ['api'] }),
  ];
}

function file(files: OutputFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `missing ${path}`);
  assert.equal(typeof f.content, 'string');
  return f.content as string;
}

/** Well-formed XML: validator passes, every `&` starts a real entity, no raw script element. */
function assertXml(xml: string): any {
  assert.equal(XMLValidator.validate(xml), true);
  assert.doesNotMatch(xml, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'bare ampersand');
  assert.doesNotMatch(xml, /<script/i, 'raw script element');
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'control character');
  return parser.parse(xml);
}

function alternate(links: any[]): string {
  return links.find((l) => l['@_rel'] === 'alternate')['@_href'];
}

describe('Atom feed.xml', () => {
  it('is valid Atom with absolute links under base_url, newest first, maintenance included', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW, config: BASE }), PAGES);
    const feed = assertXml(file(files, 'feed.xml')).feed;
    assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    assert.equal(feed.id, 'https://acme.example/status/');
    assert.equal(feed.title['#text'], 'Acme Status');
    assert.equal(feed.link.find((l: any) => l['@_rel'] === 'self')['@_href'], 'https://acme.example/status/feed.xml');
    assert.equal(alternate(feed.link), 'https://acme.example/status/');
    assert.deepEqual(
      feed.entry.map((e: any) => e.id),
      ['m-up', 'm-open', 'hostile', 'db-slow'].map((id) => `https://acme.example/status/incidents/${id}/`),
    );
    const hostile = feed.entry[2];
    assert.equal(hostile.title['#text'], HOSTILE, 'title survives escaping byte for byte');
    assert.equal(hostile.summary['#text'], HOSTILE);
    assert.equal(alternate(hostile.link), 'https://acme.example/status/incidents/hostile/');
    assert.equal(hostile.published, '2024-06-14T10:00:00Z');
    assert.equal(hostile.updated, '2024-06-14T13:30:00Z', 'latest update: the postmortem entry');
    assert.equal(hostile.author[0].name, 'Zoë <ops@acme>');
    assert.deepEqual(hostile.category.map((c: any) => c['@_term']), ['critical', 'network']);
    const content: string = hostile.content['#text'];
    assert.equal(hostile.content['@_type'], 'html');
    assert.match(content, /&lt;script&gt;/, 'the title inside the HTML content is escaped once more');
    assert.match(content, /<p>Body with &lt;b>markup/);
    assert.ok(feed.entry[0].category.some((c: any) => c['@_term'] === 'maintenance'));
    // feed updated: the latest entry update.
    assert.equal(feed.updated, '2024-06-20T02:00:00Z');
  });

  it('without base_url: relative links and urn ids, still valid', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW }), PAGES);
    const feed = assertXml(file(files, 'feed.xml')).feed;
    assert.match(feed.id, /^urn:postmortem:acme-status$/);
    assert.equal(feed.link.find((l: any) => l['@_rel'] === 'self')['@_href'], 'feed.xml');
    assert.equal(alternate(feed.link), './');
    for (const entry of feed.entry) {
      assert.match(entry.id, /^urn:postmortem:acme-status:incident:[a-z0-9-]+$/);
      assert.match(alternate(entry.link), /^incidents\/[a-z0-9-]+\/$/);
    }
    const api = assertXml(file(files, 'services/api/feed.xml')).feed;
    assert.deepEqual(api.entry.map((e: any) => alternate(e.link)), ['../../incidents/m-open/', '../../incidents/hostile/']);
    assert.equal(alternate(api.link), '../../services/api/');
  });

  it('carries at most the newest 50 incidents', () => {
    const many = Array.from({ length: 60 }, (_, k) =>
      makeIncident({ id: `i-${String(k).padStart(2, '0')}`, started: T('2024-01-01T00:00:00Z') + k * 3_600_000, resolved: T('2024-01-01T00:30:00Z') + k * 3_600_000 }),
    );
    const files = renderFeeds(makeModel(many, { now: NOW, config: BASE }), []);
    const feed = assertXml(file(files, 'feed.xml')).feed;
    assert.equal(feed.entry.length, 50);
    assert.equal(feed.entry[0].id, 'https://acme.example/status/incidents/i-59/');
    assert.equal(feed.entry[49].id, 'https://acme.example/status/incidents/i-10/');
    assert.equal(JSON.parse(file(files, 'feed.json')).items.length, 50);
  });

  it('one feed per service, with only its incidents; an empty one is still valid', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW, config: BASE }), []);
    const db = assertXml(file(files, 'services/db/feed.xml')).feed;
    assert.deepEqual(db.entry.map((e: any) => e.id), ['m-up', 'db-slow'].map((id) => `https://acme.example/status/incidents/${id}/`));
    assert.equal(db.title['#text'], 'Database · Acme Status');
    const web = assertXml(file(files, 'services/website/feed.xml')).feed;
    assert.equal(web.entry.length, 1);
    const empty = renderFeeds(makeModel([], { now: NOW, config: BASE }), []);
    const feed = assertXml(file(empty, 'services/db/feed.xml')).feed;
    assert.equal(feed.entry, undefined);
    assert.equal(feed.updated, '2024-06-15T12:00:00Z', 'no entries: updated is now');
  });

  it('drops characters XML cannot carry', () => {
    const files = renderFeeds(
      makeModel([makeIncident({ id: 'ctl', title: 'bell\u0007 and nul\u0000 here', started: '2024-06-14T10:00:00Z' })], { now: NOW }),
      [],
    );
    const feed = assertXml(file(files, 'feed.xml')).feed;
    assert.equal(feed.entry[0].title['#text'], 'bell and nul here');
  });
});

describe('JSON Feed feed.json', () => {
  it('is JSON Feed 1.1 with the incidents, text intact', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW, config: { ...BASE, description: 'Say "hi" </script>' } }), []);
    const raw = file(files, 'feed.json');
    assert.ok(raw.endsWith('}\n'));
    const feed = JSON.parse(raw);
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(feed.title, 'Acme Status');
    assert.equal(feed.description, 'Say "hi" </script>');
    assert.equal(feed.home_page_url, 'https://acme.example/status/');
    assert.equal(feed.feed_url, 'https://acme.example/status/feed.json');
    assert.deepEqual(feed.items.map((i: any) => i.url), ['m-up', 'm-open', 'hostile', 'db-slow'].map((id) => `https://acme.example/status/incidents/${id}/`));
    const hostile = feed.items[2];
    assert.equal(hostile.title, HOSTILE);
    assert.equal(hostile.summary, HOSTILE);
    assert.equal(hostile.id, 'https://acme.example/status/incidents/hostile/');
    assert.equal(hostile.date_published, '2024-06-14T10:00:00Z');
    assert.equal(hostile.date_modified, '2024-06-14T13:30:00Z');
    assert.deepEqual(hostile.authors, [{ name: 'Zoë <ops@acme>' }]);
    assert.deepEqual(hostile.tags, ['critical', 'network']);
    assert.doesNotMatch(hostile.content_html, /<script/);
    assert.match(hostile.content_html, /Services: API \(major outage\), Website \(major outage\)/);
  });

  it('without base_url: relative item urls, urn ids, no home/feed url', () => {
    const feed = JSON.parse(file(renderFeeds(makeModel(fixtures(), { now: NOW }), []), 'feed.json'));
    assert.equal(feed.home_page_url, undefined);
    assert.equal(feed.items[0].url, 'incidents/m-up/');
    assert.match(feed.items[0].id, /^urn:/);
  });
});

describe('maintenance.ics', () => {
  const files = renderFeeds(makeModel([...fixtures(), makeIncident({ id: 'm-past', title: HOSTILE, severity: 'maintenance', started: '2024-05-01T00:00:00Z', resolved: '2024-05-01T01:00:00Z' })], { now: NOW, config: BASE }), []);
  const ics = file(files, 'maintenance.ics');

  it('is RFC 5545: CRLF lines, folded at 75 octets', () => {
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.doesNotMatch(ics.replace(/\r\n/g, ''), /[\r\n]/, 'no bare CR or LF');
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `too long: ${line}`);
    assert.match(ics, /\r\n DESCRIPTION|\r\n [^\r]/, 'long lines are folded');
    assert.match(ics, /^PRODID:/m);
    assert.match(ics, /^VERSION:2\.0\r$/m);
  });

  it('parses with ical.js: one event per maintenance, fields intact', () => {
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.deepEqual(events.map((e) => e.uid), ['m-past', 'm-open', 'm-up'].map((id) => `https://acme.example/status/incidents/${id}/`));
    const past = events[0]!;
    assert.equal(past.summary, HOSTILE, 'commas, semicolons, backslash and newline survive');
    assert.equal(past.startDate.toJSDate().getTime(), T('2024-05-01T00:00:00Z'));
    assert.equal(past.endDate.toJSDate().getTime(), T('2024-05-01T01:00:00Z'));
    assert.equal(past.startDate.zone.tzid, 'UTC');
    const up = events[2]!;
    assert.equal(up.summary, 'DB upgrade; downtime, maybe');
    assert.ok(up.description.startsWith('Planned: primary failover, then\nreplica rebuild;'));
    assert.match(up.description, /Status: Scheduled/);
    assert.match(up.description, /Services: Database \(under maintenance\)/);
    const vUp = calendar.getAllSubcomponents('vevent')[2]!;
    assert.equal(vUp.getFirstPropertyValue('url'), 'https://acme.example/status/incidents/m-up/');
    const stamp = vUp.getFirstPropertyValue('dtstamp') as InstanceType<typeof ICAL.Time>;
    assert.equal(stamp.toJSDate().getTime(), T(NOW), 'DTSTAMP is the build time');
    const open = calendar.getAllSubcomponents('vevent')[1]!;
    assert.equal(open.getFirstPropertyValue('dtend'), null, 'no end known: no DTEND');
  });

  it('leaves incidents out', () => {
    assert.doesNotMatch(ics, /hostile|db-slow/);
  });

  it('escapes TEXT values and folds by octets, never inside a character', () => {
    assert.equal(icsText('a,b;c\\d\ne\r\nf'), 'a\\,b\\;c\\\\d\\ne\\nf');
    const folded = foldLine(`SUMMARY:${'é'.repeat(100)}`);
    for (const line of folded.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75);
    assert.equal(folded.split('\r\n').map((l, k) => (k ? l.slice(1) : l)).join(''), `SUMMARY:${'é'.repeat(100)}`);
    const emoji = foldLine('X'.repeat(73) + '🚀🚀');
    assert.deepEqual(emoji.split('\r\n'), ['X'.repeat(73), ' 🚀🚀']);
  });

  it('without base_url: no URL, a stable UID', () => {
    const ics2 = file(renderFeeds(makeModel(fixtures(), { now: NOW }), []), 'maintenance.ics');
    const events = new ICAL.Component(ICAL.parse(ics2)).getAllSubcomponents('vevent');
    assert.equal(events[0]!.getFirstPropertyValue('url'), null);
    assert.equal(events[0]!.getFirstPropertyValue('uid'), 'm-open@acme-status.postmortem.invalid');
  });
});

describe('sitemap.xml and robots.txt', () => {
  it('lists the pages with absolute URLs, sorted, 404 left out, incident pages with lastmod', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW, config: BASE }), PAGES);
    const doc = assertXml(file(files, 'sitemap.xml'));
    assert.equal(doc.urlset['@_xmlns'], 'http://www.sitemaps.org/schemas/sitemap/0.9');
    const urls = doc.urlset.url;
    assert.deepEqual(
      urls.map((u: any) => u.loc),
      ['', 'history/', 'incidents/hostile/', 'incidents/m-up/', 'services/api/'].map((p) => `https://acme.example/status/${p}`),
    );
    assert.equal(urls[2].lastmod, '2024-06-14T13:30:00Z');
    assert.equal(urls[3].lastmod, '2024-06-15T12:00:00Z', 'never in the future');
    assert.equal(urls[0].lastmod, undefined);
    const robots = file(files, 'robots.txt');
    assert.match(robots, /^User-agent: \*$/m);
    assert.match(robots, /^Sitemap: https:\/\/acme\.example\/status\/sitemap\.xml$/m);
  });

  it('without base_url: robots.txt names no sitemap', () => {
    const files = renderFeeds(makeModel(fixtures(), { now: NOW }), PAGES);
    assert.doesNotMatch(file(files, 'robots.txt'), /Sitemap/);
    assertXml(file(files, 'sitemap.xml'));
  });
});

describe('determinism', () => {
  it('same model, same bytes; input order does not matter', () => {
    const one = renderFeeds(makeModel(fixtures(), { now: NOW, config: BASE }), PAGES);
    const two = renderFeeds(makeModel([...fixtures()].reverse(), { now: NOW, config: BASE }), [...PAGES].reverse());
    assert.deepEqual(two, one);
    const paths = one.map((f) => f.path);
    assert.deepEqual(paths, [
      'feed.xml',
      'feed.json',
      'services/api/feed.xml',
      'services/website/feed.xml',
      'services/db/feed.xml',
      'maintenance.ics',
      'sitemap.xml',
      'robots.txt',
    ]);
  });
});
