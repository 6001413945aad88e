/**
 * The audience guarantee as a property (issue 15): random projects, with random internal incidents, near misses and
 * random internal parts of public incidents (timeline entries, `:::internal` sections of the body and the root
 * cause, factors, actions and their owners, links, responders, images, links to other incidents from internal
 * sections), each part carrying a marker of its own. Both audiences are built in-process, cold and then
 * incrementally after the same project's parts were shuffled between internal and public; no marker of an internal
 * part is in any byte of the public site, every marker of a public part is, and every marker is on the internal site.
 *
 * Few runs by default (8; each builds four sites, search index included); FC_RUNS=50 widens it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { generateSites, writeSite, type Generated } from '../src/pipeline/index.js';
import { describeFound, findMarkers, readTree } from './helpers/leak.js';

const RUNS = Number(process.env.FC_RUNS ?? 8);
const NOW = Date.parse('2025-01-01T00:00:00Z');

type Kind = 'public' | 'internal' | 'near_miss';

/** Which parts of one incident are internal (true) or public (false): one flag per part. */
interface IncidentShape {
  kind: Kind;
  timeline: boolean[];
  body: boolean[];
  root: boolean[];
  factors: boolean[];
  actions: boolean[];
  links: boolean[];
  responders: boolean;
  image: 'none' | 'public' | 'internal';
  /** An incident linked to from an internal section of the body. */
  linkTo: number | null;
}

const flags = (max: number) => fc.array(fc.boolean(), { maxLength: max });
const shape: fc.Arbitrary<IncidentShape> = fc.record({
  kind: fc.constantFrom<Kind>('public', 'public', 'internal', 'near_miss'),
  timeline: flags(3),
  body: flags(3),
  root: flags(2),
  factors: flags(3),
  actions: flags(2),
  links: flags(2),
  responders: fc.boolean(),
  image: fc.constantFrom('none', 'public', 'internal'),
  linkTo: fc.option(fc.nat(4), { nil: null }),
});

interface ProjectShape {
  incidents: IncidentShape[];
  ownersInternal: boolean;
}
const project: fc.Arbitrary<ProjectShape> = fc.record({ incidents: fc.array(shape, { minLength: 1, maxLength: 5 }), ownersInternal: fc.boolean() });

/** The same incidents, every part's flag drawn again (what was internal may become public, and back). */
const reshuffled = (p: ProjectShape): fc.Arbitrary<ProjectShape> =>
  fc.tuple(fc.array(shape, { minLength: p.incidents.length, maxLength: p.incidents.length }), fc.boolean()).map(([incidents, ownersInternal]) => ({ incidents, ownersInternal }));

/** A marker: lowercase letters and digits (a word to the search index), none the prefix of another. */
const marker = (i: number, place: string, k = 0) => `zq${i}x${place}${k}q`;

interface Written {
  files: Record<string, string>;
  publicMarkers: string[];
  internalMarkers: string[];
}

/** The project's files, and each marker by who may read it. */
function write(p: ProjectShape): Written {
  const files: Record<string, string> = {
    'site.yaml': `title: Property Status\nbase_url: https://status.example/\nservices:\n  - { id: api, name: API }\ninternal:\n  base_url: https://${marker(0, 'host')}.example/\n  action_owners: ${p.ownersInternal ? 'internal' : 'public'}\n`,
  };
  const pub: string[] = [];
  const internal: string[] = [marker(0, 'host')];
  const ids = p.incidents.map((_, i) => `2024-01-${String(i + 1).padStart(2, '0')}-${marker(i, 'id')}`);
  p.incidents.forEach((s, i) => {
    const open = s.kind === 'public';
    const put = (m: string, isInternal: boolean) => (open && !isInternal ? pub : internal).push(m);
    const lines: string[] = ['---', `title: Incident ${marker(i, 'title')}`, `summary: Summary ${marker(i, 'summary')}.`, 'severity: major'];
    put(marker(i, 'title'), false);
    put(marker(i, 'summary'), false);
    put(marker(i, 'id'), false);
    lines.push(`started: 2024-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`, `resolved: 2024-01-${String(i + 1).padStart(2, '0')}T11:00:00Z`, 'services: [api]');
    if (s.kind === 'internal') lines.push('visibility: internal');
    if (s.kind === 'near_miss') lines.push('near_miss: true');
    if (s.timeline.length) lines.push('timeline:');
    s.timeline.forEach((inside, k) => {
      lines.push(`  - { at: "2024-01-${String(i + 1).padStart(2, '0')}T10:1${k}:00Z", text: "Entry ${marker(i, 'tl', k)}."${inside ? ', internal: true' : ''} }`);
      put(marker(i, 'tl', k), inside);
    });
    lines.push('root_cause: |');
    lines.push(`  Cause ${marker(i, 'rootpub')}.`);
    put(marker(i, 'rootpub'), false);
    s.root.forEach((inside, k) => {
      lines.push('', ...(inside ? ['  :::internal', `  Root ${marker(i, 'root', k)}.`, '  :::'] : [`  Root ${marker(i, 'root', k)}.`]));
      put(marker(i, 'root', k), inside);
    });
    if (s.factors.length) lines.push('contributing_factors:');
    s.factors.forEach((inside, k) => {
      lines.push(inside ? `  - { text: "Factor ${marker(i, 'factor', k)}", internal: true }` : `  - Factor ${marker(i, 'factor', k)}`);
      put(marker(i, 'factor', k), inside);
    });
    if (s.actions.length) lines.push('actions:');
    s.actions.forEach((inside, k) => {
      lines.push(`  - { title: "Action ${marker(i, 'action', k)}", status: open, owner: ${marker(i, 'owner', k)}${inside ? ', internal: true' : ''} }`);
      put(marker(i, 'action', k), inside);
      put(marker(i, 'owner', k), inside || p.ownersInternal);
    });
    if (s.links.length) lines.push('links:');
    s.links.forEach((inside, k) => {
      lines.push(`  - { title: "Link ${marker(i, 'link', k)}", url: "https://${marker(i, 'linkurl', k)}.example/"${inside ? ', internal: true' : ''} }`);
      put(marker(i, 'link', k), inside);
      put(marker(i, 'linkurl', k), inside);
    });
    if (s.responders) {
      lines.push('responders:', `  - { name: "Responder ${marker(i, 'responder')}", role: "${marker(i, 'role')}" }`);
      put(marker(i, 'responder'), true);
      put(marker(i, 'role'), true);
    }
    lines.push('---', '', `Body ${marker(i, 'bodypub')}.`);
    put(marker(i, 'bodypub'), false);
    s.body.forEach((inside, k) => {
      const text = `Body ${marker(i, 'body', k)}.`;
      lines.push('', ...(inside ? [':::internal', text, ':::'] : [text]));
      put(marker(i, 'body', k), inside);
    });
    if (s.linkTo !== null && s.linkTo < ids.length) lines.push('', ':::internal', `See [the other one](../${ids[s.linkTo]}/).`, ':::');
    if (s.image !== 'none') {
      const img = `${marker(i, 'img')}.svg`;
      files[`incidents/${img}`] = `<svg xmlns="http://www.w3.org/2000/svg"><title>${marker(i, 'imgcontent')}</title></svg>\n`;
      const tag = `![a picture](${img})`;
      lines.push('', ...(s.image === 'internal' ? [':::internal', tag, ':::'] : [tag]));
      put(marker(i, 'img'), s.image === 'internal');
      put(marker(i, 'imgcontent'), s.image === 'internal');
    }
    files[`incidents/${ids[i]}.md`] = `${lines.join('\n')}\n`;
  });
  return { files, publicMarkers: pub, internalMarkers: internal };
}

/** Every file of a generated site, rendered in memory (the search index included). */
async function rendered(site: Generated): Promise<Map<string, string | Uint8Array>> {
  assert.ok(site.ok, 'the project builds');
  const files = new Map<string, string | Uint8Array>(site.pending.map((f) => [f.path, f.render()]));
  for (const f of await site.late) files.set(f.path, f.render());
  return files;
}

function assertSites(w: Written, pub: ReadonlyMap<string, string | Uint8Array>, internal: ReadonlyMap<string, string | Uint8Array>, when: string): void {
  const leaks = findMarkers(pub, w.internalMarkers);
  assert.equal(leaks.length, 0, `${when}: internal markers in the public site:\n${describeFound(leaks)}`);
  const shown = new Set(findMarkers(pub, w.publicMarkers).map((f) => f.marker));
  assert.deepEqual(w.publicMarkers.filter((m) => !shown.has(m)), [], `${when}: public markers missing from the public site`);
  const all = [...w.publicMarkers, ...w.internalMarkers];
  const seen = new Set(findMarkers(internal, all).map((f) => f.marker));
  assert.deepEqual(all.filter((m) => !seen.has(m)), [], `${when}: markers the internal site does not show`);
}

describe('property: no internal part of a random project reaches the public site', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'postmortem-leak-property-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(`cold in memory, then incremental on disk after a reshuffle (${RUNS} runs; FC_RUNS widens)`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        project.chain((p) => fc.tuple(fc.constant(p), reshuffled(p))),
        async ([first, second]) => {
          const dir = path.join(root, `run-${run++}`);
          const place = async (w: Written) => {
            await rm(path.join(dir, 'incidents'), { recursive: true, force: true });
            for (const [rel, text] of Object.entries(w.files)) {
              await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
              await writeFile(path.join(dir, rel), text);
            }
          };
          try {
            // Cold, in memory.
            const a = write(first);
            await place(a);
            const [pubA, internalA] = await generateSites(dir, { now: NOW, drafts: false, cache: true }, ['public', 'internal']);
            assertSites(a, await rendered(pubA!), await rendered(internalA!), 'cold');
            // Both written with the cache, then the parts reshuffled and built again: incremental.
            const out = { public: path.join(dir, 'dist'), internal: path.join(dir, 'dist-internal') };
            for (const [site, audience] of [[pubA!, 'public'], [internalA!, 'internal']] as const) {
              if (!site.ok) continue;
              await writeSite(dir, out[audience], site.pending, { cache: true, audience, late: site.late });
              site.dispose();
            }
            const b = write(second);
            await place(b);
            const [pubB, internalB] = await generateSites(dir, { now: NOW, drafts: false, cache: true }, ['public', 'internal']);
            for (const [site, audience] of [[pubB!, 'public'], [internalB!, 'internal']] as const) {
              assert.ok(site.ok, 'the reshuffled project builds');
              await writeSite(dir, out[audience], site.pending, { cache: true, audience, late: site.late });
              site.dispose();
            }
            assertSites(b, await readTree(out.public), await readTree(out.internal), 'incremental');
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS, seed: process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined },
    );
  });
});
