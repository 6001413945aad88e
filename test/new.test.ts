import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main, type Io } from '../src/cli/main.js';
import { yamlScalar } from '../src/scaffold/index.js';

/** 2024-06-15T03:30:00Z: still 14 June in New York, the zone the site reads times in and shows its days in. */
const EPOCH = String(Date.parse('2024-06-15T03:30:00Z') / 1000);

const SITE = `title: Acme Status
base_url: https://acme.example/status/
timezone: America/New_York
display_timezone: America/New_York
services:
  - id: api
    name: API
  - id: website
    name: Website
`;

async function project(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'postmortem-new-'));
  await writeFile(path.join(root, 'site.yaml'), SITE);
  return root;
}

async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = { SOURCE_DATE_EPOCH: EPOCH }) {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), color: false, env, cwd };
  const code = await main(argv, io);
  return { code, out, err };
}

function frontmatter(text: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  assert.ok(m, 'the file starts with a frontmatter block');
  return parseYaml(m[1]!) as Record<string, unknown>;
}

describe('postmortem new', () => {
  const roots: string[] = [];
  let root: string;
  before(async () => {
    root = await project();
    roots.push(root);
  });
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it('writes incidents/<date in the site zone>-<slug>.md, prints its path, and check passes on it', async () => {
    const r = await run(['new', 'Database failover', '--root', root], root);
    assert.equal(r.code, 0, r.err);
    const rel = 'incidents/2024-06-14-database-failover.md';
    assert.equal(r.out.trim(), rel);
    assert.equal(r.err, '', 'no warning for a fresh scaffold');
    const text = await readFile(path.join(root, rel), 'utf8');
    const fm = frontmatter(text);
    assert.equal(fm.title, 'Database failover');
    assert.equal(fm.severity, 'minor', 'default severity');
    assert.deepEqual(fm.services, ['api'], 'default: the first service of site.yaml');
    assert.equal(fm.started, '2024-06-15T03:30:00Z', 'default: now (SOURCE_DATE_EPOCH)');
    assert.equal(fm.resolved, undefined, 'ongoing until the author says otherwise');
    assert.equal(fm.draft, undefined);
    for (const key of ['detected', 'mitigated', 'resolved', 'timeline', 'root_cause', 'contributing_factors', 'actions', 'tags', 'authors', 'timezone', 'draft']) {
      assert.match(text, new RegExp(`^# {0,3}(?:- )?${key}:`, 'm'), `a commented hint for ${key}`);
    }
    for (const heading of ['## Impact', '## What happened', '## Root cause', '## Lessons learned', '### What went well', '### What went wrong', '### Where we got lucky', '## Action items']) {
      assert.ok(text.includes(`\n${heading}\n`), heading);
    }
    const check = await run(['check', root, '--strict'], root);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /0 errors, 0 warnings in 1 file/);
  });

  it('refuses to overwrite an existing file, and to reuse an id from a sub-folder', async () => {
    const file = path.join(root, 'incidents/2024-06-14-database-failover.md');
    const before = await readFile(file, 'utf8');
    const r = await run(['new', 'Database failover', '--root', root], root);
    assert.equal(r.code, 1);
    assert.match(r.err, /incidents\/2024-06-14-database-failover\.md already exists; refusing to overwrite it/);
    assert.equal(await readFile(file, 'utf8'), before);

    await mkdir(path.join(root, 'incidents/2024'), { recursive: true });
    await writeFile(path.join(root, 'incidents/2024/2024-06-14-cache-outage.md'), before.replace('Database failover', 'Cache outage'));
    const clash = await run(['new', 'Cache outage', '--root', root], root);
    assert.equal(clash.code, 1);
    assert.match(clash.err, /incidents\/2024\/2024-06-14-cache-outage\.md already has the id "2024-06-14-cache-outage"/);
    assert.deepEqual((await readdir(path.join(root, 'incidents'))).sort(), ['2024', '2024-06-14-database-failover.md']);
  });

  it('uses --severity, --services, --started (its date in the site zone) and --draft', async () => {
    const r = await run(['new', 'Planned database upgrade', '--root', root, '--severity', 'maintenance', '--services', 'website, api', '--started', '2024-07-01 23:30', '--draft'], root);
    assert.equal(r.code, 0, r.err);
    // 23:30 in New York is 03:30 UTC the next day; the file is named after the local day.
    const rel = 'incidents/2024-07-01-planned-database-upgrade.md';
    assert.equal(r.out.trim(), rel);
    const text = await readFile(path.join(root, rel), 'utf8');
    const fm = frontmatter(text);
    assert.equal(fm.severity, 'maintenance');
    assert.deepEqual(fm.services, ['website', 'api']);
    assert.equal(fm.started, '2024-07-01 23:30');
    assert.equal(fm.draft, true);
    assert.match(text, /scheduled \| in_progress \| verifying \| completed/, 'maintenance statuses in the timeline hint');
    const check = await run(['check', root], root);
    assert.equal(check.code, 0, check.out);
  });

  for (const [name, args, rule, found] of [
    ['an unknown severity', ['--severity', 'huge'], 'invalid-enum', /severity: huge/],
    ['an unknown service', ['--services', 'api,webiste'], 'unknown-service', /did you mean "website"\?/],
    ['a start that is not a timestamp', ['--started', 'yesterday'], 'invalid-timestamp', /started: "?yesterday"?/],
    ['a start that is not a day of the calendar', ['--started', '2024-02-30T10:00Z'], 'invalid-timestamp', /not a day of the calendar/],
    ['a start in the future', ['--started', '2030-01-01T00:00Z'], 'future-time', /later than now/],
    ['a local start in a daylight-saving gap', ['--started', '2024-03-10 02:30'], 'timestamp-gap', /does not exist in America\/New_York/],
  ] as const) {
    it(`rejects ${name} with the diagnostics of check and writes nothing`, async () => {
      const fresh = await project();
      roots.push(fresh);
      const r = await run(['new', 'Bad options', '--root', fresh, ...args], fresh);
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.match(r.err, new RegExp(`^incidents/\\d{4}-\\d{2}-\\d{2}-bad-options\\.md:\\d+:\\d+ error .*\\[${rule}\\]$`, 'm'));
      assert.match(r.err, found);
      assert.match(r.err, /^\s+>\s+\d+ \|/m, 'with a code frame, as check prints');
      assert.match(r.err, /1 error, 0 warnings in 1 file|\d+ errors, \d+ warnings in 1 file/);
      assert.match(r.err, /nothing was written/);
      await assert.rejects(readdir(path.join(fresh, 'incidents')), { code: 'ENOENT' });
    });
  }

  it('escapes titles with quotes, colons, # and YAML look-alikes', async () => {
    const fresh = await project();
    roots.push(fresh);
    const titles = [
      'Outage: "api" down # again',
      "It's 50% slower: why?",
      'yes',
      '2024-06-01',
      '- [not] a list {or: map}',
      '  Leading and\ttrailing\nwhite space  ',
      'Ünïcödé — and a \\ backslash',
      '*alias &anchor !tag |pipe >fold @at `tick',
    ];
    for (const [i, title] of titles.entries()) {
      const r = await run(['new', '--root', fresh, '--started', `2024-06-0${i + 1}T10:00:00Z`, '--', title], fresh);
      assert.equal(r.code, 0, `${title}: ${r.err}`);
      const text = await readFile(path.join(fresh, r.out.trim()), 'utf8');
      assert.equal(frontmatter(text).title, title.replace(/\s+/g, ' ').trim(), title);
    }
    const check = await run(['check', fresh], fresh);
    assert.equal(check.code, 0, check.out);
    assert.equal(yamlScalar('Database failover'), 'Database failover', 'plain when safe');
    assert.equal(yamlScalar('true'), '"true"');
  });

  it('names the file "incident" when the title has no letter or digit to slug', async () => {
    const fresh = await project();
    roots.push(fresh);
    const r = await run(['new', '数据库故障', '--root', fresh, '--started', '2024-06-01T10:00:00Z'], fresh);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim(), 'incidents/2024-06-01-incident.md');
  });

  it('uses <root>/templates/incident.md when the project has one', async () => {
    const fresh = await project();
    roots.push(fresh);
    await mkdir(path.join(fresh, 'templates'));
    await writeFile(
      path.join(fresh, 'templates/incident.md'),
      `---
title: <%= it.title %>
summary: <%= it.yaml('Our own template for ' + it.values.title + ' (' + it.values.severity + ')') %>
severity: <%= it.severity %>
started: <%= it.started %>
services: [<%= it.services.join(', ') %>]
tags: [house-style]
---

## Our own section
`,
    );
    const r = await run(['new', 'Custom: template', '--root', fresh, '--severity', 'major', '--started', '2024-06-01T10:00:00Z'], fresh);
    assert.equal(r.code, 0, r.err);
    const text = await readFile(path.join(fresh, r.out.trim()), 'utf8');
    const fm = frontmatter(text);
    assert.equal(fm.title, 'Custom: template');
    assert.equal(fm.summary, 'Our own template for Custom: template (major)');
    assert.deepEqual(fm.tags, ['house-style']);
    assert.ok(text.includes('## Our own section'));
  });

  it('reports a template that does not render, and writes nothing', async () => {
    const fresh = await project();
    roots.push(fresh);
    await mkdir(path.join(fresh, 'templates'));
    await writeFile(path.join(fresh, 'templates/incident.md'), '---\ntitle: <%= it.nope.deeper %>\n---\n');
    const r = await run(['new', 'Broken template', '--root', fresh], fresh);
    assert.equal(r.code, 1);
    assert.match(r.err, /templates\/incident\.md could not be rendered/);
    await assert.rejects(readdir(path.join(fresh, 'incidents')), { code: 'ENOENT' });
  });

  it('needs a title and a site.yaml', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'postmortem-new-empty-'));
    roots.push(empty);
    assert.equal((await run(['new', '--root', empty], empty)).code, 2);
    const r = await run(['new', 'A title', '--root', empty], empty);
    assert.equal(r.code, 2);
    assert.match(r.err, /no site\.yaml/);
  });
});
