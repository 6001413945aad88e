/**
 * YAML errors that say how to fix them: the common mistakes each get a `help:` line built from the author's own
 * line, at the place of the mistake (an unclosed quote where it opened, not where the file ends); through the
 * parser, the validator (a key with no value) and the CLI as an author sees it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIncidentText } from '../src/parse/index.js';
import { validateDocument } from '../src/validate/index.js';
import { quoted, splitPair } from '../src/parse/yaml-hints.js';
import type { SiteConfig } from '../src/core/index.js';
import { runCli, tempProject } from './helpers/cli.js';

const FILE = 'incidents/2024-05-01-x.md';
const config: SiteConfig = { title: 'T', basePath: '/', timezone: 'UTC', uptimeDays: 90, services: [{ id: 'api', name: 'API' }] };

/** A file whose frontmatter has `line` as its line 3, after a valid title (line 2). */
function file(lines: string): string {
  return `---\ntitle: T\n${lines}\nsummary: S\nseverity: minor\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\n---\n`;
}

function diagnostics(text: string) {
  const doc = parseIncidentText(FILE, text);
  const all = doc.diagnostics.length > 0 ? doc.diagnostics : validateDocument(doc, { config, now: Date.parse('2025-01-01T00:00:00Z') }).diagnostics;
  return all.map((d) => ({ rule: d.rule, line: d.line, column: d.column, message: d.message, hint: d.hint }));
}

const CASES: { name: string; lines: string; rule?: string; line: number; column: number; hint: string }[] = [
  {
    name: 'a colon and a space inside an unquoted value',
    lines: 'timeline:\n  - at: 2024-05-01T10:00:00Z\n    text: Blog post … (late: the blog …)',
    line: 5,
    column: 11,
    hint: 'the value holds ": ", which YAML reads as the start of another key; quote the value: `text: "Blog post … (late: the blog …)"`',
  },
  {
    name: 'a colon in a value that holds double quotes (single quotes need no escaping)',
    lines: 'root_cause: The "fix": a restart',
    line: 3,
    column: 13,
    hint: 'the value holds ": ", which YAML reads as the start of another key; quote the value: `root_cause: \'The "fix": a restart\'`',
  },
  {
    name: 'a tab used for indentation',
    lines: 'tags:\n\t- db',
    line: 4,
    column: 1,
    hint: 'replace the tab with spaces: YAML nests by counting spaces (two per level is usual)',
  },
  {
    name: 'an unclosed double quote, pointed at where it opened',
    lines: 'root_cause: "A bad deploy',
    line: 3,
    column: 13,
    hint: 'the " opened on line 3 is never closed, so YAML read on to the end; end the value with " on the same line (a " inside it is written \\")',
  },
  {
    name: 'an unclosed single quote',
    lines: "root_cause: 'It''s the deploy",
    line: 3,
    column: 13,
    hint: "the ' opened on line 3 is never closed, so YAML read on to the end; end the value with ' on the same line (a ' inside it is written '')",
  },
  {
    name: 'an unclosed bracket',
    lines: 'tags: [db, deploy',
    line: 4,
    column: 1,
    hint: 'the list opened with [ on line 3 is never closed; end it with ] after its last item, e.g. `tags: [a, b]`',
  },
  {
    name: 'an unclosed brace',
    lines: 'actions:\n  - {title: Fix it, status: open',
    line: 5,
    column: 1,
    hint: 'the mapping opened with { on line 4 is never closed; end it with } after its last item, e.g. `- {id: api, impact: partial_outage}`',
  },
  {
    name: 'a key with no colon',
    lines: 'root_cause A bad deploy',
    line: 3,
    column: 1,
    hint: 'a key and its value are separated by a colon and a space: `root_cause: A bad deploy`',
  },
  {
    name: 'a list item without its dash',
    lines: 'tags:\ndb',
    line: 4,
    column: 1,
    hint: 'write `db: <value>` for a key, or `  - db` for an item of the list above; or remove the line',
  },
  {
    name: 'a line indented under the key above',
    lines: 'root_cause: x\n  authors: [me]',
    line: 3,
    column: 13,
    hint: 'line 4 is indented further than `root_cause:` on line 3, so YAML reads it as part of that value; indent it like the keys around it',
  },
  {
    name: 'a value starting with a reserved character',
    lines: 'authors: [x]\nroot_cause: `npm ci` failed',
    line: 4,
    column: 13,
    hint: 'a plain value cannot start with "`"; quote the value: `root_cause: "`npm ci` failed"`',
  },
  {
    name: 'text after a closing quote',
    lines: 'root_cause: "Deploy" of a bad build',
    line: 3,
    column: 13,
    hint: 'text follows the closing quote; quote the whole value: `root_cause: \'"Deploy" of a bad build\'`',
  },
  {
    name: 'a value starting with * (an alias without an anchor), no longer taken for an alias bomb',
    lines: 'root_cause: *everything* broke',
    line: 3,
    column: 13,
    hint: '`*` starts an alias (a reference to an `&anchor`); to write a value that starts with *, quote it: `root_cause: "*everything* broke"`',
  },
  {
    name: 'a value that is nothing but an alias without an anchor',
    lines: 'root_cause: *everything*',
    line: 3,
    column: 13,
    hint: '`*` starts an alias (a reference to an `&anchor`); to write a value that starts with *, quote it: `root_cause: "*everything*"`',
  },
  {
    name: 'a key with no value',
    lines: 'root_cause:',
    rule: 'invalid-type',
    line: 3,
    column: 12,
    hint: 'write the value after `root_cause:` (on the same line, or indented on the lines below), or remove the key',
  },
  {
    name: 'a value a # turned into a comment',
    lines: 'root_cause: #42 was merged too early',
    rule: 'invalid-type',
    line: 3,
    column: 13,
    hint: 'after a space, # starts a comment, so the value is empty; quote the value: `root_cause: "#42 was merged too early"`',
  },
];

describe('YAML errors with the fix', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const found = diagnostics(file(c.lines));
      const d = found.find((x) => x.hint === c.hint);
      assert.ok(d, `expected the help line\n  ${c.hint}\ngot ${JSON.stringify(found, null, 1)}`);
      assert.deepEqual([d.rule, d.line, d.column], [c.rule ?? 'yaml-syntax', c.line, c.column], d.message);
    });
  }

  it('quotes a value so that YAML reads it back unchanged', () => {
    for (const v of ['a: b', 'say "hi": now', `it's "both"`, 'back\\slash: x']) {
      assert.deepEqual(splitPair(`k: ${quoted(v)}`)?.value, quoted(v));
      assert.equal(diagnostics(file(`root_cause: ${quoted(v)}`)).length, 0, v);
    }
  });

  it('a file with thousands of errors: help for the first few only, every error still reported', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `k${i}: a: b`).join('\n');
    const found = diagnostics(`---\n${many}\n---\n`);
    assert.ok(found.length > 500, String(found.length));
    assert.equal(found.filter((d) => d.hint !== undefined).length, 10);
  });

  it('as check prints it: the help line under the code frame, and in the github annotation', async () => {
    const p = await tempProject({ 'incidents/2024-05-01-x.md': file('summary2: Outage: api down') });
    try {
      const text = await runCli(['check', p.dir]);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /incidents\/2024-05-01-x\.md:3:\d+ error invalid YAML: Nested mappings are not allowed in compact mappings \[yaml-syntax\]\n(?: .*\n)+ {2}help: the value holds ": ", which YAML reads as the start of another key; quote the value: `summary2: "Outage: api down"`\n/);
      const github = await runCli(['check', p.dir, '--format', 'github']);
      assert.match(github.stdout, /::error file=incidents\/2024-05-01-x\.md,line=3,.*\(the value holds ": ", .*quote the value: `summary2: "Outage: api down"`\)/);
    } finally {
      await p.cleanup();
    }
  });
});
