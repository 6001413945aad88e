#!/usr/bin/env node
/**
 * What a user sees, captured for comparison: `node scripts/output-snapshot.mjs OUT` runs `check` (text, json and
 * github formats, with and without --drafts) and `build --no-cache` (with and without --drafts) through the
 * compiled CLI over the example site and every fixture project of the tests, with SOURCE_DATE_EPOCH fixed, and
 * writes their outputs and exit codes under OUT. Two snapshots taken before and after a refactoring are
 * compared with `diff -r`: nothing a user sees may change unless it is meant to.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? 'snapshot');
const epoch = process.env.SOURCE_DATE_EPOCH ?? '1790000000';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const projects = [['example', repo]];
for (const group of ['test/fixtures/sites', 'test/fixtures/check']) {
  for (const name of readdirSync(path.join(repo, group)).sort()) {
    const dir = path.join(repo, group, name);
    if (existsSync(path.join(dir, 'site.yaml')) || existsSync(path.join(dir, 'incidents'))) projects.push([`${path.basename(group)}-${name}`, dir]);
  }
}

function run(args, cwd) {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'postmortem.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: epoch, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return `exit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`.replace(/ in \d+\.\d+ s\b/g, ' in N s');
}

for (const [name, dir] of projects) {
  const target = path.join(out, name);
  mkdirSync(target, { recursive: true });
  for (const format of ['text', 'json', 'github']) {
    writeFileSync(path.join(target, `check-${format}.txt`), run(['check', '--format', format], dir));
    writeFileSync(path.join(target, `check-drafts-${format}.txt`), run(['check', '--drafts', '--format', format], dir));
  }
  for (const drafts of [false, true]) {
    const dist = path.join(target, drafts ? 'dist-drafts' : 'dist');
    const log = run(['build', '--no-cache', '--out', dist, ...(drafts ? ['--drafts'] : [])], dir).split(dist).join('<OUT>');
    writeFileSync(path.join(target, drafts ? 'build-drafts.txt' : 'build.txt'), log);
  }
}
console.log(`${projects.length} projects captured in ${out}`);
