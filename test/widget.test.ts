/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The embeddable status: `assets/widget.js` (a few KB, no dependency) on a page of another origin, and `embed/` in an
 * iframe there. In Debian's Chromium, a host page served from one local port includes the widget of a status site
 * served from another (with CORS, as GitHub Pages serves it): nothing shown while all is operational, a banner with
 * the active incident otherwise, untouched by the host page's CSS, in both colour schemes, accessible; nothing shown
 * when the site is unreachable; and nothing it read ever runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { describeViolations, launchChromium, type AxeViolation, materializeFixture, REPO, runAxe, runCli, serveStatic, SKIP_BROWSER } from './helpers/browser.js';

const WIDGET = path.join(REPO, 'templates', 'assets', 'widget.js');

describe('the widget script', () => {
  it('is a few KB, depends on nothing, and never writes HTML it read', async () => {
    const source = await readFile(WIDGET);
    assert.ok(source.length <= 7 * 1024, `widget.js is ${source.length} bytes; keep it under 7 KiB`);
    assert.ok(gzipSync(source).length <= 3 * 1024, `widget.js is ${gzipSync(source).length} bytes gzipped; keep it under 3 KiB`);
    const text = source.toString('utf8');
    assert.doesNotMatch(text, /\bimport\b|\brequire\(|importScripts|\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/, 'no dependency, no HTML or code from text');
  });
});

/** A static host: the built site under /status/, with the CORS header GitHub Pages sends. */
async function statusSite(name: 'example' | 'ongoing', dir: string): Promise<{ base: string; close(): Promise<void> }> {
  const server = await serveStatic(dir, '/status/', { 'access-control-allow-origin': '*' });
  const project = name === 'example' ? REPO : await materializeFixture(name);
  const r = await runCli(['build', project, '--out', dir, '--base-url', server.base]);
  if (project !== REPO) await rm(project, { recursive: true, force: true });
  assert.equal(r.code, 0, r.stderr);
  return server;
}

/** The host pages, from another origin: `/<name>` serves pages[name]. The host's own CSS tries hard to restyle everything. */
async function hostSite(pages: Map<string, string>): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').slice(1));
    if (html === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const HOSTILE_CSS = `<style>
div, span, a, p, strong { display: inline !important; font-size: 40px !important; color: #0f0 !important; background: #f0f !important; border: 0 !important; }
[role=status] { display: none !important; }
</style>`;

function hostPage(scriptTag: string, extra = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>${HOSTILE_CSS}</head>
<body><main><h1>Our product</h1><p>Before the widget.</p>${scriptTag}<p>After the widget.</p>${extra}</main></body></html>`;
}

interface Seen {
  text: string;
  links: { href: string; target: string; text: string }[];
  fontSize: string;
  background: string;
  display: string;
  role: string | null;
  images: number;
}

/** What the widget shows inside its shadow root (null: nothing). */
async function widget(page: Page): Promise<Seen | null> {
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => {
    const host = document.querySelector('postmortem-status');
    const banner = host?.shadowRoot?.querySelector('.b') as HTMLElement | null | undefined;
    if (!banner) return null;
    const style = getComputedStyle(banner);
    return {
      text: (banner.textContent ?? '').replace(/\s+/g, ' ').trim(),
      links: [...banner.querySelectorAll('a')].map((a) => ({ href: a.href, target: a.target, text: a.textContent ?? '' })),
      fontSize: style.fontSize,
      background: style.backgroundColor,
      display: style.display,
      role: banner.getAttribute('role'),
      images: host!.shadowRoot!.querySelectorAll('img, script, iframe').length,
    };
  });
}

describe('the widget and embed/ on a page of another origin, in Chromium', { skip: SKIP_BROWSER ? 'POSTMORTEM_SKIP_BROWSER=1' : false }, () => {
  let browser: Browser;
  let work: string;
  let operational: { base: string; close(): Promise<void> };
  let ongoing: { base: string; close(): Promise<void> };
  let host: { origin: string; close(): Promise<void> };
  const pages = new Map<string, string>();

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pm-widget-'));
    [operational, ongoing] = await Promise.all([statusSite('example', path.join(work, 'example')), statusSite('ongoing', path.join(work, 'ongoing'))]);
    host = await hostSite(pages);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([operational?.close(), ongoing?.close(), host?.close()]);
    await rm(work, { recursive: true, force: true });
  });

  /** Open host page `name` (with `html`) in a fresh page of the given scheme; collects errors and dialogs. */
  async function open(name: string, html: string, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
    pages.set(name, html);
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${host.origin}/${name}`);
    return { page, errors };
  }

  it('shows nothing while every service is operational, unless asked to always show', async () => {
    const quiet = await open('quiet', hostPage(`<script src="${operational.base}assets/widget.js" async></script>`));
    assert.equal(await widget(quiet.page), null);
    assert.equal(await quiet.page.locator('postmortem-status').count(), 1, 'the widget ran, and found nothing to say');
    const always = await open('always', hostPage(`<script src="${operational.base}assets/widget.js" data-always="true"></script>`));
    const seen = await widget(always.page);
    assert.equal(seen?.text, 'All Systems Operational');
    assert.deepEqual(seen?.links, [{ href: operational.base, target: '_blank', text: 'All Systems Operational' }]);
    assert.deepEqual([...quiet.errors, ...always.errors], []);
    await quiet.page.context().close();
    await always.page.context().close();
  });

  it('shows the worst active incident with a link to it, untouched by the host CSS, in both schemes, accessibly', async () => {
    for (const [scheme, background] of [
      ['light', 'rgb(255, 255, 255)'],
      ['dark', 'rgb(13, 17, 23)'],
    ] as const) {
      const { page, errors } = await open(`incident-${scheme}`, hostPage(`<script src="${ongoing.base}assets/widget.js" async></script>`), scheme);
      const seen = await widget(page);
      assert.ok(seen, `a banner (${scheme})`);
      assert.equal(seen.text, 'Major Service Outage: API returns 503 errors for most requests Identified +2 more');
      assert.deepEqual(seen.links, [{ href: `${ongoing.base}incidents/api-503-errors/`, target: '_blank', text: 'API returns 503 errors for most requests' }]);
      assert.equal(seen.role, 'status');
      assert.deepEqual([seen.fontSize, seen.display, seen.background], ['14px', 'flex', background], 'the host page cannot restyle it');
      assert.ok(await page.locator('postmortem-status').isVisible());
      // axe on the widget alone (the host page's own CSS is deliberately awful), into its shadow root.
      await runAxe(page, ['color-contrast']);
      const result = (await page.evaluate(`axe.run({ include: [['postmortem-status']] }, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'] } })`)) as { violations: AxeViolation[]; passes?: unknown };
      const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(violations, [], describeViolations(violations));
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  it('goes where data-target says, and reads the site data-site names', async () => {
    const { page, errors } = await open('target', hostPage(`<script src="${operational.base}assets/widget.js" data-site="${ongoing.base}" data-target="#here"></script>`, '<div id="here"></div>'));
    assert.match((await widget(page))?.text ?? '', /^Major Service Outage: API returns 503 errors/);
    assert.equal(await page.locator('#here postmortem-status').count(), 1);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('shows nothing, and throws nothing, when the status site is unreachable', async () => {
    const closed = 'http://127.0.0.1:9/status/';
    const { page, errors } = await open('unreachable', hostPage(`<script src="${ongoing.base}assets/widget.js" data-site="${closed}" data-always="true"></script>`));
    assert.equal(await widget(page), null);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('never runs anything it read: markup is text, and only links of the status site are links', async () => {
    const file = path.join(work, 'ongoing', 'api', 'v2', 'summary.json');
    const original = await readFile(file, 'utf8');
    const summary = JSON.parse(original) as { incidents: { name: string; shortlink: string; status: string }[] };
    summary.incidents[0]!.name = '<img src=x onerror="window.__pwned=1;alert(1)">Evil';
    summary.incidents[0]!.shortlink = 'javascript:window.__pwned=2';
    summary.incidents[0]!.status = '<b>investigating</b>';
    await writeFile(file, JSON.stringify(summary));
    try {
      const { page, errors } = await open('hostile', hostPage(`<script src="${ongoing.base}assets/widget.js"></script>`));
      const seen = await widget(page);
      assert.equal(seen?.text, 'Major Service Outage: <img src=x onerror="window.__pwned=1;alert(1)">Evil +2 more');
      assert.deepEqual(seen?.links.map((l) => l.href), [ongoing.base], 'a script URL became the site home');
      assert.equal(seen?.images, 0);
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      assert.deepEqual(errors, []);
      await page.context().close();
    } finally {
      await writeFile(file, original);
    }
  });

  it('embed/ in an iframe: the status and the active incidents, links opening the status site', async () => {
    const frame = (base: string) => `<iframe src="${base}embed/" title="Service status" width="500" height="140"></iframe>`;
    const { page, errors } = await open('embed', hostPage('', frame(ongoing.base) + frame(operational.base)));
    await page.waitForLoadState('networkidle');
    const [busy, quiet] = page.frames().slice(1);
    const links = (f: typeof busy) => f!.$$eval('a', (as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href, (a as HTMLAnchorElement).target || (document.querySelector('base') as HTMLBaseElement | null)?.target]));
    // The banner's words, from the catalogue as on the status page (the widget keeps Statuspage's description).
    assert.equal((await busy!.textContent('h1'))?.trim(), 'Major Outage');
    assert.deepEqual((await links(busy)).slice(0, 4), [
      ['Major Outage', ongoing.base, '_blank'],
      ['API returns 503 errors for most requests', `${ongoing.base}incidents/api-503-errors/`, '_blank'],
      ['Search results are slow', `${ongoing.base}incidents/search-slow/`, '_blank'],
      ['Primary database upgrade to PostgreSQL 17', `${ongoing.base}incidents/db-upgrade/`, '_blank'],
    ]);
    assert.equal((await quiet!.textContent('h1'))?.trim(), 'All Systems Operational');
    assert.equal(await quiet!.$$eval('li', (l) => l.length), 0);
    assert.equal(await busy!.evaluate(() => getComputedStyle(document.body).fontSize), '14px', 'its stylesheet is allowed by its CSP');
    assert.deepEqual(errors, []);
    await page.context().close();
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 400, height: 160 } });
      const alone = await context.newPage();
      await alone.goto(`${ongoing.base}embed/`);
      const violations = (await runAxe(alone)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(violations, [], `embed/ in ${scheme}: ${describeViolations(violations)}`);
      await context.close();
    }
  });
});
