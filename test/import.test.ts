/**
 * `postmortem import` (issue 13), as a user runs it: Statuspage export files, its public API and its management
 * API (a local HTTP server on 127.0.0.1, never the internet), and cState sites, into an empty folder and into an
 * existing project; re-runs; every kind of bad input; and the promise that the imported history checks, builds,
 * and gives each service the uptime its component transitions imply, to the minute.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runCli, REPO_ROOT } from './helpers/cli.js';
import { appendServices, commitStaged, plainToMarkdown, readMarker } from '../src/import/index.js';
import { renderInline } from '../src/markdown/index.js';

const SP = path.join(REPO_ROOT, 'test', 'fixtures', 'import', 'statuspage');
const CSTATE = path.join(REPO_ROOT, 'test', 'fixtures', 'import', 'cstate');
const CSTATE_TOML = path.join(REPO_ROOT, 'test', 'fixtures', 'import', 'cstate-toml');
/** "Now" of the import fixtures: 2024-09-01T00:00:00Z. */
const NOW_S = 1_725_148_800;
const NOW = NOW_S * 1000;
const env = { SOURCE_DATE_EPOCH: String(NOW_S) };
const SP_FILES = ['components.json', 'incidents.json', 'scheduled-maintenances.json', 'summary.json'].map((f) => path.join(SP, f));

const temps: string[] = [];
async function tempDir(name: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), `pm-import-${name}-`));
  temps.push(d);
  return d;
}
after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const run = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, { env: { ...env, ...extra } });

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), await readFile(p, 'utf8'));
    }
  }
  await walk(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The promise: transitions → uptime, to the minute.

interface Transition {
  at: number;
  code: string;
  to: string;
}

const WEIGHT: Record<string, number> = { major_outage: 1, partial_outage: 0.3 };

/**
 * Independently of the tool: each component's weighted downtime per UTC day and month, from the fixture's raw
 * transitions. Within an incident a component has the status of its latest transition (from before the incident
 * started: its initial status), until the incident ends (resolved, or now); overlapping incidents count their
 * worst. Sampled minute by minute.
 */
function expectedDowntime(incidents: { started_at: string; resolved_at: string | null; status: string; scheduled_for: string | null; incident_updates: { display_at: string; affected_components: { code: string; new_status: string }[] | null }[] }[]) {
  const perComponent = new Map<string, { start: number; end: number; transitions: Transition[] }[]>();
  for (const inc of incidents) {
    const started = Date.parse(inc.scheduled_for ?? inc.started_at);
    const done = ['resolved', 'postmortem', 'completed'].includes(inc.status);
    const end = done && inc.resolved_at ? Date.parse(inc.resolved_at) : NOW;
    for (const u of inc.incident_updates) {
      for (const a of u.affected_components ?? []) {
        if (!perComponent.has(a.code)) perComponent.set(a.code, []);
        const list = perComponent.get(a.code)!;
        let span = list.find((s) => s.start === started);
        if (!span) list.push((span = { start: started, end, transitions: [] }));
        span.transitions.push({ at: Date.parse(u.display_at), code: a.code, to: a.new_status });
      }
    }
  }
  const byDay = new Map<string, Map<string, number>>();
  const byMonth = new Map<string, Map<string, number>>();
  for (const [code, spans] of perComponent) {
    const minutes = new Map<number, number>();
    for (const s of spans) {
      const sorted = s.transitions.sort((a, b) => a.at - b.at);
      for (let t = s.start; t < Math.min(s.end, NOW); t += 60_000) {
        let status = 'operational';
        for (const tr of sorted) if (tr.at <= t) status = tr.to;
        minutes.set(t, Math.max(minutes.get(t) ?? 0, WEIGHT[status] ?? 0));
      }
    }
    const day = new Map<string, number>();
    const month = new Map<string, number>();
    for (const [t, w] of minutes) {
      if (w === 0) continue;
      const iso = new Date(t).toISOString();
      day.set(iso.slice(0, 10), (day.get(iso.slice(0, 10)) ?? 0) + w);
      month.set(iso.slice(0, 7), (month.get(iso.slice(0, 7)) ?? 0) + w);
    }
    byDay.set(code, day);
    byMonth.set(code, month);
  }
  return { byDay, byMonth };
}

describe('import statuspage: the promise', () => {
  let project: string;
  let output: string;
  before(async () => {
    project = await tempDir('promise');
    output = (await run(['import', 'statuspage', ...SP_FILES, '--root', project])).stdout;
  });

  it('imports into an empty folder with a summary that says what it did and what it could not map', () => {
    const lines = output.split('\n');
    assert.equal(lines[0], 'Statuspage "Acme Status": 5 services, 5 incidents, 1 maintenance read.');
    for (const expected of [
      'Wrote: 6 new, 0 updated, 0 unchanged, 0 skipped (edited since imported).',
      'site.yaml created with 5 services: api, website-dashboard, database, email-delivery, legacy-dashboard.',
      '  component "Legacy dashboard" (l3g4cy0d4sh1): is not among the page\'s components any more (deleted?); added as a service so that its incidents keep it',
      '  incident "Elevated API errors": another imported incident has the name "2024-07-16-elevated-api-errors"; written as incidents/2024-07-16-elevated-api-errors-2.md',
      '`postmortem check` will report 4 warnings on the imported files:',
      '  4 × missing-root-cause: the source has no root cause field; add `root_cause:` to each postmortem when you write it up',
      'site.yaml uses the source\'s time zone, America/New_York, to read local times (imported times are exact, in UTC).',
    ]) {
      assert.ok(lines.includes(expected), `missing line: ${expected}\n${output}`);
    }
    assert.match(output, /incidents\.json: incident "Changes to API rate limits" \(n0t1c3n0c0mp\): names no component; listed under every service without changing their status/);
  });

  it('the result passes check at once, with only the warnings the summary explained, and builds', async () => {
    const check = await run(['check', project, '--format', 'json']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const report = JSON.parse(check.stdout);
    assert.equal(report.errors, 0);
    assert.deepEqual([...new Set(report.diagnostics.map((d: { rule: string }) => d.rule))], ['missing-root-cause']);
    assert.equal(report.warnings, 4);
    const build = await run(['build', project, '--no-cache']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
  });

  it('each service\'s uptime on the built site is what its transitions imply, to the minute', async () => {
    const raw = [
      ...JSON.parse(await readFile(path.join(SP, 'incidents.json'), 'utf8')).incidents,
      ...JSON.parse(await readFile(path.join(SP, 'scheduled-maintenances.json'), 'utf8')).scheduled_maintenances,
    ];
    const { byDay, byMonth } = expectedDowntime(raw);
    const ids: Record<string, string> = { b13yz5g2cw10: 'api', v9h2q7rl3xk4: 'website-dashboard', p0c4x1n8d2fs: 'database', e5t6r7w8q9a1: 'email-delivery', l3g4cy0d4sh1: 'legacy-dashboard' };
    const { services } = JSON.parse(await readFile(path.join(project, 'dist', 'api', 'services.json'), 'utf8'));
    let checked = 0;
    for (const [code, id] of Object.entries(ids)) {
      const s = services.find((x: { id: string }) => x.id === id);
      const days = byDay.get(code) ?? new Map<string, number>();
      for (const d of s.days) {
        assert.equal(d.downtime_minutes, Math.round((days.get(d.date) ?? 0) * 100) / 100, `${id} on ${d.date}`);
        checked++;
      }
      const months = byMonth.get(code) ?? new Map<string, number>();
      for (const m of s.monthly) assert.equal(m.downtime_minutes, Math.round((months.get(m.month) ?? 0) * 100) / 100, `${id} in ${m.month}`);
      const total = [...days.entries()].filter(([date]) => date >= s.days[0].date).reduce((a, [, v]) => a + v, 0);
      const lived = (NOW - Date.parse(`${s.days[0].date}T00:00:00Z`)) / 60_000;
      assert.ok(Math.abs(s.uptime_percent - 100 * (1 - total / lived)) < 1e-9, `${id}: ${s.uptime_percent}`);
    }
    assert.equal(checked, 5 * 90);
    // The figures are not all zero: the API lost 30 % of 25 minutes, then 60 minutes, then 30 % of 45 minutes on 16 July.
    assert.equal(Math.round(byDay.get('b13yz5g2cw10')!.get('2024-07-16')! * 100) / 100, 81);
    assert.equal(services.find((x: { id: string }) => x.id === 'api').days.find((d: { date: string }) => d.date === '2024-07-16').downtime_minutes, 81);
  });

  it('keeps every update at its display time, its status, and its words', async () => {
    const failover = await readFile(path.join(project, 'incidents', '2024-05-01-database-failover.md'), 'utf8');
    // Backfilled: typed on 2 May, displayed (happened) on 1 May.
    assert.match(failover, /started: 2024-05-01T08:55:00Z\nresolved: 2024-05-01T09:20:00Z/);
    assert.match(failover, /- at: 2024-05-01T09:05:00Z\n {4}status: monitoring\n/);
    assert.match(failover, /services:\n {2}- \{ id: database, impact: major_outage \}\n {2}- \{ id: legacy-dashboard, impact: major_outage \}/, 'a transition at the very start is the initial impact');
    const page = await readFile(path.join(project, 'dist', 'incidents', '2024-07-16-elevated-api-errors-2', 'index.html'), 'utf8');
    assert.match(page, /We are seeing errors on \*50%\* of API requests &#x3C;for some customers>\.<br>\nAffected regions:<br>\n- EU<br>\n- US-East<\/p>\n<p># Next update in 30 minutes<\/p>/);
    assert.match(page, /Error rates are back to normal &#x26; latency too\.<\/p>\n<p>1\. Rolled back<br>\n2\. Verified/);
    assert.match(page, /<h3>What happened<\/h3>/, 'the postmortem body, as Markdown');
    assert.match(page, /href="https:\/\/stspg\.io\/k9v7b">On the former Statuspage<\/a> <span class="kind">Status page<\/span>/);
    const maintenance = await readFile(path.join(project, 'incidents', '2024-07-01-database-upgrade-to-postgresql-16.md'), 'utf8');
    assert.match(maintenance, /severity: maintenance\nstarted: 2024-07-01T02:00:00Z\nresolved: 2024-07-01T03:30:00Z/);
    assert.match(maintenance, /status: scheduled/);
    assert.match(maintenance, /summary: We will upgrade the primary database\. Writes pause for up to two hours\./, 'a summary that is not boilerplate');
  });
});

describe('import statuspage: re-runs, merges and dry runs', () => {
  it('a re-run changes nothing; a changed source updates only what the import wrote; edited files are left alone', async () => {
    const project = await tempDir('rerun');
    const source = await tempDir('rerun-src');
    await cp(SP, source, { recursive: true });
    const files = SP_FILES.map((f) => path.join(source, path.basename(f)));
    assert.equal((await run(['import', 'statuspage', ...files, '--root', project])).code, 0);
    const first = await tree(project);
    const again = await run(['import', 'statuspage', ...files, '--root', project]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Wrote: 0 new, 0 updated, 6 unchanged, 0 skipped/);
    assert.deepEqual(await tree(project), first);

    // The team edits one imported file and adds one of its own; the source gets a new update on another incident.
    const edited = path.join(project, 'incidents', '2024-05-01-database-failover.md');
    await writeFile(edited, `${first.get('incidents/2024-05-01-database-failover.md')!.replace('summary: ', 'root_cause: A disk filled up.\nsummary: ')}`);
    const own = path.join(project, 'incidents', '2024-08-01-our-own.md');
    const ownText = '---\ntitle: Our own\nsummary: x\nseverity: minor\nstarted: 2024-08-01T10:00:00Z\nresolved: 2024-08-01T11:00:00Z\nservices: [api]\nroot_cause: y\n---\n';
    await writeFile(own, ownText);
    const incidents = JSON.parse(await readFile(files[1]!, 'utf8'));
    const email = incidents.incidents.find((i: { id: string }) => i.id === 'zq1kx8f4v6mt');
    email.incident_updates.unshift({ ...email.incident_updates[0], id: 'unew', status: 'resolved', body: 'All queued email was delivered.', display_at: '2024-08-31T18:00:00.000Z', created_at: '2024-08-31T18:00:00.000Z', affected_components: [{ code: 'e5t6r7w8q9a1', name: 'Email delivery', old_status: 'partial_outage', new_status: 'operational' }] });
    email.status = 'resolved';
    email.resolved_at = '2024-08-31T18:00:00.000Z';
    incidents.incidents.find((i: { id: string }) => i.id === 'b4ckf1ll3d99').name = 'Database failover (renamed)';
    await writeFile(files[1]!, JSON.stringify(incidents));
    const third = await run(['import', 'statuspage', ...files, '--root', project]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /Wrote: 0 new, 1 updated, 4 unchanged, 1 skipped/);
    assert.match(third.stdout, /incidents\/2024-05-01-database-failover\.md: edited since it was imported; left as it is/);
    const after3 = await tree(project);
    assert.equal(after3.get('incidents/2024-08-01-our-own.md'), ownText, 'a file the import did not write is never touched');
    assert.match(after3.get('incidents/2024-05-01-database-failover.md')!, /root_cause: A disk filled up\./);
    const updated = after3.get('incidents/2024-08-30-delayed-email-delivery.md')!;
    assert.match(updated, /resolved: 2024-08-31T18:00:00Z/);
    assert.ok(readMarker(updated)!.pristine);
    assert.equal((await run(['check', project])).code, 0);
  });

  it('merges into an existing project: same-named services reused, new ones appended, every existing byte kept; colliding names reported', async () => {
    const project = await tempDir('merge');
    const site = '# Our status site\ntitle: Acme\ntimezone: Europe/Paris # keep\nservices:\n  - id: api    # the public API\n    name: API\n  - { id: database, name: Billing DB }\n\n# the end\n';
    await writeFile(path.join(project, 'site.yaml'), site);
    await mkdir(path.join(project, 'incidents', '2024'), { recursive: true });
    const mine = '---\ntitle: Mine\nsummary: x\nseverity: minor\nstarted: 2024-05-01T01:00:00Z\nresolved: 2024-05-01T02:00:00Z\nservices: [api]\nroot_cause: y\n---\n';
    await writeFile(path.join(project, 'incidents', '2024', '2024-05-01-database-failover.md'), mine);
    const r = await run(['import', 'statuspage', ...SP_FILES, '--root', project]);
    assert.equal(r.code, 0, r.stderr);
    const after = await readFile(path.join(project, 'site.yaml'), 'utf8');
    assert.ok(after.startsWith(site.slice(0, site.indexOf('\n\n# the end'))), after);
    assert.ok(after.endsWith('\n\n# the end\n'));
    assert.match(after, /name: Billing DB \}\n {2}- \{ id: website-dashboard, name: Website & Dashboard, group: Core \}\n {2}- \{ id: database-2, name: Database, description: Primary PostgreSQL cluster\. \}\n/);
    assert.match(r.stdout, /site\.yaml: appended 4 services: website-dashboard, database-2, email-delivery, legacy-dashboard\./);
    assert.match(r.stdout, /service "Database": the id "database" is taken by another service in site\.yaml; imported as "database-2"/);
    assert.match(r.stdout, /the project already has an incident with the id "2024-05-01-database-failover"; written as incidents\/2024-05-01-database-failover-2\.md/);
    assert.match(r.stdout, /The source's time zone is America\/New_York; site\.yaml has another\./);
    assert.equal(await readFile(path.join(project, 'incidents', '2024', '2024-05-01-database-failover.md'), 'utf8'), mine);
    assert.match(await readFile(path.join(project, 'incidents', '2024-07-16-elevated-api-errors-2.md'), 'utf8'), /- \{ id: api, impact: operational \}/, 'the existing "API" service is the component API');
    assert.equal((await run(['check', project])).code, 0);
  });

  it('--dry-run lists what it would do and writes nothing', async () => {
    const project = await tempDir('dry');
    const r = await run(['import', 'statuspage', ...SP_FILES, '--root', project, '--dry-run']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {2}would create site\.yaml: site\.yaml with 5 services$/m);
    assert.match(r.stdout, /^ {2}would create incidents\/2024-07-01-database-upgrade-to-postgresql-16\.md: maintenance "Database upgrade to PostgreSQL 16"$/m);
    assert.match(r.stdout, /Nothing was written \(--dry-run\)\.\n$/);
    assert.deepEqual([...(await tree(project)).keys()], []);
  });

  it('appending services keeps a flow list, CRLF line endings and comments', () => {
    assert.equal(appendServices('title: x\nservices: [api, { id: b, name: B }] # all\n', [{ id: 'c', name: 'C: the third' }]), 'title: x\nservices: [api, { id: b, name: B }, { id: c, name: "C: the third" }] # all\n');
    assert.equal(appendServices('title: x\r\nservices:\r\n  - { id: a, name: A }\r\n# end\r\n', [{ id: 'c', name: 'C' }]), 'title: x\r\nservices:\r\n  - { id: a, name: A }\r\n  - { id: c, name: C }\r\n# end\r\n');
  });
});

describe('import statuspage: bad input writes nothing', () => {
  async function refuses(files: Record<string, string | null>, message: RegExp, args: string[] = []) {
    const project = await tempDir('bad');
    const src = await tempDir('bad-src');
    const paths: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const p = path.join(src, name);
      if (text === null) {
        await writeFile(p, '');
        await truncate(p, 64 * 1024 * 1024 + 1); // sparse: no disk used
      } else await writeFile(p, text);
      paths.push(p);
    }
    const r = await run(['import', 'statuspage', ...paths, '--root', project, ...args]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Nothing was written\./);
    assert.deepEqual([...(await tree(project)).keys()], []);
  }

  it('not JSON: where it stopped making sense', () => refuses({ 'incidents.json': '{\n  "incidents": [\n    { "id": "a",, }\n  ]\n}' }, /incidents\.json is not JSON at line 3, column 17: Expected double-quoted property name/));
  it('HTML where JSON belongs: says so', () => refuses({ 'incidents.json': '<!doctype html><title>Status</title>' }, /is not JSON: Unexpected token '<'.*\(it looks like HTML: is the address that of the page rather than its API\?\)/));
  it('control characters of the input never reach the terminal', async () => {
    const project = await tempDir('ctl');
    const src = await tempDir('ctl-src');
    await writeFile(path.join(src, 'i.json'), '\u001b[31m{not json');
    const r = await run(['import', 'statuspage', path.join(src, 'i.json'), '--root', project]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not JSON/);
    assert.doesNotMatch(r.stderr, /\u001b/);
  });
  it('the wrong shape', () => refuses({ 'x.json': '{"foo": 1}' }, /x\.json: expected a Statuspage API document with incidents, scheduled_maintenances, components or page; found an object with foo/));
  it('a missing field, by its path', () => refuses({ 'incidents.json': JSON.stringify({ incidents: [{ id: 'a', name: 'A', status: 'resolved', created_at: '2024-01-01T00:00:00Z' }] }) }, /incidents\.json: incidents: \[0\]\.incident_updates: expected array, received undefined; found nothing/));
  it('a timestamp that is not one', () => refuses({ 'incidents.json': JSON.stringify({ incidents: [{ id: 'a', name: 'A', status: 'resolved', created_at: 'yesterday', incident_updates: [] }] }) }, /incidents: \[0\]\.created_at: expected an ISO 8601 timestamp; found "yesterday"/));
  it('a file over the size limit', () => refuses({ 'incidents.json': null }, /incidents\.json is 67108865 bytes, over the 64 MiB limit of an import/));
  it('a missing file', async () => {
    const project = await tempDir('missing');
    const r = await run(['import', 'statuspage', path.join(project, 'nope.json'), '--root', project]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read .*nope\.json: ENOENT/);
  });
  it('misuse: no source, two sources, a key on the command line', async () => {
    const project = await tempDir('misuse');
    for (const [args, message] of [
      [['import'], /expected what to import from: statuspage or cstate/],
      [['import', 'statuspag'], /expected what to import from: statuspage or cstate; found "statuspag"/],
      [['import', 'statuspage'], /give one source/],
      [['import', 'statuspage', 'a.json', '--url', 'https://x.example'], /give one source/],
      [['import', 'statuspage', '--page-id', 'abc', '--api-key', 'sekrit-value'], /never from the command line/],
      [['import', 'statuspage', '--page-id', 'abc'], /needs an API key in the environment variable STATUSPAGE_API_KEY/],
      [['import', 'statuspage', '--page-id', 'abc', '--api-base', 'http://api.example.com/v1'], /is not https: the API key would travel unencrypted/],
    ] as const) {
      const r = await run([...args, '--root', project], { STATUSPAGE_API_KEY: (args as readonly string[]).includes('--api-base') ? 'k' : undefined });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr + r.stdout, /sekrit-value/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP, on 127.0.0.1.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const json = (res: ServerResponse, value: unknown, status = 200, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
};

describe('import statuspage over HTTP', () => {
  it('--url reads a page\'s public API and says that it holds only the latest 50 incidents', async () => {
    const files = Object.fromEntries(await Promise.all(['summary.json', 'incidents.json', 'scheduled-maintenances.json'].map(async (f) => [f, JSON.parse(await readFile(path.join(SP, f), 'utf8'))] as const)));
    // A page with 50 incidents listed: the public API's limit.
    const incidents = files['incidents.json'];
    const extra = Array.from({ length: 45 }, (_, k) => ({ ...incidents.incidents[1], id: `old${k}`, name: `Old incident ${k}`, created_at: `2024-01-${String(k % 28 + 1).padStart(2, '0')}T10:00:00Z`, started_at: `2024-01-${String(k % 28 + 1).padStart(2, '0')}T10:00:00Z`, resolved_at: `2024-01-${String(k % 28 + 1).padStart(2, '0')}T10:30:00Z`, incident_updates: [] }));
    files['incidents.json'] = { ...incidents, incidents: [...incidents.incidents, ...extra] };
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? '-'}`);
      const name = req.url!.replace(/^\/api\/v2\//, '');
      if (files[name]) json(res, files[name]);
      else json(res, { error: 'not found' }, 404);
    });
    try {
      const project = await tempDir('public');
      const r = await run(['import', 'statuspage', '--url', `${server.url}/`, '--root', project]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(seen, ['/api/v2/summary.json -', '/api/v2/incidents.json -', '/api/v2/scheduled-maintenances.json -']);
      assert.match(r.stdout, /Statuspage "Acme Status": 5 services, 50 incidents, 1 maintenance read\./);
      assert.match(r.stdout, /Statuspage's public API lists only the 50 latest incidents and maintenances: older ones are not in this import\. For the whole history, import from the management API: postmortem import statuspage --page-id ID/);
      assert.match(r.stderr, /fetching http:\/\/127\.0\.0\.1:\d+\/api\/v2\/incidents\.json/);
      assert.equal((await run(['check', project])).code, 0);
    } finally {
      await server.close();
    }
  });

  it('--page-id reads every page of the management API with the key from the environment, retrying 429 and 5xx, and never prints the key', async () => {
    const KEY = 'k3y-never-printed-0123456789';
    const all = JSON.parse(await readFile(path.join(SP, 'incidents.json'), 'utf8')).incidents;
    const base = all.find((i: { id: string }) => i.id === 'r2d2c3po4bb8');
    // 230 incidents: three pages of 100, 100 and 30.
    const history = Array.from({ length: 230 }, (_, k) => {
      const day = new Date(Date.UTC(2022, 0, 1) + k * 2 * 86_400_000).toISOString().slice(0, 10);
      return { ...base, id: `h${k}`, name: `Past incident ${k}`, created_at: `${day}T10:00:00Z`, started_at: `${day}T10:00:00Z`, resolved_at: `${day}T10:20:00Z`, incident_updates: base.incident_updates.map((u: { display_at: string }, n: number) => ({ ...u, id: `h${k}u${n}`, display_at: `${day}T10:${n ? '20' : '00'}:00Z`, created_at: `${day}T10:${n ? '20' : '00'}:00Z` })) };
    });
    const components = JSON.parse(await readFile(path.join(SP, 'components.json'), 'utf8')).components;
    const hits = new Map<string, number>();
    const auth: string[] = [];
    const server = await serve((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const key = `${url.pathname}?${url.searchParams.get('page') ?? ''}`;
      hits.set(key, (hits.get(key) ?? 0) + 1);
      auth.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== `OAuth ${KEY}`) return json(res, { error: 'unauthorized' }, 401);
      const page = Number(url.searchParams.get('page') ?? 1);
      if (url.pathname === '/v1/pages/pg1') return json(res, { id: 'pg1', name: 'Acme Status', time_zone: 'Etc/UTC', url: 'https://status.acme.example' });
      if (url.pathname === '/v1/pages/pg1/components') return json(res, page === 1 ? components : []);
      if (url.pathname === '/v1/pages/pg1/component-groups') return json(res, []);
      if (url.pathname === '/v1/pages/pg1/incidents') {
        if (page === 2 && hits.get(key) === 1) return json(res, { error: 'slow down' }, 429, { 'retry-after': '1' });
        if (page === 3 && hits.get(key) === 1) return json(res, { error: 'oops' }, 503);
        assert.equal(url.searchParams.get('limit'), '100');
        return json(res, history.slice((page - 1) * 100, page * 100));
      }
      json(res, { error: 'not found' }, 404);
    });
    try {
      const project = await tempDir('management');
      const started = Date.now();
      const r = await run(['import', 'statuspage', '--page-id', 'pg1', '--api-base', `${server.url}/v1`, '--root', project], { STATUSPAGE_API_KEY: KEY });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started >= 1000, 'waited as Retry-After asked');
      assert.match(r.stdout, /Statuspage "Acme Status": 4 services, 230 incidents, 0 maintenances read\./);
      assert.match(r.stderr, /answered 429 Too Many Requests; retrying in 1 s/);
      assert.match(r.stderr, /answered 503 Service Unavailable; retrying in 4 s|answered 503 Service Unavailable; retrying in 1 s/);
      assert.match(r.stderr, /fetched 230 incidents \(page 3\)/);
      assert.equal(hits.get('/v1/pages/pg1/incidents?2'), 2);
      assert.ok(auth.every((a) => a === `OAuth ${KEY}`));
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(KEY));
      assert.equal((await readdir(path.join(project, 'incidents'))).length, 230);
      assert.equal((await run(['check', project])).code, 0);
    } finally {
      await server.close();
    }
  });

  it('a page that keeps failing stops the import, and nothing is written; a refused key is said without the key', async () => {
    const KEY = 'another-secret-key-value';
    let calls = 0;
    const server = await serve((req, res) => {
      calls++;
      const url = new URL(req.url!, 'http://x');
      if (url.pathname.endsWith('/incidents') && url.searchParams.get('page') === '2') return json(res, { error: 'down' }, 500);
      if (url.pathname.endsWith('/incidents')) return json(res, Array.from({ length: 100 }, (_, k) => ({ id: `i${k}`, name: `I ${k}`, status: 'resolved', impact: 'minor', created_at: '2024-01-01T00:00:00Z', resolved_at: '2024-01-01T01:00:00Z', incident_updates: [] })));
      if (url.pathname.endsWith('/components') || url.pathname.endsWith('/component-groups')) return json(res, []);
      json(res, { id: 'p', name: 'P', time_zone: 'UTC' });
    });
    try {
      const project = await tempDir('failing');
      const r = await run(['import', 'statuspage', '--page-id', 'p', '--api-base', `${server.url}/v1`, '--retries', '0', '--root', project], { STATUSPAGE_API_KEY: KEY });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\/v1\/pages\/p\/incidents answered 500 Internal Server Error; gave up after 1 attempts/);
      assert.doesNotMatch(r.stderr, /page=2/, 'a URL is printed without its query');
      assert.match(r.stderr, /Nothing was written\./);
      assert.deepEqual([...(await tree(project)).keys()], []);
      assert.doesNotMatch(r.stderr + r.stdout, new RegExp(KEY));
    } finally {
      await server.close();
    }
    const refusing = await serve((_req, res) => json(res, { error: 'The API key is invalid' }, 401));
    try {
      const project = await tempDir('refused');
      const r = await run(['import', 'statuspage', '--page-id', 'p', '--api-base', `${refusing.url}/v1`, '--root', project], { STATUSPAGE_API_KEY: KEY });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /answered 401 Unauthorized: the API key was refused/);
      assert.doesNotMatch(r.stderr + r.stdout, new RegExp(KEY));
    } finally {
      await refusing.close();
    }
    assert.ok(calls > 0);
  });

  it('Ctrl-C during a long import leaves the project as it was', async () => {
    const all = JSON.parse(await readFile(path.join(SP, 'incidents.json'), 'utf8')).incidents;
    const page1 = Array.from({ length: 100 }, (_, k) => ({ ...all[1], id: `c${k}`, name: `C ${k}` }));
    const server = await serve((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname.endsWith('/incidents')) {
        if (url.searchParams.get('page') === '1') return json(res, page1);
        return; // page 2 never comes
      }
      if (url.pathname.endsWith('/components') || url.pathname.endsWith('/component-groups')) return json(res, []);
      json(res, { id: 'p', name: 'P', time_zone: 'UTC' });
    });
    try {
      const project = await tempDir('sigint');
      await writeFile(path.join(project, 'site.yaml'), 'title: Before\nservices: [{ id: a, name: A }]\n');
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'postmortem.js'), 'import', 'statuspage', '--page-id', 'p', '--api-base', `${server.url}/v1`, '--root', project], {
        env: { ...process.env, ...env, STATUSPAGE_API_KEY: 'k' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d;
          if (stderr.includes('fetched 100 incidents (page 1)')) resolve();
        });
      });
      child.kill('SIGINT');
      const { code, signal } = await exited;
      assert.ok(signal === 'SIGINT' || code === 130, `exit ${code} ${signal}`);
      assert.deepEqual([...(await tree(project)).entries()], [['site.yaml', 'title: Before\nservices: [{ id: a, name: A }]\n']]);
    } finally {
      server.server.closeAllConnections();
      await server.close();
    }
  });

  it('a server that does not answer: the timeout, then the retries, then a clear error', async () => {
    const server = await serve(() => undefined); // never answers
    try {
      const project = await tempDir('timeout');
      const r = await run(['import', 'statuspage', '--url', server.url, '--timeout', '0.3', '--retries', '1', '--root', project]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /did not answer within 0\.3 s; retrying in 1 s/);
      assert.match(r.stderr, /did not answer within 0\.3 s; gave up after 2 attempts/);
    } finally {
      server.server.closeAllConnections();
      await server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('import cstate', () => {
  it('imports a YAML site into an empty folder, reporting every messy input by file and line; it checks and builds', async () => {
    const project = await tempDir('cstate');
    const r = await run(['import', 'cstate', CSTATE, '--root', project]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'cState "Eggsample Status": 5 services, 5 incidents, 1 maintenance read.');
    for (const expected of [
      '  content/issues/2024-05-14-website-slow.md:4: resolved without resolvedWhen; impact taken to end at 2024-05-14T09:20:00Z',
      '  content/issues/2024-07-02-gateway-issue.md:7: affects "Edge Router", which is not among the systems of config.yml; left out',
      '  content/issues/2024-07-02-gateway-issue.md:13: the free-form status "Just began" has no equivalent; kept in the text, without a status',
      '  content/issues/2024-07-02-gateway-issue.md:19: the update "Monitoring" has no {{< track >}} time; kept in the write-up',
      '  content/issues/2024-07-02-gateway-issue.md:21: the Hugo shortcode "figure" has no equivalent; kept as text',
      '  content/issues/2024-08-20-api-outage.md:5: resolvedWhen (2024-08-20T13:10:00Z) is earlier than the last Resolved update (2024-08-20T14:15:00Z); kept resolvedWhen as the end of impact',
      '  content/issues/2024-08-28-slow-media.md:5: resolved is false but resolvedWhen (2024-08-28T16:00:00Z) is past: imported as ongoing, its services back to operational from then on; add `resolved:` once it is over',
      '  content/issues/2024-09-10-network-maintenance.md:3: dated in the future (2024-09-10T00:00:00Z): imported as scheduled maintenance, the only kind of incident that may be ahead of time',
      '  content/issues/draft-note.md:1: no `section: issue`: cState does not list it; left out',
      '  content/issues/i-new-status-page.md:2: has no `affected` systems: listed under every service without changing their status (impact: operational)',
      'site.yaml created with 5 services: gateway, backup-gateway, website, api, media-proxy.',
      'site.yaml uses the source\'s time zone, Europe/Berlin, to read local times (imported times are exact, in UTC).',
    ]) {
      assert.ok(lines.includes(expected), `missing line: ${expected}\n${r.stdout}`);
    }
    const site = await readFile(path.join(project, 'site.yaml'), 'utf8');
    assert.match(site, /- \{ id: gateway, name: Gateway, group: North Coast \}/);
    assert.match(site, /- \{ id: website, name: Website, description: The web frontend\. \}/, 'an untitled category is no group');
    const outage = await readFile(path.join(project, 'incidents', '2024-08-20-api-outage.md'), 'utf8');
    // 14:00 in Berlin (summer time) is 12:00 UTC.
    assert.match(outage, /severity: critical\nstarted: 2024-08-20T12:00:00Z\nresolved: 2024-08-20T13:10:00Z\nservices:\n {2}- api\n {2}- media-proxy\n/);
    assert.match(outage, /- at: 2024-08-20T12:05:00Z\n {4}status: investigating\n {4}text: We're aware of the API refusing connections\./);
    assert.match(outage, /\n---\n\n\*Post-mortem\*\n\nA certificate on the load balancer expired/);
    const slow = await readFile(path.join(project, 'incidents', '2024-08-28-slow-media.md'), 'utf8');
    assert.doesNotMatch(slow, /^resolved:/m);
    assert.match(slow, /impact: \{ media-proxy: operational \}/);
    const check = await run(['check', project, '--format', 'json']);
    assert.equal(check.code, 0, check.stdout);
    assert.deepEqual([...new Set(JSON.parse(check.stdout).diagnostics.map((d: { rule: string }) => d.rule))], ['missing-root-cause']);
    assert.equal((await run(['build', project, '--no-cache'])).code, 0);
    const { services } = JSON.parse(await readFile(path.join(project, 'dist', 'api', 'services.json'), 'utf8'));
    const api = services.find((s: { id: string }) => s.id === 'api');
    assert.equal(api.days.find((d: { date: string }) => d.date === '2024-08-20').downtime_minutes, 70, 'down from 12:00 to 13:10 UTC');
    const media = services.find((s: { id: string }) => s.id === 'media-proxy');
    assert.equal(media.status, 'operational', 'recovered at resolvedWhen while the issue stays open');
    assert.equal(media.days.find((d: { date: string }) => d.date === '2024-08-28').downtime_minutes, 0.3 * (16 * 60 - 7 * 60 - 30));
    const { incidents } = JSON.parse(await readFile(path.join(project, 'dist', 'api', 'v2', 'scheduled-maintenances', 'upcoming.json'), 'utf8'));
    assert.deepEqual(incidents ?? [], []);
    const upcoming = JSON.parse(await readFile(path.join(project, 'dist', 'api', 'v2', 'scheduled-maintenances', 'upcoming.json'), 'utf8')).scheduled_maintenances;
    assert.deepEqual(upcoming.map((m: { name: string }) => m.name), ['Planned network maintenance']);
  });

  it('reads hugo.toml and TOML front matter; local dates in the site\'s time zone', async () => {
    const project = await tempDir('toml');
    const r = await run(['import', 'cstate', CSTATE_TOML, '--root', project]);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(path.join(project, 'incidents', '2024-06-01-website-down.md'), 'utf8');
    assert.match(text, /started: 2024-06-01T17:00:00Z\nresolved: 2024-06-01T18:30:00Z/, '10:00 in Los Angeles (summer time)');
    assert.match(r.stdout, /America\/Los_Angeles/);
  });

  it('malformed sites: a clear, located error and nothing written', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no config', { 'content/issues/a.md': '---\ntitle: a\n---\n' }, /no Hugo config \(hugo\.toml, hugo\.yaml/],
      ['TOML syntax', { 'hugo.toml': 'title = "x"\n[params\n' }, /hugo\.toml:2:\d+: not valid TOML/],
      ['no systems', { 'config.yml': 'title: x\nparams: {}\n' }, /config\.yml: no params\.systems/],
      ['YAML front matter', { 'config.yml': 'params:\n  systems: [{ name: A }]\n', 'content/issues/a.md': '---\ntitle: a\ndate: [2024\n---\n' }, /content\/issues\/a\.md:3:\d+: not valid YAML/],
      ['no front matter', { 'config.yml': 'params:\n  systems: [{ name: A }]\n', 'content/issues/a.md': 'Just text.\n' }, /content\/issues\/a\.md:1: no front matter/],
    ];
    for (const [name, files, message] of cases) {
      const site = await tempDir('bad-site');
      for (const [f, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(site, f)), { recursive: true });
        await writeFile(path.join(site, f), text);
      }
      const project = await tempDir('bad-cstate');
      const r = await run(['import', 'cstate', site, '--root', project]);
      assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, name);
      assert.match(r.stderr, /Nothing was written\./);
      assert.deepEqual([...(await tree(project)).keys()], [], name);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('import: units', () => {
  it('plain text becomes Markdown that renders the same words and line breaks', () => {
    const decode = (html: string) =>
      html
        .replace(/<br>\n?/g, '\n')
        .replace(/<\/p>\n<p>/g, '\n\n')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#x27;/g, "'")
        .replace(/&amp;/g, '&')
        .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)));
    const line = fc.stringMatching(/^[A-Za-z0-9 *_`[\]<>&~|#+=.!()\\:;'"-]{1,30}$/).map((s) => s.trim()).filter((s) => s !== '' && !/^-{3,}$|^={3,}$/.test(s));
    fc.assert(
      fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (paragraphs) => {
        const text = paragraphs.map((p) => p.join('\r\n')).join('\r\n\r\n');
        const md = plainToMarkdown(text);
        const expected = paragraphs.map((p) => p.map((l) => l.replace(/\s+/g, ' ')).join('\n')).join('\n\n');
        assert.equal(decode(renderInline(md)).replace(/[ \t]+/g, ' '), expected, md);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('a failed rename puts back every file already moved', async () => {
    const root = await tempDir('commit');
    await mkdir(path.join(root, 'incidents', 'blocked.md'), { recursive: true });
    await writeFile(path.join(root, 'incidents', 'blocked.md', 'x'), 'a folder where a file would go');
    await writeFile(path.join(root, 'site.yaml'), 'old');
    await assert.rejects(
      commitStaged(root, [
        { file: 'site.yaml', action: 'update', text: 'new', previous: 'old', what: '' },
        { file: 'incidents/a.md', action: 'create', text: 'a', what: '' },
        { file: 'incidents/blocked.md', action: 'create', text: 'b', what: '' },
      ]),
    );
    assert.equal(await readFile(path.join(root, 'site.yaml'), 'utf8'), 'old');
    assert.deepEqual((await readdir(path.join(root, 'incidents'))).sort(), ['blocked.md']);
  });

  it('the marker tells an untouched imported file from an edited one', () => {
    assert.equal(readMarker('---\ntitle: x\n---\n'), null);
  });
});
