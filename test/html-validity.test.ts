/**
 * Valid HTML: every page, the stylesheet and every SVG (badges, favicon) of the built sites (the example, a
 * fixture with ongoing incidents and maintenance, a fixture of hostile and awkward content, impact phases, the
 * internal site of a project with internal parts) pass the Nu HTML
 * Checker (vnu-jar from npm, run with the machine's Java) with zero errors; and every link to a fragment
 * (`#id`, `page/#id`) finds its target, which neither vnu nor the link crawl of build.test.ts checks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSite, listFiles, REPO, type BuiltSite } from './helpers/browser.js';

const VNU = path.join(REPO, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const SITES = ['example', 'ongoing', 'hostile', 'phases', 'example-de', 'example-fr', 'internal'] as const;
/** A developer without Java may skip locally; CI never does (.ci/run installs a JRE). */
const SKIP = process.env.POSTMORTEM_SKIP_VNU === '1' && process.env.CI !== 'true';

interface VnuMessage {
  type: 'error' | 'info' | 'non-document-error';
  subType?: string;
  url?: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

function java(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('java is not installed: run `apt-get update && apt-get install -y default-jre-headless` (as .ci/run does), or set POSTMORTEM_SKIP_VNU=1 to skip this check locally');
  }
  return 'java';
}

/** Run vnu once over all files (one JVM start): `--errors-only`, JSON on stderr. */
function vnu(files: readonly string[]): Promise<VnuMessage[]> {
  return new Promise((resolve, reject) => {
    execFile(
      java(),
      ['-Xss4m', '-jar', VNU, '--errors-only', '--format', 'json', '--also-check-css', '--also-check-svg', ...files],
      { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (err, _stdout, stderr) => {
        try {
          resolve((JSON.parse(String(stderr)) as { messages: VnuMessage[] }).messages);
        } catch {
          reject(new Error(`vnu did not print JSON (${err?.message ?? 'exit 0'}):\n${String(stderr).slice(0, 2000)}`));
        }
      },
    );
  });
}

const built = new Map<string, BuiltSite>();

describe('valid HTML and working fragment links in the built sites', { skip: SKIP ? 'POSTMORTEM_SKIP_VNU=1' : false }, () => {
  before(async () => {
    for (const site of await Promise.all(SITES.map((s) => buildSite(s)))) built.set(site.name, site);
  });
  after(async () => {
    for (const s of built.values()) await s.cleanup();
  });

  test('the Nu HTML Checker finds no error in any page, stylesheet or SVG', async () => {
    assert.ok(existsSync(VNU), `${VNU} is missing (vnu-jar is a devDependency)`);
    const files: string[] = [];
    const counts: Record<string, number> = {};
    for (const site of built.values()) {
      const mine = (await listFiles(site.out)).filter((f) => /\.(?:html|css|svg)$/.test(f));
      counts[site.name] = mine.filter((f) => f.endsWith('.html')).length;
      files.push(...mine.map((f) => path.join(site.out, f)));
    }
    assert.ok(counts.example! >= 30 && counts.ongoing! >= 20 && counts.hostile! >= 5, `pages checked: ${JSON.stringify(counts)}`);
    const messages = (await vnu(files)).filter((m) => m.type !== 'info');
    const report = messages.map((m) => {
      const file = m.url ? decodeURI(m.url.replace(/^file:/, '')) : '?';
      const site = [...built.values()].find((s) => file.startsWith(s.out));
      return `${site ? `${site.name}:${path.relative(site.out, file)}` : file}:${m.lastLine ?? '?'}: ${m.type}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, ' ')}` : ''}`;
    });
    assert.deepEqual(report, [], `${report.length} errors`);
  });

  test('every link to a fragment points at an element with that id', async () => {
    const broken: string[] = [];
    let checked = 0;
    for (const site of built.values()) {
      const pages = new Map<string, Set<string>>();
      const html = new Map<string, string>();
      for (const f of (await listFiles(site.out)).filter((x) => x.endsWith('.html'))) {
        const text = await readFile(path.join(site.out, f), 'utf8');
        html.set(f, text);
        pages.set(f, new Set([...text.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!)));
      }
      for (const [f, text] of html) {
        if (f === '404.html') continue; // its links are absolute from the base path; build.test.ts follows them
        for (const m of text.matchAll(/\shref="([^"]*#[^"]*)"/g)) {
          const raw = m[1]!.replace(/&amp;/g, '&').replace(/&#x26;/g, '&');
          if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) continue; // another site
          const [where, fragment] = [raw.slice(0, raw.indexOf('#')), decodeURIComponent(raw.slice(raw.indexOf('#') + 1))];
          let target = f;
          if (where) {
            target = path.posix.join(path.posix.dirname(f), where);
            if (where.endsWith('/') || where === '.' || where === '..') target = path.posix.join(target, 'index.html');
          }
          checked++;
          const ids = pages.get(target);
          if (!ids) broken.push(`${site.name}:${f}: ${raw} (no page ${target})`);
          else if (fragment && !ids.has(fragment)) broken.push(`${site.name}:${f}: ${raw} (no id "${fragment}" in ${target})`);
        }
      }
    }
    assert.ok(checked > 0, 'the sites have fragment links (skip link, footnotes)');
    assert.deepEqual(broken, []);
  });
});
