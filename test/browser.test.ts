/**
 * The site as readers meet it: Debian's Chromium, driven by playwright-core, reads the built example site and a
 * fixture site with ongoing incidents and maintenance, served over HTTP under a sub-path (/status/).
 *
 * For five kinds of page (status, incident, history, service, actions), in light and dark colour schemes, at
 * 360 px and 1280 px: the key content is visible, axe-core finds no serious or critical violation, nothing
 * scrolls sideways, the console stays clean (no error, no failed request, no CSP violation). Keyboard: the
 * first stops of Tab each show a focus indicator (it changes pixels) and follow the reading order; the skip
 * link works. Without JavaScript every page shows the same text. Screenshots go to screenshots/ (git-ignored).
 *
 * One browser for the file, one context per mode, one page per context reused across URLs; each site is built once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildSite, describeViolations, launchChromium, REPO, runAxe, serveStatic, SKIP_BROWSER, type BuiltSite } from './helpers/browser.js';

const SHOTS = path.join(REPO, 'screenshots');
/** `POSTMORTEM_UPDATE_SCREENSHOT=1 npm test` refreshes docs/screenshot.png, the README's picture. */
const UPDATE_DOCS_SCREENSHOT = process.env.POSTMORTEM_UPDATE_SCREENSHOT === '1';

type Scheme = 'light' | 'dark';
interface Mode {
  scheme: Scheme;
  width: 360 | 1280;
  /**
   * Every axe rule, a full-page screenshot (else: only the rules whose outcome depends on colours or layout,
   * and a screenshot of the first screen). Keeps the file within its time budget on two cores.
   */
  full: boolean;
}
const MODES: readonly Mode[] = [
  { scheme: 'light', width: 1280, full: true },
  { scheme: 'dark', width: 1280, full: false },
  { scheme: 'light', width: 360, full: false },
  { scheme: 'dark', width: 360, full: true },
];
/** The axe rules that may pass in one colour scheme or width and fail in another. */
const LAYOUT_RULES = ['color-contrast', 'link-in-text-block', 'scrollable-region-focusable', 'target-size', 'meta-viewport', 'region'];
const modeName = (m: Mode) => `${m.scheme} ${m.width}px`;

/** Something that must be on the page and visible (not hidden, not zero-sized, not off to the side). */
interface Expect {
  what: string;
  selector: string;
  /** At least this many matches must be visible (default 1); at 360 px `narrow` when set. */
  min?: number;
  narrow?: number;
  /** Exactly this many visible. */
  exactly?: number;
  /** The first match's text. */
  text?: RegExp;
  /** Nothing may match, visible or not. */
  absent?: true;
}

interface PageSpec {
  kind: 'status' | 'incident' | 'history' | 'service' | 'actions' | 'insights' | 'search';
  /** Relative to the site root. */
  path: string;
  expect: Expect[];
  /** The page needs JavaScript for part of its content (the search): without it, it says so instead. */
  needsScript?: true;
}

interface SiteSpec {
  name: 'example' | 'ongoing' | 'hostile' | 'phases' | 'example-de' | 'example-fr' | 'internal';
  pages: PageSpec[];
  /** Only these modes, no keyboard or no-script runs (default: everything). */
  only?: readonly Mode[];
}

/** In the DOM the browser built: nothing live from the input (build.test.ts checks the bytes of every file). */
const INERT: Expect[] = [
  { what: 'a script from the input', selector: 'script:not([src*="assets/local-time.js"])', absent: true },
  { what: 'an event handler', selector: '[onerror], [onload], [onclick], [onmouseover], [onfocus]', absent: true },
  { what: 'a script URL', selector: '[href^="javascript:" i], [src^="javascript:" i], [href^="data:" i], [href^="vbscript:" i]', absent: true },
  { what: 'raw HTML from the input', selector: 'iframe, object, embed, style, svg, form:not(.search-box), main img', absent: true },
];

const statusBars = (services: number, days: number): Expect[] => [
  { what: 'a status per service', selector: '.service .svc-head .st', exactly: services },
  { what: 'an uptime bar per service', selector: '.service .bar', exactly: services },
  // At 360 px the bar shows its last 30 days; at 1280 px all of them.
  { what: 'uptime bar days', selector: '.service .bar > li', min: services * days, narrow: services * Math.min(days, 30) },
  { what: 'uptime percentages, with the window they cover', selector: '.service .pct', exactly: services, text: /\d+\.\d\d% uptime \(\d+ days\)/ },
];

const SITES: readonly SiteSpec[] = [
  {
    name: 'example',
    pages: [
      {
        kind: 'status',
        path: '',
        expect: [
          { what: 'the banner', selector: '.banner h1', text: /^All Systems Operational$/ },
          { what: 'the header dot, as the banner', selector: '.brand .logo.st-operational .ico' },
          { what: 'the time of the last update', selector: '.banner time', text: /21 Nov 2026, 12:00 UTC/ },
          ...statusBars(9, 90),
          { what: 'the group headings with their status', selector: '.group-head .st', exactly: 5 },
          { what: 'the main navigation', selector: 'nav.nav a', min: 3 },
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/2020-05-29-scorm-cloud-elevated-errors/',
        expect: [
          { what: 'the title', selector: 'h1', text: /^SCORM Cloud elevated errors$/ },
          { what: 'the facts', selector: '.facts > div', min: 6 },
          { what: 'the duration', selector: '.facts', text: /40 min/ },
          { what: 'status updates, in the timeline', selector: '.timeline > li.tl-update', min: 4 },
          { what: 'no second list of the updates', selector: '.updates', absent: true },
          { what: 'the timeline', selector: '.timeline > li', min: 10 },
          { what: 'the root cause', selector: '#root-cause' },
          { what: 'action items', selector: 'table.actions tbody tr', min: 3 },
          { what: 'affected services', selector: '.affected li', exactly: 2 },
        ],
      },
      {
        kind: 'history',
        path: 'history/',
        expect: [
          { what: 'the heading', selector: 'h1', text: /Incident history/ },
          { what: 'every incident', selector: '.inc-list > li', exactly: 6 },
          { what: 'month headings', selector: '.month h2', min: 5 },
        ],
      },
      {
        kind: 'service',
        path: 'services/scorm-cloud-api/',
        expect: [
          { what: 'the name', selector: 'h1', text: /^SCORM Cloud API$/ },
          { what: 'the status', selector: '.svc-title .st', text: /Operational/ },
          { what: 'the uptime bar', selector: '.bar > li', min: 90, narrow: 30 },
          { what: 'monthly uptime', selector: 'table.monthly tbody tr', min: 12 },
          { what: 'its incidents', selector: '.inc-list > li', exactly: 1 },
        ],
      },
      {
        kind: 'actions',
        path: 'actions/',
        expect: [
          { what: 'the heading', selector: 'h1', text: /^Action items$/ },
          { what: 'action rows', selector: 'table.actions tbody tr', min: 10 },
          { what: 'links to the incidents', selector: 'table.actions tbody td a[href*="incidents/"]', min: 10 },
        ],
      },
      {
        kind: 'insights',
        path: 'insights/',
        expect: [
          { what: 'the heading', selector: 'h1', text: /^Insights$/ },
          { what: 'incidents per month', selector: 'svg.months rect', min: 6 },
          { what: 'the distributions, each row with its count', selector: '.dist-label', min: 12, text: /n = \d/ },
          { what: 'the log time axis', selector: 'svg.axis', min: 6 },
          { what: 'the years', selector: 'nav.years a', min: 4 },
        ],
      },
      {
        kind: 'insights',
        path: 'insights/2020/',
        expect: [
          { what: 'the heading', selector: 'h1', text: /^Insights 2020$/ },
          { what: 'each incident a link on the chart', selector: 'svg.marks a[href*="incidents/"]', min: 2 },
        ],
      },
      {
        kind: 'search',
        path: 'search/',
        needsScript: true,
        expect: [
          { what: 'the heading', selector: 'h1', text: /^Search$/ },
          { what: 'the search field', selector: '#search-q' },
          { what: 'the filters', selector: '.search-filters select', exactly: 3 },
        ],
      },
    ],
  },
  {
    name: 'ongoing',
    pages: [
      {
        kind: 'status',
        path: '',
        expect: [
          { what: 'the banner', selector: '.banner h1', text: /^Major Outage$/ },
          { what: 'the header dot, as the banner', selector: '.brand .logo.st-major_outage .ico' },
          { what: 'the worst active pill, as the banner', selector: '#active ~ .card .pill.st-major_outage', exactly: 1 },
          { what: 'active incidents', selector: '#active ~ .card', exactly: 2 },
          { what: 'the latest update of the critical incident', selector: '#active ~ .card .update-text', text: /rollback is in progress/ },
          { what: 'maintenance in progress', selector: '#maintenance-now ~ .card', exactly: 1 },
          { what: 'upcoming maintenance', selector: '#maintenance-next ~ .card', exactly: 1 },
          ...statusBars(6, 90),
          { what: 'the outage on the API', selector: '.service .st-major_outage', exactly: 1 },
          { what: 'the maintenance on the database', selector: '.service .st-under_maintenance', exactly: 1 },
          { what: 'the past 14 days, without the active incidents', selector: '#recent ~ .inc-list > li', exactly: 2 },
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/api-503-errors/',
        expect: [
          { what: 'the title', selector: 'h1', text: /API returns 503 errors/ },
          { what: 'the status', selector: '.inc-header .st', text: /Identified/ },
          { what: 'ongoing', selector: '.facts', text: /Not yet: ongoing/ },
          { what: 'not mitigated yet, rather than not recorded', selector: '.facts', text: /Time to mitigate\s*Not yet/ },
          { what: 'notes, not a postmortem yet', selector: '#writeup', text: /^Notes$/ },
          { what: 'status updates, in the timeline', selector: '.timeline > li.tl-update', exactly: 2 },
          { what: 'the timeline', selector: '.timeline > li', exactly: 3 },
          { what: 'the write-up table', selector: '.prose table' },
          { what: 'the write-up code', selector: '.prose pre' },
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/login-failures/',
        expect: [
          { what: 'the title', selector: 'h1', text: /Login failures/ },
          { what: 'the timeline', selector: '.timeline > li', exactly: 5 },
          { what: 'action items', selector: 'table.actions tbody tr', exactly: 4 },
          { what: 'the overdue action', selector: 'tr.overdue .late', text: /Overdue/ },
          { what: 'contributing factors', selector: '.factors li', exactly: 2 },
          { what: 'older and newer', selector: '.prevnext a', exactly: 2 },
        ],
      },
      {
        kind: 'history',
        path: 'history/',
        expect: [
          { what: 'the heading', selector: 'h1', text: /Incident history/ },
          { what: 'every published incident that has started (maintenance to come is on the status page)', selector: '.inc-list > li', exactly: 6 },
        ],
      },
      {
        kind: 'service',
        path: 'services/api/',
        expect: [
          { what: 'the name', selector: 'h1', text: /^Public API$/ },
          { what: 'the status', selector: '.svc-title .st', text: /Major outage/ },
          { what: 'the uptime bar', selector: '.bar > li', min: 90, narrow: 30 },
          { what: 'today marked as down', selector: '.bar > li:last-child:not(.c-green)' },
          { what: 'monthly uptime', selector: 'table.monthly tbody tr', min: 12 },
          { what: 'its incidents', selector: '.inc-list > li', exactly: 3 },
        ],
      },
      {
        kind: 'actions',
        path: 'actions/',
        expect: [
          { what: 'the summary', selector: '.lead', text: /2 open, 1 overdue, 3 closed/ },
          { what: 'open actions', selector: '#open ~ .table-wrap tbody tr', exactly: 2 },
          { what: 'closed actions', selector: '#closed ~ .table-wrap tbody tr', exactly: 3 },
          { what: 'the overdue mark', selector: 'tr.overdue .late', text: /Overdue/ },
        ],
      },
    ],
  },
  // The example site in German (Berlin time) and French (Paris time): the status and incident pages in every mode,
  // for their screenshots (screenshots/example-de-…, example-fr-…) and for axe on text of other lengths.
  ...(['de', 'fr'] as const).map((lang): SiteSpec => ({
    name: `example-${lang}`,
    pages: [
      {
        kind: 'status',
        path: '',
        expect: [
          { what: 'the banner', selector: '.banner h1', text: lang === 'de' ? /^Alle Systeme betriebsbereit$/ : /^Tous les systèmes sont opérationnels$/ },
          { what: 'the time of the last update, in the display zone', selector: '.banner time', text: lang === 'de' ? /^21\. Nov\. 2026, 13:00 MEZ$/ : /^21 nov\. 2026, 13:00 UTC\+1$/ },
          { what: 'the uptime percentages', selector: '.service .pct', exactly: 9, text: lang === 'de' ? /^100,00 % Verfügbarkeit \(90 Tage\)$/ : /^100,00 % de disponibilité \(90 jours\)$/ },
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/2020-05-29-scorm-cloud-elevated-errors/',
        expect: [
          { what: 'the title, in its own language', selector: 'h1[lang="en"]', text: /^SCORM Cloud elevated errors$/ },
          { what: 'the facts, in the site\'s language', selector: '.facts dt', text: lang === 'de' ? /^Schweregrad$/ : /^Gravité$/ },
          { what: 'the timeline, in its own language', selector: '.timeline .tl-text[lang="en"]', min: 10 },
        ],
      },
    ],
    only: MODES,
  })),
  {
    name: 'hostile',
    only: [MODES[0]!, MODES[3]!],
    pages: [
      {
        kind: 'status',
        path: '',
        expect: [
          { what: 'the banner', selector: '.banner h1', text: /^Major Outage$/ },
          { what: 'the site title, as text', selector: '.brand', text: /Hostile <b>Status<\/b> & "quotes"/ },
          { what: 'a service name, as text', selector: '.svc-name', text: /API <img src=x onerror=alert\(1\)>/ },
          ...statusBars(2, 30),
          ...INERT,
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/hostile/',
        expect: [
          { what: 'the title, as text', selector: 'h1', text: /^"><script>alert\('title'\)<\/script><!--$/ },
          { what: 'the summary, as text', selector: '.lead', text: /<svg onload=alert\('summary'\)>/ },
          { what: 'the timeline', selector: '.timeline > li', exactly: 2 },
          { what: 'the write-up', selector: '.prose' },
          { what: 'the footnotes of the body and of the root cause', selector: '.footnotes li[id]', exactly: 3 },
          { what: 'action items', selector: 'table.actions tbody tr', exactly: 2 },
          ...INERT,
        ],
      },
    ],
  },
  {
    // Impact phases, links and years of history (issue 13).
    name: 'phases',
    only: [MODES[1]!, MODES[2]!],
    pages: [
      {
        kind: 'status',
        path: '',
        expect: [
          { what: 'the banner', selector: '.banner h1', text: /^Degraded Performance$/ },
          ...statusBars(5, 90),
          { what: 'the API at its current phase', selector: '.service .st-degraded_performance', exactly: 1 },
          { what: 'the edge recovered while the incident goes on', selector: '#active ~ .card', exactly: 1 },
        ],
      },
      {
        kind: 'incident',
        path: 'incidents/2021-01-04-messaging-degraded-then-down/',
        expect: [
          { what: 'a phase strip per service', selector: '.phased .ph-strip', exactly: 3 },
          { what: 'the phases of messaging', selector: '.phased > li:first-child .ph-list > li', exactly: 4 },
          { what: 'the time each service was impacted', selector: '.phased .ph-head', text: /impacted 2 h 30 min/ },
          { what: 'impact changes on the timeline', selector: '.timeline .changes', exactly: 4 },
          { what: 'the links', selector: '#links ~ ul a', exactly: 4 },
        ],
      },
      {
        kind: 'service',
        path: 'services/messaging/',
        expect: [
          { what: 'uptime by year since 2019', selector: 'table.yearly tbody tr', min: 8 },
          { what: 'the year of the outage', selector: 'table.yearly', text: /2021\s*99\.98\s?%\s*1 h 9 min/ },
        ],
      },
      {
        kind: 'history',
        path: 'history/',
        // The table scrolls sideways inside its region on a phone: its row headings stay in view.
        expect: [{ what: 'uptime by year of each service', selector: 'table.yearly tbody th', exactly: 5 }],
      },
    ],
  },
  {
    // The internal site (issue 15): every internal part shown and marked, in both schemes (its own colours).
    name: 'internal',
    pages: [
      {
        kind: 'incident',
        path: 'incidents/db-failover/',
        expect: [
          { what: 'the banner of the internal site', selector: '.internal-banner', text: /^Internal site, for the team only/ },
          { what: 'the internal timeline entry, marked', selector: '.timeline .tl-internal .internal-mark', exactly: 1 },
          { what: 'the internal sections of the body and the root cause', selector: '.prose .internal-part .internal-label', exactly: 2 },
          { what: 'the internal factor, action and link, marked', selector: '.factors .internal-mark, table.actions .internal-mark, .inc-links .internal-mark', exactly: 3 },
          { what: 'the responders', selector: '.responders li', exactly: 3 },
        ],
      },
      {
        kind: 'history',
        path: 'history/',
        expect: [
          { what: 'every incident, internal ones and the near miss included', selector: '.inc-list > li', exactly: 4 },
          { what: 'the internal incident and the near miss, marked', selector: '.inc-list .internal-mark', exactly: 2 },
        ],
      },
      { kind: 'status', path: '', expect: [{ what: 'the banner of the internal site', selector: '.internal-banner' }] },
    ],
  },
];

/** What the browser reported while a page loaded: console errors, uncaught exceptions, failed requests. */
function watch(page: Page): { problems: string[] } {
  const state = { problems: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') state.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => state.problems.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    state.problems.push(`a ${d.type()} dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('requestfailed', (r) => {
    // ERR_ABORTED: a request cut short by the next navigation (the favicon, typically), not a failure of the site.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') state.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) state.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return state;
}

interface Measured {
  what: string;
  count: number;
  visible: number;
  text: string;
}

/** Count the matches of each selector and how many are visible within the page's width, in one round trip. */
async function measure(page: Page, expects: readonly Expect[]): Promise<Measured[]> {
  return page.evaluate(
    `(${((list: { what: string; selector: string }[]) => {
      const doc = (globalThis as any).document;
      const width = doc.documentElement.clientWidth;
      return list.map(({ what, selector }) => {
        const els = [...doc.querySelectorAll(selector)] as any[];
        const visible = els.filter((el) => {
          const r = el.getBoundingClientRect();
          const s = (globalThis as any).getComputedStyle(el);
          return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && Number(s.opacity) > 0 && r.left >= -1 && r.right <= width + 1;
        });
        return { what, count: els.length, visible: visible.length, text: ((visible[0] ?? els[0])?.textContent ?? '').replace(/\s+/g, ' ').trim() };
      });
    }).toString()})(${JSON.stringify(expects.map((e) => ({ what: e.what, selector: e.selector })))})`,
  );
}

function checkContent(measured: readonly Measured[], expects: readonly Expect[], width: number): string[] {
  const failures: string[] = [];
  expects.forEach((e, i) => {
    const m = measured[i]!;
    if (e.absent) {
      if (m.count > 0) failures.push(`${e.what} (${e.selector}): ${m.count} found, expected none`);
      return;
    }
    const min = width <= 400 && e.narrow !== undefined ? e.narrow : e.min ?? 1;
    if (e.exactly !== undefined && m.visible !== e.exactly) failures.push(`${e.what} (${e.selector}): ${m.visible} visible of ${m.count}, expected exactly ${e.exactly}`);
    else if (e.exactly === undefined && m.visible < min) failures.push(`${e.what} (${e.selector}): ${m.visible} visible of ${m.count}, expected at least ${min}`);
    if (e.text && !e.text.test(m.text)) failures.push(`${e.what} (${e.selector}): text ${JSON.stringify(m.text.slice(0, 200))} does not match ${e.text}`);
  });
  return failures;
}

/**
 * The words of the actions tables (cells and headers) that the layout breaks inside: a word (between spaces, hyphens
 * and slashes) whose glyphs sit on two lines. Reading "unavailabl / e" is what issue 17 saw at 1280 px.
 */
const BROKEN_WORDS = `(() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.actions td, table.actions th')) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (const m of n.data.matchAll(/[^\\s\\-\\u2010-\\u2014/]+/g)) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
})()`;

/** Texts of status updates that <main> shows more than once (the incident page showed each twice: issue 17). */
const REPEATED_UPDATES = `(() => {
  const main = document.querySelector('main').innerText;
  const texts = [...document.querySelectorAll('main .tl-update .tl-text')].map((e) => e.innerText.trim()).filter((t) => t.length > 12);
  return texts.filter((t) => main.split(t).length !== 2);
})()`;

/** The text of <main> as a reader sees it, without the optional local times that local-time.js adds. */
const MAIN_TEXT = `(() => { const m = document.querySelector('main').cloneNode(true); m.querySelectorAll('.local').forEach((e) => e.remove()); return m.textContent.replace(/\\s+/g, ' ').trim(); })()`;

const shotName = (site: string, spec: PageSpec, suffix: string) => `${site}-${spec.kind}${spec.kind === 'incident' || /\d{4}\/$/.test(spec.path) ? '-' + path.basename(spec.path) : ''}-${suffix}.png`;

let browser: Browser | undefined;
const built = new Map<string, BuiltSite & { base: string; close(): Promise<void> }>();
const contexts = new Map<string, { context: BrowserContext; page: Page; watch: { problems: string[] } }>();

async function pageFor(key: string, options: Parameters<Browser['newContext']>[0]) {
  let c = contexts.get(key);
  if (!c) {
    const context = await browser!.newContext(options);
    const page = await context.newPage();
    c = { context, page, watch: watch(page) };
    contexts.set(key, c);
  }
  c.watch.problems.length = 0;
  return c;
}

/** Load a URL in a reused page and wait until it is fully loaded (fonts included). */
async function load(page: Page, url: string): Promise<void> {
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, `GET ${url}`);
  await page.evaluate('document.fonts.ready.then(() => 0)');
}

// The two sites are read at once (each with its own contexts and pages); the pages of one site one after the other.
describe('in a real browser (Chromium)', { skip: SKIP_BROWSER ? 'POSTMORTEM_SKIP_BROWSER=1' : false, concurrency: 2 }, () => {
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [b, ...sites] = await Promise.all([launchChromium(), ...SITES.map((s) => buildSite(s.name))]);
    browser = b;
    for (const site of sites) {
      const server = await serveStatic(site.out);
      built.set(site.name, { ...site, base: server.base, close: server.close });
    }
  });

  after(async () => {
    await browser?.close();
    for (const s of built.values()) {
      await s.close();
      await s.cleanup();
    }
  });

  for (const site of SITES) {
    describe(`${site.name} site`, { concurrency: 1 }, () => {
      for (const mode of site.only ?? MODES) {
        for (const spec of site.pages) {
          test(`${spec.kind} ${spec.path || '/'}, ${modeName(mode)}: content visible, no axe violation, no sideways scroll, clean console`, async () => {
            const s = built.get(site.name)!;
            // A time zone other than UTC, so that local-time.js does its work (and is tested with it).
            const { page, watch } = await pageFor(`${site.name}-${mode.scheme}-${mode.width}`, { viewport: { width: mode.width, height: 900 }, colorScheme: mode.scheme, timezoneId: 'America/New_York', locale: 'en-US' });
            await load(page, s.base + spec.path);
            const scheme = await page.evaluate(`matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'`);
            assert.equal(scheme, mode.scheme);

            const failures = checkContent(await measure(page, spec.expect), spec.expect, mode.width);
            assert.deepEqual(failures, [], `key content of ${spec.path || '/'} at ${modeName(mode)}`);

            const { scrollWidth, clientWidth, wide } = (await page.evaluate(`(() => {
              const root = document.documentElement, w = root.clientWidth;
              const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap, .prose pre, .prose table'))
                .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
              return { scrollWidth: root.scrollWidth, clientWidth: w, wide };
            })()`)) as { scrollWidth: number; clientWidth: number; wide: string[] };
            assert.ok(scrollWidth <= clientWidth, `the page scrolls sideways at ${mode.width}px: scrollWidth ${scrollWidth} > ${clientWidth}; too wide: ${wide.join(', ')}`);

            if (spec.kind === 'actions' || spec.kind === 'incident') {
              const broken = (await page.evaluate(BROKEN_WORDS)) as string[];
              assert.deepEqual(broken, [], `words broken inside the actions table at ${mode.width}px`);
            }
            if (spec.kind === 'incident') {
              const repeated = (await page.evaluate(REPEATED_UPDATES)) as string[];
              assert.deepEqual(repeated, [], 'each status update is shown once on the incident page');
            }

            const violations = (await runAxe(page, mode.full ? undefined : LAYOUT_RULES)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
            assert.equal(violations.length, 0, `axe at ${modeName(mode)}:\n${describeViolations(violations)}`);

            if (await page.evaluate(`Intl.DateTimeFormat().resolvedOptions().timeZone !== 'UTC'`)) {
              assert.ok((await page.locator('.local').count()) > 0, 'local-time.js adds the reader\'s local times');
            }
            await page.screenshot({ path: path.join(SHOTS, shotName(site.name, spec, `${mode.scheme}-${mode.width}`)), fullPage: mode.full });
            assert.deepEqual(watch.problems, [], 'the browser reported problems');
          });
        }
      }

      for (const spec of site.only ? [] : site.pages.filter((p) => !p.needsScript)) {
        test(`${spec.kind} ${spec.path || '/'} without JavaScript: the same text and key content`, async () => {
          const s = built.get(site.name)!;
          const withJs = await pageFor(`${site.name}-light-1280`, { viewport: { width: 1280, height: 900 }, colorScheme: 'light', timezoneId: 'America/New_York', locale: 'en-US' });
          await load(withJs.page, s.base + spec.path);
          const expected = await withJs.page.evaluate(MAIN_TEXT);
          const noJs = await pageFor(`${site.name}-nojs`, { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, timezoneId: 'America/New_York', locale: 'en-US' });
          await load(noJs.page, s.base + spec.path);
          assert.equal(await noJs.page.locator('.local').count(), 0, 'no script ran');
          assert.deepEqual(checkContent(await measure(noJs.page, spec.expect), spec.expect, 1280), []);
          assert.equal(await noJs.page.evaluate(MAIN_TEXT), expected, 'the page says the same without JavaScript');
          assert.deepEqual(noJs.watch.problems, []);
        });
      }

      for (const mode of site.only ? [] : [MODES[0]!, MODES[3]!]) {
        for (const spec of site.pages) {
          test(`${spec.kind} ${spec.path || '/'}, ${modeName(mode)}: keyboard focus is visible and follows the reading order`, async () => {
            const s = built.get(site.name)!;
            const { page, watch } = await pageFor(`${site.name}-keys-${mode.scheme}-${mode.width}`, { viewport: { width: mode.width, height: 900 }, colorScheme: mode.scheme, timezoneId: 'UTC', locale: 'en-US' });
            await load(page, s.base + spec.path);
            await focusOrder(page, mode, `${site.name} ${spec.path || '/'} ${modeName(mode)}`);
            assert.deepEqual(watch.problems, []);
          });
        }
      }
    });
  }

  test('search: type a phrase from a root cause, see the incident, follow it; filters; under the sub-path', async () => {
    const s = built.get('example')!;
    const { page, watch } = await pageFor('search', { viewport: { width: 1280, height: 900 }, colorScheme: 'light', timezoneId: 'UTC', locale: 'en-US' });
    await load(page, s.base);
    // The box on the status page leads to the search page with the query.
    await page.fill('#search-box-q', 'client certificate');
    await page.press('#search-box-q', 'Enter');
    await page.waitForURL(/\/search\/\?q=client\+certificate$/);
    const first = page.locator('#search-results li a.result-title').first();
    await first.waitFor({ timeout: 15_000 });
    assert.equal(await first.textContent(), 'SCORM Cloud elevated errors');
    assert.match((await page.locator('#search-status').textContent()) ?? '', /match/);
    assert.ok((await page.locator('#search-results mark').count()) > 0, 'the excerpt marks the words found');
    // A phrase typed in the field, then a filter that excludes it.
    await page.fill('#search-q', 'lease acquisition');
    await page.locator('#search-results li a.result-title', { hasText: 'Fly Machines lease acquisition failures' }).waitFor({ timeout: 15_000 });
    await page.selectOption('#search-year', '2017');
    // (Polled through locators: the page's CSP forbids the string evaluation of waitForFunction.)
    for (const deadline = Date.now() + 15_000; ; await page.waitForTimeout(200)) {
      const metas = await page.locator('#search-results li .meta').allTextContents();
      const text = (await page.locator('#search-results').textContent()) ?? '';
      if (metas.every((m) => m.startsWith('2017')) && !text.includes('Fly Machines')) break;
      assert.ok(Date.now() < deadline, `the year filter keeps only 2017: ${metas.join(', ')}`);
    }
    assert.match(page.url(), /year=2017/, 'the filters are in the address, to share');
    await page.selectOption('#search-year', '');
    const hit = page.locator('#search-results li a.result-title', { hasText: 'Fly Machines lease acquisition failures' });
    await hit.waitFor({ timeout: 15_000 });
    await hit.click();
    await page.waitForURL(`${s.base}incidents/2024-08-26-fly-machines-lease-failures/`);
    assert.equal(await page.locator('h1').textContent(), 'Fly Machines lease acquisition failures');
    assert.deepEqual(watch.problems, [], 'no console error, failed request or CSP violation');
  });

  test('search without JavaScript says so and links to the history', async () => {
    const { page, watch } = await pageFor('search-nojs', { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    await load(page, built.get('example')!.base + 'search/');
    assert.ok(await page.locator('#search-nojs').isVisible());
    assert.match((await page.locator('#search-nojs').textContent()) ?? '', /Search needs JavaScript/);
    assert.ok(await page.locator('#search-nojs a[href="../history/"]').isVisible());
    assert.equal(await page.locator('#search').isVisible(), false, 'no dead search form');
    assert.deepEqual(watch.problems, []);
  });

  test('search on the hostile site: what the index holds is shown as text, never as markup', async () => {
    const { page, watch } = await pageFor('search-hostile', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    await load(page, built.get('hostile')!.base + 'search/?q=script');
    await page.locator('#search-results li').first().waitFor({ timeout: 15_000 });
    assert.match((await page.locator('#search-results li a.result-title').first().textContent()) ?? '', /<script>alert/, 'the hostile title as text');
    const live = await page.evaluate(`document.querySelectorAll('#search-results script, #search-results img, #search-results iframe, #search-results [onerror], #search-results [onload], #search-results a[href^="javascript:" i]').length`);
    assert.equal(live, 0);
    assert.deepEqual(watch.problems, []);
  });

  test('the skip link moves the focus to the main content', async () => {
    const { page } = await pageFor('skip-link', { viewport: { width: 1280, height: 900 }, colorScheme: 'light', timezoneId: 'America/New_York', locale: 'en-US' });
    await load(page, built.get('ongoing')!.base);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    await page.keyboard.press('Tab');
    const first = (await page.evaluate(`(() => { const a = document.activeElement; return { inMain: !!a.closest('main'), text: a.textContent }; })()`)) as { inMain: boolean; text: string };
    assert.ok(first.inMain, `after the skip link, Tab reaches the first link of the content, not ${first.text}`);
  });

  test('the README picture is the status page of the example site, light, 1280 px', async () => {
    const shot = path.join(SHOTS, 'example-status-light-1280.png');
    const { size } = await stat(shot);
    assert.ok(size < 400 * 1024, `${shot} is ${size} bytes`);
    if (UPDATE_DOCS_SCREENSHOT) await copyFile(shot, path.join(REPO, 'docs', 'screenshot.png'));
    const docs = await stat(path.join(REPO, 'docs', 'screenshot.png'));
    assert.ok(docs.size > 10_000 && docs.size < 400 * 1024, `docs/screenshot.png is ${docs.size} bytes`);
  });
});

interface Stop {
  tag: string;
  text: string;
  /** Position of the element in document order. */
  index: number;
  /** Document coordinates. */
  top: number;
  bottom: number;
  left: number;
  right: number;
  inViewport: boolean;
  outline: boolean;
  /** The kind of element: its tag and classes and those of its two nearest ancestors. */
  kind: string;
}

/** Kinds of focusable element whose focus indicator was seen, per mode: each is looked at once per test file. */
const seenFocus = new Set<string>();

const STOPS = 15;

/**
 * Press Tab up to 15 times. Each stop must be an element on screen with a focus indicator, (1) by style: an
 * outline of at least 2 px or a box-shadow, and (2) by sight, once per kind of element and mode: the pixels around
 * it differ from those with the focus removed (an outline clipped by an overflowing parent would not). Stops must
 * come in document order and in reading order (never above the previous one; left to right on one line).
 */
async function focusOrder(page: Page, mode: Mode, where: string): Promise<void> {
  const stops: Stop[] = [];
  const failures: string[] = [];
  for (let i = 0; i < STOPS; i++) {
    await page.keyboard.press('Tab');
    const stop = (await page.evaluate(`(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      const all = [...document.querySelectorAll('*')];
      // Where the element starts: its first line box (a link may wrap onto the next line).
      const r = a.getClientRects()[0] || a.getBoundingClientRect(), s = getComputedStyle(a);
      const outline = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '');
      const sig = (e) => e ? e.tagName.toLowerCase() + [...e.classList].map((c) => '.' + c).join('') : '';
      const kind = [a, a.parentElement, a.parentElement && a.parentElement.parentElement].map(sig).join(' < ');
      return { tag: a.tagName.toLowerCase(), text: (a.getAttribute('aria-label') || a.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60), index: all.indexOf(a),
        top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left + scrollX, right: r.right + scrollX,
        inViewport: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth, outline, kind };
    })()`)) as Stop | null;
    if (stop === null) break; // the end of the page, or focus left the document
    const label = `stop ${i + 1} <${stop.tag}> "${stop.text}"`;
    if (!stop.inViewport) failures.push(`${label} is not on screen`);
    if (!stop.outline) failures.push(`${label} has no outline or box-shadow`);
    const kind = `${modeName(mode)} ${stop.kind}`;
    if (stop.inViewport && !seenFocus.has(kind)) {
      seenFocus.add(kind);
      const clip = await page.evaluate(`(() => { const r = document.activeElement.getBoundingClientRect(); const x = Math.max(0, r.left - 6), y = Math.max(0, r.top - 6);
        return { x, y, width: Math.min(innerWidth - x, r.right + 6 - x), height: Math.min(innerHeight - y, r.bottom + 6 - y) }; })()`);
      const focused = await page.screenshot({ clip: clip as { x: number; y: number; width: number; height: number } });
      await page.evaluate('window.__pmFocus = document.activeElement; document.activeElement.blur()');
      const blurred = await page.screenshot({ clip: clip as { x: number; y: number; width: number; height: number } });
      await page.evaluate('window.__pmFocus.focus(); delete window.__pmFocus');
      if (focused.equals(blurred)) failures.push(`${label}: focusing it changes no pixel around it`);
    }
    const prev = stops[stops.length - 1];
    if (prev) {
      if (stop.index <= prev.index) failures.push(`${label} comes before the previous stop in the document`);
      const sameLine = Math.min(prev.bottom, stop.bottom) - Math.max(prev.top, stop.top) > 0;
      if (sameLine ? stop.left < prev.left - 1 : stop.top < prev.top) failures.push(`${label} is ${sameLine ? 'left of' : 'above'} the previous stop "${prev.text}"`);
    }
    stops.push(stop);
  }
  assert.ok(stops.length >= Math.min(STOPS, 5), `${where}: only ${stops.length} focus stops`);
  assert.equal(stops[0]?.text, 'Skip to content', `${where}: the first stop is the skip link`);
  assert.deepEqual(failures, [], `${where} (${modeName(mode)}): focus order\n${stops.map((s, i) => `  ${i + 1}. <${s.tag}> ${s.text}`).join('\n')}`);
}
