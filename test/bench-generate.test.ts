/** The benchmark measures realistic, valid projects: the generator must never drift from the format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from '../bench/generate.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function check(dir: string, epoch: number): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, 'bin/postmortem.js'), 'check', dir, '--format', 'json'], { env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) }, maxBuffer: 1 << 26 }, (err, stdout) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
    );
  });
}

test('a generated project passes check with no error, and only the overdue warnings it planted', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-gen-'));
  try {
    const project = await generateProject(dir, { incidents: 60, seed: 7 });
    assert.equal(project.files.length, 60);
    const r = await check(dir, project.sourceDateEpoch);
    const report = JSON.parse(r.stdout) as { errors: number; warnings: number; diagnostics: { rule: string }[] };
    assert.equal(report.errors, 0, JSON.stringify(report.diagnostics.slice(0, 5)));
    assert.equal(r.code, 0);
    assert.deepEqual([...new Set(report.diagnostics.map((d) => d.rule))].filter((rule) => rule !== 'overdue-action'), []);
    assert.equal(report.warnings, project.overdueActions);
    // What is internal (issue 15) is part of what the benchmark builds.
    assert.ok(project.internal.sections > 0 && project.internal.responders > 0, JSON.stringify(project.internal));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the generator is deterministic for a seed', async () => {
  const a = await mkdtemp(path.join(tmpdir(), 'pm-gen-'));
  const b = await mkdtemp(path.join(tmpdir(), 'pm-gen-'));
  try {
    const pa = await generateProject(a, { incidents: 15, seed: 3 });
    const pb = await generateProject(b, { incidents: 15, seed: 3 });
    assert.deepEqual(pa.files, pb.files);
    for (const f of pa.files) assert.equal(await readFile(path.join(a, f), 'utf8'), await readFile(path.join(b, f), 'utf8'), f);
    assert.equal(await readFile(path.join(a, 'site.yaml'), 'utf8'), await readFile(path.join(b, 'site.yaml'), 'utf8'));
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
});
