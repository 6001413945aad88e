/**
 * Hostile and huge input: random bytes, odd Unicode, deep nesting, very long lines, alias bombs, duplicate keys
 * and tabs, in the frontmatter and in the Markdown, through the whole per-file pipeline (`decode` →
 * `parseIncidentText` → validation → Markdown rendering, i.e. `processSource` with HTML) and through the CLI.
 *
 * Every input must yield diagnostics only: no exception, diagnostics that point inside the file, and a bounded
 * time. Inputs run in a worker thread: one that hangs is terminated and fails its test instead of blocking the
 * suite.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { ParseReply, ParseRequest } from './helpers/parse-worker.js';
import { REPO, runCli } from './helpers/browser.js';

/** Time one input may take (worker-measured), generous for a loaded two-core CI machine. */
const SMALL_MS = 2_000;
/** For inputs near the 1 MiB file limit (linear work; micromark reads some 50,000 lines a second on CI). */
const HUGE_MS = 15_000;
/** Past this the worker is presumed hung and is terminated. */
const HANG_MS = 20_000;
/** fast-check: a fixed seed per run would hide new cases; print it so a failure can be replayed. */
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 60);

class Pipeline {
  private worker!: Worker;
  private next = 0;
  private waiting = new Map<number, (r: ParseReply) => void>();

  constructor() {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./helpers/parse-worker.js', import.meta.url));
    this.worker.on('message', (r: ParseReply) => {
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    this.worker.unref();
  }

  /** Run one input; rejects (and replaces the worker) when it takes longer than HANG_MS. */
  run(input: { text?: string; bytes?: Uint8Array }, file = 'incidents/fuzz.md'): Promise<ParseReply> {
    const id = this.next++;
    return new Promise<ParseReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        void this.worker.terminate();
        this.start();
        reject(new Error(`the pipeline hung: no answer after ${HANG_MS} ms`));
      }, HANG_MS);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.worker.postMessage({ id, file, ...input } satisfies ParseRequest);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

let pipeline: Pipeline;
before(() => {
  pipeline = new Pipeline();
});
after(async () => {
  await pipeline.close();
});

const RULE = /^[a-z]+(?:-[a-z0-9]+)*$/;

/** Diagnostics only, each well-formed and inside the file, within `limitMs`. */
function assertDiagnosticsOnly(r: ParseReply, limitMs: number, what: string): void {
  assert.equal(r.threw, undefined, `${what}: the pipeline threw:\n${r.threw}`);
  assert.ok(r.ms < limitMs, `${what}: took ${Math.round(r.ms)} ms, more than ${limitMs} ms`);
  for (const d of r.diagnostics) {
    assert.match(d.rule, RULE, `${what}: rule ${d.rule}`);
    assert.ok(d.severity === 'error' || d.severity === 'warning', `${what}: severity ${d.severity}`);
    assert.ok(d.message.length > 0 && d.message.length < 2_000, `${what}: message of ${d.message.length} characters`);
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= r.lines, `${what}: ${d.rule} at line ${d.line} of ${r.lines}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 1, `${what}: ${d.rule} at column ${d.column}`);
  }
}

const rules = (r: ParseReply) => r.diagnostics.map((d) => d.rule);
const errors = (r: ParseReply) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule);

/** A valid incident of the example site (its services), resolved, with every kind of field. */
const FRONTMATTER = [
  'title: Elevated API errors',
  'summary: An expired certificate stopped the app servers.',
  'severity: major',
  'started: 2024-08-26T10:00:00Z',
  'detected: 2024-08-26T10:05:00Z',
  'resolved: 2024-08-26T11:00:00Z',
  'services:',
  '  - fly-api-server',
  'timeline:',
  '  - at: 2024-08-26T10:05:00Z',
  '    status: investigating',
  '    text: Looking into it.',
  'root_cause: A certificate expired.',
  'tags: [tls]',
];
const incident = (frontmatterLines: readonly string[] = FRONTMATTER, body = 'What happened.\n') => `---\n${frontmatterLines.join('\n')}\n---\n${body}`;

/** Characters that confuse renderers, editors and parsers. */
const ODD = [
  '\u200F', '\u200E', '\u202E', '\u202C', '\u2066', '\u2069', // bidi marks, overrides, isolates
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', // zero-width and invisible
  '𝕳', '🧪', '👩‍👩‍👧', '\u{10FFFF}', '\u{E0001}', // astral planes, ZWJ sequence, last code point, a tag
  '\uD800', '\uDFFF', '\uDBFF\uDBFF', // lone surrogates
  '\0', '\t', '\r', '\u0085', '\u2028', '\u2029', '\u000B', '\u000C', // control and odd line breaks
  'é', 'e\u0301', 'Z̷̢̛', 'ﷺ', '\u0627\u0644\u0639', '中', // composed, combining, Arabic, CJK
];
const YAML_BITS = [': ', '- ', '? ', '[', ']', '{', '}', ',', '&a ', '*a', '!!str ', '!x ', '|', '>-', '#', '"', "'", '\\', '%', '@', '`', '<<: ', '---', '...', '\n', '\n  ', '  ', 'null', '~', '2024-01-01', 'yes', '0x1F', '.inf'];
const MD_BITS = ['# ', '## ', '> ', '- ', '* ', '+ ', '1. ', '1) ', '```', '~~~', '    ', '|', '| --- |', '---', '===', '[', ']', '(', ')', '![', '](', '*', '**', '_', '__', '~~', '`', '<', '>', '<div>', '</div>', '<script>', '&amp;', '&#0;', '&#x110000;', '\\', '[^1]', '[^1]: ', '[a]: http://x', 'http://x.y', 'www.x.y', 'mailto:a@b', '- [ ] ', '- [x] ', '\n', '\n\n', '  \n', '\t'];

const tokens = (alphabet: readonly string[], maxLength: number) => fc.array(fc.oneof(fc.constantFrom(...alphabet), fc.constantFrom(...ODD), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength }).map((a) => a.join(''));

describe('fuzzing (fast-check): only diagnostics, in bounded time', () => {
  test(`random bytes, valid UTF-8 or not (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 4096 }), async (fenced, raw) => {
        const bytes = fenced ? Buffer.concat([Buffer.from('---\ntitle: '), raw, Buffer.from('\n---\n'), raw]) : raw;
        const r = await pipeline.run({ bytes });
        assertDiagnosticsOnly(r, SMALL_MS, 'random bytes');
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        if (!valid) assert.deepEqual(rules(r), ['file-encoding'], 'invalid UTF-8 is exactly one file-encoding error');
        else assert.ok(!rules(r).includes('file-encoding'));
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS * 2 },
    );
  });

  test(`frontmatter: YAML syntax and odd Unicode inserted anywhere (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat(), tokens(YAML_BITS, 12)), { minLength: 1, maxLength: 6 }), async (edits) => {
        const lines = [...FRONTMATTER];
        for (const [at, col, insert] of edits) {
          const i = at % lines.length;
          const line = lines[i]!;
          const c = col % (line.length + 1);
          lines[i] = line.slice(0, c) + insert + line.slice(c);
        }
        const r = await pipeline.run({ text: incident(lines) });
        assertDiagnosticsOnly(r, SMALL_MS, 'frontmatter edits');
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS * 2 },
    );
  });

  test(`frontmatter: odd Unicode in every string value is kept, never a crash (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ODD.filter((c) => !/[\0\r\n\u0085\u2028\u2029\t\u000B\u000C]/.test(c))), { minLength: 1, maxLength: 20 }), async (chars) => {
        const odd = chars.join('');
        const value = JSON.stringify(`a${odd}b`);
        const lines = FRONTMATTER.map((l) => (/^(title|summary|root_cause): /.test(l) ? `${l.split(':')[0]}: ${value}` : l.replace('Looking into it.', value)));
        const r = await pipeline.run({ text: incident(lines, `# ${odd}\n\n${odd} text ${odd}\n`) });
        assertDiagnosticsOnly(r, SMALL_MS, 'odd Unicode');
        assert.deepEqual(errors(r), [], 'odd characters inside quoted strings are valid');
        assert.ok(r.rendered, 'and the page is rendered');
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS },
    );
  });

  test(`Markdown: random block and inline syntax, raw HTML and odd Unicode in the body (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(tokens(MD_BITS, 400), async (body) => {
        const r = await pipeline.run({ text: incident(FRONTMATTER, body) });
        assertDiagnosticsOnly(r, SMALL_MS, 'Markdown body');
        assert.deepEqual(errors(r), [], 'any body of a valid file is valid');
        assert.ok(r.rendered, 'and rendered');
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS * 2 },
    );
  });

  test(`Markdown in root_cause and timeline texts (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(tokens(MD_BITS, 200), tokens(MD_BITS, 100), async (cause, entry) => {
        const lines = FRONTMATTER.map((l) => (l.startsWith('root_cause:') ? `root_cause: ${JSON.stringify(cause)}` : l.replace('text: Looking into it.', `text: ${JSON.stringify(entry || 'x')}`)));
        const r = await pipeline.run({ text: incident(lines) });
        assertDiagnosticsOnly(r, SMALL_MS, 'Markdown in strings');
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS },
    );
  });

  test(`deep nesting of YAML collections and Markdown containers and inlines (seed ${SEED})`, async () => {
    const kinds: Record<string, (n: number) => string> = {
      'YAML flow sequences': (n) => incident([...FRONTMATTER, `tags: ${'['.repeat(n)}${']'.repeat(n)}`]),
      'YAML flow mappings': (n) => incident([...FRONTMATTER, `x: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`]),
      'YAML unclosed flow': (n) => incident([...FRONTMATTER, `tags: ${'[{'.repeat(n)}`]),
      'YAML compact block sequences': (n) => incident([...FRONTMATTER, 'x:', `${'- '.repeat(n)}x`]),
      'YAML indented block mappings': (n) => incident([...FRONTMATTER, ...Array.from({ length: Math.min(n, 1400) }, (_, i) => `${' '.repeat(i)}k${i}:`), ' '.repeat(Math.min(n, 1400)) + 'x']),
      'Markdown compact lists': (n) => incident(FRONTMATTER, `${'- '.repeat(n)}x\n`),
      'Markdown ordered lists': (n) => incident(FRONTMATTER, `${'1. '.repeat(n)}x\n`),
      'Markdown indented lists': (n) => incident(FRONTMATTER, Array.from({ length: Math.min(n, 400) }, (_, i) => `${' '.repeat(2 * i)}- x`).join('\n')),
      'Markdown block quotes': (n) => incident(FRONTMATTER, `${'>'.repeat(n)} x\n`),
      'Markdown quotes and lists': (n) => incident(FRONTMATTER, `${'> - '.repeat(n)}x\n`),
      // Inline nesting is not limited up front; its parse time grows with its square (see the todo tests): 400 levels.
      'Markdown emphasis': (n) => incident(FRONTMATTER, `${'*a _b '.repeat(Math.min(n, 400))}x${' b_ a*'.repeat(Math.min(n, 400))}\n`),
      'Markdown links': (n) => incident(FRONTMATTER, `${'['.repeat(Math.min(n, 400))}x${'](u)'.repeat(Math.min(n, 400))}\n`),
      'Markdown images': (n) => incident(FRONTMATTER, `${'!['.repeat(Math.min(n, 400))}x${'](u)'.repeat(Math.min(n, 400))}\n`),
      'Markdown in root_cause': (n) => incident(FRONTMATTER.map((l) => (l.startsWith('root_cause:') ? `root_cause: ${JSON.stringify('> '.repeat(n) + 'x')}` : l))),
      'Markdown in a timeline entry': (n) => incident(FRONTMATTER.map((l) => l.replace('text: Looking into it.', `text: ${JSON.stringify('- '.repeat(n) + 'x')}`))),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(kinds)), fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 20_000 })), async (kind, depth) => {
        const r = await pipeline.run({ text: kinds[kind]!(depth) });
        const inline = /emphasis|links|images/.test(kind);
        assertDiagnosticsOnly(r, SMALL_MS, `${kind} × ${depth}`);
        if (!inline && !/root_cause|timeline/.test(kind) && depth > 110) assert.ok(r.diagnostics.length > 0, `${kind} × ${depth} is reported`);
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS * 2 },
    );
  });

  test(`alias graphs: expanded within the limit or refused with yaml-alias-limit (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), async (levels, width) => {
        const lines = ['a0: &a0 [x]'];
        for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
        const r = await pipeline.run({ text: incident([...FRONTMATTER, ...lines]) });
        assertDiagnosticsOnly(r, SMALL_MS, `aliases ${levels} levels × ${width}`);
        const expanded = Array.from({ length: levels + 1 }, (_, i) => width ** i).reduce((a, b) => a + b, 0);
        if (expanded > 10_000) assert.ok(rules(r).includes('yaml-alias-limit'), `${expanded} nodes: ${rules(r).join(', ')}`);
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS },
    );
  });

  test(`duplicate keys, anywhere, are each reported at their line (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }), async (which) => {
        const keys = ['title', 'summary', 'severity', 'started', 'resolved'];
        const lines = [...FRONTMATTER];
        const dupLines: number[] = [];
        for (const k of which) {
          lines.push(FRONTMATTER.find((l) => l.startsWith(`${keys[k]}:`))!);
          dupLines.push(lines.length + 1); // 1-based, after the opening ---
        }
        const r = await pipeline.run({ text: incident(lines) });
        assertDiagnosticsOnly(r, SMALL_MS, 'duplicate keys');
        const reported = r.diagnostics.filter((d) => d.rule === 'duplicate-key').map((d) => d.line);
        assert.deepEqual(reported.sort((a, b) => a - b), dupLines);
      }),
      { seed: SEED, includeErrorInReport: true, numRuns: RUNS / 2 },
    );
  });
});

describe('named hostile inputs', () => {
  test('"billion laughs": refused with yaml-alias-limit, fast', async () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lol.push(`${cur}: &${cur} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
    }
    const r = await pipeline.run({ text: incident([...FRONTMATTER, ...lol]) });
    assertDiagnosticsOnly(r, 1_000, 'billion laughs');
    assert.deepEqual(rules(r), ['yaml-alias-limit']);
  });

  test('a merge-key bomb (<<: *a) is refused the same way', async () => {
    const lines = ['a0: &a0 {x: 1}'];
    for (let i = 1; i < 20; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    lines.push('m:', '  <<: *a19');
    const r = await pipeline.run({ text: incident([...FRONTMATTER, ...lines]) });
    assertDiagnosticsOnly(r, 1_000, 'merge bomb');
    assert.ok(rules(r).includes('yaml-alias-limit'), rules(r).join(', '));
  });

  test('tabs: as YAML indentation an error that says so; inside values and Markdown fine', async () => {
    const tabbed = await pipeline.run({ text: incident([...FRONTMATTER.slice(0, 7), '\t- fly-api-server', ...FRONTMATTER.slice(8)]) });
    assertDiagnosticsOnly(tabbed, SMALL_MS, 'tab indentation');
    assert.ok(tabbed.diagnostics.some((d) => d.rule === 'yaml-syntax' && d.line === 9), JSON.stringify(tabbed.diagnostics));
    const fine = await pipeline.run({ text: incident(FRONTMATTER.map((l) => l.replace('title: Elevated API errors', 'title: "Elevated\tAPI errors"')), '\tcode\n\n-\titem\n') });
    assertDiagnosticsOnly(fine, SMALL_MS, 'tabs in values');
    assert.deepEqual(errors(fine), []);
  });

  test('lone surrogates and a NUL in a title: kept as text, never a crash', async () => {
    const r = await pipeline.run({ text: incident(FRONTMATTER.map((l) => (l.startsWith('title:') ? 'title: "a\\uD800b\\0c"' : l))) });
    assertDiagnosticsOnly(r, SMALL_MS, 'surrogates');
  });

  const ONE_MB = 1_000_000;
  const huge: [string, () => string][] = [
    ['a 1 MB single line of Markdown', () => incident(FRONTMATTER, `${'word '.repeat(ONE_MB / 5)}\n`)],
    ['a 1 MB single line without a space', () => incident(FRONTMATTER, `${'x'.repeat(ONE_MB)}\n`)],
    ['a 1 MB title', () => incident(FRONTMATTER.map((l) => (l.startsWith('title:') ? `title: ${'t'.repeat(ONE_MB)}` : l)))],
    ['a 1 MB quoted summary with escapes', () => incident(FRONTMATTER.map((l) => (l.startsWith('summary:') ? `summary: "${'\\u00e9\\t'.repeat(ONE_MB / 8)}"` : l)))],
    ['a 1 MB single line of YAML flow', () => incident([...FRONTMATTER, `x: [${'1,'.repeat(ONE_MB / 2)}1]`])],
    ['a 1 MB line of < characters', () => incident(FRONTMATTER, `${'<'.repeat(ONE_MB)}\n`)],
    ['1 MB of prose lines', () => incident(FRONTMATTER, 'The quick brown fox jumps over the lazy dog, again and again.\n'.repeat(ONE_MB / 62))],
    ['1 MB of paragraphs', () => incident(FRONTMATTER, 'A short paragraph of prose, as a postmortem has many of.\n\n'.repeat(ONE_MB / 58))],
    ['a mapping with 50,000 keys', () => incident([...FRONTMATTER, 'x:', ...Array.from({ length: 50_000 }, (_, i) => `  k${i}: v`)])],
    ['a list of 50,000 tags', () => incident([...FRONTMATTER.filter((l) => !l.startsWith('tags:')), 'tags:', ...Array.from({ length: 50_000 }, (_, i) => `  - t${i}`)])],
    ['50,000 duplicate keys', () => incident([...FRONTMATTER, ...Array.from({ length: 50_000 }, () => 'title: x')])],
  ];
  for (const [what, make] of huge) {
    test(`${what}: diagnostics only, within ${HUGE_MS / 1000} s`, async () => {
      const text = make();
      assert.ok(Buffer.byteLength(text) <= 1024 * 1024 + 4096, `${what} stays near the 1 MiB limit (${Buffer.byteLength(text)} bytes)`);
      const r = await pipeline.run({ text });
      assertDiagnosticsOnly(r, HUGE_MS, what);
    });
  }
});

/**
 * Shapes of Markdown on which upstream code (micromark 4, mdast-util-to-hast 13; not this project's) takes time that
 * grows with the square of the input. Measured through `processSource` on the 2-core development machine under
 * load; `check` never parses the Markdown body and takes milliseconds on all of them:
 *
 * | shape                                  | quadratic part      | time (build: parse + HTML)        |
 * | `> a` and a blank line, repeated       | micromark           | 20 KiB 2.1 s, 39 KiB 9.8 s        |
 * | setext headings (`a` / `=`), repeated  | micromark           | 16 KiB 2.4 s, 32 KiB 10.6 s       |
 * | one tight list (`- a`)                 | mdast-util-to-hast  | 125 KiB 5.8 s, 250 KiB 15.3 s     |
 * | a run of emphasis markers (`*_`)       | micromark           | 16 KiB 0.9 s, 32 KiB 3.7 s        |
 * | nested links (`[[[x](u)](u)](u)`)      | micromark           | 16 KiB 0.8 s, 32 KiB 2.9 s        |
 *
 * Within the 1 MiB file limit they would take minutes to hours. What is bounded is the time one file may take
 * (`--file-timeout`, src/budget.ts): each test builds, through the CLI with a budget of 1 s, a project holding the
 * shape at a size that takes ten seconds or more unbounded, and expects that file to be one `file-too-slow` error
 * within seconds, the project's other files reported as usual, and exit status 1. Without the budget the build
 * would take far longer than the test allows.
 */
describe('known super-linear Markdown shapes (upstream): bounded by the per-file time budget', () => {
  const BUDGET_S = 1;
  /** Generous for a loaded two-core machine: node start-up, a worker, the budget, a replacement worker. */
  const WITHIN_MS = 15_000;
  const shapes: [string, string][] = [
    ['many block quotes (`> a` and a blank line)', '> a\n\n'.repeat(10_000)],
    ['many setext headings', 'a\n=\n'.repeat(10_000)],
    ['a long tight list', '- a\n'.repeat(64_000)],
    ['a run of emphasis markers', `${'*_'.repeat(32_000)}\n`],
    ['nested links', `${'['.repeat(16_000)}x${'](u)'.repeat(16_000)}\n`],
  ];
  for (const [what, body] of shapes) {
    test(`${what}: file-too-slow within ${WITHIN_MS / 1000} s, the other files still reported`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'pm-slow-'));
      try {
        await cp(path.join(REPO, 'site.yaml'), path.join(dir, 'site.yaml'));
        await mkdir(path.join(dir, 'incidents'));
        const files: Record<string, string> = {
          '2024-08-26-slow.md': incident(FRONTMATTER, body),
          '2024-08-27-ok.md': incident(),
          '2024-08-28-bad.md': incident(FRONTMATTER.map((l) => l.replace('severity: major', 'severity: hight'))),
        };
        for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, 'incidents', name), content);
        const started = Date.now();
        const r = await runCli(['build', dir, '--file-timeout', String(BUDGET_S), '--format', 'json', '--no-cache']);
        const elapsed = Date.now() - started;
        assert.equal(r.code, 1, r.stderr);
        assert.ok(elapsed < WITHIN_MS, `${what}: the build took ${elapsed} ms`);
        assert.match(r.stderr, /nothing was written/);
        const report = JSON.parse(r.stderr.slice(0, r.stderr.lastIndexOf('}') + 1)) as { diagnostics: { file: string; rule: string; line: number; column: number; message: string; hint?: string }[] };
        const of = (f: string) => report.diagnostics.filter((d) => d.file === `incidents/${f}`);
        const slow = of('2024-08-26-slow.md');
        assert.deepEqual(slow.map((d) => [d.rule, d.line, d.column]), [['file-too-slow', 1, 1]]);
        assert.match(slow[0]!.message, /stopped after 1 s, the time limit per file: its Markdown likely has a shape that the Markdown parser handles in time growing with the square of its length/);
        assert.match(slow[0]!.hint ?? '', /split very long runs of block quotes, headings or list items .*raise --file-timeout/);
        assert.deepEqual(of('2024-08-27-ok.md'), []);
        assert.deepEqual(of('2024-08-28-bad.md').map((d) => d.rule), ['invalid-enum']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('the CLI on hostile files', () => {
  test('check reports every hostile file of a project and exits 1, with no stack trace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pm-hostile-'));
    try {
      await cp(path.join(REPO, 'site.yaml'), path.join(dir, 'site.yaml'));
      await mkdir(path.join(dir, 'incidents'));
      const files: Record<string, string | Uint8Array> = {
        'bytes.md': Uint8Array.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
        'laughs.md': incident([...FRONTMATTER, 'a: &a [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `b${i}: &${i === 7 ? 'z' : `b${i}`} [${Array(10).fill(i ? `*b${i - 1}` : '*a').join(',')}]`)]),
        'deep-yaml.md': incident([...FRONTMATTER, `x: ${'['.repeat(5000)}${']'.repeat(5000)}`]),
        'deep-markdown.md': incident(FRONTMATTER, `${'> '.repeat(5000)}x\n`),
        'duplicate.md': incident([...FRONTMATTER, 'title: again']),
        'no-frontmatter.md': '# Just Markdown\n',
        'ok.md': incident(),
      };
      for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, 'incidents', name), content);
      const started = Date.now();
      const r = await runCli(['check', dir, '--format', 'json']);
      assert.ok(Date.now() - started < 30_000, 'check answers promptly');
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, '', 'no stack trace, no warning');
      const report = JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string }[] };
      const byFile = (f: string) => report.diagnostics.filter((d) => d.file === `incidents/${f}`).map((d) => d.rule);
      assert.deepEqual(byFile('bytes.md'), ['file-encoding']);
      assert.ok(byFile('laughs.md').includes('yaml-alias-limit'));
      assert.ok(byFile('deep-yaml.md').length > 0, 'deep YAML is reported');
      assert.ok(byFile('deep-markdown.md').length > 0, 'deep Markdown is reported');
      assert.deepEqual(byFile('duplicate.md'), ['duplicate-key']);
      assert.deepEqual(byFile('no-frontmatter.md'), ['frontmatter-missing']);
      assert.deepEqual(byFile('ok.md'), []);
      const build = await runCli(['build', dir]);
      assert.equal(build.code, 1);
      assert.match(build.stderr, /nothing was written/);
      assert.doesNotMatch(build.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
