/**
 * `postmortem build` as users meet it: run the real CLI on the example site and on fixture projects, then
 * read the built files the way a reader, a crawler or a feed reader would.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, cp, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles, serveStatic } from './helpers/serve.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repo, 'bin', 'postmortem.js');
/** 2026-11-21T12:00:00Z */
const NOW = 1_795_262_400;
const iso = (offsetMinutes: number) => new Date((NOW + offsetMinutes * 60) * 1000).toISOString().replace('.000Z', 'Z');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, SOURCE_DATE_EPOCH: String(NOW), NO_COLOR: '1', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'pm-build-'));
}

async function hashTree(dir: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of await listFiles(dir)) m.set(f, createHash('sha256').update(await readFile(path.join(dir, f))).digest('hex'));
  return m;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');

const SITE = `title: Fixture Status
base_url: https://acme.github.io/status/
timezone: UTC
uptime_days: 30
services:
  - { id: api, name: Public API, group: Core }
  - { id: web, name: Website, group: Core }
  - { id: db, name: Database }
  - { id: docs, name: Docs }
`;

function incident(fields: Record<string, string>, body = 'Body.'): string {
  return `---\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n---\n${body}\n`;
}

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  await writeFile(path.join(dir, 'site.yaml'), SITE);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, 'incidents', name)), { recursive: true });
    await writeFile(path.join(dir, 'incidents', name), content);
  }
}

/** Follow every internal href/src from the start page; return links that did not resolve. */
async function crawl(origin: string, start: string): Promise<{ visited: number; broken: string[] }> {
  const seen = new Set<string>();
  const queue = [new URL(start, origin).href];
  const broken: string[] = [];
  while (queue.length) {
    const href = queue.shift()!;
    if (seen.has(href)) continue;
    seen.add(href);
    const res = await fetch(href);
    if (res.status !== 200) {
      broken.push(`${href} (${res.status})`);
      continue;
    }
    if (!(href.endsWith('/') || href.endsWith('.html'))) {
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
      const raw = m[1]!.replace(/&amp;/g, '&');
      if (/^(?:[a-z]+:|\/\/|#)/i.test(raw)) continue;
      const target = new URL(raw, href);
      target.hash = '';
      if (target.origin === origin && !seen.has(target.href)) queue.push(target.href);
    }
  }
  return { visited: seen.size, broken };
}

describe('postmortem build on the example site', () => {
  test('builds the six worked examples into a site a reader can use', async () => {
    const out = await tempDir();
    try {
      const r = await run(['build', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Built 6 incidents into .*: \d+ pages, \d+ files, [\d.]+ (KiB|MiB) in [\d.]+ s\n$/);
      const files = await listFiles(out);
      const incidents = files.filter((f) => /^incidents\/[^/]+\/index\.html$/.test(f));
      assert.equal(incidents.length, 6);
      for (const f of ['index.html', '404.html', 'history/index.html', 'actions/index.html', 'feed.xml', 'feed.json', 'maintenance.ics', 'sitemap.xml', 'robots.txt', 'api/v2/summary.json', 'api/incidents.json', 'api/services.json', 'badges/status.svg']) {
        assert.ok(files.includes(f), `missing ${f}`);
      }
      const index = text(await readFile(path.join(out, 'index.html'), 'utf8'));
      assert.match(index, /All Systems Operational/);
      const scorm = text(await readFile(path.join(out, 'incidents/2020-05-29-scorm-cloud-elevated-errors/index.html'), 'utf8'));
      assert.match(scorm, /40 min/, 'duration 16:21 → 17:01 is shown in human form');
      const raw = await readFile(path.join(out, 'incidents/2020-05-29-scorm-cloud-elevated-errors/index.html'), 'utf8');
      assert.match(raw, /<time datetime="2020-05-29T16:21:00Z"/);
      const summary = JSON.parse(await readFile(path.join(out, 'api/v2/summary.json'), 'utf8'));
      assert.equal(summary.status.indicator, 'none');
      assert.equal(summary.components.filter((c: { group: boolean }) => !c.group).length, 9);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('status on the page follows the incidents and the clock', () => {
  test('ongoing, resolved, in-progress and upcoming maintenance', async () => {
    const dir = await tempDir();
    try {
      await writeProject(dir, {
        '2026-11-21-api-down.md': incident({ title: 'API down', summary: 'Errors.', severity: 'critical', started: iso(-90), services: '[api]' }),
        '2026-11-20-web-slow.md': incident({ title: 'Web slow', summary: 'Slow.', severity: 'minor', started: iso(-1500), resolved: iso(-1400), services: '[web]', root_cause: 'x' }),
        '2026-11-21-db-maintenance.md': incident({ title: 'DB upgrade', summary: 'Upgrade.', severity: 'maintenance', started: iso(-30), resolved: iso(60), services: '[db]' }),
        '2026-11-25-docs-maintenance.md': incident({ title: 'Docs move', summary: 'Move.', severity: 'maintenance', started: iso(4 * 1440), resolved: iso(4 * 1440 + 60), services: '[docs]' }),
      });
      const r = await run(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      const index = text(await readFile(path.join(dir, 'dist/index.html'), 'utf8'));
      assert.match(index, /Major Outage Updated/, 'the banner, in the words of the services\' status');
      assert.match(index, /Public API Major outage/);
      assert.match(index, /Website Operational/);
      assert.match(index, /Database Under maintenance/);
      assert.match(index, /Docs Operational/, 'upcoming maintenance does not change the status before it starts');
      assert.match(index, /DB upgrade/);
      assert.match(index, /Docs move/);
      const components = JSON.parse(await readFile(path.join(dir, 'dist/api/v2/components.json'), 'utf8')).components as { id: string; status: string }[];
      const status = Object.fromEntries(components.map((c) => [c.id, c.status]));
      assert.equal(status.api, 'major_outage');
      assert.equal(status.web, 'operational');
      assert.equal(status.db, 'under_maintenance');
      assert.equal(status.docs, 'operational');
      const upcoming = JSON.parse(await readFile(path.join(dir, 'dist/api/v2/scheduled-maintenances/upcoming.json'), 'utf8'));
      assert.deepEqual(upcoming.scheduled_maintenances.map((m: { name: string }) => m.name), ['Docs move']);
      const active = JSON.parse(await readFile(path.join(dir, 'dist/api/v2/scheduled-maintenances/active.json'), 'utf8'));
      assert.deepEqual(active.scheduled_maintenances.map((m: { name: string; status: string }) => [m.name, m.status]), [['DB upgrade', 'in_progress']]);
      const services = JSON.parse(await readFile(path.join(dir, 'dist/api/services.json'), 'utf8'));
      const api = services.services.find((s: { id: string }) => s.id === 'api');
      assert.ok(api.uptime_percent < 100 && api.uptime_percent > 99, `90 min of a 30-day window is down: ${api.uptime_percent}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('links', () => {
  for (const [label, baseUrl, prefix] of [
    ['under a sub-path', 'https://acme.github.io/status/', '/status/'],
    ['at a root', 'https://status.acme.com/', '/'],
  ] as const) {
    test(`every internal link and asset resolves when served ${label}`, async () => {
      const out = await tempDir();
      const r = await run(['build', '--out', out, '--base-url', baseUrl]);
      assert.equal(r.code, 0, r.stderr);
      const server = await serveStatic(out, prefix);
      const { origin } = server;
      try {
        const { visited, broken } = await crawl(origin, prefix);
        assert.deepEqual(broken, []);
        const pages = (await listFiles(out)).filter((f) => f.endsWith('.html') && f !== '404.html');
        assert.ok(visited >= pages.length, `crawled ${visited} URLs, expected every one of ${pages.length} pages to be reachable`);
        const notFound = await readFile(path.join(out, '404.html'), 'utf8');
        for (const m of notFound.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
          if (/^(?:[a-z]+:|#)/i.test(m[1]!)) continue;
          assert.ok(m[1]!.startsWith(prefix), `404.html links must be absolute under ${prefix}: ${m[1]}`);
          const res = await fetch(new URL(m[1]!, origin));
          assert.equal(res.status, 200, m[1]);
        }
      } finally {
        await server.close();
        await rm(out, { recursive: true, force: true });
      }
    });
  }
});

describe('hostile input is neutralized', () => {
  test('no script, event handler, javascript: URL or raw HTML reaches any output', async () => {
    const dir = await tempDir();
    try {
      const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      await writeProject(dir, {
        '2026-11-01-hostile.md': incident(
          {
            title: JSON.stringify(`"><script>alert('t')</script>`),
            summary: JSON.stringify(`${payload} & </title><svg onload=alert(3)>`),
            severity: 'major',
            started: '2026-11-01T10:00:00Z',
            resolved: '2026-11-01T11:00:00Z',
            services: '[api]',
            tags: '[xss]',
            authors: JSON.stringify([`<b onmouseover=alert(4)>me</b>`]),
            root_cause: JSON.stringify(`[click](javascript:alert(5)) ${payload}`),
            contributing_factors: JSON.stringify([`<iframe src="javascript:alert(6)"></iframe>`]),
            timeline: `\n  - at: 2026-11-01T10:05:00Z\n    text: ${JSON.stringify(`[x](javascript:alert(7)) <a href="javascript:alert(8)">y</a> ${payload}`)}\n    status: investigating`,
            actions: `\n  - title: ${JSON.stringify(`<script>alert(9)</script>`)}\n    status: open\n    owner: ${JSON.stringify('<img src=x onerror=alert(10)>')}`,
          },
          `# Body\n\n${payload}\n\n<iframe src="https://evil.example"></iframe>\n\n[link](javascript:alert(11)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)\n\n<a href="javascript:alert(12)" onclick="alert(13)">a</a>\n\n![img](javascript:alert(14))\n\n<style>body{display:none}</style>\n`,
        ),
      });
      const r = await run(['build', dir]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = path.join(dir, 'dist');
      const decode = (x: string) => x.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      const assertSafeMarkup = (html: string, where: string) => {
        const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
        const foreign = scripts.filter((s) => !/^<script src="[^"]*assets\/[\w-]+\.js(?:\?v=\w+)?"[^>]*>$/.test(s));
        assert.deepEqual(foreign, [], `${where}: a <script> from the input`);
        // Attribute names only: values are blanked (an escaped "onload=" inside a value is inert text).
        const names = html.replace(/="[^"]*"/g, '=""').replace(/='[^']*'/g, "=''");
        assert.doesNotMatch(names, /<[a-z]+\b[^>]*\son\w+\s*=/i, `${where}: an event handler attribute`);
        assert.doesNotMatch(html, /(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i, `${where}: a script URL in an attribute`);
        // (The insights' charts are SVG of ours, marked by their classes; any other is not.)
        assert.doesNotMatch(html, /<(?:iframe|style)\b|<svg\b(?![^>]*\sclass="(?:strip|strip marks|axis|months)")/i, `${where}: raw HTML from the input`);
      };
      let checkedFeedHtml = 0;
      for (const f of await listFiles(out)) {
        const content = await readFile(path.join(out, f), 'utf8');
        if (f.endsWith('.html')) assertSafeMarkup(content, f);
        else if (f.endsWith('.xml')) {
          // Markup in a feed is escaped text: nothing is live at the XML level ...
          assert.doesNotMatch(content, /<(?:script|iframe|svg|img|style)\b|<[a-z]+\b[^>]*\son\w+\s*=/i, `${f}: live markup in XML`);
          // ... and what a feed reader renders from type="html" elements is sanitized.
          for (const m of content.matchAll(/<(content|summary)[^>]*type="html"[^>]*>([\s\S]*?)<\/\1>/g)) {
            assertSafeMarkup(decode(m[2]!), `${f} <${m[1]}>`);
            checkedFeedHtml++;
          }
        } else if (f.endsWith('.json')) {
          // Strings are data, but `<` is escaped so the file is inert even if served as HTML.
          assert.ok(!content.includes('<'), `${f}: a raw "<" in JSON`);
          if (f === 'feed.json') {
            for (const item of JSON.parse(content).items as { content_html?: string }[]) {
              if (item.content_html) assertSafeMarkup(item.content_html, `${f} content_html`);
            }
          }
        } else if (f.endsWith('.ics')) {
          assert.doesNotMatch(content, /<script/i, f);
        }
      }
      assert.ok(checkedFeedHtml > 0, 'the feeds carry HTML content that was checked');
      const page = await readFile(path.join(out, 'incidents/2026-11-01-hostile/index.html'), 'utf8');
      assert.match(page, /&lt;script&gt;alert\(&#39;t&#39;\)&lt;\/script&gt;|&lt;script&gt;alert\('t'\)&lt;\/script&gt;/, 'the title is shown as text');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('determinism and atomic output', () => {
  test('two builds with the same SOURCE_DATE_EPOCH give identical bytes, whatever the time zone and locale', async () => {
    const a = await tempDir();
    const b = await tempDir();
    try {
      assert.equal((await run(['build', '--out', a], { TZ: 'UTC', LANG: 'C' })).code, 0);
      assert.equal((await run(['build', '--out', b], { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' })).code, 0);
      const ha = await hashTree(a);
      const hb = await hashTree(b);
      assert.deepEqual([...ha.keys()], [...hb.keys()]);
      for (const [f, h] of ha) assert.equal(hb.get(f), h, `${f} differs between builds`);
    } finally {
      await rm(a, { recursive: true, force: true });
      await rm(b, { recursive: true, force: true });
    }
  });

  test('a failing build prints the diagnostics, exits 1 and leaves the previous output byte for byte', async () => {
    const dir = await tempDir();
    try {
      await cp(path.join(repo, 'site.yaml'), path.join(dir, 'site.yaml'));
      await cp(path.join(repo, 'incidents'), path.join(dir, 'incidents'), { recursive: true });
      assert.equal((await run(['build', dir])).code, 0);
      const before = await hashTree(path.join(dir, 'dist'));
      await writeFile(path.join(dir, 'incidents', '2026-01-01-broken.md'), incident({ title: 'x', summary: 'y', severity: 'hight', started: '2026-01-01T00:00:00Z', services: '[nope]' }));
      const r = await run(['build', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /incidents\/2026-01-01-broken\.md:4:11 error severity must be one of/);
      assert.match(r.stderr, /unknown service "nope"/);
      assert.match(r.stderr, /nothing was written/);
      assert.deepEqual(await hashTree(path.join(dir, 'dist')), before);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.dist')), [], 'no staging folder is left behind');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('two builds started at once into the same folder leave one complete site', async () => {
    const out = await tempDir();
    try {
      const [r1, r2] = await Promise.all([run(['build', '--out', out]), run(['build', '--out', out])]);
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(r2.code, 0, r2.stderr);
      const reference = await tempDir();
      assert.equal((await run(['build', '--out', reference])).code, 0);
      assert.deepEqual(await hashTree(out), await hashTree(reference));
      await rm(reference, { recursive: true, force: true });
      const siblings = (await readdir(path.dirname(out))).filter((n) => n.startsWith(`.${path.basename(out)}.tmp-`));
      assert.deepEqual(siblings, []);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('build options', () => {
  test('--drafts publishes drafts, which are left out otherwise', async () => {
    const dir = await tempDir();
    try {
      await writeProject(dir, {
        '2026-11-02-draft.md': incident({ title: 'Draft one', summary: 'd', severity: 'minor', started: '2026-11-02T10:00:00Z', services: '[api]', draft: 'true', resolved: '2026-11-02T11:00:00Z' }),
      });
      assert.equal((await run(['build', dir])).code, 0);
      await assert.rejects(stat(path.join(dir, 'dist/incidents/2026-11-02-draft/index.html')));
      assert.equal((await run(['build', dir, '--drafts'])).code, 0);
      await stat(path.join(dir, 'dist/incidents/2026-11-02-draft/index.html'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('--base-url changes absolute links; a bad one is a usage error', async () => {
    const out = await tempDir();
    try {
      assert.equal((await run(['build', '--out', out, '--base-url', 'https://preview.example.org/pr-7'])).code, 0);
      const feed = await readFile(path.join(out, 'feed.xml'), 'utf8');
      assert.match(feed, /https:\/\/preview\.example\.org\/pr-7\/incidents\//);
      assert.equal((await run(['build', '--out', out, '--base-url', 'not a url'])).code, 2);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
