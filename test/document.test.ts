/**
 * Parsing with positions (document.ts) and reading files safely (files.ts): the frontmatter rules
 * (frontmatter-missing, yaml-syntax, duplicate-key, yaml-alias-limit), line/column mapping with LF, CRLF,
 * CR and a BOM, nested values, and the file rules (file-encoding, file-too-large, file-unreadable,
 * symlink-outside-root, symlink-loop).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LIMITS, LineIndex, parseIncidentText, parseYamlFile, spanOf } from '../src/parse/index.js';
import { decode, findIncidentFiles, firstInvalidUtf8, MAX_FILE_BYTES, readSource } from '../src/source/index.js';
import { validateDocument } from '../src/validate/index.js';
import type { Diagnostic } from '../src/core/index.js';
import type { SiteConfig } from '../src/core/index.js';

/** CPU time of this process in ms: time bounds that a loaded machine cannot break. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const FILE = 'incidents/a.md';
const config: SiteConfig = { title: 'T', basePath: '/', timezone: 'UTC', uptimeDays: 90, services: [{ id: 'api', name: 'API' }] };
const NOW = Date.parse('2025-01-01T00:00:00Z');

const VALID = [
  '---',
  'title: API errors',
  'summary: S',
  'severity: minor',
  'started: 2024-05-01T10:00:00Z',
  'resolved: 2024-05-01T11:00:00Z',
  'root_cause: R',
  'services: [api]',
  'actions:',
  '  - title: One',
  '    status: done',
  '  - title: Two',
  '    status: opne',
  '---',
  '',
  'Body line 1',
  'Body line 2',
  '',
].join('\n');

const positions = (ds: readonly Diagnostic[]) => ds.map((d) => ({ rule: d.rule, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn }));
const check = (text: string) => validateDocument(parseIncidentText(FILE, text), { config, now: NOW });

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and columns for LF, CRLF and lone CR', () => {
    const lf = new LineIndex('ab\ncd\n\nef');
    assert.deepEqual(lf.position(0), { line: 1, column: 1 });
    assert.deepEqual(lf.position(2), { line: 1, column: 3 });
    assert.deepEqual(lf.position(3), { line: 2, column: 1 });
    assert.deepEqual(lf.position(6), { line: 3, column: 1 });
    assert.deepEqual(lf.position(8), { line: 4, column: 2 });
    const crlf = new LineIndex('ab\r\ncd');
    assert.deepEqual(crlf.position(4), { line: 2, column: 1 });
    assert.deepEqual(crlf.position(2), { line: 1, column: 3 }, 'the CR belongs to line 1');
    const cr = new LineIndex('ab\rcd');
    assert.deepEqual(cr.position(3), { line: 2, column: 1 });
  });

  it('counts columns in UTF-16 code units, like editors, and clamps out-of-range offsets', () => {
    const text = '🚀x\né';
    const idx = new LineIndex(text);
    assert.deepEqual(idx.position(2), { line: 1, column: 3 });
    assert.deepEqual(idx.position(-5), { line: 1, column: 1 });
    assert.deepEqual(idx.position(1000), { line: 2, column: 2 });
  });
});

describe('parseIncidentText', () => {
  it('splits frontmatter data, body and the Markdown tree', () => {
    const doc = parseIncidentText(FILE, VALID);
    assert.deepEqual(doc.diagnostics, []);
    assert.equal((doc.data as { title: string }).title, 'API errors');
    assert.equal(doc.body, '\nBody line 1\nBody line 2\n');
    assert.equal(doc.bodyLine, 15);
    assert.equal(doc.text.slice(doc.bodyOffset), doc.body);
    assert.equal(doc.yamlOffset, 4);
  });

  it('the same file in LF, CRLF, lone CR, with a BOM, and BOM+CRLF: the same lines and columns', () => {
    const variants = {
      lf: VALID,
      crlf: VALID.replace(/\n/g, '\r\n'),
      cr: VALID.replace(/\n/g, '\r'),
      bom: `\uFEFF${VALID}`,
      bomCrlf: `\uFEFF${VALID.replace(/\n/g, '\r\n')}`,
    };
    const expected = [{ rule: 'invalid-enum', line: 13, column: 13, endLine: 13, endColumn: 17 }];
    for (const [name, text] of Object.entries(variants)) {
      const r = check(text);
      assert.deepEqual(positions(r.diagnostics), expected, name);
      assert.equal(r.diagnostics[0]!.message, 'actions[1].status must be one of open, in_progress, done, wont_do; found "opne"', name);
    }
    // Every value of the frontmatter maps to the same place in each variant.
    for (const [name, text] of Object.entries(variants)) {
      const doc = parseIncidentText(FILE, text);
      const at = (p: PropertyKey[], which: 'value' | 'key' = 'value') => {
        const s = spanOf(doc, p, which);
        return [doc.lines.position(s.start), doc.lines.position(s.end)];
      };
      assert.deepEqual(at(['actions', 1, 'status']), [{ line: 13, column: 13 }, { line: 13, column: 17 }], name);
      assert.deepEqual(at(['actions', 1, 'status'], 'key'), [{ line: 13, column: 5 }, { line: 13, column: 11 }], name);
      assert.deepEqual(at(['started']), [{ line: 5, column: 10 }, { line: 5, column: 30 }], name);
      assert.deepEqual(at(['services', 0]), [{ line: 8, column: 12 }, { line: 8, column: 15 }], name);
      // A block collection points at its first line only.
      assert.deepEqual(at(['actions', 0]), [{ line: 10, column: 5 }, { line: 10, column: 15 }], name);
      // A missing path falls back to its nearest existing ancestor.
      assert.deepEqual(at(['actions', 1, 'owner'])[0], { line: 12, column: 5 }, name);
      assert.equal(parseIncidentText(FILE, text).body.replace(/\r\n?/g, '\n'), '\nBody line 1\nBody line 2\n', name);
    }
  });

  it('frontmatter-missing: no frontmatter at all', () => {
    for (const text of ['# Just Markdown\n', '', '\n---\ntitle: x\n---\n', 'title: x\n']) {
      const doc = parseIncidentText(FILE, text);
      assert.deepEqual(doc.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column]), [['frontmatter-missing', 'error', 1, 1]], JSON.stringify(text));
      assert.equal(doc.diagnostics[0]!.message, 'expected the file to start with a YAML frontmatter block between two `---` lines; found none');
      assert.match(doc.diagnostics[0]!.hint ?? '', /start the file with `---`/);
      assert.equal(doc.data, undefined);
    }
  });

  it('frontmatter-missing: opened but never closed (LF, CRLF, CR)', () => {
    for (const text of ['---\ntitle: x\nsummary: y\n', '---', '---\r\ntitle: x\r\n', '---\rtitle: x\r']) {
      const doc = parseIncidentText(FILE, text);
      assert.deepEqual(doc.diagnostics.map((d) => [d.rule, d.line, d.column, d.endColumn]), [['frontmatter-missing', 1, 1, 4]], JSON.stringify(text));
      assert.equal(doc.diagnostics[0]!.message, 'the frontmatter opened by `---` on line 1 is never closed; expected a line with only `---` after it');
    }
  });

  it('yaml-syntax: at the offending character, with the parser\'s explanation', () => {
    const doc = parseIncidentText(FILE, '---\ntitle: "unclosed\nsummary: S\n---\n');
    assert.ok(doc.diagnostics.length >= 1);
    assert.ok(doc.diagnostics.every((d) => d.rule === 'yaml-syntax' && d.severity === 'error'));
    assert.match(doc.diagnostics[0]!.message, /^invalid YAML: /);
    const flow = parseIncidentText(FILE, '---\ntitle: T\nservices: [api\n---\n');
    assert.deepEqual(flow.diagnostics.map((d) => d.rule), ['yaml-syntax']);
    assert.equal(flow.diagnostics[0]!.line, 4, 'the flow list is still open at the closing fence');
    const colon = parseIncidentText(FILE, '---\ntitle: T\nsummary: a: b\n---\n');
    assert.deepEqual(colon.diagnostics.map((d) => [d.rule, d.line, d.column]), [['yaml-syntax', 3, 10]]);
    assert.match(colon.diagnostics[0]!.message, /^invalid YAML: Nested mappings are not allowed in compact mappings/);
  });

  it('an underline never covers a line break (an error reported at the CR of an empty CRLF line)', () => {
    const doc = parseIncidentText(FILE, '---\r\ntitle: T\r\nactions:\r\n  - x\r\n\r\n - y\r\n---\r\n');
    const first = doc.diagnostics[0]!;
    assert.deepEqual([first.rule, first.line, first.column, first.endLine, first.endColumn], ['yaml-syntax', 5, 1, undefined, undefined]);
    for (const d of doc.diagnostics) if (d.endColumn !== undefined) assert.ok(d.endColumn <= doc.text.split(/\r\n|\r|\n/)[d.line - 1]!.length + 1, JSON.stringify(d));
  });

  it('yaml-syntax: a tab used for indentation', () => {
    const doc = parseIncidentText(FILE, '---\ntitle: T\nactions:\n\t- title: x\n---\n');
    assert.deepEqual(doc.diagnostics.map((d) => [d.rule, d.line, d.column]), [['yaml-syntax', 4, 1]]);
    assert.match(doc.diagnostics[0]!.message, /YAML indentation must use spaces, found a tab$/);
  });

  it('duplicate-key: at the second occurrence, naming the key', () => {
    const doc = parseIncidentText(FILE, '---\ntitle: A\nsummary: S\ntitle: B\n---\n');
    assert.deepEqual(positions(doc.diagnostics), [{ rule: 'duplicate-key', line: 4, column: 1, endLine: 4, endColumn: 6 }]);
    assert.equal(doc.diagnostics[0]!.message, 'duplicate key "title": it appears twice in the same mapping; expected each key once');
    assert.equal(doc.data, undefined);
    const nested = parseIncidentText(FILE, '---\nactions:\n  - title: A\n    status: open\n    title: B\n---\n');
    assert.deepEqual(positions(nested.diagnostics), [{ rule: 'duplicate-key', line: 5, column: 5, endLine: 5, endColumn: 10 }]);
    const flow = parseIncidentText(FILE, '---\nservices: [{id: api, id: db}]\n---\n');
    assert.deepEqual(flow.diagnostics.map((d) => [d.rule, d.line, d.column]), [['duplicate-key', 2, 22]]);
    assert.match(flow.diagnostics[0]!.message, /^duplicate key "id"/);
  });

  it('yaml-alias-limit: a "billion laughs" frontmatter is refused, fast', () => {
    const lol = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lol.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const started = cpuMs();
    const doc = parseIncidentText(FILE, `---\n${lol.join('\n')}\n---\n`);
    assert.ok(cpuMs() - started < 2000, 'no exponential expansion');
    assert.deepEqual(doc.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column]), [['yaml-alias-limit', 'error', 2, 1]]);
    assert.match(doc.diagnostics[0]!.message, new RegExp(`^YAML aliases expand to too many nodes; expected at most ${LIMITS.maxAliasCount}`));
    // A few aliases are fine.
    const few = parseIncidentText(FILE, '---\ntitle: &t T\nsummary: *t\n---\n');
    assert.deepEqual(few.diagnostics, []);
    assert.deepEqual(few.data, { title: 'T', summary: 'T' });
  });

  it('duplicate-key and unknown keys stay linear on a huge mapping (no quadratic hang)', () => {
    const n = 30_000;
    const keys = Array.from({ length: n }, (_, i) => `k${i}: v`);
    const started = cpuMs();
    const unknown = check(`---\n${keys.join('\n')}\n---\n`);
    assert.equal(unknown.diagnostics.filter((d) => d.rule === 'unknown-key').length, n);
    assert.deepEqual([unknown.diagnostics.at(-1)!.line, unknown.diagnostics.at(-1)!.column], [n + 1, 1]);
    // Before: the YAML parser's duplicate check and the key lookups were quadratic (tens of seconds here).
    assert.ok(cpuMs() - started < 6_000, `took ${Math.round(cpuMs() - started)} ms of CPU`);
    // Duplicates are still found, with the linear check.
    const dup = check(`---\n${keys.slice(0, 1000).join('\n')}\nk7: again\n---\n`);
    assert.deepEqual(dup.diagnostics.map((d) => [d.rule, d.line, d.column]), [['duplicate-key', 1002, 1]]);
  });

  it('markdown-too-deep: a body nested beyond the parser\'s stack is one diagnostic, not a crash', () => {
    const text = `---\ntitle: T\nsummary: S\n---\n\nIntro.\n\n${'> '.repeat(20_000)}deep\n`;
    const doc = parseIncidentText(FILE, text);
    assert.deepEqual(doc.data, { title: 'T', summary: 'S' }, 'the frontmatter is still read');
    assert.deepEqual(doc.diagnostics.map((d) => [d.rule, d.severity, d.line, d.column]), [['markdown-too-deep', 'error', 5, 1]]);
    assert.match(doc.diagnostics[0]!.message, /^the Markdown body cannot be read: it nests too deeply \(.*\); expected quotes and lists nested at most a few levels$/);
    assert.equal(doc.bodyLine, 5);
  });

  it('YAML 1.2: yes/no, dates and times stay strings; no process warnings for odd keys', async () => {
    const doc = parseIncidentText(FILE, '---\ndraft: yes\nstarted: 2020-05-29 16:21\ndue: 2020-06-30\n? [a, b]\n: complex key\n---\n');
    const data = doc.data as Record<string, unknown>;
    assert.equal(data.draft, 'yes');
    assert.equal(data.started, '2020-05-29 16:21');
    assert.equal(data.due, '2020-06-30');
    // (A collection key used to emit a Node warning on stderr; now it is just an unknown key.)
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const r = check('---\ntitle: T\n? [a, b]\n: x\n---\n');
      assert.ok(r.diagnostics.some((d) => d.rule === 'unknown-key'));
    } finally {
      await new Promise((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it('parseYamlFile (site.yaml): whole-file YAML with positions, BOM tolerated', () => {
    const r = parseYamlFile('site.yaml', '\uFEFFtitle: T\r\ntitle: U\r\n');
    assert.deepEqual(r.diagnostics.map((d) => [d.file, d.rule, d.line, d.column]), [['site.yaml', 'duplicate-key', 2, 1]]);
  });
});

describe('decode (file-encoding)', () => {
  const B = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
  const at = (bytes: Uint8Array) => {
    const r = decode(FILE, bytes);
    assert.ok(!('text' in r), 'expected a diagnostic');
    assert.equal(r.rule, 'file-encoding');
    assert.equal(r.severity, 'error');
    assert.equal(r.message, 'the file is not valid UTF-8; expected UTF-8 text (a BOM is fine)');
    return [r.line, r.column];
  };

  it('valid UTF-8 (BOM included) decodes', () => {
    assert.deepEqual(decode(FILE, B('---\ntitle: café 🚀\n')), { file: FILE, text: '---\ntitle: café 🚀\n' });
    const bom = decode(FILE, B([0xef, 0xbb, 0xbf], '---\n'));
    assert.ok('text' in bom);
  });

  it('points at the line and column of the first bad byte', () => {
    assert.deepEqual(at(B('---\ntitle: "caf', [0xe9], '"\n---\n')), [2, 12], 'Latin-1 é');
    assert.deepEqual(at(B([0xff], 'abc')), [1, 1]);
    assert.deepEqual(at(B('ab', [0xe2, 0x82])), [1, 3], 'truncated sequence at the end');
    assert.deepEqual(at(B('a\r\nb\r\ncd', [0xc0, 0x80])), [3, 3], 'CRLF, overlong form');
    assert.deepEqual(at(B('a\rb', [0xed, 0xa0, 0x80])), [2, 2], 'lone CR; an encoded surrogate');
    // Columns count UTF-16 code units, after a BOM (not counted), astral chars count 2.
    assert.deepEqual(at(B([0xef, 0xbb, 0xbf], '🚀x', [0x80])), [1, 4]);
  });

  it('a valid U+FFFD before the bad byte does not fool it', () => {
    assert.deepEqual(at(B('\uFFFD ok\nsecond line ', [0xfe])), [2, 13]);
  });

  it('firstInvalidUtf8 agrees with a strict decoder', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let t = 0; t < 20_000; t++) {
      const bytes = Uint8Array.from({ length: rand(7) }, () => interesting[rand(interesting.length)]!);
      let valid = true;
      try {
        strict.decode(bytes);
      } catch {
        valid = false;
      }
      const bad = firstInvalidUtf8(bytes);
      assert.equal(bad === bytes.length, valid, [...bytes].join(','));
      assert.doesNotThrow(() => strict.decode(bytes.subarray(0, bad)));
    }
  });
});

describe('reading the incidents folder', () => {
  let root: string;
  let elsewhere: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'postmortem-files-'));
    elsewhere = await mkdtemp(path.join(tmpdir(), 'postmortem-elsewhere-'));
    await writeFile(path.join(elsewhere, 'secret.md'), 'secret');
    const w = async (rel: string, content: string | Uint8Array) => {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), content);
    };
    await w('site.yaml', 'title: T\n');
    await w('incidents/b.md', '---\n---\n');
    await w('incidents/a.md', '---\n---\n');
    await w('incidents/2024/c.md', '---\n---\n');
    await w('incidents/_template.md', 'ignored');
    await w('incidents/.hidden.md', 'ignored');
    await w('incidents/_drafts/d.md', 'ignored');
    await w('incidents/notes.txt', 'ignored');
    await w('incidents/UPPER.MD', '---\n---\n');
    await w('outside/secret.md', 'secret');
    await w('incidents/big.md', Buffer.alloc(MAX_FILE_BYTES + 1, 0x61));
    await w('incidents/limit.md', Buffer.alloc(MAX_FILE_BYTES, 0x61));
    await w('incidents/latin1.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9]));
    await mkdir(path.join(root, 'incidents', 'folder.md'));
    await symlink(path.join(tmpdir()), path.join(root, 'incidents', 'tmp-link'));
    await symlink('/etc/hostname', path.join(root, 'incidents', 'outside-abs.md'));
    await symlink(path.relative(path.join(root, 'incidents'), path.join(elsewhere, 'secret.md')), path.join(root, 'incidents', 'outside-rel.md'));
    await symlink('../outside/secret.md', path.join(root, 'incidents', 'inside-rel.md'));
    await symlink('a.md', path.join(root, 'incidents', 'alias.md'));
    await symlink('missing.md', path.join(root, 'incidents', 'broken.md'));
    await symlink('..', path.join(root, 'incidents', '2024', 'loop'));
    await symlink('self.md', path.join(root, 'incidents', 'self.md'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('lists .md files in sorted order, sub-folders included, links inside the project too; skips _ and . names and other files', async () => {
    const { files } = await findIncidentFiles(root);
    assert.deepEqual(files, [
      'incidents/2024/c.md',
      'incidents/UPPER.MD',
      'incidents/a.md',
      'incidents/alias.md',
      'incidents/b.md',
      'incidents/big.md',
      'incidents/inside-rel.md',
      'incidents/latin1.md',
      'incidents/limit.md',
    ]);
  });

  it('symlink-outside-root, symlink-loop and broken links: one diagnostic each, never followed', async () => {
    const { diagnostics } = await findIncidentFiles(root);
    const byFile = Object.fromEntries(diagnostics.map((d) => [d.file, d]));
    for (const file of ['incidents/outside-abs.md', 'incidents/outside-rel.md', 'incidents/tmp-link']) {
      assert.deepEqual(
        { ...byFile[file] },
        {
          file,
          line: 1,
          column: 1,
          severity: 'error',
          rule: 'symlink-outside-root',
          message: 'the symbolic link points outside the project; refusing to read it',
          hint: 'copy the file into incidents/ instead of linking to it',
        },
        file,
      );
    }
    const loop = byFile['incidents/2024/loop'];
    assert.equal(loop?.rule, 'symlink-loop');
    assert.equal(loop?.severity, 'warning');
    assert.equal(loop?.message, 'the folder is a link back to a folder already read (incidents); skipped it');
    for (const file of ['incidents/broken.md', 'incidents/self.md']) {
      assert.equal(byFile[file]?.rule, 'file-unreadable', file);
      assert.equal(byFile[file]?.message, 'the symbolic link points to nothing (a broken link or a loop)');
    }
    assert.equal(diagnostics.length, 6, JSON.stringify(diagnostics, null, 1));
  });

  it('a root without incidents/ has no files and no diagnostics', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'postmortem-empty-'));
    try {
      assert.deepEqual(await findIncidentFiles(empty), { files: [], diagnostics: [] });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('file-too-large: more than 1 MiB is refused without reading; exactly 1 MiB is read', async () => {
    assert.deepEqual(await readSource(root, 'incidents/big.md'), {
      file: 'incidents/big.md',
      line: 1,
      column: 1,
      severity: 'error',
      rule: 'file-too-large',
      message: `the file is ${MAX_FILE_BYTES + 1} bytes; incident files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`,
      hint: 'move attachments and logs out of the postmortem and link to them',
    });
    const ok = await readSource(root, 'incidents/limit.md');
    assert.ok('text' in ok);
    assert.equal(ok.text.length, MAX_FILE_BYTES);
  });

  it('file-encoding through readSource', async () => {
    const r = await readSource(root, 'incidents/latin1.md');
    assert.ok(!('text' in r));
    assert.deepEqual([r.rule, r.line, r.column], ['file-encoding', 2, 1]);
  });

  it('file-unreadable: a folder named like a file, a missing file', async () => {
    const folder = await readSource(root, 'incidents/folder.md');
    assert.ok(!('text' in folder));
    assert.deepEqual([folder.rule, folder.line, folder.column, folder.message], ['file-unreadable', 1, 1, 'expected a file; found a folder or a special file']);
    const missing = await readSource(root, 'incidents/nope.md');
    assert.ok(!('text' in missing));
    assert.deepEqual([missing.rule, missing.message], ['file-unreadable', 'cannot read the file: ENOENT']);
  });

  it('file-unreadable: permission denied (skipped as root, where chmod 000 does not stop reading)', { skip: process.getuid?.() === 0 ? 'running as root' : false }, async () => {
    const file = path.join(root, 'incidents', 'b.md');
    await chmod(file, 0o000);
    try {
      const r = await readSource(root, 'incidents/b.md');
      assert.ok(!('text' in r));
      assert.deepEqual([r.rule, r.line, r.column, r.message], ['file-unreadable', 1, 1, 'cannot read the file: permission denied']);
    } finally {
      await chmod(file, 0o644);
    }
  });
});
