/**
 * The three output formats of `check` (core/report.ts), ordering and counting (core/diagnostic.ts), and the
 * exit-code and --format helpers of the CLI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { counts, sortDiagnostics, summaryLine } from '../src/core/index.js';
import { formatGithub, formatJson, formatText } from '../src/core/index.js';
import { exitCode } from '../src/cli/commands/check.js';
import { parseFormat } from '../src/cli/options.js';
import type { Diagnostic } from '../src/core/index.js';

/** CPU time of this process in ms: time bounds that a loaded machine cannot break. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const ANSI = /\u001b\[[0-9;]*m/;

const enumError: Diagnostic = {
  file: 'incidents/x.md',
  line: 3,
  column: 11,
  endLine: 3,
  endColumn: 16,
  severity: 'error',
  rule: 'invalid-enum',
  message: 'severity must be one of critical, major, minor, notice, maintenance; found "hight"',
};
const warning: Diagnostic = {
  file: 'incidents/y.md',
  line: 1,
  column: 1,
  severity: 'warning',
  rule: 'missing-root-cause',
  message: 'the incident is resolved but has no root_cause',
  hint: 'add `root_cause:`',
};
const sources = new Map([
  ['incidents/x.md', '---\ntitle: X\nseverity: hight\nstarted: 2024-05-01T10:00:00Z\n---\n'],
  ['incidents/y.md', '\uFEFF---\r\ntitle: Y\r\n---\r\n'],
]);

describe('sortDiagnostics and counts', () => {
  it('sorts by file, line, column, errors before warnings, then rule', () => {
    const d = (file: string, line: number, column: number, severity: Diagnostic['severity'], rule: string): Diagnostic => ({ file, line, column, severity, rule: rule as Diagnostic['rule'], message: rule });
    const list = [
      d('incidents/b.md', 1, 1, 'error', 'z'),
      d('incidents/a.md', 10, 1, 'error', 'a'),
      d('incidents/a.md', 2, 5, 'warning', 'w'),
      d('incidents/a.md', 2, 5, 'error', 'e'),
      d('incidents/a.md', 2, 1, 'error', 'y'),
      d('incidents/a.md', 2, 1, 'error', 'x'),
      d('site.yaml', 1, 1, 'error', 's'),
    ];
    assert.deepEqual(
      sortDiagnostics(list).map((x) => `${x.file}:${x.line}:${x.column}:${x.rule}`),
      ['incidents/a.md:2:1:x', 'incidents/a.md:2:1:y', 'incidents/a.md:2:5:e', 'incidents/a.md:2:5:w', 'incidents/a.md:10:1:a', 'incidents/b.md:1:1:z', 'site.yaml:1:1:s'],
    );
    assert.equal(list[0]!.file, 'incidents/b.md', 'does not sort in place');
  });

  it('counts errors and warnings; the summary line pluralizes', () => {
    assert.deepEqual(counts([enumError, warning, enumError]), { errors: 2, warnings: 1 });
    assert.equal(summaryLine([enumError, enumError, enumError, warning], 12), '3 errors, 1 warning in 12 files');
    assert.equal(summaryLine([enumError, warning, warning], 1), '1 error, 2 warnings in 1 file');
    assert.equal(summaryLine([], 0), '0 errors, 0 warnings in 0 files');
  });
});

describe('formatText', () => {
  it('file:line:col severity message [rule], a code frame with > and a caret line, help, summary', () => {
    const out = formatText([enumError, warning], sources, { color: false, fileCount: 2 });
    assert.equal(
      out,
      [
        'incidents/x.md:3:11 error severity must be one of critical, major, minor, notice, maintenance; found "hight" [invalid-enum]',
        '    2 | title: X',
        '  > 3 | severity: hight',
        '      |           ^^^^^',
        '    4 | started: 2024-05-01T10:00:00Z',
        '',
        'incidents/y.md:1:1 warning the incident is resolved but has no root_cause [missing-root-cause]',
        '  > 1 | ---',
        '      | ^',
        '    2 | title: Y',
        '  help: add `root_cause:`',
        '',
        '1 error, 1 warning in 2 files',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(out, ANSI);
  });

  it('the caret sits under the reported column', () => {
    const out = formatText([enumError], sources, { color: false, fileCount: 1 });
    const lines = out.split('\n');
    const code = lines.findIndex((l) => l.startsWith('  > 3 |'));
    const caret = lines[code + 1]!;
    const gutter = lines[code]!.indexOf('|') + 2;
    assert.equal(caret.indexOf('^') - gutter + 1, enumError.column);
    assert.equal(lines[code]!.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1), 'hight');
  });

  it('colours only when asked', () => {
    const out = formatText([enumError, warning], sources, { color: true, fileCount: 2 });
    assert.match(out, ANSI);
    assert.ok(out.includes('\u001b[1;31merror\u001b[0m'), 'errors in red');
    assert.ok(out.includes('\u001b[1;33mwarning\u001b[0m'), 'warnings in yellow');
    assert.equal(out.replace(new RegExp(ANSI.source, 'g'), ''), formatText([enumError, warning], sources, { color: false, fileCount: 2 }));
  });

  it('no code frame when the source is unknown (an unreadable file) or the line is past its end', () => {
    const unreadable: Diagnostic = { file: 'incidents/z.md', line: 1, column: 1, severity: 'error', rule: 'file-encoding', message: 'bad bytes' };
    const past: Diagnostic = { ...enumError, line: 99, column: 1 };
    const out = formatText([unreadable, past], sources, { color: false, fileCount: 2 });
    assert.doesNotMatch(out, /\|/);
    assert.match(out, /^incidents\/z\.md:1:1 error bad bytes \[file-encoding\]$/m);
  });

  it('a line with U+2028 or U+2029 keeps the frame\'s line numbers (they are not line breaks in the file; shown escaped)', () => {
    const src = new Map([['incidents/u.md', '---\ntitle: a\u2028b\u2029c\nseverity: hight\n---\n']]);
    const out = formatText([{ ...enumError, file: 'incidents/u.md' }], src, { color: false, fileCount: 1 });
    assert.ok(out.includes('    2 | title: a\\u2028b\\u2029c\n  > 3 | severity: hight\n      |           ^^^^^\n    4 | ---\n'), out);
  });

  it('thousands of diagnostics in one big file format quickly (the frame does not re-split the file each time)', () => {
    const n = 20_000;
    const text = Array.from({ length: n }, (_, i) => `k${i}: ${'v'.repeat(40)}`).join('\n');
    const list: Diagnostic[] = Array.from({ length: n }, (_, i) => ({ file: 'incidents/big.md', line: i + 1, column: 1, severity: 'error', rule: 'unknown-key', message: `k${i}` }));
    const started = cpuMs();
    const out = formatText(list, new Map([['incidents/big.md', text]]), { color: false, fileCount: 1 });
    assert.ok(cpuMs() - started < 10_000, `took ${Math.round(cpuMs() - started)} ms`);
    assert.ok(out.includes(`  > ${n} | k${n - 1}: `));
    assert.ok(out.endsWith(`${n} errors, 0 warnings in 1 file\n`));
  });

  it('a clean run is just the summary', () => {
    assert.equal(formatText([], sources, { color: false, fileCount: 6 }), '0 errors, 0 warnings in 6 files\n');
  });
});

describe('formatJson', () => {
  it('is exactly {"diagnostics":[…],"errors":N,"warnings":M}', () => {
    const parsed = JSON.parse(formatJson([enumError, warning])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['diagnostics', 'errors', 'warnings']);
    assert.deepEqual(parsed, {
      diagnostics: [
        {
          file: 'incidents/x.md',
          line: 3,
          column: 11,
          severity: 'error',
          rule: 'invalid-enum',
          message: 'severity must be one of critical, major, minor, notice, maintenance; found "hight"',
          endLine: 3,
          endColumn: 16,
        },
        {
          file: 'incidents/y.md',
          line: 1,
          column: 1,
          severity: 'warning',
          rule: 'missing-root-cause',
          message: 'the incident is resolved but has no root_cause',
          hint: 'add `root_cause:`',
        },
      ],
      errors: 1,
      warnings: 1,
    });
  });

  it('an empty run, and hostile text round-trips', () => {
    assert.deepEqual(JSON.parse(formatJson([])), { diagnostics: [], errors: 0, warnings: 0 });
    const hostile = { ...enumError, message: 'a "quoted" \\ back\nslash </script> \u2028 🚀' };
    const parsed = JSON.parse(formatJson([hostile])) as { diagnostics: { message: string }[] };
    assert.equal(parsed.diagnostics[0]!.message, hostile.message);
  });
});

describe('formatGithub', () => {
  it('one workflow command per diagnostic: ::error / ::warning with file, line, col', () => {
    const out = formatGithub([enumError, warning]);
    assert.equal(
      out,
      '::error file=incidents/x.md,line=3,col=11,endColumn=16,title=postmortem invalid-enum::severity must be one of critical, major, minor, notice, maintenance; found "hight"\n' +
        '::warning file=incidents/y.md,line=1,col=1,title=postmortem missing-root-cause::the incident is resolved but has no root_cause (add `root_cause:`)\n',
    );
  });

  it('escapes % in the message, and also : and , in properties; a line break quoted from the input is shown as \\n', () => {
    const d: Diagnostic = { file: 'incidents/a,b:c%.md', line: 2, column: 3, severity: 'error', rule: 'x' as Diagnostic['rule'], message: '100% sure: a, b\nsecond\rthird' };
    const out = formatGithub([d]);
    assert.equal(out, '::error file=incidents/a%2Cb%3Ac%25.md,line=2,col=3,title=postmortem x::100%25 sure: a, b\\nsecond\\rthird\n');
    assert.equal(out.split('\n').length, 2, 'one line per diagnostic');
  });

  it('nothing for a clean run', () => {
    assert.equal(formatGithub([]), '');
  });
});

describe('exit codes and --format', () => {
  it('exitCode: 0 clean or warnings only, 1 on errors, 1 on warnings with --strict', () => {
    assert.equal(exitCode([], false), 0);
    assert.equal(exitCode([], true), 0);
    assert.equal(exitCode([warning], false), 0);
    assert.equal(exitCode([warning], true), 1);
    assert.equal(exitCode([enumError], false), 1);
    assert.equal(exitCode([enumError, warning], true), 1);
  });

  it('parseFormat: text by default, json, github; anything else is a usage error', () => {
    assert.equal(parseFormat(undefined), 'text');
    assert.equal(parseFormat('text'), 'text');
    assert.equal(parseFormat('json'), 'json');
    assert.equal(parseFormat('github'), 'github');
    assert.throws(() => parseFormat('xml'), { message: '--format must be one of text, json, github; found "xml"' });
    assert.throws(() => parseFormat('JSON'), /found "JSON"/);
  });
});
