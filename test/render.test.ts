import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OutputFile } from '../src/render/index.js';
import type { SiteModel } from '../src/site/index.js';
import { ACTIONS_PAGE_SIZE, createRenderer, HISTORY_PAGE_SIZE, insightsApiFiles, LIST_PAGE_SIZE, renderNow, TEMPLATES, type Renderer } from '../src/render/index.js';
import { byPath } from '../src/core/index.js';

/** Every page and asset of the site, rendered, sorted by path. */
const renderPages = (r: Renderer, m: SiteModel): OutputFile[] => renderNow(r.files(m)).sort(byPath);
/** The pages that list incidents (everything but the incidents' own pages and the assets). */
const renderListPages = (r: Renderer, m: SiteModel): OutputFile[] => renderPages(r, m).filter((f) => f.path.endsWith('.html') && !f.path.startsWith('incidents/'));
/** One page or asset by its output path, rendered; null when the site has none. */
const renderPage = (r: Renderer, m: SiteModel, p: string): string | Uint8Array | null => r.file(m, p)?.render() ?? null;
import { bigFixture, HOSTILE_TITLE, quietFixture, siteFixture } from './helpers/site-fixture.js';

// ---------------------------------------------------------------------------------------------
// Tiny HTML helpers (our output always double-quotes attributes and escapes their values)

interface Tag {
  name: string;
  attrs: Map<string, string>;
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of m[2]!.matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) attrs.set(a[1]!.toLowerCase(), decode(a[2] ?? ''));
    out.push({ name: m[1]!.toLowerCase(), attrs });
  }
  return out;
}

/** Visible text with tags removed and entities decoded, whitespace collapsed. */
function text(html: string): string {
  return decode(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:)])/g, '$1')
    .trim();
}

function between(html: string, start: RegExp, end: RegExp): string {
  const i = html.search(start);
  assert.ok(i >= 0, `no ${start} in page`);
  const rest = html.slice(i);
  const j = rest.slice(1).search(end);
  return j < 0 ? rest : rest.slice(0, j + 1);
}

function asMap(files: OutputFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8')]));
}

/** Files written by the feeds/API/badges step, which pages may link to. */
function producedElsewhere(model: SiteModel): Set<string> {
  return new Set(['feed.xml', 'feed.json', 'maintenance.ics', 'api/v2/summary.json', ...model.services.map((s) => `services/${s.id}/feed.xml`), ...insightsApiFiles(model).map((f) => f.path)]);
}

/**
 * Resolves every href/src of a page the way a browser does, with the site served at `base`,
 * and returns the problems: targets that are not generated files, links leaving the site, missing fragments.
 */
function brokenLinks(pagePath: string, html: string, files: Map<string, string>, base: string, external: Set<string>): string[] {
  const problems: string[] = [];
  const pageUrl = new URL(pagePath, base);
  const ids = new Set(tags(html).flatMap((t) => (t.attrs.has('id') ? [t.attrs.get('id')!] : [])));
  for (const t of tags(html)) {
    for (const attr of ['href', 'src']) {
      const value = t.attrs.get(attr);
      if (value === undefined) continue;
      if (t.name === 'link' && t.attrs.get('rel') === 'canonical') continue;
      if (value.startsWith('#')) {
        if (!ids.has(value.slice(1))) problems.push(`${pagePath}: fragment ${value} has no target`);
        continue;
      }
      const url = new URL(value, pageUrl);
      if (url.origin !== pageUrl.origin) {
        if (!/^https?:$/.test(url.protocol)) problems.push(`${pagePath}: ${attr}="${value}" is not http(s)`);
        continue;
      }
      if (!url.pathname.startsWith(new URL(base).pathname)) {
        problems.push(`${pagePath}: ${attr}="${value}" leaves the site (${url.pathname})`);
        continue;
      }
      let target = decodeURIComponent(url.pathname.slice(new URL(base).pathname.length));
      if (target === '' || target.endsWith('/')) target += 'index.html';
      if (target === pagePath && url.hash) {
        if (!ids.has(url.hash.slice(1))) problems.push(`${pagePath}: fragment ${url.hash} has no target`);
        continue;
      }
      if (!files.has(target) && !external.has(target)) problems.push(`${pagePath}: ${attr}="${value}" → ${target} is not generated`);
    }
  }
  return problems;
}

function headingLevels(html: string): number[] {
  return [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
}

// ---------------------------------------------------------------------------------------------

let renderer: Renderer;
let model: SiteModel;
let site: Map<string, string>;
let emptyRoot: string;

before(async () => {
  emptyRoot = await mkdtemp(path.join(tmpdir(), 'pm-render-'));
  renderer = await createRenderer({ root: emptyRoot });
  model = siteFixture();
  site = asMap(renderPages(renderer, model));
});

after(async () => {
  await rm(emptyRoot, { recursive: true, force: true });
});

describe('status page', () => {
  test('banner says the overall status in the words of the services\' status, with the update time', () => {
    const html = site.get('index.html')!;
    const banner = between(html, /<div class="banner/, /<\/div>/);
    assert.match(banner, /banner-critical/);
    assert.match(text(banner), /^Major Outage Updated 15 Jun 2024, 12:00 UTC$/);
    assert.match(banner, /<h1>.*Major Outage<\/h1>/);
    assert.match(banner, /<time datetime="2024-06-15T12:00:00Z">/);
  });

  test('active incident with its latest update, maintenance in progress and upcoming', () => {
    const html = site.get('index.html')!;
    const active = text(between(html, /<h2 id="active">/, /<\/section>/));
    assert.match(active, /Elevated API error rates/);
    assert.match(active, /Identified · 15 Jun 2024, 10:15 UTC A bad deploy of the gateway is the cause; rolling back\./);
    assert.doesNotMatch(active, /We are investigating/, 'only the latest update is shown');
    assert.match(active, /Ongoing for 2 h 30 min/);
    assert.match(active, /API \(major outage\), Website \(partial outage\)/);
    const now = text(between(html, /<h2 id="maintenance-now">/, /<\/section>/));
    assert.match(now, /Maintenance in progress Database engine upgrade/);
    assert.match(now, /Scheduled 15 Jun 2024, 11:00 UTC to 15 Jun 2024, 13:00 UTC/);
    const next = text(between(html, /<h2 id="maintenance-next">/, /<\/section>/));
    assert.match(next, /Scheduled maintenance Network switch replacement/);
    assert.doesNotMatch(next, /Database engine upgrade/);
  });

  test('services grouped, each with its current status in words', () => {
    const html = site.get('index.html')!;
    const services = between(html, /<h2 id="services">/, /<\/section>/);
    assert.match(text(services), /Core platform Major outage API Major outage REST and GraphQL endpoints/);
    const statusOf = (name: string) => {
      const m = new RegExp(`>${name}</a><span class="st st-([a-z_]+)"><span class="ico" aria-hidden="true"></span>([^<]+)</span>`).exec(services);
      assert.ok(m, `no status for ${name}`);
      return `${m[1]} ${m[2]}`;
    };
    assert.equal(statusOf('API'), 'major_outage Major outage');
    assert.equal(statusOf('Website'), 'partial_outage Partial outage');
    assert.equal(statusOf('Managed databases'), 'under_maintenance Under maintenance');
    assert.equal(statusOf('Documentation'), 'operational Operational');
    // Ungrouped services come without a group heading; the group heading is an h3 under the h2.
    assert.deepEqual([...services.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]), ['Core platform']);
  });

  test('uptime percentage with two decimals, never rounded up', () => {
    const html = site.get('index.html')!;
    const pcts = [...html.matchAll(/<span class="pct">([^<]+)<\/span>/g)].map((m) => m[1]);
    // Numbers through Intl (English: no space before %), and the window the percentage covers named beside it.
    assert.deepEqual(pcts, ['99.84% uptime (90 days)', '99.97% uptime (90 days)', '99.99% uptime (90 days)', '100.00% uptime (90 days)']);
  });

  test('incidents of the last 14 days (not the active ones, which have their card), and a quiet page when nothing happened', async () => {
    const recent = text(between(site.get('index.html')!, /<h2 id="recent">/, /<\/section>/));
    assert.doesNotMatch(recent, /Elevated API error rates/, 'the active incident is shown once, in its card');
    assert.match(recent, /Database failover caused slow queries Degraded performance A failover/);
    assert.match(recent, /Lasted 4 h 17 min/);
    assert.doesNotMatch(recent, /DNS outage|Network switch/);

    const quiet = asMap(renderListPages(renderer, quietFixture())).get('index.html')!;
    assert.match(text(between(quiet, /<div class="banner/, /<\/div>/)), /^All Systems Operational/);
    assert.match(quiet, /banner-none/);
    assert.doesNotMatch(quiet, /Active incidents|Maintenance in progress|Scheduled maintenance/);
    assert.match(text(quiet), /No incidents reported in the past 14 days\./);
  });
});

describe('uptime bar', () => {
  function cells(html: string, service: string): string[] {
    const bar = between(html, new RegExp(`<ol class="bar[^"]*" aria-label="${service}: `), /<\/ol>/);
    return [...bar.matchAll(/<li class="c-[a-z]+">([\s\S]*?)<\/li>/g)].map((m) => m[0]);
  }

  test('one cell per day, each telling its date and downtime in text', () => {
    const html = site.get('index.html')!;
    for (const s of model.services) {
      const list = cells(html, s.name);
      assert.equal(list.length, s.days.length, s.name);
      list.forEach((cell, i) => {
        const day = s.days[i]!;
        const tip = /<span class="tip">([^<]+)<\/span>/.exec(cell);
        assert.ok(tip, `cell without text: ${cell}`);
        const [y, m, d] = day.date.split('-');
        assert.ok(decode(tip[1]!).startsWith(`${Number(d)} ${new Date(Date.UTC(Number(y), Number(m) - 1)).toUTCString().slice(8, 11)} ${y}: `), tip[1]);
        assert.match(decode(tip[1]!), day.worst === null ? /no data/ : /downtime/);
      });
    }
    assert.match(html, /aria-label="API: daily downtime over the last 90 days"/);
  });

  test('a day with incidents links to the incident and names it; colour follows the downtime', () => {
    const html = site.get('index.html')!;
    const api = cells(html, 'API');
    assert.equal(api.at(-1), '<li class="c-red"><a href="incidents/2024-06-15-api-errors/"><span class="tip">15 Jun 2024: Major outage, 2\u00a0h 30\u00a0min downtime; 1 incident: Elevated API error rates</span></a></li>');
    assert.equal(api[0], '<li class="c-green"><span class="tip">18 Mar 2024: no downtime</span></li>');
    const web = cells(html, 'Website');
    assert.match(web.at(-1)!, /^<li class="c-orange"><a href="incidents\/2024-06-15-api-errors\/">.*Partial outage, 45\u00a0min downtime/);
    const db = cells(html, 'Managed databases');
    assert.match(db[0]!, /^<li class="c-none"><span class="tip">18 Mar 2024: no data \(before the service started\)<\/span><\/li>$/);
    assert.match(db.at(-1)!, /^<li class="c-blue"><a [^>]+><span class="tip">15 Jun 2024: Under maintenance, no downtime; 1 incident: Database engine upgrade/);
    assert.match(db.at(-6)!, /^<li class="c-yellow">.*Degraded performance, no downtime; 1 incident: Database failover/);
  });

  test('the service page shows the bar and 12 months of uptime', () => {
    const html = site.get('services/database/index.html')!;
    assert.match(html, /<h1>Managed databases<\/h1>/);
    assert.match(html, /<ol class="bar long" aria-label="Managed databases: daily downtime over the last 90 days">/);
    const monthly = text(between(html, /<table class="monthly">/, /<\/table>/));
    assert.match(monthly, /^Month Uptime Downtime June 2024 99\.89% 44 min May 2024/);
    assert.match(monthly, /July 2023 Not in service —$/);
    assert.match(text(html), /Incidents \(2\) Database engine upgrade/);
  });
});

describe('incident page', () => {
  test('times in UTC with <time datetime>, durations in human form', () => {
    const html = site.get('incidents/2024-06-10-db-failover/index.html')!;
    const facts = between(html, /<dl class="facts">/, /<\/dl>/);
    const dd = (dt: string) => {
      const m = new RegExp(`<dt>${dt}</dt><dd>(.*?)</dd>`).exec(facts);
      assert.ok(m, dt);
      return m[1]!;
    };
    assert.equal(dd('Started'), '<time datetime="2024-06-10T14:00:00Z">10 Jun 2024, 14:00 UTC</time>');
    assert.equal(dd('Detected'), '<time datetime="2024-06-10T14:05:00Z">10 Jun 2024, 14:05 UTC</time>');
    assert.equal(dd('Mitigated'), '<time datetime="2024-06-10T14:40:00Z">10 Jun 2024, 14:40 UTC</time>');
    assert.equal(dd('Resolved'), '<time datetime="2024-06-10T18:17:00Z">10 Jun 2024, 18:17 UTC</time>');
    // A number never wraps away from its unit.
    assert.equal(dd('Duration'), '4\u00a0h 17\u00a0min');
    assert.equal(dd('Time to detect'), '5\u00a0min');
    assert.equal(dd('Time to mitigate'), '40\u00a0min');
    assert.equal(dd('Severity'), 'Minor');
  });

  test('title, impact, status, summary, services with impact, timeline with its updates, root cause, factors', () => {
    const html = site.get('incidents/2024-06-10-db-failover/index.html')!;
    const t = text(html);
    assert.match(html, /<h1>Database failover caused slow queries<\/h1>/);
    assert.match(html, /<title>Database failover caused slow queries · Acme Status<\/title>/);
    assert.match(t, /Degraded performance Resolved Database failover caused slow queries A failover of the primary database/);
    assert.match(t, /Affected services Managed databases Degraded performance Documentation no change of status/);
    // Each status update once: in the timeline, marked with its status (no second list of the same texts).
    assert.doesNotMatch(t, /Status updates/);
    assert.match(t, /Timeline 10 Jun 2024, 13:50 UTC Disk latency alert \(missed\)\. 10 Jun 2024, 14:05 UTC Investigating Investigating slow queries\./);
    assert.equal(t.split('Read traffic').length, 2, 'the monitoring update appears once');
    assert.match(html, /<h2 id="root-cause">Root cause<\/h2>\n<div class="prose"><p>A <strong>disk<\/strong> on the primary filled up\.<\/p><\/div>/);
    assert.match(t, /Contributing factors No alert on disk usage Failover runbook was outdated/);
    assert.match(t, /Tags: database Written by Dana Scully and Fox Mulder/);
  });

  test('the Markdown body keeps one h1 per page and no skipped heading level', () => {
    const html = site.get('incidents/2024-06-10-db-failover/index.html')!;
    assert.match(html, /<h2 id="writeup">Postmortem<\/h2>\n<div class="prose"><h3>Impact<\/h3><p>Queries were slow\.<\/p><h4>Detail<\/h4>/);
  });

  test('actions: status, owner, due, priority; overdue in words; a link only when http(s)', () => {
    const html = site.get('incidents/2024-06-10-db-failover/index.html')!;
    const table = between(html, /<table class="actions">/, /<\/table>/);
    const rows = [...table.matchAll(/<tr[^>]*>[\s\S]*?<\/tr>/g)].map((m) => text(m[0]));
    assert.deepEqual(rows, [
      'Action Status Owner Due Priority',
      'Alert on disk usage above 80 % Detect Open sre-team 1 Jun 2024 Overdue High',
      'Update the failover runbook Process In progress db-team 1 Jul 2024 Medium',
      'Evil link action Done — — —',
    ]);
    assert.match(table, /<a href="https:\/\/tracker\.example\.com\/T-1" rel="external noopener noreferrer">Alert on disk usage/);
    assert.match(table, /<span class="due"><time datetime="2024-06-01">1 Jun 2024<\/time><\/span> <strong class="late">Overdue<\/strong><\/td>/);
    assert.doesNotMatch(table, /javascript:/i);
  });

  test('previous and next incidents', () => {
    const html = site.get('incidents/2024-06-10-db-failover/index.html')!;
    const nav = between(html, /<nav class="prevnext"/, /<\/nav>/);
    assert.match(nav, /<a class="prev" href="\.\.\/2024-03-02-hostile\/"><span class="pn-label">← Older<\/span><span class="pn-title">&lt;script&gt;/);
    assert.match(nav, /<a class="next" href="\.\.\/2024-06-15-api-errors\/"><span class="pn-label">Newer →<\/span><span class="pn-title">Elevated API error rates<\/span><\/a>/);
  });

  test('an ongoing incident says so; maintenance speaks of a schedule', () => {
    const ongoing = text(site.get('incidents/2024-06-15-api-errors/index.html')!);
    assert.match(ongoing, /Resolved Not yet: ongoing Duration 2 h 30 min so far Time to detect 12 min Time to mitigate Not yet/);
    const maint = text(site.get('incidents/2024-06-20-network-maintenance/index.html')!);
    assert.match(maint, /Under maintenance Scheduled Network switch replacement/);
    assert.match(maint, /Scheduled start 20 Jun 2024, 02:00 UTC Scheduled end 20 Jun 2024, 04:00 UTC Duration 2 h/);
    assert.doesNotMatch(maint, /Time to detect/);
  });
});

describe('history, actions, tags', () => {
  test('history: newest first, grouped by month, with severity, duration and services', () => {
    const html = site.get('history/index.html')!;
    assert.deepEqual([...html.matchAll(/<h2 id="m-[\d-]+"><time datetime="[\d-]+">([^<]+)<\/time><\/h2>/g)].map((m) => m[1]), ['June 2024', 'March 2024', 'November 2023']);
    const t = text(html);
    // What has happened, newest first: maintenance still to come is on the status page, not in the history.
    assert.doesNotMatch(t, /Network switch replacement/);
    assert.ok(t.indexOf('Elevated API error rates') < t.indexOf('Database failover caused slow queries'));
    assert.match(t, /DNS outage Major outage Summary of DNS outage 5 Nov 2023, 22:30 UTC · Lasted 2 h 30 min · Website, API/);
  });

  test('actions page: open first, overdue marked in words, every incident linked', () => {
    const html = site.get('actions/index.html')!;
    assert.match(text(html), /3 open, 1 overdue, 1 closed\./);
    const open = text(between(html, /<h2 id="open">/, /<\/section>/));
    assert.match(open, /^Open Open action items Action Incident Status Owner Due Priority Alert on disk usage above 80 % Detect Database failover caused slow queries Open sre-team 1 Jun 2024 Overdue High/);
    assert.match(text(between(html, /<h2 id="closed">/, /<\/section>/)), /Evil link action Database failover caused slow queries Done/);
  });

  test('tags index and tag pages', () => {
    const html = site.get('tags/index.html')!;
    assert.match(text(html), /Tags database \(1\) deploy \(1\) dns \(1\) gateway \(1\) security \(1\)/);
    assert.match(text(site.get('tags/dns/index.html')!), /Incidents tagged dns 1 incident DNS outage/);
  });
});

describe('links', () => {
  for (const base of ['https://acme.github.io/status/', 'https://status.example.com/']) {
    test(`every internal link resolves to a generated file when served at ${base}`, () => {
      const external = producedElsewhere(model);
      const problems: string[] = [];
      let checked = 0;
      for (const [p, html] of site) {
        if (!p.endsWith('.html') || p === '404.html') continue;
        problems.push(...brokenLinks(p, html, site, base, external));
        checked++;
      }
      assert.deepEqual(problems, []);
      assert.ok(checked >= 19, `${checked} pages checked`);
    });
  }

  test('links are relative (no leading slash), to folders with a trailing slash', () => {
    for (const [p, html] of site) {
      if (!p.endsWith('.html') || p === '404.html') continue;
      for (const t of tags(html)) {
        const v = t.attrs.get('href') ?? t.attrs.get('src');
        if (v === undefined || /^https?:/.test(v) || v.startsWith('#')) continue;
        assert.ok(!v.startsWith('/'), `${p}: ${v}`);
        assert.ok(!/index\.html/.test(v), `${p}: ${v}`);
      }
    }
    const inc = site.get('incidents/2024-06-10-db-failover/index.html')!;
    assert.match(inc, /<link rel="stylesheet" href="\.\.\/\.\.\/assets\/style\.css\?v=[0-9a-f]{10}">/);
    assert.match(inc, /<a href="\.\.\/\.\.\/history\/"/);
    assert.match(inc, /<a class="brand" href="\.\.\/\.\.\/">/);
    assert.match(site.get('index.html')!, /<a class="brand" href="\.\/">/);
  });

  test('404.html uses absolute links from the base path, at any depth', async () => {
    for (const [basePath, baseUrl] of [
      ['/status/', 'https://acme.github.io/status/'],
      ['/', undefined],
    ] as const) {
      const m = siteFixture({ basePath, baseUrl });
      const files = asMap(renderPages(renderer, m));
      const html = files.get('404.html')!;
      let n = 0;
      for (const t of tags(html)) {
        const v = t.attrs.get('href') ?? t.attrs.get('src');
        if (v === undefined || v.startsWith('#')) continue;
        assert.ok(v.startsWith(basePath), `404: ${v} does not start with ${basePath}`);
        n++;
      }
      assert.ok(n >= 8);
      assert.match(html, new RegExp(`<link rel="stylesheet" href="${basePath}assets/style\\.css\\?v=`));
      // Served from a deep missing URL, every link still lands on a generated file.
      const origin = 'https://host.test';
      assert.deepEqual(brokenLinks('no/such/deep/page/', html, files, origin + basePath, producedElsewhere(m)), []);
      assert.match(html, /<meta name="robots" content="noindex">/);
      assert.doesNotMatch(html, /rel="canonical"/);
    }
  });

  test('canonical URL when base_url is set, none otherwise; feed alternate is relative', () => {
    const inc = site.get('incidents/2024-06-10-db-failover/index.html')!;
    assert.match(inc, /<link rel="canonical" href="https:\/\/acme\.github\.io\/status\/incidents\/2024-06-10-db-failover\/">/);
    assert.match(site.get('index.html')!, /<link rel="canonical" href="https:\/\/acme\.github\.io\/status\/">/);
    assert.match(inc, /<link rel="alternate" type="application\/atom\+xml" href="\.\.\/\.\.\/feed\.xml"/);
    assert.match(site.get('index.html')!, /<link rel="alternate" type="application\/atom\+xml" href="feed\.xml"/);
    assert.match(site.get('services/api/index.html')!, /<link rel="alternate" type="application\/atom\+xml" href="feed\.xml" title="API incidents \(Atom\)">/);
    const noBase = asMap(renderListPages(renderer, siteFixture({ baseUrl: undefined, basePath: '/' })));
    assert.doesNotMatch(noBase.get('index.html')!, /rel="canonical"/);
  });
});

describe('quality', () => {
  test('every page: doctype, lang, one h1, no skipped heading level, landmarks, unique ids', () => {
    for (const [p, html] of site) {
      if (!p.endsWith('.html')) continue;
      assert.ok(html.startsWith('<!doctype html>\n<html lang="en" data-time-zone="UTC" data-hour-cycle="h23">'), p);
      const levels = headingLevels(html);
      assert.equal(levels.filter((l) => l === 1).length, 1, `${p}: one h1`);
      assert.equal(levels[0], 1, `${p}: h1 first`);
      for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `${p}: h${levels[i - 1]} then h${levels[i]}`);
      for (const landmark of ['<header', '<nav', '<main id="main"', '<footer']) assert.ok(html.includes(landmark), `${p}: ${landmark}`);
      assert.match(html, /<a class="skip" href="#main">Skip to content<\/a>/);
      const ids = tags(html).flatMap((t) => (t.attrs.has('id') ? [t.attrs.get('id')!] : []));
      assert.equal(new Set(ids).size, ids.length, `${p}: duplicate id`);
      assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    }
  });

  test('works without JavaScript: the only script is the optional deferred local-time.js', () => {
    for (const [p, html] of site) {
      if (!p.endsWith('.html')) continue;
      // The search page alone adds its own module script, deferred by nature (it says so, and links to the history, without it).
      const scripts = tags(html).filter((t) => t.name === 'script' && !(p === 'search/index.html' && t.attrs.get('src')?.includes('assets/search.js') && t.attrs.get('type') === 'module'));
      assert.equal(scripts.length, 1, p);
      assert.ok(scripts[0]!.attrs.get('src')!.includes('assets/local-time.js') && scripts[0]!.attrs.has('defer'), p);
    }
  });

  test('one small CSS file with dark mode, no external fonts or URLs', () => {
    const css = site.get('assets/style.css')!;
    // 14 KiB since the impact-phase strips and the tables of uptime by year (issue 13); 17 KiB with the insights'
    // charts and the search page (issue 14): 16,958 bytes measured.
    assert.ok(Buffer.byteLength(css) < 17 * 1024, `style.css is ${Buffer.byteLength(css)} bytes`);
    assert.match(css, /@media \(prefers-color-scheme:dark\)/);
    assert.doesNotMatch(css, /@import|@font-face|url\(/);
    assert.match(css, /:focus-visible/);
  });
});

describe('safety', () => {
  test('frontmatter strings are escaped everywhere, script URLs never reach an attribute', () => {
    const escapedTitle = '&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;';
    const inc = site.get('incidents/2024-03-02-hostile/index.html')!;
    assert.ok(inc.includes(`<h1>${escapedTitle}</h1>`));
    assert.ok(inc.includes(`<title>${escapedTitle} · Acme Status</title>`));
    assert.ok(inc.includes('Summary with &lt;img src=x onerror=alert(1)&gt; and &quot;quotes&quot;'));
    assert.ok(inc.includes('<li>&lt;b&gt;bold?&lt;/b&gt;</li>'));
    assert.ok(inc.includes('Written by &lt;i&gt;Mallory&lt;/i&gt;'));
    assert.ok(inc.includes('data-label="Owner:">&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</td>'));
    assert.ok(site.get('history/index.html')!.includes(escapedTitle));
    for (const [p, html] of site) {
      if (!p.endsWith('.html')) continue;
      assert.ok(!html.includes(HOSTILE_TITLE), `${p}: raw title`);
      assert.doesNotMatch(html, /<script>|<img[^>]*onerror|<b>bold|<i>Mallory/, p);
      for (const t of tags(html)) {
        for (const [name, value] of t.attrs) {
          assert.doesNotMatch(value, /^\s*(javascript|vbscript|data):/i, `${p}: <${t.name} ${name}="${value}">`);
          assert.ok(!name.startsWith('on'), `${p}: event handler attribute ${name}`);
        }
      }
    }
  });

  test('a Content-Security-Policy forbids inline script on every page', () => {
    for (const [p, html] of site) {
      if (p.endsWith('.html')) assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'self'; [^"]*script-src 'self'/, p);
    }
  });
});

describe('renderer API', () => {
  test('deterministic: two renders give the same bytes; assets included; sorted paths', async () => {
    const again = await createRenderer({ root: emptyRoot });
    const a = renderPages(renderer, siteFixture());
    const b = renderPages(again, siteFixture());
    assert.deepEqual(a, b);
    assert.deepEqual(
      a.map((f) => f.path),
      [...a.map((f) => f.path)].sort(),
    );
    for (const asset of ['assets/style.css', 'assets/local-time.js', 'assets/favicon.svg']) assert.ok(site.has(asset), asset);
  });

  test('one file by its output path (as dev serves it) is the file of the whole site; list pages; page paths', () => {
    const one = renderPage(renderer, model, 'incidents/2024-06-10-db-failover/index.html');
    assert.equal(one, site.get('incidents/2024-06-10-db-failover/index.html'));
    assert.equal(renderPage(renderer, model, 'incidents/nope/index.html'), null);
    const lists = renderListPages(renderer, model).map((f) => f.path);
    assert.ok(lists.includes('index.html') && lists.includes('history/index.html') && lists.includes('actions/index.html') && lists.includes('404.html'));
    assert.ok(lists.includes('services/api/index.html') && lists.includes('tags/index.html') && lists.includes('tags/dns/index.html'));
    assert.equal(renderPage(renderer, model, 'tags/dns/index.html'), site.get('tags/dns/index.html'));
    assert.equal(renderPage(renderer, model, 'incidents/2023-11-05-dns-outage/index.html'), site.get('incidents/2023-11-05-dns-outage/index.html'));
    assert.equal(renderPage(renderer, model, 'assets/style.css'), site.get('assets/style.css'));
    assert.equal(renderPage(renderer, model, 'nothing/index.html'), null);
    assert.deepEqual(renderer.pagePaths(model), [...site.keys()].filter((p) => p.endsWith('.html')));
  });

  test('the template list names every documented template', () => {
    const names = renderer.templates.map((t) => t.name);
    for (const t of TEMPLATES) assert.ok(names.includes(t.name), t.name);
    assert.ok(renderer.templates.every((t) => t.origin === 'builtin'));
  });

  test('a user template or asset in <root>/templates replaces ours; errors name the file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pm-user-'));
    try {
      await mkdir(path.join(root, 'templates', 'partials'), { recursive: true });
      await mkdir(path.join(root, 'templates', 'assets'), { recursive: true });
      await writeFile(path.join(root, 'templates', 'partials', 'footer.eta'), '<footer><p>Custom footer for <%= it.site.config.title %> <%= it.page.title %></p></footer>\n');
      await writeFile(path.join(root, 'templates', 'assets', 'style.css'), 'body{color:red}\n');
      await writeFile(path.join(root, 'templates', 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      const r = await createRenderer({ root });
      const files = asMap(renderPages(r, model));
      assert.match(files.get('index.html')!, /<footer><p>Custom footer for Acme Status <\/p><\/footer>/);
      assert.ok(files.get('incidents/2024-03-02-hostile/index.html')!.includes('Custom footer for Acme Status &lt;script&gt;'), 'user templates escape too');
      assert.equal(files.get('assets/style.css'), 'body{color:red}\n');
      assert.ok(files.has('assets/logo.png') && files.has('assets/local-time.js'));
      const logo = renderPages(r, model).find((f) => f.path === 'assets/logo.png')!;
      assert.ok(logo.content instanceof Uint8Array);
      assert.equal(r.templates.find((t) => t.name === 'partials/footer')!.origin, 'user');
      assert.equal(r.templates.find((t) => t.name === 'layout')!.origin, 'builtin');

      await writeFile(path.join(root, 'templates', 'layout.eta'), '<!doctype html><html lang="en"><title><%= it.page.title %></title><main><%~ it.body %></main></html>');
      const r2 = await createRenderer({ root });
      const page = renderPage(r2, model, 'incidents/2024-06-10-db-failover/index.html') as string;
      assert.match(page, /^<!doctype html><html lang="en"><title>Database failover caused slow queries<\/title><main>/);

      await writeFile(path.join(root, 'templates', 'tags.eta'), '<% if (it.x { %>');
      await assert.rejects(createRenderer({ root }), (e: Error) => e.message.startsWith('templates/tags.eta:1:1: the template cannot be compiled: JavaScript error in this tag'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('long histories', () => {
  let big: SiteModel;
  let files: Map<string, string>;
  before(() => {
    big = bigFixture(1200);
    files = asMap(renderPages(renderer, big));
  });

  const items = (html: string) => (html.match(/<li class="inc /g) ?? []).length;

  test('history is split by year and paginated; every incident is listed exactly once across year pages', () => {
    const index = files.get('history/index.html')!;
    assert.ok(items(index) > 0 && items(index) <= HISTORY_PAGE_SIZE, `${items(index)} on history/index.html`);
    const yearPages = [...files.keys()].filter((p) => /^history\/\d{4}\//.test(p));
    assert.ok(yearPages.length >= 6, yearPages.join());
    const seen = new Map<string, number>();
    for (const p of yearPages) {
      const html = files.get(p)!;
      assert.ok(items(html) <= HISTORY_PAGE_SIZE, `${p}: ${items(html)}`);
      for (const m of html.matchAll(/<a class="inc-title" href="(?:\.\.\/)+incidents\/([^/]+)\/">/g)) seen.set(m[1]!, (seen.get(m[1]!) ?? 0) + 1);
    }
    assert.equal(seen.size, big.incidents.length);
    assert.ok([...seen.values()].every((n) => n === 1));
    assert.match(index, /<nav class="years" aria-label="Years">/);
    assert.match(files.get('history/2020/index.html')!, /<a href="\.\/" aria-current="page">2020/);
    assert.match(files.get('history/2020/page/2/index.html')!, /<a href="\.\.\/\.\.\/" aria-current="true">2020/);
  });

  test('service, tag and action pages are paginated; links still resolve', () => {
    for (const [p, html] of files) {
      if (/^(services|tags)\//.test(p)) assert.ok(items(html) <= LIST_PAGE_SIZE, `${p}: ${items(html)}`);
      if (p.startsWith('actions/')) assert.ok((html.match(/<tr/g) ?? []).length <= ACTIONS_PAGE_SIZE + 2, p);
    }
    assert.ok(files.has('services/api/page/2/index.html'));
    assert.ok(files.has('tags/busy/page/2/index.html'));
    assert.ok(files.has('actions/page/2/index.html'));
    assert.match(files.get('services/api/page/2/index.html')!, /<a href="\.\.\/\.\.\/" rel="prev">← Newer<\/a>/);
    const problems: string[] = [];
    for (const [p, html] of files) if (p.endsWith('.html') && p !== '404.html' && !p.startsWith('incidents/')) problems.push(...brokenLinks(p, html, files, 'https://acme.github.io/status/', producedElsewhere(big)));
    assert.deepEqual(problems, []);
  });

  test('rendering is fast (templates compiled once)', () => {
    const t0 = performance.now();
    const out = renderPages(renderer, big);
    const ms = performance.now() - t0;
    assert.ok(out.length > 1200);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms for ${out.length} files`);
  });
});
