import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main, type Io } from '../src/cli/main.js';
import { yamlScalar } from '../src/scaffold/index.js';

/** 2024-06-15T03:30:00Z: still 14 June in New York, the zone the site reads local times in (its pages show UTC days). */
const EPOCH = String(Date.parse('2024-06-15T03:30:00Z') / 1000);

const SITE = `title: Acme Status
base_url: https://acme.example/status/
timezone: America/New_York
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

async function checkJsonOf(root: string): Promise<{ rule: string }[]> {
  const r = await run(['check', root, '--format', 'json'], root);
  return (JSON.parse(r.out) as { diagnostics: { rule: string }[] }).diagnostics;
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

  it('writes incidents/<UTC date>-<slug>.md, prints its path, lists what is left to write; check warns until it is written', async () => {
    const r = await run(['new', 'Database failover', '--root', root], root);
    assert.equal(r.code, 0, r.err);
    // 03:30 UTC on 15 June is still 14 June in New York: the file is named after the day its page shows, in UTC.
    const rel = 'incidents/2024-06-15-database-failover.md';
    assert.equal(r.out, `${rel}\n`, 'stdout is the path alone (for $EDITOR "$(postmortem new …)")');
    assert.equal(
      r.err,
      'To write before it is published (until then `check` warns: template-placeholder):\n' +
        ['  line  4  summary', '  line 52  ## Impact', '  line 56  ## What happened', '  line 64  ## Root cause', '  line 70  ### What went well', '  line 74  ### What went wrong', '  line 78  ### Where we got lucky', '  line 82  ## Action items'].join('\n') +
        '\n',
    );
    const text = await readFile(path.join(root, rel), 'utf8');
    const fm = frontmatter(text);
    assert.equal(fm.title, 'Database failover');
    assert.equal(fm.severity, 'minor', 'default severity');
    assert.deepEqual(fm.services, ['api'], 'default: the first service of site.yaml');
    assert.equal(fm.started, '2024-06-15T03:30:00Z', 'default: now (SOURCE_DATE_EPOCH)');
    assert.equal(fm.resolved, undefined, 'ongoing until the author says otherwise');
    assert.equal(fm.draft, undefined);
    for (const key of ['detected', 'detection', 'mitigated', 'resolved', 'timeline', 'root_cause', 'contributing_factors', 'actions', 'tags', 'authors', 'timezone', 'draft']) {
      assert.match(text, new RegExp(`^# {0,3}(?:- )?${key}:`, 'm'), `a commented hint for ${key}`);
    }
    for (const heading of ['## Impact', '## What happened', '## Root cause', '## Lessons learned', '### What went well', '### What went wrong', '### Where we got lucky', '## Action items']) {
      assert.ok(text.includes(`\n${heading}\n`), heading);
    }
    const check = await run(['check', root], root);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /0 errors, 8 warnings in 1 file/);
    assert.match(check.out, /^incidents\/2024-06-15-database-failover\.md:4:10 warning summary still holds the template's placeholder/m);
    assert.equal((await run(['check', root, '--strict'], root)).code, 1, '--strict refuses placeholders');

    // Once written, nothing is left to report.
    const written = text
      .replace(/^summary: .*$/m, 'summary: The primary database failed over; writes failed for 4 minutes.')
      .replace(/<!--[\s\S]*?-->/g, 'Written by the author.');
    await writeFile(path.join(root, rel), written);
    const strict = await run(['check', root, '--strict'], root);
    assert.equal(strict.code, 0, strict.out);
  });

  it('refuses to overwrite an existing file, and to reuse an id from a sub-folder', async () => {
    const file = path.join(root, 'incidents/2024-06-15-database-failover.md');
    const before = await readFile(file, 'utf8');
    const r = await run(['new', 'Database failover', '--root', root], root);
    assert.equal(r.code, 1);
    assert.match(r.err, /incidents\/2024-06-15-database-failover\.md already exists; refusing to overwrite it/);
    assert.equal(await readFile(file, 'utf8'), before);

    await mkdir(path.join(root, 'incidents/2024'), { recursive: true });
    await writeFile(path.join(root, 'incidents/2024/2024-06-15-cache-outage.md'), before.replace('Database failover', 'Cache outage'));
    const clash = await run(['new', 'Cache outage', '--root', root], root);
    assert.equal(clash.code, 1);
    assert.match(clash.err, /incidents\/2024\/2024-06-15-cache-outage\.md already has the id "2024-06-15-cache-outage"/);
    assert.deepEqual((await readdir(path.join(root, 'incidents'))).sort(), ['2024', '2024-06-15-database-failover.md']);
  });

  it('names the file by the day of display_timezone when the site shows its days in another zone than UTC', async () => {
    const other = await project();
    roots.push(other);
    await writeFile(path.join(other, 'site.yaml'), `${SITE}display_timezone: America/New_York\n`);
    const r = await run(['new', 'Database failover', '--root', other], other);
    assert.equal(r.code, 0, r.err);
    // 03:30 UTC on 15 June is 14 June in New York, the day the pages of this site show.
    assert.equal(r.out, 'incidents/2024-06-14-database-failover.md\n');
  });

  it('uses --severity, --services, --started (its UTC date) and --draft; maintenance gets its own template', async () => {
    const r = await run(['new', 'Planned database upgrade', '--root', root, '--severity', 'maintenance', '--services', 'website, api', '--started', '2024-07-01 23:30', '--draft'], root);
    assert.equal(r.code, 0, r.err);
    // 23:30 in New York is 03:30 UTC the next day, the day the page shows.
    const rel = 'incidents/2024-07-02-planned-database-upgrade.md';
    assert.equal(r.out.trim(), rel);
    assert.equal(r.err, '', 'a draft is not published: no placeholder to report yet');
    const text = await readFile(path.join(root, rel), 'utf8');
    const fm = frontmatter(text);
    assert.equal(fm.severity, 'maintenance');
    assert.deepEqual(fm.services, ['website', 'api']);
    assert.equal(fm.started, '2024-07-01 23:30');
    assert.equal(fm.draft, true);
    assert.match(text, /scheduled \| in_progress \| verifying \| completed/, 'maintenance statuses in the timeline hint');
    assert.ok(text.includes('\n## What we will do\n') && text.includes('\n## What to expect\n'), 'the maintenance sections');
    for (const absent of ['root_cause', 'Root cause', 'Lessons learned', 'contributing_factors', 'investigating']) assert.ok(!text.includes(absent), `no ${absent} in maintenance`);
    const check = await run(['check', root], root);
    assert.equal(check.code, 0, check.out);
  });

  it('--maintenance, --detected, --mitigated, --resolved, --summary and --slug or --id: a backfilled incident', async () => {
    const fresh = await project();
    roots.push(fresh);
    // GitHub's incident of 21 October 2018, 22:52 UTC: 22 October in Berlin, 21 October on its page.
    await writeFile(path.join(fresh, 'site.yaml'), SITE.replace('America/New_York', 'Europe/Berlin'));
    const args = ['--started', '2018-10-21T22:52:00Z', '--detected', '2018-10-22 00:54', '--mitigated', '2018-10-22T16:24:00Z', '--resolved', '2018-10-22T23:03:00Z', '--summary', 'A 43-second network partition left the\nsite degraded for 24 hours.'];
    const r = await run(['new', 'Degraded service: "unavailable"', '--root', fresh, '--severity', 'major', ...args], fresh);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim(), 'incidents/2018-10-21-degraded-service-unavailable.md');
    const fm = frontmatter(await readFile(path.join(fresh, r.out.trim()), 'utf8'));
    assert.deepEqual(
      [fm.started, fm.detected, fm.mitigated, fm.resolved, fm.summary],
      ['2018-10-21T22:52:00Z', '2018-10-22 00:54', '2018-10-22T16:24:00Z', '2018-10-22T23:03:00Z', 'A 43-second network partition left the site degraded for 24 hours.'],
    );
    assert.match(String(fm.root_cause), /^Write the short answer/, 'a resolved incident gets a root_cause to write, not a missing-root-cause warning');
    assert.match(r.err, /^ {2}line +\d+ {2}root_cause$/m);
    assert.doesNotMatch(r.err, /line +\d+ {2}summary/, 'the summary was given');
    const check = await checkJsonOf(fresh);
    assert.deepEqual([...new Set(check.map((d) => d.rule))], ['template-placeholder'], 'no long-ongoing, no missing-root-cause');

    const slug = await run(['new', 'Ignored for the name', '--root', fresh, '--slug', 'github-oct-21', '--started', '2018-10-21T22:52:00Z', '--resolved', '2018-10-22T23:03:00Z'], fresh);
    assert.equal(slug.out.trim(), 'incidents/2018-10-21-github-oct-21.md', slug.err);
    const id = await run(['new', 'Whole id', '--root', fresh, '--id', 'octocat-outage', '--started', '2018-10-21T22:52:00Z'], fresh);
    assert.equal(id.out.trim(), 'incidents/octocat-outage.md', id.err);
    assert.match(id.err, /long-ongoing/, 'an old start without --resolved: the warning check gives, with its code frame');
    assert.match(id.err, /^incidents\/octocat-outage\.md:\d+:\d+ warning .*\[long-ongoing\]$/m, 'the file exists now: it is named');

    const maintenance = await run(['new', 'Database upgrade', '--root', fresh, '--maintenance', '--started', '2030-01-05T08:00:00Z', '--resolved', '2030-01-05T09:00:00Z'], fresh);
    assert.equal(maintenance.code, 0, maintenance.err);
    const mfm = frontmatter(await readFile(path.join(fresh, maintenance.out.trim()), 'utf8'));
    assert.deepEqual([mfm.severity, mfm.started, mfm.resolved], ['maintenance', '2030-01-05T08:00:00Z', '2030-01-05T09:00:00Z'], 'maintenance may be scheduled ahead');
  });

  for (const [name, args, message] of [
    ['--id and --slug together', ['--id', 'a-b', '--slug', 'c'], /give --id \(the whole name\) or --slug/],
    ['an --id that is not an id', ['--id', 'Not An Id'], /--id must be lowercase letters, digits and single hyphens, at most 100 characters .*found "Not An Id"/],
    ['a --slug too long for the name', ['--slug', 'x'.repeat(90)], /--slug must be .* at most 89 characters/],
    ['--maintenance with another severity', ['--maintenance', '--severity', 'major'], /--maintenance is planned work, of severity maintenance; found also --severity major/],
  ] as const) {
    it(`refuses ${name} (exit 2), writing nothing`, async () => {
      const fresh = await project();
      roots.push(fresh);
      const r = await run(['new', 'Bad options', '--root', fresh, ...args], fresh);
      assert.equal(r.code, 2);
      assert.match(r.err, message);
      await assert.rejects(readdir(path.join(fresh, 'incidents')), { code: 'ENOENT' });
    });
  }

  for (const [name, args, option, rule, found] of [
    ['an unknown severity', ['--severity', 'huge'], '--severity "huge"', 'invalid-enum', /severity must be one of critical, major, minor, notice, maintenance; found "huge"/],
    ['an unknown service', ['--services', 'api,webiste'], '--services "api,webiste"', 'unknown-service', /did you mean "website"\?/],
    ['a start that is not a timestamp', ['--started', 'yesterday'], '--started "yesterday"', 'invalid-timestamp', /started: /],
    ['a start that is not a day of the calendar', ['--started', '2024-02-30T10:00Z'], '--started "2024-02-30T10:00Z"', 'invalid-timestamp', /not a day of the calendar/],
    ['a start in the future', ['--started', '2030-01-01T00:00Z'], '--started "2030-01-01T00:00Z"', 'future-time', /later than now/],
    ['a local start in a daylight-saving gap', ['--started', '2024-03-10 02:30'], '--started "2024-03-10 02:30"', 'timestamp-gap', /does not exist in America\/New_York/],
    ['an end before the start', ['--started', '2024-06-01T10:00Z', '--resolved', '2024-06-01T09:00Z'], '--resolved "2024-06-01T09:00Z"', 'resolved-before-started', /must not be before started/],
    ['an empty summary', ['--summary', ' '], '--summary ""', 'invalid-value', /summary must not be empty/],
  ] as const) {
    it(`rejects ${name} as that option, naming no file, and writes nothing`, async () => {
      const fresh = await project();
      roots.push(fresh);
      const r = await run(['new', 'Bad options', '--root', fresh, ...args], fresh);
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      const first = r.err.split('\n')[0]!;
      assert.ok(first.startsWith(`postmortem new: ${option}: `), first);
      assert.match(first, new RegExp(`\\[${rule}\\]$`));
      assert.match(r.err, found);
      assert.doesNotMatch(r.err, /incidents\//, 'the file was never written: it is not cited');
      assert.match(r.err, /nothing was written\.\n$/);
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

  it("reports what the project's template got wrong under a name that says the file was not written", async () => {
    const fresh = await project();
    roots.push(fresh);
    await mkdir(path.join(fresh, 'templates'));
    await writeFile(path.join(fresh, 'templates/incident.md'), '---\ntitle: <%= it.title %>\nsummary: S\nseverity: <%= it.severity %>\nstarted: <%= it.started %>\nservices: [<%= it.services %>]\ntags: [House Style]\n---\n');
    const r = await run(['new', 'Own template', '--root', fresh, '--started', '2024-06-01T10:00:00Z'], fresh);
    assert.equal(r.code, 1);
    assert.match(r.err, /^incidents\/2024-06-01-own-template\.md \(from templates\/incident\.md; not written\):7:\d+ error tags\[0\]: a tag must be a slug/m);
    assert.match(r.err, /^\s+> 7 \| tags: \[House Style\]/m, 'with the code frame of the text the template produced');
    assert.match(r.err, /nothing was written/);
    await assert.rejects(readdir(path.join(fresh, 'incidents')), { code: 'ENOENT' });
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
