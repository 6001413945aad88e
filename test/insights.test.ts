/**
 * Insights, checked against a computation of this test's own: a generated project is built through the CLI, and
 * the numbers of `api/insights*.json`, of the insights pages and of `postmortem stats` are compared with what this
 * file computes from the incidents' API records (times, services, tags, actions), with its own percentile
 * (Hyndman & Fan type 7, written out below) and its own grouping. Also the statistics' thresholds, and `stats`'s
 * bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateProject, BENCH_SOURCE_DATE_EPOCH } from '../bench/generate.js';
import { formatDuration } from '../src/core/index.js';
import { distribution, MIN_N } from '../src/site/index.js';
import { runCli, tempProject, VALID_INCIDENT } from './helpers/cli.js';

const ENV = { env: { SOURCE_DATE_EPOCH: String(BENCH_SOURCE_DATE_EPOCH) } };
const TODAY = new Date(BENCH_SOURCE_DATE_EPOCH * 1000).toISOString().slice(0, 10);

/** Type 7: h = (n − 1)p, interpolate between the order statistics around h. */
function quantile(values: number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < x.length ? x[lo]! + (h - lo) * (x[lo + 1]! - x[lo]!) : x[lo]!;
}

interface Rec {
  id: string;
  severity: string;
  maintenance: boolean;
  started: string;
  detected: string | null;
  mitigated: string | null;
  resolved: string | null;
  detection: string | null;
  timezone: string;
  services: { id: string }[];
  tags: string[];
  contributing_factors: string[];
  actions: { status: string; due: string | null; closed: string | null }[];
}

const ms = (iso: string) => Date.parse(iso);

function own(recs: Rec[], metric: 'time_to_detect' | 'time_to_mitigate' | 'duration', sev?: string) {
  const values: number[] = [];
  for (const r of recs) {
    if (sev && r.severity !== sev) continue;
    const end = metric === 'time_to_detect' ? r.detected : metric === 'time_to_mitigate' ? r.mitigated : r.resolved;
    if (end !== null) values.push(ms(end) - ms(r.started));
  }
  return { n: values.length, median: values.length >= 3 ? quantile(values, 0.5) : null, p90: values.length >= 10 ? quantile(values, 0.9) : null };
}

/** The day an instant falls on in a zone, with Intl (the tool uses luxon). */
function dayIn(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

let root: string;
let out: string;
let recs: Rec[];
let api: Record<string, any>;

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pm-insights-'));
  await generateProject(root, { incidents: 240, seed: 3 });
  out = path.join(root, 'dist');
  const r = await runCli(['build', root, '--out', out, '--no-cache'], ENV);
  assert.equal(r.code, 0, r.stderr);
  const index = JSON.parse(await readFile(path.join(out, 'api/incidents/_index.json'), 'utf8')) as { incidents: { id: string }[] };
  const all = await Promise.all(index.incidents.map(async (i) => JSON.parse(await readFile(path.join(out, `api/incidents/${i.id}.json`), 'utf8')) as Rec));
  recs = all.filter((x) => !x.maintenance);
  api = JSON.parse(await readFile(path.join(out, 'api/insights.json'), 'utf8'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('insights against an independent computation', () => {
  it('time to detect, to mitigate and duration: n, median and 90th percentile, overall and by severity', () => {
    assert.equal(api.incidents, recs.length);
    for (const fig of api.figures.severity) {
      const mine = own(recs, fig.metric);
      assert.deepEqual({ n: fig.all.n, median: fig.all.median, p90: fig.all.p90 }, mine, `${fig.metric}, all`);
      assert.ok(fig.rows.length >= 3);
      for (const row of fig.rows) {
        const m = own(recs, fig.metric, row.key);
        assert.equal(row.dist.n, m.n, `${fig.metric} ${row.key} n`);
        assert.ok(Math.abs((row.dist.median ?? 0) - (m.median ?? 0)) < 1e-6, `${fig.metric} ${row.key} median`);
        assert.ok(Math.abs((row.dist.p90 ?? 0) - (m.p90 ?? 0)) < 1e-6, `${fig.metric} ${row.key} p90`);
      }
    }
  });

  it('by service: incidents and median duration; per month; tags; detection', () => {
    for (const s of api.services) {
      const mine = recs.filter((r) => r.services.some((x) => x.id === s.id));
      assert.equal(s.incidents, mine.length, s.id);
      const durations = mine.filter((r) => r.resolved).map((r) => ms(r.resolved!) - ms(r.started));
      assert.equal(s.duration.median, durations.length >= 3 ? quantile(durations, 0.5) : null, s.id);
    }
    const months = new Map<string, number>();
    for (const r of recs) months.set(r.started.slice(0, 7), (months.get(r.started.slice(0, 7)) ?? 0) + 1);
    for (const m of api.months) assert.equal(m.total, months.get(m.month) ?? 0, m.month);
    assert.equal(api.months.reduce((a: number, m: { total: number }) => a + m.total, 0), recs.length);
    const tags = new Map<string, number>();
    for (const r of recs) for (const t of new Set(r.tags)) tags.set(t, (tags.get(t) ?? 0) + 1);
    assert.deepEqual(
      api.tags.map((t: { tag: string; count: number }) => [t.tag, t.count]),
      [...tags].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    );
    const detection = new Map<string, number>();
    for (const r of recs) detection.set(r.detection ?? 'unknown', (detection.get(r.detection ?? 'unknown') ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(api.detection.map((d: { method: string; count: number }) => [d.method, d.count])), Object.fromEntries(detection));
    assert.ok(detection.size >= 3, 'the generated project records several detection methods');
  });

  it('follow-through: actions by quarter of the incident, overdue, time to close', () => {
    const q = new Map<string, { open: number; done: number; overdue: number; close: number[] }>();
    for (const r of recs) {
      const d = new Date(r.started);
      const key = `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
      for (const a of r.actions) {
        const b = q.get(key) ?? { open: 0, done: 0, overdue: 0, close: [] };
        q.set(key, b);
        if (a.status === 'open') b.open++;
        if (a.status === 'done') b.done++;
        if ((a.status === 'open' || a.status === 'in_progress') && a.due !== null && a.due < TODAY) b.overdue++;
        if (a.closed) b.close.push(ms(`${a.closed}T00:00:00Z`) - ms(`${dayIn(r.started, r.timezone)}T00:00:00Z`));
      }
    }
    for (const row of api.actions.byQuarter) {
      const b = q.get(row.quarter)!;
      assert.deepEqual([row.open, row.done, row.overdue, row.timeToClose.n], [b.open, b.done, b.overdue, b.close.length], row.quarter);
      assert.equal(row.timeToClose.median, b.close.length >= 3 ? quantile(b.close, 0.5) : null, row.quarter);
    }
    assert.ok(api.actions.timeToClose.n > 50, 'the generated project closes actions with a date');
  });

  it('the pages show the same numbers: all time and per year, each incident a link on the year pages', async () => {
    const html = await readFile(path.join(out, 'insights/index.html'), 'utf8');
    const section = html.slice(html.indexOf('id="duration-by-severity"'), html.indexOf('</section>', html.indexOf('id="duration-by-severity"')));
    const fig = api.figures.severity.find((f: { metric: string }) => f.metric === 'duration');
    for (const row of fig.rows) {
      const m = own(recs, 'duration', row.key);
      // The pages write durations as the site's language does: a number never wraps away from its unit.
      const dur = (ms: number) => formatDuration(ms).replace(/(\d) /g, '$1\u00a0');
      const text = `n = ${m.n} · median ${dur(m.median!)} · 90th percentile ${dur(m.p90!)}`;
      assert.ok(section.includes(text), `the page says "${text}" for ${row.key}`);
    }
    const year = api.years[0].year as string;
    const yearHtml = await readFile(path.join(out, `insights/${year}/index.html`), 'utf8');
    const inYear = recs.filter((r) => r.started.startsWith(year) && r.resolved);
    for (const r of inYear) assert.ok(yearHtml.includes(`href="../../incidents/${r.id}/"`), `${r.id} is marked on its year's page`);
    const yearApi = JSON.parse(await readFile(path.join(out, `api/insights/${year}.json`), 'utf8'));
    assert.equal(yearApi.incidents, recs.filter((r) => r.started.startsWith(year)).length);
    assert.match(html, /Percentiles use linear interpolation between the two nearest ranks \(Hyndman &amp; Fan type 7/);
  });

  it('postmortem stats prints the same figures (JSON and text) for a span and a service', async () => {
    const year = api.years[0].year as string;
    const r = await runCli(['stats', root, '--since', year, '--until', year, '--format', 'json'], ENV);
    assert.equal(r.code, 0, r.stderr);
    const stats = JSON.parse(r.stdout);
    const yearApi = JSON.parse(await readFile(path.join(out, `api/insights/${year}.json`), 'utf8'));
    assert.deepEqual(stats.figures.severity.map((f: any) => [f.metric, f.all]), yearApi.figures.severity.map((f: any) => [f.metric, f.all]));
    assert.deepEqual(stats.actions, yearApi.actions);
    const svc = await runCli(['stats', root, '--service', 'api', '--by', 'tag'], ENV);
    assert.equal(svc.code, 0, svc.stderr);
    const mine = own(recs.filter((x) => x.services.some((s) => s.id === 'api')), 'duration');
    assert.match(svc.stdout, /^Duration by tag$/m);
    assert.match(svc.stdout, new RegExp(`^  all +${mine.n} +\\S.* ${formatDuration(mine.median!).replace(/ /g, ' +')} +${formatDuration(mine.p90!).replace(/ /g, ' +')} `, 'm'));
  });
});

describe('distributions: the smallest counts', () => {
  it(`no median below ${MIN_N.median} values, no 90th percentile below ${MIN_N.p90}; zero and negative values in the first bin`, () => {
    assert.deepEqual([distribution([5, 1]).median, distribution([5, 1, 3]).median], [null, 3]);
    assert.equal(distribution([1, 2, 3, 4, 5, 6, 7, 8, 9]).p90, null);
    assert.equal(distribution([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).p90, 9.1);
    assert.equal(distribution([0, -60_000, 30_000]).bins[0], 3);
    assert.equal(distribution([]).n, 0);
  });

  it('the page says when there are too few incidents for a figure', async () => {
    const { dir, cleanup } = await tempProject({ 'incidents/2024-05-01-api-errors.md': VALID_INCIDENT });
    try {
      const r = await runCli(['build', dir]);
      assert.equal(r.code, 0, r.stderr);
      const html = await readFile(path.join(dir, 'dist/insights/index.html'), 'utf8');
      assert.match(html, /n = 1 · too few for a median \(needs 3\) · too few for a 90th percentile \(needs 10\)/);
    } finally {
      await cleanup();
    }
  });
});

describe('postmortem stats: bad input', () => {
  it('says what was expected for each option, exit 2', async () => {
    for (const [args, message] of [
      [['--since', '2024-13'], /--since must be a year, a month or a day such as 2024, 2024-07 or 2024-07-15; found "2024-13"/],
      [['--since', '2025', '--until', '2024'], /--until \(2024\) must not be before --since \(2025\)/],
      [['--by', 'severty'], /--by must be one of severity, service, tag, factor, detection; found "severty"; did you mean "severity"\?/],
      [['--service', 'apii'], /--service must be a service id from site.yaml \(api, website\); found "apii"; did you mean "api"\?/],
      [['--format', 'yaml'], /--format must be one of text, json; found "yaml"/],
    ] as const) {
      const { dir, cleanup } = await tempProject({ 'incidents/2024-05-01-api-errors.md': VALID_INCIDENT });
      try {
        const r = await runCli(['stats', dir, ...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      } finally {
        await cleanup();
      }
    }
  });

  it('a project with errors: its diagnostics, exit 1, no figures; control characters never reach the terminal', async () => {
    const { dir, cleanup } = await tempProject({ 'incidents/2024-05-01-api-errors.md': VALID_INCIDENT.replace('severity: major', 'severity: hight') });
    try {
      const r = await runCli(['stats', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /severity must be one of/);
      assert.equal(r.stdout, '');
      await writeFile(path.join(dir, 'incidents/2024-05-01-api-errors.md'), VALID_INCIDENT.replace('root_cause: A bad deploy.', 'root_cause: A bad deploy.\ncontributing_factors: ["Bell \\u0007 and \\u001b[31mred\\u202e"]'));
      const ok = await runCli(['stats', dir, '--by', 'factor']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(!/[\u0007\u001b\u202e]/.test(ok.stdout), 'no control character printed');
      assert.match(ok.stdout, /bell \\x07 and \\x1b\[31mred\\u202e/i);
    } finally {
      await cleanup();
    }
  });
});
