/**
 * The audience guarantee (issue 15): a marker string planted in every internal place the format allows never
 * reaches the public site, in any byte of any file (Pagefind's compressed index and fragments decompressed, file
 * paths included), through cold builds and incremental ones after edits that move content between internal and
 * public, and through an output folder written with the internal site first. Each marker must show on the internal
 * site (so the scan can find it), and each public marker on the public site (so a stale public page cannot pass).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/core/index.js';
import { describeFound, findMarkers, readTree } from './helpers/leak.js';

const EPOCH = '1735689600'; // 2025-01-01T00:00:00Z

/** Who may read each marker in one state of the project. */
interface State {
  name: string;
  files: Record<string, string>;
  publicMarkers: string[];
  internalMarkers: string[];
}

const SITE = `title: Acme Status
base_url: https://status.acme.example/
services:
  - { id: api, name: API }
  - { id: web, name: Website }
internal:
  base_url: https://zqlhostinternal.example/team/
  output: dist-internal
  action_owners: internal
`;

const svg = (marker: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>${marker}</title><rect width="10" height="10"/></svg>\n`;

/** The internal incident: every field a marker. `visibility` written or not. */
function internalIncident(visibility: boolean): string {
  return `---
title: Disk zqltitlei
summary: The disk zqlsummaryi filled up.
severity: major
started: 2024-03-01T10:00:00Z
resolved: 2024-03-01T11:00:00Z
services: [api]
${visibility ? 'visibility: internal\n' : ''}timeline:
  - at: 2024-03-01T10:10:00Z
    text: Paged zqltimelinei.
root_cause: The zqlrootcausei alert was muted.
contributing_factors: [zqlfactori was noisy]
actions:
  - { title: Fix zqlactioni, status: open, owner: zqlowneri }
links:
  - { title: Dashboard zqllinki, url: "https://zqllinkurli.example/d" }
responders:
  - { name: Alice zqlresponderi, role: incident commander }
tags: [zqltagi]
authors: [Bob zqlauthori]
---

The body zqlbodyi. ![the disk graph](zqlimginternal.svg)
`;
}

const NEAR_MISS = `---
title: Almost zqltitlen
summary: A script nearly zqlsummaryn deleted the bucket.
severity: critical
near_miss: true
started: 2024-04-02T09:00:00Z
resolved: 2024-04-02T09:30:00Z
services: [web]
root_cause: A typo zqlrootcausen.
tags: [zqltagn]
---

Nearly zqlbodyn.
`;

/** The public incident with internal parts; `moved`: some parts moved between internal and public (state C). */
function publicIncident(opts: { visibility?: boolean; moved?: boolean }): string {
  const m = opts.moved === true;
  const body = m
    ? `## What happened

:::internal
The public zqlpubbody paragraph, internal now.
:::

The section zqlsectionp is public now, [a page](https://zqlsectionurl.example/).

See [the graph][zqlref].

[zqlref]: https://zqldefurl.example/
`
    : `## What happened

The public zqlpubbody paragraph.

:::internal
### Heading zqlheadingp

The section zqlsectionp, [a page](https://zqlsectionurl.example/), [the internal one](../2024-03-01-zqlinternalid/).
![a diagram](zqlimgsection.svg)

[zqlref]: https://zqldefurl.example/

[^zqlnote]: The footnote zqlfootnotep.
:::

See [the graph][zqlref] and a note[^zqlnote].
`;
  return `---
title: Database failover zqlpubtitle
summary: The API returned errors zqlpubsummary.
severity: major
started: 2024-05-01T10:00:00Z
detected: 2024-05-01T10:05:00Z
resolved: 2024-05-01T10:20:00Z
services: [api]
${opts.visibility ? 'visibility: internal\n' : ''}timeline:
  - at: 2024-05-01T10:05:00Z
    status: investigating
    text: Looking into it zqlpubtimeline.
  - at: 2024-05-01T10:07:00Z
    ${m ? '' : 'internal: true\n    '}text: Paged the on-call zqltimelinep.
root_cause: |
  The primary ran out of disk zqlpubroot.

  :::internal
  The alert was muted zqlrootp.
  :::
contributing_factors:
  - ${m ? '{ text: Disks grow zqlpubfactor, internal: true }' : 'Disks grow zqlpubfactor'}
  - { text: Alert muted zqlfactorp, internal: true }
actions:
  - { title: Grow the disk zqlpubaction, status: done, owner: zqlownerp }
  - { title: Unmute zqlactionp, status: open, owner: zqlactionownerp, link: "https://zqlactionlink.example/1"${m ? '' : ', internal: true'} }
links:
  - { title: Write-up zqlpublink, url: "https://blog.acme.example/db" }
  - { title: Dashboard zqllinkp, url: "https://zqllinkurlp.example/d", internal: true }
responders:
  - { name: Carol zqlresponderp, role: scribe zqlrolep }
tags: [database]
---

${body}`;
}

/** A second public incident, alike (same service and tag): related incidents and prev/next have something to show. */
const OTHER = `---
title: Replica lag zqlothertitle
summary: Reads were slow zqlothersummary.
severity: minor
started: 2024-06-01T10:00:00Z
resolved: 2024-06-01T10:30:00Z
services: [api]
root_cause: The replica zqlotherroot lagged behind the primary disk.
tags: [database]
---

Slow reads.
`;

const COMMON_PUBLIC = ['zqlpubtitle', 'zqlpubsummary', 'zqlpubtimeline', 'zqlpubroot', 'zqlpublink', 'zqlpubaction', 'zqlothertitle', 'zqlotherroot'];
const I_MARKERS = ['zqltitlei', 'zqlsummaryi', 'zqltimelinei', 'zqlrootcausei', 'zqlfactori', 'zqlactioni', 'zqllinki', 'zqllinkurli', 'zqltagi', 'zqlauthori', 'zqlbodyi', 'zqlimginternal', 'zqlinternalid'];
const I_ALWAYS_INTERNAL = ['zqlresponderi', 'zqlowneri'];
const N_MARKERS = ['zqltitlen', 'zqlsummaryn', 'zqlrootcausen', 'zqltagn', 'zqlbodyn', 'zqlnearmissid'];
const P_PARTS = ['zqltimelinep', 'zqlheadingp', 'zqlsectionp', 'zqlsectionurl', 'zqlimgsection', 'zqldefurl', 'zqlfootnotep', 'zqlrootp', 'zqlfactorp', 'zqlactionp', 'zqlactionlink', 'zqllinkp', 'zqllinkurlp'];
const P_ALWAYS_INTERNAL = ['zqlresponderp', 'zqlrolep', 'zqlownerp', 'zqlactionownerp'];
const SITE_INTERNAL = ['zqlhostinternal'];

function files(p: string, i: string): Record<string, string> {
  return {
    'site.yaml': SITE,
    'incidents/2024/2024-03-01-zqlinternalid.md': i,
    'incidents/2024/zqlimginternal.svg': svg('zqlimgcontenti'),
    'incidents/2024/2024-04-02-zqlnearmissid.md': NEAR_MISS,
    'incidents/2024/2024-05-01-db-failover.md': p,
    'incidents/2024/zqlimgsection.svg': svg('zqlimgcontentp'),
    'incidents/2024/2024-06-01-replica-lag.md': OTHER,
  };
}

const STATES: State[] = [
  {
    name: 'A: an internal incident, a near miss, a public incident with internal parts',
    files: files(publicIncident({}), internalIncident(true)),
    publicMarkers: [...COMMON_PUBLIC, 'zqlpubbody', 'zqlpubfactor'],
    internalMarkers: [...I_MARKERS, ...I_ALWAYS_INTERNAL, 'zqlimgcontenti', ...N_MARKERS, ...P_PARTS, ...P_ALWAYS_INTERNAL, 'zqlimgcontentp', ...SITE_INTERNAL],
  },
  {
    name: 'B: the internal incident made public, the public one made internal',
    files: files(publicIncident({ visibility: true }), internalIncident(false)),
    publicMarkers: [...I_MARKERS, 'zqlimgcontenti', 'zqlothertitle', 'zqlotherroot'],
    internalMarkers: [...I_ALWAYS_INTERNAL, ...N_MARKERS, ...COMMON_PUBLIC.filter((m) => !m.startsWith('zqlother')), 'zqlpubbody', 'zqlpubfactor', ...P_PARTS, ...P_ALWAYS_INTERNAL, 'zqlimgcontentp', ...SITE_INTERNAL],
  },
  {
    name: 'C: a section unwrapped and a paragraph wrapped, an entry, an action and a factor moved',
    files: files(publicIncident({ moved: true }), internalIncident(true)),
    publicMarkers: [...COMMON_PUBLIC, 'zqlsectionp', 'zqlsectionurl', 'zqldefurl', 'zqltimelinep', 'zqlactionp', 'zqlactionlink'],
    internalMarkers: [...I_MARKERS, ...I_ALWAYS_INTERNAL, 'zqlimgcontenti', ...N_MARKERS, 'zqlpubbody', 'zqlpubfactor', 'zqlrootp', 'zqlfactorp', 'zqllinkp', 'zqllinkurlp', ...P_ALWAYS_INTERNAL, ...SITE_INTERNAL],
  },
];

let dir = '';
let log = '';
const io = (): Io => ({ out: (s) => void (log += s), err: (s) => void (log += s), color: false, env: { SOURCE_DATE_EPOCH: EPOCH }, cwd: dir });

async function writeState(state: State): Promise<void> {
  await rm(path.join(dir, 'incidents'), { recursive: true, force: true });
  for (const [rel, text] of Object.entries(state.files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
}

async function build(...args: string[]): Promise<void> {
  log = '';
  const code = await main(['build', dir, ...args], io());
  assert.equal(code, 0, log);
}

/** No internal marker in the public site; every public marker in it; every marker of either kind in the internal site. */
async function assertAudiences(state: State, publicDir: string, internalDir: string | null): Promise<void> {
  const pub = await readTree(publicDir);
  const leaks = findMarkers(pub, state.internalMarkers);
  assert.equal(leaks.length, 0, `${state.name}: internal markers in the public site:\n${describeFound(leaks)}`);
  const shown = new Set(findMarkers(pub, state.publicMarkers).map((f) => f.marker));
  assert.deepEqual(state.publicMarkers.filter((m) => !shown.has(m)), [], `${state.name}: public markers missing from the public site (a stale page?)`);
  if (internalDir === null) return;
  const internal = await readTree(internalDir);
  const seen = new Set(findMarkers(internal, [...state.internalMarkers, ...state.publicMarkers]).map((f) => f.marker));
  assert.deepEqual([...state.internalMarkers, ...state.publicMarkers].filter((m) => !seen.has(m)), [], `${state.name}: markers the internal site does not show`);
}

describe('the public site holds no internal byte (markers in every internal place)', () => {
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'postmortem-leak-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('check accepts the project of each state (nothing internal is linked from public text)', async () => {
    for (const state of STATES) {
      await writeState(state);
      log = '';
      const code = await main(['check', dir, '--format', 'json'], io());
      const report = JSON.parse(log) as { errors: number; diagnostics: { rule: string; file: string; line: number }[] };
      assert.equal(code, 0, `${state.name}: ${JSON.stringify(report.diagnostics)}`);
    }
  });

  it('cold, then incremental through every state and back, both audiences from one build', async () => {
    const pub = path.join(dir, 'dist');
    const internal = path.join(dir, 'dist-internal');
    await rm(path.join(dir, '.cache'), { recursive: true, force: true });
    for (const state of [...STATES, STATES[0]!, STATES[2]!, STATES[1]!, STATES[0]!]) {
      await writeState(state);
      await build(); // internal.output in site.yaml: both sites
      assert.match(log, /into dist-internal \(the internal site\)/);
      await assertAudiences(state, pub, internal);
    }
  });

  it('an output folder written with the internal site is never reused for the public one', async () => {
    const out = path.join(dir, 'shared-out');
    for (const state of [STATES[0]!, STATES[2]!]) {
      await writeState(state);
      await build('--audience', 'internal', '--out', out);
      await assertAudiences({ ...state, publicMarkers: [...state.publicMarkers, ...state.internalMarkers], internalMarkers: [] }, out, null);
      await build('--audience', 'public', '--out', out);
      await assertAudiences(state, out, null);
      await build('--audience', 'internal', '--out', out, '--no-cache');
      await build('--audience', 'public', '--out', out);
      await assertAudiences(state, out, null);
    }
  });

  it('the scan itself finds a marker in Pagefind\'s compressed fragments (it would see a leak there)', async () => {
    await writeState(STATES[0]!);
    await build();
    const internal = await readTree(path.join(dir, 'dist-internal'));
    const fragments = new Map([...internal].filter(([p]) => /pagefind\/.*\.pf_fragment$/.test(p)));
    assert.ok(fragments.size > 0, 'the internal site has search fragments');
    // Compressed: the raw bytes do not hold the word, only the decompressed ones.
    const raw = [...fragments.values()].some((b) => Buffer.from(b).toString('latin1').includes('zqlsectionp'));
    assert.equal(raw, false, 'fragments are compressed');
    assert.ok(findMarkers(fragments, ['zqlsectionp']).length > 0, 'the decompressed fragments hold an internal section\'s word');
  });
});

describe('the internal site shows everything, clearly marked', () => {
  let site = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'postmortem-internal-'));
    await writeState(STATES[0]!);
    await build('--no-cache');
    site = path.join(dir, 'dist-internal');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const page = (rel: string) => readFile(path.join(site, rel), 'utf8');

  it('every page says it is the internal site, asks not to be indexed, and has its stylesheet', async () => {
    for (const rel of ['index.html', 'history/index.html', 'incidents/2024-05-01-db-failover/index.html', 'insights/index.html', 'search/index.html', '404.html']) {
      const html = await page(rel);
      assert.match(html, /<p class="internal-banner">Internal site, for the team only/, rel);
      assert.match(html, /<meta name="robots" content="noindex">/, rel);
      assert.match(html, /<title>[^<]*\(internal\)<\/title>/, rel);
      assert.match(html, /assets\/internal\.css\?v=/, rel);
    }
    assert.equal(await page('robots.txt'), 'User-agent: *\nDisallow: /\n', 'no robot is invited in');
    assert.match(await readFile(path.join(dir, 'dist', 'robots.txt'), 'utf8'), /^User-agent: \*\nAllow: \//);
    const pub = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8');
    assert.doesNotMatch(pub, /internal-banner|noindex|internal\.css/);
    assert.equal(await readFile(path.join(dir, 'dist', 'assets', 'internal.css'), 'utf8').catch(() => null), null, 'the public site has no internal stylesheet');
  });

  it('the public incident: each internal part shown where it belongs, marked Internal', async () => {
    const html = await page('incidents/2024-05-01-db-failover/index.html');
    const mark = '<span class="sev internal-mark" lang="en">Internal</span>';
    assert.match(html, /<li class="tl-internal"><p class="tl-when">.*<\/time> <span class="sev internal-mark" lang="en">Internal<\/span><\/p><div class="tl-text">Paged the on-call zqltimelinep\.<\/div><\/li>/);
    assert.match(html, /<div class="internal-part"><p class="internal-label">Internal<\/p><h4>Heading zqlheadingp<\/h4><p>The section zqlsectionp/);
    assert.match(html, /<div class="internal-part"><p class="internal-label">Internal<\/p><p>The alert was muted zqlrootp\.<\/p><\/div>/);
    assert.ok(html.includes(`<li>Alert muted zqlfactorp ${mark}</li>`), 'factor');
    assert.ok(html.includes(`Unmute zqlactionp</a> ${mark}</td>`), 'action');
    assert.ok(html.includes(`Dashboard zqllinkp</a> ${mark}</li>`), 'link');
    assert.match(html, /<h2 id="responders">Responders <span class="sev internal-mark" lang="en">Internal<\/span><\/h2>\n<ul class="responders"><li>Carol zqlresponderp, scribe zqlrolep<\/li><\/ul>/);
    assert.ok(html.includes('<td data-label="Owner:">zqlownerp</td>'), 'the owner, kept off the public site by action_owners: internal');
    assert.ok(html.includes('href="https://zqldefurl.example/"'), 'a reference defined in a section resolves on the internal site');
  });

  it('the internal incident and the near miss: listed in the history and marked; the near miss changes no status or uptime', async () => {
    const history = await page('history/index.html');
    assert.match(history, /Disk zqltitlei<\/a>\n.*<span class="sev internal-mark" lang="en">Internal<\/span><\/p>/);
    assert.match(history, /Almost zqltitlen<\/a>\n.*<span class="sev internal-mark" lang="en">Near miss<\/span><\/p>/);
    const near = await page('incidents/2024-04-02-zqlnearmissid/index.html');
    assert.match(near, /<span class="sev internal-mark" lang="en">Near miss<\/span>/);
    assert.match(near, /<span class="pill st-no_impact">/, 'a near miss has no impact');
    const services = JSON.parse(await page('api/services.json')) as { services: { id: string; uptimePercent?: number; uptime_percent?: number; status: string }[] };
    const web = services.services.find((s) => s.id === 'web')!;
    assert.equal(web.status, 'operational');
    assert.equal(web.uptime_percent ?? web.uptimePercent, 100, 'the near miss (critical, on web) takes no uptime');
    const insights = await page('insights/index.html');
    assert.match(insights, /Of these, 1 is a near miss, with no customer impact\./);
    const api = JSON.parse(await page('api/incidents/2024-05-01-db-failover.json')) as Record<string, unknown>;
    assert.deepEqual(api.responders, [{ name: 'Carol zqlresponderp', role: 'scribe zqlrolep' }]);
    assert.deepEqual(api.internal_factors, [1]);
    const nearApi = JSON.parse(await page('api/incidents/2024-04-02-zqlnearmissid.json')) as Record<string, unknown>;
    assert.equal(nearApi.near_miss, true);
  });

  it('the actions page marks the internal actions and those of internal incidents, not the public ones', async () => {
    const html = await page('actions/index.html');
    const mark = ' <span class="sev internal-mark" lang="en">Internal</span></td>';
    assert.ok(html.includes(`Fix zqlactioni</span>${mark}`), 'the action of the internal incident');
    assert.ok(html.includes(`Unmute zqlactionp</a>${mark}`), 'the internal action of the public incident');
    assert.ok(html.includes('Grow the disk zqlpubaction</span></td>'), 'a public action is not marked');
  });

  it('counts, pagination and insights of the public site are of the public incidents alone', async () => {
    const pub = (rel: string) => readFile(path.join(dir, 'dist', rel), 'utf8');
    const index = JSON.parse(await pub('api/incidents/_index.json')) as { total: number };
    assert.equal(index.total, 2);
    const internalIndex = JSON.parse(await page('api/incidents/_index.json')) as { total: number };
    assert.equal(internalIndex.total, 4);
    assert.match(await pub('insights/index.html'), /<p class="lead">2 incidents; planned maintenance is not counted\.<\/p>/);
    const failover = await pub('incidents/2024-05-01-db-failover/index.html');
    assert.match(failover, /<a class="next" href="\.\.\/2024-06-01-replica-lag\/">/);
    assert.doesNotMatch(failover, /class="prev"/, 'the older incidents are internal: no "older" link on the public site');
  });
});
