/**
 * What one input may cost (issue 11, item 1): inputs that `check` used to pass and `build` could not survive (a
 * table padded to millions of cells, a reference repeated into gigabytes, YAML aliases, thousands of services)
 * are refused by both, quickly, with a located error; ordinary projects are not. The estimate is a line scan: a
 * property test checks that it never counts fewer table cells than the Markdown renderer makes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markdownWeight, OUTPUT_LIMITS } from '../src/parse/index.js';
import { renderMarkdown } from '../src/markdown/index.js';
import { runCli } from './helpers/cli.js';

const HEAD = '---\ntitle: t\nsummary: s\nseverity: minor\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\nroot_cause: r\n---\n';
const SITE = 'title: T\ntimezone: UTC\nservices:\n  - { id: api, name: API }\n';

interface Json {
  diagnostics: { file: string; line: number; column: number; rule: string; message: string }[];
}

async function project(files: Record<string, string>, site = SITE): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-limits-'));
  await mkdir(path.join(dir, 'incidents'));
  await writeFile(path.join(dir, 'site.yaml'), site);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'incidents', name), text);
  return dir;
}

/** check --strict (json) and build of a project: both must refuse it the same way, build writing nothing. */
async function refusedByBoth(dir: string): Promise<string[]> {
  const check = await runCli(['check', dir, '--strict', '--format', 'json']);
  assert.equal(check.code, 1, check.stderr);
  const found = (JSON.parse(check.stdout) as Json).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);
  const build = await runCli(['build', dir]);
  assert.equal(build.code, 1, `build: ${build.stderr.slice(0, 2000)}`);
  for (const f of found) assert.ok(build.stderr.includes(f.replace(/ (\S+)$/, ' error')), `build does not report ${f}`);
  await assert.rejects(readdir(path.join(dir, 'dist')), 'build wrote nothing');
  return found;
}

describe('inputs that would exhaust build are refused by check first', () => {
  it('a table of 1,000 columns over 4,000 one-character rows (18 KB): table-too-large at its delimiter row', async () => {
    const cols = 1000;
    const text = `${HEAD}|${'c|'.repeat(cols)}\n|${'-|'.repeat(cols)}\n${'|x\n'.repeat(4000)}`;
    const dir = await project({ '2024-05-01-table.md': text });
    try {
      assert.ok(text.length < 20_000);
      assert.deepEqual(await refusedByBoth(dir), ['incidents/2024-05-01-table.md:11:1 table-too-large']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a 14,000-character reference used 1,300 times, footnote references by the hundred thousand: output-too-large', async () => {
    const refs = `${HEAD}Intro.\n\n[r]: https://example.com/${'a'.repeat(14_000)}\n\n${'[x][r] '.repeat(1300)}\n`;
    const notes = `${HEAD}Text[^a].\n\n[^a]: The note.\n\n${'[^a]'.repeat(200_000)}\n`;
    const dir = await project({ '2024-05-01-refs.md': refs, '2024-05-02-notes.md': notes });
    try {
      assert.deepEqual(await refusedByBoth(dir), ['incidents/2024-05-01-refs.md:12:1 output-too-large', 'incidents/2024-05-02-notes.md:10:1 output-too-large']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('YAML aliases that repeat a long value 900 times (a 500 KB file, 430 MiB on its page): output-too-large', async () => {
    const text = `${HEAD.replace('root_cause: r\n', `root_cause: &a "${'x'.repeat(500_000)}"\ncontributing_factors: [${Array(900).fill('*a').join(', ')}]\n`)}Body.\n`;
    const dir = await project({ '2024-05-01-alias.md': text });
    try {
      assert.deepEqual(await refusedByBoth(dir), ['incidents/2024-05-01-alias.md:1:1 output-too-large']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a heavy incident shown in the feeds of 100 services, and 100 heavy incidents that one feed or API page could show', async () => {
    const services = Array.from({ length: 100 }, (_, i) => `  - { id: s${i}, name: S${i} }`).join('\n');
    // About 3 MiB each (a 1,000-character reference used 3,000 times): fine alone, not in 108 files.
    const heavy = (ids: string) => `${HEAD.replace('services: [api]', `services: [${ids}]`)}[r]: https://example.com/${'b'.repeat(1000)}\n\n${'[r] '.repeat(3000)}\n`;
    const dir = await project({ '2024-05-01-wide.md': heavy(Array.from({ length: 100 }, (_, i) => `s${i}`).join(', ')) }, `title: T\nservices:\n${services}\n`);
    try {
      assert.deepEqual(await refusedByBoth(dir), ['incidents/2024-05-01-wide.md:7:1 output-too-large']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`2024-05-01-heavy-${i}.md`] = `${HEAD.replace('services: [api]', 'services: [s0]')}[r]: https://example.com/${'c'.repeat(2000)}\n\n${'[r] '.repeat(400)}\n`;
    const many = await project(files, `title: T\nservices:\n${services}\n`);
    try {
      const found = await refusedByBoth(many);
      assert.equal(found.length, 1);
      assert.match(found[0]!, /^incidents\/2024-05-01-heavy-\d+\.md:1:1 output-too-large$/);
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });

  it('site.yaml: 12,000 services, or 300 services × 365 days of uptime bars: too-many-services', async () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `  - { id: s${i}, name: S${i} }`).join('\n');
    for (const [site, where, message] of [
      [`title: T\nuptime_days: 365\nservices:\n${list(12_000)}\n`, 'site.yaml:3:1', /lists 12,000 services; expected at most 1,000/],
      [`title: T\nuptime_days: 365\nservices:\n${list(300)}\n`, 'site.yaml:2:1', /300 services × 365 days .* 109,500 days .*; expected at most 100,000/],
    ] as const) {
      const dir = await project({}, site);
      try {
        const check = await runCli(['check', dir, '--format', 'json']);
        assert.equal(check.code, 1);
        const d = (JSON.parse(check.stdout) as Json).diagnostics;
        assert.deepEqual(d.map((x) => `${x.file}:${x.line}:${x.column} ${x.rule}`), [`${where} too-many-services`]);
        assert.match(d[0]!.message, message);
        assert.equal((await runCli(['build', dir])).code, 1);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('an incident may list at most 50 tags (each has a page)', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => `t${i}`).join(', ');
    const dir = await project({ '2024-05-01-tags.md': `${HEAD.replace('root_cause: r', `root_cause: r\ntags: [${tags}]`)}Body.\n` });
    try {
      const found = await refusedByBoth(dir);
      assert.deepEqual(found, ['incidents/2024-05-01-tags.md:9:7 invalid-value']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ordinary content passes: tables of hundreds of rows, links, references and footnotes as people write them', async () => {
    const table = `| a | b | c | d | e | f | g | h |\n|---|:-:|---|---|---|---|---|--:|\n${'| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |\n'.repeat(500)}`;
    const refs = `See [the dashboard][dash] and [logs][], twice: [dash][]. A note[^1] and another[^2].\n\n[dash]: https://grafana.example.com/d/abc/${'x'.repeat(300)}?from=now-6h "Dashboard"\n[logs]: https://logs.example.com/\n[^1]: One.\n[^2]: Two.\n`;
    const dir = await project({ '2024-05-01-ok.md': `${HEAD}${table}\n${refs.repeat(50)}` });
    try {
      const r = await runCli(['check', dir, '--strict']);
      assert.equal(r.code, 0, r.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('markdownWeight (the line scan)', () => {
  it('counts padded cells in quotes and lists, and no table without a pipe in its delimiter row', () => {
    assert.equal(markdownWeight('| a | b |\n|---|---|\n| 1 |\n| 2 | 3 |\n').cells, 6, 'the header and two rows, the first padded');
    assert.equal(markdownWeight('> | a | b | c |\n> | - | - | - |\n> x\n\nafter\n').cells, 6);
    assert.equal(markdownWeight('- | a |\n  | - |\n  | 1 |\n').cells, 2);
    assert.equal(markdownWeight('Title\n---\ntext\n').cells, 0);
    assert.equal(markdownWeight('a\n\n|---|\n').cells, 0, 'no header line: no table');
  });

  it('a line of one million spaces, pipes and dashes is scanned in linear time', () => {
    const started = process.cpuUsage();
    markdownWeight(`h\n|${' '.repeat(1_000_000)}-x\n${'|-'.repeat(300_000)}\n`);
    const { user } = process.cpuUsage(started);
    assert.ok(user < 5_000_000, `${user / 1000} ms of CPU`);
  });

  it('never counts fewer table cells than the renderer makes (property)', () => {
    const cell = fc.constantFrom('', 'x', ' y ', '`|`', '\\|', '**b**');
    const row = fc.array(cell, { minLength: 0, maxLength: 6 }).map((cells) => `|${cells.join('|')}|`);
    const delimiter = fc.array(fc.constantFrom('-', ':-', '-:', ':-:', '---'), { minLength: 1, maxLength: 6 }).map((cells) => `|${cells.join('|')}|`);
    const prefix = fc.constantFrom('', '> ', '- ', '  ', '1. ', '> > ');
    const line = fc.oneof(row, delimiter, fc.constantFrom('', 'text', '---', '> ', '- item'));
    const doc = fc.array(fc.tuple(prefix, line), { maxLength: 30 }).map((ls) => ls.map(([p, l]) => p + l).join('\n'));
    fc.assert(
      fc.property(doc, (md) => {
        const html = renderMarkdown(md);
        const rendered = (html.match(/<t[dh][\s>]/g) ?? []).length;
        return markdownWeight(md).cells >= rendered;
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('the limits are those the README states', () => {
    assert.deepEqual(
      [OUTPUT_LIMITS.maxTableCells, OUTPUT_LIMITS.maxIncidentBytes, OUTPUT_LIMITS.maxIncidentOutputBytes, OUTPUT_LIMITS.maxGroupBytes, OUTPUT_LIMITS.maxServices, OUTPUT_LIMITS.maxServiceDays],
      [100_000, 8 * 2 ** 20, 256 * 2 ** 20, 64 * 2 ** 20, 1000, 100_000],
    );
  });
});
