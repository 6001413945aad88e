/**
 * Shared by the tests that look at built sites as readers and tools do (browser, HTML validity):
 * build the example site and the fixture sites once, serve a folder over HTTP under a sub-path,
 * launch Debian's Chromium through playwright-core (never a downloaded browser), run axe-core.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listFiles, serveStatic, PREFIX } from './serve.js';

/** The repository root (this file is compiled to build/test/helpers/browser.js). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'postmortem.js');

/** "Now" of every site built here: 2026-11-21T12:00:00Z (SOURCE_DATE_EPOCH). */
export const NOW_SECONDS = 1_795_262_400;

/** The site is served under this path, as GitHub Pages serves a project site. */
export { PREFIX };
export const BASE_URL = `https://acme.github.io${PREFIX}`;

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * Launch Chromium. Its absence is a failure with a clear message, never a silent skip: CI installs it
 * (`.ci/run`). A developer without it may set POSTMORTEM_SKIP_BROWSER=1, which the caller turns into a visible skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (as .ci/run does), or set POSTMORTEM_SKIP_BROWSER=1 to skip the browser tests locally`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export const SKIP_BROWSER = process.env.POSTMORTEM_SKIP_BROWSER === '1' && process.env.CI !== 'true';

/** Run `node bin/postmortem.js …args` with the fixed clock. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...process.env, SOURCE_DATE_EPOCH: String(NOW_SECONDS), NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Replace `{{now±N[mhd]…}}` (a UTC timestamp) and `{{date±N[mhd]…}}` (a date alone) relative to `nowSeconds`.
 * Offsets add up left to right: `{{now-10d+7m}}` is seven minutes past the moment ten days before now.
 */
export function fillTimes(text: string, nowSeconds: number): string {
  return text.replace(/\{\{(now|date)((?:[+-]\d+[mhd])*)\}\}/g, (_, kind: string, offsets: string) => {
    let ms = nowSeconds * 1000;
    for (const m of offsets.matchAll(/([+-])(\d+)([mhd])/g)) ms += (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
    const iso = new Date(ms).toISOString();
    return kind === 'date' ? iso.slice(0, 10) : iso.replace(/\.000Z$/, 'Z');
  });
}

/** Copy `test/fixtures/sites/<name>` into a temporary folder with its times filled in; returns the folder. */
export async function materializeFixture(name: string, nowSeconds = NOW_SECONDS): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `pm-site-${name}-`));
  await cp(path.join(REPO, 'test', 'fixtures', 'sites', name), dir, { recursive: true });
  for (const f of await listFiles(dir)) {
    if (!/\.(?:md|ya?ml)$/.test(f)) continue;
    const p = path.join(dir, f);
    await writeFile(p, fillTimes(await readFile(p, 'utf8'), nowSeconds));
  }
  return dir;
}

export interface BuiltSite {
  /** `example` or the fixture's name. */
  name: string;
  /** The output folder. */
  out: string;
  cleanup(): Promise<void>;
}

/**
 * The example site in another language and time zone (its incidents stay English): what is added to its site.yaml.
 */
export const EXAMPLE_VARIANTS: Readonly<Record<string, string>> = {
  'example-de': 'language: de\ncontent_language: en\ndisplay_timezone: Europe/Berlin\n',
  'example-fr': 'language: fr\ncontent_language: en\ndisplay_timezone: Europe/Paris\n',
};

/** A copy of the example site (site.yaml, incidents/) with `extra` added to its site.yaml; returns the folder. */
export async function exampleVariant(name: string, extra: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `pm-site-${name}-`));
  await cp(path.join(REPO, 'incidents'), path.join(dir, 'incidents'), { recursive: true });
  await writeFile(path.join(dir, 'site.yaml'), `${await readFile(path.join(REPO, 'site.yaml'), 'utf8')}\n${extra}`);
  return dir;
}

/**
 * Build a site with the fixed clock and base_url under PREFIX: the example site of the repository
 * (`example`), one of its EXAMPLE_VARIANTS, or a fixture of test/fixtures/sites (`internal`: its internal site). Throws with the CLI's output when
 * the build fails.
 */
export async function buildSite(name: 'example' | string): Promise<BuiltSite> {
  const variant = EXAMPLE_VARIANTS[name];
  const work = name === 'example' ? null : variant !== undefined ? await exampleVariant(name, variant) : await materializeFixture(name);
  const out = await mkdtemp(path.join(tmpdir(), `pm-out-${name}-`));
  // The `internal` fixture is built as its internal site: every internal part shown, marked (issue 15).
  const audience = name === 'internal' ? ['--audience', 'internal'] : [];
  const r = await runCli(['build', ...(work ? [work] : []), '--out', out, '--base-url', BASE_URL, ...audience]);
  if (r.code !== 0) throw new Error(`building the ${name} site failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return {
    name,
    out,
    cleanup: async () => {
      await rm(out, { recursive: true, force: true });
      if (work) await rm(work, { recursive: true, force: true });
    },
  };
}

export { listFiles, serveStatic };

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Run axe-core on the page (WCAG 2.x A and AA rules plus best practices, or only `rules`) and return its violations.
 * axe is injected through the DevTools protocol, because the pages' Content-Security-Policy
 * (`script-src 'self'`) rightly blocks an inline <script> such as `page.addScriptTag({ content })` adds.
 */
export async function runAxe(page: Page, rules?: readonly string[]): Promise<AxeViolation[]> {
  axeSource ??= await readFile(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(`${axeSource}\n;0`);
  const runOnly = rules ? { type: 'rule', values: rules } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] };
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'], runOnly: ${JSON.stringify(runOnly)} })`)) as { violations: AxeViolation[] };
  return result.violations;
}

/** One line per node of each violation, for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('\n')}`)
    .join('\n');
}
