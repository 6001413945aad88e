/**
 * Property-based tests (fast-check): random mutations and truncations of valid files only ever yield
 * diagnostics: parsing and validation never throw, never hang, and every diagnostic points inside the file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import type { Root as MdastRoot } from 'mdast';
import { locateFrontmatter, parseIncidentText } from '../src/parse/index.js';
import { isPlainInline, renderInline, renderInlineParsed } from '../src/markdown/index.js';
import { validateDocument } from '../src/validate/index.js';
import { loadConfig } from '../src/validate/index.js';
import { decode } from '../src/source/index.js';
import { formatGithub, formatJson, formatText } from '../src/core/index.js';
import type { Diagnostic } from '../src/core/index.js';
import type { SiteConfig } from '../src/core/index.js';
import { REPO_ROOT } from './helpers/cli.js';

/**
 * Generous bound per input: catches hangs and exponential blow-ups, not a benchmark. Measured in CPU time
 * of this process, so that a loaded machine (other jobs on the same cores) cannot make it fail.
 */
const MAX_MS = 2000;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const NOW = Date.parse('2025-01-01T00:00:00Z');
const RULE = /^[a-z]+(-[a-z0-9]+)*$/;

const siteText = readFileSync(path.join(REPO_ROOT, 'site.yaml'), 'utf8');
const siteConfig = loadConfig(siteText).config;
assert.ok(siteConfig, 'the example site.yaml is valid');
const config: SiteConfig = siteConfig;

const SYNTHETIC = `---
title: "Database failover: \\"primary\\" lost"
summary: >-
  Writes failed for 12 minutes while the primary database failed over.
severity: critical
timezone: America/New_York
started: 2024-03-09 23:50
detected: 2024-03-10T04:52:00Z
mitigated: '2024-03-10 00:01:30.5'
resolved: "2024-03-10T05:02:00-00:00"
services:
  - ${config.services[0]!.id}
  - id: ${config.services[1]!.id}
    impact: degraded_performance
timeline:
  - at: 2024-03-09 23:52
    text: Alert **fires**; [runbook](https://example.com/r).
    status: investigating
  - at: 2024-03-10T05:00:00Z
    text: Resolved.
    status: resolved
root_cause: |
  A *noisy* neighbour.

  - one
  - two
contributing_factors: [No canary, "Alert: too slow"]
actions:
  - title: Add a canary
    status: open
    owner: Ada
    due: 2030-01-01
    priority: high
    kind: prevent
    link: https://tracker.example.com/1
  - title: Tune alerts
    status: done
tags: [database, failover]
authors: [Ada, Grace]
draft: false
---

## What happened

Text with a table:

| a | b |
| - | - |
| 1 | 2 |
`;

const workedExamples = readdirSync(path.join(REPO_ROOT, 'incidents'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ file: `incidents/${f}`, text: readFileSync(path.join(REPO_ROOT, 'incidents', f), 'utf8') }));
const BASES = [...workedExamples, { file: 'incidents/2024-03-10-database-failover.md', text: SYNTHETIC }];

// ---------------------------------------------------------------------------------------------
// Mutations

/** Characters that stress parsers and position mapping. */
const SPECIALS = [
  '\u200f', // right-to-left mark
  '\u200e', // left-to-right mark
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\ufeff', // BOM / zero-width no-break space, in the middle
  '\u2028', // line separator
  '\u0085', // next line
  '\u00a0', // no-break space
  '🚀',
  '\u{10FFFF}',
  '𝕏',
  'e\u0301',
  'مرحبا',
  '\u0000',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ':',
  ': ',
  '-',
  '- ',
  '---',
  '---\n',
  '...',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '!!str ',
  '!!binary ',
  '? ',
  '|',
  '>',
  '#',
  '"',
  "'",
  '%YAML 1.1\n',
  '<<: ',
  '__proto__: ',
  '2021-03-14 02:30',
  '2021-11-07 01:30',
  '9999-12-31T23:59:59.999999999+18:00',
  'resloved: ',
  'timezone: Europe/Pari\n',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...SPECIALS), { minLength: 1, maxLength: 6 }).map((a) => a.join('')) },
);

type Mutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'replace'; at: number; length: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate-line'; line: number }
  | { op: 'swap-lines'; a: number; b: number }
  | { op: 'delete-line'; line: number }
  | { op: 'tab'; line: number }
  | { op: 'crlf' }
  | { op: 'bom' };

const at = fc.nat({ max: 1 << 20 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('insert' as const), at, text }),
  fc.record({ op: fc.constant('replace' as const), at, length: fc.integer({ min: 1, max: 12 }), text }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('duplicate-line' as const), line: at }),
  fc.record({ op: fc.constant('swap-lines' as const), a: at, b: at }),
  fc.record({ op: fc.constant('delete-line' as const), line: at }),
  fc.record({ op: fc.constant('tab' as const), line: at }),
  fc.constant({ op: 'crlf' as const }),
  fc.constant({ op: 'bom' as const }),
);

function apply(input: string, m: Mutation): string {
  const pos = (n: number) => n % (input.length + 1);
  const lines = () => input.split('\n');
  switch (m.op) {
    case 'delete':
      return input.slice(0, pos(m.at)) + input.slice(pos(m.at) + m.length);
    case 'insert':
      return input.slice(0, pos(m.at)) + m.text + input.slice(pos(m.at));
    case 'replace':
      return input.slice(0, pos(m.at)) + m.text + input.slice(pos(m.at) + m.length);
    case 'truncate':
      return input.slice(0, pos(m.at));
    case 'duplicate-line': {
      const ls = lines();
      const i = m.line % ls.length;
      ls.splice(i, 0, ls[i]!);
      return ls.join('\n');
    }
    case 'swap-lines': {
      const ls = lines();
      const a = m.a % ls.length;
      const b = m.b % ls.length;
      [ls[a], ls[b]] = [ls[b]!, ls[a]!];
      return ls.join('\n');
    }
    case 'delete-line': {
      const ls = lines();
      ls.splice(m.line % ls.length, 1);
      return ls.join('\n');
    }
    case 'tab': {
      const ls = lines();
      const i = m.line % ls.length;
      ls[i] = `\t${ls[i]}`;
      return ls.join('\n');
    }
    case 'crlf':
      return input.replace(/\r?\n/g, '\r\n');
    case 'bom':
      return input.startsWith('\uFEFF') ? input.slice(1) : `\uFEFF${input}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The invariant every diagnostic list must satisfy

function assertWithinFile(diagnostics: readonly Diagnostic[], file: string, rawText: string): void {
  const textNoBom = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = textNoBom.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    const where = `${JSON.stringify(d)}`;
    assert.equal(d.file, file, where);
    assert.ok(d.severity === 'error' || d.severity === 'warning', where);
    assert.match(d.rule, RULE, where);
    assert.equal(typeof d.message, 'string', where);
    assert.ok(d.message.length > 0, where);
    assert.ok(Number.isInteger(d.line) && d.line >= 1, `line ≥ 1: ${where}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 1, `column ≥ 1: ${where}`);
    assert.ok(d.line <= lines.length, `line within the file (${lines.length} lines): ${where}`);
    const length = lines[d.line - 1]!.length;
    assert.ok(d.column <= length + 1, `column within line ${d.line} (${length} chars): ${where}`);
    if (d.endLine !== undefined || d.endColumn !== undefined) {
      assert.equal(d.endLine, d.line, where);
      assert.ok(Number.isInteger(d.endColumn) && d.endColumn! > d.column && d.endColumn! <= length + 1, `end within the line: ${where}`);
    }
  }
}

function checkIncident(file: string, input: string): void {
  const started = cpuMs();
  const doc = parseIncidentText(file, input);
  const drafts = input.length % 2 === 0;
  const { incident, diagnostics } = validateDocument(doc, { config, now: NOW, drafts });
  const elapsed = cpuMs() - started;
  assert.ok(elapsed < MAX_MS, `took ${Math.round(elapsed)} ms of CPU`);
  assertWithinFile(diagnostics, file, input);
  const hasError = diagnostics.some((d) => d.severity === 'error');
  assert.equal(incident === null, hasError, 'an incident is returned exactly when there is no error');
  if (incident) {
    assert.ok(Number.isFinite(incident.started));
    for (const s of incident.services) assert.ok(config.services.some((c) => c.id === s.id));
  }
  // Every output format copes with whatever was found.
  const sources = new Map([[file, input]]);
  assert.equal(typeof formatText(diagnostics, sources, { color: false, fileCount: 1 }), 'string');
  assert.deepEqual(JSON.parse(formatJson(diagnostics)).diagnostics.length, diagnostics.length);
  assert.equal(formatGithub(diagnostics).split('\n').length, diagnostics.length + 1);
}

describe('property: mutated incident files only ever yield diagnostics', () => {
  it('the unmutated bases are valid (so mutations start from a clean file)', () => {
    for (const b of BASES) {
      const r = validateDocument(parseIncidentText(b.file, b.text), { config, now: NOW });
      assert.deepEqual(r.diagnostics, [], b.file);
    }
  });

  it('random edits, truncations, line duplications and swaps, tabs, odd Unicode', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 6 }), (base, mutations) => {
        const input = mutations.reduce(apply, base.text);
        checkIncident(base.file, input);
      }),
      { numRuns: 300 },
    );
  });

  it('truncation at every kind of point, of every base', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (base, fraction, crlf) => {
        const source = crlf ? base.text.replace(/\n/g, '\r\n') : base.text;
        checkIncident(base.file, source.slice(0, Math.floor(source.length * fraction)));
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary text, not derived from a valid file', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (body, fence) => {
        checkIncident('incidents/x.md', fence ? `---\n${body}\n---\n` : body);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: site.yaml and raw bytes', () => {
  it('mutated site.yaml only ever yields diagnostics, inside the file', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        const input = mutations.reduce(apply, siteText);
        const started = cpuMs();
        const r = loadConfig(input);
        assert.ok(cpuMs() - started < MAX_MS, `took ${Math.round(cpuMs() - started)} ms of CPU`);
        assertWithinFile(r.diagnostics, 'site.yaml', input);
        assert.equal(r.config === null, r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 150 },
    );
  });

  it('decoding arbitrary bytes is text or one file-encoding diagnostic inside the file', () => {
    const valid = Buffer.from(SYNTHETIC, 'utf8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (noise, where) => {
        const i = where % (valid.length + 1);
        const bytes = Buffer.concat([valid.subarray(0, i), noise, valid.subarray(i)]);
        const r = decode('incidents/x.md', bytes);
        if ('text' in r) {
          assert.equal(Buffer.from(r.text, 'utf8').equals(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes), true);
          checkIncident('incidents/x.md', r.text);
        } else {
          assert.equal(r.rule, 'file-encoding');
          assertWithinFile([r], 'incidents/x.md', new TextDecoder('utf-8', { fatal: false }).decode(bytes));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: the fast paths agree with the Markdown parser', () => {
  const fullParser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);
  // Pieces that matter to a frontmatter fence: dashes, blanks, every line ending, a BOM, text.
  const piece = fc.constantFrom('---', '-', '--', ' ', '\t', '\n', '\r\n', '\r', 'a', 'title: x', '\uFEFF', '+++', '----', '\n---\n', '---\n', ' ---');
  const textArb = fc.oneof(
    fc.array(piece, { maxLength: 24 }).map((a) => a.join('')),
    fc.tuple(fc.constantFrom('---', '---  ', '---\t', '--- x'), fc.constantFrom('\n', '\r\n', '\r'), fc.array(piece, { maxLength: 16 })).map(([f, e, a]) => f + e + a.join('')),
  );

  it('locateFrontmatter ends the frontmatter where remark-frontmatter does', () => {
    fc.assert(
      fc.property(textArb, (raw) => {
        const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        // A second leading BOM: micromark drops it too, we report the frontmatter as missing (a clear error
        // for a file no editor writes); the two readings differ on purpose there.
        if (text.charCodeAt(0) === 0xfeff) return;
        const tree = fullParser.parse(text) as MdastRoot;
        const first = tree.children[0];
        const remark = first && first.type === 'yaml' && first.position?.start.offset === 0 ? first.position.end.offset : null;
        const fm = locateFrontmatter(text);
        assert.equal(fm ? fm.end : null, remark ?? null, JSON.stringify(text));
        if (fm && first?.type === 'yaml') {
          // The YAML text is the node's value (remark drops the line ending before the closing fence).
          const yamlText = fm.closeStart > fm.yamlStart ? text.slice(fm.yamlStart, fm.closeStart) : '';
          assert.equal(yamlText.replace(/(\r\n|\r|\n)$/, ''), first.value, JSON.stringify(text));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('timeline text taken as plain renders as the parser renders it', () => {
    const chars = ['a', 'Z', 'é', '9', '0', ',', '.', ';', ':', "'", '"', '?', '%', '/', '(', ')', '$', '-', ' ', '  ', 'www.', '://', '1.', '2)', 'http', '\t', '*', '_', '[', ']', '<', '>', '&', '#', '!', '~', '`', '|', '\\', '\n', '@'];
    let plain = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 20 }).map((a) => a.join('')), (s) => {
        if (!isPlainInline(s)) return;
        plain++;
        assert.equal(renderInline(s), renderInlineParsed(s), JSON.stringify(s));
      }),
      { numRuns: 20000 },
    );
    assert.ok(plain > 100, 'enough plain samples');
  });
});
