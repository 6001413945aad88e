import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import type { Impact, Incident } from '../src/core/index.js';
import { buildSiteModel, downtimeSegments, incidentStatus, serviceUptime } from '../src/site/index.js';
import { DAY, HOUR, MINUTE, T, fakeHtml, makeConfig, makeIncident, makeModel } from './helpers/factory.js';

const NOW = '2024-06-15T12:00:00Z';

function close(actual: number | null, expected: number, eps = 1e-9): void {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);
}

function service(model: ReturnType<typeof makeModel>, id: string) {
  const s = model.services.find((x) => x.id === id);
  assert.ok(s, `service ${id}`);
  return s;
}

function day(model: ReturnType<typeof makeModel>, id: string, date: string) {
  const d = service(model, id).days.find((x) => x.date === date);
  assert.ok(d, `day ${date}`);
  return d;
}

describe('component status and overall banner', () => {
  it('an ongoing incident sets its impact on the service and the banner', () => {
    const m = makeModel([makeIncident({ id: 'a', severity: 'major', started: '2024-06-15T10:00:00Z' })], { now: NOW });
    assert.equal(service(m, 'api').status, 'partial_outage');
    assert.equal(service(m, 'website').status, 'operational');
    assert.deepEqual(m.overall, { status: 'partial_outage', indicator: 'major', description: 'Partial System Outage' });
    assert.deepEqual(m.active.map((i) => i.id), ['a']);
    assert.equal(m.byId.get('a')!.ongoing, true);
    assert.equal(m.byId.get('a')!.status, 'investigating');
  });

  it('a resolved incident leaves the service operational', () => {
    const m = makeModel(
      [makeIncident({ id: 'a', severity: 'critical', started: '2024-06-15T08:00:00Z', resolved: '2024-06-15T09:00:00Z' })],
      { now: NOW },
    );
    assert.equal(service(m, 'api').status, 'operational');
    assert.deepEqual(m.overall, { status: 'operational', indicator: 'none', description: 'All Systems Operational' });
    assert.deepEqual(m.active, []);
    assert.equal(m.byId.get('a')!.status, 'resolved');
  });

  it('the worst impact among ongoing incidents wins; a notice changes nothing', () => {
    const m = makeModel(
      [
        makeIncident({ id: 'deg', severity: 'minor', started: '2024-06-15T09:00:00Z' }),
        makeIncident({ id: 'maj', severity: 'critical', started: '2024-06-15T10:00:00Z', services: ['api'] }),
        makeIncident({ id: 'old', severity: 'critical', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T11:00:00Z', services: ['db'] }),
        makeIncident({ id: 'note', severity: 'notice', started: '2024-06-15T10:00:00Z', services: ['website'] }),
        makeIncident({ id: 'web', severity: 'major', started: '2024-06-15T10:00:00Z', services: [{ id: 'db', impact: 'degraded_performance' }] }),
      ],
      { now: NOW },
    );
    assert.equal(service(m, 'api').status, 'major_outage');
    assert.equal(service(m, 'website').status, 'operational');
    assert.equal(service(m, 'db').status, 'degraded_performance');
    assert.deepEqual(m.overall, { status: 'major_outage', indicator: 'critical', description: 'Major Service Outage' });
  });

  it('maps every worst status to Statuspage words', () => {
    const cases: [Impact, string, string][] = [
      ['major_outage', 'critical', 'Major Service Outage'],
      ['partial_outage', 'major', 'Partial System Outage'],
      ['degraded_performance', 'minor', 'Minor Service Outage'],
      ['under_maintenance', 'maintenance', 'Service Under Maintenance'],
    ];
    for (const [impact, indicator, description] of cases) {
      const m = makeModel([makeIncident({ id: 'x', started: '2024-06-15T10:00:00Z', services: [{ id: 'api', impact }] })], { now: NOW });
      assert.deepEqual(m.overall, { status: impact, indicator, description }, impact);
    }
  });

  it('upcoming maintenance: scheduled, not ongoing, service operational, even when the timeline already says in progress', () => {
    const m = makeModel(
      [
        makeIncident({
          id: 'later',
          severity: 'maintenance',
          started: '2024-06-20T02:00:00Z',
          resolved: '2024-06-20T04:00:00Z',
          timeline: [{ at: T('2024-06-10T00:00:00Z'), text: 'stale', status: 'in_progress' }],
        }),
        makeIncident({ id: 'sooner', severity: 'maintenance', started: '2024-06-16T02:00:00Z', resolved: '2024-06-16T03:00:00Z' }),
      ],
      { now: NOW },
    );
    const later = m.byId.get('later')!;
    assert.equal(later.status, 'scheduled');
    assert.equal(later.ongoing, false);
    assert.equal(later.upcoming, true);
    assert.equal(service(m, 'api').status, 'operational');
    assert.equal(m.overall.indicator, 'none');
    assert.deepEqual(m.maintenanceUpcoming.map((i) => i.id), ['sooner', 'later']);
    assert.deepEqual(m.maintenanceActive, []);
    assert.deepEqual(m.active, []);
  });

  it('maintenance in progress: under_maintenance and the maintenance banner; time beats a stale "scheduled"', () => {
    const m = makeModel(
      [
        makeIncident({
          id: 'now',
          severity: 'maintenance',
          started: '2024-06-15T11:00:00Z',
          resolved: '2024-06-15T13:00:00Z',
          timeline: [{ at: T('2024-06-14T00:00:00Z'), text: 'announced', status: 'scheduled' }],
        }),
      ],
      { now: NOW },
    );
    const v = m.byId.get('now')!;
    assert.equal(v.status, 'in_progress');
    assert.equal(v.ongoing, true);
    assert.equal(v.upcoming, false);
    assert.equal(service(m, 'api').status, 'under_maintenance');
    assert.deepEqual(m.overall, { status: 'under_maintenance', indicator: 'maintenance', description: 'Service Under Maintenance' });
    assert.deepEqual(m.maintenanceActive.map((i) => i.id), ['now']);
    assert.deepEqual(m.active, [], 'maintenance is not an active incident');
  });

  it('an outage outranks maintenance on the same service', () => {
    const m = makeModel(
      [
        makeIncident({ id: 'mt', severity: 'maintenance', started: '2024-06-15T11:00:00Z' }),
        makeIncident({ id: 'out', severity: 'minor', started: '2024-06-15T11:30:00Z' }),
      ],
      { now: NOW },
    );
    assert.equal(service(m, 'api').status, 'degraded_performance');
    assert.equal(m.overall.indicator, 'minor');
  });

  it('maintenance status follows time: completed after its end, verifying kept while in the window', () => {
    const base = { id: 'm', severity: 'maintenance' as const, started: '2024-06-15T10:00:00Z', resolved: '2024-06-15T14:00:00Z' };
    const verifying = makeIncident({ ...base, timeline: [{ at: T('2024-06-15T11:00:00Z'), text: 'checking', status: 'verifying' }] });
    assert.equal(incidentStatus(verifying, T(NOW)), 'verifying');
    assert.equal(incidentStatus(verifying, T('2024-06-15T14:00:00Z')), 'completed');
    assert.equal(incidentStatus(verifying, T('2024-06-15T09:59:59Z')), 'scheduled');
    const stale = makeIncident({ ...base, timeline: [{ at: T('2024-06-15T10:00:00Z'), text: 'go', status: 'in_progress' }] });
    assert.equal(incidentStatus(stale, T('2024-06-16T00:00:00Z')), 'completed');
    const open = makeIncident({ id: 'o', severity: 'maintenance', started: '2024-06-15T10:00:00Z' });
    assert.equal(incidentStatus(open, T(NOW)), 'in_progress');
  });

  it('incident status: the last timeline status, made consistent with resolved', () => {
    const tl = (...statuses: ('investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem')[]) =>
      statuses.map((status, k) => ({ at: T('2024-06-15T08:00:00Z') + k * MINUTE, text: status, status }));
    const now = T(NOW);
    const ongoing = makeIncident({ id: 'a', started: '2024-06-15T08:00:00Z', timeline: tl('investigating', 'identified') });
    assert.equal(incidentStatus(ongoing, now), 'identified');
    const resolvedStale = makeIncident({ id: 'b', started: '2024-06-15T08:00:00Z', resolved: '2024-06-15T09:00:00Z', timeline: tl('monitoring') });
    assert.equal(incidentStatus(resolvedStale, now), 'resolved');
    const pm = makeIncident({ id: 'c', started: '2024-06-15T08:00:00Z', resolved: '2024-06-15T09:00:00Z', timeline: tl('resolved', 'postmortem') });
    assert.equal(incidentStatus(pm, now), 'postmortem');
    const notResolved = makeIncident({ id: 'd', started: '2024-06-15T08:00:00Z', timeline: tl('monitoring', 'resolved') });
    assert.equal(incidentStatus(notResolved, now), 'monitoring', 'no `resolved` time: still ongoing');
    const future = makeIncident({ id: 'e', started: '2024-06-15T08:00:00Z', timeline: [{ at: now + HOUR, text: 'x', status: 'monitoring' }] });
    assert.equal(incidentStatus(future, now), 'investigating', 'updates after now do not count');
    const tie = makeIncident({
      id: 'f',
      started: '2024-06-15T08:00:00Z',
      timeline: [
        { at: T('2024-06-15T09:00:00Z'), text: 'x', status: 'identified' },
        { at: T('2024-06-15T09:00:00Z'), text: 'y', status: 'monitoring' },
      ],
    });
    assert.equal(incidentStatus(tie, now), 'monitoring', 'equal instants: the later entry of the file wins');
  });
});

describe('durations and derived fields', () => {
  it('duration, time to detect and time to mitigate', () => {
    const m = makeModel(
      [
        makeIncident({
          id: 'r',
          started: '2024-06-14T10:00:00Z',
          detected: '2024-06-14T10:07:00Z',
          mitigated: '2024-06-14T11:00:00Z',
          resolved: '2024-06-14T14:17:00Z',
        }),
        makeIncident({ id: 'o', started: '2024-06-15T09:30:00Z' }),
        makeIncident({ id: 'up', severity: 'maintenance', started: '2024-06-16T00:00:00Z' }),
      ],
      { now: NOW },
    );
    const r = m.byId.get('r')!;
    assert.equal(r.durationMs, 4 * HOUR + 17 * MINUTE);
    assert.equal(r.timeToDetectMs, 7 * MINUTE);
    assert.equal(r.timeToMitigateMs, HOUR);
    const o = m.byId.get('o')!;
    assert.equal(o.durationMs, 2.5 * HOUR, 'ongoing: until now');
    assert.equal(o.timeToDetectMs, null);
    assert.equal(o.timeToMitigateMs, null);
    assert.equal(m.byId.get('up')!.durationMs, null, 'not started, no end: no duration');
    assert.equal(r.path, 'incidents/r/');
  });

  it('updates are the status entries, newest first', () => {
    const m = makeModel(
      [
        makeIncident({
          id: 'a',
          started: '2024-06-15T08:00:00Z',
          timeline: [
            { at: T('2024-06-15T08:00:00Z'), text: 'one', status: 'investigating' },
            { at: T('2024-06-15T08:30:00Z'), text: 'note' },
            { at: T('2024-06-15T09:00:00Z'), text: 'two', status: 'identified' },
          ],
        }),
      ],
      { now: NOW },
    );
    assert.deepEqual(m.byId.get('a')!.updates.map((u) => u.text), ['two', 'one']);
  });

  it('html from the renderer lands on the view', () => {
    const m = makeModel([makeIncident({ id: 'a', started: '2024-06-15T08:00:00Z', body: 'hello <b>' })], { now: NOW });
    assert.equal(m.byId.get('a')!.bodyHtml, '<p>hello &lt;b></p>');
  });
});

describe('ordering, navigation, lists', () => {
  const incidents = [
    makeIncident({ id: 'b-tie', started: '2024-06-10T00:00:00Z', resolved: '2024-06-10T01:00:00Z' }),
    makeIncident({ id: 'newest', started: '2024-06-15T00:00:00Z', resolved: '2024-06-15T01:00:00Z' }),
    makeIncident({ id: 'a-tie', started: '2024-06-10T00:00:00Z', resolved: '2024-06-10T01:00:00Z' }),
    makeIncident({ id: 'old', started: '2024-05-01T00:00:00Z', resolved: '2024-05-01T01:00:00Z', tags: ['network', 'db'] }),
    makeIncident({ id: 'old-ongoing', started: '2024-04-01T00:00:00Z', tags: ['db'] }),
    makeIncident({ id: 'maint', severity: 'maintenance', started: '2024-06-14T00:00:00Z', resolved: '2024-06-14T01:00:00Z', tags: ['db'] }),
    makeIncident({ id: 'draft', started: '2024-06-13T00:00:00Z', resolved: '2024-06-13T01:00:00Z', draft: true }),
  ];

  it('newest started first, ties by id, whatever the input order', () => {
    const m = makeModel(incidents, { now: NOW });
    const ids = ['newest', 'maint', 'a-tie', 'b-tie', 'old', 'old-ongoing'];
    assert.deepEqual(m.incidents.map((i) => i.id), ids);
    const reversed = makeModel([...incidents].reverse(), { now: NOW });
    assert.deepEqual(reversed.incidents.map((i) => i.id), ids);
  });

  it('prev is the older neighbour, next the newer', () => {
    const m = makeModel(incidents, { now: NOW });
    assert.equal(m.byId.get('newest')!.nextId, null);
    assert.equal(m.byId.get('newest')!.prevId, 'maint');
    assert.equal(m.byId.get('a-tie')!.prevId, 'b-tie');
    assert.equal(m.byId.get('a-tie')!.nextId, 'maint');
    assert.equal(m.byId.get('old-ongoing')!.prevId, null);
  });

  it('drafts only when asked', () => {
    assert.equal(makeModel(incidents, { now: NOW }).byId.has('draft'), false);
    const withDrafts = makeModel(incidents, { now: NOW, drafts: true });
    assert.equal(withDrafts.byId.get('draft')!.prevId, 'a-tie');
    assert.ok(service(withDrafts, 'api').incidentIds.includes('draft'));
    assert.ok(!service(makeModel(incidents, { now: NOW }), 'api').incidentIds.includes('draft'));
  });

  it('recent: incidents of the last 14 days no longer ongoing (an ongoing one has its card), no maintenance', () => {
    const m = makeModel(incidents, { now: NOW });
    assert.deepEqual(m.recent.map((i) => i.id), ['newest', 'a-tie', 'b-tie']);
    assert.deepEqual(m.active.map((i) => i.id), ['old-ongoing']);
  });

  it('tags sorted, ids newest first', () => {
    const m = makeModel(incidents, { now: NOW });
    assert.deepEqual([...m.tags.keys()], ['db', 'network']);
    assert.deepEqual(m.tags.get('db'), ['maint', 'old', 'old-ongoing']);
  });

  it('service incident ids newest first', () => {
    const m = makeModel(incidents, { now: NOW });
    assert.deepEqual(service(m, 'api').incidentIds, ['newest', 'maint', 'a-tie', 'b-tie', 'old', 'old-ongoing']);
    assert.deepEqual(service(m, 'db').incidentIds, []);
  });

  it('actions: overdue open first, then open, then done; deterministic ties', () => {
    const m = makeModel(
      [
        makeIncident({
          id: 'newer',
          started: '2024-06-10T00:00:00Z',
          resolved: '2024-06-10T01:00:00Z',
          actions: [
            { title: 'A overdue', status: 'open', due: '2024-06-01' },
            { title: 'A done', status: 'done', due: '2024-01-01' },
            { title: 'A undated', status: 'open' },
            { title: 'A due today', status: 'open', due: '2024-06-15' },
          ],
        }),
        makeIncident({
          id: 'older',
          started: '2024-06-01T00:00:00Z',
          resolved: '2024-06-01T01:00:00Z',
          actions: [
            { title: 'B very overdue', status: 'in_progress', due: '2024-05-01' },
            { title: 'B wont', status: 'wont_do', priority: 'high' },
            { title: 'B later', status: 'open', due: '2024-07-01', priority: 'high' },
            { title: 'B undated high', status: 'open', priority: 'high' },
          ],
        }),
      ],
      { now: NOW },
    );
    assert.deepEqual(
      m.actions.map((a) => a.title),
      ['B very overdue', 'A overdue', 'A due today', 'B later', 'B undated high', 'A undated', 'B wont', 'A done'],
    );
    assert.deepEqual(
      m.actions.filter((a) => a.overdue).map((a) => a.title),
      ['B very overdue', 'A overdue'],
    );
    assert.equal(m.actions[0]!.incidentId, 'older');
    assert.equal(m.actions[0]!.incidentTitle, 'Incident older');
  });

  it('groups in order of first appearance; ungrouped services keep their place', () => {
    const m = makeModel([], {
      now: NOW,
      config: {
        services: [
          { id: 'a', name: 'A', group: 'G1' },
          { id: 'b', name: 'B' },
          { id: 'c', name: 'C' },
          { id: 'd', name: 'D', group: 'G2' },
          { id: 'e', name: 'E', group: 'G1' },
          { id: 'f', name: 'F' },
        ],
      },
    });
    assert.deepEqual(
      m.groups.map((g) => [g.name, g.services.map((s) => s.id)]),
      [
        ['G1', ['a', 'e']],
        [null, ['b', 'c']],
        ['G2', ['d']],
        [null, ['f']],
      ],
    );
  });
});

describe('uptime', () => {
  const cfg = { uptimeDays: 3, services: [{ id: 'api', name: 'API' }] };
  // Window: 2024-06-13, 06-14, 06-15 (until 12:00) = 60 h lived.
  const LIVED_MIN = 60 * 60;

  it('one bucket per day of the window, oldest first, today included', () => {
    const m = makeModel([], { now: NOW, config: cfg });
    assert.deepEqual(service(m, 'api').days.map((d) => d.date), ['2024-06-13', '2024-06-14', '2024-06-15']);
    assert.equal(service(m, 'api').uptimePercent, 100);
    assert.deepEqual(day(m, 'api', '2024-06-14'), { date: '2024-06-14', downtimeMinutes: 0, worst: 'operational', incidents: [] });
  });

  it('overlapping outages are merged, never counted twice', () => {
    const m = makeModel(
      [
        makeIncident({ id: 'a', severity: 'critical', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T12:00:00Z' }),
        makeIncident({ id: 'b', severity: 'critical', started: '2024-06-14T11:00:00Z', resolved: '2024-06-14T13:00:00Z' }),
        makeIncident({ id: 'inside', severity: 'critical', started: '2024-06-14T11:15:00Z', resolved: '2024-06-14T11:45:00Z' }),
      ],
      { now: NOW, config: cfg },
    );
    const d = day(m, 'api', '2024-06-14');
    assert.equal(d.downtimeMinutes, 180);
    assert.equal(d.worst, 'major_outage');
    assert.deepEqual(d.incidents, ['inside', 'b', 'a']);
    close(service(m, 'api').uptimePercent, 100 * (1 - 180 / LIVED_MIN));
  });

  it('a partial outage counts at 30 %, and only the worst impact counts at each moment', () => {
    const partial = makeModel(
      [makeIncident({ id: 'p', severity: 'major', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T11:40:00Z' })],
      { now: NOW, config: cfg },
    );
    assert.equal(day(partial, 'api', '2024-06-14').downtimeMinutes, 30);
    assert.equal(day(partial, 'api', '2024-06-14').worst, 'partial_outage');
    close(service(partial, 'api').uptimePercent, 100 * (1 - 30 / LIVED_MIN));

    const mixed = makeModel(
      [
        makeIncident({ id: 'p', severity: 'major', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T12:00:00Z' }),
        makeIncident({ id: 'm', severity: 'critical', started: '2024-06-14T11:00:00Z', resolved: '2024-06-14T11:30:00Z' }),
      ],
      { now: NOW, config: cfg },
    );
    assert.equal(day(mixed, 'api', '2024-06-14').downtimeMinutes, 30 + 0.3 * 90);
    assert.equal(day(mixed, 'api', '2024-06-14').worst, 'major_outage');
  });

  it('maintenance, degraded performance and notices are never downtime', () => {
    const m = makeModel(
      [
        makeIncident({ id: 'mt', severity: 'maintenance', started: '2024-06-13T01:00:00Z', resolved: '2024-06-13T05:00:00Z' }),
        makeIncident({ id: 'slow', severity: 'minor', started: '2024-06-14T01:00:00Z', resolved: '2024-06-14T05:00:00Z' }),
        makeIncident({ id: 'fyi', severity: 'notice', started: '2024-06-15T01:00:00Z', resolved: '2024-06-15T02:00:00Z' }),
      ],
      { now: NOW, config: cfg },
    );
    const s = service(m, 'api');
    assert.equal(s.uptimePercent, 100);
    assert.deepEqual(
      s.days.map((d) => [d.date, d.downtimeMinutes, d.worst, d.incidents]),
      [
        ['2024-06-13', 0, 'under_maintenance', ['mt']],
        ['2024-06-14', 0, 'degraded_performance', ['slow']],
        ['2024-06-15', 0, 'operational', ['fyi']],
      ],
    );
  });

  it('an ongoing incident counts until now, not beyond', () => {
    const m = makeModel([makeIncident({ id: 'o', severity: 'critical', started: '2024-06-15T10:00:00Z' })], { now: NOW, config: cfg });
    assert.equal(day(m, 'api', '2024-06-15').downtimeMinutes, 120);
    close(service(m, 'api').uptimePercent, 100 * (1 - 120 / LIVED_MIN));
    const later = makeModel([makeIncident({ id: 'o', severity: 'critical', started: '2024-06-15T10:00:00Z' })], {
      now: '2024-06-15T11:00:00Z',
      config: cfg,
    });
    assert.equal(day(later, 'api', '2024-06-15').downtimeMinutes, 60);
  });

  it('an incident crossing midnight is split across both days', () => {
    const m = makeModel(
      [makeIncident({ id: 'x', severity: 'critical', started: '2024-06-13T23:00:00Z', resolved: '2024-06-14T01:30:00Z' })],
      { now: NOW, config: cfg },
    );
    assert.equal(day(m, 'api', '2024-06-13').downtimeMinutes, 60);
    assert.equal(day(m, 'api', '2024-06-14').downtimeMinutes, 90);
    assert.deepEqual(day(m, 'api', '2024-06-13').incidents, ['x']);
    assert.deepEqual(day(m, 'api', '2024-06-14').incidents, ['x']);
    assert.equal(day(m, 'api', '2024-06-15').worst, 'operational');
    close(service(m, 'api').uptimePercent, 100 * (1 - 150 / LIVED_MIN));
  });

  it('an incident starting before the window counts only inside it', () => {
    const m = makeModel(
      [makeIncident({ id: 'x', severity: 'critical', started: '2024-06-12T22:00:00Z', resolved: '2024-06-13T02:00:00Z' })],
      { now: NOW, config: cfg },
    );
    assert.equal(day(m, 'api', '2024-06-13').downtimeMinutes, 120);
    close(service(m, 'api').uptimePercent, 100 * (1 - 120 / LIVED_MIN));
  });

  it('`since` in the middle of the window: earlier time is neither up nor down', () => {
    const m = makeModel(
      [
        makeIncident({ id: 'before', severity: 'critical', started: '2024-06-08T10:00:00Z', resolved: '2024-06-08T12:00:00Z' }),
        makeIncident({ id: 'across', severity: 'critical', started: '2024-06-10T23:00:00Z', resolved: '2024-06-11T00:30:00Z' }),
        makeIncident({ id: 'after', severity: 'critical', started: '2024-06-12T00:00:00Z', resolved: '2024-06-12T01:00:00Z' }),
      ],
      { now: NOW, config: { uptimeDays: 10, services: [{ id: 'api', name: 'API', since: '2024-06-11' }] } },
    );
    const s = service(m, 'api');
    assert.equal(s.days.length, 10);
    assert.deepEqual(
      s.days.slice(0, 5).map((d) => [d.date, d.worst, d.downtimeMinutes, d.incidents.length]),
      ['06', '07', '08', '09', '10'].map((dd) => [`2024-06-${dd}`, null, 0, 0]),
    );
    assert.equal(day(m, 'api', '2024-06-11').downtimeMinutes, 30);
    assert.equal(day(m, 'api', '2024-06-11').worst, 'major_outage');
    assert.equal(day(m, 'api', '2024-06-12').downtimeMinutes, 60);
    // Lived: 06-11 … 06-14 (4 days) + 12 h of 06-15 = 108 h.
    close(s.uptimePercent, 100 * (1 - 90 / (108 * 60)));
  });

  it('a service not yet born has no uptime', () => {
    const m = makeModel([], { now: NOW, config: { uptimeDays: 3, services: [{ id: 'api', name: 'API', since: '2024-07-01' }] } });
    assert.equal(service(m, 'api').uptimePercent, null);
    assert.ok(service(m, 'api').days.every((d) => d.worst === null));
    assert.ok(service(m, 'api').monthly.every((mo) => mo.uptimePercent === null));
  });

  it('a service born today counts from midnight', () => {
    const m = makeModel([makeIncident({ id: 'x', severity: 'critical', started: '2024-06-15T11:00:00Z', resolved: '2024-06-15T11:30:00Z' })], {
      now: NOW,
      config: { uptimeDays: 3, services: [{ id: 'api', name: 'API', since: '2024-06-15' }] },
    });
    close(service(m, 'api').uptimePercent, 100 * (1 - 30 / (12 * 60)));
  });

  it('monthly uptime: the last 12 calendar months, oldest first, same math', () => {
    const m = makeModel(
      [makeIncident({ id: 'x', severity: 'critical', started: '2024-05-31T23:00:00Z', resolved: '2024-06-01T01:00:00Z' })],
      { now: NOW, config: { uptimeDays: 3, services: [{ id: 'api', name: 'API', since: '2024-03-10' }] } },
    );
    const monthly = service(m, 'api').monthly;
    assert.deepEqual(monthly.map((x) => x.month), [
      '2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06',
    ]);
    assert.equal(monthly[0]!.uptimePercent, null, 'before since');
    assert.equal(monthly[7]!.uptimePercent, null, 'February: before since');
    assert.equal(monthly[8]!.uptimePercent, 100, 'March: lived from the 10th, no downtime');
    assert.equal(monthly[10]!.downtimeMinutes, 60);
    close(monthly[10]!.uptimePercent, 100 * (1 - 60 / (31 * 1440)));
    assert.equal(monthly[11]!.downtimeMinutes, 60);
    close(monthly[11]!.uptimePercent, 100 * (1 - 60 / (14.5 * 1440)), 1e-9);
    // The window ends before the incident, so the 3-day window is clean.
    assert.equal(service(m, 'api').uptimePercent, 100);
  });

  it('a 40-day incident fills every touched day of the window', () => {
    const m = makeModel([makeIncident({ id: 'long', severity: 'critical', started: '2024-05-01T00:00:00Z' })], {
      now: NOW,
      config: { uptimeDays: 5, services: [{ id: 'api', name: 'API' }] },
    });
    const s = service(m, 'api');
    assert.deepEqual(s.days.map((d) => d.downtimeMinutes), [1440, 1440, 1440, 1440, 720]);
    assert.equal(s.uptimePercent, 0);
  });

  it('matches a per-minute reference on random incidents', () => {
    const now = T(NOW);
    const origin = T('2024-06-12T00:00:00Z'); // one day before the 3-day window
    const impacts: (Impact | null)[] = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', null];
    const weight = (i: Impact | null) => (i === 'major_outage' ? 1 : i === 'partial_outage' ? 0.3 : 0);
    const rank = (i: Impact | null) => (i === null ? 4 : ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'].indexOf(i));
    const arb = fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 4 * 1440 }),
        length: fc.integer({ min: 0, max: 2000 }),
        impact: fc.constantFrom(...impacts),
        ongoing: fc.boolean(),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const spans = specs.map((s, k) => ({
          id: `i${k}`,
          impact: s.impact,
          started: origin + s.start * MINUTE,
          resolved: s.ongoing ? undefined : origin + (s.start + s.length) * MINUTE,
        }));
        const got = serviceUptime({ id: 'api', name: 'API' }, spans, now, 3);
        const windowStart = T('2024-06-13T00:00:00Z');
        let total = 0;
        for (let d = 0; d < 3; d++) {
          const dayStart = windowStart + d * DAY;
          let down = 0;
          for (let t = dayStart; t < Math.min(dayStart + DAY, now); t += MINUTE) {
            let w = 0;
            for (const s of spans) {
              if (s.started <= t && t < Math.min(s.resolved ?? now, now)) w = Math.max(w, weight(s.impact));
            }
            down += w;
          }
          total += down;
          let worst = 4;
          for (const s of spans) {
            if (s.started > now) continue;
            const end = Math.min(s.resolved ?? now, now);
            if (s.started < dayStart + DAY && Math.max(end, s.started + 1) > dayStart) worst = Math.min(worst, rank(s.impact));
          }
          const bucket = got.days[d]!;
          assert.ok(Math.abs(bucket.downtimeMinutes - down) < 0.006, `day ${d}: ${bucket.downtimeMinutes} vs ${down}`);
          assert.equal(bucket.worst, ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', 'operational'][worst]);
        }
        close(got.uptimePercent, 100 * (1 - total / (60 * 60)), 1e-6);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('downtime segments are disjoint and sorted', () => {
    const segs = downtimeSegments([
      { start: 0, end: 10, weight: 0.3 },
      { start: 5, end: 7, weight: 1 },
      { start: 7, end: 12, weight: 1 },
      { start: 20, end: 30, weight: 0 },
    ]);
    assert.deepEqual(segs, [
      { start: 0, end: 5, weight: 0.3 },
      { start: 5, end: 12, weight: 1 },
    ]);
  });

  it('stays fast with 10,000 incidents over a year', () => {
    const services = ['api', 'website', 'db', 'cdn'].map((id) => ({ id, name: id }));
    const now = T(NOW);
    const incidents: Incident[] = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 10_000; k++) {
      const started = now - Math.floor(rnd() * 400 * DAY);
      const svc = services[k % services.length]!.id;
      incidents.push(
        makeIncident({
          id: `i-${k}`,
          severity: (['critical', 'major', 'minor', 'notice', 'maintenance'] as const)[k % 5],
          started,
          resolved: Math.min(now, started + Math.floor(rnd() * 6 * HOUR)),
          services: [svc],
          actions: [{ title: 'x', status: 'open', due: '2024-01-01' }],
          tags: [`t${k % 7}`],
        }),
      );
    }
    const t0 = performance.now();
    const m = buildSiteModel(makeConfig({ services, uptimeDays: 365 }), incidents, { now, drafts: false, html: fakeHtml });
    const elapsed = performance.now() - t0;
    assert.equal(m.incidents.length, 10_000);
    assert.ok(elapsed < 3000, `took ${elapsed.toFixed(0)} ms`);
  });
});

describe('determinism', () => {
  it('the same inputs in any order give the same model', () => {
    const incidents = [
      makeIncident({ id: 'a', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T11:00:00Z', tags: ['x'] }),
      makeIncident({ id: 'b', started: '2024-06-14T10:00:00Z', resolved: '2024-06-14T12:00:00Z', tags: ['x'] }),
      makeIncident({ id: 'c', severity: 'maintenance', started: '2024-06-20T10:00:00Z', resolved: '2024-06-20T12:00:00Z' }),
    ];
    const config = makeConfig();
    const build = (list: Incident[]) => buildSiteModel(config, list, { now: T(NOW), drafts: false, html: fakeHtml });
    const one = build(incidents);
    const two = build([incidents[2]!, incidents[0]!, incidents[1]!]);
    const plain = (m: ReturnType<typeof build>) => JSON.stringify({ ...m, byId: [...m.byId.keys()], tags: [...m.tags] });
    assert.equal(plain(one), plain(two));
  });
});
