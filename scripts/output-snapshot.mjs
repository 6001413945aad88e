#!/usr/bin/env node
/**
 * What a user sees, captured for comparison:
 *
 *   node scripts/output-snapshot.mjs OUT [--cli REPO]
 *
 * runs `check` (text, json and github formats, with and without --drafts) and `build --no-cache` (with and
 * without --drafts) through the compiled CLI over the example site and every fixture project of the tests, with
 * SOURCE_DATE_EPOCH fixed, and writes their outputs and exit codes under OUT. The fixture sites' `{{now±N}}`
 * times are filled in first, as the tests do. `--cli REPO` runs another checkout's CLI (compiled) over this
 * checkout's projects: two snapshots, before and after a refactoring, are compared with `diff -r`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ options: { cli: { type: 'string' } }, allowPositionals: true });
const cli = path.join(path.resolve(values.cli ?? repo), 'bin', 'postmortem.js');
const out = path.resolve(positionals[0] ?? 'snapshot');
const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? '1795262400');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'pm-snapshot-'));

/** `{{now±N[mhd]…}}` and `{{date±N…}}` → UTC times relative to `epoch` (as test/helpers/browser.ts does). */
function fillTimes(text) {
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text.replace(/\{\{(now|date)((?:[+-]\d+[mhd])*)\}\}/g, (_, kind, offsets) => {
    let ms = epoch * 1000;
    for (const m of offsets.matchAll(/([+-])(\d+)([mhd])/g)) ms += (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit[m[3]];
    const iso = new Date(ms).toISOString();
    return kind === 'date' ? iso.slice(0, 10) : iso.replace(/\.000Z$/, 'Z');
  });
}

function materialize(name, dir) {
  const copy = path.join(work, name);
  cpSync(dir, copy, { recursive: true });
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(md|ya?ml)$/.test(e)) writeFileSync(p, fillTimes(readFileSync(p, 'utf8')));
    }
  };
  walk(copy);
  return copy;
}

const projects = [['example', repo]];
for (const group of ['test/fixtures/sites', 'test/fixtures/check']) {
  for (const name of readdirSync(path.join(repo, group)).sort()) {
    const dir = path.join(repo, group, name);
    if (!existsSync(path.join(dir, 'site.yaml')) && !existsSync(path.join(dir, 'incidents'))) continue;
    const id = `${path.basename(group)}-${name}`;
    projects.push([id, group.endsWith('sites') ? materialize(id, dir) : dir]);
  }
}

function run(args, cwd) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch), NO_COLOR: '1', FORCE_COLOR: '0' },
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
    const log = run(['build', '--no-cache', '--out', dist, ...(drafts ? ['--drafts'] : [])], dir).split(dist).join('<OUT>').split(path.relative(dir, dist)).join('<OUT>');
    writeFileSync(path.join(target, drafts ? 'build-drafts.txt' : 'build.txt'), log);
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`${projects.length} projects captured in ${out}`);
