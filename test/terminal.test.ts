/**
 * No byte of input reaches a terminal or a CI log as a control character (issue 11, item 2): the one helper
 * (core/terminal.ts) over every class of unsafe character, then every output path as users meet it: `check` in
 * its three formats, `build`'s log (failed, and successful with warnings), `dev`'s terminal and overlay, the
 * command line's own errors. Values are shown escaped (`\x1b`), never dropped.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayLine, escapeControls, formatGithub, formatJson, formatText, jsonForTerminal, type Diagnostic } from '../src/core/index.js';
import { startDev } from '../src/dev/index.js';
import { main, type Io } from '../src/cli/main.js';
import { runCli } from './helpers/cli.js';

/** Every character that must never be printed as itself. */
const UNSAFE_CLASSES: [string, number[]][] = [
  ['C0 controls', Array.from({ length: 0x20 }, (_, i) => i)],
  ['DEL', [0x7f]],
  ['C1 controls (U+009B is a CSI)', Array.from({ length: 0x20 }, (_, i) => 0x80 + i)],
  ['bidi embeddings and overrides', [0x202a, 0x202b, 0x202c, 0x202d, 0x202e]],
  ['bidi isolates', [0x2066, 0x2067, 0x2068, 0x2069]],
  ['line and paragraph separators', [0x2028, 0x2029]],
  ['bidi marks', [0x061c, 0x200e, 0x200f]],
];
const UNSAFE_RE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

/** Fails with the offending character and its context when `out` holds an unsafe character (line feeds apart). */
function assertClean(out: string, where: string): void {
  const m = UNSAFE_RE.exec(out);
  if (m) assert.fail(`${where}: U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} printed raw near ${JSON.stringify(out.slice(Math.max(0, m.index - 60), m.index + 20))}`);
}

describe('escapeControls and friends (core/terminal.ts)', () => {
  for (const [name, codes] of UNSAFE_CLASSES) {
    it(`escapes every character of the class: ${name}`, () => {
      for (const code of codes) {
        const c = String.fromCharCode(code);
        const out = escapeControls(`a${c}b`);
        assert.ok(!out.includes(c), `U+${code.toString(16)} left raw`);
        assert.match(out, /^a\\(?:[nrt]|x[0-9a-f]{2}|u[0-9a-f]{4})b$/);
        assert.equal(jsonForTerminal(JSON.stringify(`a${c}b`)).includes(c), false, `U+${code.toString(16)} raw in JSON`);
        assert.equal(JSON.parse(jsonForTerminal(JSON.stringify(`a${c}b`))), `a${c}b`, 'JSON keeps the value');
      }
    });
  }

  it('leaves ordinary text alone, accents, CJK and emoji included', () => {
    const s = 'Résumé: 障害 🔥 "quoted" \\ 100% — ok';
    assert.equal(escapeControls(s), s);
  });

  it('names the usual ones', () => {
    assert.equal(escapeControls('a\nb\tc\rd\u001b[2J\u009b\u202e'), 'a\\nb\\tc\\rd\\x1b[2J\\x9b\\u202e');
  });

  it('displayLine expands tabs to the next stop and moves columns with the escapes', () => {
    const line = '\tk:\u001b[2Jx\tbad';
    const col = line.indexOf('bad') + 1;
    const shown = displayLine(line, [col]);
    assert.equal(shown.text, '    k:\\x1b[2Jx  bad');
    assert.equal(shown.text.indexOf('bad') + 1, shown.columns[0]);
  });
});

const hostile: Diagnostic = {
  file: 'incidents/evil\u001b]0;PWNED\u0007.md',
  line: 2,
  column: 0,
  severity: 'error',
  rule: 'unknown-timezone',
  message: 'timezone must be an IANA time zone name; found "x\u001b]0;PWNED\u0007\u001b[2J\n::error title=forged::forged\n::stop-commands::x\u009b2J\u202eevil\u2028"',
  hint: 'did you mean "\u2066UTC\u2069"?',
};
const SOURCE = '---\n\ttimezone:\t"x\u001b]0;PWNED\u0007\u001b[2J\u009b\u202e" bad\n---\n';
hostile.column = SOURCE.split('\n')[1]!.indexOf('bad') + 1;
hostile.endLine = 2;
hostile.endColumn = hostile.column + 3;

describe('the three formats', () => {
  it('text: message, file, hint and code frame escaped; the caret under the character it points at', () => {
    const out = formatText([hostile], new Map([[hostile.file, SOURCE]]), { color: false, fileCount: 1 });
    assertClean(out, 'text');
    assert.ok(!out.includes('\u001b'), 'no escape character at all (colour is off)');
    assert.ok(out.includes('\\x1b]0;PWNED\\x07\\x1b[2J\\n::error title=forged'), out);
    const lines = out.split('\n');
    const source = lines.find((l) => l.startsWith('  > 2 |'))!;
    const marker = lines[lines.indexOf(source) + 1]!;
    assert.equal(marker.indexOf('^^^'), source.indexOf('bad'), `caret misplaced:\n${source}\n${marker}`);
    assert.ok(!lines.some((l) => l.startsWith('::')), 'no line of the input starts a workflow command');
  });

  it('json: the raw JSON text holds no unsafe character; parsed, the values are exactly the input', () => {
    const out = formatJson([hostile]);
    assertClean(out.replace(/\n/g, ''), 'json');
    const parsed = JSON.parse(out) as { diagnostics: Diagnostic[] };
    assert.equal(parsed.diagnostics[0]!.message, hostile.message);
    assert.equal(parsed.diagnostics[0]!.file, hostile.file);
    assert.equal(parsed.diagnostics[0]!.hint, hostile.hint);
  });

  it('github: one workflow command per diagnostic, nothing the input can turn into another', () => {
    const out = formatGithub([hostile, { ...hostile, severity: 'warning' }]);
    assertClean(out, 'github');
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^::(error|warning) file=incidents\/evil\\x1b]0;PWNED\\x07\.md,line=2,/);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the command line and `dev`

const SITE = 'title: T\ntimezone: UTC\nservices:\n  - { id: api, name: API }\n';
const ESC_TZ = 'x\\e]0;PWNED\\a\\e[2J\\x9b2J\\u202eevil';
const OK_HEAD = 'title: "Trojan \\u202e source"\nsummary: s\nseverity: major\nstarted: 2024-05-01T10:00:00Z\nresolved: 2024-05-01T11:00:00Z\nservices: [api]\nroot_cause: r\n';
/** An action title that becomes GitHub workflow commands if printed raw; overdue at the fixed now (2025-01-01). */
const FORGED_ACTION = 'actions:\n  - title: "fix\\n::error title=forged::forged\\n::stop-commands::x\\e[2J"\n    status: open\n    due: 2024-06-01\n';

/** Errors of every kind that quotes the input. */
const BROKEN: Record<string, string> = {
  'site.yaml': SITE,
  'incidents/2024-05-01-zone.md': `---\n${OK_HEAD}timezone: "${ESC_TZ}"\n"bad\\e[31mkey": 1\ndetected: "2024-05-01T10:00:00Z\\x9b2J"\n---\n\tBody\twith tabs.\n`,
  'incidents/2024-05-01-dup.md': `---\n${OK_HEAD}"dup\\x9b\\u2066": 1\n"dup\\x9b\\u2066": 2\n---\nBody.\n`,
  'incidents/Bad\u001b[2JName.md': `---\n${OK_HEAD}---\nBody.\n`,
  'incidents/2024-05-02-action.md': `---\n${OK_HEAD}${FORGED_ACTION}---\nBody.\n`,
};
/** Warnings only: `build` succeeds and prints them. */
const WARNED: Record<string, string> = {
  'site.yaml': SITE,
  'incidents/2024-05-02-action.md': `---\n${OK_HEAD}${FORGED_ACTION}---\nBody.\n`,
};

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-term-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

describe('check and build print no control character of the input', () => {
  it('check --format text, json and github; every rule that quotes a value', async () => {
    const dir = await project(BROKEN);
    try {
      const rules = new Set<string>();
      for (const format of ['text', 'json', 'github']) {
        const r = await runCli(['check', dir, '--format', format]);
        assert.equal(r.code, 1, r.stderr);
        assertClean(r.stdout, `check --format ${format} (stdout)`);
        assertClean(r.stderr, `check --format ${format} (stderr)`);
        if (format === 'json') for (const d of (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics) rules.add(d.rule);
        if (format === 'github') for (const l of r.stdout.trimEnd().split('\n')) assert.match(l, /^::(error|warning) file=/);
        if (format === 'text') assert.ok(r.stdout.includes('\\x1b]0;PWNED\\x07\\x1b[2J'), 'the value is shown, escaped');
      }
      for (const rule of ['unknown-timezone', 'unknown-key', 'duplicate-key', 'invalid-timestamp', 'overdue-action', 'invalid-filename']) assert.ok(rules.has(rule), `no ${rule} among ${[...rules].join(', ')}`);
      const build = await runCli(['build', dir]);
      assert.equal(build.code, 1);
      assertClean(build.stdout + build.stderr, 'failed build');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("build's log: an overdue action's title never becomes a workflow command, in every format", async () => {
    const dir = await project(WARNED);
    try {
      for (const format of ['text', 'json', 'github']) {
        const r = await runCli(['build', dir, '--format', format, '--no-cache']);
        assert.equal(r.code, 0, r.stderr);
        assertClean(r.stdout + r.stderr, `build --format ${format}`);
        assert.ok(!/^::stop-commands::/m.test(r.stderr) && !/^::error title=forged/m.test(r.stderr), r.stderr);
        assert.match(r.stderr, /overdue-action/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the command line's own errors quote arguments escaped", async () => {
    const err: string[] = [];
    const io: Io = { out: (s) => err.push(s), err: (s) => err.push(s), color: false, env: { SOURCE_DATE_EPOCH: '0' }, cwd: tmpdir() };
    assert.equal(await main(['chec\u001b[2Jk'], io), 2);
    assert.equal(await main(['check', '--format', 'x\u001b]52;c;cHduZWQ=\u0007'], io), 2);
    assert.equal(await main(['check', path.join(tmpdir(), 'no-such-\u009b-dir')], io), 2);
    const text = err.join('');
    assertClean(text, 'usage errors');
    assert.ok(text.includes('\\x1b]52;c;cHduZWQ=\\x07'), text);
  });
});

describe('dev prints no control character of the input', () => {
  it('terminal and overlay: the same diagnostics, escaped; a rebuild names changed files escaped', async () => {
    const dir = await project(BROKEN);
    const printed: string[] = [];
    const io: Io = { out: (s) => printed.push(s), err: (s) => printed.push(s), color: false, env: {}, cwd: dir };
    const session = await startDev({ root: dir, port: 0, host: '127.0.0.1', io, now: () => Date.parse('2025-01-01T00:00:00Z') });
    try {
      const page = await (await fetch(session.url)).text();
      assert.match(page, /postmortem-overlay|role="alert"/);
      assert.ok(page.includes('\\x1b]0;PWNED\\x07\\x1b[2J'), 'the overlay shows the escaped value');
      assertClean(page.replace(/[\n\t]/g, ''), 'overlay');
      await writeFile(path.join(dir, 'incidents', 'Bad\u001b[2JName.md'), `---\n${OK_HEAD}---\nBody, edited.\n`);
      await session.poke({ files: ['incidents/Bad\u001b[2JName.md'] });
      const text = printed.join('');
      assert.match(text, /unknown-timezone/);
      assert.ok(text.includes('Bad\\x1b[2JName.md'), text);
      assertClean(text, 'dev terminal');
    } finally {
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
