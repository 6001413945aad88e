/**
 * Two audiences from one repository (issue 15), piece by piece: the `:::internal` syntax (and that nothing else of
 * the directive syntax changes any text), what validation reports about internal parts, the public projection,
 * links to internal incidents, site.yaml's `internal:`, and the commands (`build --audience`, `dev --audience`,
 * `stats --audience`, `notify` refusing the internal site). The guarantee over whole sites is in leak.test.ts and
 * leak-property.test.ts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { cutRanges, isPublicIncident, publicHtml, publicIncident, type Incident, type Io } from '../src/core/index.js';
import { markdownParser, scanMarkdown } from '../src/parse/index.js';
import { ENGLISH_WORDS, renderMarkdown } from '../src/markdown/index.js';
import { linkedIncident, loadConfig } from '../src/validate/index.js';
import { forAudience, internalLinks } from '../src/project/index.js';
import { startDev } from '../src/dev/index.js';
import { main } from '../src/cli/main.js';
import { makeIncident } from './helpers/factory.js';
import { checkJson, runCli, SITE_YAML, tempProject, VALID_INCIDENT } from './helpers/cli.js';

const plain = unified().use(remarkParse).use(remarkGfm);
const strip = (tree: unknown) => JSON.parse(JSON.stringify(tree)) as unknown;

describe(':::internal, and nothing else of the directive syntax', () => {
  it('text with colons parses exactly as before: text directives, leaf directives, other containers', () => {
    for (const md of ['Error:timeout at 12:30, see :abbr[HTML]{title="x"}.', '::leaf[label]{#id}', ':::note\nsome **text**\n:::', ':::internal-notes\nx\n:::', '::::\n:::\n', 'a :::internal b', '`:::internal`', '```\n:::internal\nx\n:::\n```', '    :::internal\n    indented code']) {
      assert.deepEqual(strip(markdownParser().parse(md)), strip(plain.parse(md)), md);
    }
  });

  it('property: any text without the opening of a section parses to the same tree as without the extension', () => {
    const piece = fc.constantFrom(':', '::', ':::', '::::', 'internal', 'note', 'Error', ':timeout', '12:30', '[x]', '{#a .b}', ' ', '\n', '\n\n', '> ', '- ', '1. ', '`', '```\n', '*', 'text', ':::internal-x', 'internals', '\\:::internal');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((a) => a.join('')), (md) => {
        fc.pre(!/^[ \t>*+\-\d.)]*:{3,}internal(?![\w-])/m.test(md));
        assert.deepEqual(strip(markdownParser().parse(md)), strip(plain.parse(md)));
      }),
      { numRuns: 400 },
    );
  });

  it('a section on the internal site is a marked box; for the public, it is left out', () => {
    const md = 'Before.\n\n:::internal\nThe **secret**.\n:::\n\nAfter Error:timeout.\n';
    assert.equal(renderMarkdown(md, 'p-', { words: ENGLISH_WORDS, audience: 'internal' }), '<p>Before.</p>\n<div class="internal-part"><p class="internal-label">Internal</p><p>The <strong>secret</strong>.</p></div>\n<p>After Error:timeout.</p>');
    assert.equal(renderMarkdown(md, 'p-', { words: ENGLISH_WORDS }), '<p>Before.</p>\n<p>After Error:timeout.</p>');
    assert.equal(renderMarkdown(md, 'p-', { words: { ...ENGLISH_WORDS, internal: 'Intern' }, audience: 'internal' }).includes('<p class="internal-label">Intern</p>'), true, 'the label in the text\'s language');
  });

  it('scanMarkdown: sections with their fences, unclosed ones, lines meant as an opening, links and where they are', () => {
    const md = 'A [p](../pub/).\n\n:::internal\nB [i](../int/).\n:::\n\n::internal\n::: internal\n:::Internal\n:::internl\n\n```\n:::internal\n```\n\n> :::internal\n> quoted\n';
    const scan = scanMarkdown(md, { links: true });
    assert.deepEqual(scan.sections.map(([s, e]) => md.slice(s, e)), [':::internal\nB [i](../int/).\n:::', ':::internal\n> quoted']);
    assert.deepEqual(scan.unclosed.map((o) => md.slice(o, o + 11)), [':::internal']);
    assert.deepEqual(scan.malformed.map(([s, e]) => md.slice(s, e)), ['::internal', '::: internal', ':::Internal', ':::internl']);
    assert.deepEqual(scan.links.map((l) => [l.url, l.internal]), [['../pub/', false], ['../int/', true]]);
    assert.deepEqual(scanMarkdown('No colons here, [a link](../x/).'), { sections: [], unclosed: [], malformed: [], links: [] }, 'nothing asked, nothing parsed');
  });

  it('cutRanges: a section goes with its fences and leaves the blocks around it apart', () => {
    const cut = (md: string) => cutRanges(md, scanMarkdown(md).sections);
    assert.equal(cut('A\n\n:::internal\nX\n:::\n\nB\n'), 'A\n\nB\n');
    assert.equal(cut('A\n:::internal\nX\n:::\nB'), 'A\n\nB');
    assert.equal(cut(':::internal\nX\n:::\n'), '');
    assert.equal(cut('A\n\n:::internal\nX\n:::\n'), 'A\n');
    assert.equal(cut('> A\n> :::internal\n> X\n> :::\n> B'), '> A\n> \n> B');
    assert.equal(cut('- A\n- :::internal\n  X\n  :::\n- B'), '- A\n- \n- B');
  });
});

describe('the public projection of an incident', () => {
  const full: Incident = makeIncident({
    id: '2024-05-01-x',
    started: '2024-05-01T10:00:00Z',
    resolved: '2024-05-01T11:00:00Z',
    timeline: [
      { at: Date.parse('2024-05-01T10:05:00Z'), text: 'public', status: 'investigating' },
      { at: Date.parse('2024-05-01T10:06:00Z'), text: 'secret entry', internal: true },
    ],
    body: 'Public.\n\n:::internal\nSecret body.\n:::\n',
    rootCause: ':::internal\nAll secret.\n:::\n',
    contributingFactors: ['public factor', 'secret factor'],
    internalFactors: [1],
    actions: [
      { title: 'public action', status: 'open', owner: 'ops' },
      { title: 'secret action', status: 'open', internal: true },
    ],
    links: [
      { title: 'public link', url: 'https://a.example/' },
      { title: 'secret link', url: 'https://b.example/', internal: true },
    ],
    responders: [{ name: 'Alice', role: 'incident commander' }],
    internalParts: { body: [[9, 39]], rootCause: [[0, 27]] },
    images: [
      { url: 'a.svg', file: 'incidents/a.svg', sitePath: 'incidents/a.svg', line: 1, column: 1 },
      { url: 'b.svg', file: 'incidents/b.svg', sitePath: 'incidents/b.svg', line: 2, column: 1, internal: true },
    ],
  });

  it('leaves out every internal part, and keeps every public one', () => {
    const p = publicIncident(full);
    assert.deepEqual(p.timeline.map((e) => e.text), ['public']);
    assert.equal(p.body, 'Public.\n');
    assert.equal(p.rootCause, undefined, 'a root cause that is all internal is no root cause');
    assert.deepEqual(p.contributingFactors, ['public factor']);
    assert.deepEqual(p.actions.map((a) => [a.title, a.owner]), [['public action', 'ops']]);
    assert.deepEqual(p.links.map((l) => l.title), ['public link']);
    assert.equal(p.responders, undefined);
    assert.equal(p.internalFactors, undefined);
    assert.equal(p.internalParts, undefined);
    assert.deepEqual(p.images?.map((i) => i.url), ['a.svg']);
    assert.equal(full.timeline.length, 2, 'the incident itself is not changed');
  });

  it('action owners too, when the site keeps them internal; an incident with nothing internal is itself', () => {
    assert.deepEqual(publicIncident(full, { actionOwners: 'internal' }).actions.map((a) => a.owner), [undefined]);
    const bare = makeIncident({ id: '2024-05-02-y', started: '2024-05-02T10:00:00Z' });
    assert.equal(publicIncident(bare), bare);
  });

  it('the HTML: the public renderings of body and root cause, the public entries\' HTML only', () => {
    const html = publicHtml(full, { bodyHtml: 'INTERNAL', rootCauseHtml: 'INTERNAL', timelineHtml: ['<b>public</b>', 'secret entry'], publicBodyHtml: '<p>Public.</p>', publicRootCauseHtml: '' });
    assert.equal(html.bodyHtml, '<p>Public.</p>');
    assert.equal(html.rootCauseHtml, '');
    assert.deepEqual(html.timelineHtml, ['<b>public</b>']);
  });

  it('internal incidents and near misses are not public', () => {
    assert.equal(isPublicIncident(full), true);
    assert.equal(isPublicIncident({ visibility: 'internal' }), false);
    assert.equal(isPublicIncident({ nearMiss: true }), false);
  });

  it('forAudience: the public result has no internal incident, image or address; source hashes differ per audience', () => {
    const config = { ...loadConfig(SITE_YAML).config!, baseUrl: 'https://status.example/', basePath: '/', internal: { baseUrl: 'https://team.example/', basePath: '/', actionOwners: 'public' as const } };
    const internal = makeIncident({ id: '2024-04-01-int', started: '2024-04-01T10:00:00Z', visibility: 'internal' });
    const result = {
      config,
      incidents: [full, internal],
      diagnostics: [],
      fileCount: 2,
      sources: new Map(),
      html: new Map(),
      sourceHashes: new Map([[full.id, 'h1'], [internal.id, 'h2']]),
      staticFiles: [],
      media: new Map([['incidents/a.svg', 'incidents/a.svg'], ['incidents/b.svg', 'incidents/b.svg']]),
    };
    const pub = forAudience(result, 'public');
    const team = forAudience(result, 'internal');
    assert.deepEqual(pub.incidents.map((i) => i.id), [full.id]);
    assert.deepEqual([...pub.media.keys()], ['incidents/a.svg']);
    assert.equal(pub.config.internal, undefined);
    assert.equal(pub.config.audience, undefined);
    assert.equal(pub.config.baseUrl, 'https://status.example/');
    assert.equal(team.config.baseUrl, 'https://team.example/');
    assert.equal(team.config.audience, 'internal');
    assert.equal(team.incidents.length, 2);
    assert.notEqual(pub.sourceHashes.get(full.id), team.sourceHashes.get(full.id));
    assert.equal(pub.sourceHashes.has(internal.id), false);
  });
});

describe('links of public text to internal incidents', () => {
  const from = { id: '2024-05-01-a', file: 'incidents/2024/2024-05-01-a.md' };
  const where = { urls: ['https://status.example/', 'https://team.example/t/'], paths: ['/t/', '/'] };
  it('resolves the page, the API file and the Markdown file of an incident, however written', () => {
    const cases: [string, string | null][] = [
      ['../2024-04-01-b/', '2024-04-01-b'],
      ['../2024-04-01-b', '2024-04-01-b'],
      ['../2024-04-01-b/index.html#x', '2024-04-01-b'],
      ['../../incidents/2024-04-01-b/', '2024-04-01-b'],
      ['/incidents/2024-04-01-b/', '2024-04-01-b'],
      ['/t/incidents/2024-04-01-b/', '2024-04-01-b'],
      ['https://status.example/incidents/2024-04-01-b/', '2024-04-01-b'],
      ['https://team.example/t/incidents/2024-04-01-b/?q=1', '2024-04-01-b'],
      ['../../api/incidents/2024-04-01-b.json', '2024-04-01-b'],
      ['2024-04-01-b.md', '2024-04-01-b'],
      ['../2023/2024-04-01-b.md', '2024-04-01-b'],
      ['https://other.example/incidents/2024-04-01-b/', null],
      ['https://status.example/history/', null],
      ['../2024-04-01-b/diagram.svg', null],
      ['mailto:x@example.com', null],
      ['//evil.example/incidents/2024-04-01-b/', null],
    ];
    for (const [url, id] of cases) assert.equal(linkedIncident(url, from, where), id, url);
  });

  it('internal-link: only links to incidents that are internal, at the link', () => {
    const d = internalLinks([
      { file: 'incidents/a.md', refs: [{ id: 'b', url: '../b/', line: 3, column: 5, endLine: 3, endColumn: 15 }, { id: 'c', url: '../c/', line: 4, column: 1 }] },
      { file: 'incidents/b.md', visibility: 'internal' },
      { file: 'incidents/c.md' },
    ]);
    assert.deepEqual(d.map((x) => [x.file, x.rule, x.line, x.column, x.endColumn]), [['incidents/a.md', 'internal-link', 3, 5, 15]]);
    assert.match(d[0]!.message, /points at b, an internal incident \(incidents\/b\.md\)/);
  });
});

const PUBLIC_LINKING = `---
title: A
summary: The API failed.
severity: major
started: 2024-05-01T10:00:00Z
resolved: 2024-05-01T11:00:00Z
services: [api]
root_cause: A bug.
links:
  - { title: The near miss, url: "https://status.example/incidents/2024-04-01-near/" }
  - { title: Inside, url: "https://status.example/incidents/2024-04-01-near/", internal: true }
timeline:
  - { at: 2024-05-01T10:05:00Z, text: "See [it](../2024-04-01-near/)." }
---

See [the near miss](../2024-04-01-near/).

:::internal
Here it is fine: [the near miss](../2024-04-01-near/).
:::
`;

const NEAR = `---
title: Near
summary: Nearly.
severity: critical
near_miss: true
started: 2024-04-01T10:00:00Z
resolved: 2024-04-01T11:00:00Z
services: [api]
root_cause: Luck.
---
`;

describe('check: what would publish an internal byte, located', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('internal-link at each public link to an internal incident (Markdown, links, the timeline), not inside a section', async () => {
    const p = await tempProject({ 'site.yaml': `${SITE_YAML}base_url: https://status.example/\n`, 'incidents/2024-05-01-a.md': PUBLIC_LINKING, 'incidents/2024-04-01-near.md': NEAR });
    cleanups.push(p.cleanup);
    const { code, report } = await checkJson(p.dir);
    assert.equal(code, 1);
    const found = report.diagnostics.map((d) => [d.rule, d.line, d.column, d.endColumn]);
    assert.deepEqual(found, [
      ['internal-link', 10, 34, 85],
      ['internal-link', 13, 44, 45],
      ['internal-link', 16, 5, 41],
    ]);
    const r = await runCli(['build', p.dir]);
    assert.equal(r.code, 1, 'build refuses what check refuses');
    assert.match(r.stderr, /internal-link/);
  });

  it('misplaced-internal, malformed-internal, internal-update, near-miss-impact, unclosed-internal', async () => {
    const p = await tempProject({
      'incidents/2024-05-01-a.md': `---
title: "Outage :::internal not here"
summary: Errors.
severity: major
started: 2024-05-01T10:00:00Z
resolved: 2024-05-01T11:00:00Z
services: [api]
timeline:
  - { at: 2024-05-01T10:05:00Z, text: "Paged.", status: investigating, internal: true }
  - { at: 2024-05-01T10:06:00Z, text: "Down.", internal: true, impact: { api: major_outage } }
root_cause: |
  A bug.

  :::Internal
  Muted.
  :::
---

::: internal
Secret.
:::

:::internal
never closed
`,
      'incidents/2024-04-01-near.md': NEAR.replace('services: [api]', 'services: [{ id: api, impact: major_outage }]\nvisibility: public'),
    });
    cleanups.push(p.cleanup);
    const { report } = await checkJson(p.dir);
    const found = report.diagnostics.map((d) => `${d.file.slice(10)}:${d.line}:${d.column} ${d.severity} ${d.rule}`);
    assert.deepEqual(found, [
      '2024-04-01-near.md:8:31 error near-miss-impact',
      '2024-04-01-near.md:9:13 error near-miss-impact',
      '2024-05-01-a.md:2:8 error misplaced-internal',
      '2024-05-01-a.md:9:57 error internal-update',
      '2024-05-01-a.md:10:72 error internal-update',
      '2024-05-01-a.md:14:3 error malformed-internal',
      '2024-05-01-a.md:19:1 error malformed-internal',
      '2024-05-01-a.md:23:1 warning unclosed-internal',
    ]);
    const malformed = report.diagnostics.find((d) => d.rule === 'malformed-internal')!;
    assert.match(malformed.message, /":::Internal" is not the start of an internal section, so the text after it would be published/);
  });

  it('site.yaml internal: an address that is the public one, a folder outside the project or inside dist/', async () => {
    const p = await tempProject({ 'site.yaml': `${SITE_YAML}base_url: https://status.example/\ninternal:\n  base_url: https://status.example/\n  output: dist/team\n`, 'incidents/2024-05-01-a.md': VALID_INCIDENT });
    cleanups.push(p.cleanup);
    const { report } = await checkJson(p.dir);
    assert.deepEqual(report.diagnostics.map((d) => [d.file, d.line, d.rule]), [['site.yaml', 10, 'invalid-value'], ['site.yaml', 11, 'invalid-value']]);
    assert.match(report.diagnostics[1]!.message, /must not be dist\/ or inside it, the public site's folder/);
  });
});

describe('the commands', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });
  const site = `${SITE_YAML}base_url: https://status.example/\ninternal:\n  base_url: https://team.example/status/\n`;
  const project = async (yaml = site) => {
    const p = await tempProject({ 'site.yaml': yaml, 'incidents/2024-05-01-a.md': VALID_INCIDENT, 'incidents/2024-04-01-near.md': NEAR });
    cleanups.push(p.cleanup);
    return p.dir;
  };

  it('build: the public site by default, --audience internal into dist-internal, both with internal.output', async () => {
    const dir = await project();
    let r = await runCli(['build', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Built 1 incident into .*dist: /);
    assert.equal(existsSync(path.join(dir, 'dist-internal')), false);
    r = await runCli(['build', dir, '--audience', 'internal']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Built 2 incidents into .*dist-internal \(the internal site\): /);
    const canonical = await readFile(path.join(dir, 'dist-internal', 'incidents', '2024-04-01-near', 'index.html'), 'utf8');
    assert.match(canonical, /<link rel="canonical" href="https:\/\/team\.example\/status\/incidents\/2024-04-01-near\/">/);
    const both = await project(`${site}  output: team-site\n`);
    r = await runCli(['build', both]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Built 1 incident into .*dist: .*\nBuilt 2 incidents into .*team-site \(the internal site\): /);
  });

  it('build refuses, before any work: nested folders, --base-url for both sites, an unknown audience', async () => {
    const dir = await project();
    let r = await runCli(['build', dir, '--audience', 'both', '--out', path.join(dir, 'dist-internal', 'public')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /must be apart, neither inside the other/);
    r = await runCli(['build', dir, '--audience', 'both', '--base-url', 'https://x.example/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--base-url sets the address of one site/);
    r = await runCli(['build', dir, '--audience', 'team']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--audience must be public, internal or both \(.*\); found "team"/);
    assert.equal(existsSync(path.join(dir, 'dist')), false);
  });

  it('stats counts the public incidents, or with --audience internal the near misses too', async () => {
    const dir = await project();
    const pub = JSON.parse((await runCli(['stats', dir, '--format', 'json'])).stdout) as { incidents: number; nearMisses?: number };
    const team = JSON.parse((await runCli(['stats', dir, '--format', 'json', '--audience', 'internal'])).stdout) as { incidents: number; nearMisses?: number };
    assert.deepEqual([pub.incidents, pub.nearMisses], [1, undefined]);
    assert.deepEqual([team.incidents, team.nearMisses], [2, 1]);
  });

  it('notify refuses to post the internal site\'s changes unless asked by name', async () => {
    const dir = await project();
    await mkdir(path.join(dir, 'none'));
    assert.equal((await runCli(['build', dir, '--audience', 'internal'])).code, 0);
    const r = await runCli(['notify', '--root', dir, '--site', path.join(dir, 'dist-internal'), '--previous', path.join(dir, 'none'), '--dry-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is the internal site's \(built with --audience internal\)/);
    const ok = await runCli(['notify', '--root', dir, '--site', path.join(dir, 'dist-internal'), '--previous', path.join(dir, 'none'), '--dry-run', '--audience', 'internal']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('dev --audience internal serves the internal site under its path; the public preview has no internal page', async () => {
    const dir = await project();
    let out = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: { SOURCE_DATE_EPOCH: '1735689600' }, cwd: dir };
    const team = await startDev({ root: dir, port: 0, host: '127.0.0.1', io, audience: 'internal' });
    try {
      assert.equal(team.url, `http://127.0.0.1:${team.port}/status/`);
      assert.match(out, /\(the internal site, drafts included\)/);
      const page = await fetch(`${team.url}incidents/2024-04-01-near/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /internal-mark" lang="en">Near miss</);
    } finally {
      await team.close();
    }
    const pub = await startDev({ root: dir, port: 0, host: '127.0.0.1', io });
    try {
      assert.equal((await fetch(`${pub.url}incidents/2024-04-01-near/`)).status, 404);
      assert.equal((await fetch(`${pub.url}incidents/2024-05-01-a/`)).status, 200);
    } finally {
      await pub.close();
    }
  });

  it('a bad --audience is a usage error for dev, stats and notify too', async () => {
    const io: Io = { out: () => undefined, err: () => undefined, color: false, env: {}, cwd: process.cwd() };
    for (const args of [['dev', '--audience', 'both'], ['stats', '--audience', 'all'], ['notify', '--previous', 'x', '--audience', 'x']]) {
      assert.equal(await main(args, io), 2, args.join(' '));
    }
  });

});
