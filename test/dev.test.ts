import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ProjectState } from '../src/project/index.js';
import { patchIncidentModel, publishable, siteModel } from '../src/site/index.js';
import { createRenderer } from '../src/render/index.js';
import { loadProject } from '../src/project/index.js';
import { startDev } from '../src/dev/index.js';
import { main, type Io } from '../src/cli/main.js';
import { resolveRequestPath } from '../src/dev/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'bin', 'postmortem.js');
const NOW = Date.parse('2024-06-15T12:00:00Z');
const ENV = { ...process.env, SOURCE_DATE_EPOCH: String(NOW / 1000), NO_COLOR: '1', FORCE_COLOR: '0' };
const POLL_MS = 50;
const TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// A small project

const SITE = `title: Dev Fixture Status
base_url: https://acme.example/status/
timezone: UTC
services:
  - id: api
    name: API
  - id: website
    name: Website
`;

function incident(o: { title: string; started: string; resolved?: string; services?: string[]; severity?: string; body?: string }): string {
  return `---
title: ${JSON.stringify(o.title)}
summary: Summary of ${o.title.toLowerCase().replace(/[^a-z0-9 ]/g, '')}.
severity: ${o.severity ?? 'major'}
started: ${o.started}
${o.resolved ? `resolved: ${o.resolved}\nroot_cause: A cause.\n` : ''}services: [${(o.services ?? ['api']).join(', ')}]
---

${o.body ?? `## What happened\n\nThe story of ${o.title}.\n`}
`;
}

const FILES: Record<string, string> = {
  'site.yaml': SITE,
  'incidents/2024-05-01-api-outage.md': incident({ title: 'API outage', started: '2024-05-01T10:00:00Z', resolved: '2024-05-01T11:00:00Z' }),
  'incidents/2024-05-10-website-slow.md': incident({ title: 'Website slow', started: '2024-05-10T10:00:00Z', resolved: '2024-05-10T12:00:00Z', services: ['website'], severity: 'minor' }),
  'incidents/2023/2023-11-02-old-outage.md': incident({ title: 'Old outage', started: '2023-11-02T10:00:00Z', resolved: '2023-11-02T10:30:00Z' }),
  'incidents/2023/2023-12-24-holiday-blip.md': incident({ title: 'Holiday blip', started: '2023-12-24T10:00:00Z', resolved: '2023-12-24T10:05:00Z' }),
  'incidents/_template.md': 'not an incident: names starting with _ are skipped\n',
};

async function makeProject(extra: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'postmortem-dev-'));
  for (const [rel, text] of Object.entries({ ...FILES, ...extra })) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeout = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function get(url: string): Promise<{ status: number; type: string; text: string; location: string | null }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), location: res.headers.get('location') };
}

/** A request with the path sent exactly as given (no URL normalization). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls a URL until `test` accepts the response. */
function served(url: string, what: string, test: (r: Awaited<ReturnType<typeof get>>) => boolean) {
  return until(what, async () => {
    const r = await get(url);
    return test(r) ? r : undefined;
  });
}

// ---------------------------------------------------------------------------------------------

describe('postmortem dev (a child process on a temporary project)', () => {
  let root: string;
  let child: ChildProcess;
  let out = '';
  let err = '';
  let base = '';
  let exit: Promise<number | null>;

  before(async () => {
    root = await makeProject();
    child = spawn(process.execPath, [BIN, 'dev', root, '--port', '0'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    base = await until('the URL', () => /Serving (http:\/\/\S+)/.exec(out)?.[1]);
  });

  after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('serves the site under the path of base_url', async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/status\/$/);
    assert.match(out, /Built in \d+ ms \(4 incidents, drafts included\)/);
    const origin = new URL(base).origin;
    const root = await get(`${origin}/`);
    assert.equal(root.status, 302);
    assert.equal(root.location, '/status/');
    assert.equal((await get(`${origin}/status`)).status, 302);
    const outside = await get(`${origin}/elsewhere/index.html`);
    assert.equal(outside.status, 404);
    assert.match(outside.text, /served under <a href="\/status\/">/);

    const home = await get(base);
    assert.equal(home.status, 200);
    assert.equal(home.type, 'text/html; charset=utf-8');
    assert.match(home.text, /Dev Fixture Status/);
    assert.match(home.text, /<script src="\/status\/__postmortem\/client\.js" data-version="\d+" defer><\/script><\/head>/);
    assert.doesNotMatch(home.text, /postmortem-dev-overlay/);

    const page = await get(`${base}incidents/2024-05-01-api-outage/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /The story of API outage/);
    const noSlash = await get(`${base}incidents/2024-05-01-api-outage`);
    assert.equal(noSlash.status, 301);
    assert.equal(noSlash.location, '/status/incidents/2024-05-01-api-outage/');
    assert.equal((await get(`${base}history/`)).status, 200);

    const types: [string, RegExp][] = [
      ['assets/style.css', /^text\/css/],
      ['feed.xml', /^application\/atom\+xml/],
      ['feed.json', /^application\/feed\+json/],
      ['api/incidents.json', /^application\/json/],
      ['badges/api.svg', /^image\/svg\+xml/],
      ['maintenance.ics', /^text\/calendar/],
      ['sitemap.xml', /^application\/xml/],
      ['__postmortem/client.js', /^text\/javascript/],
    ];
    for (const [p, type] of types) {
      const r = await get(base + p);
      assert.equal(r.status, 200, p);
      assert.match(r.type, type, p);
    }
    const feed = await get(`${base}api/incidents.json`);
    assert.equal((JSON.parse(feed.text) as { incidents: unknown[] }).incidents.length, 4);

    const missing = await get(`${base}no/such/page/`);
    assert.equal(missing.status, 404);
    assert.match(missing.text, /<title>[^<]*not found/i, 'the 404 page of the site');
    assert.match(missing.text, /__postmortem\/client\.js/);
    // fetch() normalizes dot segments away; a raw request sends them as a hostile client would.
    for (const bad of ['../site.yaml', '%2e%2e/site.yaml', '..%2fsite.yaml', 'incidents/%2E%2E/%2E%2E/site.yaml', '%ZZ', 'a%00b', 'a%5c..%5csite.yaml']) {
      const r = await rawGet(base, `/status/${bad}`);
      assert.equal(r.status, 400, bad);
      assert.doesNotMatch(r.text, /Dev Fixture|services:/, bad);
    }
  });

  it('rebuilds an edited incident, and the event stream says reload', async () => {
    const controller = new AbortController();
    const events = await fetch(`${base}__postmortem/events`, { signal: controller.signal });
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    let stream = '';
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        stream += decoder.decode(value, { stream: true });
      }
    })().catch(() => undefined);
    await until('the hello event', () => stream.includes('event: hello'));

    const file = path.join(root, 'incidents/2024-05-01-api-outage.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('title: "API outage"', 'title: "API outage, edited"'));
    await until('a reload event', () => /event: reload\ndata: \d+\n\n/.test(stream));
    await served(`${base}incidents/2024-05-01-api-outage/`, 'the edited title', (r) => r.text.includes('API outage, edited'));
    const history = await get(`${base}history/`);
    assert.match(history.text, /API outage, edited/);
    assert.match(out, /Rebuilt in \d+ ms \(incidents\/2024-05-01-api-outage\.md\)/);
    controller.abort();
    await pump;
  });

  it('reports a warning and an error made by editing an existing file, and recovers', async () => {
    const file = path.join(root, 'incidents/2024-05-01-api-outage.md');
    const good = await readFile(file, 'utf8');
    await writeFile(file, good.replace('root_cause: A cause.\n', '').replace('The story of', 'The retold story of'));
    await served(`${base}incidents/2024-05-01-api-outage/`, 'the edit with a warning', (r) => r.text.includes('The retold story'));
    await until('the warning on stdout', () => out.includes('[missing-root-cause]'));
    assert.match(out, /^incidents\/2024-05-01-api-outage\.md:\d+:\d+ warning the incident is resolved but has no root_cause/m);
    assert.doesNotMatch((await get(base)).text, /postmortem-dev-overlay/, 'warnings alone: no overlay');

    await writeFile(file, good.replace('severity: major', 'severity: majr'));
    const broken = await served(`${base}incidents/2024-05-01-api-outage/`, 'the overlay', (r) => r.text.includes('postmortem-dev-overlay'));
    assert.match(broken.text, /The retold story/, 'the last good page');
    assert.match(broken.text, /found &quot;majr&quot; \[invalid-enum\]/);
    assert.match(broken.text, /did you mean &quot;major&quot;\?/);

    await writeFile(file, good);
    const fixed = await served(`${base}incidents/2024-05-01-api-outage/`, 'recovery', (r) => !r.text.includes('postmortem-dev-overlay'));
    assert.match(fixed.text, /The story of API outage/);
  });

  it('keeps serving the last good site with the diagnostics in an overlay and on stdout, and recovers', async () => {
    const broken = path.join(root, 'incidents/2024-06-01-broken.md');
    await writeFile(broken, incident({ title: 'Broken <b>one</b>', started: '2024-06-01T10:00:00Z', severity: '"<script>alert(1)</script>"' }));
    const page = await served(base, 'the overlay', (r) => r.text.includes('id="postmortem-dev-overlay"'));
    assert.equal(page.status, 200);
    assert.match(page.text, /API outage, edited/, 'the last good site');
    assert.match(page.text, /incidents\/2024-06-01-broken\.md:4:11 error severity must be one of critical, major, minor, notice, maintenance; found &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot; \[invalid-enum\]/);
    assert.doesNotMatch(page.text, /<script>alert/, 'diagnostics are escaped');
    const article = await get(`${base}incidents/2024-05-10-website-slow/`);
    assert.match(article.text, /id="postmortem-dev-overlay"/, 'on every page');
    assert.equal((await get(`${base}incidents/2024-06-01-broken/`)).status, 404, 'the broken file is not published');
    await until('the diagnostics on stdout', () => out.includes('[invalid-enum]'));
    assert.match(out, /^incidents\/2024-06-01-broken\.md:4:11 error severity must be one of .*\[invalid-enum\]$/m);
    assert.match(out, /^ {2}> 4 \| severity: /m, 'with the code frame of check');
    assert.match(out, /1 error, 0 warnings in 5 files/);
    assert.match(out, /Not rebuilt .*still serving the last good build/);

    await writeFile(broken, incident({ title: 'Broken <b>one</b>', started: '2024-06-01T10:00:00Z', resolved: '2024-06-01T11:00:00Z', severity: 'minor' }));
    const fixed = await served(`${base}incidents/2024-06-01-broken/`, 'the fixed page', (r) => r.status === 200);
    assert.doesNotMatch(fixed.text, /postmortem-dev-overlay/);
    assert.match(fixed.text, /Broken &lt;b&gt;one&lt;\/b&gt;/);
    assert.doesNotMatch((await get(base)).text, /postmortem-dev-overlay/, 'the overlay is gone');
  });

  it('follows deleted and renamed files', async () => {
    await unlink(path.join(root, 'incidents/2024-06-01-broken.md'));
    await served(`${base}incidents/2024-06-01-broken/`, 'the deleted page to be gone', (r) => r.status === 404);
    await rename(path.join(root, 'incidents/2024-05-10-website-slow.md'), path.join(root, 'incidents/2024-05-10-website-very-slow.md'));
    await served(`${base}incidents/2024-05-10-website-very-slow/`, 'the renamed page', (r) => r.status === 200 && r.text.includes('Website slow'));
    assert.equal((await get(`${base}incidents/2024-05-10-website-slow/`)).status, 404);
  });

  it('follows a whole folder moved at once, with the rules of check (names starting with _ are not incidents)', async () => {
    const rebuildsBefore = out.match(/Rebuilt in/g)?.length ?? 0;
    await rename(path.join(root, 'incidents/2023'), path.join(root, 'incidents/_archive'));
    await served(`${base}incidents/2023-11-02-old-outage/`, 'the moved-away pages to be gone', (r) => r.status === 404);
    assert.equal((await get(`${base}incidents/2023-12-24-holiday-blip/`)).status, 404);
    await rename(path.join(root, 'incidents/_archive'), path.join(root, 'incidents/past'));
    await served(`${base}incidents/2023-11-02-old-outage/`, 'the moved-back pages', (r) => r.status === 200);
    assert.equal((await get(`${base}incidents/2023-12-24-holiday-blip/`)).status, 200);
    const rebuilds = (out.match(/Rebuilt in/g)?.length ?? 0) - rebuildsBefore;
    assert.ok(rebuilds <= 4, `two moves, coalesced: ${rebuilds} rebuilds`);
  });

  it('follows site.yaml and the templates', async () => {
    await writeFile(path.join(root, 'site.yaml'), SITE.replace('Dev Fixture Status', 'Renamed Status'));
    await served(base, 'the new site title', (r) => r.text.includes('Renamed Status'));
    await mkdir(path.join(root, 'templates'), { recursive: true });
    await writeFile(path.join(root, 'templates/404.eta'), `<% layout('layout') %>\n<h1>Custom lost page</h1>\n`);
    const missing = await served(`${base}nowhere/`, 'the user template', (r) => r.text.includes('Custom lost page'));
    assert.equal(missing.status, 404);
    // A template that does not compile: the previous templates stay, the overlay says why.
    await writeFile(path.join(root, 'templates/404.eta'), `<% layout('layout') %>\n<% if ( { %>\n`);
    const overlay = await served(base, 'the template error', (r) => r.text.includes('template-error'));
    assert.match(overlay.text, /Renamed Status/);
    await rm(path.join(root, 'templates'), { recursive: true });
    await served(base, 'recovery from the template error', (r) => !r.text.includes('postmortem-dev-overlay'));
    assert.match((await get(`${base}nowhere/`)).text, /not found/i);
  });

  it('never puts the reload script into build output', async () => {
    const dist = await mkdtemp(path.join(tmpdir(), 'postmortem-dev-dist-'));
    try {
      await promisify(execFile)(process.execPath, [BIN, 'build', root, '--out', path.join(dist, 'site')], { env: ENV });
      const files = (await readdir(path.join(dist, 'site'), { recursive: true })) as string[];
      const html = files.filter((f) => f.endsWith('.html'));
      assert.ok(html.length > 5);
      for (const f of files) assert.ok(!f.includes('__postmortem'), f);
      for (const f of html) assert.doesNotMatch(await readFile(path.join(dist, 'site', f), 'utf8'), /__postmortem|postmortem-dev-overlay|EventSource/, f);
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });

  it('stops on SIGINT with exit status 0, leaving no temporary files', async () => {
    const before = (await readdir(root, { recursive: true })).sort();
    child.kill('SIGINT');
    assert.equal(await exit, 0);
    assert.match(out, /stopping/);
    assert.equal(err, '', 'nothing on stderr');
    assert.deepEqual((await readdir(root, { recursive: true })).sort(), before);
    await assert.rejects(fetch(base));
  });
});

describe('postmortem dev (in process)', () => {
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it('re-renders only the Markdown of what changed', async () => {
    const many: Record<string, string> = {};
    for (let i = 1; i <= 20; i++) {
      const d = String(i).padStart(2, '0');
      many[`incidents/2024-03-${d}-incident-${i}.md`] = incident({ title: `Incident ${i}`, started: `2024-03-${d}T10:00:00Z`, resolved: `2024-03-${d}T11:00:00Z` });
    }
    const root = await makeProject(many);
    roots.push(root);
    const rendered: string[] = [];
    const state = new ProjectState({ root, mode: 'dev', now: () => NOW, onRender: (h) => rendered.push(h) });
    await state.load();
    assert.equal(state.renders, 24, 'every incident once');
    assert.deepEqual(state.counts, { published: 24, tagged: 0 });
    assert.equal(state.hasFileErrors, false);
    assert.equal(rendered.length, 24);

    const rel = 'incidents/2024-03-07-incident-7.md';
    const file = path.join(root, rel);
    await writeFile(file, (await readFile(file, 'utf8')).replace('The story of Incident 7.', 'The **edited** story.'));
    let summary = await state.apply({ files: [rel] });
    assert.deepEqual(summary.files, [rel]);
    assert.equal(state.renders, 25, 'one file edited: one render');
    assert.match(state.result().html.get('2024-03-07-incident-7')!.bodyHtml, /<strong>edited<\/strong>/);

    await state.apply({ files: [rel] });
    assert.equal(state.renders, 25, 'saved without a change: no render');

    await writeFile(path.join(root, 'site.yaml'), SITE.replace('Dev Fixture Status', 'Other'));
    summary = await state.apply({ config: true });
    assert.ok(summary.config);
    assert.equal(state.result().config!.title, 'Other');
    assert.equal(state.renders, 25, 'site.yaml changed: every file validated again, no Markdown rendered');

    await rename(path.join(root, 'incidents/2023'), path.join(root, 'incidents/older'));
    await rename(file, path.join(root, 'incidents/2024-03-07-renamed.md'));
    summary = await state.apply({ rescan: true, files: [rel, 'incidents/2024-03-07-renamed.md'] });
    assert.equal(state.renders, 25, 'moved and renamed files: their text is known, nothing rendered');
    const ids = state.result().incidents.map((i) => i.id);
    assert.ok(ids.includes('2024-03-07-renamed') && !ids.includes('2024-03-07-incident-7'));
    assert.ok(ids.includes('2023-11-02-old-outage'));


    // Broken and fixed: the same diagnostics as check.
    await writeFile(path.join(root, 'incidents/2024-03-30-bad.md'), incident({ title: 'Bad', started: '2024-03-30T10:00:00Z', services: ['nope'] }));
    await state.apply({ rescan: true });
    const fromCheck = await loadProject(root, { now: NOW, drafts: true });
    assert.deepEqual(state.result().diagnostics, fromCheck.diagnostics);
    assert.equal(fromCheck.diagnostics.filter((d) => d.severity === 'error').length, 1);
    assert.equal(state.hasFileErrors, true);
    assert.deepEqual(state.counts, { published: 24, tagged: 0 });
    const snapshot = state.snapshot();
    await unlink(path.join(root, 'incidents/2024-03-30-bad.md'));
    const summary2 = await state.apply({ rescan: true });
    assert.ok(summary2.rescanned && summary2.diagnostics);
    assert.equal(state.hasFileErrors, false);
    assert.equal(snapshot().diagnostics.filter((d) => d.severity === 'error').length, 1, 'a snapshot does not change');
    assert.equal(state.result().diagnostics.length, 0);
    assert.equal(state.renders, 25, 'an invalid file is not rendered');

    // The cache keeps only the HTML of texts still present.
    assert.ok(state.htmlCache.size <= state.files.size);
  });

  it('serves edited incident pages from a patched model, identical to the whole rebuilt model', async () => {
    const many: Record<string, string> = {};
    for (let i = 1; i <= 12; i++) {
      const d = String(i).padStart(2, '0');
      many[`incidents/2024-04-${d}-incident-${i}.md`] = incident({ title: `Incident ${i}`, started: `2024-04-${d}T10:00:00Z`, resolved: `2024-04-${d}T11:00:00Z` });
    }
    const root = await makeProject(many);
    roots.push(root);
    const state = new ProjectState({ root, mode: 'dev', now: () => NOW });
    await state.load();
    const first = state.result();
    assert.ok(publishable(first));
    const base = siteModel(first, NOW, true);
    const renderer = await createRenderer({ root });
    const page = (model: Parameters<typeof renderer.file>[0], p: string) => renderer.file(model, p)!.render();

    const edit = async (rel: string, from: string | RegExp, to: string) => {
      const file = path.join(root, rel);
      await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
      return state.apply({ files: [rel] });
    };
    const rel = 'incidents/2024-04-06-incident-6.md';
    await edit(rel, /^title: .*$/m, 'title: "Sixth, renamed"');
    await edit(rel, 'severity: major', 'severity: critical');
    await edit(rel, 'resolved: 2024-04-06T11:00:00Z', 'resolved: 2024-04-06T15:30:00Z');
    const result = state.result();
    assert.ok(publishable(result));
    const patched = patchIncidentModel(base, { config: result.config, ...state.counts }, [state.files.get(rel)!], NOW, true);
    assert.ok(patched, 'patchable');
    const full = siteModel(result, NOW, true);
    for (const id of ['2024-04-06-incident-6', '2024-04-05-incident-5', '2024-04-07-incident-7', '2024-05-01-api-outage']) {
      const p = `incidents/${id}/index.html`;
      assert.equal(page(patched, p), page(full, p), p);
    }
    assert.match(String(page(patched, 'incidents/2024-04-07-incident-7/index.html')), /Sixth, renamed/, 'the neighbour links to the new title');

    // Not patchable: the order changes, an incident appears, or the configuration changed.
    await edit(rel, 'started: 2024-04-06T10:00:00Z', 'started: 2024-04-06T09:00:00Z');
    const project = () => ({ config: state.config!, ...state.counts });
    assert.equal(patchIncidentModel(base, project(), [state.files.get(rel)!], NOW, true), null);
    await writeFile(path.join(root, 'incidents/2024-04-30-new.md'), incident({ title: 'New', started: '2024-04-30T10:00:00Z', resolved: '2024-04-30T11:00:00Z' }));
    await state.apply({ rescan: true });
    assert.equal(patchIncidentModel(base, project(), [state.files.get('incidents/2024-04-30-new.md')!], NOW, true), null);
    assert.equal(patchIncidentModel(base, project(), [], NOW + 2 * 60_000, true), null, 'too old a "now"');
  });

  it('takes the next port when the asked one is in use, and says so', async () => {
    const root = await makeProject();
    roots.push(root);
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    let out = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: { SOURCE_DATE_EPOCH: String(NOW / 1000) }, cwd: root };
    const session = await startDev({ root, port: taken, host: '127.0.0.1', io });
    try {
      assert.notEqual(session.port, taken);
      assert.match(out, new RegExp(`port ${taken} is in use; serving on ${session.port}`));
      assert.equal(session.url, `http://127.0.0.1:${session.port}/status/`);
      assert.equal((await fetch(session.url)).status, 200);
    } finally {
      await session.close();
      await new Promise((r) => blocker.close(r));
    }
    assert.equal(await session.done, 0);
  });

  it('rejects a bad --port', async () => {
    let err = '';
    const io: Io = { out: () => undefined, err: (s) => void (err += s), color: false, env: {}, cwd: tmpdir() };
    assert.equal(await main(['dev', tmpdir(), '--port', 'http'], io), 2);
    assert.match(err, /--port must be a whole number from 0 to 65535/);
  });

  it('maps request paths safely', () => {
    assert.deepEqual(resolveRequestPath('/status/a/b/?x=1', '/status/'), { kind: 'site', path: 'a/b/' });
    assert.deepEqual(resolveRequestPath('/status/caf%C3%A9', '/status/'), { kind: 'site', path: 'café' });
    assert.deepEqual(resolveRequestPath('/', '/status/'), { kind: 'redirect', location: '/status/' });
    assert.deepEqual(resolveRequestPath('/status?q', '/status/'), { kind: 'redirect', location: '/status/?q' });
    assert.deepEqual(resolveRequestPath('/statusx/', '/status/'), { kind: 'outside' });
    assert.deepEqual(resolveRequestPath('/', '/'), { kind: 'site', path: '' });
    assert.deepEqual(resolveRequestPath('/my%20status/x', '/my%20status/'), { kind: 'site', path: 'x' });
    for (const bad of ['/status/../x', '/status/%2e%2e/x', '/status/a//b', '/status/./a', '/status/%E0%A4%A', '/status/a%00', '/status/a%5cb', 'status/']) {
      assert.deepEqual(resolveRequestPath(bad, '/status/'), { kind: 'bad' }, bad);
    }
  });
});
