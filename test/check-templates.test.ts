/**
 * Templates are code (issue 11, item 9): `check` compiles the project's templates, so a pull request that breaks
 * one fails in CI, with a diagnostic naming the template and, where one can be found, the line of the tag: eta
 * locates its own parse errors; a JavaScript error in a tag is traced back to the tag. `build` refuses the same
 * templates with the same diagnostics (never an internal error), and `dev` shows them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, SITE_YAML, VALID_INCIDENT } from './helpers/cli.js';
import { startDev } from '../src/dev/index.js';
import type { Io } from '../src/cli/main.js';

interface Json {
  diagnostics: { file: string; line: number; column: number; rule: string; message: string }[];
}

async function project(templates: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-tpl-'));
  await mkdir(path.join(dir, 'incidents'));
  await mkdir(path.join(dir, 'templates', 'partials'), { recursive: true });
  await writeFile(path.join(dir, 'site.yaml'), SITE_YAML);
  await writeFile(path.join(dir, 'incidents', '2024-05-01-ok.md'), VALID_INCIDENT);
  for (const [name, text] of Object.entries(templates)) await writeFile(path.join(dir, 'templates', name), text);
  return dir;
}

const BROKEN = {
  // eta's own parse error: line 2, column 5 (the `<%=` never closed).
  'tags.eta': '<h1>Tags</h1>\n<p> <%= it.page.title\n',
  // A JavaScript error in an interpolation on line 3.
  'tag.eta': '<h1>\n<%= it.page.title %>\n  <p><%= it.page.title + %></p>\n',
  // Braces that never close across tags: JavaScript cannot say where.
  'partials/footer.eta': '<footer>\n<% if (it.page) { %>\n</footer>\n',
};

describe('check compiles the templates', () => {
  it('each broken template is one template-error, at the line of its tag where it can be found', async () => {
    const dir = await project(BROKEN);
    try {
      const r = await runCli(['check', dir, '--format', 'json']);
      assert.equal(r.code, 1, r.stderr);
      const json = JSON.parse(r.stdout) as Json;
      const got = json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);
      assert.deepEqual(got, ['templates/partials/footer.eta:1:1 template-error', 'templates/tag.eta:3:6 template-error', 'templates/tags.eta:2:5 template-error']);
      assert.match(json.diagnostics[0]!.message, /JavaScript error in a tag: /);
      assert.match(json.diagnostics[1]!.message, /^the template cannot be compiled: JavaScript error in this tag: Unexpected token/);
      assert.match(json.diagnostics[2]!.message, /^the template cannot be compiled: unclosed tag$/);
      const text = await runCli(['check', dir]);
      const lines = text.stdout.split('\n');
      const source = lines.findIndex((l) => l.includes('> 3 |   <p><%= it.page.title + %></p>'));
      assert.ok(source >= 0, text.stdout);
      assert.equal(lines[source + 1]!.indexOf('^'), lines[source]!.indexOf('<%'), 'the caret is under the tag');
      const github = await runCli(['check', dir, '--format', 'github']);
      assert.match(github.stdout, /^::error file=templates\/tags\.eta,line=2,col=5,title=postmortem template-error::/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('build refuses them with the same diagnostics: exit 1, nothing written, no stack trace', async () => {
    const dir = await project(BROKEN);
    try {
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /templates\/tags\.eta:2:5 error the template cannot be compiled: unclosed tag \[template-error\]/);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.match(r.stderr, /Build failed: nothing was written/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a good template of the project passes; dev shows a broken one as check does', async () => {
    const dir = await project({ 'partials/footer.eta': '<footer><%= it.site.config.title %></footer>\n' });
    try {
      assert.equal((await runCli(['check', dir])).code, 0);
      const lines: string[] = [];
      const io: Io = { out: (s) => lines.push(s), err: (s) => lines.push(s), color: false, env: {}, cwd: dir };
      const session = await startDev({ root: dir, port: 0, host: '127.0.0.1', io, now: () => Date.parse('2025-01-01T00:00:00Z') });
      try {
        await writeFile(path.join(dir, 'templates', 'tags.eta'), BROKEN['tags.eta']);
        await session.poke({ templates: true });
        assert.match(lines.join(''), /templates\/tags\.eta:2:5 error the template cannot be compiled: unclosed tag \[template-error\]/);
      } finally {
        await session.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
