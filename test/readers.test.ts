/**
 * What a new reader tripped over (issue 17): one rule for the banner, the header's dot and the pills; the incident
 * page of an ongoing and of a resolved incident; the history's order; images in postmortems, on pages and in feeds;
 * the site's time zone and the days its bars, months, API and file names follow; the cache's tool identity.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AffectedService, Impact, Incident } from '../src/core/index.js';
import { escapeHtml, STATUS_RANK } from '../src/core/index.js';
import { buildSiteModel, patchIncidentModel } from '../src/site/index.js';
import { createRenderer, renderNow, type Renderer } from '../src/render/index.js';
import type { SiteModel } from '../src/site/index.js';
import { intlVersions } from '../src/project/index.js';
import { DAY, HOUR, MINUTE, makeConfig, makeIncident, makeModel, T } from './helpers/factory.js';
import { checkJson, REPO_ROOT, runCli, tempProject } from './helpers/cli.js';

const NOW = '2024-06-15T12:00:00Z';
let renderer: Renderer;
let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pm-readers-'));
  renderer = await createRenderer({ root });
});
after(() => rm(root, { recursive: true, force: true }));

const page = (model: SiteModel, p: string) => String(renderer.file(model, p)!.render());
/** A model whose timeline texts are in the HTML (the factory's stand-in renders them empty). */
const withTimeline = (incidents: Incident[]) =>
  buildSiteModel(makeConfig(), incidents, {
    now: T(NOW),
    drafts: false,
    html: (i) => ({ bodyHtml: i.body ? `<p>${escapeHtml(i.body)}</p>` : '', rootCauseHtml: '', timelineHtml: i.timeline.map((e) => escapeHtml(e.text)) }),
  });
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe('one rule for the banner, the header dot and the pills', () => {
  const IMPACTS: (Impact | null)[] = ['major_outage', 'partial_outage', 'degraded_performance', null];
  // A small deterministic generator: the same cases on every run.
  let seed = 17;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

  test('the banner and the dot are the worst pill among the active cards; each pill is its incident\'s worst impact', () => {
    for (let trial = 0; trial < 60; trial++) {
      const incidents = Array.from({ length: 1 + rand(4) }, (_, i) => {
        const services: AffectedService[] = ['api', 'website', 'db'].filter(() => rand(2) === 0).map((id) => ({ id, impact: IMPACTS[rand(4)]! }));
        if (!services.length) services.push({ id: 'api', impact: IMPACTS[rand(4)]! });
        const severity = (['critical', 'major', 'minor', 'notice'] as const)[rand(4)]!;
        return makeIncident({ id: `i${i}`, severity, started: T(NOW) - (i + 1) * HOUR, services });
      });
      if (rand(3) === 0) incidents.push(makeIncident({ id: 'm', severity: 'maintenance', started: T(NOW) - HOUR, resolved: T(NOW) + HOUR, services: ['db'] }));
      const model = makeModel(incidents, { now: NOW });
      const html = page(model, 'index.html');
      const banner = /<div class="banner banner-([a-z]+)">\s*<h1><span class="ico" aria-hidden="true"><\/span>([^<]+)<\/h1>/.exec(html)!;
      const dot = /<span class="logo st-([a-z_]+)" aria-hidden="true">/.exec(html)![1]!;
      const cards = [...html.matchAll(/<article class="card card-([a-z_]+)">[\s\S]*?<span class="pill st-([a-z_]+)">/g)].map((m) => m[2]!);
      const shown = cards.filter((c) => c !== 'no_impact') as Impact[];
      const worst = shown.length ? shown.reduce((w, c) => (STATUS_RANK[c] < STATUS_RANK[w] ? c : w)) : 'operational';
      assert.equal(dot, worst, `trial ${trial}: the header dot`);
      assert.equal(model.overall.status, worst, `trial ${trial}: the banner's status`);
      assert.equal(banner[1], model.overall.indicator);
      assert.equal(banner[2], { operational: 'All Systems Operational', degraded_performance: 'Degraded Performance', partial_outage: 'Partial Outage', major_outage: 'Major Outage', under_maintenance: 'Under Maintenance' }[worst]);
      for (const inc of [...model.active, ...model.maintenanceActive]) {
        const expected = inc.services.reduce<Impact | null>((w, s) => (s.impact !== null && (w === null || STATUS_RANK[s.impact] < STATUS_RANK[w]) ? s.impact : w), null) ?? 'no_impact';
        const card = html.slice(html.indexOf(`href="incidents/${inc.id}/"`));
        assert.equal(/<span class="pill st-([a-z_]+)">/.exec(card)![1], expected, `trial ${trial}: pill of ${inc.id}`);
      }
    }
  });

  test('the pill says the impact in the words of the services\' status; the severity is a labelled fact of the incident page', () => {
    // A major incident whose team wrote a smaller impact: the banner said "Minor Service Outage" beside a MAJOR pill.
    const model = makeModel([makeIncident({ id: 'gh', severity: 'major', started: T(NOW) - HOUR, services: [{ id: 'api', impact: 'degraded_performance' }] })], { now: NOW });
    const status = text(page(model, 'index.html'));
    assert.match(status, /Degraded Performance Updated/);
    assert.match(status, /Incident gh Degraded performance Investigating/);
    assert.doesNotMatch(status, /\bMajor\b/);
    const incident = text(page(model, 'incidents/gh/index.html'));
    assert.match(incident, /Degraded performance Investigating Incident gh/);
    assert.match(incident, /Severity Major Started/);
  });
});

describe('dev patches an incident page only when the header\'s dot cannot change', () => {
  test('an ongoing incident whose impact changes needs the whole model; a resolved one may be patched', () => {
    const ongoing = makeIncident({ id: 'on', severity: 'major', started: T(NOW) - HOUR });
    const resolved = makeIncident({ id: 'off', severity: 'major', started: T(NOW) - 2 * DAY, resolved: T(NOW) - DAY });
    const base = makeModel([ongoing, resolved], { now: NOW });
    const project = { config: base.config, published: 2, tagged: 0 };
    const edit = (inc: Incident) => [{ file: inc.file, incident: inc, diagnostics: [] }];
    assert.equal(patchIncidentModel(base, project, edit({ ...ongoing, services: [{ id: 'api', impact: 'major_outage' }] }), T(NOW), false), null);
    assert.equal(patchIncidentModel(base, project, edit({ ...ongoing, title: 'Renamed' }), T(NOW), false)?.byId.get('on')?.title, 'Renamed');
    assert.ok(patchIncidentModel(base, project, edit({ ...resolved, services: [{ id: 'api', impact: 'major_outage' }] }), T(NOW), false));
  });
});

describe('the incident page', () => {
  const updates = [
    { at: T('2024-06-15T10:05:00Z'), text: 'We are looking into elevated error rates on the API.', status: 'investigating' as const },
    { at: T('2024-06-15T10:20:00Z'), text: 'Deploy logs show the gateway config changed.' },
    { at: T('2024-06-15T10:40:00Z'), text: 'The cause is a bad gateway deploy; rolling back now.', status: 'identified' as const },
  ];

  test('ongoing: not mitigated yet, notes rather than a postmortem, each update once', () => {
    const model = withTimeline([makeIncident({ id: 'now', severity: 'critical', started: '2024-06-15T10:00:00Z', detected: '2024-06-15T10:04:00Z', timeline: updates, body: 'Early notes.' })]);
    const html = page(model, 'incidents/now/index.html');
    const t = text(html);
    assert.match(t, /Time to detect 4 min Time to mitigate Not yet/);
    assert.match(html, /<h2 id="writeup">Notes<\/h2>/);
    assert.doesNotMatch(html, />Postmortem</);
    for (const u of updates) assert.equal(t.split(u.text).length, 2, `"${u.text}" once`);
    assert.equal([...html.matchAll(/<li class="tl-update">/g)].length, 2, 'the status updates are marked in the timeline');
  });

  test('resolved: a postmortem, and a missing time says it was not recorded', () => {
    const model = withTimeline([makeIncident({ id: 'done', severity: 'critical', started: '2024-06-15T10:00:00Z', resolved: '2024-06-15T11:00:00Z', timeline: updates, body: 'What happened.' })]);
    const html = page(model, 'incidents/done/index.html');
    assert.match(text(html), /Time to detect Not recorded Time to mitigate Not recorded/);
    assert.match(html, /<h2 id="writeup">Postmortem<\/h2>/);
    for (const u of updates) assert.equal(text(html).split(u.text).length, 2);
  });

  test('on a phone, an action without owner or due date shows no empty row (the cell is marked blank, which the narrow layout hides)', async () => {
    const model = makeModel([makeIncident({ id: 'a', started: '2024-06-01T10:00:00Z', resolved: '2024-06-01T11:00:00Z', actions: [{ title: 'Do it', status: 'open' }] })], { now: NOW });
    const row = /<tbody>([\s\S]*?)<\/tbody>/.exec(page(model, 'incidents/a/index.html'))![1]!;
    assert.match(row, /<td data-label="Owner:" class="blank">—<\/td>/);
    assert.match(row, /<td data-label="Due:" class="blank">—<\/td>/);
    assert.match(row, /<td data-label="Status:">/);
    const css = String(renderNow(renderer.files(model)).find((f) => f.path === 'assets/style.css')!.content);
    const narrow = css.slice(css.indexOf('@media (max-width:40em)'));
    assert.match(narrow, /\.actions td\.blank\{display:none\}/);
    assert.match(narrow, /\.actions td\[data-label\]::before\{content:attr\(data-label\) " "/);
  });
});

describe('the history', () => {
  test('lists what has happened, newest first: maintenance still to come is not at its top', () => {
    const model = makeModel(
      [
        makeIncident({ id: 'old', started: '2024-05-01T10:00:00Z', resolved: '2024-05-01T11:00:00Z' }),
        makeIncident({ id: 'soon', severity: 'maintenance', started: '2024-06-20T02:00:00Z', resolved: '2024-06-20T04:00:00Z' }),
        makeIncident({ id: 'recent', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T11:00:00Z' }),
      ],
      { now: NOW },
    );
    const html = page(model, 'history/index.html');
    assert.deepEqual([...html.matchAll(/href="\.\.\/incidents\/([a-z]+)\/"/g)].map((m) => m[1]), ['recent', 'old']);
    assert.match(page(model, 'index.html'), /Scheduled maintenance[\s\S]*incidents\/soon\//, 'it is on the status page');
  });
});

// ---------------------------------------------------------------------------------------------

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
const incidentWith = (body: string, extra = '') =>
  `---\ntitle: Lease errors\nsummary: S\nseverity: minor\nstarted: 2024-01-02T10:00:00Z\nresolved: 2024-01-02T11:00:00Z\nservices: [api]\nroot_cause: See ![the graph](/img/graph.svg).\n${extra}---\n\n${body}\n`;

describe('images in postmortems', () => {
  test('next to the incident file or in static/: on the page relative to it, in both feeds absolute under base_url', async () => {
    const p = await tempProject({
      'site.yaml': 'title: Acme\nbase_url: https://acme.github.io/status/\nservices:\n  - { id: api, name: API }\n',
      'static/img/graph.svg': SVG,
      'incidents/2024/diagram.svg': SVG,
      'incidents/2024/2024-01-02-lease.md': incidentWith('![Error rate by minute](diagram.svg)\n\n![Graph](../../static/img/graph.svg)\n\n`![in code](nope.png)`', 'timeline:\n  - { at: 2024-01-02T10:05:00Z, status: investigating, text: "Errors ![errors](diagram.svg)" }\n'),
    }, false);
    try {
      const r = await runCli(['build', p.dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = path.join(p.dir, 'dist');
      const html = await readFile(path.join(out, 'incidents/2024-01-02-lease/index.html'), 'utf8');
      const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
      assert.deepEqual(srcs, ['../2024/diagram.svg', '../2024/diagram.svg', '../../img/graph.svg', '../../img/graph.svg']);
      // Each resolves, under the site's sub-path, to a file of the output.
      for (const src of srcs) {
        const url = new URL(src, 'https://acme.github.io/status/incidents/2024-01-02-lease/');
        assert.ok(url.pathname.startsWith('/status/'), src);
        assert.equal(await readFile(path.join(out, decodeURI(url.pathname.slice('/status/'.length))), 'utf8'), SVG);
      }
      assert.doesNotMatch(html, /nope\.png"/, 'an address in code is not an image');
      // The status page shows the update with its image: addressed from there.
      assert.match(await readFile(path.join(out, 'history/index.html'), 'utf8'), /Lease errors/);
      const feed = JSON.parse(await readFile(path.join(out, 'feed.json'), 'utf8')) as { items: { content_html: string }[] };
      assert.deepEqual([...feed.items[0]!.content_html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]), [
        'https://acme.github.io/status/img/graph.svg',
        'https://acme.github.io/status/incidents/2024/diagram.svg',
        'https://acme.github.io/status/img/graph.svg',
      ]);
      const atom = await readFile(path.join(out, 'feed.xml'), 'utf8');
      assert.deepEqual([...atom.matchAll(/&lt;img src=&quot;([^&]+)&quot;/g)].map((m) => m[1]), feed.items[0]!.content_html.match(/<img src="([^"]+)"/g)!.map((s) => s.slice(10, -1)));
      assert.doesNotMatch(atom + JSON.stringify(feed), /src=\\?"\.\.\//, 'no relative image address in a feed');
    } finally {
      await p.cleanup();
    }
  });

  test('without base_url, a feed addresses images from where it is', async () => {
    const p = await tempProject({ 'static/img/graph.svg': SVG, 'incidents/2024-01-02-lease.md': incidentWith('![Diagram](/img/graph.svg)') });
    try {
      const r = await runCli(['build', p.dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const feed = JSON.parse(await readFile(path.join(p.dir, 'dist', 'feed.json'), 'utf8')) as { items: { content_html: string }[] };
      assert.match(feed.items[0]!.content_html, /<img src="img\/graph\.svg" alt="Diagram">/);
    } finally {
      await p.cleanup();
    }
  });

  test('a missing file is an error at the image, with the file it looked for; a path out of the project is refused; no alt is a warning', async () => {
    const p = await tempProject({
      'static/img/graph.svg': SVG,
      'templates/secret.png': 'x',
      'incidents/2024-01-02-lease.md': incidentWith(['![](/img/graph.svg)', '', '![Graph](/img/grahp.svg)', '', '![Up](../../../etc/passwd.png)', '', '![Templates](../templates/secret.png)', '', '![Linked](linked.png)'].join('\n')),
    });
    try {
      await symlink('/etc/hostname', path.join(p.dir, 'static', 'linked.png')).catch(() => undefined);
      await symlink('../static/linked.png', path.join(p.dir, 'incidents', 'linked.png'));
      await writeFile(path.join(p.dir, 'dist-marker'), '');
      const { report, code } = await checkJson(p.dir);
      assert.equal(code, 1);
      const mine = report.diagnostics.filter((d) => d.file === 'incidents/2024-01-02-lease.md').map((d) => [d.line, d.column, d.rule, d.severity, d.message, d.hint ?? '']);
      assert.deepEqual(mine, [
        [11, 1, 'image-alt-missing', 'warning', 'the image "/img/graph.svg" has no alternative text; readers who cannot see it learn nothing from it', 'describe it: ![what the picture shows](/img/graph.svg)'],
        [13, 1, 'image-missing', 'error', 'the image "/img/grahp.svg" names static/img/grahp.svg, which does not exist', 'did you mean "/img/graph.svg" (static/img/graph.svg)?'],
        [15, 1, 'image-outside', 'error', 'the image "../../../etc/passwd.png" leaves the project; expected a file next to the incident (e.g. "diagram.svg") or in static/ (e.g. "/img/diagram.svg")', ''],
        [17, 1, 'image-outside', 'error', 'the image "../templates/secret.png" names templates/secret.png, outside incidents/ and static/; expected a file next to the incident (e.g. "diagram.svg") or in static/ (e.g. "/img/diagram.svg")', ''],
        [19, 1, 'image-outside', 'error', 'the image "linked.png" is a link to a file outside incidents/ and static/; refusing to read it', 'copy the picture into the project instead of linking to it'],
      ]);
      // What check refuses, build refuses, writing nothing.
      const build = await runCli(['build', p.dir]);
      assert.equal(build.code, 1);
      await assert.rejects(readdir(path.join(p.dir, 'dist')));
    } finally {
      await p.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the display time zone and the days the site counts', () => {
  // 20 Nov 2026 23:30 UTC is 21 Nov 12:30 in Auckland (UTC+13): the day of the incident depends on the zone.
  const EPOCH = String(Date.UTC(2026, 10, 21, 20, 0) / 1000);
  const project = (zone: string | null) =>
    tempProject({
      'site.yaml': `title: Acme\n${zone ? `display_timezone: ${zone}\n` : ''}services:\n  - { id: api, name: API, since: 2026-01-01 }\n`,
      'incidents/late-night.md': '---\ntitle: Late night outage\nsummary: S\nseverity: critical\nstarted: 2026-11-20T23:30:00Z\nresolved: 2026-11-21T00:10:00Z\nservices: [api]\nroot_cause: x\n---\n',
    }, false);

  for (const [zone, day, other, time] of [
    ['Pacific/Auckland', '2026-11-21', '2026-11-20', '21 Nov 2026, 12:30 GMT+13'],
    [null, '2026-11-20', '2026-11-21', '20 Nov 2026, 23:30 UTC'],
  ] as const) {
    test(`${zone ?? 'UTC (the default)'}: the page's bar, its monthly table, the API and the history agree on the day`, async () => {
      const p = await project(zone);
      try {
        const r = await runCli(['build', p.dir], { env: { SOURCE_DATE_EPOCH: EPOCH } });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const out = path.join(p.dir, 'dist');
        const api = JSON.parse(await readFile(path.join(out, 'api', 'services.json'), 'utf8')) as { timezone: string; services: { days: { date: string; incidents: string[]; downtime_minutes: number }[] }[] };
        assert.equal(api.timezone, zone ?? 'UTC');
        const days = api.services[0]!.days;
        const withIt = days.filter((d) => d.incidents.includes('late-night'));
        assert.deepEqual(withIt.map((d) => [d.date, d.downtime_minutes]), zone ? [[day, 40]] : [[day, 30], [other, 10]]);
        const html = await readFile(path.join(out, 'index.html'), 'utf8');
        const label = (d: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${d}T00:00:00Z`));
        assert.match(html, new RegExp(`<span class="tip">${label(day)}: Major outage, [^<]*; 1 incident: Late night outage</span>`));
        assert.equal(days.at(-1)!.date, zone ? '2026-11-22' : '2026-11-21', 'the last cell is today in the zone');
        assert.ok((await readFile(path.join(out, 'incidents/late-night/index.html'), 'utf8')).includes(`<time datetime="2026-11-20T23:30:00Z">${time}</time>`), time);
        assert.match(await readFile(path.join(out, 'history/index.html'), 'utf8'), /<h2 id="m-2026-11"><time datetime="2026-11">November 2026<\/time><\/h2>/);
        assert.match(html, zone ? /Times are shown in New Zealand Time \(Pacific\/Auckland\)\./ : /Times are shown in UTC\./);
        assert.match(html, new RegExp(`<html lang="en" data-time-zone="${zone ?? 'UTC'}" data-hour-cycle="h23">`));
        // Machine-readable times stay UTC.
        assert.match(await readFile(path.join(out, 'feed.xml'), 'utf8'), /<published>2026-11-20T23:30:00Z<\/published>/);
        // `new` names a file after the day the site puts the incident on.
        const made = await runCli(['new', 'Another late one', '--root', p.dir, '--started', '2026-11-20T23:45:00Z', '--services', 'api'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
        assert.equal(made.code, 0, made.stderr);
        assert.ok((await readdir(path.join(p.dir, 'incidents'))).includes(`${day}-another-late-one.md`));
      } finally {
        await p.cleanup();
      }
    });
  }

  test('a 12-hour clock, in the pages and in the reader\'s own time the script adds', async () => {
    const p = await tempProject({ 'site.yaml': 'title: Acme\ndisplay_timezone: America/New_York\nclock: 12h\nlanguage: en-US\nservices:\n  - { id: api, name: API }\n', 'static/img/graph.svg': SVG, 'incidents/a.md': incidentWith('') });
    try {
      const r = await runCli(['build', p.dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const html = await readFile(path.join(p.dir, 'dist/incidents/a/index.html'), 'utf8');
      assert.match(html, /<time datetime="2024-01-02T10:00:00Z">Jan 2, 2024, 5:00 AM EST<\/time>/);
      assert.match(html, /data-hour-cycle="h12"/);
    } finally {
      await p.cleanup();
    }
  });
});

describe('the cache knows which Intl data wrote the pages', () => {
  test('the ICU, CLDR and time-zone versions are in the tool identity: another Node\'s data rebuilds everything', async () => {
    assert.match(intlVersions(), new RegExp(`icu ${process.versions.icu} cldr ${process.versions.cldr} tz ${process.versions.tz}`));
    assert.notEqual(intlVersions({ ...process.versions, tz: '1999a' }), intlVersions());
    const identity = (tz?: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--input-type=module', '-e', `${tz ? `Object.defineProperty(process, 'versions', { value: { ...process.versions, tz: '${tz}' } });` : ''}const { toolIdentity } = await import('./build/src/project/index.js'); console.log(toolIdentity());`],
          { cwd: REPO_ROOT },
          (e, out) => (e ? reject(e) : resolve(out.trim())),
        ),
      );
    const [a, b, c] = await Promise.all([identity(), identity(), identity('1999a')]);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});

/** Durations as cards show them, end to end. */
describe('durations in lists and cards', () => {
  test('24 h 11 min is not "1 d", and no number wraps away from its unit', () => {
    const model = makeModel([makeIncident({ id: 'gh', started: T(NOW) - 3 * DAY, resolved: T(NOW) - 3 * DAY + 24 * HOUR + 11 * MINUTE })], { now: NOW });
    assert.match(page(model, 'history/index.html'), /Lasted 1\u00a0d 11\u00a0min/);
  });
});
