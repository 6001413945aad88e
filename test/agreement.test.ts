/**
 * `dev` and `build` are one pipeline: every file `dev` serves is byte for byte the file `build --drafts` writes
 * (minus what `dev` adds to HTML: its stylesheet link and reload script), and a `dev` session whose "now" moves
 * across a rule's boundary (an action's due date, an incident's 30-day mark) reports the warnings `check --drafts`
 * reports at that instant.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDev, type DevSession } from '../src/dev/index.js';
import type { Io } from '../src/core/index.js';
import { FIXED_NOW_SECONDS, REPO_ROOT, runCli } from './helpers/cli.js';
import { materializeFixture, NOW_SECONDS } from './helpers/browser.js';

const temps: string[] = [];
after(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

function quietIo(): Io & { text: () => string } {
  let out = '';
  return { out: (s) => void (out += s), err: (s) => void (out += s), color: false, env: {}, cwd: REPO_ROOT, text: () => out };
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/** What `dev` adds to an HTML page: its stylesheet and script in the head (no overlay: the project has no error). */
function withoutDevMarkup(html: string): string {
  return html.replace(/<link rel="stylesheet" href="[^"]*__postmortem\/dev\.css"><script src="[^"]*__postmortem\/client\.js" data-version="\d+" defer><\/script>/, '');
}

/** The example site, the fixture sites (their times filled in relative to "now"), a project with drafts. */
const PROJECTS: [string, () => Promise<string>][] = [
  ['the example site', async () => REPO_ROOT],
  ['ongoing incidents and maintenance', () => materializeFixture('ongoing')],
  ['hostile content', () => materializeFixture('hostile')],
  ['drafts', async () => path.join(REPO_ROOT, 'test/fixtures/check/drafts')],
];

describe('dev serves exactly what build --drafts writes', () => {
  for (const [name, project] of PROJECTS) {
    it(name, async () => {
      const root = await project();
      if (root.startsWith(tmpdir())) temps.push(root);
      const out = await mkdtemp(path.join(tmpdir(), 'pm-agree-'));
      temps.push(out);
      const built = await runCli(['build', root, '--drafts', '--no-cache', '--out', out], { env: { SOURCE_DATE_EPOCH: String(NOW_SECONDS) } });
      assert.equal(built.code, 0, built.stderr);
      const io = quietIo();
      const session = await startDev({ root, port: 0, host: '127.0.0.1', io, now: () => NOW_SECONDS * 1000 });
      try {
        const base = session.url;
        await session.searchIdle(); // the search index is built in the background
        const files = await listFiles(out);
        assert.ok(files.length > 20, `${files.length} files`);
        assert.ok(files.includes('pagefind/shards.json') && files.includes('pagefind/pagefind.js') && files.some((f) => f.startsWith('pagefind/shards/')), 'the search index is compared too');
        const differ: string[] = [];
        for (const file of files) {
          const res = await fetch(new URL(file.split('/').map(encodeURIComponent).join('/'), base));
          const body = Buffer.from(await res.arrayBuffer());
          const expected = await readFile(path.join(out, file));
          const same = file.endsWith('.html') ? withoutDevMarkup(body.toString('utf8')) === expected.toString('utf8') : body.equals(expected);
          if (res.status !== 200 || !same) differ.push(`${file} (${res.status})`);
        }
        assert.deepEqual(differ, [], 'files that dev serves differently');
      } finally {
        await session.close();
      }
    });
  }
});

const SITE = `title: Clock Fixture
timezone: UTC
services:
  - id: api
    name: API
`;

/** "Now" at the start: 2025-01-01T00:00:00Z. */
const T0 = FIXED_NOW_SECONDS * 1000;
const DAY = 86_400_000;

describe('dev and check agree as time passes', () => {
  it("an action's due date and an incident's 30-day mark: dev gains the warnings check reports", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pm-clock-'));
    temps.push(root);
    await mkdir(path.join(root, 'incidents'));
    await writeFile(path.join(root, 'site.yaml'), SITE);
    await writeFile(
      path.join(root, 'incidents', '2024-12-20-long-running.md'),
      `---\ntitle: Long running\nsummary: Still going.\nseverity: minor\nstarted: 2024-12-20T00:00:00Z\nservices: [api]\n---\n\nBody.\n`,
    );
    await writeFile(
      path.join(root, 'incidents', '2024-12-01-resolved.md'),
      `---\ntitle: Resolved\nsummary: Over.\nseverity: minor\nstarted: 2024-12-01T00:00:00Z\nresolved: 2024-12-01T01:00:00Z\nroot_cause: A cause.\nservices: [api]\nactions:\n  - { title: Add an alert, status: open, due: 2025-01-03 }\n---\n\nBody.\n`,
    );
    let now = T0;
    const io = quietIo();
    const session: DevSession = await startDev({ root, port: 0, host: '127.0.0.1', io, now: () => now });
    const checkAt = async (ms: number) => {
      const r = await runCli(['check', root, '--drafts', '--format', 'json'], { env: { SOURCE_DATE_EPOCH: String(ms / 1000) } });
      return (JSON.parse(r.stdout) as { diagnostics: unknown[] }).diagnostics;
    };
    const devDiagnostics = () => JSON.parse(JSON.stringify(session.state.result().diagnostics)) as unknown[];
    const rules = (list: unknown[]) => list.map((d) => (d as { rule: string }).rule).sort();
    try {
      assert.deepEqual(devDiagnostics(), await checkAt(now));
      assert.deepEqual(rules(devDiagnostics()), [], 'nothing to warn about yet');

      now = T0 + 3 * DAY; // 2025-01-04: the action is overdue
      await session.poke();
      assert.deepEqual(devDiagnostics(), await checkAt(now));
      assert.deepEqual(rules(devDiagnostics()), ['overdue-action']);

      now = T0 + 20 * DAY; // 2025-01-21: the incident has been ongoing for 32 days
      await session.poke();
      assert.deepEqual(devDiagnostics(), await checkAt(now));
      assert.deepEqual(rules(devDiagnostics()), ['long-ongoing', 'overdue-action']);
      assert.match(io.text(), /long-ongoing/, 'the terminal says so too');
    } finally {
      await session.close();
    }
  });
});
