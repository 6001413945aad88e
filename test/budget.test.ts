/**
 * The per-file time budget (src/budget.ts, src/pool.ts): a file that takes longer than `--file-timeout` is
 * abandoned (its worker terminated and replaced) and reported as `file-too-slow`; every other file is processed
 * as it would have been, in the same order, by `check`, `build` (both paths of the pool) and `dev`.
 *
 * The slow file is a run of setext headings (quadratic in micromark: 40 KB takes 15 s or more on the loaded 2-core
 * development machine) under a budget of 1 s, so that a missing or broken budget fails the time assertions by far.
 * Times are asserted with margins for a loaded two-core machine (budget 1 s, assert < 15 s).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/validate/index.js';
import { loadMarkdown, processFile, type FileContext, type FileResult } from '../src/process/index.js';
import { FileWorkers, PARALLEL_MIN_FILES, processFiles } from '../src/process/index.js';
import { DEFAULT_FILE_TIMEOUT_MS, inThreadLimit } from '../src/process/index.js';
import { ProjectState } from '../src/project/index.js';
import { startDev } from '../src/dev/index.js';
import { main, type Io } from '../src/cli/main.js';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const BUDGET_MS = 3_000; // generous: a normal 33 KB file must never reach it on a loaded 2-core machine; the slow shape takes 10 s or more
/** Asserted bound for a run with one or two files past a 1 s budget (the slow file alone takes 15 s or more). */
const WITHIN_MS = 15_000;

const SITE = `title: Budget Fixture Status
base_url: https://acme.example/status/
timezone: UTC
services:
  - id: api
    name: API
`;

function incident(title: string, day: number, body: string, severity = 'major'): string {
  const d = `2024-05-${String(day).padStart(2, '0')}`;
  return `---
title: ${JSON.stringify(title)}
summary: Summary of ${title}.
severity: ${severity}
started: ${d}T10:00:00Z
resolved: ${d}T11:00:00Z
root_cause: A cause.
services: [api]
---

${body}`;
}

const SLOW_BODY = 'a\n=\n'.repeat(10_000); // 40 KB of setext headings
/** Prose well past the in-thread limit of a 1 s budget (so it goes to a worker) but linear to parse. */
const LARGE_BODY = '## What happened\n\nThe quick brown fox jumps over the lazy dog, *again* and [again](https://example.com/).\n\n'.repeat(300);

async function makeProject(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'postmortem-budget-'));
  for (const [rel, text] of Object.entries({ 'site.yaml': SITE, ...files })) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

const rules = (r: FileResult) => r.diagnostics.map((d) => d.rule);

async function context(): Promise<FileContext> {
  await loadMarkdown();
  return { config: loadConfig(SITE).config, now: NOW, drafts: true, html: true };
}

/** What this thread alone makes of each file but the slow ones (the reference every other path must match). */
async function reference(root: string, files: readonly string[], ctx: FileContext, slow: (file: string) => boolean): Promise<(FileResult | null)[]> {
  const out: (FileResult | null)[] = [];
  for (const f of files) out.push(slow(f) ? null : await processFile(root, f, ctx));
  return out;
}

describe('the in-thread limits', () => {
  it('follow the measured growth of the worst known shapes', () => {
    assert.equal(DEFAULT_FILE_TIMEOUT_MS, 10_000);
    // Rendering: 6 KiB × √(budget in seconds); checking: 100 KiB per second of budget.
    assert.equal(inThreadLimit(1_000, true), 6 * 1024);
    assert.equal(inThreadLimit(10_000, true), Math.floor(6 * Math.sqrt(10) * 1024));
    assert.equal(inThreadLimit(1_000, false), 100 * 1024);
    assert.equal(inThreadLimit(10_000, false), 1000 * 1024);
    assert.ok(SLOW_BODY.length > inThreadLimit(BUDGET_MS, true) && LARGE_BODY.length > inThreadLimit(BUDGET_MS, true));
  });
});

describe('the pool under a budget', () => {
  it('small project: large files go to a worker; a slow one is abandoned, the file queued behind it is not lost', async () => {
    const files = ['incidents/2024-05-01-a.md', 'incidents/2024-05-02-slow.md', 'incidents/2024-05-03-large.md', 'incidents/2024-05-04-bad.md', 'incidents/2024-05-05-e.md'];
    const root = await makeProject({
      [files[0]!]: incident('A', 1, 'Short.\n'),
      [files[1]!]: incident('Slow', 2, SLOW_BODY),
      [files[2]!]: incident('Large', 3, LARGE_BODY),
      [files[3]!]: incident('Bad', 4, 'Short.\n', 'hight'),
      [files[4]!]: incident('E', 5, 'Short.\n'),
    });
    roots.push(root);
    const ctx = await context();
    const started = performance.now();
    const results = await processFiles(root, files, ctx, 2, BUDGET_MS);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < WITHIN_MS, `took ${Math.round(elapsed)} ms`);
    assert.deepEqual(results.map((r) => r.file), files, 'in the order of the files');
    assert.deepEqual(rules(results[1]!), ['file-too-slow']);
    assert.equal(results[1]!.incident, null);
    assert.equal(results[1]!.hash, undefined, 'never cached');
    const expected = await reference(root, files, ctx, (f) => f.includes('slow'));
    for (const i of [0, 2, 3, 4]) assert.deepEqual(results[i], expected[i], files[i]);
    assert.ok(results[2]!.html!.bodyHtml.includes('<h2>What happened</h2>'), 'the large file (on the worker) is rendered');
    assert.deepEqual(rules(results[3]!), ['invalid-enum']);
  });

  it(`parallel path (${PARALLEL_MIN_FILES}+ files): slow files lose neither the other results nor their order`, async () => {
    const files: string[] = [];
    const content: Record<string, string> = {};
    for (let i = 1; i <= 60; i++) {
      const f = `incidents/2024/2024-05-${String((i % 28) + 1).padStart(2, '0')}-incident-${i}.md`;
      files.push(f);
      const slow = i === 5 || i === 41;
      content[f] = slow ? incident(`Slow ${i}`, (i % 28) + 1, SLOW_BODY) : incident(`Incident ${i}`, (i % 28) + 1, i % 7 === 0 ? LARGE_BODY : `Story ${i}.\n`, i === 30 ? 'hight' : 'major');
    }
    files.sort();
    const root = await makeProject(content);
    roots.push(root);
    const ctx = await context();
    const started = performance.now();
    const results = await processFiles(root, files, ctx, 2, BUDGET_MS);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < WITHIN_MS, `took ${Math.round(elapsed)} ms`);
    assert.deepEqual(results.map((r) => r.file), files, 'in the order of the files');
    const slow = (f: string) => /incident-(5|41)\.md$/.test(f);
    const expected = await reference(root, files, ctx, slow);
    files.forEach((f, i) => {
      if (slow(f)) assert.deepEqual(rules(results[i]!), ['file-too-slow'], f);
      else assert.deepEqual(results[i], expected[i], f);
    });
    assert.equal(results.filter((r) => rules(r).includes('invalid-enum')).length, 1);
  });

  it('FileWorkers: an exception in a file rejects that file only', async () => {
    const root = await makeProject({ 'incidents/2024-05-01-a.md': incident('A', 1, 'Short.\n') });
    roots.push(root);
    const workers = new FileWorkers({ threads: 1, budgetMs: BUDGET_MS, html: false });
    try {
      const ctx = { root, config: loadConfig(SITE).config, now: NOW, drafts: true, html: false };
      // A text that is not a string makes processSource throw inside the worker.
      const bad = workers.run({ file: 'incidents/x.md', text: 42 as unknown as string }, ctx);
      const good = workers.run({ file: 'incidents/2024-05-01-a.md' }, ctx);
      await assert.rejects(bad);
      assert.deepEqual(rules(await good), []);
    } finally {
      await workers.close();
    }
  });
});

describe('check under a budget', () => {
  it('a file past --file-timeout is reported, the other files too, exit 1', async () => {
    // `check` does not parse the Markdown body; a 1 MB YAML flow sequence is its slowest known (linear) shape.
    const root = await makeProject({
      'incidents/2024-05-01-ok.md': incident('OK', 1, 'Short.\n'),
      'incidents/2024-05-02-yaml.md': incident('YAML', 2, 'Short.\n').replace('services: [api]', `services: [api]\nx: [${'1,'.repeat(500_000)}1]`),
      'incidents/2024-05-03-bad.md': incident('Bad', 3, 'Short.\n', 'hight'),
    });
    roots.push(root);
    let out = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: { SOURCE_DATE_EPOCH: String(NOW / 1000) }, cwd: root };
    const started = performance.now();
    const code = await main(['check', root, '--format', 'json', '--file-timeout', '0.1'], io);
    assert.ok(performance.now() - started < WITHIN_MS);
    assert.equal(code, 1);
    const report = JSON.parse(out) as { diagnostics: { file: string; rule: string; message: string }[] };
    assert.deepEqual(report.diagnostics.map((d) => [d.file, d.rule]), [
      ['incidents/2024-05-02-yaml.md', 'file-too-slow'],
      ['incidents/2024-05-03-bad.md', 'invalid-enum'],
    ]);
    // (Large enough for a slow Markdown shape, it is rendered too, on a worker: see the next test.)
    assert.match(report.diagnostics[0]!.message, /^(checking|processing) the file was stopped after 0\.1 s, the time limit per file/);
  });

  it('a file whose Markdown build would stop is an error of check too (large files are rendered, on a worker)', async () => {
    const root = await makeProject({
      'incidents/2024-05-01-ok.md': incident('OK', 1, 'Short.\n'),
      'incidents/2024-05-02-slow.md': incident('Slow', 2, SLOW_BODY),
    });
    roots.push(root);
    let out = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: { SOURCE_DATE_EPOCH: String(NOW / 1000) }, cwd: root };
    const started = performance.now();
    const code = await main(['check', root, '--format', 'json', '--file-timeout', '1'], io);
    assert.ok(performance.now() - started < WITHIN_MS);
    assert.equal(code, 1);
    const report = JSON.parse(out) as { diagnostics: { file: string; rule: string; message: string }[] };
    assert.deepEqual(report.diagnostics.map((d) => [d.file, d.rule]), [['incidents/2024-05-02-slow.md', 'file-too-slow']]);
    assert.match(report.diagnostics[0]!.message, /Markdown/);
  });

  it('rejects a bad --file-timeout, like a bad --jobs', async () => {
    for (const [command, value] of [['check', 'soon'], ['build', '0'], ['dev', '1e3'], ['check', '100000']] as const) {
      let err = '';
      const io: Io = { out: () => undefined, err: (s) => void (err += s), color: false, env: {}, cwd: tmpdir() };
      assert.equal(await main([command, tmpdir(), '--file-timeout', value], io), 2, `${command} --file-timeout ${value}`);
      assert.match(err, new RegExp(`^postmortem ${command}: --file-timeout must be a number of seconds from 0\\.1 to 86400, the time one file may take \\(default 10\\); found "${value}"`));
    }
  });
});

describe('dev under a budget', () => {
  it('ProjectState: a slow file is abandoned on load, kept until its text changes, and large files are rendered on the worker', async () => {
    const root = await makeProject({
      'incidents/2024-05-01-a.md': incident('A', 1, 'Short.\n'),
      'incidents/2024-05-02-slow.md': incident('Slow', 2, SLOW_BODY),
      'incidents/2024-05-03-large.md': incident('Large', 3, LARGE_BODY),
    });
    roots.push(root);
    const state = new ProjectState({ root, mode: 'dev', now: () => NOW, fileTimeoutMs: BUDGET_MS });
    try {
      const started = performance.now();
      await state.load();
      assert.ok(performance.now() - started < WITHIN_MS);
      const slow = state.files.get('incidents/2024-05-02-slow.md')!;
      assert.deepEqual(rules(slow), ['file-too-slow']);
      assert.equal(slow.text, await readFile(path.join(root, 'incidents/2024-05-02-slow.md'), 'utf8'), 'its text is kept for the code frame');
      assert.equal(state.renders, 2, 'the two other files rendered, the large one on the worker');
      assert.match(state.result().html.get('2024-05-03-large')!.bodyHtml, /<h2>What happened<\/h2>/);
      assert.equal(state.hasFileErrors, true);

      // site.yaml changed: the slow file's text did not change, it is not processed again (no second budget spent).
      await writeFile(path.join(root, 'site.yaml'), SITE.replace('Budget Fixture Status', 'Other'));
      await state.apply({ config: true });
      assert.equal(state.result().config!.title, 'Other');
      assert.equal(state.files.get('incidents/2024-05-02-slow.md'), slow, 'the same result: not processed again');
      assert.equal(state.renders, 2, 'the large file found its HTML in the cache');

      await writeFile(path.join(root, 'incidents/2024-05-02-slow.md'), incident('Slow', 2, LARGE_BODY.replace('What happened', 'Fixed')));
      await state.apply({ files: ['incidents/2024-05-02-slow.md'] });
      assert.equal(state.hasFileErrors, false);
      assert.equal(state.renders, 3);
      assert.match(state.result().html.get('2024-05-02-slow')!.bodyHtml, /<h2>Fixed<\/h2>/);
    } finally {
      await state.close();
    }
  });

  it('postmortem dev survives a slow file: keeps serving, reports it, recovers', async () => {
    const root = await makeProject({ 'incidents/2024-05-01-a.md': incident('A', 1, 'The story of A.\n') });
    roots.push(root);
    let out = '';
    const io: Io = { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: { SOURCE_DATE_EPOCH: String(NOW / 1000) }, cwd: root };
    const session = await startDev({ root, port: 0, host: '127.0.0.1', io, fileTimeoutMs: BUDGET_MS });
    try {
      const page = `${session.url}incidents/2024-05-01-a/`;
      assert.equal((await fetch(page)).status, 200);
      const file = path.join(root, 'incidents/2024-05-02-slow.md');
      const started = performance.now();
      await writeFile(file, incident('Slow', 2, SLOW_BODY));
      // Until it is reported, the server answers at once: the slow file is on a worker, not on this thread.
      let slowest = 0;
      while (!out.includes('[file-too-slow]')) {
        assert.ok(performance.now() - started < WITHIN_MS, `no file-too-slow after ${WITHIN_MS} ms:\n${out}`);
        const t = performance.now();
        assert.equal((await fetch(page)).status, 200);
        slowest = Math.max(slowest, performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(slowest < 5_000, `a request took ${Math.round(slowest)} ms while the slow file was processed`);
      assert.match(out, new RegExp(`incidents/2024-05-02-slow\\.md:1:1 error processing the file was stopped after ${BUDGET_MS / 1000} s`));
      assert.match(out, /Not rebuilt \(.*2024-05-02-slow\.md.*\): an error above; still serving the last good build/);
      const overlay = await (await fetch(page)).text();
      assert.match(overlay, /postmortem-dev-overlay/);
      assert.match(overlay, /file-too-slow/);
      assert.match(overlay, /The story of A/, 'the last good page');

      await writeFile(file, incident('Slow', 2, 'Fixed.\n'));
      const deadline = performance.now() + WITHIN_MS;
      for (;;) {
        const r = await fetch(`${session.url}incidents/2024-05-02-slow/`);
        if (r.status === 200 && !(await r.text()).includes('postmortem-dev-overlay')) break;
        assert.ok(performance.now() < deadline, `no recovery:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await session.close();
    }
    assert.equal(await session.done, 0);
  });
});
