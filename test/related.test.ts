/**
 * Related incidents (site/related.ts): earlier incidents only, the strongest shared features first with their
 * reasons, maintenance left out, deterministic, bounded work per feature, weights that one edit barely moves; and
 * on the built page, under the incremental keys.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Incident, SiteConfig } from '../src/core/index.js';
import { buildSiteModel, MAX_RELATED, relatedIncidents, WALK, words, type SiteModel } from '../src/site/index.js';

const config: SiteConfig = {
  title: 'T',
  basePath: '/',
  timezone: 'UTC',
  uptimeDays: 90,
  services: ['api', 'web', 'db', 'dns'].map((id) => ({ id, name: id.toUpperCase() })),
};
const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function incident(id: string, day: number, over: Partial<Incident> = {}): Incident {
  return {
    id,
    file: `incidents/${id}.md`,
    title: `Incident ${id}`,
    summary: 'Something went wrong.',
    severity: 'minor',
    started: T0 + day * DAY,
    resolved: T0 + day * DAY + 3_600_000,
    services: [{ id: 'web', impact: 'degraded_performance' }],
    timeline: [],
    contributingFactors: [],
    actions: [],
    links: [],
    tags: [],
    authors: [],
    timezone: 'UTC',
    draft: false,
    body: '',
    bodyLine: 1,
    ...over,
  };
}

function model(incidents: Incident[]): SiteModel {
  return buildSiteModel(config, incidents, { now: T0 + 400 * DAY, drafts: false, html: () => ({ bodyHtml: '', rootCauseHtml: '', timelineHtml: [] }) });
}

/** Filler incidents that share nothing particular, so that the features below are rare (weights are log IDF). */
function filler(n: number, from: number): Incident[] {
  return Array.from({ length: n }, (_, i) => incident(`filler-${String(i).padStart(3, '0')}`, from + i, { title: `Routine ${i}`, summary: `Nothing ${i}.` }));
}

const related = (m: SiteModel, id: string) => relatedIncidents(m, m.byId.get(id)!);

describe('related incidents', () => {
  const cert = incident('cert-1', 10, {
    title: 'API errors after a certificate expired',
    services: [{ id: 'api', impact: 'major_outage' }],
    tags: ['tls'],
    contributingFactors: ['Certificate expiry was not monitored.'],
    rootCause: 'The client certificate expired.',
  });
  const cert2 = incident('cert-2', 200, {
    title: 'Expired certificate broke the API',
    services: [{ id: 'api', impact: 'partial_outage' }],
    tags: ['tls'],
    contributingFactors: ['certificate expiry was not monitored'],
    rootCause: 'An intermediate certificate expired.',
  });
  const dnsOnly = incident('dns-1', 20, { title: 'DNS resolution failures', services: [{ id: 'dns', impact: 'major_outage' }], tags: ['dns'] });
  const later = incident('cert-3', 300, { title: 'Certificate expired again', tags: ['tls'], contributingFactors: ['Certificate expiry was not monitored'] });
  const maint = incident('maint-1', 5, { severity: 'maintenance', title: 'Certificate rotation', tags: ['tls'] });

  it('the earlier incident sharing service, tag, factor and words comes first, with its reasons', () => {
    const m = model([cert, cert2, dnsOnly, later, maint, ...filler(60, 30)]);
    const r = related(m, 'cert-2');
    assert.equal(r[0]?.id, 'cert-1');
    assert.deepEqual(r[0]!.reasons.map((x) => x.kind), ['service', 'tag', 'factor', 'words']);
    assert.deepEqual(r[0]!.reasons.find((x) => x.kind === 'factor')!.values, ['certificate expiry was not monitored'], 'the factor as this incident writes it (case and final stop ignored to match)');
    assert.ok(r[0]!.reasons.find((x) => x.kind === 'words')!.values.includes('certificate'));
    assert.ok(!r.some((x) => x.id === 'cert-3'), 'never a later incident');
    assert.ok(!r.some((x) => x.id === 'maint-1'), 'never maintenance');
    assert.deepEqual(related(m, 'maint-1'), [], 'maintenance has no related incidents');
    assert.deepEqual(related(m, 'cert-1'), [], 'the first of its kind has none');
    assert.deepEqual(related(m, 'cert-3').map((x) => x.id).slice(0, 2), ['cert-2', 'cert-1'], 'equal strength: the more recent first');
  });

  it('deterministic whatever the input order, and at most five', () => {
    const many = [cert, ...Array.from({ length: 12 }, (_, i) => incident(`tls-${i}`, 40 + i, { tags: ['tls'], title: `TLS certificate ${i}` })), ...filler(80, 100)];
    const a = related(model(many), 'tls-11');
    const b = related(model([...many].reverse()), 'tls-11');
    assert.deepEqual(a, b);
    assert.equal(a.length, MAX_RELATED);
  });

  it(`a common feature is followed back through at most ${WALK} earlier incidents; a rare one through all`, () => {
    // 'web' is everyone's service; a rare tag shared with the oldest incident is still found.
    const old = incident('old-rare', 0, { tags: ['kafka'], title: 'Kafka consumer lag', rootCause: 'Consumer lag on kafka partitions.' });
    const now = incident('new-rare', 500, { tags: ['kafka'], title: 'Kafka consumer lag again' });
    const m = model([old, ...filler(WALK + 40, 1), now]);
    assert.equal(related(m, 'new-rare')[0]?.id, 'old-rare');
  });

  it('an edit to an unrelated incident leaves a related list as it was', () => {
    const base = [cert, cert2, dnsOnly, later, ...filler(60, 30)];
    const before = related(model(base), 'cert-3');
    const edited = base.map((i) => (i.id === 'filler-005' ? { ...i, title: 'Routine work on the load balancers', summary: 'Planned, quiet.' } : i));
    assert.deepEqual(related(model(edited), 'cert-3'), before);
  });

  it('words: case, plural s and common words do not matter', () => {
    assert.deepEqual([...words('The Certificates EXPIRED; the certificate expired!').keys()], ['certificate', 'expired']);
  });
});
